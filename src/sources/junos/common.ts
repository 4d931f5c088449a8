/** Helpers shared by the Junos exposure builders: names of ports and protocols, address books. */
import type {ExposureTemplate} from '../../model/build.js'
import type {UnparsedCode} from '../types.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {servicePort} from '../../net/services.js'
import {parseAddress} from './build.js'
import type {AddressBook, AddressObject, JunosConfig} from './model.js'

/** What an exposure inherits from the rule that produced it. */
export type Template = ExposureTemplate

export interface ExposureProblem {
  line: number
  reason: string
  text: string
  code: UnparsedCode
}

export interface Resolved {
  set: AddressSet
  /** Names we could not expand (dns-name, unknown): the set is widened to any for permits. */
  unresolved: string[]
}

/** Port names Junos accepts in `destination-port`/`source-port` beyond the common IANA table. */
const JUNOS_PORT_NAMES: Record<string, number> = {
  https: 443,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  ntp: 123,
  tftp: 69,
  syslog: 514,
  ldap: 389,
  ldp: 646,
  'radius': 1812,
  radacct: 1813,
  'xdmcp': 177,
  'pop3': 110,
  imap: 143,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  'nfsd': 2049,
  'sunrpc': 111,
  'kerberos-sec': 88,
  'klogin': 543,
  'kpasswd': 761,
  'krb-prop': 754,
  'krbupdate': 760,
  'kshell': 544,
  'login': 513,
  'mobileip-agent': 434,
  'mobilip-mn': 435,
  'msdp': 639,
  'nntp': 119,
  'printer': 515,
  'socks': 1080,
  'talk': 517,
  'timed': 525,
  'who': 513,
  'xdmcp-alt': 177,
  'zephyr-clt': 2103,
  'zephyr-hm': 2104,
  'zephyr-srv': 2102,
  'cvspserver': 2401,
  'eklogin': 2105,
  'ekshell': 2106,
  'bfd': 3784,
}

export function portSet(text: string): PortSet | null {
  const parts = text.split(',')
  const pairs: Array<[number, number]> = []
  for (const raw of parts) {
    const p = raw.trim()
    const m = /^([^-\s]+)(?:\s*-\s*([^-\s]+))?$/.exec(p)
    if (!m) return null
    const a = portNumber(m[1])
    const b = m[2] === undefined ? a : portNumber(m[2])
    if (a === undefined || b === undefined || a > b) return null
    pairs.push([a, b])
  }
  return PortSet.fromRanges(pairs)
}

function portNumber(name: string): number | undefined {
  const lower = name.toLowerCase()
  return JUNOS_PORT_NAMES[lower] ?? servicePort(lower)
}

/** `tcp/22`, `icmp`, `89`, `1-255` → a box of protocol and ports. */
export function specBox(spec: string): Box {
  const [proto, ports] = spec.split('/')
  const range = /^(\d+)-(\d+)$/.exec(proto)
  const protocols = range ? ProtocolSet.of(...Array.from({length: Number(range[2]) - Number(range[1]) + 1}, (_, i) => Number(range[1]) + i)) : parseProtocol(proto) ?? ProtocolSet.ALL
  return {...ANY_BOX, protocols, ports: ports ? portSet(ports) ?? PortSet.ALL : PortSet.ALL}
}

export function junosProtocol(text: string): ProtocolSet | null {
  const t = text.toLowerCase()
  if (t === 'icmp6') return ProtocolSet.of(58)
  return parseProtocol(t)
}

/** Address names → sets, looked up in the zone's book, then books attached to the zone, then global. */
export class AddressResolver {
  /** Per zone (`''`: none), name → resolved set. */
  private readonly cache = new Map<string, Map<string, Resolved>>()
  private readonly bookCache = new Map<string, AddressBook[]>()

  constructor(private readonly config: JunosConfig) {}

  resolveAll(names: string[], zone: string | undefined): Resolved {
    if (names.length === 0) return {set: AddressSet.ANY, unresolved: []}
    if (names.length === 1) return this.resolve(names[0], zone, undefined)
    let set = AddressSet.EMPTY
    const unresolved: string[] = []
    for (const n of names) {
      const r = this.resolve(n, zone, undefined)
      set = set.union(r.set)
      unresolved.push(...r.unresolved)
    }
    return {set, unresolved}
  }

  private books(zone: string | undefined): AddressBook[] {
    const key = zone ?? ''
    let out = this.bookCache.get(key)
    if (out) return out
    out = []
    const z = zone ? this.config.zones.get(zone) : undefined
    if (z) out.push(z.book)
    for (const b of this.config.books.values()) if (b.name !== 'global' && zone && b.attach.includes(zone)) out.push(b)
    out.push(this.config.books.get('global')!)
    this.bookCache.set(key, out)
    return out
  }

  private resolve(name: string, zone: string | undefined, seen: Set<string> | undefined): Resolved {
    let cache = this.cache.get(zone ?? '')
    if (!cache) this.cache.set(zone ?? '', (cache = new Map()))
    const cached = cache.get(name)
    if (cached) return cached
    let out: Resolved
    if (name === 'any' || name === 'any-ipv4' || name === 'any-ipv6') out = {set: parseAddress(name)!, unresolved: []}
    else {
      let entry: AddressObject | undefined
      for (const b of this.books(zone)) if ((entry = b.entries.get(name)) !== undefined) break
      const literal = entry ? null : parseAddress(name)
      if (!entry) out = literal ? {set: literal, unresolved: []} : {set: AddressSet.EMPTY, unresolved: [name]}
      else if (entry.members) {
        const path = seen ?? new Set<string>()
        if (path.has(name)) return {set: AddressSet.EMPTY, unresolved: []}
        path.add(name)
        let set = AddressSet.EMPTY
        const unresolved: string[] = []
        for (const m of entry.members) {
          const r = this.resolve(m, zone, path)
          set = set.union(r.set)
          unresolved.push(...r.unresolved)
        }
        out = {set, unresolved}
      } else if (entry.set) out = {set: entry.set, unresolved: []}
      else out = {set: AddressSet.EMPTY, unresolved: [entry.dnsName ? `${name} (dns-name ${entry.dnsName})` : name]}
    }
    cache.set(name, out)
    return out
  }
}
