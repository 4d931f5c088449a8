import {describe, expect, it} from 'vitest'

import {rareLocations} from '../../src/readiness/checks/rare-locations.js'
import {ap, inventoryWith} from './helpers.js'

const vpn = ap('vpn', ['any'], ['198.51.100.1/32'], {kind: 'vpn'})

describe('IRM5-PREP-RARE-LOCATIONS', () => {
  it('passes with a recent declared review', async () => {
    const ctx = await inventoryWith({access_points: [vpn], reviews: [{id: 'r1', type: 'vpn-cloud-rare-locations', date: '2026-10-15', by: 'soc'}]})
    expect(rareLocations.run(ctx).status).toBe('pass')
  })

  it('fails without a review, or with an old one', async () => {
    expect(rareLocations.run(await inventoryWith({access_points: [vpn]})).status).toBe('fail')
    const old = await inventoryWith({access_points: [vpn], reviews: [{id: 'r1', type: 'vpn-cloud-rare-locations', date: '2026-01-15', by: 'soc'}]})
    expect(rareLocations.run(old).findings[0].message).toBe('review r1: date 2026-01-15 is 290 days old (policy: at most 90)')
  })

  it('uses the access-log analysis when given', async () => {
    const ctx = await inventoryWith({access_points: [vpn]}, {logs: {rareLocations: {analysed: 40, files: ['vpn.log'], findings: [{message: 'alice from KP', file: 'vpn.log', line: 3}]}}})
    expect(rareLocations.run(ctx).status).toBe('fail')
  })

  it('is not applicable without VPN or cloud access', async () => {
    expect(rareLocations.run(await inventoryWith({})).status).toBe('not-applicable')
  })
})
