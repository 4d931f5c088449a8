import {configDefaults, defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {extends: true, test: {name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/kernel/**']}},
      // the Linux kernel as the oracle: real network namespaces, a few rulesets at a time (tests/kernel/)
      {extends: true, test: {name: 'kernel', include: ['tests/kernel/**/*.test.ts'], maxConcurrency: 2, testTimeout: 120_000}},
    ],
  },
})
