import {describe, expect, it} from 'vitest'

import {training} from '../../src/readiness/checks/training.js'
import {inventoryWith} from './helpers.js'

const contacts = [{id: 'netops', team: 'Network', role: 'network'}, {id: 'soc', team: 'SOC', role: 'security-operations'}, {id: 'ceo', team: 'Board', role: 'management'}]

describe('IRM5-PREP-TRAINING', () => {
  it('passes when each technical team trained within a year', async () => {
    const ctx = await inventoryWith({contacts, trainings: [{team: 'netops', tool: 'irm-audit', date: '2026-03-01'}, {team: 'soc', tool: 'EDR', date: '2026-08-01'}]})
    expect(training.run(ctx).status).toBe('pass')
  })

  it('fails for an untrained team and an old training, not for management', async () => {
    const ctx = await inventoryWith({contacts, trainings: [{team: 'soc', tool: 'EDR', date: '2025-01-01'}]})
    expect(training.run(ctx).findings.map((f) => f.message)).toEqual(['team netops: no training recorded', 'team soc training: date 2025-01-01 is 669 days old (policy: at most 365)'])
  })
})
