/**
 * Why a lookup ended without a manifest. `absent` failures are the registry saying the artifact does not exist and
 * carry the whole reason; the others (authentication, server errors, timeouts, network) mean it could not be
 * checked, and their message says why, without naming the reference, which the caller prefixes.
 * Messages never contain credentials or tokens.
 */
export class LookupFailure extends Error {
  override readonly name = 'LookupFailure';

  constructor(
    message: string,
    readonly absent = false,
  ) {
    super(message);
  }
}
