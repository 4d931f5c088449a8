import {describe, expect, it} from 'vitest'

import {monitoringUpToDate} from '../../src/readiness/checks/monitoring-up-to-date.js'
import {inventoryWith} from './helpers.js'

const ids = (more: object) => ({id: 'ids-1', type: 'ids', covers: ['dmz'], version: '7.0.6', signatures_updated: '2026-10-30', ...more})

describe('IRM5-PREP-MONITORING-UP-TO-DATE', () => {
  it('passes with a versioned sensor and fresh signatures', async () => {
    expect(monitoringUpToDate.run(await inventoryWith({sensors: [ids({})]})).status).toBe('pass')
  })

  it('fails on signatures older than 7 days and on a missing version', async () => {
    const out = monitoringUpToDate.run(await inventoryWith({sensors: [ids({signatures_updated: '2026-10-01', version: undefined})]}))
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message)).toEqual([
      'sensor ids-1: no version recorded',
      'sensor ids-1: signatures_updated 2026-10-01 is 31 days old (policy: at most 7)',
    ])
  })

  it('fails when there is no detection sensor at all (netflow does not count)', async () => {
    const out = monitoringUpToDate.run(await inventoryWith({sensors: [{id: 'nf', type: 'netflow'}]}))
    expect(out.status).toBe('fail')
  })
})
