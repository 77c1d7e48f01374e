/**
 * Regenerates contract/api.github.com.json: the operations of GitHub's OpenAPI description that the
 * emulator serves, with every component they reference, from the pinned @octokit/openapi version in
 * contract/source.json. The full package unpacks to 385 MB, so installs never pay for it: this script
 * packs the pinned version into a temporary directory. `--check` fails when the committed extract
 * differs from what the pinned version produces.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractOperations } from '../src/github/contract-extract.js';

const contractDir = fileURLToPath(new URL('../contract/', import.meta.url));
const source = JSON.parse(readFileSync(join(contractDir, 'source.json'), 'utf8')) as {
  package: string;
  version: string;
  file: string;
  operations: string[];
};
const target = join(contractDir, 'api.github.com.json');

const work = mkdtempSync(join(tmpdir(), 'octokit-openapi-'));
try {
  const spec = `${source.package}@${source.version}`;
  const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['-xzf', join(work, tarball.split('\n').at(-1) ?? ''), '-C', work, `package/${source.file}`]);
  const full = JSON.parse(readFileSync(join(work, 'package', source.file), 'utf8'));
  const extract = `${JSON.stringify(extractOperations(full, source.operations), null, 1)}\n`;
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== extract) {
      console.error(
        `contract/api.github.com.json is not what ${spec} produces: run pnpm --filter @release-guard/testkit contract:extract`,
      );
      process.exit(1);
    }
    console.log(`contract/api.github.com.json matches ${spec} (${source.operations.length} operations)`);
  } else {
    writeFileSync(target, extract);
    console.log(
      `wrote contract/api.github.com.json from ${spec} (${source.operations.length} operations, ${extract.length} bytes)`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
