/** The iptables-shaped model: tables of chains of rules, as iptables-save or a shell script states them. */
import type {AddressSet} from '../../net/address-set.js'
import type {Family} from '../../net/ip.js'
import type {PortSet, ProtocolSet} from '../../net/number-set.js'

/** A condition the box cannot express, kept as an evaluator guard (`{in: 'eth0'}`, `{cond: 'icmp type 8'}`). */
export type {Guard} from '../../model/guards.js'
import type {Guard} from '../../model/guards.js'
import type {DoubtNote} from '../../model/doubts.js'

export interface IptRule {
  line: number
  /** `INPUT#3`, `nat PREROUTING#1 "web"`: set when the evaluator first converts its chain ('' until then). */
  name: string
  /** Redacted rule text as written. */
  text: string
  from: AddressSet
  to: AddressSet
  protocols: ProtocolSet
  ports: PortSet
  sourcePorts: PortSet
  guards: readonly Guard[]
  /** Doubts that widen an allow (unknown options, hostnames). */
  doubts: readonly DoubtNote[]
  /** RuleFlag bits (0: a plain rule that sees new connections). */
  flags: number
  comment?: string
  /** Upper-case for built-in targets (ACCEPT, DNAT), as written for user chains; absent: no target. */
  target?: string
  /** DNAT --to-destination / REDIRECT --to-ports, as parsed. */
  nat?: {to?: AddressSet; ports?: PortSet}
}

/** What a rule's options say beyond its box, one bit each of IptRule.flags (a rule lives for the whole run: one number, not five fields). */
export const enum RuleFlag {
  /** A condition we did not understand: a deny/return with it must not shadow anything. */
  Unknown = 1,
  /** Only part of the matching packets are affected (limit, hashlimit): a deny with it shadows nothing. */
  RateLimited = 2,
  /** Conntrack/state says the rule never sees a new connection (ESTABLISHED, RELATED, INVALID). */
  OldTraffic = 4,
  /** `-i lo` / `-o lo`: loopback traffic only. (Interfaces and ipsets are guards: `{in}`, `{out}`, `{set}`.) */
  Loopback = 8,
  /** `-g`: the target chain does not return here. */
  Goto = 16,
}

export interface IptChain {
  name: string
  /** Built-in chains only: ACCEPT / DROP from `:INPUT DROP [0:0]` or `-P INPUT DROP`. */
  policy?: 'ACCEPT' | 'DROP'
  policyLine?: number
  policyText?: string
  rules: IptRule[]
}

export interface IptTable {
  name: string
  family: Family
  chains: Map<string, IptChain>
}

/** All tables of one file, keyed `<family> <table>` (e.g. `4 filter`). */
export type IptRuleset = Map<string, IptTable>

export const BUILTIN_CHAINS = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING'])
