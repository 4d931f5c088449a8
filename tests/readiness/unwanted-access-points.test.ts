import {describe, expect, it} from 'vitest'

import {unwantedAccessPoints} from '../../src/readiness/checks/unwanted-access-points.js'
import {inventoryWith} from './helpers.js'

describe('IRM5-PREP-UNWANTED-ACCESS-POINTS', () => {
  it('passes when the live diff ran on devices and is clean', async () => {
    const ctx = await inventoryWith({}, {diff: {available: true, findings: [{id: 's', rule: 'stale-access-point', severity: 'low', message: 'stale'}], audited: ['fw'], unaudited: []}})
    expect(unwantedAccessPoints.run(ctx).status).toBe('pass')
  })

  it('fails with each unwanted opening at its config line', async () => {
    const finding = {id: 'u', rule: 'unwanted-access-point', severity: 'critical' as const, message: 'tcp/3389 from any', file: 'live/fw.cfg', line: 88}
    const out = unwantedAccessPoints.run(await inventoryWith({}, {diff: {available: true, findings: [finding], audited: ['fw'], unaudited: []}}))
    expect(out.status).toBe('fail')
    expect(out.findings).toEqual([{message: 'unwanted-access-point: tcp/3389 from any', file: 'live/fw.cfg', line: 88}])
  })

  it('warns when the diff did not run or no device has a config', async () => {
    expect(unwantedAccessPoints.run(await inventoryWith({})).status).toBe('warn')
    expect(unwantedAccessPoints.run(await inventoryWith({}, {diff: {available: true, findings: [], audited: [], unaudited: []}})).status).toBe('warn')
  })
})
