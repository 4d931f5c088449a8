/**
 * The neutral device model (Batfish's habit: vendor model → one neutral model → analysis). A parser
 * describes the device it read: its interfaces and where they sit, its own addresses and its listeners.
 * Exposures then say where their traffic enters (`ingress`) and leaves (`egress`) in these terms, so the
 * diff can decide reach by where traffic enters instead of by source addresses alone.
 *
 * Names keep the vendor's spelling (`outside`, `untrust`, `eth0`, `port1`); mapping them to inventory
 * zones is the diff's job (devices[].interfaces in the inventory, or inference), never a parser's.
 */
import {AddressSet} from '../net/address-set.js'
import {parseCidr} from '../net/ip.js'

/** One interface (or vendor zone member) as the config declares it. */
export interface DeviceInterface {
  /** Vendor name: `outside` (ASA nameif), `GigabitEthernet0/1`, `ge-0/0/0.0`, `ethernet1/1`, `port1`, `eth0`, `lan`. */
  name: string
  /** Addresses with their prefix length, as configured (`192.0.2.1/24`, `2001:db8::1/64`). */
  addresses: string[]
  /** The vendor zone the interface belongs to (Junos/PAN-OS/FortiOS zones, IOS ZBF zone-member). */
  vendorZone?: string
  /** ASA/PIX security level (0 = least trusted, 100 = inside). */
  securityLevel?: number
  /** The config routes 0.0.0.0/0 or ::/0 out of this interface. */
  defaultRoute?: boolean
  /** The vendor marks it as WAN/untrusted-facing (pfSense `wan`, FortiOS `role wan`, OPNsense `wan`). */
  wan?: boolean
  /** 1-based line where the interface is declared. */
  line?: number
}

/** A service the device itself listens on (VPN, management plane). */
export interface DeviceListener {
  /** What it is: `openvpn`, `ipsec`, `wireguard`, `ssh`, `https`, `snmp`… */
  service: string
  /** Addresses it is bound to; empty = every address of the device. Loopback-bound listeners never reach outside. */
  bind: string[]
  line?: number
}

export interface DeviceModel {
  interfaces: DeviceInterface[]
  /** The device's own addresses (from its interfaces when the config has them). */
  ownAddresses: string[]
  listeners: DeviceListener[]
}

/** Where an exposure's traffic enters or leaves the device, in the vendor's terms. */
export interface Attachment {
  /** Interfaces the rule is bound to (`-i eth0`, `access-group … in interface outside`, `srcintf`). */
  interfaces: string[]
  /** Vendor zones (`from-zone untrust`, PAN-OS `from`, FortiOS zone, ZBF zone). */
  zones: string[]
}

/** Netfilter hook an exposure belongs to (iptables/nftables only). */
export type NetfilterHook = 'prerouting' | 'input' | 'forward' | 'output'

export function emptyDevice(): DeviceModel {
  return {interfaces: [], ownAddresses: [], listeners: []}
}

/** An attachment without repeats, in the order the config names them. */
export function attachment(interfaces: Iterable<string> = [], zones: Iterable<string> = []): Attachment {
  return {interfaces: [...new Set(interfaces)], zones: [...new Set(zones)]}
}

/**
 * An interface address as configured: `192.0.2.1/24`, `192.0.2.1 255.255.255.0`, `2001:db8::1/64`, or a
 * bare address (a host). Returns `address/length` with the host bits kept, or null when it is not one.
 */
export function interfaceAddress(text: string, mask?: string): string | null {
  const spec = mask ? `${text.trim()}/${mask.trim()}` : text.trim()
  const c = parseCidr(spec)
  if (!c) return null
  return `${spec.split('/')[0]}/${c.prefix}`
}

/** The device's own (host) addresses on an interface: `192.0.2.1/24` → 192.0.2.1/32. */
export function hostAddressesOf(addresses: Iterable<string>): AddressSet {
  return AddressSet.unionAll([...addresses].map((a) => AddressSet.parse(a.split('/')[0]) ?? AddressSet.EMPTY))
}

/** Whether `ip` lies in a subnet of the interface (where a next hop names the interface it leaves by). */
export function onSubnet(iface: DeviceInterface, ip: string): boolean {
  const host = AddressSet.parse(ip)
  if (!host) return false
  return iface.addresses.some((a) => {
    const c = parseCidr(a)
    return c ? AddressSet.parse(c.network)!.covers(host) : false
  })
}

/** A device model whose own addresses are those of its interfaces (plus any the parser knows besides). */
export function deviceModel(interfaces: DeviceInterface[], listeners: DeviceListener[] = [], more: string[] = []): DeviceModel {
  const own = hostAddressesOf(interfaces.flatMap((i) => i.addresses)).union(hostAddressesOf(more))
  return {interfaces, ownAddresses: own.toCidrs(), listeners}
}

/** Loopback addresses: a service bound only to them is reachable from the device itself, never from outside. */
export const LOOPBACK = AddressSet.of('127.0.0.0/8', '::1')

/** Whether every address of a (non-empty) destination is a loopback address. */
export function onlyLoopback(to: AddressSet): boolean {
  return !to.isEmpty() && LOOPBACK.covers(to)
}
