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
    expect({score: report.score, passed: report.passed, failed: report.failed, warned: report.warned}).toEqual({score: 60, passed: 10, failed: 4, warned: 3})
    const notPassing = Object.fromEntries(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]))
    expect(notPassing).toEqual({
      'IRM5-PREP-MONITORING-UP-TO-DATE': 'fail',
      'IRM5-PREP-INVENTORY-VERSIONED': 'warn',
      'IRM5-PREP-UNWANTED-ACCESS-POINTS': 'fail',
      'IRM5-PREP-BASELINE-TRAFFIC': 'warn',
      'IRM5-PREP-CRITICAL-FLOWS': 'fail',
      'IRM5-PREP-LOG-RESTORE': 'fail',
      // #21: seven zones have a device on their border the isolate command cannot write rules for
      'IRM5-PREP-ISOLATION': 'warn',
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
    expect(JSON.parse(json.stdout).score).toBe(60)
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

  it('#18: explains the score: earned/possible per section and the weights, in JSON, text and markdown', async () => {
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true})
    expect(report.scoring).toMatchObject({weights: {critical: 10, high: 6, medium: 3, low: 1, info: 0}, warn_credit: 0.5})
    // the weights of the applicable checks, pass = all, warn = half, fail = none
    const weight = (c: (typeof report.checks)[number]) => report.scoring.weights[c.severity]
    const applicable = report.checks.filter((c) => c.status !== 'not-applicable')
    expect(report.scoring.possible).toBe(applicable.reduce((n, c) => n + weight(c), 0))
    expect(report.scoring.earned).toBe(applicable.reduce((n, c) => n + (c.status === 'pass' ? weight(c) : c.status === 'warn' ? weight(c) / 2 : 0), 0))
    expect(Math.floor((report.scoring.earned * 100) / report.scoring.possible)).toBe(60)
    for (const s of report.sections) expect(s.score, s.section).toBe(Math.floor((s.earned * 100) / s.possible + 1e-9))
    expect(report.sections.reduce((n, s) => n + s.possible, 0)).toBe(report.scoring.possible)
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepare', '--as-of', AS_OF, '--no-git', ...args], {cwd: ROOT, encoding: 'utf8'})
    const text = run([]).stdout
    expect(text).toContain(`earned ${report.scoring.earned} of ${report.scoring.possible}. Each applicable check weighs by its severity (critical 10, high 6, medium 3, low 1, info 0)`)
    const md = run(['--format', 'markdown']).stdout
    expect(md).toContain(`| **Total** | **${report.scoring.earned}** | **${report.scoring.possible}** | **60** |`)
  })

  it('#18: --fail-on-new gates on findings new since --baseline (every finding without one)', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepare', '--as-of', AS_OF, '--no-git', ...args], {cwd: ROOT, encoding: 'utf8'})
    expect(run(['--fail-on-new', 'critical']).status).toBe(1)
    const base = join(work, 'base.json')
    writeFileSync(base, spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'diff', '--as-of', AS_OF, '--fail-on', 'none', '--format', 'json'], {cwd: ROOT, encoding: 'utf8'}).stdout)
    const same = run(['--fail-on-new', 'critical', '--baseline', base, '--format', 'markdown'])
    expect(same.status).toBe(0)
    expect(same.stdout).toContain('**Gate passed:** no new finding at or above critical.')
    expect(same.stdout).toContain('#### New findings (0)')
  })
})
