import {describe, expect, it} from 'vitest'

import {sensorAccess} from '../../src/readiness/checks/sensor-access.js'
import {inventoryWith} from './helpers.js'

describe('IRM5-PREP-SENSOR-ACCESS', () => {
  it('passes when every console was reached within 90 days', async () => {
    expect(sensorAccess.run(await inventoryWith({sensors: [{id: 's', type: 'ids', console_access_verified: '2026-10-01'}]})).status).toBe('pass')
  })

  it('fails for a sensor whose console access was never verified', async () => {
    const out = sensorAccess.run(await inventoryWith({sensors: [{id: 'edr', type: 'edr'}]}))
    expect(out.status).toBe('fail')
    expect(out.findings).toEqual([{message: 'sensor edr: no console_access_verified date recorded', file: 'inventory.yaml', line: 1}])
  })

  it('is not applicable without sensors', async () => {
    expect(sensorAccess.run(await inventoryWith({})).status).toBe('not-applicable')
  })
})
