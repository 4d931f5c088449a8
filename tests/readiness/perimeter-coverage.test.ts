import {describe, expect, it} from 'vitest'

import {perimeterCoverage} from '../../src/readiness/checks/perimeter-coverage.js'
import {ap, inventoryWith, zone} from './helpers.js'

const zones = [zone('internet', 'internet', []), zone('dmz', 'dmz', ['192.0.2.0/24']), zone('lan', 'internal', ['10.0.0.0/8'])]

describe('IRM5-PREP-PERIMETER-COVERAGE', () => {
  it('passes when the zone opened to the internet is covered by an IDS', async () => {
    const ctx = await inventoryWith({zones, access_points: [ap('web', ['internet'], ['dmz'])], sensors: [{id: 'ids', type: 'ids', covers: ['dmz']}]})
    expect(perimeterCoverage.run(ctx).status).toBe('pass')
  })

  it('fails when an opening from any address to a LAN host has no sensor, naming the zone', async () => {
    const ctx = await inventoryWith({zones, access_points: [ap('rdp', ['any'], ['10.1.2.3/32'])], sensors: [{id: 'ids', type: 'ids', covers: ['dmz']}]})
    const out = perimeterCoverage.run(ctx)
    expect(out.status).toBe('fail')
    expect(out.findings[0].message).toMatch(/^zone lan is reachable from untrusted networks \(rdp\)/)
    expect(out.findings[0].line).toBe(3)
  })

  it('counts a sensor covering the device in front of the zone, and ignores internal-only openings', async () => {
    const ctx = await inventoryWith({
      zones,
      devices: [{id: 'fw', zones: ['dmz', 'internet']}],
      access_points: [ap('web', ['internet'], ['dmz']), ap('int', ['lan'], ['dmz'])],
      sensors: [{id: 'nips', type: 'nips', covers: ['fw']}],
    })
    expect(perimeterCoverage.run(ctx).status).toBe('pass')
  })

  it('is not applicable when nothing is reachable from untrusted zones', async () => {
    expect(perimeterCoverage.run(await inventoryWith({zones, access_points: [ap('int', ['lan'], ['dmz'])]})).status).toBe('not-applicable')
  })
})
