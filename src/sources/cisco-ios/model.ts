/** The IOS-shaped objects that read.ts extracts and exposures.ts converts. */
import type {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import type {PortSet, ProtocolSet} from '../../net/number-set.js'
import type {DoubtNote} from '../../model/doubts.js'
import type {CiscoNode} from '../cisco-common.js'

export interface IosInterface {
  name: string
  node: CiscoNode
  /** The router's own addresses on this interface. */
  addresses: AddressSet
  /** The same with their prefix length, as configured (`192.0.2.1/24`), for the device model. */
  prefixed?: string[]
  shutdown: boolean
  /** `ip address dhcp|negotiated`: the address is assigned at run time. */
  dynamicAddress: boolean
  /** `ip unnumbered X`: forwards IPv4 with a borrowed address. */
  unnumbered: boolean
  hasIpv6: boolean
  aclIn?: {name: string; node: CiscoNode}
  aclOut?: {name: string; node: CiscoNode}
  acl6In?: {name: string; node: CiscoNode}
  acl6Out?: {name: string; node: CiscoNode}
  zone?: string
  natOutside: boolean
  cryptoMap?: {name: string; node: CiscoNode}
  tunnel?: {source?: string; destination?: AddressSet; protection: boolean; ipsecMode: boolean; node: CiscoNode}
}

export interface IosAce {
  node: CiscoNode
  /** Sequence number when written, else the position in the ACL. */
  seq: number
  action: 'allow' | 'deny'
  boxes: Box[]
  doubts: DoubtNote[]
  /** Object groups the ACE named. */
  via?: string[]
  opaque: boolean
  /** `established` and friends: the rule admits replies only, never a new connection. */
  repliesOnly: boolean
  fromSets: string[]
  toSets: string[]
}

export interface IosAcl {
  name: string
  family: 4 | 6
  standard: boolean
  aces: IosAce[]
}

export interface StaticNat {
  node: CiscoNode
  local: AddressSet
  global: AddressSet
  service?: {protocols: ProtocolSet; localPorts: PortSet; globalPorts: PortSet}
  doubts: DoubtNote[]
}

export interface ClassMap {
  node: CiscoNode
  matchAll: boolean
  matches: CiscoNode[]
}

export interface PolicyClass {
  node: CiscoNode
  className: string
  action: 'allow' | 'deny'
}

export interface ZonePair {
  node: CiscoNode
  name: string
  source: string
  destination: string
  policy?: string
}

export interface VtyLine {
  node: CiscoNode
  accessClass?: string
  accessClass6?: string
  /** ssh/telnet, or undefined when `transport input` is not set. */
  transports?: Set<string>
}

export interface IosConfig {
  interfaces: Map<string, IosInterface>
  /** `ip route 0.0.0.0 0.0.0.0 …` / `ipv6 route ::/0 …`: the interface or next hop named (the device model's default route). */
  defaultRoutes?: string[]
  acls: Map<string, IosAcl>
  nats: StaticNat[]
  classMaps: Map<string, ClassMap>
  policies: Map<string, PolicyClass[]>
  zones: Set<string>
  zonePairs: ZonePair[]
  vty: VtyLine[]
  http?: {node: CiscoNode; port: number}
  https?: {node: CiscoNode; port: number}
  httpAccessClass?: string
  /** By community string (a secret: a key here, never printed). */
  snmpCommunities: Map<string, {node: CiscoNode; acl?: string}>
  /** `webvpn gateway NAME` with ` ip address A port P` and ` inservice`. */
  webvpnGateways: Array<{node: CiscoNode; name: string; address?: AddressSet; port: number; inService: boolean}>
  /** crypto map name → peers (ANY for dynamic entries). */
  cryptoMapPeers: Map<string, {peers: AddressSet; dynamic: boolean; nodes: CiscoNode[]}>
}
