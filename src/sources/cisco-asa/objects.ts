/**
 * ASA names, objects and object-groups: collected in pass 1, expanded lazily (memoized, cycle-safe) so a
 * group is expanded once however many rules use it. Every definition line gets its verdict in expandAll.
 */
import {AddressSet} from '../../net/address-set.js'
import {formatIp, maskedRangesV4, parseCidr, parseIp, parseIpv4Fast} from '../../net/ip.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {cidrSet, type CiscoNode, ICMP_TYPES, type LineLedger, PORT_OPS, type ReadError, readPortOp, type ServiceTerm} from '../cisco-common.js'
import {TCP_UDP} from '../../net/terms.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {AddrRef} from './model.js'

export type GroupKind = 'network' | 'service' | 'protocol' | 'icmp-type' | 'other'
type NetResult = AddrRef
export type ServiceResult = {terms: ServiceTerm[]; doubts: DoubtNote[]}

export class AsaObjects {
  private readonly names = new Map<string, string>()
  private readonly networkObjects = new Map<string, CiscoNode[]>()
  private readonly serviceObjects = new Map<string, CiscoNode>()
  private readonly groups = new Map<string, {kind: GroupKind; type?: string; node: CiscoNode}>()
  private readonly netMemo = new Map<string, NetResult | null>()
  private readonly svcMemo = new Map<string, ServiceResult | null>()
  private readonly protoMemo = new Map<string, ProtocolSet | null>()
  private readonly resolving = new Set<string>()
  /** `nat` lines inside `object network` blocks, per object in config order, for the reader. */
  readonly objectNats = new Map<string, CiscoNode[]>()

  constructor(private readonly ledger: LineLedger) {}

  /** Takes `name`, `object` and `object-group` definitions; false for any other command. */
  define(n: CiscoNode): boolean {
    const w = n.words
    switch (w[0]) {
      case 'name':
        this.nameAlias(n)
        return true
      case 'object':
        if ((w[1] === 'network' || w[1] === 'service') && w[2]) {
          if (w[1] === 'network') {
            const list = this.networkObjects.get(w[2]) ?? []
            list.push(n)
            this.networkObjects.set(w[2], list)
            for (const c of n.children) if (c.words[0] === 'nat') (this.objectNats.get(w[2]) ?? this.objectNats.set(w[2], []).get(w[2])!).push(c)
          } else this.serviceObjects.set(w[2], n)
          return true
        }
        this.ledger.badTree(n, `unknown object type '${w[1] ?? ''}'`, 'unknown-statement')
        return true
      case 'object-group': {
        const kind = w[1]
        if (!w[2]) {
          this.ledger.bad(n, 'object-group without a name', 'malformed')
          return true
        }
        if (kind === 'network' || kind === 'service' || kind === 'protocol' || kind === 'icmp-type') {
          this.groups.set(w[2], {kind, type: w[3], node: n})
        } else {
          // user / security groups: identity or TrustSec membership we cannot expand to addresses
          this.groups.set(w[2], {kind: 'other', node: n})
          this.ledger.okTree(n)
        }
        return true
      }
      default:
        return false
    }
  }

  /** Expand every definition once, marking its lines (unused groups are checked too). */
  expandAll(): void {
    for (const [name, defs] of this.networkObjects) {
      this.netObject(name)
      for (const d of defs) this.ledger.ok(d)
    }
    for (const name of this.serviceObjects.keys()) this.serviceObject(name)
    for (const [name, g] of this.groups) {
      this.ledger.ok(g.node)
      if (g.kind === 'network') this.netGroup(name)
      else if (g.kind === 'service') this.serviceGroup(name)
      else if (g.kind === 'protocol') this.protocolGroup(name)
      else if (g.kind === 'icmp-type') this.icmpGroup(name)
    }
  }

  groupKind(name: string): GroupKind | undefined {
    return this.groups.get(name)?.kind
  }

  hasName(name: string): boolean {
    return this.names.has(name)
  }

  private nameAlias(n: CiscoNode): void {
    const ip = parseIp(n.words[1] ?? '')
    if (!ip || !n.words[2]) return this.ledger.bad(n, 'name needs an address and a name', 'malformed')
    this.names.set(n.words[2], n.words[1])
    this.ledger.ok(n)
  }


  /** An address in host position: a literal or a `name` alias. */
  hostAddress(text: string): AddressSet | null {
    const literal = this.names.get(text) ?? text
    // a dotted quad (nearly every host of a big config): no intermediate object
    const v4 = parseIpv4Fast(literal)
    if (v4 !== undefined) return AddressSet.fromRange(4, v4, v4)
    const ip = parseIp(literal)
    return ip ? AddressSet.fromRange(ip.family, ip.value, ip.value) : null
  }

  maskAddress(addr: string, mask: string): AddressSet | null {
    return this.maskedAddress(addr, mask)?.set ?? null
  }

  /**
   * `ADDRESS MASK`; a non-contiguous mask (`128.168.0.0 191.255.255.128`) is exact when it expands to
   * at most 4,096 ranges, else the covering range with a note that the match is broader.
   */
  maskedAddress(addr: string, mask: string): {set: AddressSet; note?: DoubtNote} | null {
    const literal = this.names.get(addr) ?? addr
    // dotted address and contiguous dotted mask (nearly every ACE): the range without parseCidr's strings
    const a4 = parseIpv4Fast(literal)
    const m4 = a4 === undefined ? undefined : parseIpv4Fast(mask)
    if (a4 !== undefined && m4 !== undefined) {
      const hostBits = ~m4 >>> 0
      if (((hostBits + 1) & hostBits) === 0) {
        if (m4 === 0) return {set: AddressSet.ANY4}
        const start = (a4 & m4) >>> 0
        return {set: AddressSet.fromRange(4, start, (start | hostBits) >>> 0)}
      }
    }
    const c = parseCidr(`${literal}/${mask}`)
    if (c) return {set: cidrSet(c)}
    const a = parseIp(literal)
    const m = parseIp(mask)
    if (!a || !m || a.family !== 4 || m.family !== 4) return null
    const {ranges, exact} = maskedRangesV4(Number(a.value), Number(m.value))
    const set = AddressSet.fromRanges(ranges, [])
    if (exact) return {set}
    return {set, note: note('approximated', `non-contiguous mask ${addr} ${mask} has too many combinations: read as the covering range ${formatIp(4, ranges[0][0])}-${formatIp(4, ranges[0][1])} (broader)`)}
  }

  netObject(name: string): NetResult | null {
    const key = `o:${name}`
    if (this.netMemo.has(key)) return this.netMemo.get(key) ?? null
    const defs = this.networkObjects.get(name)
    if (!defs) return null
    let result: NetResult | null = null
    for (const def of defs) {
      for (const c of def.children) {
        const w = c.words
        let set: AddressSet | null = null
        let approx: DoubtNote | undefined
        if (w[0] === 'nat' || w[0] === 'description') continue
        if (w[0] === 'host') set = this.hostAddress(w[1] ?? '')
        else if (w[0] === 'subnet' && w[1]?.includes('/')) set = AddressSet.parse(w[1])
        else if (w[0] === 'subnet') {
          const m = this.maskedAddress(w[1] ?? '', w[2] ?? '')
          set = m?.set ?? null
          approx = m?.note
        } else if (w[0] === 'range') {
          const a = parseIp(w[1] ?? '')
          const b = parseIp(w[2] ?? '')
          if (a && b && a.family === b.family && a.value <= b.value) set = AddressSet.fromRange(a.family, a.value, b.value)
        } else if (w[0] === 'fqdn') {
          // resolved by the device at run time: keep the name, the set stays open (recall first)
          const fqdn = w[w.length - 1]
          result = {set: AddressSet.ANY, unresolved: [`fqdn:${fqdn}`]}
          this.ledger.ok(c)
          continue
        } else {
          this.ledger.bad(c, `unknown network object statement '${w[0]}'`, 'unknown-statement')
          continue
        }
        if (!set) {
          this.ledger.bad(c, `cannot read the address of object ${name}`, 'bad-value')
          continue
        }
        this.ledger.ok(c)
        result = {set, unresolved: [], ...(approx ? {note: approx} : {})}
      }
    }
    this.netMemo.set(key, result)
    return result
  }

  netGroup(name: string): NetResult | null {
    const key = `g:${name}`
    if (this.netMemo.has(key)) return this.netMemo.get(key) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'network' || this.resolving.has(key)) return null
    this.resolving.add(key)
    const sets: AddressSet[] = []
    const unresolved: string[] = []
    const doubts: DoubtNote[] = []
    for (const c of g.node.children) {
      const w = c.words
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      let ref: NetResult | null = null
      if (w[0] === 'network-object') {
        if (w[1] === 'host') {
          const s = this.hostAddress(w[2] ?? '')
          ref = s && {set: s, unresolved: []}
        } else if (w[1] === 'object') {
          ref = this.netObject(w[2] ?? '')
          if (!ref) {
            this.ledger.bad(c, `network object '${w[2] ?? ''}' is not defined`, 'undefined-reference')
            unresolved.push(w[2] ?? '')
            continue
          }
        } else if (w[1]?.includes('/')) {
          const s = AddressSet.parse(w[1])
          ref = s && {set: s, unresolved: []}
        } else {
          const m = this.maskedAddress(w[1] ?? '', w[2] ?? '')
          ref = m && {set: m.set, unresolved: [], ...(m.note ? {note: m.note} : {})}
        }
      } else if (w[0] === 'group-object') {
        ref = this.netGroup(w[1] ?? '')
        if (!ref) {
          this.ledger.bad(c, `network group '${w[1] ?? ''}' is not defined`, 'undefined-reference')
          unresolved.push(w[1] ?? '')
          continue
        }
      } else {
        this.ledger.bad(c, `unknown network group statement '${w[0]}'`, 'unknown-statement')
        continue
      }
      if (!ref) {
        this.ledger.bad(c, 'cannot read the address', 'bad-value')
        continue
      }
      this.ledger.ok(c)
      sets.push(ref.set)
      unresolved.push(...ref.unresolved)
      if (ref.note) doubts.push(ref.note)
    }
    this.resolving.delete(key)
    // a broader member makes the group broader: its doubts travel with it, as one
    const joined = doubts.length ? note(doubts[0].code, doubts.map((d) => d.detail).join('; ')) : undefined
    const result: NetResult = {set: unresolved.length ? AddressSet.ANY : AddressSet.unionAll(sets), unresolved, ...(joined ? {note: joined} : {})}
    this.netMemo.set(key, result)
    return result
  }

  /** `tcp [source OP] [destination OP]`, `icmp [type [code]]`, `tcp-udp eq 53`, `ip`, `47`. */
  private serviceSpec(w: string[], i: number): {term: ServiceTerm; next: number} | ReadError {
    const protoWord = w[i]
    if (!protoWord) return {error: 'missing protocol', code: 'malformed'}
    const protocols = protoWord === 'tcp-udp' ? TCP_UDP : parseProtocol(protoWord)
    if (!protocols) return {error: `unknown protocol '${protoWord}'`}
    let ports = PortSet.ALL
    let sourcePorts = PortSet.ALL
    let icmp: DoubtNote | undefined
    let j = i + 1
    if (protoWord === 'icmp' || protoWord === 'icmp6') {
      if (w[j] && (ICMP_TYPES.has(w[j]) || /^\d+$/.test(w[j]))) {
        icmp = note('icmp-type', `icmp type ${w[j]} (exposure shows all icmp)`)
        j++
        if (/^\d+$/.test(w[j] ?? '')) j++
      }
      return {term: {protocols, ports, sourcePorts, note: icmp}, next: j}
    }
    while (j < w.length) {
      if (w[j] === 'source' || w[j] === 'destination') {
        const r = readPortOp(w, j + 1)
        if ('error' in r) return r
        if (w[j] === 'source') sourcePorts = r.ports
        else ports = r.ports
        j = r.next
      } else if (PORT_OPS.has(w[j])) {
        // pre-9 `service-object tcp eq 80`: the operator is the destination
        const r = readPortOp(w, j)
        if ('error' in r) return r
        ports = r.ports
        j = r.next
      } else break
    }
    return {term: {protocols, ports, sourcePorts}, next: j}
  }

  serviceObject(name: string): ServiceResult | null {
    const key = `o:${name}`
    if (this.svcMemo.has(key)) return this.svcMemo.get(key) ?? null
    const def = this.serviceObjects.get(name)
    if (!def) return null
    this.ledger.ok(def)
    let result: ServiceResult | null = null
    for (const c of def.children) {
      if (c.words[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      if (c.words[0] !== 'service') {
        this.ledger.bad(c, `unknown service object statement '${c.words[0]}'`, 'unknown-statement')
        continue
      }
      const r = this.serviceSpec(c.words, 1)
      if ('error' in r) {
        this.ledger.fail(c, r)
        continue
      }
      this.ledger.ok(c)
      result = {terms: [r.term], doubts: r.term.note ? [r.term.note] : []}
    }
    this.svcMemo.set(key, result)
    return result
  }

  serviceGroup(name: string): ServiceResult | null {
    const key = `g:${name}`
    if (this.svcMemo.has(key)) return this.svcMemo.get(key) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'service' || this.resolving.has(key)) return null
    this.resolving.add(key)
    const typed = g.type ? (g.type === 'tcp-udp' ? TCP_UDP : parseProtocol(g.type)) : null
    if (g.type && !typed) this.ledger.bad(g.node, `unknown service group type '${g.type}'`, 'unknown-statement')
    const terms: ServiceTerm[] = []
    const doubts: DoubtNote[] = []
    for (const c of g.node.children) {
      const w = c.words
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      if (w[0] === 'port-object') {
        if (!typed) {
          this.ledger.bad(c, 'port-object needs a group typed tcp, udp or tcp-udp', 'malformed')
          continue
        }
        const r = readPortOp(w, 1)
        if ('error' in r) {
          this.ledger.fail(c, r)
          continue
        }
        terms.push({protocols: typed, ports: r.ports, sourcePorts: PortSet.ALL})
      } else if (w[0] === 'service-object') {
        if (w[1] === 'object') {
          const o = this.serviceObject(w[2] ?? '')
          if (!o) {
            this.ledger.bad(c, `service object '${w[2] ?? ''}' is not defined`, 'undefined-reference')
            continue
          }
          terms.push(...o.terms)
          doubts.push(...o.doubts)
        } else {
          const r = this.serviceSpec(w, 1)
          if ('error' in r) {
            this.ledger.fail(c, r)
            continue
          }
          terms.push(r.term)
          if (r.term.note) doubts.push(r.term.note)
        }
      } else if (w[0] === 'group-object') {
        const sub = this.serviceGroup(w[1] ?? '')
        if (!sub) {
          this.ledger.bad(c, `service group '${w[1] ?? ''}' is not defined`, 'undefined-reference')
          continue
        }
        terms.push(...sub.terms)
        doubts.push(...sub.doubts)
      } else {
        this.ledger.bad(c, `unknown service group statement '${w[0]}'`, 'unknown-statement')
        continue
      }
      this.ledger.ok(c)
    }
    this.resolving.delete(key)
    const result = {terms, doubts}
    this.svcMemo.set(key, result)
    return result
  }

  protocolGroup(name: string): ProtocolSet | null {
    if (this.protoMemo.has(name)) return this.protoMemo.get(name) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'protocol' || this.resolving.has(`p:${name}`)) return null
    this.resolving.add(`p:${name}`)
    let set = ProtocolSet.EMPTY
    for (const c of g.node.children) {
      const w = c.words
      let p: ProtocolSet | null = null
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      if (w[0] === 'protocol-object') p = w[1] === 'tcp-udp' ? TCP_UDP : parseProtocol(w[1] ?? '')
      else if (w[0] === 'group-object') p = this.protocolGroup(w[1] ?? '')
      if (!p) {
        this.ledger.bad(c, `cannot read protocol '${w.slice(0, 2).join(' ')}'`, 'bad-value')
        continue
      }
      this.ledger.ok(c)
      set = set.union(p)
    }
    this.resolving.delete(`p:${name}`)
    this.protoMemo.set(name, set)
    return set
  }

  private icmpGroup(name: string): void {
    const g = this.groups.get(name)
    if (!g) return
    for (const c of g.node.children) {
      const ok = c.words[0] === 'description' || c.words[0] === 'group-object' || (c.words[0] === 'icmp-object' && !!c.words[1])
      if (ok) this.ledger.ok(c)
      else this.ledger.bad(c, `unknown icmp-type group statement '${c.words[0]}'`, 'unknown-statement')
    }
  }
}
