import {describe, expect, it} from 'vitest'

import {networkMaps} from '../../src/readiness/checks/network-maps.js'
import {inventoryWith, zone} from './helpers.js'

const map = (updated: string) => ({map: {document: 'maps/lan.drawio', version: '3', updated}})

describe('IRM5-PREP-NETWORK-MAPS', () => {
  it('passes when each zone has an owner and a current map (internet excluded)', async () => {
    const ctx = await inventoryWith({zones: [zone('internet', 'internet', [], {owner: undefined}), zone('lan', 'internal', ['10.0.0.0/8'], map('2026-06-01'))]})
    expect(networkMaps.run(ctx).status).toBe('pass')
  })

  it('fails on a missing map, a missing owner and an old map', async () => {
    const ctx = await inventoryWith({zones: [zone('lan', 'internal', ['10.0.0.0/8'], {owner: undefined}), zone('dmz', 'dmz', ['192.0.2.0/24'], map('2024-01-01'))]})
    expect(networkMaps.run(ctx).findings.map((f) => f.message)).toEqual([
      'zone lan: no owner team',
      'zone lan: no network map document',
      'zone dmz map: map.updated 2024-01-01 is 1035 days old (policy: at most 365)',
    ])
  })
})
