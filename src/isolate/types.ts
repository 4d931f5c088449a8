/**
 * The shared interface of the isolation generators (one file per vendor, Aerleon-style): the core hands
 * each one the same neutral request — the zone's addresses, the device's interfaces or vendor zones that
 * face only that zone, the traffic the inventory keeps — and gets back the vendor's own commands, placed
 * where the vendor evaluates them first, with the commands that undo them. Generators never read the
 * inventory; they may read the device's config text for names and positions (ACL names, first policy).
 */

/** One kept service: `tcp` with port ranges, `udp`, `icmp`, `any`, or a protocol number. */
export interface KeptService {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `any`, or a protocol number as a string (`47`). */
  protocol: string
  /** Destination port ranges for tcp/udp; empty = every port. */
  ports: Array<[number, number]>
}

/** Traffic that stays permitted while the zone is isolated (a flow or access point with keep_during_isolation). */
export interface KeptRule {
  /** Inventory id of the flow or access point. */
  id: string
  /** Canonical CIDRs (`0.0.0.0/0` and `::/0` for any), restricted to the zone on the side that touches it. */
  from: string[]
  to: string[]
  services: KeptService[]
}

/** Where a device meets the zone: an interface or vendor zone that carries the zone and nothing else. */
export interface Face {
  interface?: string
  vendorZone?: string
}

export interface IsolationRequest {
  /** Inventory zone id. */
  zone: string
  /** Device id (for names in messages only). */
  device: string
  /** The name every generated object and comment carries: `irm-isolate-<zone>`. */
  tag: string
  /** The zone's CIDRs (its own and its nested zones'), IPv4 then IPv6; empty for a catch-all zone. */
  addresses: string[]
  /** The device's interfaces/vendor zones that face only this zone (or zones nested in it). */
  faces: Face[]
  keep: KeptRule[]
  /** The device's exported config, when the inventory names one (names and positions are read from it). */
  config?: {text: string; file: string}
}

export interface IsolationRules {
  /** What the commands are written in: a CLI session, a shell script, an XML or JSON snippet. */
  language: 'cli' | 'shell' | 'xml' | 'json'
  /** The commands or snippet, in the order to apply them. */
  apply: string[]
  /** The commands that undo them, in order. */
  undo: string[]
  /** What the person applying them must know (sessions that survive, gaps the tool could not cover). */
  notes: string[]
}

export interface IsolationRefusal {
  /** Why this device cannot be isolated by the tool (no config, nothing to bind to…). */
  refused: string
}

export interface IsolationGenerator {
  /** The config formats (`devices[].format`) it writes rules for. */
  formats: readonly string[]
  /** What it writes, for reports and docs: `iptables/ip6tables commands`. */
  syntax: string
  generate(request: IsolationRequest): IsolationRules | IsolationRefusal
}

export function isRefusal(r: IsolationRules | IsolationRefusal): r is IsolationRefusal {
  return 'refused' in r
}
