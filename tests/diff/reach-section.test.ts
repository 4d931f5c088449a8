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
