import {at, dateProblem, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

const ENDPOINT_TRUST = new Set(['internal', 'restricted', 'dmz', 'management', 'cloud'])

export const isolation: ReadinessCheck = {
  id: 'IRM5-PREP-ISOLATION',
  item: 'Make sure you can isolate endpoints and areas of the network',
  section: 'Preparation/IDS-EDR',
  severity: 'high',
  crosswalk: {cis: ['13.4'], pci: ['12.10.1'], nis2: ['21(2)(b)']},
  rationale: 'Containment needs a tested way to cut a host (EDR) or a zone (firewall, VLAN) off the network.',
  remediation: 'Record for each internal zone an isolation method and its last test, and deploy EDR with isolation on endpoints.',
  run(ctx) {
    const findings: Evidence[] = []
    const isolators = ctx.inventory.sensors.filter((s) => ctx.policy.isolation_sensor_types.includes(s.type) && s.can_isolate)
    if (isolators.length === 0) findings.push({message: `no ${ctx.policy.isolation_sensor_types.join('/')} sensor can isolate endpoints (can_isolate: true)`})
    const zones = ctx.inventory.zones.filter((z) => ENDPOINT_TRUST.has(z.trust))
    for (const z of zones) {
      if (!z.isolation?.method) {
        // a capable device joining the zone is enough to say how
        const device = ctx.inventory.devices.find((d) => d.zones?.includes(z.id) && d.isolation?.capable)
        if (!device) {
          findings.push(at(ctx, z, undefined, `zone ${z.id}: no isolation method and no isolation-capable device joins it`))
          continue
        }
      }
      const p = dateProblem(ctx, z, 'isolation.last_tested', `zone ${z.id}`, ctx.policy.isolation_test_days)
      if (p) findings.push(p)
    }
    return outcome(findings, `endpoints isolatable by ${isolators.map((s) => s.id).join(', ')}; ${plural(zones.length, 'zone')} with a tested isolation method`, (n) => `${plural(n, 'isolation gap')}`)
  },
}
