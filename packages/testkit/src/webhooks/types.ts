/** A JSON object of a payload. */
export type Payload = Record<string, unknown>;

/** A repository as builders need it. */
export interface RepoRef {
  owner: string;
  name: string;
  /** Default: derived from the full name, stable across calls. */
  id?: number;
  /** Default `main`: the repository's `default_branch`, and the base of pull requests that name none. */
  defaultBranch?: string;
}

/** The head of a pull request. */
export interface HeadRef {
  ref: string;
  sha: string;
  /** The head repository; a different repository than the base makes a fork pull request. */
  repo?: RepoRef;
}

/** How the author of a pull request or review is associated with the repository, as GitHub reports it. */
export type AuthorAssociation =
  | 'OWNER'
  | 'MEMBER'
  | 'COLLABORATOR'
  | 'CONTRIBUTOR'
  | 'FIRST_TIME_CONTRIBUTOR'
  | 'FIRST_TIMER'
  | 'MANNEQUIN'
  | 'NONE';

/** One webhook delivery (or Actions event): the event name, a delivery id, and the payload. */
export interface WebhookDelivery<Name extends string = string> {
  name: Name;
  /** Like `X-GitHub-Delivery`: unique per delivery; a redelivery keeps it. */
  id: string;
  payload: Payload;
}
