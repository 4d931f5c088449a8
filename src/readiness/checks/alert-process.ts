import {dateProblem, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'

export const alertProcess: ReadinessCheck = {
  id: 'IRM5-PREP-ALERT-PROCESS',
  item: 'Make sure that an alert notification process is defined and well-known from everyone',
  section: 'Preparation/IDS-EDR',
  severity: 'high',
  crosswalk: {pci: ['12.10.1', '12.10.2', '12.10.5'], cis: ['17.3', '17.4', '17.7'], nis2: ['21(2)(b)', '23(4)']},
  rationale: 'An alert that nobody knows how to escalate is an alert lost.',
  remediation: 'Document the procedures the policy requires, review them and run an exercise; record last_review and last_exercise.',
  run(ctx) {
    const findings: Evidence[] = []
    for (const type of ctx.policy.required_procedures) {
      const procs = ctx.inventory.procedures.filter((p) => p.type === type)
      if (procs.length === 0) {
        findings.push({message: `no '${type}' procedure in the inventory`})
        continue
      }
      for (const p of procs) {
        if (!p.document) findings.push({message: `procedure ${p.id}: no document`, ...ctx.locate(p)})
        const review = dateProblem(ctx, p, 'last_review', `procedure ${p.id}`, ctx.policy.procedure_review_days)
        if (review) findings.push(review)
        const exercise = dateProblem(ctx, p, 'last_exercise', `procedure ${p.id}`, ctx.policy.procedure_exercise_days)
        if (exercise) findings.push(exercise)
      }
    }
    return outcome(findings, 'required procedures documented, reviewed and exercised', (n) => `${n} procedure problems`)
  },
}
