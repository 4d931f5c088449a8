import {defineConfig} from 'vitest/config'

// Two projects, both run by `npm test`: the fast suite, and tests/slow/** (a headless browser, the PR
// workflow run step by step from an `npm pack` tarball), which run one file at a time.
export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {extends: true, test: {name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/slow/**']}},
      {extends: true, test: {name: 'slow', include: ['tests/slow/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false}},
    ],
  },
})
