import {at, notApplicable, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {ZoneView} from '../zones.js'
import {plural} from '../../core/plural.js'

export const trafficManagement: ReadinessCheck = {
  id: 'IRM5-PREP-TRAFFIC-MANAGEMENT',
  item: 'Make sure that traffic management tools (netflow, NDR) are deployed and watch the perimeters',
  section: 'Preparation/Network',
  severity: 'medium',
  crosswalk: {cis: ['13.6'], csf: ['DE.CM-01'], pci: ['1.4.1']},
  rationale: 'Flow records are what tells responders which hosts talked to the attacker, and how much.',
  remediation: 'Export netflow/IPFIX (or deploy an NDR) at every perimeter and list the zones it covers.',
  run(ctx) {
    const tools = ctx.inventory.sensors.filter((s) => ctx.policy.traffic_sensor_types.includes(s.type))
    if (tools.length === 0) return {status: 'fail', summary: `no ${ctx.policy.traffic_sensor_types.join('/')} sensor in the inventory`, findings: []}
    const perimeter = new ZoneView(ctx.inventory, ctx.trust).perimeterZones()
    if (perimeter.size === 0) return notApplicable('no perimeter zone to watch')
    const covered = new Set(tools.flatMap((t) => t.covers ?? []))
    const findings: Evidence[] = []
    for (const zone of perimeter.keys()) {
      const viaDevice = ctx.inventory.devices.some((d) => d.zones?.includes(zone) && covered.has(d.id))
      if (!covered.has(zone) && !viaDevice) findings.push(at(ctx, ctx.inventory.zones.find((z) => z.id === zone)!, undefined, `zone ${zone}: no flow records (${ctx.policy.traffic_sensor_types.join('/')})`))
    }
    return outcome(findings, `${plural(tools.length, 'traffic tool')} ${tools.length === 1 ? 'covers' : 'cover'} ${perimeter.size === 1 ? 'the 1 perimeter zone' : `all ${perimeter.size} perimeter zones`}`, (n) => `${plural(n, 'perimeter zone')} without flow records`, 'warn')
  },
}
