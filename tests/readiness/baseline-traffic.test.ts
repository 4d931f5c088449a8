import {describe, expect, it} from 'vitest'

import {baselineTraffic} from '../../src/readiness/checks/baseline-traffic.js'
import {ap, inventoryWith, zone} from './helpers.js'

const zones = [zone('lan', 'internal', ['10.0.0.0/16']), zone('db', 'restricted', ['10.9.0.0/16'])]
const flow = (more: object = {}) => ({id: 'erp', name: 'ERP', from: ['lan'], to: ['db'], services: ['tcp/1521'], criticality: 'critical', owner: 'biz', baseline: {bytes_per_day: 1e9, active_hours: '07-20'}, ...more})

describe('IRM5-PREP-BASELINE-TRAFFIC', () => {
  it('passes when flows have baselines and cover the zone pairs access points open', async () => {
    expect(baselineTraffic.run(await inventoryWith({zones, flows: [flow()], access_points: [ap('a', ['lan'], ['db'])]})).status).toBe('pass')
  })

  it('warns on an opened zone pair without a flow', async () => {
    const ctx = await inventoryWith({zones, flows: [flow()], access_points: [ap('a', ['db'], ['10.0.1.5/32'])]})
    const out = baselineTraffic.run(ctx)
    expect(out.status).toBe('warn')
    expect(out.findings.map((f) => f.message)).toEqual(['zone pair db → lan is opened by an access point but has no declared flow'])
  })

  it('fails on a flow without baseline, listing the opened zone pairs too', async () => {
    const ctx = await inventoryWith({zones, flows: [flow({baseline: undefined})], access_points: [ap('a', ['db'], ['10.0.1.5/32'])]})
    expect(baselineTraffic.run(ctx).findings.map((f) => f.message)).toEqual([
      'flow erp: no baseline volume (bytes_per_day or sessions_per_hour)',
      'zone pair db → lan is opened by an access point but has no declared flow',
    ])
  })

  it('fails when no flow is declared at all', async () => {
    expect(baselineTraffic.run(await inventoryWith({zones})).status).toBe('fail')
  })
})

describe('IRM5-PREP-BASELINE-TRAFFIC with flow logs', () => {
  it('fails on what the traffic analysis found, at its log line', async () => {
    const ctx = await inventoryWith(
      {zones, flows: [flow()], access_points: [ap('a', ['lan'], ['db'])]},
      {logs: {traffic: {records: 10, files: ['conn.log'], findings: [{message: 'flow erp: 3 of 9 sessions outside 07-20', file: 'conn.log', line: 12}]}}},
    )
    const out = baselineTraffic.run(ctx)
    expect(out.status).toBe('fail')
    expect(out.findings).toEqual([{message: 'flow erp: 3 of 9 sessions outside 07-20', file: 'conn.log', line: 12}])
  })
})
