import { createGuard, type GuardConfig, GuardConfigError, type InputIssue, PRESETS } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { issue, issuesOf } from './support/fixtures.js';

function configIssues(config: unknown): readonly InputIssue[] {
  return issuesOf(GuardConfigError, () => createGuard(config as GuardConfig));
}

describe('presets: release pull requests as a tool makes them', () => {
  it("'releases' is the default: releases/* with the version from the branch", () => {
    for (const settings of [createGuard().settings, createGuard({ preset: 'releases' }).settings]) {
      expect(settings.versionSource).toBe('branch');
      expect(settings.releaseBranch.test('releases/v1.2.0')).toBe(true);
      expect(settings.releaseBranch.test('releases/a/b')).toBe(false);
      expect(settings.protectedPaths).toEqual([]);
    }
  });

  it("'release-please': release-please--branches--<target>[--components--<c>], the version from the title", () => {
    const { settings } = createGuard({ preset: 'release-please' });
    expect(settings.versionSource).toBe('title');
    for (const branch of [
      'release-please--branches--main',
      'release-please--branches--main--components--app',
      'release-please--branches--release/1.x',
      'release-please--branches--release/1.x--components--app',
    ]) {
      expect(settings.releaseBranch.test(branch), branch).toBe(true);
    }
    expect(settings.releaseBranch.test('release-please--branches')).toBe(false);
    expect(settings.releaseBranch.test('fix/release-please--branches--main')).toBe(false);
    expect(settings.releaseBranch.test('releases/v1')).toBe(false);
  });

  it("'changesets': changeset-release/<base>, the version from package.json", () => {
    const { settings } = createGuard({ preset: 'changesets' });
    expect(settings.versionSource).toEqual({ file: 'package.json', key: 'version' });
    expect(settings.releaseBranch.test('changeset-release/main')).toBe(true);
    expect(settings.releaseBranch.test('changeset-release/release/1.x')).toBe(true);
    expect(settings.releaseBranch.test('changeset-release')).toBe(false);
    expect(settings.releaseBranch.test('feature/changeset-release/main')).toBe(false);
  });

  it('an explicit releaseBranch or versionSource wins over the preset’s', () => {
    const branch = createGuard({ preset: 'release-please', releaseBranch: 'rp/*' }).settings;
    expect(branch.releaseBranch.test('rp/main')).toBe(true);
    expect(branch.releaseBranch.test('release-please--branches--main')).toBe(false);
    expect(branch.versionSource).toBe('title');
    const source = createGuard({ preset: 'changesets', versionSource: 'file:VERSION' }).settings;
    expect(source.versionSource).toEqual({ file: 'VERSION' });
    expect(source.releaseBranch.test('changeset-release/main')).toBe(true);
  });

  it('PRESETS documents each preset', () => {
    expect(PRESETS).toEqual({
      releases: { releaseBranch: 'releases/*', versionSource: 'branch' },
      'release-please': { releaseBranch: 'release-please--branches--**', versionSource: 'title' },
      changesets: { releaseBranch: 'changeset-release/**', versionSource: { file: 'package.json', key: 'version' } },
    });
  });

  it('reports an unknown preset', () => {
    expect(configIssues({ preset: 'semantic-release' })).toEqual([
      issue('preset', "'releases', 'release-please', 'changesets'", 'semantic-release'),
    ]);
  });
});

describe('versionSource', () => {
  it('takes the string form and the object form alike', () => {
    expect(createGuard({ versionSource: 'title' }).settings.versionSource).toBe('title');
    expect(createGuard({ versionSource: 'file:.release-please-manifest.json#.' }).settings.versionSource).toEqual({
      file: '.release-please-manifest.json',
      key: '.',
    });
    expect(createGuard({ versionSource: { file: 'VERSION' } }).settings.versionSource).toEqual({ file: 'VERSION' });
  });

  it('reports what to fix', () => {
    expect(configIssues({ versionSource: 'tag' })).toEqual([issue('versionSource', "'branch', 'title'", 'tag')]);
    expect(configIssues({ versionSource: 7 })).toEqual([issue('versionSource', '{ file, key? }')]);
    expect(configIssues({ versionSource: { path: 'VERSION' } })).toEqual([
      issue('versionSource.path', 'unknown field'),
      issue('versionSource.file', 'non-empty string'),
    ]);
    expect(configIssues({ versionSource: { file: 'a//VERSION', key: 3 } })).toEqual([
      issue('versionSource.file', 'empty'),
      issue('versionSource.key', 'non-empty string', 'number 3'),
    ]);
  });
});

describe('protectedPaths', () => {
  it('are globs of paths: * within a segment, ** across zero or more', () => {
    const [manifest, anyPackage, docs] = createGuard({
      protectedPaths: ['.release-please-manifest.json', '**/package.json', 'docs/*.md'],
    }).settings.protectedPaths;
    expect(manifest?.test('.release-please-manifest.json')).toBe(true);
    expect(manifest?.test('x.release-please-manifest.json')).toBe(false);
    expect(anyPackage?.test('package.json')).toBe(true);
    expect(anyPackage?.test('packages/app/package.json')).toBe(true);
    expect(docs?.test('docs/CHANGELOG.md')).toBe(true);
    expect(docs?.test('docs/old/CHANGELOG.md')).toBe(false);
  });

  it('reports every bad glob', () => {
    expect(configIssues({ protectedPaths: 'package.json' })).toEqual([issue('protectedPaths', 'array')]);
    expect(configIssues({ protectedPaths: ['ok', '', '/package.json', 'docs/', 'a/../b', 7] })).toEqual([
      issue('protectedPaths.1', 'non-empty string'),
      issue('protectedPaths.2', "repository's root", "starts with '/'"),
      issue('protectedPaths.3', "empty, '.' or '..' segment"),
      issue('protectedPaths.4', "empty, '.' or '..' segment"),
      issue('protectedPaths.5', 'non-empty string', 'number 7'),
    ]);
    expect(configIssues({ protectedPaths: Array.from({ length: 51 }, (_, i) => `f${i}`) })).toEqual([
      issue('protectedPaths', 'at most 50'),
    ]);
  });

  it.each([
    ['charts/{app,lib}/Chart.yaml', '"{", brace expansion', 'list each path on its own line'],
    ['charts/*/Chart.[yY]aml', '"[", a character class', 'or write ? for any one character'],
    ['charts/*/Chart]yaml', '"]", a character class', 'list each path on its own line'],
    ['!charts/dev/**', '"!", a negation', 'protected paths only add'],
    ['charts/** # the charts', '" #", an inline comment', 'a line of its own'],
  ])("refuses %s, another tool's syntax that would match no file, and says what to write", (glob, what, instead) => {
    expect(configIssues({ protectedPaths: ['CHANGELOG.md', glob] })).toEqual([
      issue('protectedPaths.1', JSON.stringify(glob), what, 'match no file', instead),
    ]);
  });

  it("reads '!' and '#' elsewhere in a glob as part of a path", () => {
    const [bang, hash] = createGuard({ protectedPaths: ['docs/!important.md', 'notes#1.md'] }).settings.protectedPaths;
    expect(bang?.test('docs/!important.md')).toBe(true);
    expect(hash?.test('notes#1.md')).toBe(true);
  });
});
