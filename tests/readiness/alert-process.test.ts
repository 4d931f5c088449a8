import {describe, expect, it} from 'vitest'

import {alertProcess} from '../../src/readiness/checks/alert-process.js'
import {inventoryWith} from './helpers.js'

const proc = (id: string, type: string, more: object = {}) => ({id, type, document: `docs/${id}.md`, owner: 'soc', last_review: '2026-06-01', last_exercise: '2026-03-01', ...more})

describe('IRM5-PREP-ALERT-PROCESS', () => {
  it('passes when alert and isolation procedures are reviewed and exercised', async () => {
    expect(alertProcess.run(await inventoryWith({procedures: [proc('alert', 'alert-notification'), proc('iso', 'isolation')]})).status).toBe('pass')
  })

  it('fails when the isolation procedure is missing and the alert one was never exercised', async () => {
    const out = alertProcess.run(await inventoryWith({procedures: [proc('alert', 'alert-notification', {last_exercise: undefined})]}))
    expect(out.findings.map((f) => f.message)).toEqual(['procedure alert: no last_exercise date recorded', "no 'isolation' procedure in the inventory"])
  })
})
