import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import DiffCommand from '../../src/commands/diff.js'
import Prepare from '../../src/commands/prepare.js'
import {runPrepare} from '../../src/readiness/run.js'
import {ROOT} from '../helpers/sources.js'

vi.setConfig({testTimeout: 300_000})
const AS_OF = '2026-11-25'
let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-prepare-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** A command in-process from the package root; the exit code is what process.exitCode would say. */
async function cli(command: {run(argv: string[], root: string): Promise<unknown>}, args: string[]): Promise<{status: number; stdout: string; stderr: string}> {
  process.chdir(ROOT)
  process.exitCode = undefined
  try {
    const r = await captureOutput(() => command.run(args, ROOT))
    return {status: Number(process.exitCode ?? 0), stdout: r.stdout, stderr: r.stderr}
  } finally {
    process.exitCode = undefined
  }
}

const prepare = (args: string[]) => cli(Prepare, ['--as-of', AS_OF, '--no-git', ...args])

/** The example's readiness run, shared by the tests that only read it (run once, on first use). */
let example: ReturnType<typeof runPrepare> | undefined
const examplePrepare = () => (example ??= runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true}))

describe('irm-audit prepare on the bundled example', () => {
  it('gives the documented score and the documented deliberate failures (inventory/README.md)', async () => {
    const {report} = await examplePrepare()
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

  it('CLI: exit 0 by default, 1 under --fail-under, --json equals --format json, 2 on a bad policy', async () => {
    // end to end once: the built binary
    const json = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepare', '--as-of', AS_OF, '--no-git', '--format', 'json'], {cwd: ROOT, encoding: 'utf8'})
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({schema_version: '1.1', score: 60})
    const oclifJson = await prepare(['--json'])
    expect(JSON.parse(oclifJson.stdout)).toEqual(JSON.parse(json.stdout))
    expect((await prepare(['--fail-under', '90'])).status).toBe(1)
    expect((await prepare(['--fail-on', 'critical'])).status).toBe(1)
    const badPolicy = join(work, 'bad.yaml')
    writeFileSync(badPolicy, 'readiness:\n  max_signature_age_days: -3\n')
    const bad = await prepare(['--policy', badPolicy])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/bad\.yaml:2:27 \(\/readiness\/max_signature_age_days\): policy \/readiness\/max_signature_age_days must be >= 0/)
  })

  it('#18: explains the score: earned/possible per section and the weights, in JSON, text and markdown', async () => {
    const {report} = await examplePrepare()
    expect(report.scoring).toMatchObject({weights: {critical: 10, high: 6, medium: 3, low: 1, info: 0}, warn_credit: 0.5})
    // the weights of the applicable checks, pass = all, warn = half, fail = none
    const weight = (c: (typeof report.checks)[number]) => report.scoring.weights[c.severity]
    const applicable = report.checks.filter((c) => c.status !== 'not-applicable')
    expect(report.scoring.possible).toBe(applicable.reduce((n, c) => n + weight(c), 0))
    expect(report.scoring.earned).toBe(applicable.reduce((n, c) => n + (c.status === 'pass' ? weight(c) : c.status === 'warn' ? weight(c) / 2 : 0), 0))
    expect(Math.floor((report.scoring.earned * 100) / report.scoring.possible)).toBe(60)
    for (const s of report.sections) expect(s.score, s.section).toBe(Math.floor((s.earned * 100) / s.possible + 1e-9))
    expect(report.sections.reduce((n, s) => n + s.possible, 0)).toBe(report.scoring.possible)
    const text = (await prepare([])).stdout
    expect(text).toContain(`earned ${report.scoring.earned} of ${report.scoring.possible}. Each applicable check weighs by its severity (critical 10, high 6, medium 3, low 1, info 0)`)
    const md = (await prepare(['--format', 'markdown'])).stdout
    expect(md).toContain(`| **Total** | **${report.scoring.earned}** | **${report.scoring.possible}** | **60** |`)
  })

  it('#18: --fail-on-new gates on findings new since --baseline (every finding without one)', async () => {
    expect((await prepare(['--fail-on-new', 'critical'])).status).toBe(1)
    const base = join(work, 'base.json')
    writeFileSync(base, (await cli(DiffCommand, ['--as-of', AS_OF, '--fail-on', 'none', '--format', 'json'])).stdout)
    const same = await prepare(['--fail-on-new', 'critical', '--baseline', base, '--format', 'markdown'])
    expect(same.status).toBe(0)
    expect(same.stdout).toContain('**Gate passed:** no new finding at or above critical.')
    expect(same.stdout).toContain('#### New findings (0)')
  })

  it('--no-diff reads no live config: a --live file that would fail to parse, a missing one, a folder, is never opened', async () => {
    const garbage = join(work, 'garbage.cfg')
    writeFileSync(garbage, Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x13, 0x37, 0x00, 0x00]))
    const unparsable = ['--live', `gw-lyon=${garbage}:iptables`]
    const missing = ['--live', 'gw-lyon=inventory/live/no-such-file.cfg']
    const folder = ['--live', 'gw-lyon=inventory/live']
    // the same flags without --no-diff are input errors (exit 2): the file is read then
    for (const live of [unparsable, missing, folder]) expect((await prepare([...live, '--format', 'json'])).status, live[1]).toBe(2)
    for (const live of [unparsable, missing, folder]) {
      const r = await prepare([...live, '--no-diff', '--format', 'json'])
      expect(r.status, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout)
      expect(report.diff).toBeUndefined()
      expect(report.checks.find((c: {id: string}) => c.id === 'IRM5-PREP-UNWANTED-ACCESS-POINTS').status).toBe('warn')
    }
    // and the run itself: no diff report at all
    const run = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, noDiff: true, live: missing.slice(1)})
    expect(run.diff).toBeUndefined()
  })
})
