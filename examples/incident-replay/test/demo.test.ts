import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GUARDED_2026, UNGUARDED_2026 } from '../regression-2026.js';
import { GUARDED, UNGUARDED } from '../scenario.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm demo (main.ts)', () => {
  it('prints both incidents’ timelines, the measured windows and the verdict, writes the report, and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'incident-replay-'));
    try {
      const report = join(dir, 'report.md');
      const started = performance.now();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--conditions=@release-guard/source', '--import', 'tsx', 'main.ts', '--report', report],
        { cwd: exampleDir },
      );
      console.info(`demo wall time: ${Math.round(performance.now() - started)} ms`);
      expect(stdout).toContain(`== ${UNGUARDED.title} ==`);
      expect(stdout).toContain(`== ${GUARDED.title} ==`);
      expect(stdout).toMatch(/11:16:00 {2}releaser +merges #1 by hand while release run \d+ is in progress: merged/);
      expect(stdout).toMatch(/11:16:00 {2}releaser +merges #1 with the merge button: GitHub answers 405/);
      expect(stdout).toMatch(/window: 84 min 43 s \(~85 min\) in which every upgrade failed/);
      expect(stdout).toMatch(/window: 0 s: image pushed 12:41:02, chart pushed 12:41:\d\d/);
      expect(stdout).toContain(`== ${UNGUARDED_2026.title} ==`);
      expect(stdout).toContain(`== ${GUARDED_2026.title} ==`);
      expect(stdout).toMatch(/10:00:00 {2}releaser +merges #1 with the merge button: merged/);
      expect(stdout).toMatch(/window: 39 min 5 s \(~39 min\) in which every upgrade failed/);
      expect(stdout).toMatch(/window: 0 s: image pushed 10:25:15, chart pushed 10:26:26/);
      expect(stdout).toMatch(
        /^Verdict: v0\.29: without release-guard every upgrade failed for 84 min 43 s; with it, for none.* 2026: without release-guard every upgrade failed for 39 min 5 s; with it, for none/m,
      );
      expect(stdout).toContain(`Report: ${report}`);
      const written = await readFile(report, 'utf8');
      expect(written).toContain('```mermaid\nstateDiagram-v2');
      expect(written).toContain(`### ${GUARDED.title}`);
      expect(written).toContain(`### ${GUARDED_2026.title}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
