import {at, dateProblem} from '../evidence.js'
import type {CheckOutcome, Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

const ENDPOINT_TRUST = new Set(['internal', 'restricted', 'dmz', 'management', 'cloud'])

/** A refusal's first clause (`audited by hand (audit: manual): long reason…` → `audited by hand`), so a zone's line stays readable. */
const short = (reason: string) => (reason.startsWith('audited by hand') ? 'audited by hand' : reason.split(': ')[0])

export const isolation: ReadinessCheck = {
  id: 'IRM5-PREP-ISOLATION',
  item: 'Make sure you can isolate endpoints and areas of the network',
  section: 'Preparation/IDS-EDR',
  severity: 'high',
  crosswalk: {cis: ['13.4'], pci: ['12.10.1'], nis2: ['21(2)(b)']},
  rationale: 'Containment needs a tested way to cut a host (EDR) or a zone (firewall, VLAN) off the network.',
  remediation:
    'Record for each internal zone an isolation method and its last test, deploy EDR with isolation on endpoints, and give every device on a zone\'s border a config irm-audit can write isolation rules for (`irm-audit isolate ZONE`).',
  run(ctx) {
    const findings: Evidence[] = []
    const gaps: Evidence[] = []
    const isolators = ctx.inventory.sensors.filter((s) => ctx.policy.isolation_sensor_types.includes(s.type) && s.can_isolate)
    if (isolators.length === 0) findings.push({message: `no ${ctx.policy.isolation_sensor_types.join('/')} sensor can isolate endpoints (can_isolate: true)`})
    const zones = ctx.inventory.zones.filter((z) => ENDPOINT_TRUST.has(z.trust))
    let byTool = 0
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
      // the documented method exists; can the tool also write the rules when the call comes?
      const plan = ctx.isolation?.(z.id)
      if (!plan) continue
      if (plan.isolatable) byTool++
      else if (!plan.devices) gaps.push(at(ctx, z, undefined, `zone ${z.id}: irm-audit cannot isolate it: no device borders it (devices[].interfaces or devices[].zones)`))
      else gaps.push(at(ctx, z, undefined, `zone ${z.id}: irm-audit cannot isolate it: ${plan.unsupported.map((u) => `${u.device} (${short(u.reason)})`).join(', ')}`))
    }
    const tool = ctx.isolation ? `; irm-audit writes the isolation of ${byTool} of them` : ''
    const pass = `endpoints isolatable by ${isolators.map((s) => s.id).join(', ')}; ${plural(zones.length, 'zone')} with a tested isolation method${tool}`
    // a documented method with a device the tool cannot write rules for is a warning; a missing method fails
    if (findings.length) return {status: 'fail', summary: plural(findings.length + gaps.length, 'isolation gap'), findings: [...findings, ...gaps]} satisfies CheckOutcome
    if (gaps.length) return {status: 'warn', summary: `${plural(gaps.length, 'zone')} irm-audit cannot isolate (isolate by hand, with the documented method)`, findings: gaps}
    return {status: 'pass', summary: pass, findings: []}
  },
}
