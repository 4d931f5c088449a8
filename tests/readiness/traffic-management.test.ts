import {describe, expect, it} from 'vitest'

import {trafficManagement} from '../../src/readiness/checks/traffic-management.js'
import {ap, inventoryWith, zone} from './helpers.js'

const zones = [zone('internet', 'internet', []), zone('dmz', 'dmz', ['192.0.2.0/24'])]
const aps = [ap('web', ['internet'], ['dmz'])]

describe('IRM5-PREP-TRAFFIC-MANAGEMENT', () => {
  it('passes when netflow covers every perimeter zone', async () => {
    expect(trafficManagement.run(await inventoryWith({zones, access_points: aps, sensors: [{id: 'nf', type: 'netflow', covers: ['dmz']}]})).status).toBe('pass')
  })

  it('fails without any flow tool and warns when a perimeter is not covered', async () => {
    expect(trafficManagement.run(await inventoryWith({zones, access_points: aps})).status).toBe('fail')
    const out = trafficManagement.run(await inventoryWith({zones, access_points: aps, sensors: [{id: 'nf', type: 'netflow', covers: []}]}))
    expect(out.status).toBe('warn')
    expect(out.findings[0].message).toBe('zone dmz: no flow records (netflow/ndr)')
  })
})
