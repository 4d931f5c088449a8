/**
 * The Junos vendor model → normalized exposures, one step per construct: security policies per zone
 * pair (policies.ts), firewall filters per interface with their implicit discard (filters.ts), the
 * management plane (host-inbound.ts: host-inbound-traffic, `system services`, lo0 filter),
 * destination/static NAT per rule-set (nat.ts) and IKE gateways as VPN listeners (ike.ts).
 */
import type {Denial, Exposure} from '../../model/exposure.js'
import type {ExposureProblem} from './common.js'
import {newConvert} from './convert.js'
import {filterExposures} from './filters.js'
import {hostInboundExposures, lo0Permits, systemServiceExposures} from './host-inbound.js'
import {ikeExposures} from './ike.js'
import type {JunosConfig} from './model.js'
import {natExposures} from './nat.js'
import {policyExposures} from './policies.js'

export type {ExposureProblem} from './common.js'

export function toExposures(config: JunosConfig): {exposures: Exposure[]; problems: ExposureProblem[]; denies: Denial[]} {
  const cv = newConvert(config)
  policyExposures(cv)
  // the lo0 input filter guards the routing engine: computed once, before the filters are listed
  const lo0 = lo0Permits(cv)
  filterExposures(cv)
  hostInboundExposures(cv, lo0)
  systemServiceExposures(cv, lo0)
  for (const rs of config.natRuleSets) natExposures(config, rs, cv.resolver, cv.emit, cv.problems)
  ikeExposures(cv)
  return {exposures: cv.exposures, problems: cv.problems, denies: cv.denies}
}
