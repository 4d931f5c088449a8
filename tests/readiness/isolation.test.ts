import {describe, expect, it} from 'vitest'

import {isolation} from '../../src/readiness/checks/isolation.js'
import {inventoryWith, zone} from './helpers.js'

const edr = {id: 'edr', type: 'edr', can_isolate: true}

describe('IRM5-PREP-ISOLATION', () => {
  it('passes with an isolating EDR and a tested method per internal zone', async () => {
    const ctx = await inventoryWith({sensors: [edr], zones: [zone('lan', 'internal', ['10.0.0.0/8'], {isolation: {method: 'VLAN quarantine', last_tested: '2026-05-01'}})]})
    expect(isolation.run(ctx).status).toBe('pass')
  })

  it('fails without an isolating EDR and for a zone with no method', async () => {
    const ctx = await inventoryWith({sensors: [{...edr, can_isolate: false}], zones: [zone('lan', 'internal', ['10.0.0.0/8'])]})
    expect(isolation.run(ctx).findings.map((f) => f.message)).toEqual([
      'no edr sensor can isolate endpoints (can_isolate: true)',
      'zone lan: no isolation method and no isolation-capable device joins it',
    ])
  })

  it('accepts an isolation-capable device but still wants a test date', async () => {
    const ctx = await inventoryWith({sensors: [edr], zones: [zone('lan', 'internal', ['10.0.0.0/8'])], devices: [{id: 'fw', zones: ['lan'], isolation: {capable: true}}]})
    expect(isolation.run(ctx).findings.map((f) => f.message)).toEqual(['zone lan: no isolation.last_tested date recorded'])
  })
})
