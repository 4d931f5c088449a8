/** The Junos vendor model: what the statements say, before any evaluation. Names keep Junos spelling. */
import type {AddressSet} from '../../net/address-set.js'

export interface Origin {
  line: number
  text: string
}

export interface AddressObject {
  line: number
  /** A prefix, host, `range-address` or `wildcard-address` that became a real set. */
  set?: AddressSet
  /** `dns-name`: resolved at run time by the device, kept as a named set. */
  dnsName?: string
  /** `address-set` members: address or address-set names of the same book. */
  members?: string[]
}

export interface AddressBook {
  name: string
  entries: Map<string, AddressObject>
  /** Zones a named book is attached to (`attach zone Z`); global books have none. */
  attach: string[]
}

export interface AppTerm {
  protocol?: string
  destinationPort?: string
  sourcePort?: string
  line: number
}

export interface Application extends Origin {
  /** Statements directly under the application (one implicit term). */
  base: AppTerm
  terms: Map<string, AppTerm>
}

export interface ApplicationSet extends Origin {
  members: string[]
}

export interface Policy {
  name: string
  line: number
  /** `from-zone A to-zone B` policies have one of each; global policies list theirs in `match` (empty = any). */
  fromZones: string[]
  toZones: string[]
  global: boolean
  source: string[]
  destination: string[]
  sourceExcluded: boolean
  destinationExcluded: boolean
  applications: string[]
  action?: 'permit' | 'deny' | 'reject'
  /** Match conditions we do not model (source-identity, dynamic-application…): doubts about reach. */
  unknownMatch: string[]
  /** `then permit tunnel ipsec-vpn X` and friends. */
  thenExtra: string[]
  inactive: boolean
}

export interface HostInbound {
  services: Map<string, boolean> // name → except
  protocols: Map<string, boolean>
  line: number
  text: string
}

export interface Zone extends Origin {
  name: string
  functional: boolean
  interfaces: Map<string, {line: number; hostInbound?: HostInbound}>
  hostInbound?: HostInbound
  book: AddressBook
}

export interface Unit {
  /** `ge-0/0/0.0` */
  name: string
  line: number
  /** The device's own addresses on this unit, as host routes. */
  hostAddresses: AddressSet
  /** The same with their prefix length, as configured (`192.0.2.1/24`). */
  addresses: string[]
  filters: Array<{family: 'inet' | 'inet6'; direction: 'input' | 'output'; names: string[]; line: number}>
}

export interface FilterCondition {
  value: string
  except: boolean
}

export interface FilterTerm extends Origin {
  name: string
  from: Map<string, FilterCondition[]>
  then: string[]
  inactive: boolean
}

export interface Filter {
  name: string
  family: 'inet' | 'inet6' | 'any'
  terms: Map<string, FilterTerm>
  line: number
}

export interface NatPool extends Origin {
  name: string
  addresses?: AddressSet
  port?: number
}

export interface NatRule extends Origin {
  name: string
  match: Map<string, string[]>
  then: string[]
  inactive: boolean
}

export interface NatRuleSet extends Origin {
  name: string
  kind: 'destination' | 'static' | 'source'
  fromKind?: 'zone' | 'interface' | 'routing-instance'
  from: string[]
  rules: Map<string, NatRule>
}

export interface IkeGateway extends Origin {
  name: string
  addresses: string[]
  dynamic: boolean
  externalInterface?: string
  localAddress?: string
}

export interface SystemService extends Origin {
  name: string
  /** `web-management http interface fxp0.0` restricts where J-Web listens. */
  interfaces: string[]
  port?: number
}

export interface JunosConfig {
  hostName?: string
  units: Map<string, Unit>
  zones: Map<string, Zone>
  books: Map<string, AddressBook>
  prefixLists: Map<string, AddressObject & {set: AddressSet}>
  applications: Map<string, Application>
  applicationSets: Map<string, ApplicationSet>
  policies: Policy[]
  defaultPolicy?: {action: 'permit-all' | 'deny-all'} & Origin
  filters: Map<string, Filter>
  natPools: Map<string, NatPool>
  natRuleSets: NatRuleSet[]
  ikeGateways: Map<string, IkeGateway>
  systemServices: Map<string, SystemService>
}
