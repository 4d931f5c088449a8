/**
 * What Cisco ASA and IOS configs share: the indentation-block reader (with IOS multi-line banners),
 * the line ledger that puts every line in exactly one bucket, port operators (`eq/neq/lt/gt/range`),
 * Cisco service and ICMP names, and the Cisco-specific secret redaction.
 */
import {buildExposure, type ExposureInit} from '../model/build.js'
import type {DoubtNote} from '../model/doubts.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import type {ParsedCidr} from '../net/ip.js'
import type {Box} from '../net/match.js'
import {PortSet} from '../net/number-set.js'
import {ANY_SERVICE as NET_ANY_SERVICE, type ServiceTerm as NetServiceTerm} from '../net/terms.js'
import {servicePort} from '../net/services.js'
import {inputLines} from './input.js'
import {ParseLedger} from './kit/ledger.js'
import type {UnparsedCode} from './types.js'
import {redactLine} from './redact.js'

/** One config line with the lines indented under it. */
export interface CiscoNode {
  line: number
  /** Trimmed text. */
  text: string
  words: string[]
  children: CiscoNode[]
}

/**
 * The shared ParseLedger with Cisco's tree helpers: every non-blank, non-comment line gets one verdict,
 * understood (modelled or ignored on purpose) or unparsed with a reason; lines nobody visited end up
 * unparsed ('unknown command'), so nothing is dropped silently.
 */
export class LineLedger extends ParseLedger {
  constructor(redact: (text: string) => string) {
    super({unvisited: 'unknown command', unvisitedCode: 'unknown-statement', redact})
  }

  override ok(node: CiscoNode | number): void {
    super.ok(typeof node === 'number' ? node : node.line)
  }

  /** A node and everything under it: ignored on purpose (routing blocks, certificates). */
  okTree(node: CiscoNode): void {
    this.ok(node)
    for (const c of node.children) this.okTree(c)
  }

  bad(node: CiscoNode, reason: string, code: UnparsedCode): void {
    this.unparsed(node.line, reason, node.text, {code, replace: true})
  }

  /** A value reader's error (address, port, protocol): a bad value unless the reader says otherwise. */
  fail(node: CiscoNode, err: ReadError): void {
    this.bad(node, err.error, err.code ?? 'bad-value')
  }

  /** A node and everything under it, skipped on purpose (the parser's IGNORED table gives the reason). */
  ignoredTree(node: CiscoNode, reason: string): void {
    this.ignored(node.line, reason)
    for (const c of node.children) this.ignoredTree(c, reason)
  }

  /** Mark a subtree as not understood, each line with its own entry. */
  badTree(node: CiscoNode, reason: string, code: UnparsedCode): void {
    this.bad(node, reason, code)
    for (const c of node.children) this.badTree(c, reason, code)
  }
}

export interface ReadOptions {
  /** IOS: `banner motd ^C ... ^C` spans lines up to the closing delimiter. ASA banners are one line each. */
  multiLineBanners: boolean
  /** ASA `show running-config` starts with `: Saved` lines; `:` is a comment there. */
  colonComments: boolean
}

export interface CiscoText {
  nodes: CiscoNode[]
  ledger: LineLedger
}

const BANNER_KINDS = new Set(['motd', 'login', 'exec', 'incoming', 'slip-ppp', 'prompt-timeout', 'config-save'])

/** Split a config into a tree by indentation. Blank lines and comment lines are not counted. */
export function readCiscoText(text: string, options: ReadOptions, redact: (t: string) => string): CiscoText {
  const ledger = new LineLedger(redact)
  const roots: CiscoNode[] = []
  const stack: Array<{indent: number; node: CiscoNode}> = []
  const lines = inputLines({file: '', text})
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].text
    const trimmed = raw.trim()
    if (!trimmed || trimmed.startsWith('!') || (options.colonComments && trimmed.startsWith(':'))) continue
    const lineNo = i + 1
    const words = trimmed.split(/\s+/)
    ledger.see(lineNo, trimmed)
    const node: CiscoNode = {line: lineNo, text: trimmed, words, children: []}
    const indent = raw.length - raw.trimStart().length
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop()
    if (stack.length) stack[stack.length - 1].node.children.push(node)
    else roots.push(node)
    stack.push({indent, node})

    // IOS banner: the first character after the kind is the delimiter (`^C` as printed by show run);
    // the text runs to the next occurrence of it, possibly many lines below.
    if (options.multiLineBanners && words[0] === 'banner' && words.length >= 3 && BANNER_KINDS.has(words[1])) {
      const rest = trimmed.slice(trimmed.indexOf(words[1]) + words[1].length).trimStart()
      const delim = rest.startsWith('^C') ? '^C' : rest[0]
      if (rest.slice(delim.length).includes(delim)) continue
      for (i++; i < lines.length; i++) {
        const bannerLine = lines[i].text
        if (bannerLine.trim()) {
          // banner text is understood (ignored); it is never echoed
          const bn: CiscoNode = {line: i + 1, text: '', words: [], children: []}
          node.children.push(bn)
          ledger.see(i + 1)
        }
        if (bannerLine.includes(delim)) break
      }
    }
  }
  return {nodes: roots, ledger}
}

/**
 * The set of a parsed prefix, built from its range (not printed and parsed again: 10^5 ACEs each name
 * one); a /0 is the shared any-of-its-family set, as AddressSet.parse gives it.
 */
export function cidrSet(c: ParsedCidr): AddressSet {
  return c.prefix === 0 ? AddressSet.anyOf(c.family) : AddressSet.fromRange(c.family, c.start, c.end)
}

/** Cisco names in port positions that are not in the common table, or that Cisco numbers differently. */
const CISCO_PORTS: Record<string, number> = {
  // ASA and IOS both say kerberos = 750 (the v4 port), not 88
  kerberos: 750,
  'pim-auto-rp': 496,
  'onep-plain': 15001,
  'onep-tls': 15002,
  drip: 3949,
  'non500-isakmp': 4500,
  vxlan: 4789,
  'ftps': 990,
  'ipsec-msft': 4500,
}

export function ciscoPort(name: string): number | undefined {
  return CISCO_PORTS[name.toLowerCase()] ?? servicePort(name)
}

/** ICMP message names (ASA `icmp-object`, IOS `permit icmp any any echo`). */
export const ICMP_TYPES = new Set([
  'alternate-address', 'conversion-error', 'echo', 'echo-reply', 'information-reply', 'information-request',
  'mask-reply', 'mask-request', 'mobile-redirect', 'parameter-problem', 'redirect', 'router-advertisement',
  'router-solicitation', 'source-quench', 'time-exceeded', 'timestamp-reply', 'timestamp-request', 'traceroute',
  'unreachable', 'administratively-prohibited', 'dod-host-prohibited', 'dod-net-prohibited', 'host-unreachable',
  'net-unreachable', 'port-unreachable', 'protocol-unreachable', 'packet-too-big', 'ttl-exceeded', 'host-redirect',
  'net-redirect', 'general-parameter-problem', 'option-missing', 'no-room-for-option', 'nd-na', 'nd-ns',
  'neighbor-advertisement', 'neighbor-redirect', 'neighbor-solicitation', 'membership-query', 'membership-report',
  'membership-reduction', 'reassembly-timeout', 'host-precedence-unreachable', 'precedence-unreachable',
  'host-isolated', 'host-tos-redirect', 'host-tos-unreachable', 'host-unknown', 'net-tos-redirect',
  'net-tos-unreachable', 'network-unknown', 'packet-fragmented', 'source-route-failed', 'mobile-host-redirect',
  'router-renumbering', 'echo-request', 'destination-unreachable',
])

/** What a value reader returns when it cannot read: the reason, and its code when not `bad-value`. */
export interface ReadError {
  error: string
  code?: UnparsedCode
}

export type PortOpResult = {ports: PortSet; next: number} | ReadError

export const PORT_OPS = new Set(['eq', 'neq', 'lt', 'gt', 'range'])

/** `eq P [P…]`, `neq P`, `lt P`, `gt P`, `range A B` starting at words[i] (an operator). */
export function readPortOp(words: string[], i: number): PortOpResult {
  const op = words[i]
  const port = (w: string | undefined) => (w === undefined ? undefined : ciscoPort(w))
  switch (op) {
    case 'eq': {
      // IOS accepts several ports after eq (`eq www 443`); they end at the next keyword
      const a = port(words[i + 1])
      if (a === undefined) return {error: `unknown port '${words[i + 1] ?? ''}'`}
      let ports = PortSet.range(a)
      let j = i + 2
      for (; j < words.length; j++) {
        const more = /^\d+$/.test(words[j]) ? port(words[j]) : undefined
        if (more === undefined) break
        ports = ports.union(PortSet.range(more))
      }
      return {ports, next: j}
    }
    case 'neq': {
      const a = port(words[i + 1])
      if (a === undefined) return {error: `unknown port '${words[i + 1] ?? ''}'`}
      return {ports: PortSet.ALL.subtract(PortSet.range(a)), next: i + 2}
    }
    case 'lt': {
      const a = port(words[i + 1])
      if (a === undefined) return {error: `unknown port '${words[i + 1] ?? ''}'`}
      return {ports: PortSet.range(1, a - 1), next: i + 2}
    }
    case 'gt': {
      const a = port(words[i + 1])
      if (a === undefined) return {error: `unknown port '${words[i + 1] ?? ''}'`}
      return {ports: PortSet.range(a + 1, 65535), next: i + 2}
    }
    case 'range': {
      const a = port(words[i + 1])
      const b = port(words[i + 2])
      if (a === undefined || b === undefined) return {error: `unknown port range '${words.slice(i + 1, i + 3).join(' ')}'`}
      return {ports: PortSet.range(a, b), next: i + 3}
    }
    default:
      return {error: `unknown port operator '${op}'`}
  }
}

/** A service term as Cisco reads it: the neutral term plus a refinement kept as a doubt. */
export interface ServiceTerm extends NetServiceTerm {
  /** ICMP type or other refinement we keep as a doubt rather than narrowing the exposure. */
  note?: DoubtNote
}

export const ANY_SERVICE: ServiceTerm = NET_ANY_SERVICE

/** What both Cisco parsers carry through the evaluator for each rule. */
export interface CiscoRuleMeta {
  node: CiscoNode
  rule: string
  /** The ACL's name (stable, unlike the line or sequence number). */
  name?: string
  doubts: readonly DoubtNote[]
  fromSets?: readonly string[]
  toSets?: readonly string[]
  /** Object groups the rule named. */
  via?: readonly string[]
}

// the last rule's redacted text: a rule's pieces and its bindings (10^5 ACEs, several exposures each)
// come one after another, so its text is redacted once, not once per exposure
let lastNode: CiscoNode | undefined
let lastRedact: ((t: string) => string) | undefined
let lastText = ''

function redactedText(node: CiscoNode, redact: (t: string) => string): string {
  if (node !== lastNode || redact !== lastRedact) {
    lastText = redact(node.text)
    lastNode = node
    lastRedact = redact
  }
  return lastText
}

/** An inbound allow exposure for a permitted box of a Cisco rule, its text redacted. */
export function ciscoExposure(kind: Exposure['kind'], b: Box, meta: CiscoRuleMeta, redact: (t: string) => string, extra: Omit<ExposureInit, 'kind' | 'box' | 'line' | 'rule'> = {}): Exposure {
  // what extra says wins over the rule's text; the rule's names and sets win over extra's
  const init: ExposureInit = Object.assign({kind, box: b, line: meta.node.line, rule: meta.rule, text: redactedText(meta.node, redact)}, extra)
  if (meta.name) init.name = meta.name
  if (meta.fromSets?.length) init.fromSets = meta.fromSets
  if (meta.toSets?.length) init.toSets = meta.toSets
  if (meta.via?.length) init.via = meta.via
  init.doubts = extra.doubts?.length ? [...extra.doubts, ...meta.doubts] : meta.doubts
  return buildExposure(init)
}

/** Cisco redaction: the shared patterns know every Cisco form (keys, SNMP host communities, positional secrets). */
export function redactCisco(line: string): string {
  return redactLine(line)
}
