import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASIC_REALM,
  HTPASSWD_USER,
  MediaType,
  type RealRegistry,
  type Registry,
  skipWithoutRealRegistry,
  startRealRegistry,
  startRegistry,
} from '../src/registry/index.js';
import { basicAuthorization, OciClient, sha256 } from './support/oci-client.js';
import { copy, sameAnswers, statusOf } from './support/registry-fidelity.js';
import { pushSampleImage, sampleImage, sampleIndex } from './support/registry-samples.js';

/**
 * The same requests against the emulator and against distribution 2.8 (Debian's docker-registry, or the
 * binary RELEASE_GUARD_REGISTRY_BIN names), compared after normalizing what must differ (origins in Location
 * and WWW-Authenticate, upload ids, tag order). Under CI=true a missing registry binary fails these tests;
 * elsewhere they are skipped with a warning.
 */
const fidelity = it.skipIf(skipWithoutRealRegistry('registry-fidelity'));

describe('registry emulator vs distribution 2.8, anonymous', () => {
  // Awaited by each test, so that a registry that cannot start fails every test with the reason.
  let started: Promise<{ emulator: Registry; real: RealRegistry; source: Registry }>;

  beforeAll(() => {
    started = (async () => {
      const real = await startRealRegistry();
      return { real, emulator: await startRegistry(), source: await startRegistry() };
    })();
    started.catch(() => {});
  });
  afterAll(async () => {
    const registries = await started.catch(() => undefined);
    await Promise.all([registries?.emulator.close(), registries?.real.stop(), registries?.source.close()]);
  });

  fidelity('answers GET /v2/, pushes and pulls by tag and by digest with the same headers', async () => {
    const { emulator, real } = await started;
    const image = sampleImage('push-pull', { 'org.opencontainers.image.revision': '6c2f1e4' });
    const name = 'weaveworks/wego-app';
    const observed = await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      await r.call('GET /v2/', client, 'GET', '/v2/');
      await r.record('POST upload', await client.request('POST', `/v2/${name}/blobs/uploads/`));
      await r.record('upload config', await client.pushBlob(name, image.config));
      await r.record('upload layer', await client.pushBlob(name, image.layer));
      await r.record(
        'PUT manifest by tag',
        await client.pushManifest(name, 'v0.9.1', MediaType.ociManifest, image.manifest),
      );
      for (const reference of ['v0.9.1', image.digest]) {
        for (const method of ['HEAD', 'GET']) {
          await r.call(
            `${method} ${reference} as OCI`,
            client,
            method,
            `/v2/${name}/manifests/${reference}`,
            MediaType.ociManifest,
          );
          await r.call(`${method} ${reference}, no Accept`, client, method, `/v2/${name}/manifests/${reference}`);
          await r.call(
            `${method} ${reference} as Docker`,
            client,
            method,
            `/v2/${name}/manifests/${reference}`,
            MediaType.dockerManifest,
          );
        }
      }
      for (const method of ['HEAD', 'GET']) {
        await r.call(`${method} layer`, client, method, `/v2/${name}/blobs/${sha256(image.layer)}`);
      }
      await r.call('tags', client, 'GET', `/v2/${name}/tags/list`);
    });
    expect(statusOf(observed, 'GET v0.9.1 as OCI')).toBe(200);
    expect(statusOf(observed, 'HEAD v0.9.1, no Accept')).toBe(404);
  });

  fidelity('negotiates an OCI index and a Docker manifest list by Accept alike', async () => {
    const { emulator, real } = await started;
    const name = 'weaveworks/multi-arch';
    const amd64 = sampleImage('amd64');
    const arm64 = sampleImage('arm64');
    const entries = [
      { image: arm64, architecture: 'arm64' },
      { image: amd64, architecture: 'amd64' },
    ];
    const index = sampleIndex(MediaType.ociIndex, entries);
    const list = sampleIndex(MediaType.dockerManifestList, entries);
    const accepts = {
      none: undefined,
      manifest: MediaType.ociManifest,
      index: MediaType.ociIndex,
      list: MediaType.dockerManifestList,
      'manifest+list': `${MediaType.ociManifest}, ${MediaType.dockerManifestList}`,
      'manifest+index;q': `${MediaType.ociManifest};q=0.5, ${MediaType.ociIndex};q=0.9`,
      any: '*/*',
    };
    const observed = await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      for (const image of [amd64, arm64])
        await r.record('push child', await pushSampleImage(client, name, image.digest, image));
      await r.record('PUT index', await client.pushManifest(name, 'index', MediaType.ociIndex, index.bytes));
      await r.record('PUT list', await client.pushManifest(name, 'list', MediaType.dockerManifestList, list.bytes));
      for (const reference of ['index', index.digest, 'list', list.digest]) {
        for (const [label, accept] of Object.entries(accepts)) {
          await r.call(
            `GET ${reference} accepting ${label}`,
            client,
            'GET',
            `/v2/${name}/manifests/${reference}`,
            accept,
          );
        }
      }
    });
    expect(statusOf(observed, 'GET index accepting index')).toBe(200);
    expect(statusOf(observed, 'GET index accepting list')).toBe(404);
  });

  fidelity('answers unknown tags, digests, names and blobs with the same codes', async () => {
    const { emulator, real } = await started;
    const image = sampleImage('unknowns');
    const name = 'weaveworks/unknowns';
    const missing = sha256('missing');
    await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      await pushSampleImage(client, name, 'v1', image);
      for (const method of ['HEAD', 'GET']) {
        await r.call(`${method} unknown tag`, client, method, `/v2/${name}/manifests/v2`, MediaType.ociManifest);
        await r.call(
          `${method} unknown digest`,
          client,
          method,
          `/v2/${name}/manifests/${missing}`,
          MediaType.ociManifest,
        );
        await r.call(
          `${method} unknown name`,
          client,
          method,
          '/v2/weaveworks/nothing/manifests/v1',
          MediaType.ociManifest,
        );
        await r.call(`${method} unknown blob`, client, method, `/v2/${name}/blobs/${missing}`);
        await r.call(
          `${method} blob of another repository`,
          client,
          method,
          `/v2/weaveworks/nothing/blobs/${sha256(image.layer)}`,
        );
        await r.call(`${method} malformed blob digest`, client, method, `/v2/${name}/blobs/sha256:abc`);
      }
      await r.call('tags of unknown name', client, 'GET', '/v2/weaveworks/nothing/tags/list');
      await r.call('uppercase name', client, 'GET', '/v2/Weaveworks/App/manifests/v1');
      await r.call('POST a manifest', client, 'POST', `/v2/${name}/manifests/v1`);
    });
  });

  fidelity('rejects bad digests, invalid manifests and missing blobs alike', async () => {
    const { emulator, real } = await started;
    const image = sampleImage('rejects');
    const name = 'weaveworks/rejects';
    await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      await r.record('upload with a wrong digest', await client.pushBlob(name, image.layer, sha256('other')));
      const started = await client.request('POST', `/v2/${name}/blobs/uploads/`);
      await r.record('open upload', started);
      const upload = new URL(started.headers.get('location')!);
      await r.record(
        'PUT upload without digest',
        await client.request('PUT', upload.pathname + upload.search, { body: image.layer }),
      );
      const cancelled = await client.request('POST', `/v2/${name}/blobs/uploads/`);
      const cancel = new URL(cancelled.headers.get('location')!);
      await r.record('cancel upload', await client.request('DELETE', cancel.pathname + cancel.search));
      await r.record('cancel it again', await client.request('DELETE', cancel.pathname + cancel.search));
      await r.call('HEAD blob after failed uploads', client, 'HEAD', `/v2/${name}/blobs/${sha256(image.layer)}`);
      await r.record(
        'manifest with missing blobs',
        await client.pushManifest(name, 'v1', MediaType.ociManifest, image.manifest),
      );
      await client.pushBlob(name, image.config);
      await client.pushBlob(name, image.layer);
      await r.record(
        'manifest that is not JSON',
        await client.pushManifest(name, 'v1', MediaType.ociManifest, Buffer.from('{')),
      );
      await r.record(
        'manifest as application/json',
        await client.pushManifest(name, 'v1', 'application/json', image.manifest),
      );
      await r.record(
        'manifest typed as an index',
        await client.pushManifest(name, 'v1', MediaType.ociIndex, image.manifest),
      );
      await r.record(
        'manifest by a wrong digest',
        await client.pushManifest(name, sha256('other'), MediaType.ociManifest, image.manifest),
      );
      const index = sampleIndex(MediaType.ociIndex, [{ image: sampleImage('absent'), architecture: 'amd64' }]);
      await r.record(
        'index of a missing manifest',
        await client.pushManifest(name, 'v1', MediaType.ociIndex, index.bytes),
      );
      await r.record(
        'manifest by digest',
        await client.pushManifest(name, image.digest, MediaType.ociManifest, image.manifest),
      );
      await r.call('tags after an untagged push', client, 'GET', `/v2/${name}/tags/list`);
    });
  });

  fidelity('deletes manifests by digest only, and then lists no tags', async () => {
    const { emulator, real } = await started;
    const image = sampleImage('deletes');
    const name = 'weaveworks/deletes';
    await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      await pushSampleImage(client, name, 'v1', image);
      await r.call('DELETE by tag', client, 'DELETE', `/v2/${name}/manifests/v1`);
      await r.call('DELETE by digest', client, 'DELETE', `/v2/${name}/manifests/${image.digest}`);
      await r.call('GET deleted tag', client, 'GET', `/v2/${name}/manifests/v1`, MediaType.ociManifest);
      await r.call('GET deleted digest', client, 'GET', `/v2/${name}/manifests/${image.digest}`, MediaType.ociManifest);
      await r.call('DELETE again', client, 'DELETE', `/v2/${name}/manifests/${image.digest}`);
      await r.call('tags after delete', client, 'GET', `/v2/${name}/tags/list`);
    });
  });

  fidelity('takes the images and charts the control API makes, byte for byte, with the same digests', async () => {
    const { emulator, real, source } = await started;
    const image = await source.control.pushImage('weaveworks/wego-app', 'v1.2.3', {
      revision: '0123abc',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      annotations: { 'org.opencontainers.image.source': 'https://github.com/weaveworks/weave-gitops' },
    });
    const single = await source.control.pushImage('weaveworks/wego-app', 'v1.2.3-amd64', { revision: '0123abc' });
    const chart = await source.control.pushChart('weaveworks/charts/weave-gitops', '4.0.36', { appVersion: 'v0.38.0' });
    const from = new OciClient(source.url);
    const observed = await sameAnswers(emulator, real, async (r) => {
      const client = r.client();
      await copy(from, client, 'weaveworks/wego-app', 'v1.2.3', r);
      await copy(from, client, 'weaveworks/wego-app', 'v1.2.3-amd64', r);
      await copy(from, client, 'weaveworks/charts/weave-gitops', '4.0.36', r);
      const accept = `${MediaType.ociManifest}, ${MediaType.ociIndex}`;
      await r.call('HEAD image', client, 'HEAD', '/v2/weaveworks/wego-app/manifests/v1.2.3', accept);
      await r.call('HEAD single', client, 'HEAD', '/v2/weaveworks/wego-app/manifests/v1.2.3-amd64', accept);
      await r.call('GET chart', client, 'GET', '/v2/weaveworks/charts/weave-gitops/manifests/4.0.36', accept);
    });
    expect(
      observed
        .filter((observation) => observation.step.startsWith('HEAD') || observation.step.startsWith('GET'))
        .map((o) => o.digest),
    ).toEqual([image.digest, single.digest, chart.digest]);
  });

  fidelity(
    'differs where documented: a single-request upload (POST ?digest=) is 201 here, 202 in distribution 2.8',
    async () => {
      const { emulator, real } = await started;
      const blob = Buffer.from('single request');
      const post = (url: string) =>
        new OciClient(url).request('POST', `/v2/weaveworks/single/blobs/uploads/?digest=${sha256(blob)}`, {
          body: blob,
        });
      const [emulated, distribution] = await Promise.all([post(emulator.url), post(real.url)]);
      expect(emulated.status).toBe(201);
      expect(distribution.status).toBe(202);
      expect(distribution.headers.get('location')).toMatch(
        /\/v2\/weaveworks\/single\/blobs\/uploads\/[0-9a-f-]{36}\?_state=/,
      );
    },
  );
});

describe('registry emulator vs distribution 2.8, basic auth (htpasswd)', () => {
  let started: Promise<{ emulator: Registry; real: RealRegistry }>;

  beforeAll(() => {
    started = (async () => {
      const real = await startRealRegistry({ basicRealm: BASIC_REALM });
      return { real, emulator: await startRegistry({ auth: { kind: 'basic', ...HTPASSWD_USER } }) };
    })();
    started.catch(() => {});
  });
  afterAll(async () => {
    const registries = await started.catch(() => undefined);
    await Promise.all([registries?.emulator.close(), registries?.real.stop()]);
  });

  fidelity(
    'answers 401 with the same Basic challenge without or with wrong credentials, and serves with the right ones',
    async () => {
      const { emulator, real } = await started;
      const image = sampleImage('basic');
      const name = 'weaveworks/private';
      const observed = await sameAnswers(emulator, real, async (r) => {
        const clients = {
          anonymous: r.client(),
          'wrong password': r.client(basicAuthorization({ ...HTPASSWD_USER, password: 'wrong' })),
          'unknown user': r.client(basicAuthorization({ username: 'nobody', password: HTPASSWD_USER.password })),
          'bearer token': r.client('Bearer abc'),
        };
        const authorized = r.client(basicAuthorization(HTPASSWD_USER));
        await r.record('push with credentials', await pushSampleImage(authorized, name, 'v1', image));
        for (const [who, client] of Object.entries(clients)) {
          await r.call(`GET /v2/ as ${who}`, client, 'GET', '/v2/');
          await r.call(`HEAD manifest as ${who}`, client, 'HEAD', `/v2/${name}/manifests/v1`, MediaType.ociManifest);
          await r.call(`GET manifest as ${who}`, client, 'GET', `/v2/${name}/manifests/v1`, MediaType.ociManifest);
          await r.record(
            `push as ${who}`,
            await client.pushManifest(name, 'v2', MediaType.ociManifest, image.manifest),
          );
          await r.call(`DELETE as ${who}`, client, 'DELETE', `/v2/${name}/manifests/${image.digest}`);
        }
        await r.call('GET /v2/ with credentials', authorized, 'GET', '/v2/');
        await r.call(
          'GET manifest with credentials',
          authorized,
          'GET',
          `/v2/${name}/manifests/v1`,
          MediaType.ociManifest,
        );
        await r.call('tags with credentials', authorized, 'GET', `/v2/${name}/tags/list`);
      });
      expect(statusOf(observed, 'GET /v2/ as wrong password')).toBe(401);
      expect(statusOf(observed, 'GET manifest with credentials')).toBe(200);
    },
  );
});
