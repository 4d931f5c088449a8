import {describe, expect, it} from 'vitest'

import {criticalFlows} from '../../src/readiness/checks/critical-flows.js'
import {inventoryWith} from './helpers.js'

const flow = {id: 'erp', name: 'ERP', from: ['lan'], to: ['db'], services: ['tcp/1521'], criticality: 'critical', owner: 'biz'}
const diff = (findings: Array<{rule: string; message: string}>) => ({available: true as const, findings: findings.map((f, i) => ({id: String(i), severity: 'high' as const, ...f})), audited: ['fw'], unaudited: []})

describe('IRM5-PREP-CRITICAL-FLOWS', () => {
  it('passes when critical flows are owned and permitted by the live rules', async () => {
    expect(criticalFlows.run(await inventoryWith({flows: [flow]}, {diff: diff([])})).status).toBe('pass')
  })

  it('fails on a flow the live rules block', async () => {
    const out = criticalFlows.run(await inventoryWith({flows: [flow]}, {diff: diff([{rule: 'critical-flow-blocked', message: 'flow erp: tcp/1521 blocked on fw'}])}))
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message)).toEqual(['flow erp: tcp/1521 blocked on fw'])
  })

  it('fails on a critical flow without owner, and when none is identified', async () => {
    expect(criticalFlows.run(await inventoryWith({flows: [{...flow, owner: undefined}]}, {diff: diff([])})).findings.map((f) => f.message)).toEqual(['flow erp: no owner'])
    expect(criticalFlows.run(await inventoryWith({flows: [{...flow, criticality: 'low'}]})).status).toBe('fail')
  })

  it('warns when the live rules were not checked', async () => {
    expect(criticalFlows.run(await inventoryWith({flows: [flow]})).status).toBe('warn')
  })
})
