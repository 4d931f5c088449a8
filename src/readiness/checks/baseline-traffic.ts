import {at, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {ZoneView} from '../zones.js'
import {byCodeUnit} from '../../core/order.js'
import {plural} from '../../core/plural.js'

export const baselineTraffic: ReadinessCheck = {
  id: 'IRM5-PREP-BASELINE-TRAFFIC',
  item: 'Identify the baseline traffic and flows',
  section: 'Preparation/Baseline',
  severity: 'medium',
  crosswalk: {cis: ['13.6'], csf: ['DE.CM-01'], pci: ['10.4.1']},
  rationale: 'Malicious traffic stands out only against a known normal: volumes, hours, zone pairs.',
  remediation: 'Declare the flows between zones with a baseline (bytes_per_day or sessions_per_hour, active_hours).',
  run(ctx) {
    const flows = ctx.inventory.flows
    if (flows.length === 0) return {status: 'fail', summary: 'no flows declared: the baseline traffic is unknown', findings: []}
    const findings: Evidence[] = []
    for (const f of flows) {
      const b = f.baseline
      if (!b || (b.bytes_per_day === undefined && b.sessions_per_hour === undefined)) findings.push(at(ctx, f, undefined, `flow ${f.id}: no baseline volume (bytes_per_day or sessions_per_hour)`))
      else if (!b.active_hours) findings.push(at(ctx, f, 'baseline', `flow ${f.id}: baseline has no active_hours`))
    }
    // zone pairs that access points open between trusted zones should be known flows too
    const view = new ZoneView(ctx.inventory, ctx.trust)
    const flowPairs = new Set<string>()
    for (const f of flows) for (const a of f.from.flatMap((r) => view.zonesOf(r))) for (const b of f.to.flatMap((r) => view.zonesOf(r))) flowPairs.add(`${a}>${b}`)
    const missing = new Map<string, object>()
    for (const ap of ctx.inventory.access_points) {
      if (ap.from.some((r) => view.isUntrustedSource(r))) continue
      for (const a of ap.from.flatMap((r) => view.zonesOf(r))) for (const b of ap.to.flatMap((r) => view.zonesOf(r))) {
        if (a !== b && !flowPairs.has(`${a}>${b}`) && !missing.has(`${a}>${b}`)) missing.set(`${a}>${b}`, ap)
      }
    }
    // measured traffic, when flow logs were given, must match the declared baseline
    if (ctx.logs.traffic) findings.push(...ctx.logs.traffic.findings)
    // an opened zone pair without a declared flow is a gap to look at, not proof that the baseline is unknown
    const gaps = [...missing].sort((x, y) => byCodeUnit(x[0], y[0])).map(([pair, ap]) => at(ctx, ap, undefined, `zone pair ${pair.replace('>', ' → ')} is opened by an access point but has no declared flow`))
    if (findings.length) return {status: 'fail', summary: `${findings.length} baseline problems`, findings: [...findings, ...gaps]}
    if (gaps.length) return {status: 'warn', summary: `${plural(flows.length, 'flow')} with baselines; ${plural(gaps.length, 'opened zone pair')} ${gaps.length === 1 ? 'has' : 'have'} no declared flow`, findings: gaps}
    return outcome(findings, `${plural(flows.length, 'flow')} with baselines ${flows.length === 1 ? 'covers' : 'cover'} every internal zone pair`, (n) => `${plural(n, 'baseline gap')}`)
  },
}
