/**
 * nftables: `nft insert rule` into the existing filter base chains of the input, forward and output
 * hooks, read from the device's ruleset (`nft list ruleset` text). `insert` without a position puts a
 * rule first, so the rules are emitted last-first and end up kept traffic, replies, then drops. Undo
 * looks the rules up by their comment (`nft -a` prints handles) and deletes them by handle.
 */
import {hasPortRanges, isV6, keptPairs, portText, v4, v6, type KeptPair} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

type Hook = 'input' | 'forward' | 'output'

export interface BaseChain {
  family: string
  table: string
  chain: string
  hook: Hook
}

/** Filter base chains of the input/forward/output hooks, in ruleset order (text form). */
export function baseChains(text: string): BaseChain[] {
  const out: BaseChain[] = []
  let table: {family: string; name: string} | undefined
  let chain: string | undefined
  // one statement per line, whatever the layout (`chain input { type filter hook input …; }` on one line)
  const statements = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('\n')
    .replace(/\{/g, '{\n')
    .replace(/[;}]/g, '\n')
    .split('\n')
  // command form (`nft add chain inet filter input '{ type filter hook input priority 0; }'`)
  for (const m of text.matchAll(/^[ \t]*(?:nft[ \t]+)?(?:add|create)[ \t]+chain[ \t]+(ip|ip6|inet)[ \t]+(\S+)[ \t]+(\S+)[ \t]+['"]?\{[^}\n]*\btype[ \t]+filter[ \t]+hook[ \t]+(input|forward|output)\b/gm)) {
    out.push({family: m[1], table: m[2], chain: m[3], hook: m[4] as Hook})
  }
  for (const line of statements) {
    const t = line.trim()
    if (/^(?:nft\s+)?(?:add|create)\s+chain\s/.test(t)) continue
    let m = /^table\s+(ip|ip6|inet)\s+(\S+)\s*\{/.exec(t)
    if (m) {
      table = {family: m[1], name: m[2]}
      continue
    }
    m = /^chain\s+(\S+)\s*\{/.exec(t)
    if (m && table) {
      chain = m[1]
      continue
    }
    m = /\btype\s+filter\s+hook\s+(input|forward|output)\b/.exec(t)
    if (m && table && chain) out.push({family: table.family, table: table.name, chain, hook: m[1] as Hook})
  }
  return out
}

function l4(s: KeptService, six: boolean, dir: 'dport' | 'sport', r: [number, number] | null): string {
  if (s.protocol === 'any') return ''
  if (r) return ` ${s.protocol} ${dir} ${portText(r)}`
  if (s.protocol === 'icmp' || s.protocol === 'icmpv6') return six ? ' meta l4proto ipv6-icmp' : ' meta l4proto icmp'
  return ` meta l4proto ${s.protocol}`
}

function keptRules(p: KeptPair, tag: string): string[] {
  const six = isV6(p.from)
  const ip = six ? 'ip6' : 'ip'
  const comment = ` comment "${tag} keep ${p.id}"`
  const out: string[] = []
  for (const r of hasPortRanges(p.service) ? p.service.ports : [null]) {
    out.push(`${ip} saddr ${p.from} ${ip} daddr ${p.to}${l4(p.service, six, 'dport', r)} accept${comment}`)
    out.push(`${ip} saddr ${p.to} ${ip} daddr ${p.from}${l4(p.service, six, 'sport', r)} ct state established accept${comment}`)
  }
  return out
}

const set = (cidrs: string[]) => (cidrs.length === 1 ? cidrs[0] : `{ ${cidrs.join(', ')} }`)

export function nftablesRules(request: IsolationRequest, chains: BaseChain[]): IsolationRules {
  const {tag} = request
  const comment = ` comment "${tag}"`
  const ifaces = request.faces.flatMap((f) => (f.interface !== undefined ? [f.interface] : []))
  const apply: string[] = []
  const undo: string[] = []
  const notes: string[] = []
  for (const c of chains) {
    const families = c.family === 'inet' ? [false, true] : [c.family === 'ip6']
    const rules: string[] = []
    for (const six of families) rules.push(...keptPairs(request.keep).filter((p) => isV6(p.from) === six).flatMap((p) => keptRules(p, tag)))
    if (c.hook !== 'output') for (const i of ifaces) rules.push(`iifname "${i}" drop${comment}`)
    if (c.hook !== 'input') for (const i of ifaces) rules.push(`oifname "${i}" drop${comment}`)
    for (const six of families) {
      const zone = six ? v6(request.addresses) : v4(request.addresses)
      if (!zone.length) continue
      const ip = six ? 'ip6' : 'ip'
      if (c.hook !== 'output') rules.push(`${ip} saddr ${set(zone)} drop${comment}`)
      if (c.hook !== 'input') rules.push(`${ip} daddr ${set(zone)} drop${comment}`)
    }
    const where = `${c.family} ${c.table} ${c.chain}`
    // insert puts a rule first: the last one goes in first
    for (const r of [...rules].reverse()) apply.push(`nft 'insert rule ${where} ${r}'`)
    undo.push(
      `nft -a list chain ${where} | sed -n 's/.* comment "${tag}\\( keep [^"]*\\)\\{0,1\\}" # handle \\([0-9][0-9]*\\)$/\\2/p' | while read -r h; do nft delete rule ${where} handle "$h"; done`,
    )
  }
  for (const hook of ['input', 'forward', 'output'] as const) {
    if (!chains.some((c) => c.hook === hook)) notes.push(`no filter base chain on the ${hook} hook in the ruleset: that hook accepts everything and is not cut`)
  }
  const fams = new Set(chains.map((c) => c.family))
  if (!fams.has('inet') && !fams.has('ip6') && v6(request.addresses).length) notes.push('no ip6/inet table: the IPv6 addresses of the zone are not cut')
  if (!fams.has('inet') && !fams.has('ip') && v4(request.addresses).length) notes.push('no ip/inet table: the IPv4 addresses of the zone are not cut')
  notes.push('Run as root on the device; the rules take effect at once and are not saved (nft list ruleset > /etc/nftables.conf to keep them).')
  return {language: 'shell', apply, undo, notes}
}

export const nftablesGenerator: IsolationGenerator = {
  formats: ['nftables'],
  syntax: "nft commands (insert rule, undo by the rules' comment and handle)",
  generate(request) {
    if (!request.config) return {refused: 'no exported ruleset: the table and base chains to insert into are unknown'}
    const chains = baseChains(request.config.text)
    if (!chains.length) return {refused: `${request.config.file} has no filter base chain on the input, forward or output hook`}
    if (!request.addresses.length && !request.faces.some((f) => f.interface !== undefined)) {
      return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    }
    return nftablesRules(request, chains)
  },
}
