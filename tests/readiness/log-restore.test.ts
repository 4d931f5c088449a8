import {describe, expect, it} from 'vitest'

import {logRestore} from '../../src/readiness/checks/log-restore.js'
import {inventoryWith} from './helpers.js'

const src = (last?: string) => ({id: 'vpn-logs', type: 'vpn', source: 'vpn-1', retention: {online_days: 30, archive_days: 365}, ...(last ? {last_restore_test: last} : {})})

describe('IRM5-PREP-LOG-RESTORE', () => {
  it('passes when every archive was restored within 180 days', async () => {
    expect(logRestore.run(await inventoryWith({log_sources: [src('2026-09-01')]})).status).toBe('pass')
  })

  it('fails on an old restore test and on a missing one', async () => {
    const out = logRestore.run(await inventoryWith({log_sources: [src('2025-01-01'), {...src(), id: 'fw-logs'}]}))
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message).sort()).toEqual([
      'log source fw-logs: no last_restore_test date recorded',
      'log source vpn-logs: last_restore_test 2025-01-01 is 669 days old (policy: at most 180)',
    ])
  })

  it('fails on a restore test dated in the future', async () => {
    const out = logRestore.run(await inventoryWith({log_sources: [src('2027-01-01')]}))
    expect(out.findings[0].message).toContain('is in the future')
  })

  it('is not applicable when nothing is archived', async () => {
    const out = logRestore.run(await inventoryWith({log_sources: [{id: 'a', type: 'firewall', source: 'x', retention: {online_days: 400}}]}))
    expect(out.status).toBe('not-applicable')
  })
})
