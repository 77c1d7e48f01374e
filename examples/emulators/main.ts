/**
 * `pnpm emulators [--dir DIR] [--github-port N] [--registry-port N]`: starts the emulators seeded with a
 * release pull request (`emulators.ts`), prints the variables to export and the `pnpm release-guard`
 * commands that take the pull request through, and stays up until Ctrl-C. The deliveries are written to
 * DIR (default: a temporary directory, removed on exit).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { COMMANDS, FULL_NAME, startEmulators } from './emulators.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    'github-port': { type: 'string', default: '0' },
    'registry-port': { type: 'string', default: '0' },
  },
});
const dir = values.dir ? resolve(values.dir) : await mkdtemp(join(tmpdir(), 'release-guard-emulators-'));
const emulators = await startEmulators({
  dir,
  githubPort: Number(values['github-port']),
  registryPort: Number(values['registry-port']),
  log: (line) => console.log(`[emulators] ${line}`),
});
const exported = Object.entries(emulators.env)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
console.log(
  [
    'release-guard emulators, on 127.0.0.1 until Ctrl-C',
    `  GitHub    ${emulators.github.url}  (${FULL_NAME}: release pull request #1, workflow release.yaml)`,
    `  registry  ${emulators.registry.host}`,
    `  payloads  ${dir}`,
    '',
    'In another terminal, at the root of the workspace:',
    '',
    `export ${exported}`,
    ...COMMANDS.flatMap(({ step, command }, i) => ['', `# ${i + 1}. ${step}`, command]),
    '',
  ].join('\n'),
);

const stop = async () => {
  await emulators.close();
  if (!values.dir) await rm(dir, { recursive: true, force: true });
  console.log('[emulators] stopped');
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
