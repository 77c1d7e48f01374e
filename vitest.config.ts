import { defineConfig } from 'vitest/config';

/** CI asks for a machine-readable report (to print the real pass/fail count) through this variable. */
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  resolve: { conditions: ['@release-guard/source'] },
  ssr: { resolve: { conditions: ['@release-guard/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});
