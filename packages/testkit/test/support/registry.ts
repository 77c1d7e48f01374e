/** What the registry emulator's tests share: names, Accept headers, error bodies, and an anonymous registry. */

import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { MediaType, type Registry, startRegistry } from '../../src/registry/index.js';
import { OciClient } from './oci-client.js';

export const APP = 'weaveworks/wego-app';
export const CHART = 'weaveworks/charts/weave-gitops';
export const ACCEPT_MANIFEST = { accept: MediaType.ociManifest };
export const ACCEPT_INDEX = { accept: MediaType.ociIndex };

interface ErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

export async function errors(res: Response): Promise<ErrorBody['errors']> {
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return ((await res.json()) as ErrorBody).errors;
}

export async function manifestJson(client: OciClient, name: string, reference: string, accept: string) {
  const res = await client.request('GET', `/v2/${name}/manifests/${reference}`, { headers: { accept } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & {
    annotations?: Record<string, string>;
    config: { mediaType: string; digest: string };
    layers: { mediaType: string; digest: string }[];
    manifests: { digest: string; platform: Record<string, string> }[];
  };
}

/**
 * One anonymous registry for the tests of a `describe`, emptied before each test; `clock` is the time its
 * push log records, and `setClock` moves it.
 */
export function useAnonymousRegistry(): {
  registry: () => Registry;
  client: () => OciClient;
  clock: () => Date;
  setClock: (iso: string) => void;
} {
  let clock = new Date('2024-05-01T10:00:00Z');
  let registry: Registry | undefined;
  let client: OciClient | undefined;
  beforeAll(async () => {
    registry = await startRegistry({ now: () => clock });
    client = new OciClient(registry.url);
  });
  afterAll(() => registry?.close());
  beforeEach(() => registry?.control.reset());
  const started = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the registry has not started');
    return value;
  };
  return {
    registry: () => started(registry),
    client: () => started(client),
    clock: () => clock,
    setClock: (iso) => {
      clock = new Date(iso);
    },
  };
}
