import { GuardConfigError, parseVersionSource, type VersionSource, versionOf } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { issue, issuesOf } from './support/fixtures.js';

const pr = (title?: string, headRef = 'release-please--branches--main') => ({
  headRef,
  ...(title === undefined ? {} : { title }),
});
const read = (source: VersionSource, contents: Record<string, string | null>) => versionOf(pr(), source, { contents });

describe("versionOf, 'branch': the head branch's last segment", () => {
  it('reads releases/v1.2.0 as v1.2.0, and a branch without / whole', () => {
    expect(versionOf(pr(undefined, 'releases/v1.2.0'), 'branch')).toEqual({ version: 'v1.2.0' });
    expect(versionOf(pr(undefined, 'releases/app/0.3.0-rc.1'), 'branch')).toEqual({ version: '0.3.0-rc.1' });
    expect(versionOf(pr(undefined, 'v7'), 'branch')).toEqual({ version: 'v7' });
  });

  it('takes the last segment as the branch names it, unless it is too long to be a version', () => {
    expect(versionOf(pr(undefined, 'releases/v1@next'), 'branch')).toEqual({ version: 'v1@next' });
    expect(versionOf(pr(undefined, `releases/${'v'.repeat(101)}`), 'branch')).toEqual({
      problem: "the branch name's last segment is longer than 100 characters",
    });
  });
});

describe("versionOf, 'title': the last semantic version in the title, as written", () => {
  it.each([
    ['chore(main): release 1.2.3', '1.2.3'],
    ['chore(main): release app 0.39.1-rc.1', '0.39.1-rc.1'],
    ['chore(main): release app v2.0.0', 'v2.0.0'],
    ['chore: release 1.0.0 (#42)', '1.0.0'],
    ['Release 1.2.3.', '1.2.3'],
    ['release 1.2.3+build.7', '1.2.3+build.7'],
    ['bump 1.2.3 to 1.3.0-beta.2', '1.3.0-beta.2'],
    ['chore(main): release app-v3.1.4', 'v3.1.4'],
    ['release @acme/app@4.5.6', '4.5.6'],
  ])('%s -> %s', (title, version) => {
    expect(versionOf(pr(title), 'title')).toEqual({ version });
  });

  it.each([
    ['Version Packages'],
    ['chore: release main'],
    ['release 1.2'],
    ['release 1.2.3.4'],
    ['release rev1.2.3'],
    ['release 01.2.3'],
    ['release V1.2.3'],
  ])('%s holds no semantic version', (title) => {
    expect(versionOf(pr(title), 'title')).toEqual({ problem: 'the title holds no semantic version (such as 1.2.3)' });
  });

  it('says so when no title was given', () => {
    expect(versionOf(pr(), 'title')).toEqual({ problem: 'the title was not given' });
  });

  it('reads a hostile title in linear time', () => {
    const title = `${'1.'.repeat(20_000)}x ${'0-'.repeat(20_000)}`;
    const began = performance.now();
    expect(versionOf(pr(title), 'title')).toHaveProperty('problem');
    expect(performance.now() - began).toBeLessThan(1000);
  });
});

describe('versionOf, a file at the head', () => {
  const manifest = { file: '.release-please-manifest.json', key: '.' };

  it('reads the key "." of .release-please-manifest.json', () => {
    const text = '{\n  ".": "0.39.1-rc.1",\n  "packages/app": "2.0.0"\n}\n';
    expect(read(manifest, { [manifest.file]: text })).toEqual({ version: '0.39.1-rc.1' });
  });

  it('reads a key holding "/" as one literal key', () => {
    const source = { file: '.release-please-manifest.json', key: 'packages/app' };
    expect(read(source, { [source.file]: '{".":"1.0.0","packages/app":"2.0.0"}' })).toEqual({ version: '2.0.0' });
    expect(read(source, { [source.file]: '{"packages":{"app":"2.0.0"}}' })).toEqual({
      problem: '.release-please-manifest.json has no key "packages/app"',
    });
  });

  it("reads package.json's version, past a byte-order mark", () => {
    const source = { file: 'package.json', key: 'version' };
    expect(read(source, { 'package.json': '\uFEFF{"name":"app","version":"1.4.0"}' })).toEqual({ version: '1.4.0' });
  });

  it('reads a VERSION file whole, trimmed', () => {
    expect(read({ file: 'VERSION' }, { VERSION: '  v2.3.4\n' })).toEqual({ version: 'v2.3.4' });
    expect(read({ file: 'deploy/VERSION' }, { 'deploy/VERSION': '2024.05\r\n' })).toEqual({ version: '2024.05' });
  });

  it.each([
    [{ file: 'package.json', key: 'version' }, {}, 'package.json was not read at the head'],
    [{ file: 'package.json', key: 'version' }, { 'package.json': null }, 'package.json does not exist at the head'],
    [{ file: 'package.json', key: 'version' }, { 'package.json': 'version: 1' }, 'package.json is not JSON'],
    [{ file: 'package.json', key: 'version' }, { 'package.json': '["1.0.0"]' }, 'package.json is not a JSON object'],
    [{ file: 'package.json', key: 'version' }, { 'package.json': '{"name":"x"}' }, 'package.json has no key "version"'],
    [
      { file: 'package.json', key: 'version' },
      { 'package.json': '{"version":1}' },
      '"version" in package.json is not a string',
    ],
    [
      { file: 'package.json', key: 'version' },
      { 'package.json': '{"version":"1 0"}' },
      '"version" in package.json is not a version',
    ],
    [{ file: 'VERSION' }, { VERSION: ' \n' }, 'VERSION is empty'],
    [{ file: 'VERSION' }, { VERSION: '1.0.0\n2.0.0' }, 'VERSION does not hold a version'],
    [{ file: 'VERSION' }, { version: '1.0.0' }, 'VERSION was not read at the head'],
  ] as const)('%j with %j: %s', (source, contents, problem) => {
    expect(read(source, contents)).toEqual({ problem });
  });

  it('reads only own keys, never one of Object.prototype', () => {
    expect(read({ file: 'p.json', key: 'constructor' }, { 'p.json': '{}' })).toEqual({
      problem: 'p.json has no key "constructor"',
    });
    expect(read({ file: 'toString' }, {})).toEqual({ problem: 'toString was not read at the head' });
  });
});

describe('parseVersionSource', () => {
  it("parses 'branch', 'title' and file:<path>[#<key>]", () => {
    expect(parseVersionSource('branch')).toBe('branch');
    expect(parseVersionSource('title')).toBe('title');
    expect(parseVersionSource('file:VERSION')).toEqual({ file: 'VERSION' });
    expect(parseVersionSource('file:package.json#version')).toEqual({ file: 'package.json', key: 'version' });
    expect(parseVersionSource('file:.release-please-manifest.json#.')).toEqual({
      file: '.release-please-manifest.json',
      key: '.',
    });
    expect(parseVersionSource('file:.release-please-manifest.json#packages/app')).toEqual({
      file: '.release-please-manifest.json',
      key: 'packages/app',
    });
    expect(parseVersionSource('file:versions.json#a#b')).toEqual({ file: 'versions.json', key: 'a#b' });
  });

  it('throws GuardConfigError saying what to fix', () => {
    const issues = (text: string) => issuesOf(GuardConfigError, () => parseVersionSource(text));
    expect(issues('tag')).toEqual([issue('versionSource', "'branch', 'title', or 'file:<path>'", '"tag"')]);
    expect(issues('file:')).toEqual([issue('versionSource.file', 'non-empty string')]);
    expect(issues('file:package.json#')).toEqual([issue('versionSource.key', "leave '#' out")]);
    expect(issues('file:/etc/VERSION')).toEqual([issue('versionSource.file', "repository's root", "starts with '/'")]);
    expect(issues('file:a/../VERSION')).toEqual([issue('versionSource.file', "'..' segment")]);
    expect(issues('file:#version')).toEqual([issue('versionSource.file', 'non-empty string')]);
  });
});
