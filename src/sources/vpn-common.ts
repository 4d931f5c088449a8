/**
 * Small pieces shared by the VPN parsers (openvpn, wireguard, strongswan): building listener and route
 * exposures, and reading peer addresses that may be hostnames or placeholders instead of IPs.
 */
import {buildExposure} from '../model/build.js'
import {attachment} from '../model/device.js'
import type {DoubtNote} from '../model/doubts.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {parseCidr} from '../net/ip.js'
import {TCP, UDP} from '../net/protocol.js'
import {REDACTED, redactLine} from './redact.js'

export {TCP, UDP}
/** IPsec ESP, IP protocol 50. */
export const ESP = 50

/** An address list as read from a VPN config: what parsed, plus names we could not expand. */
export interface PeerAddresses {
  set: AddressSet
  /** Hostnames, placeholders (`PH_IP_SUN`, `%defaultroute`), pool names: the set is then ANY. */
  names: string[]
}

/**
 * One address, CIDR (host bits masked, as the kernel routes it), or `a-b` range; null otherwise.
 * VPN configs often write the interface address with its prefix (`10.0.44.1/24`): that is the network.
 */
export function parseAddress(text: string): AddressSet | null {
  const t = text.trim()
  if (t.includes('-') && !t.includes('/')) return AddressSet.parse(t)
  const c = parseCidr(t)
  if (!c) return null
  return AddressSet.fromRange(c.family, c.start, c.end)
}

/**
 * A list of peer addresses where hostnames are legal. `%any` (or no entry at all) is any; an entry that is not
 * an address makes the whole set ANY and is remembered by name, so the diff can say why.
 */
export function readPeerAddresses(items: readonly string[]): PeerAddresses {
  let set = AddressSet.EMPTY
  const names: string[] = []
  const entries = items.map((i) => i.trim()).filter((i) => i !== '')
  let any = entries.length === 0
  for (const item of entries) {
    const lower = item.toLowerCase()
    if (lower === '%any' || lower === 'any') {
      any = true
    } else if (lower === '%any4') {
      set = set.union(AddressSet.ANY4)
    } else if (lower === '%any6') {
      set = set.union(AddressSet.ANY6)
    } else {
      const parsed = parseAddress(item)
      if (parsed) set = set.union(parsed)
      else names.push(item)
    }
  }
  if (any || names.length > 0) set = AddressSet.ANY
  return {set, names}
}

export interface VpnExposureInit {
  kind: Exposure['kind']
  from: AddressSet
  to: AddressSet
  protocols: ProtocolSet
  ports?: PortSet
  sourcePorts?: PortSet
  line: number
  rule: string
  text?: string
  fromSets?: string[]
  toSets?: string[]
  interfaces?: {in?: string[]; out?: string[]}
  doubts?: DoubtNote[]
  translated?: Exposure['translated']
  /** The exposure targets the host itself (a management socket). */
  hostLocal?: boolean
}

/** An inbound allow of a VPN listener or route; traffic a tunnel interface delivers enters by that interface. */
export function vpnExposure(init: VpnExposureInit): Exposure {
  return buildExposure({
    kind: init.kind,
    box: {from: init.from, to: init.to, protocols: init.protocols, ports: init.ports ?? PortSet.ALL, sourcePorts: init.sourcePorts ?? PortSet.ALL},
    line: init.line,
    rule: init.rule,
    ...(init.text !== undefined ? {text: init.text} : {}),
    ...(init.translated ? {translated: init.translated} : {}),
    ...(init.fromSets ? {fromSets: init.fromSets} : {}),
    ...(init.toSets ? {toSets: init.toSets} : {}),
    ...(init.interfaces ? {interfaces: init.interfaces} : {}),
    ...(init.interfaces?.in?.length ? {ingress: attachment(init.interfaces.in)} : {}),
    ...(init.interfaces?.out?.length ? {egress: attachment(init.interfaces.out)} : {}),
    ...(init.hostLocal ? {hostLocal: true} : {}),
    ...(init.doubts ? {doubts: init.doubts} : {}),
  })
}

/** Every protocol, every port: what a VPN route lets through before any firewall looks at it. */
export const ALL_PROTOCOLS = ProtocolSet.ALL

// names of settings whose value is (or may be) a credential, in any of the three formats
const SECRET_NAME = /secret|key|psk|pass|token|cred|\bpin\b/i
// a WireGuard/Curve25519 key: 32 bytes in base64
const BASE64_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{42,43}=/g

/**
 * Echo text for a `name = value` line we could not read: redacted like every line, and with the whole
 * value dropped when the name looks like a credential (a misspelt `PresharedKeys` or `leftpsk` is still
 * a secret that the keyword patterns of redact.ts would miss).
 */
export function redactSetting(name: string, line: string): string {
  const at = name ? line.indexOf(name) : -1
  if (at >= 0 && SECRET_NAME.test(name)) {
    const head = /^[\s=:]*/.exec(line.slice(at + name.length))![0]
    return `${line.slice(0, at + name.length)}${head || ' '}${REDACTED}`
  }
  return redactLine(line).replace(BASE64_KEY, REDACTED)
}

/**
 * Packets keep their address family: an exposure whose source is IPv4-only reaches only IPv4
 * destinations, and the other way round. Returns the exposure narrowed to the families both sides
 * share, or nothing when they share none (a set emptied by family is no exposure).
 */
export function matchFamilies(e: Exposure): Exposure[] {
  const families = ([4, 6] as const).filter((f) => e.from.hasFamily(f) && e.to.hasFamily(f))
  if (families.length === 0) return []
  if (families.length === 2) return [e]
  const f = families[0]
  return [{...e, from: e.from.only(f), to: e.to.only(f)}]
}
