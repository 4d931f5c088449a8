/**
 * `parse --format json` streams its report: what reaches stdout, an --output file or a device is
 * renderJson(parseReport()) and a newline, byte for byte, as before the writer streamed.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import * as gen from '../../bench/generate.js'
import {attachmentZones} from '../../src/diff/attachment-zones.js'
import {renderJson} from '../../src/report/json.js'
import {paint} from '../../src/report/output.js'
import {renderParseText} from '../../src/report/parse-text.js'
import {parseReport} from '../../src/report/parse-report.js'
import {loadConfig} from '../../src/sources/load.js'
import {cli} from '../helpers/cli.js'
import {ROOT} from '../helpers/sources.js'

const work = mkdtempSync(join(tmpdir(), 'irm-parse-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

const PA = 'inventory/live/pa-dc.xml'

describe('parse --format json', () => {
  it('prints the report to stdout as renderJson did', async () => {
    const r = await cli(['parse', PA, '--format', 'json'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(`${renderJson(parseReport(await loadConfig(join(ROOT, PA), {displayPath: PA})))}\n`)
  })

  it('writes a big report to --output in chunks, the same bytes', async () => {
    const config = join(work, 'big.rules')
    writeFileSync(config, gen.iptables(3000))
    const out = join(work, 'report.json')
    const r = await cli(['parse', config, '--type', 'iptables', '--format', 'json', '--output', out])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    const expected = `${renderJson(parseReport(await loadConfig(config, {type: 'iptables'})))}\n`
    expect(expected.length).toBeGreaterThan(1 << 20)
    expect(readFileSync(out, 'utf8')).toBe(expected)
    // a device is written in place
    expect((await cli(['parse', config, '--type', 'iptables', '--format', 'json', '--output', '/dev/null'])).status).toBe(0)
  })

  it('fills inventory zones as before (--inventory --device)', async () => {
    const r = await cli(['parse', PA, '--format', 'json', '--inventory', 'inventory', '--device', 'pa-dc'])
    expect(r.status).toBe(0)
    const loaded = await loadConfig(join(ROOT, PA), {displayPath: PA})
    const zones = await attachmentZones(join(ROOT, 'inventory'), 'pa-dc', loaded.device)
    expect(r.stdout).toBe(`${renderJson(parseReport(loaded, zones))}\n`)
    expect(r.stdout).toContain('"inventory_zones": [\n')
  })

  it('--json still prints the report object, and text is unchanged', async () => {
    const json = await cli(['parse', PA, '--json'])
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(renderJson(parseReport(await loadConfig(join(ROOT, PA), {displayPath: PA})))))
    const text = await cli(['parse', PA, '--no-color'])
    expect(text.status).toBe(0)
    const rendered = renderParseText(parseReport(await loadConfig(join(ROOT, PA), {displayPath: PA})), paint(false))
    expect(text.stdout).toBe(rendered.endsWith('\n') ? rendered : `${rendered}\n`)
  })

  it('never writes over the config or into the inventory', async () => {
    const r = await cli(['parse', 'inventory/live/gw-lyon.iptables', '--format', 'json', '--output', 'inventory/live/report.json'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('refusing to write a report over an inventory file')
  })
})
