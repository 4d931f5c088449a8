import {dateProblem} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const logRestore: ReadinessCheck = {
  id: 'IRM5-PREP-LOG-RESTORE',
  item: 'Make sure that logs are operational when archived (restore tested)',
  section: 'Preparation/Logs-People',
  severity: 'high',
  crosswalk: {cis: ['11.5'], pci: ['10.3.3'], dora: ['12(1)']},
  rationale: 'An archive that has never been restored is a hope, not a log.',
  remediation: 'Restore a sample of each archive, search it, and record last_restore_test.',
  run(ctx) {
    const sources = ctx.inventory.log_sources.filter((l) => ctx.policy.network_log_types.includes(l.type) && (l.retention?.archive_days ?? 0) > 0)
    if (sources.length === 0) return {status: 'not-applicable', summary: 'no network log source is archived', findings: []}
    const findings: Evidence[] = []
    for (const l of sources) {
      const p = dateProblem(ctx, l, 'last_restore_test', `log source ${l.id}`, ctx.policy.restore_test_days)
      if (p) findings.push(p)
    }
    return findings.length
      ? {status: 'fail', summary: `${findings.length} of ${plural(sources.length, 'archive')} without a recent restore test`, findings}
      : {status: 'pass', summary: `${plural(sources.length, 'archive')} restore-tested recently`, findings}
  },
}
