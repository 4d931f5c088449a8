import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {parseDue, runRecert} from '../../src/recert/run.js'
import {renderRecertMarkdown} from '../../src/report/recert.js'
import {cli} from '../helpers/cli.js'
import {ROOT} from '../helpers/sources.js'

vi.setConfig({testTimeout: 300_000})
const AS_OF = '2026-11-25'
const inventoryDir = join(ROOT, 'inventory')
let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-recert-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

const item = (r: Awaited<ReturnType<typeof runRecert>>, id: string) => r.owners.flatMap((o) => o.items).find((i) => i.id === id)

describe('irm-audit recert on the bundled example', () => {
  it('--due 30d: the temporary vendor opening 5 days overdue with its live rule, the never-recertified ones by cadence, per owner', async () => {
    const r = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 30, displayBase: ROOT})
    // 35 access points: 4 carry review_by (2026-11-20, 2027-02-20, 2027-03-01, 2027-03-31); the other 31
    // were approved between 2018 and 2024 and never recertified, so approval + 182 days has passed
    expect(r.total).toEqual({overdue: 32, upcoming: 0, decertify: 1})
    expect(r.owners.map((o) => o.owner)).toEqual(['biz-finance', 'biz-logistics', 'cloud-team', 'hr-it', 'net-ops'])
    expect(item(r, 'ap-lyon-vendor-support')).toMatchObject({
      owner: 'biz-logistics',
      due: '2026-11-20',
      due_from: 'review_by',
      state: 'overdue',
      days: -5,
      file: 'inventory/access-points.yaml',
      rules: [{file: 'inventory/live/pa-dc.xml', line: 590}],
      proposal: 'recertify',
    })
    expect(item(r, 'ap-lyon-pci-payment')).toMatchObject({due: '2023-04-10', due_from: 'cadence', rules: [{file: 'inventory/live/pa-dc.xml', line: 747}]})
    // the stale guest portal: no live rule of fw-edge-1 provides it → decertify
    expect(item(r, 'ap-paris-guest-portal')).toMatchObject({proposal: 'decertify', rules: [], reason: 'no live rule of fw-edge-1 provides it'})
    // lb-lyon has no config: no rule evidence, and no proposal to decertify on that account
    expect(item(r, 'ap-lyon-tracking-api')).toMatchObject({device_audited: false, proposal: 'recertify'})
    expect(item(r, 'ap-paris-web-v6')).toBeUndefined()
  })

  it('--due 100d adds the two review_by dates within 100 days as upcoming; --owner filters; an unknown owner is a usage error', async () => {
    const r = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 100, displayBase: ROOT})
    const upcoming = r.owners.flatMap((o) => o.items).filter((i) => i.state === 'upcoming').map((i) => `${i.id} ${i.days}`)
    expect(upcoming.sort()).toEqual(['ap-aws-bastion 96', 'ap-paris-web-v6 87'].sort())
    const mine = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 30, owner: 'hr-it', displayBase: ROOT})
    expect(mine.owners.map((o) => [o.owner, o.items.map((i) => i.id)])).toEqual([['hr-it', ['ap-lyon-hr-portal']]])
    await expect(runRecert({inventoryDir, asOf: AS_OF, dueDays: 30, owner: 'nobody', displayBase: ROOT})).rejects.toMatchObject({code: 'USAGE'})
    expect([parseDue('30d'), parseDue('6w'), parseDue('7')]).toEqual([30, 42, 7])
    expect(() => parseDue('soon')).toThrow(/not a duration/)
  })

  it('--traffic: hits and last seen; an opening the logs see used on other services only is proposed for decertification', async () => {
    const r = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 30, traffic: [join(inventoryDir, 'logs/lyon-dc-conn.log')], displayBase: ROOT})
    expect(item(r, 'ap-lyon-pci-payment')!.traffic).toEqual({hits: 8, last_seen: '2026-11-18', observed: true})
    // Paris logs are not in this file: no evidence either way, no proposal from traffic
    expect(item(r, 'ap-paris-web')).toMatchObject({traffic: {hits: 0, observed: false}, proposal: 'recertify'})
    // a hand-written conn log: the bastions reach the servers, but on tcp/443, never on 22/3389/5986
    const header = readFileSync(join(inventoryDir, 'logs/lyon-dc-conn.log'), 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n')
    const log = join(work, 'conn.log')
    writeFileSync(log, `${header}\n1794873900.000001\tC1\t10.99.20.7\t50000\t10.20.10.40\t443\ttcp\t-\t1.0\t100\t100\tSF\tT\tT\t0\tShADadFf\t1\t0\t1\t0\t-\n`)
    const t = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 30, traffic: [`${log}:zeek-conn`], displayBase: ROOT})
    expect(item(t, 'ap-lyon-bastion')).toMatchObject({traffic: {hits: 0, last_seen: null, observed: true}, proposal: 'decertify'})
    expect(item(t, 'ap-lyon-bastion')!.reason).toMatch(/^the flow logs see traffic between its endpoints but none accepted on its services/)
  })

  it('markdown is a checklist per owner with upcoming/overdue marked; CLI json equals --json', async () => {
    const r = await runRecert({inventoryDir, asOf: AS_OF, dueDays: 100, displayBase: ROOT})
    const md = renderRecertMarkdown(r)
    expect(md).toContain('### biz-logistics — 9 overdue, 0 upcoming')
    expect(md).toMatch(/- \[ \] `ap-lyon-vendor-support` .*🔴 \*\*overdue\*\*, overdue 5d \(due 2026-11-20\)/)
    expect(md).toMatch(/- \[ \] `ap-paris-web-v6` .*🟡 upcoming, due 2027-02-20 \(in 87d\)/)
    const json = await cli(['recert', '--as-of', AS_OF, '--due', '30d', '--format', 'json'])
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout).total).toEqual({overdue: 32, upcoming: 0, decertify: 1})
    const oclifJson = await cli(['recert', '--as-of', AS_OF, '--due', '30d', '--json'])
    expect(JSON.parse(oclifJson.stdout)).toEqual(JSON.parse(json.stdout))
    const bad = await cli(['recert', '--due', 'soon'])
    expect(bad.status).toBe(2)
  })
})
