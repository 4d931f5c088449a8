/**
 * The diff's `reach` section is built only when the JSON document is asked for (runDiff `reach: false`
 * for the other formats and for prepare): without it, the findings and every other format are the same
 * bytes, on the bundled example (guarded zones and a critical flow: the walk still runs) and on a
 * generated estate with neither (no walk at all).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {writeInventory} from '../../bench/generate.js'
import {runDiff} from '../../src/diff/run.js'
import {MAX_REACH_EXPOSURES, reachBudget} from '../../src/paths/findings.js'
import {DIFF_RENDERERS} from '../../src/report/diff-formats.js'
import {paint} from '../../src/report/output.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = '2026-11-25'
const dir = mkdtempSync(join(tmpdir(), 'irm-reach-section-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

async function both(inventoryDir: string) {
  const o = {paint: paint(false), version: '0.0.0-test'}
  const full = await runDiff({inventoryDir, asOf: AS_OF, displayBase: ROOT, jobs: 1})
  const lean = await runDiff({inventoryDir, asOf: AS_OF, displayBase: ROOT, jobs: 1, reach: false})
  const {reach, ...rest} = full.report
  return {full, lean, reach, rest, o}
}

describe('diff without the reach section', () => {
  it('the example: same findings and devices, same markdown and SARIF; only the reach section is gone', async () => {
    const {full, lean, reach, rest, o} = await both(join(ROOT, 'inventory'))
    expect(reach?.paths.length).toBeGreaterThan(0)
    expect(lean.report.reach).toBeUndefined()
    expect(lean.report).toEqual(rest)
    expect(lean.report.findings.some((f) => f.rule === 'critical-flow-blocked')).toBe(true)
    expect(await DIFF_RENDERERS.markdown(lean, o)).toBe(await DIFF_RENDERERS.markdown(full, o))
    expect(await DIFF_RENDERERS.sarif(lean, o)).toBe(await DIFF_RENDERERS.sarif(full, o))
  })

  it('an estate with no guarded zone and no flow: the same report less its reach section', async () => {
    const inv = join(dir, 'estate')
    writeInventory(inv, 4, 300)
    const {lean, reach, rest} = await both(inv)
    expect(reach?.paths.length).toBeGreaterThan(0)
    expect(lean.report).toEqual(rest)
  })
})

describe('the reach section is bounded (issue 19: 500 devices, the JSON reached 4.3 GB)', () => {
  /** The reach section of a generated estate of `devices` firewalls, as the JSON document writes it. */
  async function section(name: string, devices: number, reachLimit?: number) {
    const inv = join(dir, name)
    writeInventory(inv, devices, 300)
    const run = await runDiff({inventoryDir: inv, asOf: AS_OF, displayBase: dir, jobs: 1, reachLimit})
    const exposures = run.report.devices.map((d) => d.exposures!)
    const json = (await DIFF_RENDERERS.json(run, {paint: paint(false), version: '0'})) as Iterable<string>
    const {reach} = JSON.parse([...json].join('')) as {reach: {truncated?: unknown; paths: Array<{devices: string[]}>}}
    return {reach, exposures, text: JSON.stringify({...reach, truncated: undefined}).replaceAll(name, 'estate')}
  }

  it('past its budget it follows whole devices in id order and counts the rest: the same section for 4 devices as for 16', async () => {
    const whole = await section('four-whole', 4)
    expect(whole.reach.truncated).toBeUndefined()
    const limit = whole.exposures[0] + whole.exposures[1]
    const four = await section('four', 4, limit)
    const sixteen = await section('sixteen', 16, limit)
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
    expect(four.reach.truncated).toEqual({limit, devices: 2, exposures: sum(four.exposures.slice(2)), first: 'fw-0002'})
    expect(sixteen.reach.truncated).toEqual({limit, devices: 14, exposures: sum(sixteen.exposures.slice(2)), first: 'fw-0002'})
    expect(new Set(sixteen.reach.paths.flatMap((p) => p.devices))).toEqual(new Set(['fw-0000', 'fw-0001']))
    // bounded: what the section lists does not grow with the devices beyond its budget
    expect(sixteen.text).toBe(four.text)
    expect(whole.text.length).toBeGreaterThan(four.text.length)
  })

  it('reachBudget: whole devices in id order while they fit; the first that does not ends the list', () => {
    const c = (device: string, exposures: number, audited = true) => ({device, exposures, audited})
    expect(reachBudget([c('b', 60), c('a', 40), c('b', 0)], 100)).toEqual({devices: new Set(['a', 'b'])})
    const r = reachBudget([c('a', 40), c('b', 61), c('c', 1), c('d', 0, false)], 100)
    expect(r).toEqual({devices: new Set(['a']), truncated: {limit: 100, devices: 2, exposures: 62, first: 'b'}})
    // the generated 50-device estate of the benchmark (1,783 exposures each) is within the default
    expect(MAX_REACH_EXPOSURES).toBeGreaterThanOrEqual(50 * 1_783)
  })
})
