import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {compareIds, FRAMEWORK_IDS, FRAMEWORKS, sectionOf} from '../../src/readiness/frameworks.js'
import {CHECKS} from '../../src/readiness/registry.js'
import {runPrepare} from '../../src/readiness/run.js'
import {RULE_CROSSWALK} from '../../src/report/crosswalk.js'
import {renderPrepareSarif} from '../../src/report/prepare.js'
import {ROOT} from '../helpers/sources.js'

vi.setConfig({testTimeout: 300_000})
const AS_OF = '2026-11-25'
let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-crosswalk-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('framework crosswalk metadata', () => {
  it('maps every check and every finding kind, only to requirement ids of the catalogue', () => {
    const known = (fw: keyof typeof FRAMEWORKS, id: string) => FRAMEWORKS[fw].requirements.some((r) => r.id === id)
    for (const [key, walk] of [...CHECKS.map((c) => [c.id, c.crosswalk] as const), ...Object.entries(RULE_CROSSWALK)]) {
      expect(Object.keys(walk).length, key).toBeGreaterThan(0)
      for (const fw of FRAMEWORK_IDS) for (const id of walk[fw] ?? []) expect(known(fw, id), `${key} → ${fw} ${id}`).toBe(true)
    }
  })

  it('covers the requirements the issue names', () => {
    const mapped = (fw: keyof typeof FRAMEWORKS) => new Set([...CHECKS, ...Object.values(RULE_CROSSWALK).map((crosswalk) => ({crosswalk}))].flatMap((c) => c.crosswalk[fw] ?? []))
    expect([...mapped('cis')]).toEqual(expect.arrayContaining(['8.4', '8.10', '8.11', '11.5', '13.3', '13.4', '13.5', '13.6', '17.2', '17.7']))
    expect([...mapped('pci')]).toEqual(expect.arrayContaining(['1.2.3', '1.2.4', '1.2.5', '1.2.7', '10.5.1', '10.6.1', '11.5.1', '12.10.1']))
    expect([...mapped('csf')]).toEqual(expect.arrayContaining(['ID.AM-03', 'PR.PS-04', 'DE.CM-01']))
    expect([...mapped('nis2')].some((id) => id.startsWith('21(2)'))).toBe(true)
    expect([...mapped('nis2')].some((id) => id.startsWith('23'))).toBe(true)
    expect([...mapped('dora')].every((id) => id.startsWith('12'))).toBe(true)
  })

  it('orders ids numerically and finds their section', () => {
    expect(['12.10.1', '1.2.10', '1.2.9', '10.5.1', '1.4.1'].sort(compareIds)).toEqual(['1.2.9', '1.2.10', '1.4.1', '10.5.1', '12.10.1'])
    expect(sectionOf(FRAMEWORKS.pci, '11.5.1')).toBe('11.5')
    expect(sectionOf(FRAMEWORKS.pci, '11.3.1')).toBeUndefined()
    expect(sectionOf(FRAMEWORKS.pci, '12.10.4')).toBe('12.10')
    expect(sectionOf(FRAMEWORKS.csf, 'DE.CM-01')).toBe('DE.CM')
    expect(sectionOf(FRAMEWORKS.nis2, '21(2)(b)')).toBe('21(2)')
    expect(sectionOf(FRAMEWORKS.cis, '11.5')).toBeUndefined()
  })
})

describe('prepare --framework on the bundled example', () => {
  it('pci: results by requirement with evidence, the pci retention profile, the uncovered ones listed', async () => {
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, framework: 'pci'})
    expect(report.policy.retention_profile).toBe('pci')
    const v = report.framework!
    const req = (id: string) => v.requirements.find((r) => r.id === id)!
    // every catalogue requirement of sections 1, 10, 11.5, 12.10 is listed, and nothing outside them is
    expect(v.requirements.map((r) => r.id)).toEqual(FRAMEWORKS.pci.requirements.filter((r) => sectionOf(FRAMEWORKS.pci, r.id)).map((r) => r.id))
    expect(req('1.1.1').status).toBe('not-covered')
    expect(req('12.10.7').status).toBe('not-covered')
    // the RDP opening on gw-lyon and the SFTP drift on pa-dc (inventory/README.md)
    expect(req('1.4.2')).toMatchObject({status: 'fail', findings: [{rule: 'unwanted-access-point', file: 'inventory/live/gw-lyon.iptables', line: 29}]})
    expect(req('1.2.7').findings.map((f) => `${f.rule} ${f.file}:${f.line}`).sort()).toEqual([
      'access-point-expired inventory/access-points.yaml:278',
      'stale-access-point inventory/access-points.yaml:109',
    ])
    // the pci profile asks 365 days: the example's 183-day sources fail it
    expect(req('10.5.1').status).toBe('fail')
    expect(req('10.5.1').checks[0].summary).toMatch(/against profile 'pci'/)
    expect(req('10.5.1').weaker).toBeUndefined()
    expect(req('1.2.2').status).toBe('warn') // --no-git: the versioning check cannot say
    expect(req('10.6.1')).toMatchObject({status: 'pass', checks: [{id: 'IRM5-PREP-TIME-SOURCE', status: 'pass'}]})
    const total = Object.values(v.counts).reduce((a, b) => a + b, 0)
    expect(total).toBe(v.requirements.length)
  })

  it('pci with a --policy naming another profile: that profile, and 10.5.1 marked weaker than the requirement', async () => {
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, noDiff: true, framework: 'pci', policyFiles: [join(ROOT, 'policies/retention-cis.yaml')]})
    expect(report.policy.retention_profile).toBe('cis')
    const r = report.framework!.requirements.find((x) => x.id === '10.5.1')!
    expect(r.weaker).toBe("retention profile 'cis' asks 90 days, the requirement 365")
    // without the live diff, finding kinds do not count as coverage
    expect(report.framework!.requirements.find((x) => x.id === '1.2.8')!.status).toBe('not-covered')
  })

  it('a policy pack adds mappings; they show in the view and in SARIF tags', async () => {
    const pack = join(work, 'xwalk.yaml')
    writeFileSync(pack, 'crosswalk:\n  IRM5-PREP-TIME-SOURCE: {pci: ["10.6.3"], dora: ["12(3)"]}\nrecert: {cadence_days: 365}\n')
    const {report} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, framework: 'pci', policyFiles: [pack]})
    const r = report.framework!.requirements.find((x) => x.id === '10.6.3')!
    expect(r).toMatchObject({status: 'pass', checks: [{id: 'IRM5-PREP-TIME-SOURCE'}]})
    expect(report.framework!.requirements.find((x) => x.id === '1.2.7')!.weaker).toBe('recert.cadence_days is 365, the requirement six months')
    const sarif = JSON.parse(renderPrepareSarif(report, '0.0.0'))
    const rule = sarif.runs[0].tool.driver.rules.find((x: {id: string}) => x.id === 'IRM5-PREP-TIME-SOURCE')
    expect(rule.properties.tags).toEqual(['irm5', 'preparation', 'Preparation/Logs-People', 'cis-v8/8.4', 'dora-rts-2024-1774/12(3)', 'pci-dss-4.0.1/10.6.1', 'pci-dss-4.0.1/10.6.2', 'pci-dss-4.0.1/10.6.3'])
  })

  it('a bad crosswalk in a policy pack is exit-2 material with its file', async () => {
    const pack = join(work, 'bad.yaml')
    writeFileSync(pack, 'crosswalk:\n  IRM5-PREP-TIME-SOURCE: {iso: ["A.8.15"]}\n')
    await expect(runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true, noDiff: true, policyFiles: [pack]})).rejects.toMatchObject({code: 'POLICY_INVALID'})
  })
})
