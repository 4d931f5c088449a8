import {ProtocolSet} from './number-set.js'

/** IANA numbers of the protocols configs name; DESIGN §10 spells the first eight by name. */
const BY_NAME: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  ipip: 4,
  ipinip: 4,
  tcp: 6,
  egp: 8,
  dccp: 33,
  igp: 9,
  udp: 17,
  ipv6: 41,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  icmp6: 58,
  'icmp-v6': 58,
  eigrp: 88,
  ospf: 89,
  ospfigp: 89,
  pim: 103,
  pcp: 108,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  udplite: 136,
  nos: 94,
  snp: 109,
}

const NAME_OF: Record<number, string> = {1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6', 50: 'esp', 51: 'ah', 47: 'gre'}

/** Words that mean "every protocol" in some vendor's grammar. */
const ANY_WORDS = new Set(['any', 'all', 'ip', '*', '-1', 'ipv4', 'ipv6any'])

/**
 * A protocol as configs write it (`tcp`, `TCP`, `6`, `-1`, `all`, `ip`, `*`) → a ProtocolSet,
 * or null when unknown. `ip` means any IPv4 protocol in Cisco grammar.
 */
export function parseProtocol(text: string): ProtocolSet | null {
  const t = text.trim().toLowerCase()
  if (ANY_WORDS.has(t)) return ProtocolSet.ALL
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t)
    return n <= 255 ? ProtocolSet.of(n) : null
  }
  const n = BY_NAME[t]
  return n === undefined ? null : ProtocolSet.of(n)
}

/** DESIGN §10 name of one protocol number: `tcp`, `icmpv6`, or the number as a string. */
export function protocolName(n: number): string {
  return NAME_OF[n] ?? String(n)
}

export const TCP = 6
export const UDP = 17
export const ICMP = 1
export const ICMPV6 = 58

/** Protocols whose traffic has ports; for every other protocol the port dimension is "all". */
export function hasPorts(n: number): boolean {
  return n === TCP || n === UDP || n === 132 || n === 33
}
