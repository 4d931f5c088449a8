import {describe, expect, it} from 'vitest'

import {contactsEstablished} from '../../src/readiness/checks/contacts.js'
import {inventoryWith} from './helpers.js'

const contact = (id: string, role: string, verified = '2026-09-01') => ({id, team: id, role, channels: [{type: 'email', value: `${id}@example.org`}], verified})

describe('IRM5-PREP-CONTACTS', () => {
  it('passes with verified network and SOC contacts', async () => {
    expect(contactsEstablished.run(await inventoryWith({contacts: [contact('netops', 'network'), contact('soc', 'security-operations')]})).status).toBe('pass')
  })

  it('fails without a SOC contact and with a stale verification', async () => {
    const out = contactsEstablished.run(await inventoryWith({contacts: [contact('netops', 'network', '2025-01-01')]}))
    expect(out.status).toBe('fail')
    expect(out.findings.map((f) => f.message)).toEqual([
      "no contact with role 'security-operations'",
      'contact netops: verified 2025-01-01 is 669 days old (policy: at most 180)',
    ])
  })

  it('fails on a contact without any channel', async () => {
    const c = {...contact('soc', 'security-operations'), channels: []}
    const out = contactsEstablished.run(await inventoryWith({contacts: [contact('netops', 'network'), c]}))
    expect(out.findings.map((f) => f.message)).toEqual(['contact soc: no channel (email, phone, chat, pager)'])
  })
})
