/** A repository as builders need it. */
export interface RepoRef {
  owner: string;
  name: string;
  /** Default: derived from the full name, stable across calls. */
  id?: number;
}

/** One webhook delivery (or Actions event): the event name, a delivery id, and the payload. */
export interface WebhookDelivery<Name extends string = string> {
  name: Name;
  /** Like `X-GitHub-Delivery`: unique per delivery; a redelivery keeps it. */
  id: string;
  payload: Record<string, unknown>;
}

export interface HeadRef {
  ref: string;
  sha: string;
  /** The head repository; a different repository than the base makes a fork pull request. */
  repo?: RepoRef;
}
