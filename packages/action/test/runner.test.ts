import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as runner from '../src/runner.js';
import { parseOutputFile } from './support/runner.js';

// What the runner reads, as `@actions/core` writes it: commands on stdout, outputs and summary in files.
let dir: string;
let stdout: string[];
const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-guard-runner-'));
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const [name, value] of [
    ['GITHUB_OUTPUT', saved.output],
    ['GITHUB_STEP_SUMMARY', saved.summary],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the runner protocol', () => {
  it('writes commands with their data on one line, and log lines as they are', async () => {
    runner.command('add-mask', 'ghs_token');
    runner.command('notice', 'two\r\nlines, 100%');
    runner.info('plain ::text');
    const grouped = await runner.group('release-guard: pull request #7', async () => {
      runner.command('warning', 'inside');
      return 42;
    });
    expect(grouped).toBe(42);
    expect(stdout.join('')).toBe(
      [
        '::add-mask::ghs_token',
        '::notice::two%0D%0Alines, 100%25',
        'plain ::text',
        '::group::release-guard: pull request #7',
        '::warning::inside',
        '::endgroup::',
        '',
      ].join('\n'),
    );
  });

  it('ends a group whose work throws', async () => {
    await expect(runner.group('g', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(stdout.join('')).toBe('::group::g\n::endgroup::\n');
  });

  it('sets outputs in GITHUB_OUTPUT: one line as name=value, several between delimiters they do not contain', async () => {
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    await writeFile(process.env.GITHUB_OUTPUT, '');
    runner.setOutput('phase', 'prepared');
    runner.setOutput('version', '');
    runner.setOutput('odd', 'a=b<<c');
    runner.setOutput('multi', 'a\nb');
    runner.setOutput('forged', 'x\nphase=merged\nrelease<<EOF');
    runner.setOutput('crlf', 'a\r\nphase=merged');
    const text = await readFile(process.env.GITHUB_OUTPUT, 'utf8');
    expect(parseOutputFile(text)).toEqual({
      phase: 'prepared',
      version: '',
      odd: 'a=b<<c',
      multi: 'a\nb',
      forged: 'x\nphase=merged\nrelease<<EOF',
      crlf: 'a\nphase=merged',
    });
    expect(text.startsWith('phase=prepared\nversion=\nodd=a=b<<c\n')).toBe(true);
    const delimiters = [
      ...text.matchAll(
        /^[^<\n]+<<(ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/gm,
      ),
    ].map((m) => m[1]);
    expect(delimiters).toHaveLength(3);
    expect(new Set(delimiters).size).toBe(3);
    expect(stdout).toEqual([]);
  });

  it('refuses a GITHUB_OUTPUT that does not exist, and falls back to set-output without one', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'missing');
    expect(() => runner.setOutput('phase', 'x')).toThrow(`Missing file at path: ${join(dir, 'missing')}`);
    delete process.env.GITHUB_OUTPUT;
    runner.setOutput('a:b,c', 'x\ny');
    expect(stdout.join('')).toBe('\n::set-output name=a%3Ab%2Cc::x%0Ay\n');
  });

  it('appends the summary with a line break, and fails the step with an error annotation', async () => {
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
    await writeFile(process.env.GITHUB_STEP_SUMMARY, '# before\n');
    runner.appendSummary('### release-guard');
    expect(await readFile(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('# before\n### release-guard\n');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'missing.md');
    expect(() => runner.appendSummary('x')).toThrow('Unable to access summary file');
    runner.setFailed('#7: alert\nsecond');
    expect(process.exitCode).toBe(1);
    expect(stdout.join('')).toBe('::error::#7: alert%0Asecond\n');
  });
});
