/**
 * The nftables-shaped model, shared by the text reader (`nft list ruleset`, `nft -f` files) and the JSON
 * reader (`nft -j list ruleset`): both produce the same statements, so both give the same exposures.
 */
import type {UnparsedCode} from '../types.js'

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'bridge' | 'arp' | 'netdev'

/** A right-hand side: literal atoms (`10.0.0.0/8`, `80-81`, `established`) or a named set (`@name`). */
export type Value = {kind: 'atoms'; items: string[]} | {kind: 'named'; name: string}

export interface Match {
  /** Normalised left side: `ip saddr`, `tcp dport`, `meta l4proto`, `ct state`, `meta iifname`… */
  field: string
  /** `==` (also `in`/`eq`), `!=`, or a comparison (`<`, `>=`…). */
  op: string
  value: Value
}

export type Verdict =
  | {kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' | 'queue'}
  | {kind: 'jump' | 'goto'; target: string}

export type Stmt =
  | {t: 'match'; m: Match}
  | {t: 'verdict'; v: Verdict}
  /** `tcp dport vmap { 22 : accept }` or `vmap @name` */
  | {t: 'vmap'; field: string; entries: Array<[string, Verdict]> | {name: string}}
  /** NAT statements; `map` for `dnat to tcp dport map { 80 : 10.0.0.1 }`. */
  | {t: 'nat'; kind: 'dnat' | 'snat' | 'redirect' | 'masquerade'; addr?: string; port?: string; map?: {field: string; entries: Array<[string, string]> | {name: string}}}
  /** A concatenation matched as a tuple: `ip saddr . tcp dport @allow` (elements `a . b`). */
  | {t: 'tuples'; fields: string[]; op: string; value: Value}
  /** limit / quota: only part of the matching traffic */
  | {t: 'rate'}
  /** counter, log, meta mark set, notrack…: no effect on reach */
  | {t: 'harmless'}
  /** A match the box cannot express (icmp type, tcp flags, fib, mark): a condition */
  | {t: 'cond'; desc: string}
  /** Something we did not understand */
  | {t: 'unknown'; desc: string; code: UnparsedCode}

export interface NftRule {
  line: number
  /** Redacted rule text. */
  text: string
  stmts: Stmt[]
  comment?: string
}

export interface NftChain {
  name: string
  line: number
  text?: string
  type?: string
  hook?: string
  priority: number
  policy?: 'accept' | 'drop'
  devices?: string[]
  rules: NftRule[]
}

export interface NftSet {
  name: string
  line: number
  /** Set elements, or map entries `[key, value]`; null when the set is filled at run time. */
  elements: string[] | null
  entries?: Array<[string, string]>
  /** `flags dynamic`/`timeout` sets filled by the datapath. */
  dynamic: boolean
}

export interface NftTable {
  family: NftFamily
  name: string
  line: number
  chains: Map<string, NftChain>
  sets: Map<string, NftSet>
}

/** Tables keyed `<family> <name>`. */
export type NftRuleset = Map<string, NftTable>

export function tableOf(ruleset: NftRuleset, family: NftFamily, name: string, line: number): NftTable {
  const key = `${family} ${name}`
  let t = ruleset.get(key)
  if (!t) {
    t = {family, name, line, chains: new Map(), sets: new Map()}
    ruleset.set(key, t)
  }
  return t
}

export function chainOf(table: NftTable, name: string, line: number): NftChain {
  let c = table.chains.get(name)
  if (!c) {
    c = {name, line, priority: 0, rules: []}
    table.chains.set(name, c)
  }
  return c
}

/** Named hook priorities (nft(8), PRIORITY). */
export const PRIORITY_NAMES: Record<string, number> = {raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100, out: 100}

export function parsePriority(text: string): number | null {
  const m = /^([a-z]+|-?\d+)\s*(?:([+-])\s*(\d+))?$/.exec(text.trim())
  if (!m) return null
  const base = /^-?\d+$/.test(m[1]) ? Number(m[1]) : PRIORITY_NAMES[m[1]]
  if (base === undefined) return null
  return m[2] ? base + (m[2] === '+' ? 1 : -1) * Number(m[3]) : base
}
