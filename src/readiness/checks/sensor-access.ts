import {dateProblem, notApplicable, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const sensorAccess: ReadinessCheck = {
  id: 'IRM5-PREP-SENSOR-ACCESS',
  item: 'Make sure that access to the monitoring consoles is verified',
  section: 'Preparation/IDS-EDR',
  severity: 'medium',
  crosswalk: {pci: ['10.7.2'], cis: ['13.1'], csf: ['DE.CM-01']},
  rationale: 'Responders discover expired accounts and broken VPNs to the console in the middle of the incident.',
  remediation: 'Log in to each sensor console with the responder accounts and record console_access_verified.',
  run(ctx) {
    if (ctx.inventory.sensors.length === 0) return notApplicable('no sensors in the inventory')
    const findings: Evidence[] = []
    for (const s of ctx.inventory.sensors) {
      const p = dateProblem(ctx, s, 'console_access_verified', `sensor ${s.id}`, ctx.policy.max_sensor_access_age_days)
      if (p) findings.push(p)
    }
    return outcome(findings, `console access verified on all ${plural(ctx.inventory.sensors.length, 'sensor')}`, (n) => `${plural(n, 'sensor')} without recent access verification`)
  },
}
