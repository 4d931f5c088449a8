import {at} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const criticalFlows: ReadinessCheck = {
  id: 'IRM5-PREP-CRITICAL-FLOWS',
  item: 'Identify the business-critical flows, and make sure the live rules permit them',
  section: 'Preparation/Baseline',
  severity: 'high',
  crosswalk: {pci: ['1.2.4'], csf: ['ID.AM-03']},
  rationale: 'Containment that cuts a business-critical flow by surprise turns an incident into an outage.',
  remediation: 'Give each critical flow an owner and criticality; fix the live rules (or the flow) the diff reports as blocked.',
  run(ctx) {
    const critical = ctx.inventory.flows.filter((f) => f.criticality === 'critical' || f.criticality === 'high')
    if (critical.length === 0) return {status: 'fail', summary: 'no business-critical flow identified', findings: []}
    const findings: Evidence[] = []
    for (const f of critical) if (!f.owner) findings.push(at(ctx, f, undefined, `flow ${f.id}: no owner`))
    if (!ctx.diff.available) {
      return findings.length
        ? {status: 'fail', summary: `${plural(findings.length, 'critical flow')} without owner`, findings}
        : {status: 'warn', summary: `flows identified; live permission not checked: ${ctx.diff.reason}`, findings}
    }
    for (const d of ctx.diff.findings.filter((x) => x.rule === 'critical-flow-blocked')) findings.push({message: d.message, file: d.file, line: d.line})
    return findings.length
      ? {status: 'fail', summary: `${findings.length} critical-flow problems`, findings}
      : {status: 'pass', summary: `${plural(critical.length, 'critical flow')} owned and permitted by the live rules`, findings}
  },
}
