#!/usr/bin/env node
/**
 * Fails when a hand-written source file grows past MAX_LINES: a file that long holds more than one
 * concept and should be split. Tests and their helpers (`test/` folders, `*.test.ts`), bundles and
 * generated files are not counted. Run by `pnpm lint`.
 *
 *   node scripts/check-file-size.mjs [--max N]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const NOT_HAND_WRITTEN = [/(^|\/)test\//, /\.test\.[cm]?[jt]s$/, /(^|\/)dist\//, /\.d\.ts$/, /(^|\/)contract\//];

const flag = process.argv.indexOf('--max');
const MAX_LINES = flag === -1 ? 400 : Number(process.argv[flag + 1]);
if (!Number.isInteger(MAX_LINES) || MAX_LINES < 1) {
  console.error(`--max must be a positive whole number of lines, not ${process.argv[flag + 1]}`);
  process.exit(2);
}

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => SOURCE.test(file) && !NOT_HAND_WRITTEN.some((pattern) => pattern.test(file)));

const tooLong = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the working tree
  }
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) tooLong.push({ file, lines });
}

if (tooLong.length > 0) {
  console.error(`${tooLong.length} source file(s) over ${MAX_LINES} lines: split each into files of one concept.`);
  for (const { file, lines } of tooLong.sort((a, b) => b.lines - a.lines)) console.error(`  ${file}: ${lines} lines`);
  process.exit(1);
}
console.log(`${files.length} source files, none over ${MAX_LINES} lines.`);
