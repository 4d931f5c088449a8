import {at, notApplicable, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {ZoneView} from '../zones.js'
import {plural} from '../../core/plural.js'

export const perimeterCoverage: ReadinessCheck = {
  id: 'IRM5-PREP-PERIMETER-COVERAGE',
  item: 'Make sure that every perimeter (every zone reachable from untrusted networks) is watched by a sensor',
  section: 'Preparation/IDS-EDR',
  severity: 'critical',
  crosswalk: {pci: ['11.5.1'], cis: ['13.3'], csf: ['DE.CM-01']},
  rationale: 'A perimeter no sensor watches is where an intrusion goes unseen.',
  remediation: 'Add the zone (or the device in front of it) to the covers list of an IDS/NIPS/NDR sensor, or deploy one.',
  run(ctx) {
    const view = new ZoneView(ctx.inventory, ctx.trust)
    const perimeter = view.perimeterZones()
    if (perimeter.size === 0) return notApplicable('no zone is reachable from an untrusted zone')
    const watchers = ctx.inventory.sensors.filter((s) => ctx.policy.perimeter_sensor_types.includes(s.type))
    const watcherIds = new Set(watchers.map((w) => w.id))
    const covered = new Set(watchers.flatMap((s) => s.covers ?? []))
    const findings: Evidence[] = []
    for (const [zone, apIds] of perimeter) {
      const viaDevice = ctx.inventory.devices.some((d) => d.zones?.includes(zone) && covered.has(d.id))
      const viaAccessPoints = apIds.every((id) => (ctx.inventory.access_points.find((a) => a.id === id)?.monitored_by ?? []).some((s) => watcherIds.has(s)))
      if (covered.has(zone) || viaDevice || viaAccessPoints) continue
      const z = ctx.inventory.zones.find((x) => x.id === zone)!
      findings.push(at(ctx, z, undefined, `zone ${zone} is reachable from untrusted networks (${apIds.slice(0, 3).join(', ')}${apIds.length > 3 ? ', …' : ''}) but no ${ctx.policy.perimeter_sensor_types.join('/')} sensor covers it`))
    }
    return outcome(findings, perimeter.size === 1 ? 'the 1 perimeter zone is watched' : `all ${perimeter.size} perimeter zones are watched`, (n) => `${n} of ${plural(perimeter.size, 'perimeter zone')} not watched`)
  },
}
