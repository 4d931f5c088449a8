import {configDefaults, defineConfig} from 'vitest/config'

// Projects, all run by `npm test`: the fast suite (unit), the ReDoS audit of every regex in src/ (regex),
// tests/slow/** (a headless browser, the PR workflow run step by step from an `npm pack` tarball), which
// run one file at a time, and the kernel oracle.
export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {extends: true, test: {name: 'unit', globalSetup: ['tests/setup/build.ts'], include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/slow/**', 'tests/kernel/**', 'tests/hostile/regex.test.ts']}},
      // a static audit, not a unit test: every regex of src/ through the recheck ReDoS checker (minutes of CPU)
      {extends: true, test: {name: 'regex', include: ['tests/hostile/regex.test.ts']}},
      {extends: true, test: {name: 'slow', include: ['tests/slow/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false}},
      // the Linux kernel as the oracle: real network namespaces, a few rulesets at a time (tests/kernel/)
      {extends: true, test: {name: 'kernel', include: ['tests/kernel/**/*.test.ts'], maxConcurrency: 2, testTimeout: 120_000}},
    ],
  },
})
