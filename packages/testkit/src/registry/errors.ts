/** Error codes of the OCI distribution spec, with the status and message distribution/distribution answers. */
const CODES = {
  BLOB_UNKNOWN: [404, 'blob unknown to registry'],
  BLOB_UPLOAD_UNKNOWN: [404, 'blob upload unknown to registry'],
  DIGEST_INVALID: [400, 'provided digest did not match uploaded content'],
  MANIFEST_BLOB_UNKNOWN: [400, 'blob unknown to registry'],
  MANIFEST_INVALID: [400, 'manifest invalid'],
  MANIFEST_UNKNOWN: [404, 'manifest unknown'],
  NAME_UNKNOWN: [404, 'repository name not known to registry'],
  UNAUTHORIZED: [401, 'authentication required'],
  UNKNOWN: [500, 'unknown error'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof CODES;

/** One entry of the `{ "errors": [...] }` body; `detail` is left out of the JSON when undefined. */
export interface ErrorEntry {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/** Builds an entry with the spec's message for `code`, or `message` when distribution says something more precise. */
export function errorEntry(code: ErrorCode, detail?: unknown, message: string = CODES[code][1]): ErrorEntry {
  return { code, message, detail };
}

/** An error answered as the spec's JSON body, with the HTTP status of its first entry. */
export class RegistryError extends Error {
  readonly status: number;
  readonly entries: readonly ErrorEntry[];
  /** Headers to answer with, such as the `WWW-Authenticate` challenge of an `UNAUTHORIZED` error. */
  readonly headers: Record<string, string> = {};

  constructor(...entries: [ErrorEntry, ...ErrorEntry[]]) {
    super(entries.map((entry) => `${entry.code}: ${entry.message}`).join('; '));
    this.name = 'RegistryError';
    this.entries = entries;
    this.status = CODES[entries[0].code][0];
  }

  /** The response body, newline-terminated as distribution's JSON encoder writes it. */
  body(): string {
    return `${JSON.stringify({ errors: this.entries })}\n`;
  }
}

/** Shorthand for a single-entry {@link RegistryError}. */
export function registryError(code: ErrorCode, detail?: unknown, message?: string): RegistryError {
  return new RegistryError(errorEntry(code, detail, message));
}
