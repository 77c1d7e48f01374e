/** Pushes to the anonymous registry over HTTP: blob uploads and manifest PUTs. */

import { describe, expect, it } from 'vitest';
import { MediaType } from '../src/registry/index.js';
import { sha256 } from './support/oci-client.js';
import { ACCEPT_MANIFEST, APP, errors, manifestJson, useAnonymousRegistry } from './support/registry.js';
import { pushSampleImage, sampleImage, sampleIndex } from './support/registry-samples.js';

describe('registry emulator, anonymous', () => {
  const { registry, client, clock } = useAnonymousRegistry();

  describe('blob uploads', () => {
    const blob = Buffer.from('a layer');

    it('takes a monolithic upload: POST (202 + Location) then PUT ?digest= (201)', async () => {
      const started = await client().request('POST', `/v2/${APP}/blobs/uploads/`);
      expect(started.status).toBe(202);
      expect(started.headers.get('docker-upload-uuid')).toMatch(/^[0-9a-f-]{36}$/);
      const location = new URL(started.headers.get('location')!);
      expect(location.pathname).toBe(`/v2/${APP}/blobs/uploads/${started.headers.get('docker-upload-uuid')}`);
      location.searchParams.set('digest', sha256(blob));
      const put = await client().request('PUT', location.pathname + location.search, { body: blob });
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBe(`${registry().url}/v2/${APP}/blobs/${sha256(blob)}`);
      expect(put.headers.get('docker-content-digest')).toBe(sha256(blob));

      const head = await client().request('HEAD', `/v2/${APP}/blobs/${sha256(blob)}`);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(blob.length));
      expect(head.headers.get('docker-content-digest')).toBe(sha256(blob));
      const other = await client().request('HEAD', `/v2/weaveworks/other/blobs/${sha256(blob)}`);
      expect(other.status).toBe(404);
    });

    it('takes a single-request upload: POST ?digest= with the blob (201)', async () => {
      const res = await client().request('POST', `/v2/${APP}/blobs/uploads/?digest=${sha256(blob)}`, { body: blob });
      expect(res.status).toBe(201);
      expect(res.headers.get('docker-content-digest')).toBe(sha256(blob));
      const get = await client().request('GET', `/v2/${APP}/blobs/${sha256(blob)}`);
      expect(Buffer.from(await get.arrayBuffer())).toEqual(blob);
    });

    it('takes a chunked upload: PATCH chunks, then PUT ?digest=', async () => {
      const started = await client().request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const first = await client().request('PATCH', path, { body: blob.subarray(0, 3) });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-2');
      const put = await client().request('PUT', `${path}?digest=${sha256(blob)}`, { body: blob.subarray(3) });
      expect(put.status).toBe(201);
    });

    it('rejects a wrong or missing digest with DIGEST_INVALID and stores nothing', async () => {
      const single = await client().request('POST', `/v2/${APP}/blobs/uploads/?digest=${sha256('other')}`, {
        body: blob,
      });
      expect(single.status).toBe(400);
      expect((await errors(single))[0]).toMatchObject({
        code: 'DIGEST_INVALID',
        message: 'provided digest did not match uploaded content',
        detail: `the uploaded content's digest is ${sha256(blob)}, not ${sha256('other')}`,
      });

      const started = await client().request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const noDigest = await client().request('PUT', path, { body: blob });
      expect(noDigest.status).toBe(400);
      expect((await errors(noDigest))[0]).toMatchObject({ code: 'DIGEST_INVALID', detail: 'digest missing' });
      const wrong = await client().request('PUT', `${path}?digest=${sha256('other')}`, { body: blob });
      expect(wrong.status).toBe(400);
      expect((await errors(wrong))[0]?.code).toBe('DIGEST_INVALID');

      for (const digest of [sha256(blob), sha256('other')]) {
        expect((await client().request('HEAD', `/v2/${APP}/blobs/${digest}`)).status).toBe(404);
      }
    });

    it('cancels an upload with DELETE (204), after which it is unknown', async () => {
      const started = await client().request('POST', `/v2/${APP}/blobs/uploads/`);
      const path = new URL(started.headers.get('location')!).pathname;
      const cancelled = await client().request('DELETE', path);
      expect(cancelled.status).toBe(204);
      const put = await client().request('PUT', `${path}?digest=${sha256(blob)}`, { body: blob });
      expect(put.status).toBe(404);
      expect((await errors(put))[0]?.code).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('answers BLOB_UPLOAD_UNKNOWN for an upload that is not open', async () => {
      const res = await client().request('PUT', `/v2/${APP}/blobs/uploads/not-an-upload?digest=${sha256(blob)}`, {
        body: blob,
      });
      expect(res.status).toBe(404);
      expect((await errors(res))[0]?.code).toBe('BLOB_UPLOAD_UNKNOWN');
    });
  });

  describe('manifest PUT', () => {
    it('stores a manifest pushed by tag: 201, Location and Docker-Content-Digest; logs the push', async () => {
      const image = sampleImage('put', { 'org.opencontainers.image.revision': 'f00' });
      const res = await pushSampleImage(client(), APP, 'v3', image);
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`${registry().url}/v2/${APP}/manifests/${image.digest}`);
      expect(res.headers.get('docker-content-digest')).toBe(image.digest);
      const manifest = await manifestJson(client(), APP, 'v3', MediaType.ociManifest);
      expect(manifest.annotations).toEqual({ 'org.opencontainers.image.revision': 'f00' });
      expect(registry().control.pushes()).toEqual([
        { name: APP, tag: 'v3', digest: image.digest, mediaType: MediaType.ociManifest, at: clock() },
      ]);
    });

    it('accepts a Content-Type with parameters, and a manifest by digest (not logged as a push)', async () => {
      const image = sampleImage('by-digest');
      await client().pushBlob(APP, image.config);
      await client().pushBlob(APP, image.layer);
      const res = await client().pushManifest(
        APP,
        image.digest,
        `${MediaType.ociManifest}; charset=utf-8`,
        image.manifest,
      );
      expect(res.status).toBe(201);
      expect(registry().control.pushes()).toEqual([]);
    });

    it('rejects a manifest whose blobs are missing with MANIFEST_BLOB_UNKNOWN, naming each', async () => {
      const image = sampleImage('orphan');
      const res = await client().pushManifest(APP, 'v1', MediaType.ociManifest, image.manifest);
      expect(res.status).toBe(400);
      expect(await errors(res)).toEqual([
        { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: sha256(image.config) },
        { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: sha256(image.layer) },
      ]);
      const index = sampleIndex(MediaType.ociIndex, [{ image, architecture: 'amd64' }]);
      const indexRes = await client().pushManifest(APP, 'v1', MediaType.ociIndex, index.bytes);
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
        const res = await client().pushManifest(APP, 'v1', mediaType, Buffer.from(body));
        expect(res.status).toBe(400);
        const [entry] = await errors(res);
        expect(entry).toMatchObject({ code: 'MANIFEST_INVALID', message: 'manifest invalid' });
        expect(entry?.detail).toMatch(detail);
      }
      await client().pushBlob(APP, image.config);
      await client().pushBlob(APP, image.layer);
      const mismatch = await client().pushManifest(APP, sha256('other'), MediaType.ociManifest, image.manifest);
      expect(mismatch.status).toBe(400);
      expect((await errors(mismatch))[0]?.code).toBe('DIGEST_INVALID');
    });

    it('serves the linux/amd64 manifest of a Docker manifest list to a client that does not accept lists', async () => {
      const amd64 = sampleImage('amd64');
      const arm64 = sampleImage('arm64');
      for (const image of [amd64, arm64]) await pushSampleImage(client(), APP, image.digest, image);
      const list = sampleIndex(MediaType.dockerManifestList, [
        { image: arm64, architecture: 'arm64' },
        { image: amd64, architecture: 'amd64' },
      ]);
      expect((await client().pushManifest(APP, 'multi', MediaType.dockerManifestList, list.bytes)).status).toBe(201);

      const asList = await client().request('GET', `/v2/${APP}/manifests/multi`, {
        headers: { accept: MediaType.dockerManifestList },
      });
      expect(asList.headers.get('docker-content-digest')).toBe(list.digest);
      const asManifest = await client().request('GET', `/v2/${APP}/manifests/multi`, { headers: ACCEPT_MANIFEST });
      expect(asManifest.status).toBe(200);
      expect(asManifest.headers.get('docker-content-digest')).toBe(amd64.digest);
    });
  });
});
