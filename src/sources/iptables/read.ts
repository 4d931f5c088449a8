/**
 * iptables text → IptRuleset. Two spellings of the same commands:
 * - iptables-save / ip6tables-save: `*table`, `:CHAIN POLICY [p:b]`, `-A CHAIN …`, `COMMIT`;
 * - shell commands: `iptables [-t nat] -A CHAIN …`, `ip6tables -I …`, `-P`, `-N`, `-F` (scripts,
 *   WireGuard PostUp lines, several joined with `;` or `&&`).
 * Every line lands in one bucket: modelled, ignored on purpose, or an Unparsed entry with a reason.
 */
import {note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import type {Family} from '../../net/ip.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {servicePort} from '../../net/services.js'
import {stageDone} from '../../core/stages.js'
import {redactLine} from '../redact.js'
import type {Unparsed} from '../types.js'
import {BUILTIN_CHAINS, type IptChain, type IptRule, type IptRuleset, type IptTable} from './model.js'
import {KNOWN_MODULES, MATCH_OPTIONS, MODULE_CONDITIONS, NON_TERMINATING, TARGET_OPTION_ARITY, VERDICTS} from './options.js'

export interface SourceLine {
  line: number
  text: string
}

export interface ReadResult {
  ruleset: IptRuleset
  unparsed: Unparsed[]
  lines: number
  understood: number
  /** Save blocks a later block of the same table replaced: their lines are understood and not in effect. */
  replaced: ReplacedBlock[]
}

/** A save block (`*filter` … `COMMIT`) whose table a later block of the same file started again. */
export interface ReplacedBlock {
  table: string
  /** Line of its `*table`. */
  line: number
  /** Line of the `*table` that replaced it. */
  by: number
  lines: number[]
}

const TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security'])

const QUOTING = /["'\\]/
const BLANKS = /[ \t]+/
/** `"`, `'`, blank, tab, backslash: where a run of ordinary word characters ends. */
const wordEnd = (code: number) => code === 34 || code === 39 || code === 32 || code === 9 || code === 92

/** Shell words: whitespace-separated, with "…" / '…' quoting and backslash escapes (as iptables-save quotes comments). */
export function shellWords(text: string): string[] {
  // the common line has no quote and no backslash: a plain split (no string built char by char)
  if (!QUOTING.test(text)) {
    const words = text.split(BLANKS)
    if (words[0] === '') words.shift()
    if (words.length && words[words.length - 1] === '') words.pop()
    return words
  }
  const out: string[] = []
  const n = text.length
  let cur = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  let i = 0
  while (i < n) {
    if (quote) {
      // a run up to the closing quote (or, inside "…", a backslash escape), taken as one slice
      let j = i
      while (j < n && text[j] !== quote && !(quote === '"' && text[j] === '\\' && j + 1 < n)) j++
      cur += text.slice(i, j)
      if (j >= n) break
      if (text[j] === quote) {
        quote = null
        i = j + 1
      } else {
        cur += text[j + 1]
        i = j + 2
      }
      continue
    }
    const c = text[i]
    if (c === '"' || c === "'") {
      quote = c
      inWord = true
      i++
    } else if (c === '\\' && i + 1 < n) {
      cur += text[i + 1]
      inWord = true
      i += 2
    } else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur)
      cur = ''
      inWord = false
      i++
    } else {
      let j = i + 1
      while (j < n && !wordEnd(text.charCodeAt(j))) j++
      // a lone trailing backslash is an ordinary character
      if (j === n - 1 && text[j] === '\\') j = n
      cur += text.slice(i, j)
      inWord = true
      i = j
    }
  }
  if (inWord) out.push(cur)
  return out
}

/** Split `a; b && c` into commands, outside quotes. */
function splitCommands(text: string): string[] {
  const out: string[] = []
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = null
      else if (c === '\\') i++
    } else if (c === '"' || c === "'") quote = c
    else if (c === '\\') i++
    else if (c === ';' || ((c === '&' || c === '|') && text[i + 1] === c)) {
      out.push(text.slice(start, i))
      if (c !== ';') i++
      start = i + 1
    }
  }
  out.push(text.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

// parsed port lists are immutable: one per distinct spelling (interned), bounded
const MAX_INTERNED = 1 << 16
const portSpecs = new Map<string, PortSet | null>()
function interned<T>(cache: Map<string, T>, key: string, make: (k: string) => T): T {
  let v = cache.get(key)
  if (v === undefined && !cache.has(key)) {
    if (cache.size >= MAX_INTERNED) cache.clear()
    v = make(key)
    cache.set(key, v)
  }
  return v as T
}

function parsePortSpec(spec: string): PortSet | null {
  return interned(portSpecs, spec, readPortSpec)
}

function readPortSpec(spec: string): PortSet | null {
  const pairs: Array<[number, number]> = []
  for (const raw of spec.split(',')) {
    const item = raw.trim()
    const m = /^([^:-]*)(?:[:-]([^:-]*))?$/.exec(item)
    if (!m) return null
    const one = (t: string, dflt: number) => (t === '' ? dflt : servicePort(t))
    const s = one(m[1], 0)
    const e = m[2] === undefined ? s : one(m[2], 65535)
    if (s === undefined || e === undefined || s > e || (m[1] === '' && m[2] === undefined)) return null
    pairs.push([s, e])
  }
  return PortSet.fromRanges(pairs)
}

interface AddressParse {
  set: AddressSet
  family?: Family
}

function parseAddressList(spec: string): AddressParse | null {
  let set = AddressSet.EMPTY
  let family: Family | undefined
  for (const item of spec.split(',')) {
    const s = AddressSet.parse(item)
    if (!s || item.trim().toLowerCase() === 'any') return null
    set = set.union(s)
    family = s.hasFamily(6) ? 6 : 4
  }
  return {set, family}
}

/** `--to-destination 10.0.0.5`, `10.0.0.5-10.0.0.9:80-81`, `[2001:db8::5]:8080`, `2001:db8::5`, `:8080`. */
function parseNatDestination(spec: string): {to?: AddressSet; ports?: PortSet} | null {
  let addr = spec
  let ports: string | undefined
  const bracket = /^\[([^\]]+)\](?::(.+))?$/.exec(spec)
  if (bracket) {
    addr = bracket[1]
    ports = bracket[2]
  } else if ((spec.match(/:/g) ?? []).length === 1) {
    const i = spec.indexOf(':')
    addr = spec.slice(0, i)
    ports = spec.slice(i + 1)
  }
  const out: {to?: AddressSet; ports?: PortSet} = {}
  if (addr !== '') {
    const a = AddressSet.parse(addr)
    if (!a) return null
    out.to = a
  }
  if (ports !== undefined) {
    const p = PortSet.parse(ports.replace(/\/.*/, ''))
    if (!p) return null
    out.ports = p
  }
  return out
}

/** redactLine, plus payload matches (`-m string --string …`), which may carry anything. */
export function redactRule(text: string): string {
  const safe = redactLine(text)
  return safe.includes('string') ? safe.replace(/(--(?:hex-)?string\s+)("[^"]*"|'[^']*'|\S+)/g, '$1<redacted>') : safe
}

const ICMPV6_WORDS = new Set(['icmpv6', 'ipv6-icmp', 'icmp6', '58'])

/** What one command line asks for. */
interface Command {
  op: 'append' | 'insert' | 'policy' | 'new-chain' | 'flush' | 'delete-chain' | 'zero' | 'none'
  table: string
  chain?: string
  position?: number
  policy?: string
  rule?: IptRule
  /** `iptables` → 4, `ip6tables` → 6, `-4`/`-6` in a restore file. */
  family?: Family
  line: number
  text: string
  problems: string[]
}

const OPS: Record<string, Command['op']> = {
  '-A': 'append', '--append': 'append', '-I': 'insert', '--insert': 'insert', '-P': 'policy', '--policy': 'policy',
  '-N': 'new-chain', '--new-chain': 'new-chain', '-F': 'flush', '--flush': 'flush', '-X': 'delete-chain',
  '--delete-chain': 'delete-chain', '-Z': 'zero', '--zero': 'zero',
}
const UNSUPPORTED_OPS = new Set(['-D', '--delete', '-R', '--replace', '-E', '--rename-chain', '-C', '--check'])

function newRule(line: number, text: string): IptRule {
  return {
    line, text, from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL,
    sourcePorts: PortSet.ALL, guards: [], doubts: [], unknown: false, rateLimited: false, newTraffic: true,
    loopback: false, fromSets: [], toSets: [], goto: false,
  }
}

/**
 * Parse the words of one iptables command (without the `iptables` word itself). Never throws: what it
 * cannot read goes to `problems`, and the rule is marked so that the evaluator stays on the side of recall.
 */
export function parseCommandWords(words: string[], line: number, text: string, table = 'filter'): Command {
  const cmd: Command = {op: 'none', table, line, text, problems: []}
  const rule = newRule(line, text)
  // match modules named so far (a few per rule: an array is cheaper than a Set)
  const modules: string[] = []
  let neg = false
  let i = 0
  const problem = (reason: string) => cmd.problems.push(reason)
  const doubt = (reason: string) => {
    problem(reason)
    rule.unknown = true
    rule.doubts.push(note('unknown-match', `${reason}: ignored; exposure may be broader`))
  }
  const cond = (desc: string) => rule.guards.push({cond: `${neg ? 'not ' : ''}${redactLine(desc)}`})
  // `! -s x` and the old `-s ! x` both negate
  const value = (): string | undefined => {
    let v = words[++i]
    if (v === '!') {
      neg = !neg
      v = words[++i]
    }
    return v
  }
  const hint = (f: Family | undefined) => {
    if (f) rule.familyHint = f
  }
  const addresses = (opt: string, v: string | undefined, side: 'from' | 'to') => {
    if (v === undefined) return doubt(`${opt} without a value`)
    const p = parseAddressList(v)
    if (!p) return doubt(`${opt} '${v}' is not an address (hostnames are not resolved)`)
    hint(p.family)
    const set = neg ? AddressSet.ANY.subtract(p.set) : p.set
    rule[side] = rule[side].intersect(set)
  }
  const ports = (opt: string, v: string | undefined, side: 'ports' | 'sourcePorts') => {
    if (v === undefined) return doubt(`${opt} without a value`)
    const p = parsePortSpec(v)
    if (!p) return doubt(`${opt} '${v}' is not a port list`)
    rule[side] = rule[side].intersect(neg ? PortSet.ALL.subtract(p) : p)
  }
  const states = (v: string | undefined) => {
    if (v === undefined) return doubt('state match without states')
    const s = v.toUpperCase().split(',')
    // conntrack(8): a new connection is NEW (or UNTRACKED); SNAT/DNAT are virtual states of new ones too
    const hasNew = s.some((x) => x === 'NEW' || x === 'UNTRACKED' || x === 'SNAT' || x === 'DNAT')
    if (neg ? s.includes('NEW') : !hasNew) rule.newTraffic = false
  }
  for (; i < words.length; i++, neg = false) {
    let w = words[i]
    while (w === '!') {
      neg = !neg
      w = words[++i]
    }
    if (w === undefined) break
    if (w[0] === '[' && /^\[\d+:\d+\]$/.test(w)) continue // iptables-save -c counters
    // every command word starts with '-': the lookups below are skipped for values and targets
    const dash = w[0] === '-'
    if (dash && OPS[w]) {
      cmd.op = OPS[w]
      const next = words[i + 1]
      if (next !== undefined && !next.startsWith('-')) {
        cmd.chain = next
        i++
      }
      if (cmd.op === 'insert' && /^\d+$/.test(words[i + 1] ?? '')) cmd.position = Number(words[++i])
      if (cmd.op === 'policy') cmd.policy = words[++i]
      continue
    }
    if (dash && UNSUPPORTED_OPS.has(w)) {
      problem(`command ${w} (delete/replace/rename) is not replayed`)
      return {...cmd, op: 'none'}
    }
    switch (w) {
      case '-t': case '--table': cmd.table = words[++i] ?? table; continue
      case '-4': case '--ipv4': cmd.family = 4; continue
      case '-6': case '--ipv6': cmd.family = 6; continue
      case '-w': case '--wait': if (/^\d+(\.\d+)?$/.test(words[i + 1] ?? '')) i++; continue
      case '-W': case '--wait-interval': i++; continue
      case '-v': case '--verbose': case '-n': case '--numeric': case '-x': case '--exact': case '--line-numbers': continue
      case '-c': case '--set-counters': i += 2; continue
      case '-s': case '--source': case '--src': addresses(w, value(), 'from'); continue
      case '-d': case '--destination': case '--dst': addresses(w, value(), 'to'); continue
      case '-p': case '--protocol': {
        const v = value()
        const p = v === undefined ? null : parseProtocol(v)
        if (!p || v === undefined) {
          doubt(`protocol '${v ?? ''}' unknown`)
          continue
        }
        if (ICMPV6_WORDS.has(v.toLowerCase())) hint(6)
        rule.protocols = neg ? ProtocolSet.ALL.subtract(p) : p
        if (!neg) modules.push(v.toLowerCase())
        continue
      }
      case '-i': case '--in-interface': {
        const v = value() ?? ''
        if (v === 'lo' && !neg) rule.loopback = true
        rule.inInterface = `${neg ? '!' : ''}${v}`
        rule.guards.push({in: rule.inInterface})
        continue
      }
      case '-o': case '--out-interface': {
        const v = value() ?? ''
        if (v === 'lo' && !neg) rule.loopback = true
        rule.outInterface = `${neg ? '!' : ''}${v}`
        rule.guards.push({out: rule.outInterface})
        continue
      }
      case '-f': case '--fragment': cond('fragments'); continue
      case '-m': case '--match': {
        const m = (words[++i] ?? '').toLowerCase()
        modules.push(m)
        if (m === 'icmp6' || m === 'icmpv6') hint(6)
        if (MODULE_CONDITIONS[m]) rule.guards.push({cond: MODULE_CONDITIONS[m]})
        if (!KNOWN_MODULES.has(m)) doubt(`unknown match module '${m}'`)
        continue
      }
      case '-j': case '--jump': case '-g': case '--goto': {
        const t = words[++i]
        if (t === undefined) {
          problem('jump without a target')
          continue
        }
        rule.goto = w === '-g' || w === '--goto'
        rule.target = VERDICTS.has(t.toUpperCase()) || NON_TERMINATING.has(t.toUpperCase()) ? t.toUpperCase() : t
        continue
      }
      case '--dport': case '--destination-port': case '--dports': case '--destination-ports':
        ports(w, value(), 'ports')
        continue
      case '--sport': case '--source-port': case '--sports': case '--source-ports':
        ports(w, value(), 'sourcePorts')
        continue
      case '--ports': case '--port': {
        // multiport --ports matches when the source OR the destination port is listed: the box cannot say
        // "or", so read it as destination ports (the usual intent) and say so
        const before = rule.ports
        ports(w, value(), 'ports')
        if (rule.ports !== before) rule.guards.push({cond: 'multiport --ports also matches source ports'})
        continue
      }
      case '--syn':
        // --syn is a new TCP connection: what we list anyway; `! --syn` never opens one
        if (neg) rule.newTraffic = false
        continue
      case '--tcp-flags': {
        const mask = (words[++i] ?? '').toUpperCase().split(',')
        const set = (words[++i] ?? '').toUpperCase().split(',')
        const hasAll = (xs: string[]) => xs.includes('ALL')
        const masked = (f: string) => hasAll(mask) || mask.includes(f)
        const on = (f: string) => hasAll(set) || set.includes(f)
        // SYN set and ACK/RST clear is the opening segment of a connection, same as --syn
        const opening = masked('SYN') && masked('ACK') && on('SYN') && !on('ACK') && !(masked('RST') && on('RST'))
        if (opening && !neg) continue
        if (opening && neg) {
          rule.newTraffic = false
          continue
        }
        cond(`tcp flags ${mask.join(',')}/${set.join(',')}`)
        continue
      }
      case '--icmp-type': case '--icmpv6-type': {
        const v = value() ?? ''
        if (w === '--icmpv6-type') hint(6)
        if (v !== 'any' || neg) cond(`${w === '--icmp-type' ? 'icmp' : 'icmpv6'} type ${v}`)
        continue
      }
      case '--state': case '--ctstate': states(value()); continue
      case '--ctproto': {
        const p = parseProtocol(value() ?? '')
        if (!p) doubt('--ctproto unknown')
        else rule.protocols = rule.protocols.intersect(neg ? ProtocolSet.ALL.subtract(p) : p)
        continue
      }
      // the original tuple is the packet as it arrived, before NAT: what the filter rules here see
      case '--ctorigsrc': addresses(w, value(), 'from'); continue
      case '--ctorigdst': addresses(w, value(), 'to'); continue
      case '--ctorigsrcport': ports(w, value(), 'sourcePorts'); continue
      case '--ctorigdstport': ports(w, value(), 'ports'); continue
      case '--src-range': case '--dst-range': {
        const v = value() ?? ''
        const s = AddressSet.parse(v)
        if (!s || !v.includes('-')) {
          doubt(`${w} '${v}' is not an address range`)
          continue
        }
        hint(s.hasFamily(6) ? 6 : 4)
        const side = w === '--src-range' ? 'from' : 'to'
        rule[side] = rule[side].intersect(neg ? AddressSet.ANY.subtract(s) : s)
        continue
      }
      case '--comment': rule.comment = redactLine(words[++i] ?? ''); continue
      case '--match-set': case '--set': {
        if (w === '--set' && !modules.includes('set')) break
        const name = words[++i] ?? ''
        const dir = (words[++i] ?? 'src').split(',')[0]
        ;(dir === 'dst' ? rule.toSets : rule.fromSets).push(neg ? `!${name}` : name)
        rule.guards.push({set: dir === 'dst' ? 'dst' : 'src', name: `${neg ? '!' : ''}${name}`})
        continue
      }
      case '--to-destination': {
        const v = words[++i] ?? ''
        const p = parseNatDestination(v)
        if (!p) problem(`--to-destination '${v}' not understood`)
        else {
          rule.nat = rule.nat?.to && p.to ? {...p, to: rule.nat.to.union(p.to)} : p
          hint(p.to?.hasFamily(6) ? 6 : p.to ? 4 : undefined)
        }
        continue
      }
      case '--to-ports': {
        const v = words[++i] ?? ''
        const p = PortSet.parse(v)
        if (!p) problem(`--to-ports '${v}' not understood`)
        else rule.nat = {...rule.nat, ports: p}
        continue
      }
      default:
        break
    }
    if (w === '--set' && modules.includes('recent')) continue
    const known = MATCH_OPTIONS[w]
    if (known && !(rule.target && TARGET_OPTION_ARITY[w] !== undefined)) {
      const [arity, effect, desc] = known
      const args = words.slice(i + 1, i + 1 + arity)
      i += arity
      if (effect === 'rate') rule.rateLimited = true
      // payload strings may be anything (even secrets): name the match, not its bytes
      else if (effect === 'cond') cond(w.endsWith('string') ? (desc ?? w) : `${desc ?? w.slice(2)} ${args.join(' ')}`.trim())
      continue
    }
    const targetArity = TARGET_OPTION_ARITY[w]
    if (targetArity !== undefined && rule.target) {
      i += targetArity
      continue
    }
    if (!w.startsWith('-') && cmd.op === 'none') {
      problem(`unexpected word '${w}'`)
      continue
    }
    // an unknown option: skip its values (words up to the next option) and doubt the rule
    while (i + 1 < words.length && !words[i + 1].startsWith('-') && words[i + 1] !== '!') i++
    doubt(`unknown option '${w}'`)
  }
  if (cmd.op === 'append' || cmd.op === 'insert') cmd.rule = rule
  if (cmd.family) rule.familyHint = cmd.family
  return cmd
}

/** A table as a save block collects it, before its family is known. */
interface PendingTable {
  name: string
  /** Line of the `*table` (0 for rules before any). */
  line: number
  /** The block's lines, its `*table` and `COMMIT` included. */
  lines: number[]
  headerFamily?: Family
  hints: Set<Family>
  chains: Map<string, IptChain>
}

const IP6_FILE = /(^|[^a-z])(ip6tables|rules\.v6|v6$|ipv6)/i

/**
 * Read a whole file (iptables-save output, or a script of iptables commands, or both).
 */
export function readIptables(text: string, fileName = ''): ReadResult {
  const lines = text.split(/\r?\n/)
  const joined: SourceLine[] = []
  for (let n = 0; n < lines.length; n++) {
    let t = lines[n]
    const start = n + 1
    // shell line continuations
    while (t.includes('\\') && /\\\s*$/.test(t) && n + 1 < lines.length) t = t.replace(/\\\s*$/, ' ') + lines[++n]
    joined.push({line: start, text: t})
  }
  stageDone('tokenize')
  const read = readLines(joined, fileName)
  stageDone('model')
  return read
}

/**
 * Read numbered lines. Exported for formats that embed iptables commands (WireGuard PostUp/PreDown):
 * give each command with its own line number.
 */
export function readLines(source: SourceLine[], fileName = ''): ReadResult {
  const ruleset: IptRuleset = new Map()
  const unparsed: Unparsed[] = []
  let counted = 0
  let bad = 0
  let headerFamily: Family | undefined
  let block: PendingTable | null = null
  // iptables-restore (without --noflush) flushes a table each time a block starts it: the kernel keeps
  // the last block of each table, its user chains and its policies (nft backend: undeclared policies
  // are ACCEPT again). Commands outside save blocks (a script's `iptables -A`) add up as they run.
  const savedBlocks = new Map<string, PendingTable>()
  const replaced: ReplacedBlock[] = []
  const fileFamily: Family = IP6_FILE.test(fileName) ? 6 : 4

  const tableOf = (family: Family, name: string): IptTable => {
    const key = `${family} ${name}`
    let t = ruleset.get(key)
    if (!t) {
      t = {name, family, chains: new Map()}
      ruleset.set(key, t)
    }
    return t
  }
  const chainOf = (chains: Map<string, IptChain>, name: string): IptChain => {
    let c = chains.get(name)
    if (!c) {
      c = {name, rules: []}
      chains.set(name, c)
    }
    return c
  }
  // A save block's family: the `# Generated by ip6tables-save` header when present; else the content
  // (IPv6 addresses, icmpv6 → 6; IPv4 addresses → 4); else the file name (`*.v6`, `ip6tables*`); else 4.
  const closeBlock = () => {
    if (!block) return
    const b = block
    block = null
    const family: Family =
      b.headerFamily ?? (b.hints.has(6) && !b.hints.has(4) ? 6 : b.hints.has(4) ? 4 : fileFamily)
    const t = tableOf(family, b.name)
    const key = `${family} ${b.name}`
    const earlier = savedBlocks.get(key)
    // only a written `*table` starts the table again; rules with no block before them add to it
    if (earlier && b.line === 0) for (const l of b.lines) earlier.lines.push(l)
    else {
      if (earlier) {
        t.chains.clear()
        replaced.push({table: b.name, line: earlier.line, by: b.line, lines: earlier.lines})
      }
      savedBlocks.set(key, b)
    }
    for (const [name, c] of b.chains) {
      const into = chainOf(t.chains, name)
      if (c.policy) Object.assign(into, {policy: c.policy, policyLine: c.policyLine, policyText: c.policyText})
      into.rules.push(...c.rules)
    }
  }
  const openBlock = (name: string, line: number): PendingTable => {
    closeBlock()
    block = {name, line, lines: [], headerFamily, hints: new Set(), chains: new Map()}
    return block
  }
  const fail = (line: number, reason: string, text: string) => {
    unparsed.push({line, reason, text: redactRule(text.trim())})
  }

  for (const {line, text} of source) {
    const t = text.trim()
    if (t === '') continue
    if (t.startsWith('#')) {
      const g = /^#\s*Generated by (ip6?)tables-save/i.exec(t)
      if (g) headerFamily = g[1].toLowerCase() === 'ip6' ? 6 : 4
      continue
    }
    counted++
    const problems: string[] = []
    if (t.startsWith('*')) {
      const name = t.slice(1).trim()
      if (!TABLES.has(name)) problems.push(`unknown table '${name}'`)
      openBlock(name, line).lines.push(line)
    } else if (t === 'COMMIT') {
      ;(block as PendingTable | null)?.lines.push(line)
      closeBlock()
      headerFamily = undefined
    } else if (t.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(t)
      if (!m) problems.push('chain declaration not understood')
      else {
        if (!block) openBlock('filter', 0)
        block!.lines.push(line)
        const c = chainOf(block!.chains, m[1])
        const p = m[2].toUpperCase()
        if (p === 'ACCEPT' || p === 'DROP') Object.assign(c, {policy: p, policyLine: line, policyText: redactLine(t)})
        else if (p !== '-') problems.push(`chain policy '${m[2]}' not understood`)
      }
    } else if (t.startsWith('-') || t.startsWith('[')) {
      // iptables-restore body line
      if (!block) openBlock('filter', 0)
      const b = block!
      b.lines.push(line)
      const cmd = parseCommandWords(shellWords(t), line, redactRule(t), b.name)
      problems.push(...cmd.problems)
      if (cmd.rule?.familyHint) b.hints.add(cmd.rule.familyHint)
      applyToChains(b.chains, cmd, chainOf, problems)
    } else {
      for (const part of splitCommands(t)) {
        const words = shellWords(part)
        let k = 0
        while (k < words.length && /^(sudo|exec|command|-[a-zA-Z]+)$/.test(words[k]) && k < 3) k++
        const prog = /^(?:[^\s=]*\/)?(ip6?)tables(?:-legacy|-nft)?$/.exec(words[k] ?? '')
        if (!prog) {
          problems.push(/^\$/.test(words[k] ?? '') ? 'shell variable not expanded' : 'not an iptables command')
          continue
        }
        const family: Family = prog[1] === 'ip6' ? 6 : 4
        const cmd = parseCommandWords(words.slice(k + 1), line, redactRule(part), 'filter')
        problems.push(...cmd.problems)
        applyToChains(tableOf(family, cmd.table).chains, cmd, chainOf, problems)
      }
    }
    if (problems.length) {
      bad++
      fail(line, [...new Set(problems)].join('; '), t)
    }
  }
  closeBlock()
  return {ruleset, unparsed, lines: counted, understood: counted - bad, replaced}
}

function applyToChains(
  chains: Map<string, IptChain>,
  cmd: Command,
  chainOf: (chains: Map<string, IptChain>, name: string) => IptChain,
  problems: string[],
): void {
  switch (cmd.op) {
    case 'append':
    case 'insert': {
      if (!cmd.chain || !cmd.rule) {
        problems.push('rule without a chain')
        return
      }
      const c = chainOf(chains, cmd.chain)
      if (cmd.op === 'append') c.rules.push(cmd.rule)
      else c.rules.splice(Math.max(0, (cmd.position ?? 1) - 1), 0, cmd.rule)
      return
    }
    case 'policy': {
      const p = (cmd.policy ?? '').toUpperCase()
      if (!cmd.chain || !BUILTIN_CHAINS.has(cmd.chain) || (p !== 'ACCEPT' && p !== 'DROP')) {
        problems.push('policy not understood')
        return
      }
      Object.assign(chainOf(chains, cmd.chain), {policy: p, policyLine: cmd.line, policyText: cmd.text})
      return
    }
    case 'new-chain':
      if (cmd.chain) chainOf(chains, cmd.chain)
      return
    case 'flush':
      // -F empties one chain (or every chain of the table); later commands refill them
      for (const c of chains.values()) if (!cmd.chain || c.name === cmd.chain) c.rules = []
      return
    case 'delete-chain':
      if (cmd.chain) chains.delete(cmd.chain)
      else for (const [name, c] of chains) if (!BUILTIN_CHAINS.has(name) && c.rules.length === 0) chains.delete(name)
      return
    case 'zero':
      return
    case 'none':
      if (!cmd.problems.length) problems.push('no command (-A, -I, -P, -N, -F) in this line')
  }
}
