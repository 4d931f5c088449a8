import {describe, expect, it} from 'vitest'

import {inventoryVersioned} from '../../src/readiness/checks/inventory-versioned.js'
import type {GitFacts} from '../../src/readiness/types.js'
import {ap, inventoryWith} from './helpers.js'

const commit = (date: string) => ({hash: 'a'.repeat(40), author: 'Ana', date: `${date}T10:00:00.000Z`, summary: 'x'})
const git = (date: string | undefined, more: Partial<Extract<GitFacts, {available: true}>> = {}): GitFacts => ({
  available: true,
  shallow: false,
  uncommitted: [],
  lastChange: () => (date ? commit(date) : undefined),
  ...more,
})

describe('IRM5-PREP-INVENTORY-VERSIONED', () => {
  it('passes when every access point was committed recently', async () => {
    expect(inventoryVersioned.run(await inventoryWith({access_points: [ap('a', ['any'], ['10.0.0.1'])]}, {git: git('2026-10-01')})).status).toBe('pass')
  })

  it('fails on an access point untouched for over a year without a future review_by', async () => {
    const out = inventoryVersioned.run(await inventoryWith({access_points: [ap('a', ['any'], ['10.0.0.1'])]}, {git: git('2025-01-10')}))
    expect(out.status).toBe('fail')
    expect(out.findings[0].message).toBe('access point a last changed 2025-01-10 (659 days ago, policy: 365) and has no future review_by')
  })

  it('accepts an old entry that carries a future review date', async () => {
    const out = inventoryVersioned.run(await inventoryWith({access_points: [ap('a', ['any'], ['10.0.0.1'], {review_by: '2027-01-01'})]}, {git: git('2024-01-01')}))
    expect(out.status).toBe('pass')
  })

  it('fails on uncommitted inventory files and uncommitted entries', async () => {
    const out = inventoryVersioned.run(await inventoryWith({access_points: [ap('a', ['any'], ['10.0.0.1'])]}, {git: git(undefined, {uncommitted: ['inventory/access-points.yaml']})}))
    expect(out.findings.map((f) => f.message)).toEqual(['uncommitted change: inventory/access-points.yaml', 'access point a is not committed yet'])
  })

  it('warns instead of failing outside git and in a shallow clone', async () => {
    const aps = {access_points: [ap('a', ['any'], ['10.0.0.1'])]}
    expect(inventoryVersioned.run(await inventoryWith(aps)).status).toBe('warn')
    expect(inventoryVersioned.run(await inventoryWith(aps, {git: git('2020-01-01', {shallow: true})})).status).toBe('warn')
  })
})
