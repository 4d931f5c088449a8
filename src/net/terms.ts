/**
 * Service terms and the boxes they make: shared by every vendor whose rules say "protocol, ports"
 * beside "from, to" (Cisco, FortiOS, pfSense…). Generic box helpers, no vendor knowledge.
 */
import {AddressSet} from './address-set.js'
import type {Box} from './match.js'
import {PortSet, ProtocolSet} from './number-set.js'
import {hasPorts} from './protocol.js'

/** A protocol with optional destination and source ports: one piece of a service. */
export interface ServiceTerm {
  protocols: ProtocolSet
  ports: PortSet
  sourcePorts: PortSet
}

export const ANY_SERVICE: ServiceTerm = {protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}
export const TCP_UDP = ProtocolSet.of(6, 17)

/**
 * The box of a term: port limits apply to port-carrying protocols only (a box never says "icmp port 22"),
 * so a port restriction drops the protocols that have no ports.
 */
export function termBox(from: Box['from'], to: Box['to'], term: Pick<ServiceTerm, 'protocols' | 'ports' | 'sourcePorts'>): Box | null {
  let protocols = term.protocols
  if (!term.ports.isAll() || !term.sourcePorts.isAll()) {
    protocols = ProtocolSet.of(...protocols.values().filter(hasPorts))
    if (protocols.isEmpty()) return null
  }
  if (from.isEmpty() || to.isEmpty() || term.ports.isEmpty() || term.sourcePorts.isEmpty()) return null
  return {from, to, protocols, ports: term.ports, sourcePorts: term.sourcePorts}
}

/** "Any address" in the families present in `set` (an IPv4 source never reaches an IPv6 address). */
export function sameFamilies(set: AddressSet): AddressSet {
  return (set.hasFamily(4) ? AddressSet.ANY4 : AddressSet.EMPTY).union(set.hasFamily(6) ? AddressSet.ANY6 : AddressSet.EMPTY)
}
