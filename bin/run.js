#!/usr/bin/env node
import {execute, settings} from '@oclif/core'

// The published entry point runs the compiled dist/ only: never look for TypeScript sources, even when
// NODE_ENV is "test" or "development" (bin/dev.js is the entry point that runs src/ through tsx).
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
