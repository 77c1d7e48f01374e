import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@release-guard/source'] },
  ssr: { resolve: { conditions: ['@release-guard/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
