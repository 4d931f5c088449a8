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

describe('IRM5-PREP-ISOLATION with the isolate command (#21)', () => {
  const tested = {isolation: {method: 'VLAN quarantine', last_tested: '2026-05-01'}}
  const facts = (plans: Record<string, {isolatable: boolean; devices: number; unsupported: Array<{device: string; reason: string}>}>) => (z: string) => plans[z]

  it('passes when the tool writes the isolation of every zone', async () => {
    const ctx = await inventoryWith({sensors: [edr], zones: [zone('lan', 'internal', ['10.0.0.0/8'], tested)]})
    ctx.isolation = facts({lan: {isolatable: true, devices: 1, unsupported: []}})
    const out = isolation.run(ctx)
    expect(out.status).toBe('pass')
    expect(out.summary).toBe('endpoints isolatable by edr; 1 zone with a tested isolation method; irm-audit writes the isolation of 1 of them')
  })

  it('warns, with the reason, for a zone whose border holds a device the tool cannot write rules for', async () => {
    const ctx = await inventoryWith({sensors: [edr], zones: [zone('lan', 'internal', ['10.0.0.0/8'], tested), zone('dmz', 'dmz', ['172.16.0.0/24'], tested)]})
    ctx.isolation = facts({
      lan: {isolatable: false, devices: 2, unsupported: [{device: 'lb', reason: 'audited by hand (audit: manual): no parser for F5'}]},
      dmz: {isolatable: false, devices: 0, unsupported: []},
    })
    const out = isolation.run(ctx)
    expect(out.status).toBe('warn')
    expect(out.findings.map((f) => f.message)).toEqual([
      'zone lan: irm-audit cannot isolate it: lb (audited by hand)',
      'zone dmz: irm-audit cannot isolate it: no device borders it (devices[].interfaces or devices[].zones)',
    ])
  })

  it('still fails for a zone with no method, and lists the tool gaps with it', async () => {
    const ctx = await inventoryWith({sensors: [edr], zones: [zone('lan', 'internal', ['10.0.0.0/8']), zone('dmz', 'dmz', ['172.16.0.0/24'], tested)]})
    ctx.isolation = facts({dmz: {isolatable: false, devices: 1, unsupported: [{device: 'wg', reason: 'no isolation generator for the wireguard format'}]}})
    const out = isolation.run(ctx)
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message)).toEqual([
      'zone lan: no isolation method and no isolation-capable device joins it',
      'zone dmz: irm-audit cannot isolate it: wg (no isolation generator for the wireguard format)',
    ])
  })
})
