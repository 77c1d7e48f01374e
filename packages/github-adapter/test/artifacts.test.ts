import type { VerifyArtifactsEffect } from '@release-guard/core';
import { MediaType, type Registry, startRegistry } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactVerifierOptions,
  InvalidReferenceError,
  parseChallenges,
  parseReference,
  verifyArtifact,
  verifyArtifacts,
} from '../src/artifacts/index.js';
import { type LocalServer, silent, unavailable } from './support/local-servers.js';

const SHA = '03093a127262cad8f4c94caf8aa4262314a1cedd';
const BOT = { username: 'release-bot', password: 'hunter2-registry-password' };

function effect(...refs: string[]): VerifyArtifactsEffect {
  return { type: 'VERIFY_ARTIFACTS', sha: SHA, artifacts: refs.map((ref, i) => ({ name: `artifact-${i}`, ref })) };
}

describe('parseReference', () => {
  it('applies Docker Hub defaults to names without a registry', () => {
    expect(parseReference('nginx')).toEqual({
      text: 'nginx',
      registry: 'docker.io',
      host: 'registry-1.docker.io',
      repository: 'library/nginx',
      tag: 'latest',
    });
    expect(parseReference('bitnami/redis:7.4')).toMatchObject({
      registry: 'docker.io',
      host: 'registry-1.docker.io',
      repository: 'bitnami/redis',
      tag: '7.4',
    });
    expect(parseReference('docker.io/alpine:3.20')).toMatchObject({ repository: 'library/alpine', tag: '3.20' });
    expect(parseReference('index.docker.io/library/alpine')).toMatchObject({ registry: 'docker.io', tag: 'latest' });
  });

  it('recognizes registries by a dot, a port or localhost, and keeps nested names', () => {
    expect(parseReference('ghcr.io/weaveworks/wego-app:v0.29.0')).toEqual({
      text: 'ghcr.io/weaveworks/wego-app:v0.29.0',
      registry: 'ghcr.io',
      host: 'ghcr.io',
      repository: 'weaveworks/wego-app',
      tag: 'v0.29.0',
    });
    expect(parseReference('127.0.0.1:5000/name:tag')).toMatchObject({
      registry: '127.0.0.1:5000',
      host: '127.0.0.1:5000',
      repository: 'name',
      tag: 'tag',
    });
    expect(parseReference('localhost/team/app')).toMatchObject({ host: 'localhost', repository: 'team/app' });
    expect(parseReference('ghcr.io/weaveworks/charts/weave-gitops:4.0.27')).toMatchObject({
      repository: 'weaveworks/charts/weave-gitops',
      tag: '4.0.27',
    });
    expect(parseReference('[::1]:5000/app:v1')).toMatchObject({ host: '[::1]:5000', repository: 'app' });
  });

  it('reads digests, with or without a tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(`alpine@${digest}`)).toMatchObject({ repository: 'library/alpine', digest });
    expect(parseReference(`alpine@${digest}`).tag).toBeUndefined();
    expect(parseReference(`ghcr.io/a/b:v1@${digest}`)).toMatchObject({ repository: 'a/b', tag: 'v1', digest });
  });

  it.each([
    ['', 'it is empty'],
    ['ghcr.io/', 'names no repository'],
    ['docker.io/', 'names no repository'],
    ['ghcr.io/Weaveworks/app:v1', '"Weaveworks" is not a repository path component'],
    ['app:bad tag', '"bad tag" is not a tag'],
    ['app@sha256:abc', '"sha256:abc" is not a digest'],
    ['bad_host.io:x/app', '"bad_host.io:x" is not a registry host'],
  ])('refuses %j: %s', (ref, problem) => {
    expect(() => parseReference(ref)).toThrow(InvalidReferenceError);
    expect(() => parseReference(ref)).toThrow(problem);
  });
});

describe('parseChallenges', () => {
  it('reads Basic and Bearer challenges with quoted and token parameters', () => {
    expect(parseChallenges('Basic realm="registry"')).toEqual([{ scheme: 'basic', params: { realm: 'registry' } }]);
    expect(
      parseChallenges(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:weaveworks/wego-app:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:weaveworks/wego-app:pull' },
      },
    ]);
    expect(parseChallenges('Basic realm="a \\"b\\"", Bearer Realm=x, error=invalid_token')).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      { scheme: 'bearer', params: { realm: 'x', error: 'invalid_token' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('verifyArtifacts against the registry emulator', () => {
  let open: Registry;
  let basic: Registry;
  let bearer: Registry;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [open, basic, bearer] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: { kind: 'basic', ...BOT } }),
      startRegistry({ auth: { kind: 'bearer', ...BOT } }),
    ]);
    digests.single = (await open.control.pushImage('weaveworks/wego-app', 'v0.29.0')).digest;
    digests.multi = (
      await open.control.pushImage('weaveworks/wego-app', 'v0.29.1', { platforms: ['linux/amd64', 'linux/arm64'] })
    ).digest;
    digests.chart = (await open.control.pushChart('weaveworks/charts/weave-gitops', '4.0.27')).digest;
    digests.released = (await open.control.pushImage('weaveworks/released', 'v1', { revision: SHA })).digest;
    digests.indexed = (
      await open.control.pushImage('weaveworks/released', 'v1-multi', {
        revision: SHA,
        platforms: ['linux/amd64', 'linux/arm64'],
      })
    ).digest;
    await open.control.pushImage('weaveworks/released', 'v0', { revision: '0000000' });
    digests.basic = (await basic.control.pushImage('team/app', 'v1')).digest;
    digests.bearer = (await bearer.control.pushImage('weaveworks/wego-app', 'v0.29.0')).digest;
  });
  afterAll(() => Promise.all([open, basic, bearer].map((registry) => registry?.close())));

  it('verifies a single-platform image and a multi-platform index with the digests the tags point at', async () => {
    const events = await verifyArtifacts(
      effect(`${open.host}/weaveworks/wego-app:v0.29.0`, `${open.host}/weaveworks/wego-app:v0.29.1`),
    );
    expect(events).toEqual([
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'artifact-0', digest: digests.single },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'artifact-1', digest: digests.multi },
    ]);
    await expect(verifyArtifact(`${open.host}/weaveworks/wego-app:v0.29.1`)).resolves.toEqual({
      present: true,
      digest: digests.multi,
      mediaType: MediaType.ociIndex,
    });
  });

  it('looks up with HEAD, accepting all four manifest types', async () => {
    const seen: { method: string | undefined; accept: string | null }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ method: init?.method, accept: new Headers(init?.headers).get('accept') });
      return fetch(input, init);
    };
    await verifyArtifact(`${open.host}/weaveworks/wego-app:v0.29.0`, { fetch: spy });
    expect(seen).toEqual([{ method: 'HEAD', accept: expect.any(String) }]);
    for (const type of [
      MediaType.ociIndex,
      MediaType.ociManifest,
      MediaType.dockerManifestList,
      MediaType.dockerManifest,
    ]) {
      expect(seen[0]?.accept).toContain(type);
    }
  });

  it('verifies a Helm chart, and a reference pinned by digest', async () => {
    await expect(verifyArtifact(`${open.host}/weaveworks/charts/weave-gitops:4.0.27`)).resolves.toEqual({
      present: true,
      digest: digests.chart,
      mediaType: MediaType.ociManifest,
    });
    await expect(verifyArtifact(`${open.host}/weaveworks/wego-app@${digests.multi}`)).resolves.toMatchObject({
      present: true,
      digest: digests.multi,
    });
  });

  it('reports a missing tag and a missing repository with the registry error', async () => {
    const [tag, repository] = await verifyArtifacts(
      effect(`${open.host}/weaveworks/wego-app:v0.29.9`, `${open.host}/weaveworks/nothing:v1`),
    );
    expect(tag).toEqual({
      type: 'ARTIFACT_MISSING',
      sha: SHA,
      name: 'artifact-0',
      reason: `manifest unknown: ${open.host}/weaveworks/wego-app:v0.29.9 does not exist (404 MANIFEST_UNKNOWN: manifest unknown)`,
    });
    expect(repository).toMatchObject({
      type: 'ARTIFACT_MISSING',
      reason: `manifest unknown: ${open.host}/weaveworks/nothing:v1 does not exist (404 MANIFEST_UNKNOWN: manifest unknown)`,
    });
  });

  it('reports a malformed reference as missing instead of throwing', async () => {
    const [event] = await verifyArtifacts(effect(`${open.host}/Weaveworks/app:v1`));
    expect(event).toMatchObject({
      type: 'ARTIFACT_MISSING',
      reason: expect.stringMatching(/^invalid reference ".*": "Weaveworks" is not a repository path component/),
    });
  });

  describe('basic authentication', () => {
    it('verifies with the right credentials', async () => {
      const result = await verifyArtifact(`${basic.host}/team/app:v1`, { credentials: { [basic.host]: BOT } });
      expect(result).toEqual({ present: true, digest: digests.basic, mediaType: MediaType.ociManifest });
    });

    it('says the credentials were rejected when they are wrong', async () => {
      const wrong = { username: BOT.username, password: 'not-the-password' };
      const result = await verifyArtifact(`${basic.host}/team/app:v1`, { credentials: { [basic.host]: wrong } });
      expect(result).toEqual({
        present: false,
        reason: `${basic.host}/team/app:v1 could not be checked: ${basic.host} rejected the credentials configured for "${basic.host}" (401 Unauthorized)`,
      });
    });

    it('says which credentials to configure when there are none', async () => {
      const result = await verifyArtifact(`${basic.host}/team/app:v1`, {
        credentials: { 'ghcr.io': BOT },
      });
      expect(result).toEqual({
        present: false,
        reason: `${basic.host}/team/app:v1 could not be checked: ${basic.host} requires basic authentication: configure credentials for "${basic.host}"`,
      });
    });
  });

  describe('bearer tokens (GHCR-style)', () => {
    it('gets a token with the configured credentials, once per repository', async () => {
      const before = bearer.control.requests().filter((request) => request.path === '/token').length;
      const events = await verifyArtifacts(
        effect(`${bearer.host}/weaveworks/wego-app:v0.29.0`, `${bearer.host}/weaveworks/wego-app:v0.29.0`),
        { credentials: { [bearer.host]: BOT } },
      );
      expect(events.map((event) => event.type === 'ARTIFACT_VERIFIED' && event.digest)).toEqual([
        digests.bearer,
        digests.bearer,
      ]);
      const tokens = bearer.control.requests().filter((request) => request.path === '/token').length;
      expect(tokens - before).toBe(1);
    });

    it('asks anonymously without credentials, and says what to configure when refused', async () => {
      const result = await verifyArtifact(`${bearer.host}/weaveworks/wego-app:v0.29.0`);
      expect(result).toEqual({
        present: false,
        reason: expect.stringContaining(
          `${bearer.host}/weaveworks/wego-app:v0.29.0 could not be checked: the token service ${bearer.url}/token refused an anonymous token (401 UNAUTHORIZED:`,
        ),
      });
      expect(result.present || result.reason).toContain(`configure credentials for "${bearer.host}"`);
    });

    it('reports a missing tag behind a token as missing, not as unchecked', async () => {
      const result = await verifyArtifact(`${bearer.host}/weaveworks/wego-app:v0.30.0`, {
        credentials: { [bearer.host]: BOT },
      });
      expect(result).toMatchObject({
        present: false,
        reason: expect.stringMatching(/^manifest unknown: .* does not exist/),
      });
    });
  });

  describe('requireRevision', () => {
    const options: ArtifactVerifierOptions = { requireRevision: true };

    it('verifies an image or index annotated with the released commit', async () => {
      const events = await verifyArtifacts(
        effect(`${open.host}/weaveworks/released:v1`, `${open.host}/weaveworks/released:v1-multi`),
        options,
      );
      expect(events.map((event) => event.type === 'ARTIFACT_VERIFIED' && event.digest)).toEqual([
        digests.released,
        digests.indexed,
      ]);
    });

    it('refuses an image built from another commit, or with no revision', async () => {
      const [other, none] = await verifyArtifacts(
        effect(`${open.host}/weaveworks/released:v0`, `${open.host}/weaveworks/wego-app:v0.29.0`),
        options,
      );
      expect(other).toMatchObject({
        type: 'ARTIFACT_MISSING',
        reason: `${open.host}/weaveworks/released:v0: revision 0000000 does not match ${SHA}`,
      });
      expect(none).toMatchObject({
        type: 'ARTIFACT_MISSING',
        reason: `${open.host}/weaveworks/wego-app:v0.29.0: revision (no org.opencontainers.image.revision annotation) does not match ${SHA}`,
      });
    });
  });

  it('never puts a password or token in a reason or a URL', async () => {
    const secrets = [BOT.password, Buffer.from(`${BOT.username}:${BOT.password}`).toString('base64')];
    const urls: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      urls.push(String(input));
      const res = await fetch(input, init);
      if (new URL(String(input)).pathname === '/token') {
        const body = (await res.clone().json()) as { token: string };
        secrets.push(body.token);
      }
      return res;
    };
    const wrong = { username: BOT.username, password: `${BOT.password}-wrong` };
    const runs = [
      verifyArtifacts(effect(`${basic.host}/team/app:v1`, `${basic.host}/team/app:v9`), {
        fetch: spy,
        credentials: { [basic.host]: wrong },
      }),
      verifyArtifacts(effect(`${basic.host}/team/app:v9`), { fetch: spy, credentials: { [basic.host]: BOT } }),
      verifyArtifacts(effect(`${bearer.host}/weaveworks/wego-app:v9`, `${bearer.host}/other/app:v1`), {
        fetch: spy,
        credentials: { [bearer.host]: BOT },
        requireRevision: true,
      }),
      verifyArtifacts(effect(`${bearer.host}/weaveworks/wego-app:v0.29.0`), {
        fetch: spy,
        credentials: { [bearer.host]: wrong },
      }),
    ];
    const reasons = (await Promise.all(runs))
      .flat()
      .map((event) => (event.type === 'ARTIFACT_MISSING' ? event.reason : ''));
    expect(reasons.filter(Boolean)).toHaveLength(6);
    expect(secrets.length).toBeGreaterThan(2);
    for (const secret of secrets) {
      for (const text of [...reasons, ...urls]) expect(text).not.toContain(secret);
    }
  });
});

describe('registries that cannot answer', () => {
  let down: LocalServer;
  let hanging: LocalServer;

  beforeAll(async () => {
    [down, hanging] = await Promise.all([unavailable(), silent()]);
  });
  afterAll(() => Promise.all([down?.close(), hanging?.close()]));

  it('says a 5xx artifact could not be checked', async () => {
    const [event] = await verifyArtifacts(effect(`${down.host}/weaveworks/wego-app:v0.29.0`));
    expect(event).toEqual({
      type: 'ARTIFACT_MISSING',
      sha: SHA,
      name: 'artifact-0',
      reason: `${down.host}/weaveworks/wego-app:v0.29.0 could not be checked: ${down.host} answered 503 Service Unavailable`,
    });
  });

  it('says so after a timeout, naming it', async () => {
    const started = Date.now();
    const result = await verifyArtifact(`${hanging.host}/app:v1`, { timeoutMs: 150 });
    expect(result).toEqual({
      present: false,
      reason: `${hanging.host}/app:v1 could not be checked: timeout: no answer from ${hanging.host} within 150 ms`,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says so after a network error, naming it', async () => {
    const closed = await unavailable();
    await closed.close();
    const result = await verifyArtifact(`${closed.host}/app:v1`);
    expect(result).toEqual({
      present: false,
      reason: `${closed.host}/app:v1 could not be checked: network error reaching ${closed.host}: connect ECONNREFUSED ${closed.host}`,
    });
  });

  it('uses https for hosts other than loopback unless told otherwise', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = async (input) => {
      urls.push(String(input));
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND registry.example') });
    };
    const result = await verifyArtifact('registry.example/app:v1', { fetch: spy });
    const plain = await verifyArtifact('registry.example:8080/app:v1', { fetch: spy, plainHttp: ['registry.example'] });
    expect(urls).toEqual([
      'https://registry.example/v2/app/manifests/v1',
      'http://registry.example:8080/v2/app/manifests/v1',
    ]);
    expect(result).toEqual({
      present: false,
      reason:
        'registry.example/app:v1 could not be checked: network error reaching registry.example: getaddrinfo ENOTFOUND registry.example',
    });
    expect(plain.present).toBe(false);
  });
});
