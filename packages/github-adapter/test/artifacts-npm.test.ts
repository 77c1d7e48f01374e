import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpmrc, verifyArtifact, verifyArtifacts } from '../src/artifacts/index.js';
import { type LocalNpmRegistry, PRIVATE_SCOPE, startVerdaccio } from './support/verdaccio.js';

/** `npm:` refs against a real npm registry: Verdaccio, started in this process on 127.0.0.1 with an empty storage. */
const SHA = '03093a127262cad8f4c94caf8aa4262314a1cedd';

describe('verifyArtifacts with npm packages in a real registry (Verdaccio)', () => {
  let npm: LocalNpmRegistry;
  const integrity: Record<string, string> = {};
  const registry = () => ({ npm: { registry: npm.url } });

  beforeAll(async () => {
    npm = await startVerdaccio();
    integrity.cli = await npm.publish('@acme/cli', '1.4.0', { gitHead: SHA });
    integrity.pad = await npm.publish('left-pad', '1.3.0');
    integrity.private = await npm.publish(`${PRIVATE_SCOPE}/tool`, '2.0.0');
    await npm.publish('old-lib', '0.9.0', { deprecated: 'use new-lib' });
  });
  afterAll(() => npm?.stop());

  it('verifies a scoped and an unscoped version with their dist.integrity, a leading v dropped', async () => {
    const events = await verifyArtifacts(
      {
        type: 'VERIFY_ARTIFACTS',
        sha: SHA,
        artifacts: [
          { name: 'cli', ref: 'npm:@acme/cli@v1.4.0' },
          { name: 'pad', ref: 'npm:left-pad@1.3.0' },
        ],
      },
      registry(),
    );
    expect(events).toEqual([
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'cli', digest: integrity.cli },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'pad', digest: integrity.pad },
    ]);
    expect(integrity.cli).toMatch(/^sha512-/);
    await expect(verifyArtifact('npm:left-pad@1.3.0', registry())).resolves.toEqual({
      present: true,
      digest: integrity.pad,
      mediaType: 'application/gzip',
    });
  });

  it('reports a missing version with the latest one, and a missing package', async () => {
    await expect(verifyArtifact('npm:@acme/cli@1.5.0', registry())).resolves.toEqual({
      present: false,
      reason: `version unknown: @acme/cli has no version 1.5.0 in ${npm.host}; its latest is 1.4.0, so npm:@acme/cli@1.5.0 does not exist`,
    });
    await expect(verifyArtifact('npm:@acme/nothing@1.0.0', registry())).resolves.toEqual({
      present: false,
      reason: `package unknown: @acme/nothing is not in ${npm.host} (404 no such package available); a private package answers 404 without a token: configure one for "${npm.host}", so npm:@acme/nothing@1.0.0 does not exist`,
    });
  });

  it('reads a scope from its own registry, with the token configured for that registry', async () => {
    const ref = `npm:${PRIVATE_SCOPE}/tool@2.0.0`;
    const scoped = { scopes: { [PRIVATE_SCOPE]: npm.url }, registry: 'http://127.0.0.1:9/' };
    await expect(verifyArtifact(ref, { npm: { ...scoped, tokens: { [npm.host]: npm.token } } })).resolves.toEqual({
      present: true,
      digest: integrity.private,
      mediaType: 'application/gzip',
    });
    await expect(verifyArtifact(ref, { npm: scoped })).resolves.toEqual({
      present: false,
      reason: `${ref} could not be checked: ${npm.host} requires authentication (401 authorization required to access package ${PRIVATE_SCOPE}/tool): configure a token for "${npm.host}"`,
    });
    const wrong = { npm: { ...scoped, tokens: { [npm.host]: 'not-a-token' } } };
    await expect(verifyArtifact(ref, wrong)).resolves.toMatchObject({
      present: false,
      reason: expect.stringContaining(
        `could not be checked: ${npm.host} rejected the token configured for "${npm.host}"`,
      ),
    });
  });

  it('takes a deprecated version as missing, saying how to lift the deprecation', async () => {
    await expect(verifyArtifact('npm:old-lib@0.9.0', registry())).resolves.toEqual({
      present: false,
      reason: `deprecated: npm:old-lib@0.9.0 is in ${npm.host} but deprecated ("use new-lib"): lift the deprecation (npm deprecate old-lib@0.9.0 "") if it stands`,
    });
  });

  it('checks gitHead against the released commit under requireRevision, when the version has one', async () => {
    const effect = (sha: string) => ({
      type: 'VERIFY_ARTIFACTS' as const,
      sha,
      artifacts: [
        { name: 'cli', ref: 'npm:@acme/cli@1.4.0' },
        { name: 'pad', ref: 'npm:left-pad@1.3.0' },
      ],
    });
    await expect(verifyArtifacts(effect(SHA), { ...registry(), requireRevision: true })).resolves.toEqual([
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'cli', digest: integrity.cli },
      { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'pad', digest: integrity.pad },
    ]);
    const other = 'b'.repeat(40);
    await expect(verifyArtifacts(effect(other), { ...registry(), requireRevision: true })).resolves.toEqual([
      {
        type: 'ARTIFACT_MISSING',
        sha: other,
        name: 'cli',
        reason: `npm:@acme/cli@1.4.0: gitHead ${SHA} does not match ${other}`,
      },
      { type: 'ARTIFACT_VERIFIED', sha: other, name: 'pad', digest: integrity.pad },
    ]);
  });
});

describe('npm refs without a registry', () => {
  it('refuses to send a token over plain http to a host that is not loopback', async () => {
    const npm = { registry: 'http://npm.example.com/', tokens: { 'npm.example.com': 'secret-token' } };
    const lookup = await verifyArtifact('npm:left-pad@1.3.0', { npm, fetch: () => Promise.reject(new Error('sent')) });
    expect(lookup).toEqual({
      present: false,
      reason:
        'npm:left-pad@1.3.0 could not be checked: refusing to send the token for "npm.example.com" over plain http',
    });
  });

  it('explains a malformed npm ref', async () => {
    await expect(verifyArtifact('npm:left-pad@^1.3.0')).resolves.toEqual({
      present: false,
      reason: expect.stringContaining(`invalid reference "npm:left-pad@^1.3.0": '^1.3.0' is not an exact version`),
    });
  });

  it('asks npmjs by default, the name escaped, for the abbreviated packument', async () => {
    const asked: { url: string; accept: string | null }[] = [];
    const fake: typeof fetch = async (url, init) => {
      asked.push({ url: String(url), accept: new Headers(init?.headers).get('accept') });
      return new Response(JSON.stringify({ versions: { '1.0.0': { dist: { shasum: 'abc' } } } }), { status: 200 });
    };
    await expect(verifyArtifact('npm:@acme/cli@1.0.0', { fetch: fake })).resolves.toEqual({
      present: true,
      digest: 'sha1:abc',
      mediaType: 'application/gzip',
    });
    expect(asked).toEqual([
      {
        url: 'https://registry.npmjs.org/@acme%2fcli',
        accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8',
      },
    ]);
  });

  it('reads registries, scopes and tokens from .npmrc text', () => {
    const text = [
      '# the company registry',
      'registry=https://npm.example.com/npm',
      '@acme:registry="https://npm.pkg.github.com"',
      '//npm.pkg.github.com/:_authToken=ghp_token',
      '//npm.example.com/npm/:_authToken=other',
      'always-auth=true',
    ].join('\n');
    expect(parseNpmrc(text)).toEqual({
      registry: 'https://npm.example.com/npm',
      scopes: { '@acme': 'https://npm.pkg.github.com/' },
      tokens: { 'npm.pkg.github.com': 'ghp_token', 'npm.example.com/npm': 'other' },
    });
    expect(() => parseNpmrc('@acme:registry=ftp://x\n//h/:_authToken=secret')).toThrow(
      '.npmrc line 1: @acme:registry must be an http(s) URL',
    );
  });
});
