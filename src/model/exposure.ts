/**
 * The normalized exposure model (DESIGN §5, §10): one effective permit, as the live config says.
 * Parsers produce it, the diff consumes it, renderers print its JSON form. Nothing here knows a vendor.
 */
import {AddressSet} from '../net/address-set.js'
import type {Attachment, NetfilterHook} from './device.js'
import type {Box} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, protocolName} from '../net/protocol.js'
import {byCodeUnit} from '../core/order.js'
import type {Doubt, DoubtEffect} from './doubts.js'

export type ExposureKind = 'filter' | 'nat-forward' | 'vpn-listener' | 'vpn-route' | 'load-balancer'
export type Direction = 'inbound' | 'outbound'

export interface Exposure {
  kind: ExposureKind
  action: 'allow'
  direction: Direction
  /** Sources, after rule ordering (denies above already removed). */
  from: AddressSet
  /** Destinations as the packet arrives (before NAT). */
  to: AddressSet
  protocols: ProtocolSet
  /** Destination ports; ALL for protocols without ports. */
  ports: PortSet
  /** Source ports; ALL unless the rule restricts them. */
  sourcePorts: PortSet
  /** Where NAT sends the traffic, when the config translates it. */
  translated?: {to?: AddressSet; ports?: PortSet}
  /** nat-forward: the filter rule that passes the translated traffic (the NAT is `line`). */
  filter?: {line: number; rule: string}
  /** 1-based line of the rule in the config (for XML: the element's start line). */
  line: number
  /** Vendor rule name or position: `INPUT#3`, `acl outside_in line 4`, `policy 12`. */
  rule: string
  /**
   * The vendor's stable name of the rule or of its list (PAN-OS/FortiOS/Junos policy, ACL name), set
   * only where the vendor names rules; never a position. Finding ids include it.
   */
  name?: string
  /** The rule text as written, secrets redacted. */
  text?: string
  /** Zones/interfaces the rule is bound to, vendor spelling (`outside`, `untrust`, `eth0`). */
  fromZones?: string[]
  toZones?: string[]
  interfaces?: {in?: string[]; out?: string[]}
  /** Named sets the parser could not expand (ipset, URL aliases, dynamic groups, security groups). */
  fromSets?: string[]
  toSets?: string[]
  /** The doubts rendered as text, one per doubt (set by the builder from `doubts`, never by hand). */
  notes?: string[]
  /** Typed doubts (model/doubts.ts): what may make the device's reach differ from this exposure. */
  doubts?: Doubt[]
  /** Object groups the rule named (`DMZ-WEB`), for "via object-group DMZ-WEB". */
  via?: string[]
  /**
   * Where the traffic enters the device (neutral model, vendor spelling). Unset = the config does not
   * say (a global rule): the diff then falls back to source addresses.
   */
  ingress?: Attachment
  /** Where the traffic leaves the device, when the rule names it (`-o`, to-zone, dstintf). */
  egress?: Attachment
  /** Netfilter hook (iptables/nftables only). */
  hook?: NetfilterHook
  /** The rule protects the device itself (INPUT, host-inbound-traffic, management plane). */
  hostLocal?: boolean
  /** Set by the caller that knows the device (diff), never by parsers. */
  device?: string
  file?: string
}

/**
 * A deny as the device evaluates it (rule or deny policy), in evaluation order: the first one whose box
 * holds a blocked packet is the rule that decides it (`critical-flow-blocked` points at its line). The
 * box is in the terms the filter sees (after NAT for netfilter FORWARD).
 */
export interface Denial {
  line: number
  rule: string
  box: Box
  direction: Direction
  hook?: NetfilterHook
  /**
   * Vendor zones the deny is scoped to (a zone pair's policy or default): it decides only traffic that
   * enters from one of `fromZones` and leaves to one of `toZones` on its device. Absent: any zones.
   */
  fromZones?: string[]
  toZones?: string[]
  file?: string
}

/** DESIGN §10 JSON form of an exposure. */
export interface ExposureJson {
  kind: ExposureKind
  action: 'allow'
  direction: Direction
  from: string[]
  to: string[]
  protocol: string
  ports: string[]
  source_ports?: string[]
  /** Set when `protocol` is `any` but some protocols are excluded by a deny above. */
  except_protocols?: string[]
  line: number
  rule: string
  text?: string
  translated?: {to?: string[]; ports?: string[]}
  filter?: {line: number; rule: string}
  from_zones?: string[]
  to_zones?: string[]
  interfaces?: {in?: string[]; out?: string[]}
  from_sets?: string[]
  to_sets?: string[]
  notes?: string[]
  doubts?: Array<{code: string; effect: DoubtEffect; detail: string; line: number; file?: string}>
  via?: string[]
  ingress?: {interfaces: string[]; zones: string[]; inventory_zones: string[]}
  egress?: {interfaces: string[]; zones: string[]; inventory_zones: string[]}
  hook?: NetfilterHook
  host_local?: boolean
  device?: string
  file?: string
}

export function exposureBox(e: Exposure): Box {
  return {from: e.from, to: e.to, protocols: e.protocols, ports: e.ports, sourcePorts: e.sourcePorts}
}

/**
 * One exposure as JSON rows: one row per protocol, except that "any protocol" (or almost any: more than
 * eight protocols) stays one row with `except_protocols`, so a chain policy ACCEPT does not explode.
 */
export function exposureToJson(e: Exposure): ExposureJson[] {
  return exposureRows(e)
}

/** exposureToJson without the `file` of each row when it is `omitFile` (the report's own). */
export function exposureRows(e: Exposure, omitFile?: string): ExposureJson[] {
  const base = (protocol: string, ports: PortSet | null, except?: string[]): ExposureJson => {
    const j: ExposureJson = {
      kind: e.kind,
      action: e.action,
      direction: e.direction,
      from: e.from.toCidrs(),
      to: e.to.toCidrs(),
      protocol,
      ports: ports ? ports.toStrings() : [],
      line: e.line,
      rule: e.rule,
    }
    if (ports && !e.sourcePorts.isAll()) j.source_ports = e.sourcePorts.toStrings()
    if (except && except.length) j.except_protocols = except
    if (e.translated) {
      j.translated = {}
      if (e.translated.to) j.translated.to = e.translated.to.toCidrs()
      if (e.translated.ports) j.translated.ports = e.translated.ports.toStrings()
    }
    if (e.filter) j.filter = {...e.filter}
    if (e.text !== undefined) j.text = e.text
    if (e.fromZones?.length) j.from_zones = [...e.fromZones]
    if (e.toZones?.length) j.to_zones = [...e.toZones]
    if (e.interfaces && (e.interfaces.in?.length || e.interfaces.out?.length)) j.interfaces = {...e.interfaces}
    if (e.fromSets?.length) j.from_sets = [...e.fromSets]
    if (e.toSets?.length) j.to_sets = [...e.toSets]
    if (e.notes?.length) j.notes = [...e.notes]
    if (e.doubts?.length) j.doubts = e.doubts.map((d) => ({code: d.code, effect: d.effect, detail: d.detail, line: d.line, ...(d.file === undefined ? {} : {file: d.file})}))
    if (e.via?.length) j.via = [...e.via]
    if (e.ingress) j.ingress = {interfaces: [...e.ingress.interfaces], zones: [...e.ingress.zones], inventory_zones: []}
    if (e.egress) j.egress = {interfaces: [...e.egress.interfaces], zones: [...e.egress.zones], inventory_zones: []}
    if (e.hook) j.hook = e.hook
    if (e.hostLocal) j.host_local = true
    if (e.device) j.device = e.device
    if (e.file && e.file !== omitFile) j.file = e.file
    return j
  }
  const count = e.protocols.size()
  if (count > 8) {
    const missing = ProtocolSet.ALL.subtract(e.protocols).values().map(protocolName)
    return [base('any', e.ports.isAll() ? null : e.ports, missing)]
  }
  return e.protocols.values().map((p) => base(protocolName(p), hasPorts(p) ? e.ports : null))
}

/** Stable order for output: line, then rule, then the JSON text. */
export function compareExposures(a: ExposureJson, b: ExposureJson): number {
  return (
    byCodeUnit(a.file ?? '', b.file ?? '') ||
    a.line - b.line ||
    byCodeUnit(a.rule, b.rule) ||
    byCodeUnit(JSON.stringify(a), JSON.stringify(b))
  )
}

export function anyAddressJson(): string[] {
  return AddressSet.ANY.toCidrs()
}
