/**
 * Cisco IOS / IOS XE: entries with low sequence numbers in the interface ACLs (`ip access-list extended
 * NAME` / ` 1 permit …`; IPv6 ` sequence 1 …`), which IOS evaluates in sequence order. Entries written
 * without numbers are numbered 10, 20…, so 1–9 are free; with more rules than free numbers the ACL is
 * resequenced first. The zone's own interface gets kept entries and a deny-all in and out (new ACLs when
 * it has none); the other inbound ACLs get denies to and from the zone's addresses. Undo removes the
 * entries by number and the ACLs and bindings the isolation created. Written as in a running config (no
 * `exit`): pasted under `configure terminal`, each global command leaves the previous sub-mode.
 */
import {ANY4, ANY6, hasPortRanges, isV6, keptPairs, safeName, splitCidr, v4, v6, wildcard, type KeptPair} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

interface IosInterface {
  name: string
  acl: {in?: string; out?: string; in6?: string; out6?: string}
}

export interface IosContext {
  interfaces: IosInterface[]
  /** ACL name → lowest sequence number of its entries (10 when none is written). */
  lowest: Map<string, number>
}

export function iosContext(text: string): IosContext {
  const interfaces: IosInterface[] = []
  const lowest = new Map<string, number>()
  const explicit = new Map<string, number>()
  let iface: IosInterface | undefined
  let acl: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    let m = /^interface\s+(\S+)/.exec(line)
    if (m) {
      iface = {name: m[1], acl: {}}
      interfaces.push(iface)
      acl = undefined
      continue
    }
    m = /^(?:ip access-list (?:extended|standard)|ipv6 access-list)\s+(\S+)/.exec(line)
    if (m) {
      acl = m[1]
      iface = undefined
      if (!lowest.has(acl)) lowest.set(acl, 10)
      continue
    }
    if (!/^\s/.test(line)) {
      iface = undefined
      acl = undefined
      m = /^access-list\s+(\d+)\s/.exec(line)
      if (m && !lowest.has(m[1])) lowest.set(m[1], 10)
      continue
    }
    if (iface) {
      m = /^\s+ip access-group\s+(\S+)\s+(in|out)\b/.exec(line)
      if (m) iface.acl[m[2] as 'in' | 'out'] = m[1]
      m = /^\s+ipv6 traffic-filter\s+(\S+)\s+(in|out)\b/.exec(line)
      if (m) iface.acl[`${m[2]}6` as 'in6' | 'out6'] = m[1]
    } else if (acl) {
      m = /^\s+(?:sequence\s+)?(\d+)\s+(?:permit|deny|remark)\b/.exec(line)
      if (m) explicit.set(acl, Math.min(explicit.get(acl) ?? Number(m[1]), Number(m[1])))
    }
  }
  for (const [name, seq] of explicit) lowest.set(name, seq)
  return {interfaces, lowest}
}

/** IOS address: `host A`, `A WILDCARD`, `any`; IPv6 `host A`, `prefix/len`, `any`. */
function iosAddress(cidr: string): string {
  if (cidr === ANY4 || cidr === ANY6) return 'any'
  const [addr, prefix] = splitCidr(cidr)
  if (isV6(cidr)) return prefix === 128 ? `host ${addr}` : `${addr}/${prefix}`
  return prefix === 32 ? `host ${addr}` : `${addr} ${wildcard(prefix)}`
}

function iosProtocol(s: KeptService, six: boolean): string {
  if (s.protocol === 'any') return six ? 'ipv6' : 'ip'
  if (s.protocol === 'icmpv6' || (s.protocol === 'icmp' && six)) return 'icmp'
  return s.protocol
}

/** The kept pair and its replies (IOS ACLs are stateless: TCP replies by `established`, others by source port). */
function keptEntries(p: KeptPair): string[] {
  const six = isV6(p.from)
  const proto = iosProtocol(p.service, six)
  const [from, to] = [iosAddress(p.from), iosAddress(p.to)]
  if (!hasPortRanges(p.service)) return [`permit ${proto} ${from} ${to}`, `permit ${proto} ${to} ${from}`]
  const port = ([lo, hi]: [number, number]) => (lo === hi ? `eq ${lo}` : `range ${lo} ${hi}`)
  return p.service.ports.flatMap((r) => [
    `permit ${proto} ${from} ${to} ${port(r)}`,
    `permit ${proto} ${to} ${port(r)} ${from}${proto === 'tcp' ? ' established' : ''}`,
  ])
}

export function iosRules(request: IsolationRequest, ctx: IosContext): IsolationRules {
  const faces = new Set(request.faces.flatMap((f) => (f.interface !== undefined ? [f.interface] : [])))
  const apply: string[] = []
  const undo: string[] = []
  const undoLast: string[] = []
  const notes: string[] = []
  const pairs = keptPairs(request.keep)
  const kept = (six: boolean) => pairs.filter((p) => isV6(p.from) === six).flatMap(keptEntries)
  const zone = (six: boolean) => (six ? v6(request.addresses) : v4(request.addresses)).map(iosAddress)
  const header = (six: boolean, name: string) => (six ? `ipv6 access-list ${name}` : `ip access-list extended ${name}`)
  const insert = (six: boolean, name: string, entries: string[]) => {
    if (!entries.length) return
    const low = ctx.lowest.get(name) ?? 10
    if (entries.length >= low) {
      const start = Math.ceil((entries.length + 1) / 100) * 100
      apply.push(`ip access-list resequence ${name} ${start} 10`)
    }
    const seq = (i: number) => (six ? `sequence ${i + 1}` : String(i + 1))
    apply.push(header(six, name), ...entries.map((e, i) => ` ${seq(i)} ${e}`))
    undo.push(header(six, name), ...entries.map((_, i) => ` no ${seq(i)}`))
  }
  for (const iface of ctx.interfaces) {
    const bindings: string[] = []
    const unbind: string[] = []
    for (const six of [false, true]) {
      const ip = six ? 'ipv6' : 'ip'
      if (faces.has(iface.name)) {
        for (const dir of ['in', 'out'] as const) {
          const existing = iface.acl[six ? (`${dir}6` as const) : dir]
          const entries = [...kept(six), `deny ${ip} any any`]
          if (existing) insert(six, existing, entries)
          else {
            const name = `${request.tag}-${dir}${six ? '6' : ''}-${safeName(iface.name.replaceAll('/', '_'))}`
            apply.push(header(six, name), ...entries.map((e) => ` ${e}`))
            bindings.push(six ? ` ipv6 traffic-filter ${name} ${dir}` : ` ip access-group ${name} ${dir}`)
            unbind.push(six ? ` no ipv6 traffic-filter ${name} ${dir}` : ` no ip access-group ${name} ${dir}`)
            undoLast.push(six ? `no ipv6 access-list ${name}` : `no ip access-list extended ${name}`)
          }
        }
      } else if (zone(six).length) {
        const existing = iface.acl[six ? 'in6' : 'in']
        if (existing) insert(six, existing, [...kept(six), ...zone(six).map((z) => `deny ${ip} any ${z}`), ...zone(six).map((z) => `deny ${ip} ${z} any`)])
        else if (!faces.size) notes.push(`interface ${iface.name} has no inbound ${six ? 'IPv6 traffic-filter' : 'access-group'}: what enters by it is not cut (bind an ACL to it first)`)
        else if (!six) notes.push(`interface ${iface.name} has no inbound access-group: traffic spoofing the zone's addresses may still enter by it (enable 'ip verify unicast source reachable-via rx' on it)`)
      }
    }
    if (bindings.length) {
      apply.push(`interface ${iface.name}`, ...bindings)
      undo.push(`interface ${iface.name}`, ...unbind)
    }
  }
  for (const f of faces) if (!ctx.interfaces.some((i) => i.name === f)) notes.push(`interface ${f} (devices[].interfaces) is not in the config: it is not cut`)
  notes.push('IOS ACLs are stateless: open sessions stop at once, and each kept entry comes with its replies (TCP by `established`).')
  notes.push('Traffic to the router itself (vty, SNMP) from the zone is filtered by the inbound ACL of its interface only.')
  return {language: 'cli', apply, undo: [...undo, ...undoLast], notes}
}

export const ciscoIosGenerator: IsolationGenerator = {
  formats: ['cisco-ios'],
  syntax: 'Cisco IOS configuration commands (ACL entries at sequence 1…, undo with no SEQ)',
  generate(request) {
    if (!request.config) return {refused: 'no exported config: the interface ACLs to insert into are unknown'}
    const ctx = iosContext(request.config.text)
    if (!ctx.interfaces.length) return {refused: `${request.config.file} declares no interface`}
    if (!request.addresses.length && !request.faces.length) return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    const rules = iosRules(request, ctx)
    if (!rules.apply.length) return {refused: 'no interface ACL to insert into and no interface that faces the zone alone'}
    return rules
  },
}
