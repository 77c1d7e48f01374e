import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MediaType, type Registry, startRegistry } from '../src/registry/index.js';
import { basicAuthorization, OciClient, sha256 } from './registry/oci-client.js';
import { pushSampleImage, sampleImage, sampleIndex } from './registry/samples.js';

const APP = 'weaveworks/wego-app';
const CHART = 'weaveworks/charts/weave-gitops';
const ACCEPT_MANIFEST = { accept: MediaType.ociManifest };
const ACCEPT_INDEX = { accept: MediaType.ociIndex };

interface ErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

async function errors(res: Response): Promise<ErrorBody['errors']> {
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return ((await res.json()) as ErrorBody).errors;
}

async function manifestJson(client: OciClient, name: string, reference: string, accept: string) {
  const res = await client.request('GET', `/v2/${name}/manifests/${reference}`, { headers: { accept } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown> & {
    annotations?: Record<string, string>;
    config: { mediaType: string; digest: string };
    layers: { mediaType: string; digest: string }[];
    manifests: { digest: string; platform: Record<string, string> }[];
  };
}

describe('registry emulator, anonymous', () => {
  let clock = new Date('2024-05-01T10:00:00Z');
  let registry: Registry;
  let client: OciClient;

  beforeAll(async () => {
    registry = await startRegistry({ now: () => clock });
    client = new OciClient(registry.url);
  });
  afterAll(() => registry.close());
  beforeEach(() => registry.control.reset());

  it('listens on 127.0.0.1 and answers GET /v2/ with {} and the API version header', async () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`http://${registry.host}`);
    const res = await client.request('GET', '/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('{}');
  });

  it('serves a pushed image by tag and by digest, with the digest of the exact bytes', async () => {
    const { digest } = await registry.control.pushImage(APP, 'v0.9.1', { revision: '6c2f1e4' });
    const head = await client.request('HEAD', `/v2/${APP}/manifests/v0.9.1`, { headers: ACCEPT_MANIFEST });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    expect(head.headers.get('content-type')).toBe(MediaType.ociManifest);

    for (const reference of ['v0.9.1', digest]) {
      const get = await client.request('GET', `/v2/${APP}/manifests/${reference}`, { headers: ACCEPT_MANIFEST });
      const bytes = Buffer.from(await get.arrayBuffer());
      expect(get.status).toBe(200);
      expect(get.headers.get('docker-content-digest')).toBe(digest);
      expect(get.headers.get('content-length')).toBe(String(bytes.length));
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
      expect(sha256(bytes)).toBe(digest);
    }
  });

  it('stores the config and a layer blob, and puts revision and annotations on the manifest', async () => {
    await registry.control.pushImage(APP, 'v1', {
      revision: 'abc123',
      annotations: { 'org.opencontainers.image.source': 'https://github.com/weaveworks/weave-gitops' },
    });
    const manifest = await manifestJson(client, APP, 'v1', MediaType.ociManifest);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.source': 'https://github.com/weaveworks/weave-gitops',
    });
    expect(manifest.config.mediaType).toBe(MediaType.ociConfig);

    const layer = await client.request('GET', `/v2/${APP}/blobs/${manifest.layers[0]!.digest}`);
    const bytes = Buffer.from(await layer.arrayBuffer());
    expect(layer.status).toBe(200);
    expect(layer.headers.get('content-type')).toBe('application/octet-stream');
    expect(sha256(bytes)).toBe(manifest.layers[0]!.digest);
    expect(bytes.subarray(257, 262).toString()).toBe('ustar');

    const config = await client.request('GET', `/v2/${APP}/blobs/${manifest.config.digest}`);
    expect(await config.json()).toEqual({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [manifest.layers[0]!.digest] },
    });
  });

  it('pushes several platforms as an OCI index, served only to clients that accept the index type', async () => {
    const { digest } = await registry.control.pushImage(APP, 'v2', {
      revision: 'def456',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });
    const get = await client.request('GET', `/v2/${APP}/manifests/v2`, { headers: ACCEPT_INDEX });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe(MediaType.ociIndex);
    expect(get.headers.get('docker-content-digest')).toBe(digest);
    const index = (await get.json()) as Awaited<ReturnType<typeof manifestJson>>;
    expect(index.annotations?.['org.opencontainers.image.revision']).toBe('def456');
    expect(index.manifests.map((entry) => entry.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    for (const entry of index.manifests) {
      const child = await manifestJson(client, APP, entry.digest, MediaType.ociManifest);
      expect(child.annotations?.['org.opencontainers.image.revision']).toBe('def456');
    }

    for (const accept of [MediaType.ociManifest, MediaType.dockerManifestList, '*/*', '']) {
      const refused = await client.request('GET', `/v2/${APP}/manifests/v2`, { headers: { accept } });
      expect(refused.status).toBe(404);
      expect(await errors(refused)).toEqual([
        { code: 'MANIFEST_UNKNOWN', message: 'OCI index found, but accept header does not support OCI indexes' },
      ]);
    }
    const both = await client.request('HEAD', `/v2/${APP}/manifests/${digest}`, {
      headers: { accept: `${MediaType.ociManifest}, ${MediaType.ociIndex};q=0.9` },
    });
    expect(both.status).toBe(200);
  });

  it('answers 404 MANIFEST_UNKNOWN for an OCI manifest asked for without its media type, as distribution does', async () => {
    await registry.control.pushImage(APP, 'v1');
    const res = await client.request('GET', `/v2/${APP}/manifests/v1`);
    expect(res.status).toBe(404);
    expect(await errors(res)).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'OCI manifest found, but accept header does not support OCI manifests' },
    ]);
    const head = await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_INDEX });
    expect(head.status).toBe(404);
  });

  it('pushes a Helm chart as an OCI artifact', async () => {
    const { digest } = await registry.control.pushChart(CHART, '4.0.36', { appVersion: 'v0.38.0', revision: 'r1' });
    const manifest = await manifestJson(client, CHART, '4.0.36', MediaType.ociManifest);
    expect(sha256(JSON.stringify(manifest))).toBe(digest);
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([
      'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    ]);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.title': 'weave-gitops',
      'org.opencontainers.image.version': '4.0.36',
      'org.opencontainers.image.revision': 'r1',
    });
    const config = await client.request('GET', `/v2/${CHART}/blobs/${manifest.config.digest}`);
    expect(await config.json()).toEqual({
      name: 'weave-gitops',
      version: '4.0.36',
      apiVersion: 'v2',
      appVersion: 'v0.38.0',
    });
    const chart = await client.request('GET', `/v2/${CHART}/blobs/${manifest.layers[0]!.digest}`);
    const tar = gunzipSync(Buffer.from(await chart.arrayBuffer()));
    expect(tar.subarray(0, 24).toString()).toBe('weave-gitops/Chart.yaml\0');
    expect(tar.toString()).toContain(
      'name: "weave-gitops"\nversion: "4.0.36"\napiVersion: "v2"\nappVersion: "v0.38.0"\n',
    );
  });

  it('answers unknown tags, digests, names and blobs with the spec error codes', async () => {
    await registry.control.pushImage(APP, 'v1');
    const unknownTag = await client.request('GET', `/v2/${APP}/manifests/nope`, { headers: ACCEPT_MANIFEST });
    expect(unknownTag.status).toBe(404);
    expect(await errors(unknownTag)).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } },
    ]);
    const missing = sha256('missing');
    const unknownDigest = await client.request('GET', `/v2/${APP}/manifests/${missing}`, { headers: ACCEPT_MANIFEST });
    expect(unknownDigest.status).toBe(404);
    expect((await errors(unknownDigest))[0]?.code).toBe('MANIFEST_UNKNOWN');
    const otherName = await client.request('HEAD', '/v2/weaveworks/other/manifests/v1', { headers: ACCEPT_MANIFEST });
    expect(otherName.status).toBe(404);

    const tags = await client.request('GET', '/v2/weaveworks/other/tags/list');
    expect(tags.status).toBe(404);
    expect(await errors(tags)).toEqual([
      { code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: 'weaveworks/other' } },
    ]);
    const blob = await client.request('GET', `/v2/${APP}/blobs/${missing}`);
    expect(blob.status).toBe(404);
    expect(await errors(blob)).toEqual([
      { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: missing },
    ]);
    const badDigest = await client.request('GET', `/v2/${APP}/blobs/sha256:abc`);
    expect(badDigest.status).toBe(400);
    expect((await errors(badDigest))[0]?.code).toBe('DIGEST_INVALID');
  });

  it('has no route for names that are not repository names, and answers 405 with Allow for other methods', async () => {
    const upper = await client.request('GET', '/v2/Weaveworks/App/manifests/v1');
    expect(upper.status).toBe(404);
    expect(await upper.text()).toBe('404 page not found\n');
    const post = await client.request('POST', `/v2/${APP}/manifests/v1`);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
  });

  it('lists tags in lexical order', async () => {
    for (const tag of ['v2', 'latest', 'v10']) await registry.control.pushImage(APP, tag);
    const res = await client.request('GET', `/v2/${APP}/tags/list`);
    expect(await res.json()).toEqual({ name: APP, tags: ['latest', 'v10', 'v2'] });
  });

  describe('blob uploads', () => {
    const blob = Buffer.from('a layer');

    it('takes a monolithic upload: POST (202 + Location) then PUT ?digest= (201)', async () => {
      const started = await client.request('POST', `/v2/${APP}/blobs/uploads/`);
      expect(started.status).toBe(202);
      expect(started.headers.get('docker-upload-uuid')).toMatch(/^[0-9a-f-]{36}$/);
      const location = new URL(started.headers.get('location')!);
      expect(location.pathname).toBe(`/v2/${APP}/blobs/uploads/${started.headers.get('docker-upload-uuid')}`);
      location.searchParams.set('digest', sha256(blob));
      const put = await client.request('PUT', location.pathname + location.search, { body: blob });
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBe(`${registry.url}/v2/${APP}/blobs/${sha256(blob)}`);
      expect(put.headers.get('docker-content-digest')).toBe(sha256(blob));

      const head = await client.request('HEAD', `/v2/${APP}/blobs/${sha256(blob)}`);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(blob.length));
      expect(head.headers.get('docker-content-digest')).toBe(sha256(blob));
      const other = await client.request('HEAD', `/v2/weaveworks/other/blobs/${sha256(blob)}`);
      expect(other.status).toBe(404);
    });

    it('takes a single-request upload: POST ?digest= with the blob (201)', async () => {
      const res = await client.request('POST', `/v2/${APP}/blobs/uploads/?digest=${sha256(blob)}`, { body: blob });
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(sha256(blob));
      const get = await client.request('GET', `/v2/${APP}/blobs/${sha256(blob)}`);
      expect(Buffer.from(await get.arrayBuffer())).toEqual(blob);
    });

    it('takes a chunked upload: PATCH chunks, then PUT ?digest=', async () => {
      const started = await client.request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const first = await client.request('PATCH', path, { body: blob.subarray(0, 3) });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-2');
      const put = await client.request('PUT', `${path}?digest=${sha256(blob)}`, { body: blob.subarray(3) });
      expect(put.status).toBe(201);
    });

    it('rejects a wrong or missing digest with DIGEST_INVALID and stores nothing', async () => {
      const single = await client.request('POST', `/v2/${APP}/blobs/uploads/?digest=${sha256('other')}`, {
        body: blob,
      });
      expect(single.status).toBe(400);
      expect((await errors(single))[0]).toMatchObject({
        code: 'DIGEST_INVALID',
        message: 'provided digest did not match uploaded content',
        detail: `the uploaded content's digest is ${sha256(blob)}, not ${sha256('other')}`,
      });

      const started = await client.request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const noDigest = await client.request('PUT', path, { body: blob });
      expect(noDigest.status).toBe(400);
      expect((await errors(noDigest))[0]).toMatchObject({ code: 'DIGEST_INVALID', detail: 'digest missing' });
      const wrong = await client.request('PUT', `${path}?digest=${sha256('other')}`, { body: blob });
      expect(wrong.status).toBe(400);
      expect((await errors(wrong))[0]?.code).toBe('DIGEST_INVALID');

      for (const digest of [sha256(blob), sha256('other')]) {
        expect((await client.request('HEAD', `/v2/${APP}/blobs/${digest}`)).status).toBe(404);
      }
    });

    it('cancels an upload with DELETE (204), after which it is unknown', async () => {
      const started = await client.request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const cancelled = await client.request('DELETE', path);
      expect(cancelled.status).toBe(204);
      const put = await client.request('PUT', `${path}?digest=${sha256(blob)}`, { body: blob });
      expect(put.status).toBe(404);
      expect((await errors(put))[0]?.code).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('answers BLOB_UPLOAD_UNKNOWN for an upload that is not open', async () => {
      const res = await client.request('PUT', `/v2/${APP}/blobs/uploads/not-an-upload?digest=${sha256(blob)}`, {
        body: blob,
      });
      expect(res.status).toBe(404);
      expect((await errors(res))[0]?.code).toBe('BLOB_UPLOAD_UNKNOWN');
    });
  });

  describe('manifest PUT', () => {
    it('stores a manifest pushed by tag: 201, Location and Docker-Content-Digest; logs the push', async () => {
      const image = sampleImage('put', { 'org.opencontainers.image.revision': 'f00' });
      const res = await pushSampleImage(client, APP, 'v3', image);
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`${registry.url}/v2/${APP}/manifests/${image.digest}`);
      expect(res.headers.get('docker-content-digest')).toBe(image.digest);
      const manifest = await manifestJson(client, APP, 'v3', MediaType.ociManifest);
      expect(manifest.annotations).toEqual({ 'org.opencontainers.image.revision': 'f00' });
      expect(registry.control.pushes()).toEqual([
        { name: APP, tag: 'v3', digest: image.digest, mediaType: MediaType.ociManifest, at: clock },
      ]);
    });

    it('accepts a Content-Type with parameters, and a manifest by digest (not logged as a push)', async () => {
      const image = sampleImage('by-digest');
      await client.pushBlob(APP, image.config);
      await client.pushBlob(APP, image.layer);
      const res = await client.pushManifest(
        APP,
        image.digest,
        `${MediaType.ociManifest}; charset=utf-8`,
        image.manifest,
      );
      expect(res.status).toBe(201);
      expect(registry.control.pushes()).toEqual([]);
    });

    it('rejects a manifest whose blobs are missing with MANIFEST_BLOB_UNKNOWN, naming each', async () => {
      const image = sampleImage('orphan');
      const res = await client.pushManifest(APP, 'v1', MediaType.ociManifest, image.manifest);
      expect(res.status).toBe(400);
      expect(await errors(res)).toEqual([
        { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: sha256(image.config) },
        { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: sha256(image.layer) },
      ]);
      const index = sampleIndex(MediaType.ociIndex, [{ image, architecture: 'amd64' }]);
      const indexRes = await client.pushManifest(APP, 'v1', MediaType.ociIndex, index.bytes);
      expect(indexRes.status).toBe(400);
      expect(await errors(indexRes)).toMatchObject([{ code: 'MANIFEST_BLOB_UNKNOWN', detail: image.digest }]);
    });

    it('rejects invalid manifests with MANIFEST_INVALID and a digest mismatch with DIGEST_INVALID', async () => {
      const image = sampleImage('invalid');
      const cases: [string, string | Buffer, RegExp][] = [
        [MediaType.ociManifest, 'not json', /^manifest is not JSON/],
        ['application/json', image.manifest, /^unsupported manifest media type "application\/json"/],
        [MediaType.ociIndex, image.manifest, /does not match Content-Type/],
        [MediaType.ociManifest, '{"schemaVersion":1}', /^schemaVersion is 1, expected 2$/],
        [MediaType.ociManifest, '{"schemaVersion":2,"config":{}}', /^config is not a descriptor/],
      ];
      for (const [mediaType, body, detail] of cases) {
        const res = await client.pushManifest(APP, 'v1', mediaType, Buffer.from(body));
        expect(res.status).toBe(400);
        const [entry] = await errors(res);
        expect(entry).toMatchObject({ code: 'MANIFEST_INVALID', message: 'manifest invalid' });
        expect(entry?.detail).toMatch(detail);
      }
      await client.pushBlob(APP, image.config);
      await client.pushBlob(APP, image.layer);
      const mismatch = await client.pushManifest(APP, sha256('other'), MediaType.ociManifest, image.manifest);
      expect(mismatch.status).toBe(400);
      expect((await errors(mismatch))[0]?.code).toBe('DIGEST_INVALID');
    });

    it('serves the linux/amd64 manifest of a Docker manifest list to a client that does not accept lists', async () => {
      const amd64 = sampleImage('amd64');
      const arm64 = sampleImage('arm64');
      for (const image of [amd64, arm64]) await pushSampleImage(client, APP, image.digest, image);
      const list = sampleIndex(MediaType.dockerManifestList, [
        { image: arm64, architecture: 'arm64' },
        { image: amd64, architecture: 'amd64' },
      ]);
      expect((await client.pushManifest(APP, 'multi', MediaType.dockerManifestList, list.bytes)).status).toBe(201);

      const asList = await client.request('GET', `/v2/${APP}/manifests/multi`, {
        headers: { accept: MediaType.dockerManifestList },
      });
      expect(asList.headers.get('docker-content-digest')).toBe(list.digest);
      const asManifest = await client.request('GET', `/v2/${APP}/manifests/multi`, { headers: ACCEPT_MANIFEST });
      expect(asManifest.status).toBe(200);
      expect(asManifest.headers.get('docker-content-digest')).toBe(amd64.digest);
    });
  });

  it('deletes manifests by digest only (202), untagging them; a tag list then reads null', async () => {
    const { digest } = await registry.control.pushImage(APP, 'v1');
    const byTag = await client.request('DELETE', `/v2/${APP}/manifests/v1`);
    expect(byTag.status).toBe(400);
    expect((await errors(byTag))[0]?.code).toBe('DIGEST_INVALID');
    expect((await client.request('DELETE', `/v2/${APP}/manifests/${digest}`)).status).toBe(202);
    expect((await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(404);
    expect(await (await client.request('GET', `/v2/${APP}/tags/list`)).json()).toEqual({ name: APP, tags: null });
    const again = await client.request('DELETE', `/v2/${APP}/manifests/${digest}`);
    expect(again.status).toBe(404);
    expect((await errors(again))[0]?.code).toBe('MANIFEST_UNKNOWN');
  });

  describe('control', () => {
    it('deletes a tag, leaving the manifest reachable by digest', async () => {
      const { digest } = await registry.control.pushImage(APP, 'v1');
      registry.control.deleteTag(APP, 'v1');
      expect((await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(404);
      expect(
        (await client.request('HEAD', `/v2/${APP}/manifests/${digest}`, { headers: ACCEPT_MANIFEST })).status,
      ).toBe(200);
      expect(() => registry.control.deleteTag(APP, 'v1')).toThrow(
        'deleteTag: weaveworks/wego-app:v1 is not a tag in this registry',
      );
    });

    it('logs pushes in order with the injected clock, HTTP pushes included', async () => {
      clock = new Date('2024-05-01T10:00:00Z');
      const image = await registry.control.pushImage(APP, 'v1');
      clock = new Date('2024-05-01T10:05:00Z');
      const index = await registry.control.pushImage(APP, 'v2', { platforms: ['linux/amd64', 'linux/arm64'] });
      clock = new Date('2024-05-01T11:00:00Z');
      const chart = await registry.control.pushChart(CHART, '1.0.0');
      clock = new Date('2024-05-02T09:00:00Z');
      const sample = sampleImage('http');
      await pushSampleImage(client, APP, 'v3', sample);

      expect(registry.control.pushes()).toEqual([
        {
          name: APP,
          tag: 'v1',
          digest: image.digest,
          mediaType: MediaType.ociManifest,
          at: new Date('2024-05-01T10:00:00Z'),
        },
        {
          name: APP,
          tag: 'v2',
          digest: index.digest,
          mediaType: MediaType.ociIndex,
          at: new Date('2024-05-01T10:05:00Z'),
        },
        {
          name: CHART,
          tag: '1.0.0',
          digest: chart.digest,
          mediaType: MediaType.ociManifest,
          at: new Date('2024-05-01T11:00:00Z'),
        },
        {
          name: APP,
          tag: 'v3',
          digest: sample.digest,
          mediaType: MediaType.ociManifest,
          at: new Date('2024-05-02T09:00:00Z'),
        },
      ]);
    });

    it('logs requests with method, path (no query) and status, and forgets everything on reset', async () => {
      await registry.control.pushImage(APP, 'v1');
      await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST });
      await client.request('GET', `/v2/${APP}/manifests/v9?x=1`, { headers: ACCEPT_MANIFEST });
      expect(registry.control.requests()).toEqual([
        { method: 'HEAD', path: `/v2/${APP}/manifests/v1`, status: 200 },
        { method: 'GET', path: `/v2/${APP}/manifests/v9`, status: 404 },
      ]);
      registry.control.reset();
      expect(registry.control.requests()).toEqual([]);
      expect(registry.control.pushes()).toEqual([]);
      expect((await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(404);
    });

    it('gives the same digest for the same push, and a different one per revision', async () => {
      const first = await registry.control.pushImage(APP, 'v1', { revision: 'a' });
      const again = await registry.control.pushImage(APP, 'v1', { revision: 'a' });
      const other = await registry.control.pushImage(APP, 'v1', { revision: 'b' });
      expect(again.digest).toBe(first.digest);
      expect(other.digest).not.toBe(first.digest);
    });

    it('refuses names, tags and platforms a registry would not take', async () => {
      await expect(registry.control.pushImage('Weaveworks/App', 'v1')).rejects.toThrow(
        'pushImage: "Weaveworks/App" is not a repository name',
      );
      await expect(registry.control.pushChart(CHART, 'v1+build')).rejects.toThrow('pushChart: "v1+build" is not a tag');
      await expect(registry.control.pushImage(APP, 'v1', { platforms: ['linux/amd64', 'arm64'] })).rejects.toThrow(
        'pushImage: platform "arm64" is not "os/arch" or "os/arch/variant", e.g. "linux/arm64"',
      );
    });
  });
});

describe('registry emulator, basic auth', () => {
  const credentials = { username: 'release-bot', password: 's3cret' };
  let registry: Registry;

  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: 'basic', ...credentials } });
    await registry.control.pushImage(APP, 'v1');
  });
  afterAll(() => registry.close());

  it('answers 401 with a Basic challenge without credentials or with a wrong password', async () => {
    for (const authorization of [undefined, basicAuthorization({ ...credentials, password: 'wrong' })]) {
      const client = new OciClient(registry.url, authorization);
      const base = await client.request('GET', '/v2/');
      expect(base.status).toBe(401);
      expect(base.headers.get('www-authenticate')).toBe('Basic realm="release-guard"');
      expect(await errors(base)).toEqual([{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }]);
      const manifest = await client.request('PUT', `/v2/${APP}/manifests/v1`);
      expect(manifest.status).toBe(401);
      expect((await errors(manifest))[0]?.detail).toEqual([
        { Type: 'repository', Class: '', Name: APP, Action: 'pull' },
        { Type: 'repository', Class: '', Name: APP, Action: 'push' },
      ]);
    }
  });

  it('serves and takes content with the right credentials', async () => {
    const client = new OciClient(registry.url, basicAuthorization(credentials));
    expect((await client.request('GET', '/v2/')).status).toBe(200);
    expect((await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(200);
    expect((await pushSampleImage(client, APP, 'v2', sampleImage('basic'))).status).toBe(201);
  });
});

describe('registry emulator, bearer (ghcr.io-style) auth', () => {
  const credentials = { username: 'release-bot', password: 'ghp_token' };
  let registry: Registry;
  let realm: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: { kind: 'bearer', ...credentials } });
    realm = `${registry.url}/token`;
  });
  afterAll(() => registry.close());
  beforeEach(async () => {
    registry.control.reset();
    await registry.control.pushImage(APP, 'v1');
  });

  async function token(scope: string, authorization = basicAuthorization(credentials)): Promise<string> {
    const res = await new OciClient(registry.url, authorization).request(
      'GET',
      `/token?scope=${encodeURIComponent(scope)}&service=${registry.host}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; access_token: string };
    expect(body.access_token).toBe(body.token);
    return body.token;
  }

  it('challenges with the token realm, the service and the scope the request needs', async () => {
    const anonymous = new OciClient(registry.url);
    const base = await anonymous.request('GET', '/v2/');
    expect(base.status).toBe(401);
    expect(base.headers.get('www-authenticate')).toBe(`Bearer realm="${realm}",service="${registry.host}"`);
    const pull = await anonymous.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST });
    expect(pull.status).toBe(401);
    expect(pull.headers.get('www-authenticate')).toBe(
      `Bearer realm="${realm}",service="${registry.host}",scope="repository:${APP}:pull"`,
    );
    const basic = new OciClient(registry.url, basicAuthorization(credentials));
    expect((await basic.request('GET', '/v2/')).status).toBe(401);
  });

  it('hands out a token for the scopes asked with the right credentials, and serves requests within them', async () => {
    const client = new OciClient(registry.url, `Bearer ${await token(`repository:${APP}:pull`)}`);
    expect((await client.request('GET', '/v2/')).status).toBe(200);
    expect((await client.request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(200);

    const push = await client.request('PUT', `/v2/${APP}/manifests/v2`);
    expect(push.status).toBe(401);
    expect(push.headers.get('www-authenticate')).toBe(
      `Bearer realm="${realm}",service="${registry.host}",scope="repository:${APP}:pull,push",error="insufficient_scope"`,
    );
    const other = await client.request('HEAD', '/v2/weaveworks/other/manifests/v1');
    expect(other.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('lets a pull,push token push over HTTP', async () => {
    const client = new OciClient(registry.url, `Bearer ${await token(`repository:${APP}:pull,push`)}`);
    expect((await pushSampleImage(client, APP, 'v2', sampleImage('bearer'))).status).toBe(201);
    expect(registry.control.pushes().map((push) => push.tag)).toEqual(['v1', 'v2']);
  });

  it('refuses token requests without or with wrong credentials, and unknown or forgotten tokens', async () => {
    for (const authorization of [undefined, basicAuthorization({ ...credentials, password: 'wrong' })]) {
      const res = await new OciClient(registry.url, authorization).request(
        'GET',
        `/token?scope=repository:${APP}:pull`,
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Basic realm="${realm}"`);
      expect((await errors(res))[0]?.code).toBe('UNAUTHORIZED');
    }
    const invalid = await new OciClient(registry.url, 'Bearer not-a-token').request('GET', '/v2/');
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const issued = await token(`repository:${APP}:pull`);
    registry.control.reset();
    expect((await new OciClient(registry.url, `Bearer ${issued}`).request('GET', '/v2/')).status).toBe(401);
  });

  it('names the configured service in its challenge', async () => {
    const ghcr = await startRegistry({ auth: { kind: 'bearer', ...credentials, service: 'ghcr.io' } });
    try {
      const res = await new OciClient(ghcr.url).request('GET', '/v2/');
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${ghcr.url}/token",service="ghcr.io"`);
    } finally {
      await ghcr.close();
    }
  });
});
