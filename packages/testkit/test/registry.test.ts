import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MediaType } from '../src/registry/index.js';
import { sha256 } from './support/oci-client.js';
import {
  ACCEPT_INDEX,
  ACCEPT_MANIFEST,
  APP,
  CHART,
  errors,
  manifestJson,
  useAnonymousRegistry,
} from './support/registry.js';
import { pushSampleImage, sampleImage } from './support/registry-samples.js';

describe('registry emulator, anonymous', () => {
  const { registry, client, setClock } = useAnonymousRegistry();

  it('listens on 127.0.0.1 and answers GET /v2/ with {} and the API version header', async () => {
    expect(registry().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(registry().url).toBe(`http://${registry().host}`);
    const res = await client().request('GET', '/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('{}');
  });

  it('serves a pushed image by tag and by digest, with the digest of the exact bytes', async () => {
    const { digest } = await registry().control.pushImage(APP, 'v0.9.1', { revision: '6c2f1e4' });
    const head = await client().request('HEAD', `/v2/${APP}/manifests/v0.9.1`, { headers: ACCEPT_MANIFEST });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    expect(head.headers.get('content-type')).toBe(MediaType.ociManifest);

    for (const reference of ['v0.9.1', digest]) {
      const get = await client().request('GET', `/v2/${APP}/manifests/${reference}`, { headers: ACCEPT_MANIFEST });
      const bytes = Buffer.from(await get.arrayBuffer());
      expect(get.status).toBe(200);
      expect(get.headers.get('docker-content-digest')).toBe(digest);
      expect(get.headers.get('content-length')).toBe(String(bytes.length));
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
      expect(sha256(bytes)).toBe(digest);
    }
  });

  it('stores the config and a layer blob, and puts revision and annotations on the manifest', async () => {
    await registry().control.pushImage(APP, 'v1', {
      revision: 'abc123',
      annotations: { 'org.opencontainers.image.source': 'https://github.com/weaveworks/weave-gitops' },
    });
    const manifest = await manifestJson(client(), APP, 'v1', MediaType.ociManifest);
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.source': 'https://github.com/weaveworks/weave-gitops',
    });
    expect(manifest.config.mediaType).toBe(MediaType.ociConfig);

    const layer = await client().request('GET', `/v2/${APP}/blobs/${manifest.layers[0]!.digest}`);
    const bytes = Buffer.from(await layer.arrayBuffer());
    expect(layer.status).toBe(200);
    expect(layer.headers.get('content-type')).toBe('application/octet-stream');
    expect(sha256(bytes)).toBe(manifest.layers[0]!.digest);
    expect(bytes.subarray(257, 262).toString()).toBe('ustar');

    const config = await client().request('GET', `/v2/${APP}/blobs/${manifest.config.digest}`);
    expect(await config.json()).toEqual({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [manifest.layers[0]!.digest] },
    });
  });

  it('pushes several platforms as an OCI index, served only to clients that accept the index type', async () => {
    const { digest } = await registry().control.pushImage(APP, 'v2', {
      revision: 'def456',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    });
    const get = await client().request('GET', `/v2/${APP}/manifests/v2`, { headers: ACCEPT_INDEX });
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
      const child = await manifestJson(client(), APP, entry.digest, MediaType.ociManifest);
      expect(child.annotations?.['org.opencontainers.image.revision']).toBe('def456');
    }

    for (const accept of [MediaType.ociManifest, MediaType.dockerManifestList, '*/*', '']) {
      const refused = await client().request('GET', `/v2/${APP}/manifests/v2`, { headers: { accept } });
      expect(refused.status).toBe(404);
      expect(await errors(refused)).toEqual([
        { code: 'MANIFEST_UNKNOWN', message: 'OCI index found, but accept header does not support OCI indexes' },
      ]);
    }
    const both = await client().request('HEAD', `/v2/${APP}/manifests/${digest}`, {
      headers: { accept: `${MediaType.ociManifest}, ${MediaType.ociIndex};q=0.9` },
    });
    expect(both.status).toBe(200);
  });

  it('answers 404 MANIFEST_UNKNOWN for an OCI manifest asked for without its media type, as distribution does', async () => {
    await registry().control.pushImage(APP, 'v1');
    const res = await client().request('GET', `/v2/${APP}/manifests/v1`);
    expect(res.status).toBe(404);
    expect(await errors(res)).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'OCI manifest found, but accept header does not support OCI manifests' },
    ]);
    const head = await client().request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_INDEX });
    expect(head.status).toBe(404);
  });

  it('pushes a Helm chart as an OCI artifact', async () => {
    const { digest } = await registry().control.pushChart(CHART, '4.0.36', { appVersion: 'v0.38.0', revision: 'r1' });
    const manifest = await manifestJson(client(), CHART, '4.0.36', MediaType.ociManifest);
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
    const config = await client().request('GET', `/v2/${CHART}/blobs/${manifest.config.digest}`);
    expect(await config.json()).toEqual({
      name: 'weave-gitops',
      version: '4.0.36',
      apiVersion: 'v2',
      appVersion: 'v0.38.0',
    });
    const chart = await client().request('GET', `/v2/${CHART}/blobs/${manifest.layers[0]!.digest}`);
    const tar = gunzipSync(Buffer.from(await chart.arrayBuffer()));
    expect(tar.subarray(0, 24).toString()).toBe('weave-gitops/Chart.yaml\0');
    expect(tar.toString()).toContain(
      'name: "weave-gitops"\nversion: "4.0.36"\napiVersion: "v2"\nappVersion: "v0.38.0"\n',
    );
  });

  it('answers unknown tags, digests, names and blobs with the spec error codes', async () => {
    await registry().control.pushImage(APP, 'v1');
    const unknownTag = await client().request('GET', `/v2/${APP}/manifests/nope`, { headers: ACCEPT_MANIFEST });
    expect(unknownTag.status).toBe(404);
    expect(await errors(unknownTag)).toEqual([
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } },
    ]);
    const missing = sha256('missing');
    const unknownDigest = await client().request('GET', `/v2/${APP}/manifests/${missing}`, {
      headers: ACCEPT_MANIFEST,
    });
    expect(unknownDigest.status).toBe(404);
    expect((await errors(unknownDigest))[0]?.code).toBe('MANIFEST_UNKNOWN');
    const otherName = await client().request('HEAD', '/v2/weaveworks/other/manifests/v1', { headers: ACCEPT_MANIFEST });
    expect(otherName.status).toBe(404);

    const tags = await client().request('GET', '/v2/weaveworks/other/tags/list');
    expect(tags.status).toBe(404);
    expect(await errors(tags)).toEqual([
      { code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: 'weaveworks/other' } },
    ]);
    const blob = await client().request('GET', `/v2/${APP}/blobs/${missing}`);
    expect(blob.status).toBe(404);
    expect(await errors(blob)).toEqual([
      { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: missing },
    ]);
    const badDigest = await client().request('GET', `/v2/${APP}/blobs/sha256:abc`);
    expect(badDigest.status).toBe(400);
    expect((await errors(badDigest))[0]?.code).toBe('DIGEST_INVALID');
  });

  it('has no route for names that are not repository names, and answers 405 with Allow for other methods', async () => {
    const upper = await client().request('GET', '/v2/Weaveworks/App/manifests/v1');
    expect(upper.status).toBe(404);
    expect(await upper.text()).toBe('404 page not found\n');
    const post = await client().request('POST', `/v2/${APP}/manifests/v1`);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
  });

  it('lists tags in lexical order', async () => {
    for (const tag of ['v2', 'latest', 'v10']) await registry().control.pushImage(APP, tag);
    const res = await client().request('GET', `/v2/${APP}/tags/list`);
    expect(await res.json()).toEqual({ name: APP, tags: ['latest', 'v10', 'v2'] });
  });

  it('deletes manifests by digest only (202), untagging them; a tag list then reads null', async () => {
    const { digest } = await registry().control.pushImage(APP, 'v1');
    const byTag = await client().request('DELETE', `/v2/${APP}/manifests/v1`);
    expect(byTag.status).toBe(400);
    expect((await errors(byTag))[0]?.code).toBe('DIGEST_INVALID');
    expect((await client().request('DELETE', `/v2/${APP}/manifests/${digest}`)).status).toBe(202);
    expect((await client().request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(404);
    expect(await (await client().request('GET', `/v2/${APP}/tags/list`)).json()).toEqual({ name: APP, tags: null });
    const again = await client().request('DELETE', `/v2/${APP}/manifests/${digest}`);
    expect(again.status).toBe(404);
    expect((await errors(again))[0]?.code).toBe('MANIFEST_UNKNOWN');
  });

  describe('control', () => {
    it('deletes a tag, leaving the manifest reachable by digest', async () => {
      const { digest } = await registry().control.pushImage(APP, 'v1');
      registry().control.deleteTag(APP, 'v1');
      expect((await client().request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(
        404,
      );
      expect(
        (await client().request('HEAD', `/v2/${APP}/manifests/${digest}`, { headers: ACCEPT_MANIFEST })).status,
      ).toBe(200);
      expect(() => registry().control.deleteTag(APP, 'v1')).toThrow(
        'deleteTag: weaveworks/wego-app:v1 is not a tag in this registry',
      );
    });

    it('logs pushes in order with the injected clock, HTTP pushes included', async () => {
      setClock('2024-05-01T10:00:00Z');
      const image = await registry().control.pushImage(APP, 'v1');
      setClock('2024-05-01T10:05:00Z');
      const index = await registry().control.pushImage(APP, 'v2', { platforms: ['linux/amd64', 'linux/arm64'] });
      setClock('2024-05-01T11:00:00Z');
      const chart = await registry().control.pushChart(CHART, '1.0.0');
      setClock('2024-05-02T09:00:00Z');
      const sample = sampleImage('http');
      await pushSampleImage(client(), APP, 'v3', sample);

      expect(registry().control.pushes()).toEqual([
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
      await registry().control.pushImage(APP, 'v1');
      await client().request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST });
      await client().request('GET', `/v2/${APP}/manifests/v9?x=1`, { headers: ACCEPT_MANIFEST });
      expect(registry().control.requests()).toEqual([
        { method: 'HEAD', path: `/v2/${APP}/manifests/v1`, status: 200 },
        { method: 'GET', path: `/v2/${APP}/manifests/v9`, status: 404 },
      ]);
      registry().control.reset();
      expect(registry().control.requests()).toEqual([]);
      expect(registry().control.pushes()).toEqual([]);
      expect((await client().request('HEAD', `/v2/${APP}/manifests/v1`, { headers: ACCEPT_MANIFEST })).status).toBe(
        404,
      );
    });

    it('gives the same digest for the same push, and a different one per revision', async () => {
      const first = await registry().control.pushImage(APP, 'v1', { revision: 'a' });
      const again = await registry().control.pushImage(APP, 'v1', { revision: 'a' });
      const other = await registry().control.pushImage(APP, 'v1', { revision: 'b' });
      expect(again.digest).toBe(first.digest);
      expect(other.digest).not.toBe(first.digest);
    });

    it('refuses names, tags and platforms a registry would not take', async () => {
      await expect(registry().control.pushImage('Weaveworks/App', 'v1')).rejects.toThrow(
        'pushImage: "Weaveworks/App" is not a repository name',
      );
      await expect(registry().control.pushChart(CHART, 'v1+build')).rejects.toThrow(
        'pushChart: "v1+build" is not a tag',
      );
      await expect(registry().control.pushImage(APP, 'v1', { platforms: ['linux/amd64', 'arm64'] })).rejects.toThrow(
        'pushImage: platform "arm64" is not "os/arch" or "os/arch/variant", e.g. "linux/arm64"',
      );
    });
  });
});
