/**
 * nft statements → a box plus guards: the condition of one rule as the shared evaluator needs it.
 * Fields the box cannot express become guards (`{cond: …}`): an allow with one gets a note, a deny with one
 * shadows only rules with the same condition. What we do not understand makes the rule `unknown`.
 */
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {servicePort} from '../../net/services.js'
import type {Guard} from '../../model/guards.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {UnparsedCode} from '../types.js'
import type {Match, NftTable, Stmt, Value} from './model.js'

export interface Compiled {
  from: AddressSet
  to: AddressSet
  protocols: ProtocolSet
  ports: PortSet
  sourcePorts: PortSet
  guards: Guard[]
  doubts: DoubtNote[]
  /** Reasons for the unparsed entry of this rule. */
  problems: string[]
  /** The closed code of the first problem (the rule's unparsed entry carries it). */
  code?: UnparsedCode
  unknown: boolean
  rateLimited: boolean
  newTraffic: boolean
  loopback: boolean
}

// Copy on write: most rules have no guard, doubt or problem, and a clone (one per set element) shares
// its lists until it adds to one (frozen, so a stray push fails loudly)
const NONE: never[] = Object.freeze([]) as unknown as never[]

export function emptyCompiled(): Compiled {
  return {
    from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL,
    guards: NONE, doubts: NONE, problems: NONE, unknown: false, rateLimited: false, newTraffic: true, loopback: false,
  }
}

export function cloneCompiled(c: Compiled): Compiled {
  return {...c}
}

/** Add a doubt (a new list: lists are shared between clones). */
export function addDoubt(c: Compiled, d: DoubtNote): void {
  c.doubts = [...c.doubts, d]
}

function addGuard(c: Compiled, g: Guard): void {
  c.guards = [...c.guards, g]
}

const TCP = 6
const UDP = 17
const PORT_PROTOCOLS: Record<string, ProtocolSet> = {
  tcp: ProtocolSet.of(TCP), udp: ProtocolSet.of(UDP), sctp: ProtocolSet.of(132), dccp: ProtocolSet.of(33), udplite: ProtocolSet.of(136),
  // th: any transport header with ports
  th: ProtocolSet.of(TCP, UDP, 132, 33, 136),
}
const SCOPE = {ip: AddressSet.ANY4, ip6: AddressSet.ANY6}

export function doubt(c: Compiled, reason: string, code: UnparsedCode): void {
  problem(c, reason, code)
  c.unknown = true
  addDoubt(c, note('unknown-match', `${reason}: ignored; exposure may be broader`))
}

/** A reason for the rule's unparsed entry; the first one names its code. */
export function problem(c: Compiled, reason: string, code: UnparsedCode): void {
  c.problems = [...c.problems, reason]
  c.code ??= code
}

function cond(c: Compiled, desc: string): void {
  addGuard(c, {cond: desc})
}

/** The atoms of a value, with named sets expanded; null (and the set recorded) when it cannot be. */
function atomsOf(c: Compiled, m: Match, table: NftTable): string[] | null {
  const v: Value = m.value
  if (v.kind === 'atoms') return v.items
  const set = table.sets.get(v.name)
  if (!set) {
    doubt(c, `unknown set '@${v.name}'`, 'undefined-reference')
    return null
  }
  if (set.elements === null) {
    const side = /saddr$/.test(m.field) ? 'src' : /daddr$/.test(m.field) ? 'dst' : null
    const neg = m.op === '!=' ? '!' : ''
    if (side) addGuard(c, {set: side, name: `${neg}${v.name}`})
    else cond(c, `${m.field} ${m.op} @${v.name} (filled at run time)`)
    return null
  }
  return set.elements
}

function parsePortAtom(a: string): [number, number] | null {
  const m = /^([^-]+)(?:-(.+))?$/.exec(a.trim())
  if (!m) return null
  const s = servicePort(m[1])
  const e = m[2] === undefined ? s : servicePort(m[2])
  if (s === undefined || e === undefined || s > e) return null
  return [s, e]
}

// port lists repeat across rules (`tcp dport { 80, 443 }`): each is read once; bounded, cleared when full
const PORT_CACHE = new Map<string, PortSet | string>()

/** The ports of a match's atoms, or the first atom that is not a port. */
function portSet(op: string, ordered: boolean, items: readonly string[]): PortSet | string {
  const key = `${op} ${items.join(',')}`
  const hit = PORT_CACHE.get(key)
  if (hit !== undefined) return hit
  const pairs: Array<[number, number]> = []
  let out: PortSet | string | undefined
  for (const a of items) {
    const p = ordered ? compare(op, servicePort(a) ?? NaN, 65535) : parsePortAtom(a)
    if (!p || Number.isNaN(p[0]) || Number.isNaN(p[1])) {
      out = a
      break
    }
    pairs.push(p)
  }
  out ??= PortSet.fromRanges(pairs)
  if (PORT_CACHE.size >= 10_000) PORT_CACHE.clear()
  PORT_CACHE.set(key, out)
  return out
}

function compare(op: string, n: number, max: number): [number, number] | null {
  switch (op) {
    case '<': return [0, n - 1]
    case '<=': return [0, n]
    case '>': return [n + 1, max]
    case '>=': return [n, max]
    default: return null
  }
}

const FAMILY_WORDS: Record<string, AddressSet> = {ipv4: AddressSet.ANY4, ip: AddressSet.ANY4, ipv6: AddressSet.ANY6, ip6: AddressSet.ANY6}

// a rule base names a handful of fields (`ip saddr`, `tcp dport`): each is split once
const FIELD_WORDS = new Map<string, [string, string | undefined]>()

function fieldWords(field: string): [string, string | undefined] {
  let w = FIELD_WORDS.get(field)
  if (!w) {
    const [proto, key] = field.split(' ')
    w = [proto, key]
    if (FIELD_WORDS.size >= 1000) FIELD_WORDS.clear()
    FIELD_WORDS.set(field, w)
  }
  return w
}

/** Apply one match to the compiled rule. */
export function applyMatch(c: Compiled, m: Match, table: NftTable): void {
  const [proto, key] = fieldWords(m.field)
  const neg = m.op === '!='
  const ordered = m.op !== '==' && m.op !== '!='
  // addresses
  if ((proto === 'ip' || proto === 'ip6') && (key === 'saddr' || key === 'daddr')) {
    const scope = SCOPE[proto]
    const side = key === 'saddr' ? 'from' : 'to'
    const items = atomsOf(c, m, table)
    if (items === null) {
      // a run-time set: any address of the family, named in from_sets/to_sets
      c[side] = c[side].intersect(scope)
      return
    }
    let set = AddressSet.EMPTY
    for (const a of items) {
      // nearly every address is a dotted quad or an IPv4 CIDR: read without parse's intermediate objects
      const s = AddressSet.parseIpv4(a) ?? AddressSet.parse(a)
      if (!s || a === 'any') return doubt(c, `'${m.field}' value '${a}' is not an address`, 'bad-value')
      set = set.union(s)
    }
    if (ordered) return cond(c, `${m.field} ${m.op} ${items.join(',')}`)
    c[side] = c[side].intersect(neg ? scope.subtract(set) : set.intersect(scope))
    return
  }
  // ports (and the protocol they imply)
  if (PORT_PROTOCOLS[proto] && (key === 'dport' || key === 'sport')) {
    c.protocols = c.protocols.intersect(PORT_PROTOCOLS[proto])
    const items = atomsOf(c, m, table)
    if (items === null) return
    const set = portSet(m.op, ordered, items)
    if (typeof set === 'string') return doubt(c, `'${m.field}' value '${set}' is not a port`, 'bad-value')
    const side = key === 'dport' ? 'ports' : 'sourcePorts'
    c[side] = c[side].intersect(neg ? PortSet.ALL.subtract(set) : set)
    return
  }
  // protocols
  if (m.field === 'meta l4proto' || m.field === 'ip protocol' || m.field === 'ip6 nexthdr') {
    if (proto === 'ip') c.from = c.from.intersect(AddressSet.ANY4)
    if (proto === 'ip6') c.from = c.from.intersect(AddressSet.ANY6)
    const items = atomsOf(c, m, table)
    if (items === null) return
    let set = ProtocolSet.EMPTY
    for (const a of items) {
      const p = parseProtocol(a)
      if (!p || p.isAll()) return doubt(c, `'${m.field}' value '${a}' is not a protocol`, 'bad-value')
      set = set.union(p)
    }
    c.protocols = c.protocols.intersect(neg ? ProtocolSet.ALL.subtract(set) : set)
    return
  }
  if (m.field === 'meta nfproto' || m.field === 'meta protocol') {
    const items = atomsOf(c, m, table) ?? []
    let scope = AddressSet.EMPTY
    for (const a of items) scope = scope.union(FAMILY_WORDS[a] ?? AddressSet.EMPTY)
    if (neg) scope = AddressSet.ANY.subtract(scope)
    c.from = c.from.intersect(scope)
    c.to = c.to.intersect(scope)
    return
  }
  if (m.field === 'ct state') {
    const items = (atomsOf(c, m, table) ?? ['new']).map((x) => x.toLowerCase())
    // a new connection is ct state new (or untracked): a rule that cannot see one opens nothing
    const hasNew = items.includes('new') || items.includes('untracked')
    if (neg ? items.includes('new') : !hasNew) c.newTraffic = false
    return
  }
  if (m.field === 'meta iif' || m.field === 'meta iifname' || m.field === 'meta oif' || m.field === 'meta oifname') {
    const items = atomsOf(c, m, table)
    if (items === null) return
    const dir = m.field.startsWith('meta i') ? 'in' : 'out'
    if (!neg && items.length === 1 && items[0] === 'lo') c.loopback = true
    addGuard(c, dir === 'in' ? {in: `${neg ? '!' : ''}${items.join(',')}`} : {out: `${neg ? '!' : ''}${items.join(',')}`})
    return
  }
  if ((proto === 'icmp' || proto === 'icmpv6') && (key === 'type' || key === 'code')) {
    c.protocols = c.protocols.intersect(ProtocolSet.of(proto === 'icmp' ? 1 : 58))
    const scope = proto === 'icmp' ? AddressSet.ANY4 : AddressSet.ANY6
    c.from = c.from.intersect(scope)
    const items = atomsOf(c, m, table)
    if (items !== null) cond(c, `${m.field} ${neg ? '!= ' : ''}${items.join(',')}`)
    return
  }
  const items = atomsOf(c, m, table)
  if (items !== null) cond(c, `${m.field} ${m.op === '==' ? '' : `${m.op} `}${items.join(',')}`)
}

export function applyStmt(c: Compiled, s: Stmt, table: NftTable): void {
  switch (s.t) {
    case 'match':
      applyMatch(c, s.m, table)
      return
    case 'cond':
      cond(c, s.desc)
      return
    case 'unknown':
      doubt(c, s.desc, s.code)
      return
    case 'rate':
      c.rateLimited = true
      return
    case 'tuples':
      // expanded per element by the caller; reaching here means it could not be
      doubt(c, `concatenated match on '${s.fields.join(' . ')}' not expanded`, 'unsupported')
      return
    default:
      return
  }
}
