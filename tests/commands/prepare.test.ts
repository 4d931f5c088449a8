import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {runPrepare} from '../../src/readiness/run.js'
import {ROOT} from '../helpers/sources.js'

vi.setConfig({testTimeout: 300_000})
const AS_OF = '2026-11-25'
let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-prepare-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('irm-audit prepare on the bundled example', () => {
  it('gives the documented score and the documented deliberate failures (inventory/README.md)', async () => {
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true})
    expect({score: report.score, passed: report.passed, failed: report.failed, warned: report.warned}).toEqual({score: 63, passed: 11, failed: 4, warned: 2})
    const notPassing = Object.fromEntries(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]))
    expect(notPassing).toEqual({
      'IRM5-PREP-MONITORING-UP-TO-DATE': 'fail',
      'IRM5-PREP-INVENTORY-VERSIONED': 'warn',
      'IRM5-PREP-UNWANTED-ACCESS-POINTS': 'fail',
      'IRM5-PREP-BASELINE-TRAFFIC': 'warn',
      'IRM5-PREP-CRITICAL-FLOWS': 'fail',
      'IRM5-PREP-LOG-RESTORE': 'fail',
    })
    expect(report.checks.find((c) => c.id === 'IRM5-PREP-LOG-RESTORE')!.findings).toEqual([
      {message: 'log source log-fgt-fra: last_restore_test 2026-03-02 is 268 days old (policy: at most 180)', file: 'inventory/logging.yaml', line: 41, column: 24},
    ])
    // one check per IRM #5 Preparation item, every section scored
    expect(report.checks).toHaveLength(17)
    expect(report.sections.map((s) => s.section)).toEqual(['Preparation/IDS-EDR', 'Preparation/Network', 'Preparation/Baseline', 'Preparation/Logs-People'])
  })

  it('lowering a log source retention to 90 days flips IRM5-PREP-LOG-RETENTION to fail at that file:line', async () => {
    const inv = join(work, 'retention')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    const file = join(inv, 'logging.yaml')
    const text = readFileSync(file, 'utf8')
    const first = text.indexOf('retention: {')
    const line = text.slice(0, first).split('\n').length
    writeFileSync(file, text.slice(0, first) + text.slice(first).replace(/retention: \{[^}]*\}/, 'retention: {online_days: 90}'))
    const {report} = await runPrepare({inventoryDir: inv, asOf: AS_OF, displayBase: work, noGit: true})
    const check = report.checks.find((c) => c.id === 'IRM5-PREP-LOG-RETENTION')!
    expect(check.status).toBe('fail')
    expect(check.findings).toHaveLength(1)
    expect(check.findings[0]).toMatchObject({file: 'retention/logging.yaml', line})
    expect(check.findings[0].message).toMatch(/90 days retained \(online 90 \+ archive 0\), profile 'irm' requires 183$/)
  })

  it('the pci retention pack applies its own thresholds', async () => {
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, policyFiles: [join(ROOT, 'policies/retention-pci.yaml')]})
    expect(report.policy.retention_profile).toBe('pci')
    expect(report.checks.find((c) => c.id === 'IRM5-PREP-LOG-RETENTION')!.summary).toMatch(/profile 'pci'/)
  })

  it('CLI: exit 0 by default, 1 under --fail-under, --json equals --format json, 2 on a bad policy', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepare', '--as-of', AS_OF, '--no-git', ...args], {cwd: ROOT, encoding: 'utf8'})
    const json = run(['--format', 'json'])
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout).score).toBe(63)
    const oclifJson = run(['--json'])
    expect(JSON.parse(oclifJson.stdout)).toEqual(JSON.parse(json.stdout))
    expect(run(['--fail-under', '90']).status).toBe(1)
    expect(run(['--fail-on', 'critical']).status).toBe(1)
    const badPolicy = join(work, 'bad.yaml')
    writeFileSync(badPolicy, 'readiness:\n  max_signature_age_days: -3\n')
    const bad = run(['--policy', badPolicy])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/bad\.yaml:2:27 \(\/readiness\/max_signature_age_days\): policy \/readiness\/max_signature_age_days must be >= 0/)
  })
})
