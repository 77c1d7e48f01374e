import { createHash } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha1').update(text).digest();
}

/** A stable numeric id for a name, so the same repository, login or pull request always gets the same id. */
export function stableId(name: string): number {
  return digest(name).readUInt32BE(0) % 1_000_000_000;
}

/** A stable 40-hex commit SHA for a name, for the SHAs the options leave out (a base, a merge commit). */
export function stableSha(name: string): string {
  return digest(name).toString('hex');
}

/** A GraphQL node id in GitHub's legacy format: base64 of `0<length of type>:<type><id>`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** The id of a pull request, the same in `pull_request` and in a run's `pull_requests`. */
export function pullRequestId(fullName: string, number: number): number {
  return stableId(`pull:${fullName}#${number}`);
}

/** The base SHA a builder assumes when the options name none, the same in every builder. */
export function defaultBaseSha(fullName: string, ref: string): string {
  return stableSha(`base:${fullName}:${ref}`);
}
