/** Address and service spellings shared by the generators (written once, as Aerleon's generator patterns). */
import {parseCidr} from '../net/ip.js'
import type {KeptRule, KeptService} from './types.js'

export const ANY4 = '0.0.0.0/0'
export const ANY6 = '::/0'

export function isV6(cidr: string): boolean {
  return cidr.includes(':')
}

export function v4(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => !isV6(c))
}

export function v6(cidrs: readonly string[]): string[] {
  return cidrs.filter(isV6)
}

/** `10.20.0.0/16` → [`10.20.0.0`, 16]. */
export function splitCidr(cidr: string): [string, number] {
  const c = parseCidr(cidr)
  if (!c) throw new Error(`not a CIDR: ${cidr}`)
  return [c.network.split('/')[0], c.prefix]
}

/** IPv4 prefix length → dotted mask (`16` → `255.255.0.0`). */
export function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.')
}

/** IPv4 prefix length → Cisco wildcard (`16` → `0.0.255.255`). */
export function wildcard(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return [24, 16, 8, 0].map((s) => (~m >>> s) & 255).join('.')
}

/** A port range as `443` or `lo-hi` with the vendor's separator. */
export function portText([lo, hi]: [number, number], sep = '-'): string {
  return lo === hi ? String(lo) : `${lo}${sep}${hi}`
}

/** Whether the service names ports (tcp/udp with a range). */
export function hasPortRanges(s: KeptService): boolean {
  return (s.protocol === 'tcp' || s.protocol === 'udp') && s.ports.length > 0
}

/** One kept rule split into the same-family pairs a vendor rule can hold (v4 with v4, v6 with v6). */
export interface KeptPair {
  id: string
  from: string
  to: string
  service: KeptService
}

/** Every (from, to, service) of the kept rules where both addresses are of one family, in order. */
export function keptPairs(keep: readonly KeptRule[]): KeptPair[] {
  const out: KeptPair[] = []
  for (const k of keep) {
    for (const from of k.from) {
      for (const to of k.to) {
        if (isV6(from) !== isV6(to)) continue
        for (const service of k.services) {
          // icmp is v4-only and icmpv6 v6-only
          if ((service.protocol === 'icmp' && isV6(from)) || (service.protocol === 'icmpv6' && !isV6(from))) continue
          out.push({id: k.id, from, to, service})
        }
      }
    }
  }
  return out
}

/** A name safe in every vendor's object names: letters, digits, `-`, `_`, `.`. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_')
}

/** A service in inventory spelling (`tcp/443`, `udp/500-501`, `icmp`, `any`), for object names and comments. */
export function serviceLabel(s: KeptService): string {
  if (!s.ports.length) return s.protocol
  return `${s.protocol}/${s.ports.map((p) => portText(p)).join(',')}`
}

/** Service → a short object name: `tcp-443`, `udp-500-501`, `icmp`. */
export function serviceName(s: KeptService): string {
  return safeName(serviceLabel(s).replace('/', '-').replaceAll(',', '_'))
}
