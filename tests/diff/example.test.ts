/**
 * The bundled example end to end, in-process: exactly the documented deliberate findings, every
 * renderer against its golden, schemas (report JSON: 2020-12; SARIF: the official 2.1.0 schema),
 * determinism, and no planted secret anywhere.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import AjvDraft7 from 'ajv'
import addFormats from 'ajv-formats'
import {beforeAll, describe, expect, it} from 'vitest'

import {type DiffReport, runDiff} from '../../src/diff/run.js'
import {renderDiffJunit} from '../../src/report/junit.js'
import {renderDiffMarkdown} from '../../src/report/diff-markdown.js'
import {renderDiffSarif} from '../../src/report/diff-sarif.js'
import {renderDiffText} from '../../src/report/diff-text.js'
import {networkMap, renderDot, renderMermaid} from '../../src/report/map.js'
import {paint} from '../../src/report/output.js'
import type {Inventory} from '../../src/inventory/model.js'
import {sharedPath} from '../helpers/sources.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = '2026-11-25'
const SARIF_SCHEMA = sharedPath('schemas/sarif-schema-2.1.0.json')

/**
 * ajv for the official SARIF schema: it is draft-04 (ajv-draft-04 is not a dependency) and uses no
 * keyword whose meaning changed in draft-07, only the root `id`; declared draft-07 with `$id` it
 * validates the same documents.
 */
function sarifValidator() {
  const {$schema: _draft04, id, ...rest} = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as Record<string, unknown> & {id: string}
  expect(JSON.stringify(rest)).not.toMatch(/exclusiveM(in|ax)imum/)
  const ajv = new AjvDraft7.default({strict: false, allErrors: true})
  addFormats.default(ajv)
  return ajv.compile({$id: id, ...rest})
}

/** Line of the `- id: ID` entry in an example inventory file. */
function entryLine(file: string, id: string): number {
  return readFileSync(join(ROOT, 'inventory', file), 'utf8').split('\n').findIndex((l) => l.trim() === `- id: ${id}`) + 1
}

async function example(): Promise<{report: DiffReport; inventory: Inventory}> {
  const {report, loaded} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT})
  return {report, inventory: loaded.inventory}
}

function render(report: DiffReport, inventory: Inventory) {
  const mermaid = renderMermaid(networkMap(inventory, report.findings))
  return {
    json: JSON.stringify(report, null, 2) + '\n',
    text: renderDiffText(report, paint(false)) + '\n',
    md: renderDiffMarkdown(report, mermaid) + '\n',
    sarif: JSON.stringify(renderDiffSarif(report, '0.1.0'), null, 2) + '\n',
    junit: renderDiffJunit(report) + '\n',
    mermaid: mermaid + '\n',
    dot: renderDot(networkMap(inventory)) + '\n',
  }
}

describe('diff on the example inventory', () => {
  let report: DiffReport
  let out: ReturnType<typeof render>
  beforeAll(async () => {
    const r = await example()
    report = r.report
    out = render(r.report, r.inventory)
  })

  it('reports exactly the documented deliberate findings', () => {
    expect(report.findings.map((f) => [f.id, f.severity, f.file, f.line])).toEqual([
      // the PAN-OS rule name is stable, so it is part of the id; the iptables position FORWARD#8 is not.
      // #16: the SFTP opening is the destination NAT dnat-edi (line 992) passed by edi-transco-sftp (512, in `also`)
      ['access-point-drift:pa-dc:tcp/22:198.51.100.70/32:internet+partner-customs+partner-transco:edi-transco-sftp', 'critical', 'inventory/live/pa-dc.xml', 992],
      ['unwanted-access-point:gw-lyon:tcp/3389:172.16.20.40/32:any', 'critical', 'inventory/live/gw-lyon.iptables', 29],
      ['critical-flow-blocked:fgt-fra:flow-siem-logs', 'high', 'inventory/flows.yaml', entryLine('flows.yaml', 'flow-siem-logs')],
      // #11: an Azure subscription with an internet access point and no export is not audited: high
      ['device-unaudited:azure-corp-subscription', 'high', 'inventory/devices.yaml', entryLine('devices.yaml', 'azure-corp-subscription')],
      ['access-point-expired:pa-dc:ap-lyon-vendor-support', 'medium', 'inventory/access-points.yaml', entryLine('access-points.yaml', 'ap-lyon-vendor-support')],
      ['stale-access-point:fw-edge-1:ap-paris-guest-portal', 'low', 'inventory/access-points.yaml', entryLine('access-points.yaml', 'ap-paris-guest-portal')],
      // the F5 has no parser and is audited by hand (devices[].audit) until 2027-01-31: info
      ['device-unaudited:lb-lyon', 'info', 'inventory/devices.yaml', entryLine('devices.yaml', 'lb-lyon')],
    ])
    expect(report.summary).toMatchObject({unwanted: 1, drift: 1, stale: 1, 'critical-flow-blocked': 1, expired: 1, 'device-unaudited': 2, total: 7})
    // the 0.1 ids stay matchable by old suppressions and baselines
    expect(report.findings.slice(0, 2).map((f) => f.legacy_id)).toEqual(['access-point-drift:pa-dc:tcp/22:203.0.113.0/24', 'unwanted-access-point:gw-lyon:tcp/3389:0.0.0.0/0'])
    expect(report.devices.filter((d) => d.status !== 'audited').map((d) => [d.id, d.status])).toEqual([
      ['azure-corp-subscription', 'unaudited'],
      ['core-sw-paris', 'no-config'],
      ['lb-lyon', 'manual'],
    ])
  })

  it('names the drift exactly: the extra partner sources, nothing else', () => {
    const drift = report.findings.find((f) => f.rule === 'access-point-drift')!
    expect(drift.access_point).toBe('ap-lyon-edi-sftp')
    expect(drift.excess).toEqual({from: ['203.0.113.64/26', '203.0.113.128/25']})
    // #16: the NAT composed with the security rule that passes it: the NAT's line, the rule in `also`
    expect([drift.line, drift.also, drift.exposure?.kind, drift.exposure?.filter]).toEqual([992, [{file: 'inventory/live/pa-dc.xml', line: 512}], 'nat-forward', {line: 512, rule: 'vsys1 security rule "edi-transco-sftp"'}])
  })

  it('audits every device with a config and parses every line', () => {
    const audited = report.devices.filter((d) => d.status === 'audited')
    expect(audited.map((d) => d.type).sort()).toEqual(['cisco-asa', 'fortios', 'iptables', 'panos', 'pulumi', 'wireguard'])
    for (const d of audited) expect(d.understood, d.id).toBe(d.lines)
  })

  it('matches the golden reports', async () => {
    const golden = (name: string) => join(ROOT, 'tests/golden/report', name)
    await expect(out.json).toMatchFileSnapshot(golden('example.json'))
    await expect(out.text).toMatchFileSnapshot(golden('example.txt'))
    await expect(out.md).toMatchFileSnapshot(golden('example.md'))
    await expect(out.sarif).toMatchFileSnapshot(golden('example.sarif'))
    await expect(out.junit).toMatchFileSnapshot(golden('example.xml'))
    await expect(out.mermaid).toMatchFileSnapshot(golden('example-map.mmd'))
    await expect(out.dot).toMatchFileSnapshot(golden('example-map.dot'))
  })

  it('is byte-identical across two runs (markdown, SARIF, JSON, JUnit)', async () => {
    const again = await example()
    const second = render(again.report, again.inventory)
    expect(second.md).toBe(out.md)
    expect(second.sarif).toBe(out.sarif)
    expect(second.json).toBe(out.json)
    expect(second.junit).toBe(out.junit)
  })

  it('validates against schemas/report.schema.json (2020-12)', () => {
    const ajv = new Ajv2020({strict: false, allErrors: true})
    addFormats.default(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')))
    expect(validate(JSON.parse(out.json)), JSON.stringify(validate.errors)).toBe(true)
  })

  it.skipIf(!existsSync(SARIF_SCHEMA))('validates against the official SARIF 2.1.0 schema (shared/schemas), one rule per finding type', () => {
    const validate = sarifValidator()
    const sarif = JSON.parse(out.sarif)
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    const rules = sarif.runs[0].tool.driver.rules.map((r: {id: string}) => r.id)
    expect(new Set(rules).size).toBe(rules.length)
    expect(sarif.runs[0].results[1]).toMatchObject({
      ruleId: 'unwanted-access-point',
      level: 'error',
      fingerprints: {'irmAuditId/v1': 'unwanted-access-point:gw-lyon:tcp/3389:172.16.20.40/32:any'},
      locations: [{physicalLocation: {artifactLocation: {uri: 'inventory/live/gw-lyon.iptables'}, region: {startLine: 29}}}],
    })
  })

  it('never prints a planted secret', () => {
    for (const [name, text] of Object.entries(out)) expect(text, name).not.toMatch(/S3cr3t|PLANTED/)
  })

  it('baseline mode: new findings first, fixed ones listed (markdown golden)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irm-baseline-'))
    const previous = JSON.parse(out.json) as DiffReport
    // the previous run had no RDP opening yet, and an SNMP opening since closed
    previous.findings = previous.findings.filter((f) => f.rule !== 'unwanted-access-point')
    previous.findings.push({id: 'unwanted-access-point:fw-edge-1:udp/161:any', rule: 'unwanted-access-point', severity: 'critical', device: 'fw-edge-1', access_point: null, message: 'fw-edge-1 allows udp/161 from any', suppressed: false})
    writeFileSync(join(dir, 'base.json'), JSON.stringify(previous))
    const {report: again, loaded} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, baselineFile: join(dir, 'base.json')})
    rmSync(dir, {recursive: true, force: true})
    expect(again.findings[0]).toMatchObject({rule: 'unwanted-access-point', status: 'new'})
    expect(again.summary).toMatchObject({new: 1, fixed: 1})
    const md = renderDiffMarkdown(again, renderMermaid(networkMap(loaded.inventory, again.findings))) + '\n'
    expect(md).toContain('### New findings (1)')
    expect(md).toContain('### Fixed since the baseline (1)')
    await expect(md).toMatchFileSnapshot(join(ROOT, 'tests/golden/report/example-baseline.md'))
  })

  it('puts the markdown essentials in the PR comment: table, location, snippet, map', () => {
    expect(out.md).toContain('| unwanted-access-point | 1 |')
    expect(out.md).toContain('`inventory/live/gw-lyon.iptables:29`')
    expect(out.md).toContain('services: [tcp/3389]')
    expect(out.md).toContain('```mermaid')
  })
})
