/** The registry emulator behind basic auth, and behind bearer tokens as ghcr.io does it. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Registry, startRegistry } from '../src/registry/index.js';
import { basicAuthorization, OciClient } from './support/oci-client.js';
import { ACCEPT_MANIFEST, APP, errors } from './support/registry.js';
import { pushSampleImage, sampleImage } from './support/registry-samples.js';

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
