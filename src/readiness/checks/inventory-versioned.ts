import {ageDays, isoDay, parseDate} from '../dates.js'
import {at} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const inventoryVersioned: ReadinessCheck = {
  id: 'IRM5-PREP-INVENTORY-VERSIONED',
  item: 'Make sure that an up-to-date inventory of network access points is available and versioned',
  section: 'Preparation/Network',
  severity: 'high',
  crosswalk: {pci: ['1.2.2', '1.2.5'], csf: ['ID.AM-03'], nis2: ['21(2)(i)']},
  rationale: 'Responders trust the inventory only if it is under version control and kept current.',
  remediation: 'Commit the inventory, and review (or re-approve with a review_by date) the access points not touched for a long time.',
  run(ctx) {
    if (ctx.inventory.access_points.length === 0) return {status: 'fail', summary: 'the inventory declares no access point', findings: []}
    if (!ctx.git.available) {
      return {status: 'warn', summary: `versioning cannot be checked: ${ctx.git.reason}`, findings: []}
    }
    const findings: Evidence[] = []
    for (const path of ctx.git.uncommitted) findings.push({message: `uncommitted change: ${path}`, file: path})
    const max = ctx.policy.inventory_max_age_days
    for (const ap of ctx.inventory.access_points) {
      const review = parseDate(ap.review_by)
      if (review && review >= ctx.asOf) continue // a future review date says it is being looked after
      const last = ctx.git.lastChange(ap)
      if (!last) {
        findings.push(at(ctx, ap, undefined, `access point ${ap.id} is not committed yet`))
        continue
      }
      const age = ageDays(new Date(last.date), ctx.asOf)
      if (age > max) findings.push(at(ctx, ap, undefined, `access point ${ap.id} last changed ${isoDay(new Date(last.date))} (${age} days ago, policy: ${max}) and has no future review_by`))
    }
    if (findings.length === 0) return {status: 'pass', summary: `${plural(ctx.inventory.access_points.length, 'access point')} versioned and current`, findings}
    // a shallow clone makes every line look as old as the clone's one commit: do not fail on that
    if (ctx.git.shallow) return {status: 'warn', summary: 'shallow clone: commit dates are those of the clone, not of the changes', findings}
    return {status: 'fail', summary: `${findings.length} inventory currency problems`, findings}
  },
}
