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
import {stageDone} from '../../core/stages.js'
import {isWhiteSpace, LineCursor} from '../input.js'
import {hasInnerBlank, MAX_ECHO, redactLine} from '../redact.js'
import type {Unparsed, UnparsedCode} from '../types.js'
import {BUILTIN_CHAINS, type Guard, type IptChain, type IptRule, type IptRuleset, type IptTable, RuleFlag} from './model.js'
import {SaveLineReader} from './save-line.js'
import {Spellings, Words} from './words.js'
import {MATCH_OPTIONS, type OptionEffect, TARGET_OPTION_ARITY} from './options.js'
import {ICMPV6_WORDS, moduleWords, names, newRule, NONE, parseNatDestination, portSpecAt, protocolWords, readModule, readProtocolWord, readStateList, readTarget, sameName, stateLists, targetWords} from './values.js'

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


/** Shell words: whitespace-separated, with "…" / '…' quoting and backslash escapes (as iptables-save quotes comments). */
export function shellWords(text: string): string[] {
  return new Words().read(text, 0, text.length).from(0)
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

/** One address list (`10.0.0.0/8,192.0.2.1`) and the family of its last item; null when an item is no address. */
function parseAddressList(spec: string): {set: AddressSet; family: Family} | null {
  // one dotted quad or CIDR: the usual spelling, read without the general parser's intermediate objects
  const quick = spec.indexOf(',') < 0 ? AddressSet.parseIpv4(spec) : undefined
  if (quick) return {set: quick, family: 4}
  let set = AddressSet.EMPTY
  let family: Family = 4
  for (const item of spec.split(',')) {
    const s = AddressSet.parse(item)
    if (!s || item.trim().toLowerCase() === 'any') return null
    set = set.union(s)
    family = s.hasFamily(6) ? 6 : 4
  }
  return {set, family}
}

/** redactLine, plus payload matches (`-m string --string …`), which may carry anything. */
export function redactRule(text: string): string {
  return redactPayload(redactLine(text))
}

/** The payload part of redactRule, for a line redactLine gives back as it is. */
function redactPayload(safe: string): string {
  return safe.includes('string') ? safe.replace(/(--(?:hex-)?string\s+)("[^"]*"|'[^']*'|\S+)/g, '$1<redacted>') : safe
}

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
  /** Address family evidence seen in the rule (addresses, icmpv6, `-4`/`-6`): a save block's family. */
  familyHint?: Family
  line: number
  text: string
  problems: string[]
  /** The code of the first problem (UNPARSED_CODES): the line's code when it is reported unparsed. */
  code?: UnparsedCode
}

// The words a command is made of, looked up once each (one Map probe instead of a chain of string
// compares): the command verbs, the options the reader handles itself (by code), and the two tables
// of options.ts. Values and targets never start with '-' and are not looked up.
const enum Opt {
  Table = 1, V4, V6, Wait, WaitInterval, Flag, Counters, Source, Destination, Protocol, In, Out, Fragment, Match, Jump,
  Dport, Sport, Ports, Syn, TcpFlags, IcmpType, State, CtProto, CtOrigSrc, CtOrigDst, CtOrigSrcPort, CtOrigDstPort,
  Range, Comment, MatchSet, ToDestination, ToPorts, Goto,
}

interface WordSpec {
  op?: Command['op']
  unsupported?: true
  opt?: Opt
  match?: [number, OptionEffect, string?]
  targetArity?: number
}

const OPS: Record<string, Command['op']> = {
  '-A': 'append', '--append': 'append', '-I': 'insert', '--insert': 'insert', '-P': 'policy', '--policy': 'policy',
  '-N': 'new-chain', '--new-chain': 'new-chain', '-F': 'flush', '--flush': 'flush', '-X': 'delete-chain',
  '--delete-chain': 'delete-chain', '-Z': 'zero', '--zero': 'zero',
}
const UNSUPPORTED_OPS = ['-D', '--delete', '-R', '--replace', '-E', '--rename-chain', '-C', '--check']
const OPTION_CODES: Array<[Opt, string[]]> = [
  [Opt.Table, ['-t', '--table']], [Opt.V4, ['-4', '--ipv4']], [Opt.V6, ['-6', '--ipv6']], [Opt.Wait, ['-w', '--wait']],
  [Opt.WaitInterval, ['-W', '--wait-interval']], [Opt.Flag, ['-v', '--verbose', '-n', '--numeric', '-x', '--exact', '--line-numbers']],
  [Opt.Counters, ['-c', '--set-counters']], [Opt.Source, ['-s', '--source', '--src']], [Opt.Destination, ['-d', '--destination', '--dst']],
  [Opt.Protocol, ['-p', '--protocol']], [Opt.In, ['-i', '--in-interface']], [Opt.Out, ['-o', '--out-interface']],
  [Opt.Fragment, ['-f', '--fragment']], [Opt.Match, ['-m', '--match']], [Opt.Jump, ['-j', '--jump']], [Opt.Goto, ['-g', '--goto']],
  [Opt.Dport, ['--dport', '--destination-port', '--dports', '--destination-ports']],
  [Opt.Sport, ['--sport', '--source-port', '--sports', '--source-ports']], [Opt.Ports, ['--ports', '--port']],
  [Opt.Syn, ['--syn']], [Opt.TcpFlags, ['--tcp-flags']], [Opt.IcmpType, ['--icmp-type', '--icmpv6-type']],
  [Opt.State, ['--state', '--ctstate']], [Opt.CtProto, ['--ctproto']], [Opt.CtOrigSrc, ['--ctorigsrc']],
  [Opt.CtOrigDst, ['--ctorigdst']], [Opt.CtOrigSrcPort, ['--ctorigsrcport']], [Opt.CtOrigDstPort, ['--ctorigdstport']],
  [Opt.Range, ['--src-range', '--dst-range']], [Opt.Comment, ['--comment']], [Opt.MatchSet, ['--match-set', '--set']],
  [Opt.ToDestination, ['--to-destination']], [Opt.ToPorts, ['--to-ports']],
]
const WORDS = new Map<string, WordSpec>()
{
  const spec = (w: string) => {
    let s = WORDS.get(w)
    if (!s) WORDS.set(w, (s = {}))
    return s
  }
  for (const [w, op] of Object.entries(OPS)) spec(w).op = op
  for (const w of UNSUPPORTED_OPS) spec(w).unsupported = true
  for (const [opt, words] of OPTION_CODES) for (const w of words) spec(w).opt = opt
  for (const [w, m] of Object.entries(MATCH_OPTIONS)) spec(w).match = m
  for (const [w, n] of Object.entries(TARGET_OPTION_ARITY)) spec(w).targetArity = n
}
/** WORDS, looked up with a word read in place. */
export const WORD_SPECS = new Spellings<WordSpec>(Number.POSITIVE_INFINITY)
for (const [w, spec] of WORDS) WORD_SPECS.set(w, spec)

/**
 * One command's words read left to right: the rule it builds and the problems met. A class rather than
 * closures, and one per file filled again per command (`begin`): no dozen functions nor reader object
 * per rule. Words are read in place (Words): looked up and parsed by their offsets, made strings only
 * where one is kept.
 */
class CommandReader {
  /** The command being read: one object, filled again for each line (its reader takes it at once). */
  readonly cmd: Command = {
    // every field from the start: one object shape for every command (none added line by line)
    op: 'none', table: 'filter', chain: undefined, position: undefined, policy: undefined, rule: undefined,
    family: undefined, familyHint: undefined, line: 0, text: '', problems: NONE as unknown as string[], code: undefined,
  }
  rule: IptRule = newRule(0, '')
  /** Position of the word being read. */
  i = 0
  /** The current option is negated (`! -s x`, or the old `-s ! x`). */
  neg = false
  /** `-m set` / `-m recent` seen: `--set` belongs to one of them. */
  setModule = false
  recentModule = false
  /** The table of a command without `-t`. */
  table = 'filter'

  /** A reader of `words`, filled again for each command (the reader runs once per rule: no new one each time). */
  constructor(readonly words: Words) {}

  /** Start on a command: its line, its redacted text and its table unless `-t` says another. */
  begin(line: number, text: string, table: string): this {
    const cmd = this.cmd
    cmd.op = 'none'
    cmd.table = table
    cmd.chain = cmd.position = cmd.policy = cmd.rule = cmd.family = cmd.familyHint = cmd.code = undefined
    cmd.line = line
    cmd.text = text
    cmd.problems = NONE as unknown as string[]
    this.rule = newRule(line, text)
    this.i = 0
    this.neg = this.setModule = this.recentModule = false
    this.table = table
    return this
  }

  problem(reason: string, code: UnparsedCode): void {
    if (this.cmd.problems === (NONE as unknown)) this.cmd.problems = []
    this.cmd.problems.push(reason)
    this.cmd.code ??= code
  }

  doubt(reason: string, code: UnparsedCode = 'unknown-statement'): void {
    this.problem(reason, code)
    this.rule.flags |= RuleFlag.Unknown
    this.rule.doubts = [...this.rule.doubts, note('unknown-match', `${reason}: ignored; exposure may be broader`)]
  }

  guard(g: Guard): void {
    this.rule.guards = [...this.rule.guards, g]
  }

  cond(desc: string): void {
    this.guard({cond: `${this.neg ? 'not ' : ''}${redactLine(desc)}`})
  }

  /** The next word as an option's value, by position (past the last word: none); a `!` before it negates (`-s ! x`). */
  valueAt(): number {
    if (this.words.isBang(++this.i)) {
      this.neg = !this.neg
      ++this.i
    }
    return this.i
  }

  /** The next word as an option's value; a `!` before it negates (`-s ! x`). */
  value(): string | undefined {
    return this.words.at(this.valueAt())
  }

  hint(f: Family | undefined): void {
    if (f) this.cmd.familyHint = f
  }

  /** Word `opt` names the option (for messages); the value is the next word. */
  addresses(opt: number, side: 'from' | 'to'): void {
    const {words, rule} = this
    const k = this.valueAt()
    if (k >= words.n) return this.doubt(`${words.at(opt)} without a value`, 'malformed')
    // one dotted quad or CIDR: the usual spelling, read in place without the general parser's objects
    let set = words.isPlain(k) ? AddressSet.parseIpv4Range(words.text, words.start[k], words.end[k]) : undefined
    if (set) {
      // digits, dots and a slash: no prefilter word
      words.clear(k)
      this.hint(4)
    } else {
      const p = parseAddressList(words.at(k) as string)
      if (!p) return this.doubt(`${words.at(opt)} '${words.at(k)}' is not an address (hostnames are not resolved)`, 'bad-value')
      this.hint(p.family)
      set = p.set
    }
    if (this.neg) set = AddressSet.ANY.subtract(set)
    // a property each (not rule[side]): one shape of access per site
    if (side === 'from') rule.from = rule.from.intersect(set)
    else rule.to = rule.to.intersect(set)
  }

  ports(opt: number, side: 'ports' | 'sourcePorts'): void {
    const {words, rule} = this
    const k = this.valueAt()
    if (k >= words.n) return this.doubt(`${words.at(opt)} without a value`, 'malformed')
    let p = portSpecAt(words, k)
    if (!p) return this.doubt(`${words.at(opt)} '${words.at(k)}' is not a port list`, 'bad-value')
    if (this.neg) p = PortSet.ALL.subtract(p)
    if (side === 'ports') rule.ports = rule.ports.intersect(p)
    else rule.sourcePorts = rule.sourcePorts.intersect(p)
  }

  states(): void {
    const k = this.valueAt()
    if (k >= this.words.n) return this.doubt('state match without states', 'malformed')
    const bits = stateLists.intern(this.words, k, readStateList)
    if (this.neg ? bits & 2 : !(bits & 1)) this.rule.flags |= RuleFlag.OldTraffic
  }

  /** A verb (`-A CHAIN`, `-I CHAIN 3`, `-P CHAIN DROP`). */
  verb(op: Command['op']): void {
    const {cmd, words} = this
    cmd.op = op
    const next = this.i + 1
    if (next < words.n && words.code(next, 0) !== 45) {
      cmd.chain = names.intern(words, next, sameName)
      this.i++
    }
    if (op === 'insert' && /^\d+$/.test(words.at(this.i + 1) ?? '')) cmd.position = Number(words.at(++this.i))
    if (op === 'policy') cmd.policy = words.at(++this.i)
  }

  /** The options the reader models itself (word `w` names it); false: not handled here (`--set` outside `-m set`). */
  option(opt: Opt, w: number): boolean {
    const {rule, words, cmd} = this
    switch (opt) {
      case Opt.Table: cmd.table = words.at(++this.i) ?? this.table; return true
      case Opt.V4: cmd.family = 4; return true
      case Opt.V6: cmd.family = 6; return true
      case Opt.Wait: if (/^\d+(\.\d+)?$/.test(words.at(this.i + 1) ?? '')) this.i++; return true
      case Opt.WaitInterval: this.i++; return true
      case Opt.Flag: return true
      case Opt.Counters: this.i += 2; return true
      case Opt.Source: this.addresses(w, 'from'); return true
      case Opt.Destination: this.addresses(w, 'to'); return true
      case Opt.Protocol: this.protocol(); return true
      case Opt.In: case Opt.Out: this.iface(opt === Opt.In); return true
      case Opt.Fragment: this.cond('fragments'); return true
      case Opt.Match: this.match(); return true
      case Opt.Jump: case Opt.Goto: this.jump(opt === Opt.Goto); return true
      case Opt.Dport: this.ports(w, 'ports'); return true
      case Opt.Sport: this.ports(w, 'sourcePorts'); return true
      case Opt.Ports: {
        // multiport --ports matches when the source OR the destination port is listed: the box cannot say
        // "or", so read it as destination ports (the usual intent) and say so
        const before = rule.ports
        this.ports(w, 'ports')
        if (rule.ports !== before) this.guard({cond: 'multiport --ports also matches source ports'})
        return true
      }
      // --syn is a new TCP connection: what we list anyway; `! --syn` never opens one
      case Opt.Syn: if (this.neg) rule.flags |= RuleFlag.OldTraffic; return true
      case Opt.TcpFlags: this.tcpFlags(); return true
      case Opt.IcmpType: {
        const v = this.value() ?? ''
        const six = words.is(w, '--icmpv6-type')
        if (six) this.hint(6)
        if (v !== 'any' || this.neg) this.cond(`${six ? 'icmpv6' : 'icmp'} type ${v}`)
        return true
      }
      case Opt.State: this.states(); return true
      case Opt.CtProto: {
        const p = parseProtocol(this.value() ?? '')
        if (!p) this.doubt('--ctproto unknown', 'bad-value')
        else rule.protocols = rule.protocols.intersect(this.neg ? ProtocolSet.ALL.subtract(p) : p)
        return true
      }
      // the original tuple is the packet as it arrived, before NAT: what the filter rules here see
      case Opt.CtOrigSrc: this.addresses(w, 'from'); return true
      case Opt.CtOrigDst: this.addresses(w, 'to'); return true
      case Opt.CtOrigSrcPort: this.ports(w, 'sourcePorts'); return true
      case Opt.CtOrigDstPort: this.ports(w, 'ports'); return true
      case Opt.Range: this.range(words.at(w) as string); return true
      case Opt.Comment: rule.comment = redactLine(words.at(++this.i) ?? ''); return true
      case Opt.MatchSet: {
        if (words.is(w, '--set') && !this.setModule) return false
        const name = words.at(++this.i) ?? ''
        const dir = (words.at(++this.i) ?? 'src').split(',')[0]
        const named = this.neg ? `!${name}` : name
        this.guard({set: dir === 'dst' ? 'dst' : 'src', name: named})
        return true
      }
      case Opt.ToDestination: {
        const v = words.at(++this.i) ?? ''
        const p = parseNatDestination(v)
        if (!p) this.problem(`--to-destination '${v}' not understood`, 'bad-value')
        else {
          rule.nat = rule.nat?.to && p.to ? {...p, to: rule.nat.to.union(p.to)} : p
          this.hint(p.to?.hasFamily(6) ? 6 : p.to ? 4 : undefined)
        }
        return true
      }
      case Opt.ToPorts: {
        const v = words.at(++this.i) ?? ''
        const p = PortSet.parse(v)
        if (!p) this.problem(`--to-ports '${v}' not understood`, 'bad-value')
        else rule.nat = {...rule.nat, ports: p}
        return true
      }
    }
  }

  protocol(): void {
    const k = this.valueAt()
    const p = k < this.words.n ? protocolWords.intern(this.words, k, readProtocolWord) : undefined
    if (!p?.set) {
      this.doubt(`protocol '${this.words.at(k) ?? ''}' unknown`, 'bad-value')
      return
    }
    if (ICMPV6_WORDS.has(p.lower)) this.hint(6)
    this.rule.protocols = this.neg ? ProtocolSet.ALL.subtract(p.set) : p.set
  }

  iface(input: boolean): void {
    const k = this.valueAt()
    const v = k < this.words.n ? names.intern(this.words, k, sameName) : ''
    const rule = this.rule
    if (v === 'lo' && !this.neg) rule.flags |= RuleFlag.Loopback
    const name = this.neg ? `!${v}` : v
    this.guard(input ? {in: name} : {out: name})
  }

  match(): void {
    const k = ++this.i
    const m = k < this.words.n ? moduleWords.intern(this.words, k, readModule) : readModule('')
    if (m.lower === 'set') this.setModule = true
    else if (m.lower === 'recent') this.recentModule = true
    if (m.lower === 'icmp6' || m.lower === 'icmpv6') this.hint(6)
    if (m.condition !== undefined) this.guard({cond: m.condition})
    if (!m.known) this.doubt(`unknown match module '${m.lower}'`)
  }

  jump(goto: boolean): void {
    const k = ++this.i
    if (k >= this.words.n) {
      this.problem('jump without a target', 'malformed')
      return
    }
    this.rule.flags = goto ? this.rule.flags | RuleFlag.Goto : this.rule.flags & ~RuleFlag.Goto
    this.rule.target = targetWords.intern(this.words, k, readTarget)
  }

  tcpFlags(): void {
    const words = this.words
    const mask = (words.at(++this.i) ?? '').toUpperCase().split(',')
    const set = (words.at(++this.i) ?? '').toUpperCase().split(',')
    const hasAll = (xs: string[]) => xs.includes('ALL')
    const masked = (f: string) => hasAll(mask) || mask.includes(f)
    const on = (f: string) => hasAll(set) || set.includes(f)
    // SYN set and ACK/RST clear is the opening segment of a connection, same as --syn
    const opening = masked('SYN') && masked('ACK') && on('SYN') && !on('ACK') && !(masked('RST') && on('RST'))
    if (opening && !this.neg) return
    if (opening && this.neg) {
      this.rule.flags |= RuleFlag.OldTraffic
      return
    }
    this.cond(`tcp flags ${mask.join(',')}/${set.join(',')}`)
  }

  range(w: string): void {
    const v = this.value() ?? ''
    const s = AddressSet.parse(v)
    if (!s || !v.includes('-')) {
      this.doubt(`${w} '${v}' is not an address range`, 'bad-value')
      return
    }
    this.hint(s.hasFamily(6) ? 6 : 4)
    const side = w === '--src-range' ? 'from' : 'to'
    this.rule[side] = this.rule[side].intersect(this.neg ? AddressSet.ANY.subtract(s) : s)
  }

  /** A word (at `wi`) no option of ours handled: a match or target option of options.ts, or unknown. */
  other(wi: number, spec: WordSpec | undefined, dash: boolean): void {
    const {rule, words} = this
    const w = words.at(wi) as string
    if (w === '--set' && this.recentModule) return
    const known = spec?.match
    if (known && !(rule.target && spec.targetArity !== undefined)) {
      const [arity, effect, desc] = known
      const at = this.i
      this.i += arity
      if (effect === 'rate') rule.flags |= RuleFlag.RateLimited
      // payload strings may be anything (even secrets): name the match, not its bytes
      else if (effect === 'cond') this.cond(w.endsWith('string') ? (desc ?? w) : `${desc ?? w.slice(2)} ${words.from(at + 1).slice(0, arity).join(' ')}`.trim())
      return
    }
    if (spec?.targetArity !== undefined && rule.target) {
      this.i += spec.targetArity
      return
    }
    if (!dash && this.cmd.op === 'none') {
      this.problem(`unexpected word '${w}'`, 'malformed')
      return
    }
    // an unknown option: skip its values (words up to the next option) and doubt the rule
    while (this.i + 1 < words.n && words.code(this.i + 1, 0) !== 45 && !words.isBang(this.i + 1)) this.i++
    this.doubt(`unknown option '${w}'`)
  }

  /** Read every word; null when the command is one we do not replay (delete/replace/rename). */
  read(): Command {
    const {words, cmd, rule} = this
    for (; this.i < words.n; this.i++, this.neg = false) {
      while (words.isBang(this.i)) {
        this.neg = !this.neg
        this.i++
      }
      const i = this.i
      if (i >= words.n) break
      const c = words.code(i, 0)
      if (c === 91 && /^\[\d+:\d+\]$/.test(words.at(i) as string)) continue // iptables-save -c counters
      // every command word starts with '-': values and targets are not looked up
      const dash = c === 45
      const spec = dash ? WORD_SPECS.get(words, i) : undefined
      if (spec?.op) {
        this.verb(spec.op)
        continue
      }
      if (spec?.unsupported) {
        this.problem(`command ${words.at(i)} (delete/replace/rename) is not replayed`, 'unsupported')
        return {...cmd, op: 'none'}
      }
      if (spec?.opt !== undefined && this.option(spec.opt, i)) continue
      this.other(i, spec, dash)
    }
    if (cmd.op === 'append' || cmd.op === 'insert') cmd.rule = rule
    if (cmd.family) cmd.familyHint = cmd.family
    return cmd
  }
}

/**
 * Parse the words of one iptables command (without the `iptables` word itself). Never throws: what it
 * cannot read goes to `problems`, and the rule is marked so that the evaluator stays on the side of recall.
 */
export function parseCommandWords(words: string[], line: number, text: string, table = 'filter'): Command {
  // a reader of its own: the command it gives back is the caller's to keep
  return new CommandReader(new Words().of(words)).begin(line, text, table).read()
}

/** A table as a save block collects it, before its family is known. */
interface PendingTable {
  name: string
  /** Line of the `*table` (0 for rules before any). */
  line: number
  /** The block's lines, its `*table` and `COMMIT` included. */
  lines: number[]
  headerFamily?: Family
  /** Family evidence of its rules: bit `1 << family` for each family seen. */
  hints: number
  chains: Map<string, IptChain>
}

const IP6_FILE = /(^|[^a-z])(ip6tables|rules\.v6|v6$|ipv6)/i
const CONTINUED = /\\\s*$/

/** CONTINUED.test(text.slice(from, to)): a backslash and nothing but white space after it. */
function continued(text: string, from: number, to: number): boolean {
  let k = to - 1
  while (k >= from && isWhiteSpace(text.charCodeAt(k))) k--
  return k >= from && text.charCodeAt(k) === 92
}

/**
 * Read a whole file (iptables-save output, or a script of iptables commands, or both), one line at a
 * time from the text (no array of lines, no copy of them). `fast` false: the command reader reads every
 * line, the save-line fast path none (the reference its differential test compares with).
 */
export function readIptables(text: string, fileName = '', fast = true): ReadResult {
  const reader = new LineReader(fileName, fast)
  const lines = new LineCursor(text)
  while (lines.next()) {
    const start = lines.line
    if (!continued(text, lines.start, lines.end)) {
      // the usual line: read in place, as offsets into the text
      reader.read(start, text, lines.start, lines.end)
      continue
    }
    // shell line continuations
    let t = lines.body
    while (t.includes('\\') && CONTINUED.test(t) && lines.next()) t = t.replace(CONTINUED, ' ') + lines.body
    reader.read(start, t)
  }
  const read = reader.finish()
  // one pass: each line is cut into words and read into the model at once (no tokenize stage of its own)
  stageDone('model')
  return read
}

/**
 * Read numbered lines. Exported for formats that embed iptables commands (WireGuard PostUp/PreDown):
 * give each command with its own line number.
 */
export function readLines(source: SourceLine[], fileName = ''): ReadResult {
  const reader = new LineReader(fileName)
  for (const {line, text} of source) reader.read(line, text)
  return reader.finish()
}

function chainOf(chains: Map<string, IptChain>, name: string): IptChain {
  let c = chains.get(name)
  if (!c) {
    c = {name, rules: []}
    chains.set(name, c)
  }
  return c
}

/** The lines of one input, read in order into tables of chains; every line gets a verdict. */
class LineReader {
  private readonly ruleset: IptRuleset = new Map()
  private readonly unparsed: Unparsed[] = []
  private counted = 0
  private bad = 0
  private headerFamily: Family | undefined
  private block: PendingTable | null = null
  private readonly fileFamily: Family
  /** The words of the line being read (one reader, filled per line). */
  private readonly words = new Words()
  private readonly reader = new CommandReader(this.words)
  /** The common save-file rule, read straight from its line (the command reader reads the others). */
  private readonly saveLine = new SaveLineReader(WORD_SPECS)
  /** The problems of the line being read (one list, emptied per line). */
  private readonly problems: string[] = []
  /** The code of the line's first problem. */
  private code: UnparsedCode | undefined
  // iptables-restore (without --noflush) flushes a table each time a block starts it: the kernel keeps
  // the last block of each table, its user chains and its policies (nft backend: undeclared policies
  // are ACCEPT again). Commands outside save blocks (a script's `iptables -A`) add up as they run.
  private readonly savedBlocks = new Map<string, PendingTable>()
  private readonly replaced: ReplacedBlock[] = []

  /** `fast`: try the save-line fast path first (off: the command reader reads every line, for tests). */
  constructor(
    fileName: string,
    private readonly fast = true,
  ) {
    this.fileFamily = IP6_FILE.test(fileName) ? 6 : 4
  }

  private tableOf(family: Family, name: string): IptTable {
    const key = `${family} ${name}`
    let t = this.ruleset.get(key)
    if (!t) {
      t = {name, family, chains: new Map()}
      this.ruleset.set(key, t)
    }
    return t
  }

  // A save block's family: the `# Generated by ip6tables-save` header when present; else the content
  // (IPv6 addresses, icmpv6 → 6; IPv4 addresses → 4); else the file name (`*.v6`, `ip6tables*`); else 4.
  private closeBlock(): void {
    const b = this.block
    if (!b) return
    this.block = null
    const has = (f: Family) => (b.hints & (1 << f)) !== 0
    const family: Family = b.headerFamily ?? (has(6) && !has(4) ? 6 : has(4) ? 4 : this.fileFamily)
    const t = this.tableOf(family, b.name)
    const key = `${family} ${b.name}`
    const earlier = this.savedBlocks.get(key)
    // only a written `*table` starts the table again; rules with no block before them add to it
    if (earlier && b.line === 0) for (const l of b.lines) earlier.lines.push(l)
    else {
      if (earlier) {
        t.chains.clear()
        this.replaced.push({table: b.name, line: earlier.line, by: b.line, lines: earlier.lines})
      }
      this.savedBlocks.set(key, b)
    }
    for (const [name, c] of b.chains) {
      const into = t.chains.get(name)
      // the usual case: the table has no such chain yet, and takes the block's as it is
      if (!into) {
        t.chains.set(name, c)
        continue
      }
      if (c.policy) Object.assign(into, {policy: c.policy, policyLine: c.policyLine, policyText: c.policyText})
      for (const r of c.rules) into.rules.push(r)
    }
  }

  private openBlock(name: string, line: number): PendingTable {
    this.closeBlock()
    const b: PendingTable = {name, line, lines: [], headerFamily: this.headerFamily, hints: 0, chains: new Map()}
    this.block = b
    return b
  }

  /** Read line `line`: `text`, or its part from `from` to `to` (the file's text, read in place). */
  read(line: number, text: string, from = 0, to = text.length): void {
    // as text.trim(), by offsets
    while (from < to && isWhiteSpace(text.charCodeAt(from))) from++
    while (to > from && isWhiteSpace(text.charCodeAt(to - 1))) to--
    if (from === to) return
    const c = text.charCodeAt(from)
    // iptables-restore body line (`-A …`, `[0:0] -A …`), the bulk of a save file
    if (c === 45 || c === 91) {
      this.startLine()
      this.rule(line, text, from, to)
      this.endLine(line, text, from, to)
      return
    }
    const t = text.slice(from, to)
    if (c === 35) {
      const g = /^#\s*Generated by (ip6?)tables-save/i.exec(t)
      if (g) this.headerFamily = g[1].toLowerCase() === 'ip6' ? 6 : 4
      return
    }
    this.startLine()
    if (c === 42) {
      const name = t.slice(1).trim()
      if (!TABLES.has(name)) this.problem(`unknown table '${name}'`, 'unknown-statement')
      this.openBlock(name, line).lines.push(line)
    } else if (t === 'COMMIT') {
      this.block?.lines.push(line)
      this.closeBlock()
      this.headerFamily = undefined
    } else if (c === 58) this.chainLine(line, t)
    else this.commands(line, t)
    this.endLine(line, text, from, to)
  }

  /** A line that counts (not blank, not a comment) begins: no problem yet. */
  private startLine(): void {
    this.counted++
    // (setting the length of an empty list is still a call)
    if (this.problems.length) this.problems.length = 0
    this.code = undefined
  }

  /** The line `text.slice(from, to)` is read: unparsed when it met a problem. */
  private endLine(line: number, text: string, from: number, to: number): void {
    const problems = this.problems
    if (problems.length) {
      this.bad++
      this.unparsed.push({line, code: this.code ?? 'unknown-statement', reason: [...new Set(problems)].join('; '), text: redactRule(text.slice(from, to))})
    }
  }

  private rule(line: number, text: string, from: number, to: number): void {
    const b = this.block ?? this.openBlock('filter', 0)
    b.lines.push(line)
    const t = text.slice(from, to)
    const fast = this.fast ? this.saveLine.read(line, text, from, to) : null
    if (fast !== null) {
      // every word cleared (saveLine gives up on any other line): the prefilter's answer is no
      fast.text = t.length <= MAX_ECHO && hasInnerBlank(t) ? redactPayload(t) : redactRule(t)
      if (this.saveLine.hint) b.hints |= 1 << this.saveLine.hint
      chainOf(b.chains, this.saveLine.chain).rules.push(fast)
      return
    }
    const words = this.words.read(text, from, to)
    const cmd = this.reader.begin(line, '', b.name).read()
    // the redaction prefilter, asked of the words the reader did not clear: a line without a prefilter
    // word (and with a blank inside, so no bare key body) is one redactLine gives back as it is
    const safe = t.length <= MAX_ECHO && !words.hasPrefilterWord() && hasInnerBlank(t) ? redactPayload(t) : redactRule(t)
    cmd.text = safe
    this.reader.rule.text = safe
    this.take(cmd)
    const hint = cmd.rule && cmd.familyHint
    if (hint) b.hints |= 1 << hint
    applyToChains(b.chains, cmd, this.problem)
  }

  /** `:CHAIN POLICY [p:b]` */
  private chainLine(line: number, t: string): void {
    const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(t)
    if (!m) {
      this.problem('chain declaration not understood', 'malformed')
      return
    }
    const b = this.block ?? this.openBlock('filter', 0)
    b.lines.push(line)
    const c = chainOf(b.chains, m[1])
    const p = m[2].toUpperCase()
    if (p === 'ACCEPT' || p === 'DROP') Object.assign(c, {policy: p, policyLine: line, policyText: redactLine(t)})
    else if (p !== '-') this.problem(`chain policy '${m[2]}' not understood`, 'bad-value')
  }

  /** A shell line: `iptables …` commands, several joined by `;` / `&&` / `||`. */
  private commands(line: number, t: string): void {
    for (const part of splitCommands(t)) {
      const words = shellWords(part)
      let k = 0
      while (k < words.length && /^(sudo|exec|command|-[a-zA-Z]+)$/.test(words[k]) && k < 3) k++
      const prog = /^(?:[^\s=]*\/)?(ip6?)tables(?:-legacy|-nft)?$/.exec(words[k] ?? '')
      if (!prog) {
        if (/^\$/.test(words[k] ?? '')) this.problem('shell variable not expanded', 'unsupported')
        else this.problem('not an iptables command', 'unknown-statement')
        continue
      }
      const family: Family = prog[1] === 'ip6' ? 6 : 4
      this.words.of(words.slice(k + 1))
      const cmd = this.reader.begin(line, redactRule(part), 'filter').read()
      this.take(cmd)
      applyToChains(this.tableOf(family, cmd.table).chains, cmd, this.problem)
    }
  }

  /** A problem of the line being read; the first one's code is the line's. */
  private readonly problem = (reason: string, code: UnparsedCode): void => {
    this.problems.push(reason)
    this.code ??= code
  }

  /** The problems a command reader found on this line. */
  private take(cmd: Command): void {
    const found = cmd.problems
    for (let k = 0; k < found.length; k++) this.problems.push(found[k])
    if (cmd.code) this.code ??= cmd.code
  }

  finish(): ReadResult {
    this.closeBlock()
    return {ruleset: this.ruleset, unparsed: this.unparsed, lines: this.counted, understood: this.counted - this.bad, replaced: this.replaced}
  }
}

function applyToChains(chains: Map<string, IptChain>, cmd: Command, problem: (reason: string, code: UnparsedCode) => void): void {
  switch (cmd.op) {
    case 'append':
    case 'insert': {
      if (!cmd.chain || !cmd.rule) {
        problem('rule without a chain', 'malformed')
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
        problem('policy not understood', 'bad-value')
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
      if (!cmd.problems.length) problem('no command (-A, -I, -P, -N, -F) in this line', 'unknown-statement')
  }
}
