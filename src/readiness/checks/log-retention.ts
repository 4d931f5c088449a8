import {at} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const logRetention: ReadinessCheck = {
  id: 'IRM5-PREP-LOG-RETENTION',
  item: 'Make sure that logs are kept for more than 6 months (or the retention profile of the policy)',
  section: 'Preparation/Logs-People',
  severity: 'high',
  crosswalk: {pci: ['10.5.1'], cis: ['8.3', '8.10'], csf: ['PR.PS-04'], dora: ['12(2)(a)'], nis2: ['21(2)(c)']},
  rationale: 'Intrusions surface months later; the network logs must still reach back to the first contact.',
  remediation: 'Raise online plus archive retention of each network log source to the policy minimum.',
  run(ctx) {
    const name = ctx.policy.retention_profile
    const profile = ctx.policy.retention_profiles[name] ?? {}
    const sources = ctx.inventory.log_sources.filter((l) => ctx.policy.network_log_types.includes(l.type))
    if (sources.length === 0) return {status: 'fail', summary: 'no network log source in the inventory', findings: []}
    const findings: Evidence[] = []
    for (const l of sources) {
      const r = l.retention
      if (!r || (r.online_days === undefined && r.archive_days === undefined)) {
        findings.push(at(ctx, l, undefined, `log source ${l.id}: retention not declared`))
        continue
      }
      const total = (r.online_days ?? 0) + (r.archive_days ?? 0)
      if (profile.min_total_days !== undefined && total < profile.min_total_days) {
        findings.push(at(ctx, l, 'retention', `log source ${l.id}: ${total} days retained (online ${r.online_days ?? 0} + archive ${r.archive_days ?? 0}), profile '${name}' requires ${profile.min_total_days}`))
      }
      if (profile.min_online_days !== undefined && (r.online_days ?? 0) < profile.min_online_days) {
        findings.push(at(ctx, l, 'retention.online_days', `log source ${l.id}: ${r.online_days ?? 0} days searchable online, profile '${name}' requires ${profile.min_online_days}`))
      }
    }
    return findings.length
      ? {status: 'fail', summary: `${findings.length} retention problems against profile '${name}'`, findings}
      : {status: 'pass', summary: `${plural(sources.length, 'network log source')} ${sources.length === 1 ? 'meets' : 'meet'} profile '${name}'`, findings}
  },
}
