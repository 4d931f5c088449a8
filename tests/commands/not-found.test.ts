import {execFileSync, spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {suggestions} from '../../src/hooks/command-not-found.js'
import {ROOT} from '../helpers/sources.js'

const COMMANDS = ['access-logs', 'changes', 'diff', 'init', 'map', 'parse', 'prepare', 'sources', 'traffic', 'validate']

describe('#18: a mistyped command', () => {
  it('suggests the closest commands, closest first, and nothing for a word far from all', () => {
    expect(suggestions('prepar', COMMANDS)).toEqual(['prepare'])
    expect(suggestions('dif', COMMANDS)).toEqual(['diff'])
    expect(suggestions('valdiate', COMMANDS)).toEqual(['validate'])
    expect(suggestions('source', COMMANDS)).toEqual(['sources'])
    expect(suggestions('frobnicate', COMMANDS)).toEqual([])
  })

  it('exits 2 with "did you mean" on stderr; -v prints the version (built CLI)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepar'], {encoding: 'utf8'})
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("irm-audit: 'prepar' is not an irm-audit command. Did you mean 'prepare'?")
    expect(execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), '-v'], {encoding: 'utf8'})).toMatch(/^irm-audit\/\d+\.\d+\.\d+ /)
  })
})
