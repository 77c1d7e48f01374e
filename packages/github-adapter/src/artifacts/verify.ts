import { type GuardEvent, parseArtifactRef, type VerifyArtifactsEffect } from '@release-guard/core';
import { RegistryClient } from './client.js';
import { LookupFailure } from './failure.js';
import { npmPackage } from './npm.js';
import { type ImageReference, parseReference } from './reference.js';
import { releaseAsset } from './release-asset.js';
import type { ArtifactLookup, ArtifactVerifierOptions } from './types.js';

const REVISION = 'org.opencontainers.image.revision';

/**
 * Looks up every artifact of `effect` where its ref says (an OCI registry, an npm registry, a GitHub
 * release) and answers the core with one `ARTIFACT_VERIFIED`
 * (with the digest the reference resolves to) or `ARTIFACT_MISSING` (with the reason) per artifact, in order.
 * Artifacts are checked concurrently; authorizations are shared between those on the same repository.
 * It never throws: a registry that is down, slow or refuses the credentials makes the artifact missing, with a
 * reason that says it "could not be checked" (a retry of the release verifies again).
 *
 * @example
 * const events = await verifyArtifacts(
 *   {
 *     type: 'VERIFY_ARTIFACTS',
 *     sha: '03093a127262cad8f4c94caf8aa4262314a1cedd',
 *     artifacts: [
 *       { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:v0.29.0' },
 *       { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:4.0.27' },
 *     ],
 *   },
 *   { credentials: { 'ghcr.io': { username: 'release-bot', password: process.env.GHCR_TOKEN ?? '' } } },
 * );
 * // [{ type: 'ARTIFACT_VERIFIED', sha, name: 'image', digest: 'sha256:…' },
 * //  { type: 'ARTIFACT_MISSING', sha, name: 'chart',
 * //    reason: 'manifest unknown: ghcr.io/weaveworks/charts/weave-gitops:4.0.27 does not exist (404 MANIFEST_UNKNOWN: manifest unknown)' }]
 */
export async function verifyArtifacts(
  effect: VerifyArtifactsEffect,
  options: ArtifactVerifierOptions = {},
): Promise<GuardEvent[]> {
  const client = new RegistryClient(options);
  const revision = options.requireRevision ? effect.sha : undefined;
  return Promise.all(
    effect.artifacts.map(async ({ name, ref }): Promise<GuardEvent> => {
      const lookup = await lookUp(client, ref, revision);
      return lookup.present
        ? { type: 'ARTIFACT_VERIFIED', sha: effect.sha, name, digest: lookup.digest }
        : { type: 'ARTIFACT_MISSING', sha: effect.sha, name, reason: lookup.reason };
    }),
  );
}

/**
 * Whether the manifest `ref` names exists, with its digest and media type, or why it is taken as missing.
 * `options.requireRevision` is ignored here: it needs the commit, which {@link verifyArtifacts} has.
 *
 * @example
 * await verifyArtifact('127.0.0.1:5000/weaveworks/wego-app:v0.29.0');
 * // { present: true, digest: 'sha256:…', mediaType: 'application/vnd.oci.image.index.v1+json' }
 */
export function verifyArtifact(ref: string, options: ArtifactVerifierOptions = {}): Promise<ArtifactLookup> {
  return lookUp(new RegistryClient(options), ref, undefined);
}

async function lookUp(client: RegistryClient, ref: string, revision: string | undefined): Promise<ArtifactLookup> {
  const form = parseArtifactRef(ref.trim());
  if ('problem' in form) return { present: false, reason: `invalid reference "${ref.trim()}": ${form.problem}` };
  const text = ref.trim();
  try {
    if (form.ref.kind === 'npm') {
      const found = await npmPackage(
        client.transport,
        { text, ...form.ref },
        client.npmOptions(revision !== undefined),
      );
      if (revision !== undefined && found.gitHead !== undefined && found.gitHead !== revision) {
        return { present: false, reason: `${text}: gitHead ${found.gitHead} does not match ${revision}` };
      }
      return { present: true, digest: found.digest, mediaType: 'application/gzip' };
    }
    if (form.ref.kind === 'gh-release') {
      const found = await releaseAsset(client.octokit, { text, ...form.ref });
      return { present: true, ...found };
    }
  } catch (error) {
    return failed(text, error);
  }
  return lookUpImage(client, ref, revision);
}

async function lookUpImage(client: RegistryClient, ref: string, revision: string | undefined): Promise<ArtifactLookup> {
  let reference: ImageReference;
  try {
    reference = parseReference(ref);
  } catch (error) {
    return { present: false, reason: (error as Error).message };
  }
  try {
    const manifest = await client.manifest(reference, revision === undefined ? 'HEAD' : 'GET');
    if (revision !== undefined) {
      const found = annotatedRevision(manifest.body);
      if (found !== revision) {
        return {
          present: false,
          reason: `${reference.text}: revision ${found ?? `(no ${REVISION} annotation)`} does not match ${revision}`,
        };
      }
    }
    return { present: true, digest: manifest.digest, mediaType: manifest.mediaType };
  } catch (error) {
    return failed(reference.text, error);
  }
}

/** An absent failure's own reason, or why `text` could not be checked. */
function failed(text: string, error: unknown): ArtifactLookup {
  if (error instanceof LookupFailure && error.absent) return { present: false, reason: error.message };
  const cause = error instanceof LookupFailure ? error.message : `unexpected error: ${String(error)}`;
  return { present: false, reason: `${text} could not be checked: ${cause}` };
}

/** The `org.opencontainers.image.revision` annotation of a manifest or index, if it has one. */
function annotatedRevision(body: Uint8Array | undefined): string | undefined {
  try {
    const manifest = JSON.parse(new TextDecoder().decode(body)) as { annotations?: Record<string, unknown> } | null;
    const revision = manifest?.annotations?.[REVISION];
    return typeof revision === 'string' ? revision : undefined;
  } catch {
    return undefined;
  }
}
