/**
 * iptables/ip6tables: rules inserted at the top of INPUT, FORWARD and OUTPUT of the filter table
 * (`-I CHAIN N`, numbered so they keep their order above every existing rule), kept traffic first and its
 * replies (conntrack ESTABLISHED, since an existing `ESTABLISHED -j ACCEPT` now sits below the drops),
 * then drops by interface and by address. Undo deletes each by its spec (`-D CHAIN spec`).
 */
import {hasPortRanges, isV6, keptPairs, portText, v4, v6, type KeptPair} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

const CHAINS = ['INPUT', 'FORWARD', 'OUTPUT'] as const

function proto(s: KeptService, six: boolean): string {
  if (s.protocol === 'any') return ''
  if (s.protocol === 'icmpv6' || (s.protocol === 'icmp' && six)) return ' -p ipv6-icmp'
  return ` -p ${s.protocol}`
}

/** One kept pair as a rule spec and its reply (reverse addresses, source port, ESTABLISHED). */
function keptSpecs(p: KeptPair, tag: string): string[] {
  const six = isV6(p.from)
  const comment = ` -m comment --comment "${tag} keep ${p.id}"`
  const ranges = hasPortRanges(p.service) ? p.service.ports : [null]
  const out: string[] = []
  for (const r of ranges) {
    const dport = r ? ` --dport ${portText(r, ':')}` : ''
    const sport = r ? ` --sport ${portText(r, ':')}` : ''
    out.push(`-s ${p.from} -d ${p.to}${proto(p.service, six)}${dport}${comment} -j ACCEPT`)
    out.push(`-s ${p.to} -d ${p.from}${proto(p.service, six)}${sport} -m conntrack --ctstate ESTABLISHED${comment} -j ACCEPT`)
  }
  return out
}

export function iptablesRules(request: IsolationRequest, binaries: {v4: string; v6: string} = {v4: 'iptables', v6: 'ip6tables'}): IsolationRules {
  const {tag} = request
  const comment = ` -m comment --comment "${tag}"`
  const ifaces = request.faces.flatMap((f) => (f.interface !== undefined ? [f.interface] : []))
  const apply: string[] = []
  const undo: string[] = []
  for (const six of [false, true]) {
    const zone = six ? v6(request.addresses) : v4(request.addresses)
    const kept = keptPairs(request.keep).filter((p) => isV6(p.from) === six)
    if (!zone.length && !ifaces.length) continue
    const bin = six ? binaries.v6 : binaries.v4
    for (const chain of CHAINS) {
      const specs = kept.flatMap((p) => keptSpecs(p, tag))
      if (chain !== 'OUTPUT') for (const i of ifaces) specs.push(`-i ${i}${comment} -j DROP`)
      if (chain !== 'INPUT') for (const i of ifaces) specs.push(`-o ${i}${comment} -j DROP`)
      if (chain !== 'OUTPUT') for (const a of zone) specs.push(`-s ${a}${comment} -j DROP`)
      if (chain !== 'INPUT') for (const a of zone) specs.push(`-d ${a}${comment} -j DROP`)
      specs.forEach((s, i) => {
        apply.push(`${bin} -I ${chain} ${i + 1} ${s}`)
        undo.push(`${bin} -D ${chain} ${s}`)
      })
    }
  }
  return {
    language: 'shell',
    apply,
    undo,
    notes: [
      'Run as root on the device; the rules take effect at once and are not saved (iptables-save > /etc/iptables/rules.v4 to keep them across a reboot).',
      'Drops above the ESTABLISHED accept also cut sessions already open, except the kept ones.',
    ],
  }
}

export const iptablesGenerator: IsolationGenerator = {
  formats: ['iptables'],
  syntax: 'iptables/ip6tables commands (-I CHAIN N, undo with -D)',
  generate(request) {
    if (!request.addresses.length && !request.faces.some((f) => f.interface !== undefined)) {
      return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    }
    return iptablesRules(request)
  },
}
