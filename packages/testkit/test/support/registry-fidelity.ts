/**
 * The machinery of the fidelity tests: a recorder that sends requests and writes down the answers with
 * what must differ normalized, the comparison of two registries' answers, and a copy between registries.
 */

import { expect } from 'vitest';
import { MediaType, type RealRegistry, type Registry } from '../../src/registry/index.js';
import { OciClient, sha256 } from './oci-client.js';

/** Error codes whose `detail` the emulator copies from distribution; for the others only code and message match. */
const DETAIL_COMPARED = new Set([
  'MANIFEST_UNKNOWN',
  'BLOB_UNKNOWN',
  'NAME_UNKNOWN',
  'MANIFEST_BLOB_UNKNOWN',
  'UNAUTHORIZED',
]);

export interface Observation {
  step: string;
  status: number;
  contentType: string | null;
  digest: string | null;
  contentLength?: string | null;
  location?: string;
  challenge?: string;
  errors?: unknown[];
  body?: unknown;
}

/** Sends requests and writes down the normalized answers. */
export class Recorder {
  readonly observations: Observation[] = [];

  constructor(readonly url: string) {}

  client(authorization?: string): OciClient {
    return new OciClient(this.url, authorization);
  }

  async record(step: string, res: Response): Promise<void> {
    const observation: Observation = {
      step,
      status: res.status,
      contentType: res.headers.get('content-type'),
      digest: res.headers.get('docker-content-digest'),
    };
    const location = res.headers.get('location');
    if (location) {
      observation.location = location.replace(this.url, '').replace(/\/blobs\/uploads\/[^/]+$/, '/blobs/uploads/<id>');
    }
    const challenge = res.headers.get('www-authenticate');
    if (challenge) observation.challenge = challenge.replaceAll(this.url, '<origin>');
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status < 300) {
      observation.contentLength = res.headers.get('content-length');
      if (observation.contentType?.startsWith('application/json'))
        observation.body = sortedTags(JSON.parse(body.toString()));
      else if (body.length > 0) observation.body = sha256(body);
    } else if (observation.contentType?.startsWith('application/json') && body.length > 0) {
      const { errors } = JSON.parse(body.toString()) as {
        errors: { code: string; message: string; detail?: unknown }[];
      };
      observation.errors = errors.map(({ code, message, detail }) =>
        DETAIL_COMPARED.has(code) ? { code, message, detail } : { code, message },
      );
    } else if (body.length > 0) {
      observation.body = body.toString();
    }
    this.observations.push(observation);
  }

  async call(step: string, client: OciClient, method: string, path: string, accept?: string): Promise<void> {
    await this.record(step, await client.request(method, path, { headers: accept === undefined ? {} : { accept } }));
  }
}

/** distribution 2.8 lists tags in directory order: compare them as a set. */
function sortedTags(body: { tags?: string[] | null }): unknown {
  return Array.isArray(body.tags) ? { ...body, tags: [...body.tags].sort() } : body;
}

/** Runs `scenario` against both registries and expects the same observations; returns the real registry's. */
export async function sameAnswers(
  emulator: Registry,
  real: RealRegistry,
  scenario: (recorder: Recorder) => Promise<void>,
): Promise<Observation[]> {
  const [expected, actual] = [new Recorder(real.url), new Recorder(emulator.url)];
  await scenario(expected);
  await scenario(actual);
  expect(actual.observations).toEqual(expected.observations);
  return expected.observations;
}

export function statusOf(observations: Observation[], step: string): number | undefined {
  return observations.find((observation) => observation.step === step)?.status;
}

/** Copies `name:tag` (an index with its manifests, or a manifest with its blobs) from `from` into `to`, recording the PUTs. */
export async function copy(
  from: OciClient,
  to: OciClient,
  name: string,
  reference: string,
  r: Recorder,
): Promise<void> {
  const res = await from.request('GET', `/v2/${name}/manifests/${reference}`, {
    headers: { accept: `${MediaType.ociManifest}, ${MediaType.ociIndex}` },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const manifest = JSON.parse(bytes.toString()) as {
    manifests?: { digest: string }[];
    config?: { digest: string };
    layers?: { digest: string }[];
  };
  for (const child of manifest.manifests ?? []) await copy(from, to, name, child.digest, r);
  for (const blob of [manifest.config, ...(manifest.layers ?? [])]) {
    if (!blob) continue;
    const content = Buffer.from(await (await from.request('GET', `/v2/${name}/blobs/${blob.digest}`)).arrayBuffer());
    await r.record(`copy blob ${blob.digest}`, await to.pushBlob(name, content));
  }
  await r.record(
    `copy manifest ${name}:${reference}`,
    await to.pushManifest(name, reference, res.headers.get('content-type')!, bytes),
  );
}
