import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadInventory, type LoadedInventory} from '../../src/inventory/load.js'
import {runTraffic} from '../../src/logs/flows/run.js'
import {ROOT} from '../helpers/sources.js'

const DIR = join(ROOT, 'tests/fixtures/logs')
let loaded: LoadedInventory
beforeAll(async () => {
  loaded = await loadInventory(join(DIR, 'inventory'), {displayBase: ROOT})
})

const run = (...files: string[]) => runTraffic({inventoryDir: join(DIR, 'inventory'), files: files.map((f) => join(DIR, 'flows', f)), displayBase: ROOT, loaded})

// The same ten sessions in every format (see the fixtures): flow-app three times (once at 23:00, off
// hours), web on 443 (approved) and twice on 22 (not approved), LAN to a DMZ host (no flow), a rejected
// partner probe, intra-LAN SMB, and a database host reaching the public web server (so the logs see
// the db zone as a source: the silent flow-backup is then a finding).
const EXPECTED = [
  {id: 'critical-flow-silent:flow-backup', severity: 'high'},
  {id: 'traffic-without-access-point:192.0.2.10:tcp/22', severity: 'high', count: 2},
  {id: 'off-hours-activity:flow-app', severity: 'medium', count: 1},
  {id: 'traffic-undeclared-zone-pair:lan>dmz', severity: 'medium', count: 1},
]

describe('irm-audit traffic', () => {
  it('AWS VPC Flow Logs: exact findings, lines, window and zone pairs', async () => {
    const r = await run('vpc-default.log')
    expect(r.files).toEqual([{file: 'tests/fixtures/logs/flows/vpc-default.log', format: 'aws-vpc-flow', records: 10, skipped: 1}])
    expect(r.findings.map(({id, severity, count}) => ({id, severity, ...(count ? {count} : {})}))).toEqual(EXPECTED)
    expect(r.findings.find((f) => f.rule === 'traffic-without-access-point')).toMatchObject({file: 'tests/fixtures/logs/flows/vpc-default.log', line: 6})
    expect(r.findings.find((f) => f.rule === 'off-hours-activity')).toMatchObject({line: 4, message: 'flow flow-app: 1 of 3 sessions outside 08-18 (mon,tue,wed,thu,fri)'})
    expect(r.window).toEqual({from: '2026-11-02T09:00:00.000Z', to: '2026-11-03T09:00:00.000Z', days: 1})
    expect(r.flows.find((f) => f.id === 'flow-app')).toEqual({id: 'flow-app', sessions: 3, bytes: 1_000_000, bytes_per_day: 1_000_000, peak_sessions_per_hour: 1, off_hours_sessions: 1})
    expect(r.zone_pairs.find((z) => z.from === 'partner' && z.to === 'db')).toEqual({from: 'partner', to: 'db', records: 1, accepted: 0, bytes: 60, declared: []})
  })

  it('reads gzip by content, not by name', async () => {
    const r = await run('vpc-default.log.gz')
    expect(r.records).toBe(10)
    expect(r.findings.map((f) => f.id)).toEqual(EXPECTED.map((f) => f.id))
  })

  it('Zeek conn.log TSV and JSON give the same findings (REJ is not accepted traffic)', async () => {
    for (const f of ['conn.log', 'conn.json.log']) {
      const r = await run(f)
      expect(r.files[0].format).toBe('zeek-conn')
      expect(r.records).toBe(10)
      expect(r.findings.map(({id, severity, count}) => ({id, severity, ...(count ? {count} : {})}))).toEqual(EXPECTED)
    }
  })

  it('nfdump CSV gives the same findings and ignores the Summary block', async () => {
    const r = await run('nfdump.csv')
    expect(r.files[0]).toMatchObject({format: 'nfdump-csv', records: 9, skipped: 0})
    expect(r.findings.map((f) => f.id)).toEqual(EXPECTED.map((f) => f.id))
  })

  it('flags a flow far above its baseline volume', async () => {
    const r = await runTraffic({inventoryDir: '', files: [join(DIR, 'flows/vpc-default.log')], displayBase: ROOT, loaded, policy: {deviation_factor: 1.5}})
    expect(r.findings.some((f) => f.id === 'baseline-deviation:flow-app:bytes')).toBe(false)
    const doubled = await runTraffic({inventoryDir: '', files: [join(DIR, 'flows/vpc-default.log'), join(DIR, 'flows/conn.log')], displayBase: ROOT, loaded, policy: {deviation_factor: 1.5}})
    expect(doubled.findings.find((f) => f.id === 'baseline-deviation:flow-app:bytes')).toMatchObject({severity: 'high', message: 'flow flow-app: 2.0 MB/day observed, baseline 1.0 MB/day (×2.00)'})
  })

  it('refuses a file that is no flow log, naming it', async () => {
    await expect(runTraffic({inventoryDir: '', files: [join(DIR, 'inventory/inventory.yaml')], displayBase: ROOT, loaded})).rejects.toMatchObject({
      code: 'CONFIG_UNKNOWN_FORMAT',
      file: 'tests/fixtures/logs/inventory/inventory.yaml',
    })
  })
})

describe('silent critical flows', () => {
  it('are reported only where the logs see traffic leaving their sources and reaching their destinations', async () => {
    const {TrafficAnalyzer} = await import('../../src/logs/flows/analyze.js')
    const {defaultDiffPolicy} = await import('../../src/policy/diff.js')
    const {TrustModel} = await import('../../src/policy/trust.js')
    const a = new TrafficAnalyzer(loaded.inventory, TrustModel.of(defaultDiffPolicy(), loaded.inventory))
    // LAN to the database only: the db zone is never a source here, so flow-backup cannot be judged
    a.add({start: 1_793_610_000_000, family: 4, src: 0x0a01000a, dst: 0x0a020005, srcText: '10.1.0.10', dstText: '10.2.0.5', srcPort: 40000, dstPort: 5432, protocol: 6, bytes: 10, packets: 1, accepted: true, line: 1})
    expect(a.report([]).findings.map((f) => f.id)).toEqual([])
  })
})

describe('traffic: every variant real deployments write', () => {
  const brief = (r: Awaited<ReturnType<typeof run>>) => r.findings.map(({id, severity, count}) => ({id, severity, ...(count ? {count} : {})}))

  // the nine accepted sessions of nfdump.csv, written by each nfdump output (see the fixtures)
  it.each([
    ['nfdump-1.7.csv', 'nfdump-csv'],
    ['nfdump-fast.csv', 'nfdump-csv'],
    ['nfdump-user.csv', 'nfdump-csv'],
    ['nfdump-1.6-q.csv:nfdump-csv-1.6', 'nfdump-csv-1.6'],
    ['nfdump-1.6-q.csv', 'nfdump-csv-1.6'],
    ['nfdump-long.txt', 'nfdump-text'],
  ])('%s: nine records, the same findings', async (file, format) => {
    const r = await run(file)
    expect(r.files[0]).toMatchObject({format, records: 9, skipped: 0})
    expect(brief(r)).toEqual(EXPECTED)
    expect(r.window).toEqual({from: '2026-11-02T09:00:00.000Z', to: '2026-11-03T09:00:00.000Z', days: 1})
    expect(r.flows.find((f) => f.id === 'flow-app')).toMatchObject({sessions: 3, bytes: 1_000_000, off_hours_sessions: 1})
  })

  it('nfdump -o line: the header names the columns, IPv6 ports follow a dot, the trailer is not a flow', async () => {
    const r = await run('nfdump-line.txt')
    expect(r.files[0]).toMatchObject({format: 'nfdump-text', records: 10, skipped: 0})
    expect(brief(r)).toEqual(EXPECTED)
    expect(r.zone_pairs.find((z) => z.from === 'lan' && z.to === 'lan')).toEqual({from: 'lan', to: 'lan', records: 2, accepted: 2, bytes: 1800, declared: []})
  })

  it('nfdump -q -o extended: columns by count, scaled numbers, shortened IPv6 skipped with its line', async () => {
    const r = await run('nfdump-extended.txt')
    expect(r.files[0]).toMatchObject({format: 'nfdump-text', records: 9, skipped: 1})
    expect(brief(r)).toEqual(EXPECTED)
    // "1.5 M" bytes of the intra-LAN session
    expect(r.zone_pairs.find((z) => z.from === 'lan' && z.to === 'lan')).toMatchObject({records: 1, bytes: 1_500_000})
    const {readFlows, detectFlowFormat} = await import('../../src/logs/flows/read.js')
    const path = join(DIR, 'flows/nfdump-extended.txt')
    const stats = await readFlows(path, 'x', await detectFlowFormat(path, 'x'), () => {})
    expect(stats.skipped).toEqual([{line: 10, reason: "shortened or unreadable address '2001:db8:1:0..0:1:10.50002' (export with -o line6, long6 or extended6)"}])
  })

  it('nfdump 1.6 CSV without a header under the generic name says how to name it', async () => {
    const r = await run('nfdump-1.6-q.csv:nfdump-csv')
    expect(r.files[0]).toMatchObject({records: 0, skipped: 9})
  })

  it('Zeek with scope_sep "_" (id_orig_h) reads as id.orig_h, TSV and JSON', async () => {
    for (const f of ['conn-scope-sep.log', 'conn-scope-sep.json.log']) {
      const r = await run(f)
      expect(r.files[0], f).toMatchObject({format: 'zeek-conn', records: 10, skipped: 0})
      expect(brief(r), f).toEqual(EXPECTED)
    }
  })

  it('VPC Flow Logs without a header in a custom order: --vpc-fields or FILE:aws-vpc?fields=', async () => {
    const fields = 'start srcaddr srcport dstaddr dstport protocol bytes packets action interface-id'
    const a = await runTraffic({inventoryDir: '', files: [join(DIR, 'flows/vpc-custom.log')], displayBase: ROOT, loaded, vpcFields: fields})
    const b = await run(`vpc-custom.log:aws-vpc?fields=${encodeURIComponent(fields)}`)
    for (const r of [a, b]) {
      expect(r.files[0]).toMatchObject({format: 'aws-vpc-flow', records: 10, skipped: 1})
      expect(brief(r)).toEqual(EXPECTED)
    }
    // without the order, the file is not recognised
    await expect(run('vpc-custom.log')).rejects.toMatchObject({code: 'CONFIG_UNKNOWN_FORMAT'})
    await expect(runTraffic({inventoryDir: '', files: [join(DIR, 'flows/vpc-custom.log')], displayBase: ROOT, loaded, vpcFields: 'start bytes'})).rejects.toMatchObject({code: 'USAGE'})
  })
})

describe('FILE:format arguments', () => {
  it('takes a known format after the last colon, with its parameters; other colons stay in the path', async () => {
    const {splitFormat} = await import('../../src/logs/format-arg.js')
    expect(splitFormat('logs/vpc.log:aws-vpc?fields=start+srcaddr+dstaddr')).toEqual({path: 'logs/vpc.log', format: {name: 'aws-vpc-flow', params: {fields: 'start srcaddr dstaddr'}}})
    expect(splitFormat('flows.csv:nfdump-csv-1.6')).toEqual({path: 'flows.csv', format: {name: 'nfdump-csv-1.6', params: {}}})
    expect(splitFormat('backup/2026-11-02T09:00:00.log')).toEqual({path: 'backup/2026-11-02T09:00:00.log'})
    expect(splitFormat('c:openvpn')).toEqual({path: 'c', format: {name: 'openvpn', params: {}}})
  })
})
