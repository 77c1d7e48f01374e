import { globToRegExp } from '@release-guard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('globToRegExp', () => {
  it("'*' stays within a segment, '**' crosses segments, '?' is one character other than '/'", () => {
    const star = globToRegExp('release-please--branches--*');
    expect(star.test('release-please--branches--main')).toBe(true);
    expect(star.test('release-please--branches--main--components--x')).toBe(true);
    expect(star.test('release-please--branches--release/1.x')).toBe(false);
    expect(globToRegExp('release-please--branches--**').test('release-please--branches--release/1.x')).toBe(true);
    expect(globToRegExp('docs/*.md').test('docs/a/b.md')).toBe(false);
    expect(globToRegExp('docs/**.md').test('docs/a/b.md')).toBe(true);
  });

  it("a whole segment '**' followed by '/' matches zero or more segments", () => {
    const anywhere = globToRegExp('**/package.json');
    for (const path of ['package.json', 'packages/core/package.json', 'a/b/c/package.json']) {
      expect(anywhere.test(path), path).toBe(true);
    }
    expect(anywhere.test('xpackage.json')).toBe(false);
    expect(anywhere.test('packages/core/package.json.bak')).toBe(false);
    const between = globToRegExp('packages/**/CHANGELOG.md');
    expect(between.test('packages/CHANGELOG.md')).toBe(true);
    expect(between.test('packages/a/b/CHANGELOG.md')).toBe(true);
    expect(between.test('CHANGELOG.md')).toBe(false);
    expect(between.test('packages/aCHANGELOG.md')).toBe(false);
  });

  it("'**' inside a segment crosses segments but never stands for a missing '/'", () => {
    const inside = globToRegExp('a**/b');
    expect(inside.test('ax/y/b')).toBe(true);
    expect(inside.test('a/b')).toBe(true);
    expect(inside.test('ab')).toBe(false);
    expect(globToRegExp('docs/**').test('docs/a/b')).toBe(true);
    expect(globToRegExp('docs/**').test('docs')).toBe(false);
  });
});

describe('globToRegExp matches without backtracking', () => {
  const globChar = fc.constantFrom('a', 'b', '-', '/', '.', '*', '?', '**', '**/');
  const textChar = fc.constantFrom('a', 'b', '-', '/', '.', '\n');

  it('agrees with the regular expression it describes, on every glob and branch name', () => {
    fc.assert(
      fc.property(fc.array(globChar, { maxLength: 10 }), fc.array(textChar, { maxLength: 16 }), (parts, text) => {
        const glob = parts.join('');
        const pattern = globToRegExp(glob);
        const branch = text.join('');
        expect(pattern.test(branch)).toBe(new RegExp(pattern.source).test(branch));
        expect(pattern.exec(branch)?.[0] ?? null).toBe(new RegExp(pattern.source).test(branch) ? branch : null);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers globs with many stars against long hostile names (a backtracking match would not return)', () => {
    const pattern = globToRegExp('*a*a*a*a*a*a*a*b');
    expect(pattern.test('a'.repeat(5000))).toBe(false);
    expect(pattern.test(`${'a'.repeat(5000)}b`)).toBe(true);
    expect(globToRegExp('release-*-*-*-*-*-x').test(`release-${'-'.repeat(3000)}`)).toBe(false);
  });
});
