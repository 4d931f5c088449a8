/**
 * AWS objects → exposures. Security groups are allow-only and unordered (every rule is a permit);
 * network ACLs are ordered by rule number, first match, and end in the `*` deny; site-to-site VPN
 * connections listen on IKE/NAT-T and ESP at their tunnel outside addresses; load balancer listeners
 * open their port on the load balancer.
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {attachment} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import {box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, parseProtocol, TCP, UDP} from '../../net/protocol.js'
import {
  exposureOf,
  type ExposureMeta,
  parseAddresses,
  permitsToExposures,
  type ParseState,
  serviceBoxes,
} from '../cloud-common.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import type {LbListener, NaclEntry, NetworkAcl, SecurityGroup, SgPermission, VpnConnection} from './model.js'

const ESP = 50

interface Service {
  protocols: ProtocolSet
  ports: PortSet
  doubts: DoubtNote[]
  /** The protocol did not read: the caller reports the rule. */
  unknown?: string
}

/**
 * AWS protocol + port range. `-1` means every protocol and every port; for icmp/icmpv6 the "ports"
 * are the ICMP type and code, so the exposure has no ports and a note names the type.
 */
export function awsService(protocol: string, fromPort: number | undefined, toPort: number | undefined): Service {
  const doubts: DoubtNote[] = []
  const protocols = parseProtocol(protocol)
  if (!protocols) {
    return {protocols: ProtocolSet.ALL, ports: PortSet.ALL, doubts: [note('unknown-service', `unknown protocol '${protocol}' read as any; exposure may be broader`)], unknown: protocol}
  }
  if (protocols.equals(ProtocolSet.ALL)) return {protocols, ports: PortSet.ALL, doubts}
  const p = protocols.values()[0]
  if (p === TCP || p === UDP || p === 132) {
    const all = fromPort === undefined || fromPort === -1 || (fromPort <= 0 && (toPort === undefined || toPort <= 0 || toPort >= 65535))
    if (all) return {protocols, ports: PortSet.ALL, doubts}
    return {protocols, ports: PortSet.range(fromPort, toPort === undefined || toPort === -1 ? fromPort : toPort), doubts}
  }
  if ((p === ICMP || p === ICMPV6) && fromPort !== undefined && fromPort !== -1) {
    doubts.push(note('icmp-type', `ICMP type ${fromPort}${toPort !== undefined && toPort !== -1 ? ` code ${toPort}` : ''} only`))
  }
  return {protocols, ports: PortSet.ALL, doubts}
}

/** The security group as a named set: `sg-0abc (web)`. */
export function groupLabel(sg: Pick<SecurityGroup, 'id' | 'name'>): string {
  return sg.name && sg.name !== sg.id ? `${sg.id} (${sg.name})` : sg.id
}

/**
 * Every permission of a security group. Ingress: from the rule's sources to the group's members
 * (their addresses when known, else any with the group as a named set), the VPC as their zone;
 * egress the other way round.
 * A source group is its members' addresses when the input lists them; otherwise an empty address set
 * with the group named (members are VPC-internal). Prefix lists give any with a note (recall first:
 * a customer prefix list may hold public ranges).
 */
export function securityGroupExposures(
  sg: SecurityGroup,
  state: ParseState,
  groupMembers: (id: string) => AddressSet | undefined = () => undefined,
): void {
  const members = sg.attached ?? AddressSet.ANY
  const memberSets = [sg.id]
  for (const perm of sg.permissions) {
    const service = awsService(perm.protocol, perm.fromPort, perm.toPort)
    const bad: string[] = []
    const peers = parseAddresses(perm.cidrs, bad)
    if (service.unknown !== undefined) state.unknown(perm.line, 'bad-value', `unknown protocol '${service.unknown}'`, perm.text)
    for (const b of bad) state.unknown(perm.line, 'bad-value', `not an address or CIDR: '${b}'`, perm.text)
    state.count(service.unknown === undefined && bad.length === 0)
    const zone = sg.vpcId ? (perm.egress ? {fromZones: [sg.vpcId]} : {toZones: [sg.vpcId]}) : {}
    // a group's rules apply at the ENIs/instances it is attached to: inbound enters there, outbound leaves there
    const where = sg.attachedTo?.length ? (perm.egress ? {egress: attachment(sg.attachedTo)} : {ingress: attachment(sg.attachedTo)}) : {}
    const base = {kind: 'filter' as const, direction: perm.egress ? ('outbound' as const) : ('inbound' as const), line: perm.line, rule: perm.rule, text: perm.text, ...zone, ...where}
    const emit = (peer: AddressSet, peerSets: string[], doubts: DoubtNote[], namedOnly = false) => {
      for (const s of serviceBoxes(service.protocols, service.ports)) {
        const b = perm.egress ? box({...s, from: members, to: peer}) : box({...s, from: peer, to: members})
        const meta: ExposureMeta = {
          ...base,
          doubts: [...service.doubts, ...doubts],
          ...(perm.egress
            ? {fromSets: memberSets, toSets: peerSets, namedDestinationOnly: namedOnly}
            : {fromSets: peerSets, toSets: memberSets, namedSourceOnly: namedOnly}),
        }
        state.exposures.push(exposureOf(b, meta))
      }
    }
    if (!peers.isEmpty()) emit(peers, [], [])
    // an address that did not read could be anything: shown as any (recall first)
    if (bad.length) emit(AddressSet.ANY, [], [note('unexpanded-set', `unreadable ${perm.egress ? 'destination' : 'source'} ${bad.join(', ')}: shown as any`)])
    for (const pl of perm.prefixLists) {
      emit(AddressSet.ANY, [pl], [note('unexpanded-set', `prefix list ${pl} not resolved: ${perm.egress ? 'destination' : 'source'} shown as any`)])
    }
    const refs = [...perm.groups]
    if (perm.self) refs.push({id: sg.id, label: groupLabel(sg)})
    const unresolved: string[] = []
    for (const ref of refs) {
      // a group whose members the input lists (interfaces, instances) is concrete
      const known = ref.id === sg.id ? sg.attached : groupMembers(ref.id)
      if (known) emit(known, [ref.label], [])
      else unresolved.push(ref.label)
    }
    if (unresolved.length) {
      const members = note('members-unknown', `${perm.egress ? 'destination' : 'source'} is security group ${unresolved.join(', ')}: member addresses are not in this input`)
      emit(AddressSet.EMPTY, unresolved, [members], true)
    }
  }
}

/** A network ACL entry as an evaluator rule. */
function naclRule(acl: NetworkAcl, entry: NaclEntry, state: ParseState): EvalRule<ExposureMeta> | null {
  const action = entry.action.toLowerCase()
  const service = awsService(entry.protocol, entry.fromPort, entry.toPort)
  const bad: string[] = []
  // an unreadable address: any for an allow (recall first); the deny is opaque below
  const parsed = entry.cidr === undefined ? AddressSet.ANY : AddressSet.parse(entry.cidr)
  if (!parsed && entry.cidr !== undefined) bad.push(entry.cidr)
  const peer = parsed ?? AddressSet.ANY
  let understood = true
  if (action !== 'allow' && action !== 'deny') {
    state.unknown(entry.line, 'bad-value', `unknown rule action '${entry.action}'`, entry.text)
    state.count(false)
    return null
  }
  if (service.unknown !== undefined) {
    state.unknown(entry.line, 'bad-value', `unknown protocol '${service.unknown}'`, entry.text)
    understood = false
  }
  for (const b of bad) {
    state.unknown(entry.line, 'bad-value', `not an address or CIDR: '${b}'`, entry.text)
    understood = false
  }
  state.count(understood)
  if (entry.icmpType !== undefined && entry.icmpType !== -1) service.doubts.push(note('icmp-type', `ICMP type ${entry.icmpType} only`))
  const s = serviceBoxes(service.protocols, service.ports)[0]
  const subnets = acl.subnets.length ? acl.subnets : [acl.id]
  const meta: ExposureMeta = {
    kind: 'filter',
    direction: entry.egress ? 'outbound' : 'inbound',
    line: entry.line,
    rule: entry.rule,
    text: entry.text,
    doubts: service.doubts,
    ...(entry.egress ? {fromSets: subnets} : {toSets: subnets}),
    ...(acl.vpcId ? (entry.egress ? {fromZones: [acl.vpcId]} : {toZones: [acl.vpcId]}) : {}),
    // a network ACL guards the boundary of its subnets
    ...(acl.subnets.length ? (entry.egress ? {egress: attachment(acl.subnets)} : {ingress: attachment(acl.subnets)}) : {}),
  }
  const own = acl.addresses ?? AddressSet.ANY
  const match = entry.egress ? box({...s, from: own, to: peer}) : box({...s, from: peer, to: own})
  // an allow with an unknown protocol stays (read as any); a deny with one never shadows
  return {match, action: action === 'allow' ? 'allow' : 'deny', opaque: !understood && action === 'deny', meta}
}

/** A network ACL, each direction in rule-number order; no match means deny (the `*` rule). */
export function networkAclExposures(acl: NetworkAcl, state: ParseState): void {
  for (const egress of [false, true]) {
    const rules = acl.entries
      .filter((e) => e.egress === egress)
      .sort((a, b) => a.ruleNumber - b.ruleNumber)
      .map((e) => naclRule(acl, e, state))
      .filter((r): r is EvalRule<ExposureMeta> => r !== null)
    permitsToExposures(evaluateList(rules, 'deny', undefined, {recordDenies: true}), state)
  }
}

/**
 * A site-to-site VPN: IKE (udp/500, udp/4500 for NAT-T) and ESP from the customer gateway to each
 * AWS tunnel outside address, and the customer networks routed in through it.
 */
export function vpnExposures(vpn: VpnConnection, state: ParseState): void {
  const bad: string[] = []
  const tunnels = parseAddresses(vpn.tunnelAddresses, bad)
  const peer = vpn.customerGateway ? parseAddresses([vpn.customerGateway], bad) : AddressSet.ANY
  for (const b of bad) state.unknown(vpn.line, 'bad-value', `not an address: '${b}'`, vpn.text)
  state.count(bad.length === 0)
  const doubts: DoubtNote[] = []
  if (!vpn.customerGateway) doubts.push(note('unknown-address', 'customer gateway address not in this input: source shown as any'))
  if (tunnels.isEmpty()) doubts.push(note('unknown-address', 'tunnel outside addresses not in this input: destination shown as any'))
  const base: ExposureMeta = {kind: 'vpn-listener', direction: 'inbound', line: vpn.line, rule: vpn.id, text: vpn.text, doubts, toSets: [vpn.id]}
  const to = tunnels.isEmpty() ? AddressSet.ANY : tunnels
  state.exposures.push(exposureOf(box({from: peer, to, protocols: ProtocolSet.of(UDP), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])}), base))
  state.exposures.push(exposureOf(box({from: peer, to, protocols: ProtocolSet.of(ESP)}), base))
  if (vpn.remoteCidrs.length) {
    const remote = parseAddresses(vpn.remoteCidrs, [])
    const local = vpn.localCidrs.length ? parseAddresses(vpn.localCidrs, []) : AddressSet.ANY
    state.exposures.push(
      exposureOf(box({from: remote, to: local}), {
        kind: 'vpn-route',
        direction: 'inbound',
        line: vpn.line,
        rule: vpn.id,
        text: vpn.text,
        doubts: vpn.localCidrs.length ? [] : [note('unknown-address', 'VPC side of the tunnel not in this input: destination shown as any')],
        fromSets: [vpn.id],
      }),
    )
  }
}

const LB_PROTOCOLS: Record<string, number[]> = {udp: [UDP], tcp_udp: [TCP, UDP]}

/**
 * A listener: its port, from anywhere, on the load balancer (named by its DNS name). An internal
 * scheme and the load balancer's security groups narrow that; both are said in notes.
 */
export function listenerExposure(l: LbListener, state: ParseState): void {
  const doubts: DoubtNote[] = []
  if (!l.lb) doubts.push(note('unknown-address', 'load balancer not in this input: destination shown as any'))
  else if (l.lb.internal) doubts.push(note('restricted-elsewhere', 'internal load balancer: reachable from inside the VPC only'))
  if (l.lb?.securityGroups.length) doubts.push(note('restricted-elsewhere', `further limited by security groups ${l.lb.securityGroups.join(', ')}`))
  const protocols = ProtocolSet.of(...(LB_PROTOCOLS[l.protocol.toLowerCase()] ?? [TCP]))
  const meta: ExposureMeta = {kind: 'load-balancer', direction: 'inbound', line: l.line, rule: l.rule, text: l.text, doubts, toSets: [l.lb?.target ?? l.rule]}
  state.exposures.push(exposureOf(box({protocols, ports: PortSet.range(l.port)}), meta))
}

/** A Client VPN endpoint: its port (443 by default) on the endpoint's addresses, from anywhere. */
export function clientVpnExposure(
  endpoint: {rule: string; target: string; port?: number; transport?: string; line: number; text: string},
  state: ParseState,
): void {
  const protocol = (endpoint.transport ?? 'udp').toLowerCase() === 'tcp' ? TCP : UDP
  const meta: ExposureMeta = {
    kind: 'vpn-listener',
    direction: 'inbound',
    line: endpoint.line,
    rule: endpoint.rule,
    text: endpoint.text,
    toSets: [endpoint.target],
    doubts: [note('unknown-address', 'client VPN endpoint: listens on the endpoint addresses (not in this input)')],
  }
  state.exposures.push(exposureOf(box({protocols: ProtocolSet.of(protocol), ports: PortSet.range(endpoint.port ?? 443)}), meta))
}
