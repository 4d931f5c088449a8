#!/usr/bin/env node
// The two entry points of @oclif/core we need, not its index: the index also loads every module of the
// package and checks its own engines with semver (a third of what `--help` costs). Commands load their
// modules, and the index, only when they run.
import {execute} from '@oclif/core/execute'
import {settings} from '@oclif/core/settings'

// The published entry point runs the compiled dist/ only: never look for TypeScript sources, even when
// NODE_ENV is "test" or "development" (bin/dev.js is the entry point that runs src/ through tsx).
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
