/**
 * Shapes of the path analysis (`why`, `reach --from`, the diff's `reach` section). Zones are the
 * inventory's; a path is a loop-free walk of zones joined by the devices whose interfaces map to them.
 */
import type {Box} from '../net/match.js'
import type {Exposure} from '../model/exposure.js'

export type Verdict = 'permit' | 'deny' | 'partial' | 'depends'

/** Why a permit holds only sometimes, or why a deny may be wrong. */
export interface Condition {
  kind: 'state' | 'schedule' | 'user' | 'unparsed' | 'doubt'
  detail: string
  /** The parser's doubt code, when the condition is a typed doubt (src/model/doubts.ts). */
  code?: string
  /** Config lines the condition comes from. */
  lines?: number[]
}

/** The rule that decides a packet on one device, as JSON. */
export interface RuleRefJson {
  file?: string
  line: number
  rule: string
  name?: string
  text?: string
  kind: string
  /** The composed NAT's filter rule, when the deciding rule is a NAT. */
  filter?: {line: number; rule: string}
  /** Where NAT sends the traffic. */
  nat?: {to?: string[]; ports?: string[]}
}

/** Traffic as JSON: sources, destinations, services. */
export interface TrafficJson {
  from: string[]
  to: string[]
  services: string[]
}

/** One device on a path, deciding the traffic that enters from `from_zone` and leaves to `to_zone`. */
export interface HopJson {
  device: string
  from_zone: string
  to_zone: string
  verdict: Verdict
  /** The permits that pass the traffic, first match first, with what each passes (after NAT). */
  rules: Array<RuleRefJson & {passes: TrafficJson}>
  /** What no rule of the device passes, and what decides it. */
  denied?: TrafficJson[]
  /**
   * What decides the denied traffic: the deny rules (or deny policy) the parser recorded, first match
   * first; else implicit, with the reason.
   */
  deny?: {implicit: true; reason: string} | {implicit: false; rules: Array<{file?: string; line: number; rule: string}>}
  conditions?: Condition[]
}

export interface PathJson {
  zones: string[]
  devices: string[]
  verdict: Verdict
  hops: HopJson[]
  /** End to end: what arrives in the last zone (after NAT). */
  permitted: TrafficJson[]
  /** What does not arrive, as it left the first zone. */
  denied: TrafficJson[]
  /** The device where traffic is first denied, when some is. */
  blocked_at?: string
  conditions?: Condition[]
}

/** A piece of traffic on its way, with the rule that passed it on each hop so far. */
export interface Piece {
  box: Box
  /** The traffic as it left the first zone (before any NAT), for "what is denied". */
  origin: Box
  chain: Exposure[]
  /** Per hop so far: the traffic its deciding rule took, before that hop's NAT (approval is checked on it). */
  entered: Box[][]
}
