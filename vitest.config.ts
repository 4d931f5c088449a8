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
    // property tests take their seed from FUZZ_SEED when set (CI: from the commit)
    setupFiles: ['tests/setup/seed.ts'],
    projects: [
      // isolate: false: each worker keeps its module registry from file to file, so src/ (oclif, the parsers,
      // ajv's compiled schemas) is evaluated once per worker, not once per file (the unit project's CPU
      // drops by about a half). Tests restore what they change (cwd, env, exitCode) in their hooks.
      {extends: true, test: {name: 'unit', isolate: false, globalSetup: ['tests/setup/build.ts'], include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/slow/**', 'tests/kernel/**', 'tests/hostile/regex.test.ts']}},
      // a static audit, not a unit test: every regex of src/ through the recheck ReDoS checker (minutes of CPU)
      {extends: true, test: {name: 'regex', include: ['tests/hostile/regex.test.ts']}},
      {extends: true, test: {name: 'slow', include: ['tests/slow/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false}},
      // the Linux kernel as the oracle: real network namespaces, a few rulesets at a time (tests/kernel/)
      {extends: true, test: {name: 'kernel', include: ['tests/kernel/**/*.test.ts'], maxConcurrency: 2, testTimeout: 120_000}},
    ],
  },
})
