import {at, dateProblem, outcome} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const networkMaps: ReadinessCheck = {
  id: 'IRM5-PREP-NETWORK-MAPS',
  item: 'Make sure that up-to-date network maps are available, with zones and the teams that own them',
  section: 'Preparation/Network',
  severity: 'medium',
  crosswalk: {pci: ['1.2.3', '1.2.4'], csf: ['ID.AM-03']},
  rationale: 'Scoping an intrusion needs a current map of zones and of who to call for each.',
  remediation: 'Give every zone an owner and a map {document, version, updated}, and refresh maps older than the policy allows.',
  run(ctx) {
    const findings: Evidence[] = []
    // the internet and partner zones are not ours to map
    const zones = ctx.inventory.zones.filter((z) => z.trust !== 'internet')
    for (const z of zones) {
      if (!z.owner) findings.push(at(ctx, z, undefined, `zone ${z.id}: no owner team`))
      if (z.trust === 'partner') continue
      if (!z.map?.document) {
        findings.push(at(ctx, z, undefined, `zone ${z.id}: no network map document`))
        continue
      }
      if (!z.map.version) findings.push(at(ctx, z, 'map', `zone ${z.id}: map has no version`))
      const p = dateProblem(ctx, z, 'map.updated', `zone ${z.id} map`, ctx.policy.map_max_age_days)
      if (p) findings.push(p)
    }
    return outcome(findings, `${plural(zones.length, 'zone')} with an owner and a current map`, (n) => `${plural(n, 'map problem')}`)
  },
}
