import {at, dateProblem, notApplicable, outcome, plural} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'

const SIGNATURE_TYPES = new Set(['ids', 'nips', 'edr', 'ndr'])

export const monitoringUpToDate: ReadinessCheck = {
  id: 'IRM5-PREP-MONITORING-UP-TO-DATE',
  item: 'Make sure that the monitoring tools are up to date',
  section: 'Preparation/IDS-EDR',
  severity: 'high',
  crosswalk: {pci: ['11.5.1'], cis: ['13.3'], csf: ['DE.CM-01'], nis2: ['21(2)(e)']},
  rationale: 'An IDS or EDR with old signatures or an unknown version misses current attack traffic.',
  remediation: 'Update the sensor and its signatures, then record version and signatures_updated in the inventory.',
  run(ctx) {
    const sensors = ctx.inventory.sensors.filter((s) => SIGNATURE_TYPES.has(s.type))
    if (sensors.length === 0) return {status: 'fail', summary: 'no IDS, NIPS, NDR or EDR sensor in the inventory', findings: []}
    const findings: Evidence[] = []
    for (const s of sensors) {
      if (ctx.policy.require_sensor_version && !s.version) findings.push(at(ctx, s, undefined, `sensor ${s.id}: no version recorded`))
      const p = dateProblem(ctx, s, 'signatures_updated', `sensor ${s.id}`, ctx.policy.max_signature_age_days)
      if (p) findings.push(p)
    }
    return sensors.length ? outcome(findings, `${plural(sensors.length, 'sensor')} with current signatures`, (n) => `${plural(n, 'problem')} on ${plural(sensors.length, 'sensor')}`) : notApplicable('no sensors')
  },
}
