import {dateProblem} from '../evidence.js'
import type {ReadinessCheck} from '../types.js'

export const rareLocations: ReadinessCheck = {
  id: 'IRM5-PREP-RARE-LOCATIONS',
  item: 'Look for VPN access and Cloud access from rare locations',
  section: 'Preparation/Network',
  severity: 'medium',
  crosswalk: {cis: ['8.11', '13.5'], pci: ['10.4.1'], csf: ['DE.CM-03']},
  rationale: 'Stolen VPN or cloud credentials show up first as logins from places the organisation never uses.',
  remediation: "Review VPN and cloud logins by source location regularly (irm-audit access-logs) and record the review (reviews: type vpn-cloud-rare-locations).",
  run(ctx) {
    const hasRemoteAccess = ctx.inventory.access_points.some((a) => a.kind === 'vpn' || a.kind === 'cloud-ingress') || ctx.inventory.devices.some((d) => d.role === 'vpn' || d.role === 'cloud-account')
    if (!hasRemoteAccess) return {status: 'not-applicable', summary: 'no VPN or cloud access in the inventory', findings: []}
    if (ctx.logs.rareLocations) {
      const r = ctx.logs.rareLocations
      return r.findings.length === 0
        ? {status: 'pass', summary: `${r.analysed} logins in ${r.files.join(', ')} analysed, none from a rare location`, findings: []}
        : {status: 'fail', summary: `${r.findings.length} logins from rare or unexpected locations`, findings: r.findings}
    }
    const reviews = ctx.inventory.reviews.filter((r) => r.type === 'vpn-cloud-rare-locations').sort((a, b) => String(b.date).localeCompare(String(a.date)))
    if (reviews.length === 0) return {status: 'fail', summary: 'no review of VPN/cloud logins by location recorded', findings: []}
    const p = dateProblem(ctx, reviews[0], 'date', `review ${reviews[0].id}`, ctx.policy.rare_location_review_days)
    return p ? {status: 'fail', summary: 'the last rare-location review is too old', findings: [p]} : {status: 'pass', summary: `reviewed on ${reviews[0].date}`, findings: []}
  },
}
