/**
 * `--jobs`: the diff report is the same bytes whatever the number of worker threads, in every format
 * a pull request reads (JSON, markdown, SARIF), on the bundled example and on a generated estate of
 * several devices; a device whose config does not parse is one `device-unaudited` finding either way.
 * Workers run dist/ (npm run build first, as CI does).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {writeInventory} from '../../bench/generate.js'
import {runDiff} from '../../src/diff/run.js'
import {workerFile} from '../../src/diff/live-pool.js'
import {DIFF_RENDERERS} from '../../src/report/diff-formats.js'
import {paint} from '../../src/report/output.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = '2026-11-25'
const dir = mkdtempSync(join(tmpdir(), 'irm-jobs-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/**
 * The report of one run in the three formats, as the command writes them. `reach: false` (the command's
 * other formats): on an estate with no guarded zone and no flow each device is diffed on its worker.
 */
async function formats(inventoryDir: string, jobs: number, reach = true): Promise<{json: string; markdown: string; sarif: string}> {
  const run = await runDiff({inventoryDir, asOf: AS_OF, displayBase: ROOT, jobs, reach})
  const o = {paint: paint(false), version: '0.0.0-test'}
  const text = async (format: string) => {
    const r = await DIFF_RENDERERS[format](run, o)
    return typeof r === 'string' ? r : [...r].join('')
  }
  return {json: await text('json'), markdown: await text('markdown'), sarif: await text('sarif')}
}

describe('diff --jobs', () => {
  it('has a worker script to run (dist/ is built)', () => {
    expect(workerFile()).toBeDefined()
  })

  it('the example inventory: the same JSON, markdown and SARIF with 1 and 2 jobs', async () => {
    const one = await formats(join(ROOT, 'inventory'), 1)
    const two = await formats(join(ROOT, 'inventory'), 2)
    expect(two.json).toBe(one.json)
    expect(two.markdown).toBe(one.markdown)
    expect(two.sarif).toBe(one.sarif)
    expect(JSON.parse(one.json).findings.length).toBeGreaterThan(0)
  })

  it('a generated estate with a broken config: the same bytes, and the broken device is one finding', async () => {
    const inv = join(dir, 'estate')
    writeInventory(inv, 6, 300)
    // an export that failed halfway: not iptables-save output at all
    writeFileSync(join(inv, 'live', 'fw-0002.rules'), 'Connection reset by peer\n')
    const one = await formats(inv, 1)
    const two = await formats(inv, 2)
    expect(two.json).toBe(one.json)
    expect(two.markdown).toBe(one.markdown)
    expect(two.sarif).toBe(one.sarif)
    // per device on the workers: the same markdown and SARIF, and the same JSON less the reach section
    const lean = [await formats(inv, 1, false), await formats(inv, 2, false)]
    for (const l of lean) {
      expect(l.markdown).toBe(one.markdown)
      expect(l.sarif).toBe(one.sarif)
      expect(l.json).toBe(JSON.stringify({...JSON.parse(one.json), reach: undefined}, null, 2))
    }
    const report = JSON.parse(one.json) as {findings: Array<{rule: string; device: string}>; devices: Array<{id: string; status: string}>}
    expect(report.findings.filter((f) => f.device === 'fw-0002').map((f) => f.rule)).toEqual(['device-unaudited'])
    expect(report.devices.map((d) => `${d.id} ${d.status}`)).toEqual(['fw-0000 audited', 'fw-0001 audited', 'fw-0002 unaudited', 'fw-0003 audited', 'fw-0004 audited', 'fw-0005 audited'])
  })

  it('per device on the workers, a bad --live file is the same input error as on one thread', async () => {
    const inv = join(dir, 'estate-live')
    writeInventory(inv, 4, 200)
    writeFileSync(join(dir, 'bad.rules'), 'Connection reset by peer\n')
    const run = (jobs: number) => runDiff({inventoryDir: inv, asOf: AS_OF, displayBase: ROOT, jobs, reach: false, live: [`fw-0001=${join(dir, 'bad.rules')}:iptables`]}).catch((e: Error) => e)
    const one = await run(1)
    const two = await run(2)
    expect(one).toMatchObject({code: 'CONFIG_WRONG_FORMAT'})
    expect(two).toMatchObject({name: (one as Error).name, message: (one as Error).message, code: 'CONFIG_WRONG_FORMAT'})
  })
})
