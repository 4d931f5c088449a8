/** The ASA-shaped objects that read.ts extracts and exposures.ts converts (Batfish-style: vendor model first). */
import type {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import type {PortSet, ProtocolSet} from '../../net/number-set.js'
import type {DoubtNote} from '../../model/doubts.js'
import type {CiscoNode} from '../cisco-common.js'

/** An address operand after name/object/group expansion; names that could not be expanded are kept. */
export interface AddrRef {
  set: AddressSet
  unresolved: string[]
  /** The set is an approximation (broader than the config): why. */
  note?: DoubtNote
  /** The object or group the operand named (`object-group DMZ-WEB`). */
  via?: string
}

export interface AsaInterface {
  nameif: string
  hardware: string
  node: CiscoNode
  level: number
  /** The device's own addresses on this interface (active and standby). */
  addresses?: AddressSet
  /** The connected networks. */
  networks?: AddressSet
  /** Own addresses with their prefix length, as configured (`10.10.0.1/16`), for the device model. */
  prefixed?: string[]
  shutdown: boolean
}

export interface Ace {
  acl: string
  node: CiscoNode
  action: 'allow' | 'deny'
  boxes: Box[]
  doubts: DoubtNote[]
  /** Object groups the ACE named. */
  via: string[]
  /** A condition we did not understand: a deny then never shadows. */
  opaque: boolean
  fromSets: string[]
  toSets: string[]
}

export interface AccessGroup {
  acl: string
  /** `global` applies inbound on every interface, after the interface's own ACL. */
  direction: 'in' | 'out' | 'global'
  iface?: string
  node: CiscoNode
}

export interface StaticNat {
  node: CiscoNode
  rule: string
  realIf: string
  mappedIf: string
  real: AddrRef
  mapped: AddrRef
  /** Twice NAT `destination static`: who may open the translated connection (the real destination). */
  peer?: AddrRef
  service?: {protocols: ProtocolSet; realPorts: PortSet; mappedPorts: PortSet}
  doubts: DoubtNote[]
}

export type MgmtService = 'ssh' | 'http' | 'telnet' | 'snmp'

export interface MgmtAccess {
  node: CiscoNode
  service: MgmtService
  from: AddressSet
  iface: string
}

export interface IcmpRule {
  node: CiscoNode
  action: 'allow' | 'deny'
  from: AddressSet
  /** Set when the rule names an ICMP type: narrower than the box says. */
  type?: string
}

export interface CryptoMapEntry {
  node: CiscoNode
  peers: AddressSet
  dynamic: boolean
}

export interface AsaConfig {
  interfaces: Map<string, AsaInterface>
  /** `ASA Version 9.12(4)` → [9, 12]; before 8.3 ACLs name mapped (public) addresses. */
  version?: [number, number]
  /** Static routes per interface name (`route outside 0.0.0.0 0.0.0.0 GW`). */
  routes: Map<string, AddressSet>
  acls: Map<string, Ace[]>
  /** ACLs of the `standard`/`webtype`/`ethertype` kinds: understood, never bound to an interface as filters. */
  otherAcls: Set<string>
  accessGroups: AccessGroup[]
  /**
   * The bindings in force: an interface holds one ACL per direction and the device one global ACL, so a
   * later `access-group` replaces the earlier one (a binding to an undefined ACL is refused, not applied).
   */
  bindings: {inbound: Map<string, AccessGroup>; outbound: Map<string, AccessGroup>; global?: AccessGroup}
  nats: StaticNat[]
  mgmt: MgmtAccess[]
  icmp: Map<string, IcmpRule[]>
  httpServer?: {node: CiscoNode; port: number}
  httpRedirect: Array<{node: CiscoNode; iface: string; port: number}>
  snmpEnabled: boolean
  sameSecurityInter: boolean
  webvpn?: {node: CiscoNode; ifaces: Array<{iface: string; node: CiscoNode}>; port: number; anyconnect: boolean}
  /** `crypto ikev1|ikev2 enable IF [client-services [port N]]`. */
  ikeEnabled: Array<{iface: string; node: CiscoNode; version: string; clientServicesPort?: number}>
  /** crypto map name → entries, and the interfaces each map is bound to. */
  cryptoMaps: Map<string, CryptoMapEntry[]>
  cryptoMapIfaces: Array<{map: string; iface: string; node: CiscoNode}>
}
