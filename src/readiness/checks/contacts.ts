import {at, dateProblem, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const contactsEstablished: ReadinessCheck = {
  id: 'IRM5-PREP-CONTACTS',
  item: 'Make sure that an up-to-date list of contacts in network and security operations teams is available',
  section: 'Preparation/IDS-EDR',
  severity: 'high',
  crosswalk: {pci: ['12.10.3'], cis: ['17.1', '17.2'], nis2: ['23(1)']},
  rationale: 'During an incident nobody has time to look for who runs the firewall or the SOC.',
  remediation: 'Add the missing teams to contacts with at least one channel, and re-verify them (verified: date).',
  run(ctx) {
    const findings: Evidence[] = []
    for (const role of ctx.policy.required_contact_roles) {
      if (!ctx.inventory.contacts.some((c) => c.role === role)) findings.push({message: `no contact with role '${role}'`})
    }
    for (const c of ctx.inventory.contacts) {
      if (!c.channels || c.channels.length === 0) findings.push(at(ctx, c, undefined, `contact ${c.id}: no channel (email, phone, chat, pager)`))
      const p = dateProblem(ctx, c, 'verified', `contact ${c.id}`, ctx.policy.max_contact_age_days)
      if (p) findings.push(p)
    }
    return outcome(findings, `${plural(ctx.inventory.contacts.length, 'contact')}, all verified recently`, (n) => `${plural(n, 'contact problem')}`)
  },
}
