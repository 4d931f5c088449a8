import {at, dateProblem} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

const TEAM_ROLES = new Set(['network', 'security-operations', 'cert'])

export const training: ReadinessCheck = {
  id: 'IRM5-PREP-TRAINING',
  item: 'Make sure people are trained on the tools (monitoring, isolation, analysis)',
  section: 'Preparation/Logs-People',
  severity: 'medium',
  crosswalk: {pci: ['12.10.4'], cis: ['17.7'], nis2: ['21(2)(g)']},
  rationale: 'Tools nobody has practised with are slow and error-prone in a crisis.',
  remediation: 'Train each network, SOC and CERT team on the tools and record it under trainings (team, tool, date).',
  run(ctx) {
    const teams = [...new Set(ctx.inventory.contacts.filter((c) => TEAM_ROLES.has(c.role)).map((c) => c.id))].sort()
    if (teams.length === 0) return {status: 'fail', summary: 'no network, SOC or CERT team in contacts', findings: []}
    const findings: Evidence[] = []
    for (const team of teams) {
      const last = ctx.inventory.trainings.filter((t) => t.team === team).sort((a, b) => String(b.date).localeCompare(String(a.date)))[0]
      if (!last) {
        findings.push(at(ctx, ctx.inventory.contacts.find((c) => c.id === team)!, undefined, `team ${team}: no training recorded`))
        continue
      }
      const p = dateProblem(ctx, last, 'date', `team ${team} training`, ctx.policy.training_days)
      if (p) findings.push(p)
    }
    return findings.length
      ? {status: 'fail', summary: `${findings.length} of ${plural(teams.length, 'team')} not trained recently`, findings}
      : {status: 'pass', summary: `${plural(teams.length, 'team')} trained recently`, findings}
  },
}
