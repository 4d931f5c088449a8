/**
 * What the words of a rule read as, one value per spelling: the caches and value readers that the
 * command reader (read.ts) and the save-line fast path (save-line.ts) share, so both give a rule the
 * same values (and the same shared, immutable sets). A cache keeps what its spelling reads as and
 * whether that spelling holds a redaction prefilter word (Spellings).
 */
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {servicePort} from '../../net/services.js'
import type {IptRule} from './model.js'
import {KNOWN_MODULES, MODULE_CONDITIONS, NON_TERMINATING, VERDICTS} from './options.js'
import {Spellings, type Words} from './words.js'

// parsed values are immutable: one per distinct spelling (interned), bounded
export const portSpecs = new Spellings<PortSet | null>()

/**
 * Word `k` as a port spec. A list (`--dports 22,80,8000:8100`) is seldom written twice: read it; one
 * port or range is, interned. Digits and `:` (nearly every spec) are read in place, the rest by readPortSpec.
 */
export function portSpecAt(words: Words, k: number): PortSet | null {
  const known = portSpecs.get(words, k)
  if (known !== undefined) return known
  const pairs = words.isPlain(k) ? digitPorts(words.text, words.start[k], words.end[k]) : null
  if (pairs === null) {
    const spec = words.at(k) as string
    return spec.includes(',') ? readPortSpec(spec) : portSpecs.intern(words, k, readPortSpec)
  }
  // digits, colons and commas: no prefilter word
  words.clear(k)
  if (pairs.length > 2) return portList(pairs)
  const one = pairs.length === 2 ? PortSet.fromRanges([[pairs[0], pairs[1]]]) : null
  portSpecs.set(words.at(k) as string, one)
  return one
}

/**
 * readPortSpec of `text.slice(from, to)` when it is `N` and `N:M` items (1 to 5 digits each) joined by
 * commas, read in place: its pairs flat (`[s0, e0, s1, e1, …]`), or [] where readPortSpec says null (a
 * number over 65535, a reversed range); null when it is spelt otherwise (names, `-` ranges, open
 * ranges), for readPortSpec to read.
 */
export function digitPorts(text: string, from: number, to: number): number[] | null {
  if (from >= to) return null
  const pairs: number[] = []
  let bad = false
  let first = -1
  let n = 0
  let digits = 0
  for (let p = from; p <= to; p++) {
    const c = p < to ? text.charCodeAt(p) : 44
    if (c >= 48 && c <= 57) {
      if (++digits > 5) return null
      n = n * 10 + (c - 48)
    } else if (c === 58 && first < 0 && digits > 0) {
      first = n
      n = 0
      digits = 0
    } else if (c === 44 && digits > 0) {
      const s = first < 0 ? n : first
      if (s > 65535 || n > 65535 || s > n) bad = true
      pairs.push(s, n)
      first = -1
      n = 0
      digits = 0
    } else return null
  }
  return bad ? [] : pairs
}

/**
 * PortSet.fromRanges of a few flat pairs, sorted and merged here as `normalize` does (each pair within
 * 1–65535, empty ones dropped, adjacent ones joined) without its intermediate lists.
 */
export function portList(flat: number[]): PortSet {
  const ranges: number[] = []
  // insertion sort by start: a list has a handful of items
  const order: number[] = []
  for (let i = 0; i < flat.length; i += 2) {
    const s = Math.max(1, flat[i])
    const e = Math.min(65535, flat[i + 1])
    if (s > e) continue
    let j = order.length
    order.push(0, 0)
    while (j > 0 && order[j - 2] > s) {
      order[j] = order[j - 2]
      order[j + 1] = order[j - 1]
      j -= 2
    }
    order[j] = s
    order[j + 1] = e
  }
  for (let i = 0; i < order.length; i += 2) {
    const s = order[i]
    const e = order[i + 1]
    const n = ranges.length
    if (n > 0 && s <= ranges[n - 1] + 1) {
      if (e > ranges[n - 1]) ranges[n - 1] = e
    } else ranges.push(s, e)
  }
  // every port or none: the general constructor, as fromRanges gives it (not the shared ALL/EMPTY)
  if (ranges.length === 0 || (ranges.length === 2 && ranges[0] === 1 && ranges[1] === 65535)) {
    const pairs: Array<[number, number]> = []
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]])
    return PortSet.fromRanges(pairs)
  }
  // an exact copy: the list grown by push keeps room for 17 numbers, for as long as the rule lives
  return PortSet.fromCanonical(ranges.slice())
}

/** servicePort, with plain numbers (nearly every port written) read without a regex. */
function portNumber(t: string): number | undefined {
  if (t.length === 0 || t.length > 5) return servicePort(t)
  let n = 0
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c < 48 || c > 57) return servicePort(t)
    n = n * 10 + (c - 48)
  }
  return n <= 65535 ? n : undefined
}

/** `22`, `ssh`, `8000:8100`, `:1023`, `1024:`, comma lists (`-` as a range too); null when an item is none. */
function readPortSpec(spec: string): PortSet | null {
  const pairs: Array<[number, number]> = []
  for (const raw of spec.split(',')) {
    const item = raw.trim()
    let sep = -1
    for (let i = 0; i < item.length; i++) {
      const c = item.charCodeAt(i)
      if (c === 58 || c === 45) {
        sep = i
        break
      }
    }
    let s: number | undefined
    let e: number | undefined
    if (sep < 0) {
      if (item === '') return null
      s = e = portNumber(item)
    } else {
      const rest = item.slice(sep + 1)
      // one separator only (`1:2:3` is no range)
      if (rest.includes(':') || rest.includes('-')) return null
      const first = item.slice(0, sep)
      s = first === '' ? 0 : portNumber(first)
      e = rest === '' ? 65535 : portNumber(rest)
    }
    if (s === undefined || e === undefined || s > e) return null
    pairs.push([s, e])
  }
  return PortSet.fromRanges(pairs)
}

export const ICMPV6_WORDS = new Set(['icmpv6', 'ipv6-icmp', 'icmp6', '58'])

/** Per spelling, what a protocol word reads as (configs repeat a handful). */
export const protocolWords = new Spellings<{set: ProtocolSet | null; lower: string}>()
export const readProtocolWord = (v: string) => ({set: parseProtocol(v), lower: v.toLowerCase()})
/** Per spelling of a state list: bit 1 = a new connection (NEW, UNTRACKED, SNAT, DNAT), bit 2 = NEW itself. */
export const stateLists = new Spellings<number>()
export function readStateList(v: string): number {
  const s = v.toUpperCase().split(',')
  // conntrack(8): a new connection is NEW (or UNTRACKED); SNAT/DNAT are virtual states of new ones too
  const opens = s.some((x) => x === 'NEW' || x === 'UNTRACKED' || x === 'SNAT' || x === 'DNAT')
  return (opens ? 1 : 0) | (s.includes('NEW') ? 2 : 0)
}
/** Per spelling of a jump target: built-in targets upper-case, user chains as written (one string each). */
export const targetWords = new Spellings<string>()
/** Chain and interface names: one string per spelling, shared by every rule that names it. */
export const names = new Spellings<string>()
export const sameName = (n: string) => n
/** Per spelling of a match module (`-m tcp`): what the reader does with it. */
export interface ModuleWord {
  lower: string
  known: boolean
  condition?: string
}
export const moduleWords = new Spellings<ModuleWord>()
export function readModule(m: string): ModuleWord {
  const lower = m.toLowerCase()
  return {lower, known: KNOWN_MODULES.has(lower), condition: Object.hasOwn(MODULE_CONDITIONS, lower) ? MODULE_CONDITIONS[lower] : undefined}
}
export function readTarget(t: string): string {
  const u = t.toUpperCase()
  return VERDICTS.has(u) || NON_TERMINATING.has(u) ? u : t
}

// lists a rule rarely fills: shared while empty, replaced on the first addition
export const NONE: readonly never[] = Object.freeze([])

export function newRule(line: number, text: string): IptRule {
  return {
    line, name: '', text, from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL,
    sourcePorts: PortSet.ALL, guards: NONE, doubts: NONE, flags: 0, comment: undefined, target: undefined, nat: undefined,
  }
}

/** `--to-destination 10.0.0.5`, `10.0.0.5-10.0.0.9:80-81`, `[2001:db8::5]:8080`, `2001:db8::5`, `:8080`. */
export function parseNatDestination(spec: string): {to?: AddressSet; ports?: PortSet} | null {
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
