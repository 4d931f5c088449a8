import {describe, expect, it} from 'vitest'

import {logRetention} from '../../src/readiness/checks/log-retention.js'
import {inventoryWith} from './helpers.js'

const fw = (online: number, archive: number) => ({id: 'fw-logs', type: 'firewall', source: 'fw-1', retention: {online_days: online, archive_days: archive}})

describe('IRM5-PREP-LOG-RETENTION', () => {
  it('passes when online plus archive reach the irm profile (183 days)', async () => {
    const out = logRetention.run(await inventoryWith({log_sources: [fw(90, 93)]}))
    expect(out.status).toBe('pass')
  })

  it('fails when a network log source keeps 90 days, pointing at its retention', async () => {
    const out = logRetention.run(await inventoryWith({log_sources: [fw(30, 60)]}))
    expect(out.status).toBe('fail')
    expect(out.findings).toEqual([{message: "log source fw-logs: 90 days retained (online 30 + archive 60), profile 'irm' requires 183", file: 'inventory.yaml', line: 1, column: 3}])
  })

  it('applies the pci profile: 365 days in all and 90 searchable', async () => {
    const ctx = await inventoryWith({log_sources: [fw(30, 400)]}, {policy: {retention_profile: 'pci'}})
    const out = logRetention.run(ctx)
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message)).toEqual(["log source fw-logs: 30 days searchable online, profile 'pci' requires 90"])
  })

  it('ignores non-network logs and fails when retention is not declared', async () => {
    const out = logRetention.run(await inventoryWith({log_sources: [{id: 'edr', type: 'edr', source: 'x', retention: {online_days: 1}}, {id: 'dns', type: 'dns', source: 'y'}]}))
    expect(out.findings.map((f) => f.message)).toEqual(['log source dns: retention not declared'])
  })

  it('fails when there is no network log source at all', async () => {
    expect(logRetention.run(await inventoryWith({})).status).toBe('fail')
  })
})
