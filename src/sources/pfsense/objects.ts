/**
 * pfSense/OPNsense objects → sets: interfaces (addresses and subnets by friendly name), aliases
 * (nested, ranges, port aliases), and the `<source>`/`<destination>` element of rules and NAT.
 */
import {type DoubtNote, note, uniqueDoubts} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {PortSet} from '../../net/number-set.js'
import {servicePort} from '../../net/services.js'
import {child, type XmlElement, textOf} from '../xml.js'

export interface Iface {
  name: string
  descr?: string
  device?: string
  enabled: boolean
  /** Host addresses of the interface (v4 /32, v6 /128), virtual IPs included. */
  hosts: AddressSet
  /** The attached networks (`lan` in a rule means these). */
  networks: AddressSet
  /** The primary addresses only (`lanip`). */
  primary: AddressSet
  /** Addresses with their prefix length (`192.0.2.1/24`), virtual IPs included, for the device model. */
  cidrs: string[]
  /** pfSense treats `wan`, and any interface with a `<gateway>`, as WAN-type (reply-to, outbound NAT). */
  wan: boolean
  /** `blockpriv`: pfSense blocks RFC 1918 and friends before the interface rules. */
  blockPrivate: boolean
  /** Families whose address is learned at run time (dhcp, pppoe, track6, slaac…). */
  dynamic: Array<4 | 6>
  line: number
}

export interface Alias {
  name: string
  type: string
  entries: string[]
  line: number
}

/** A resolved address side: the set, names we could not expand, doubts. */
export interface Side {
  set: AddressSet
  unresolved: string[]
  doubts: DoubtNote[]
  /** When `unresolved` is set: the part we do know (a block may still use it, a pass shows any). */
  known?: AddressSet
}

export function readInterface(el: XmlElement): Iface {
  const name = el.name
  let hosts = AddressSet.EMPTY
  let networks = AddressSet.EMPTY
  const cidrs: string[] = []
  const dynamic: Array<4 | 6> = []
  for (const [addrKey, bitsKey, family] of [['ipaddr', 'subnet', 4], ['ipaddrv6', 'subnetv6', 6]] as const) {
    const addr = textOf(el, addrKey) ?? ''
    if (!addr) continue
    const ip = parseIp(addr)
    if (!ip) {
      // dhcp, dhcp6, pppoe, track6, slaac, 6rd…: the address is learned at run time
      dynamic.push(family)
      continue
    }
    const bits = textOf(el, bitsKey) || (ip.family === 4 ? '32' : '128')
    const net = parseCidr(`${addr}/${bits}`)
    hosts = hosts.union(AddressSet.parse(addr)!)
    if (net) cidrs.push(`${addr}/${net.prefix}`)
    if (net) networks = networks.union(AddressSet.fromRange(net.family, net.start, net.end))
  }
  const enable = child(el, 'enable')
  return {
    name,
    descr: textOf(el, 'descr') || undefined,
    device: textOf(el, 'if') || undefined,
    enabled: enable !== undefined && enable.text !== '0',
    blockPrivate: child(el, 'blockpriv') !== undefined && child(el, 'blockpriv')!.text !== '0',
    hosts,
    networks,
    primary: hosts,
    cidrs,
    wan: name === 'wan' || Boolean(textOf(el, 'gateway') || textOf(el, 'gatewayv6')),
    dynamic,
    line: el.line,
  }
}

/** Legacy `<aliases><alias>` (space-separated `address`) and OPNsense MVC aliases (newline `content`). */
export function readAlias(el: XmlElement): Alias | null {
  const name = textOf(el, 'name')
  if (!name) return null
  const type = (textOf(el, 'type') ?? 'host').toLowerCase()
  const raw = textOf(el, 'address') ?? textOf(el, 'content') ?? ''
  return {name, type, entries: raw.split(/[\s,]+/).filter(Boolean), line: el.line}
}

const DYNAMIC_ALIAS = new Set(['url', 'urltable', 'url_ports', 'urltable_ports', 'geoip', 'external', 'asn', 'mac', 'dynipv6host', 'authgroup', 'internal'])

export class AliasTable {
  readonly aliases = new Map<string, Alias>()

  constructor(private readonly interfaces: ReadonlyMap<string, Iface>) {}

  private readonly addrMemo = new Map<string, Side>()
  private readonly portMemo = new Map<string, PortSet | null>()
  private readonly active = new Set<string>()

  /** Addresses of a host/network alias; nested aliases followed, loops cut. */
  addresses(name: string): Side | null {
    const alias = this.aliases.get(name)
    if (!alias) return null
    const cached = this.addrMemo.get(name)
    if (cached) return cached
    if (this.active.has(name)) return {set: AddressSet.EMPTY, unresolved: [name], doubts: [note('unexpanded-set', `alias '${name}' nests itself`)]}
    this.active.add(name)
    const sets: AddressSet[] = []
    const unresolved: string[] = []
    const doubts: DoubtNote[] = []
    if (DYNAMIC_ALIAS.has(alias.type)) {
      unresolved.push(name)
      doubts.push(note('unexpanded-set', `alias '${name}' is type ${alias.type} (contents known only at run time)`))
    } else if (alias.type === 'port' || alias.type === 'url_ports') {
      unresolved.push(name)
      doubts.push(note('unexpanded-set', `port alias '${name}' used as an address`))
    } else {
      for (const entry of alias.entries) {
        const direct = AddressSet.parse(entry)
        if (direct && !/^(any|\*)$/i.test(entry)) {
          sets.push(direct)
          continue
        }
        // OPNsense alias content may name interface networks/addresses: __lan_network, __wan_address
        const special = /^__(\w+?)_(network|address)$/.exec(entry)
        const iface = special ? this.interfaces.get(special[1]) : undefined
        if (iface) {
          const set = special![2] === 'network' ? iface.networks : iface.primary
          if (iface.dynamic.length) {
            unresolved.push(entry)
            doubts.push(note('unknown-address', `alias '${name}' entry '${entry}' is dynamic: any shown`))
          }
          sets.push(set)
          continue
        }
        const nested = this.addresses(entry)
        if (nested) {
          sets.push(nested.set)
          unresolved.push(...nested.unresolved)
          doubts.push(...nested.doubts)
          continue
        }
        // a host name: pfSense resolves it with filterdns at run time
        unresolved.push(entry)
        doubts.push(note('unresolved-name', `alias '${name}' entry '${entry}' is a host name (resolved at run time)`))
      }
    }
    this.active.delete(name)
    const side = {set: AddressSet.unionAll(sets), unresolved: [...new Set(unresolved)], doubts: uniqueDoubts(doubts)}
    this.addrMemo.set(name, side)
    return side
  }

  /** Ports of a port alias (`80`, `8000:8080`, nested); null when not a port alias we can read. */
  ports(name: string): PortSet | null {
    const alias = this.aliases.get(name)
    if (!alias || alias.type !== 'port') return null
    const cached = this.portMemo.get(name)
    if (cached !== undefined) return cached
    if (this.active.has(name)) return null
    this.active.add(name)
    let out: PortSet | null = PortSet.EMPTY
    for (const entry of alias.entries) {
      const p = PortSet.parse(entry) ?? this.ports(entry)
      if (!p) {
        out = null
        break
      }
      out = out.union(p)
    }
    this.active.delete(name)
    this.portMemo.set(name, out)
    return out
  }
}

/** A rule's `<port>`: `80`, `1000-2000`, `1000:2000`, a service name, or a port alias. */
export function readPorts(text: string | undefined, aliases: AliasTable): PortSet | null {
  if (text === undefined || text === '' || text === 'any') return PortSet.ALL
  const t = text.replace(/\s+/g, '')
  const direct = PortSet.parse(t)
  if (direct) return direct
  const named = servicePort(t)
  if (named !== undefined) return PortSet.range(named)
  return aliases.ports(text)
}

export interface Context {
  interfaces: Map<string, Iface>
  aliases: AliasTable
}

/**
 * `<source>`/`<destination>`: `<any/>`, `<address>` (IP, CIDR, range, alias), `<network>` (an interface
 * name = its subnets, `wanip`/`lanip` = its address, `(self)` = every address of the firewall), `<not/>`.
 */
export function readSide(el: XmlElement | undefined, ctx: Context): Side & {negate: boolean; portText?: string} {
  const negate = child(el, 'not') !== undefined && child(el, 'not')!.text !== '0'
  const portText = textOf(el, 'port') || undefined
  const address = textOf(el, 'address')
  const network = textOf(el, 'network')
  const any: Side = {set: AddressSet.ANY, unresolved: [], doubts: []}
  let side: Side = any
  if (!el || child(el, 'any')) side = any
  else if (address) side = union(address.split(',').map((a) => resolveName(a.trim(), ctx)))
  else if (network) side = union(network.split(',').map((n) => (n.trim() === 'any' ? any : resolveNetwork(n.trim(), ctx))))
  return {set: side.set, unresolved: side.unresolved, doubts: side.doubts, known: side.known, negate, portText}
}

/** Several names in one field (OPNsense MVC rules allow comma lists). */
function union(sides: Side[]): Side {
  if (sides.length === 1) return sides[0]
  // a known part exists only when every unresolved name is a partly dynamic interface
  const partial = sides.some((s) => s.known !== undefined) && sides.every((s) => s.known !== undefined || s.unresolved.length === 0)
  const known = partial ? AddressSet.unionAll(sides.map((s) => s.known ?? s.set)) : undefined
  return {
    set: AddressSet.unionAll(sides.map((s) => s.set)),
    unresolved: [...new Set(sides.flatMap((s) => s.unresolved))],
    doubts: uniqueDoubts(sides.flatMap((s) => s.doubts)),
    known,
  }
}

function resolveName(text: string, ctx: Context): Side {
  // a dotted quad or IPv4 CIDR (most rules): no regex, no intermediate objects
  const v4 = AddressSet.parseIpv4(text)
  if (v4) return {set: v4, unresolved: [], doubts: []}
  const direct = AddressSet.parse(text)
  if (direct && !/^(any|\*)$/i.test(text)) return {set: direct, unresolved: [], doubts: []}
  const alias = ctx.aliases.addresses(text)
  if (alias) return alias
  return {set: AddressSet.EMPTY, unresolved: [text], doubts: [note('undefined-object', `'${text}' is neither an address nor a known alias`)]}
}

function resolveNetwork(text: string, ctx: Context): Side {
  const anyOf = (families: Array<4 | 6>) => AddressSet.unionAll(families.map((f) => AddressSet.anyOf(f)))
  // a dynamic family is unknown: a pass shows any of that family, a block keeps what is known
  const partial = (known: AddressSet, dynamic: Array<4 | 6>, name: string, what: string): Side =>
    dynamic.length
      ? {set: known.union(anyOf(dynamic)), unresolved: [name], doubts: [note('unknown-address', `${what} is dynamic (IPv${dynamic.join('/IPv')}): any shown`)], known}
      : {set: known, unresolved: [], doubts: []}
  if (text === '(self)') {
    const all = [...ctx.interfaces.values()]
    const dynamic = [...new Set(all.flatMap((i) => i.dynamic))]
    return partial(AddressSet.unionAll(all.map((i) => i.hosts)), dynamic, '(self)', '(self) includes an address that')
  }
  const iface = ctx.interfaces.get(text)
  if (iface) {
    if (iface.networks.isEmpty() && iface.dynamic.length === 0) {
      return {set: AddressSet.ANY, unresolved: [text], doubts: [note('unknown-address', `interface '${text}' has no static network: any shown`)]}
    }
    return partial(iface.networks, iface.dynamic, text, `the network of interface '${text}'`)
  }
  const ip = /^(.+)ip$/.exec(text)
  if (ip && ctx.interfaces.has(ip[1])) {
    const i = ctx.interfaces.get(ip[1])!
    if (i.primary.isEmpty() && i.dynamic.length === 0) {
      return {set: AddressSet.ANY, unresolved: [text], doubts: [note('unknown-address', `interface '${ip[1]}' has no static address: any shown`)]}
    }
    return partial(i.primary, i.dynamic, text, `the address of interface '${ip[1]}'`)
  }
  // CIDR written in <network> (OPNsense NAT), or an alias
  return resolveName(text, ctx)
}
