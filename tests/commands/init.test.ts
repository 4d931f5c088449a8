import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Config} from '@oclif/core'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {loadInventory} from '../../src/inventory/load.js'
import {scaffold} from '../../src/inventory/scaffold.js'
import {validateInventory} from '../../src/inventory/validate.js'
import {runPrepare} from '../../src/readiness/run.js'
import {preparationFails} from '../../src/readiness/gate.js'
import {ROOT} from '../helpers/sources.js'

const AS_OF = '2026-11-01'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'irm-init-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('irm-audit init', () => {
  it('scaffolds an inventory that validates, a policy, a suppression file and the workflow', async () => {
    const r = await scaffold(dir, {asOf: AS_OF})
    expect(r.written).toEqual(['inventory/inventory.yaml', 'inventory/live/fw-edge.rules', 'irm-audit.policy.yaml', '.irm-audit-ignore.yaml', '.github/workflows/irm-audit.yml'])
    const loaded = await loadInventory(join(dir, 'inventory'), {displayBase: dir})
    expect(validateInventory(loaded, {asOf: new Date('2026-11-01T00:00:00Z')})).toEqual([])
    expect(readFileSync(join(dir, '.github/workflows/irm-audit.yml'), 'utf8')).toBe(readFileSync(join(ROOT, '.github/workflows/irm-audit.yml'), 'utf8'))
  })

  it('#18: writes the --as-of day for every date, so a fresh repository passes its own gate (prepare --fail-under 70)', async () => {
    await scaffold(dir, {asOf: AS_OF})
    const text = readFileSync(join(dir, 'inventory/inventory.yaml'), 'utf8')
    expect(text).not.toContain('${AS_OF}')
    expect(text.match(/\b\d{4}-\d{2}-\d{2}\b/g)!.every((d) => d === AS_OF)).toBe(true)
    // a year later the same starter has aged: signatures, contacts and restore tests are overdue
    for (const [asOf, passes] of [[AS_OF, true], ['2027-11-01', false]] as const) {
      const {report} = await runPrepare({inventoryDir: join(dir, 'inventory'), policyFiles: [join(dir, 'irm-audit.policy.yaml')], asOf, noGit: true, displayBase: dir})
      expect(preparationFails(report, 70, 'none'), `${asOf}: score ${report.score}`).toBe(!passes)
    }
  })

  it('never overwrites an existing file unless forced', async () => {
    await scaffold(dir, {asOf: AS_OF})
    writeFileSync(join(dir, 'irm-audit.policy.yaml'), '# mine\n')
    const again = await scaffold(dir, {asOf: AS_OF})
    expect(again.written).toEqual([])
    expect(again.skipped).toHaveLength(5)
    expect(readFileSync(join(dir, 'irm-audit.policy.yaml'), 'utf8')).toBe('# mine\n')
    await scaffold(dir, {force: true, asOf: AS_OF})
    expect(readFileSync(join(dir, 'irm-audit.policy.yaml'), 'utf8')).not.toBe('# mine\n')
  })
})

describe('the inventory-repository workflow template', () => {
  const workflow = parse(readFileSync(join(ROOT, '.github/workflows/irm-audit.yml'), 'utf8'))

  it('is a pull-request workflow that comments, summarises and uploads SARIF', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request'])
    const steps: Array<{uses?: string; run?: string}> = workflow.jobs.audit.steps
    expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true)
    expect(steps.some((s) => s.uses?.startsWith('actions/github-script'))).toBe(true)
    expect(steps.some((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))).toBe(true)
  })

  it('only calls commands and flags that exist', async () => {
    const config = await Config.load(ROOT)
    const steps: Array<{run?: string}> = workflow.jobs.audit.steps
    const calls = steps.flatMap((s) => (s.run ?? '').replace(/\\\n/g, ' ').split('\n')).filter((l) => /^\s*irm-audit /.test(l))
    expect(calls.length).toBeGreaterThanOrEqual(6)
    const used = new Set<string>()
    for (const call of calls) {
      const words = call.trim().slice('irm-audit'.length).trim().split(/\s+/)
      const id = words[0]
      used.add(id)
      const command = config.findCommand(id)
      expect(command, `command ${id}`).toBeDefined()
      const flags = Object.keys((await command!.load()).flags ?? {})
      for (const w of words.filter((x) => x.startsWith('--'))) expect(flags, `${id} ${w}`).toContain(w.slice(2))
    }
    expect([...used].sort()).toEqual(['changes', 'diff', 'prepare', 'validate'])
  })
})
