/**
 * Cisco ASA: ACEs inserted at the top of the interface ACLs (`access-list NAME line N extended …`).
 * On an interface that carries only the zone, everything entering it is the zone's (`deny ip any any`
 * after the kept ACEs, in its inbound ACL), and an outbound ACL on it stops what other interfaces send
 * to the zone (ASA: an outbound ACL filters traffic leaving that interface). Every other inbound ACL gets
 * deny ACEs to and from the zone's addresses. Undo removes each ACE by its text (`no access-list …`) and
 * the ACLs the isolation created.
 */
import {ANY4, ANY6, hasPortRanges, isV6, keptPairs, netmask, splitCidr, type KeptPair} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

interface AsaContext {
  /** nameifs, in config order. */
  interfaces: string[]
  /** Interfaces with `icmp permit|deny` / `ipv6 icmp permit|deny` rules already (ours would come after them). */
  icmpRules: Set<string>
  groups: Array<{acl: string; direction: 'in' | 'out'; iface: string}>
}

export function asaContext(text: string): AsaContext {
  const interfaces: string[] = []
  const groups: AsaContext['groups'] = []
  const icmpRules = new Set<string>()
  for (const line of text.split('\n')) {
    const icmp = /^(?:ipv6\s+)?icmp\s+(?:permit|deny)\s.*\s(\S+)\s*$/.exec(line)
    if (icmp) icmpRules.add(icmp[1])
    let m = /^\s+nameif\s+(\S+)/.exec(line)
    if (m) interfaces.push(m[1])
    m = /^access-group\s+(\S+)\s+(in|out)\s+interface\s+(\S+)/.exec(line)
    if (m) groups.push({acl: m[1], direction: m[2] as 'in' | 'out', iface: m[3]})
  }
  return {interfaces, icmpRules, groups}
}

/** ASA address: `host A`, `A MASK`, an IPv6 prefix, `any4`/`any6`. */
export function asaAddress(cidr: string): string {
  if (cidr === ANY4) return 'any4'
  if (cidr === ANY6) return 'any6'
  const [addr, prefix] = splitCidr(cidr)
  if (isV6(cidr)) return prefix === 128 ? `host ${addr}` : `${addr}/${prefix}`
  return prefix === 32 ? `host ${addr}` : `${addr} ${netmask(prefix)}`
}

function asaProtocol(s: KeptService): string {
  if (s.protocol === 'any') return 'ip'
  if (s.protocol === 'icmpv6') return 'icmp6'
  return s.protocol
}

/** The kept pair as ACE bodies (`permit tcp SRC DST eq 22`), one per port range. */
function keptAces(p: KeptPair): string[] {
  const head = `permit ${asaProtocol(p.service)} ${asaAddress(p.from)} ${asaAddress(p.to)}`
  if (!hasPortRanges(p.service)) return [head]
  return p.service.ports.map(([lo, hi]) => (lo === hi ? `${head} eq ${lo}` : `${head} range ${lo} ${hi}`))
}

export function asaRules(request: IsolationRequest, ctx: AsaContext): IsolationRules {
  const faces = new Set(request.faces.flatMap((f) => (f.interface !== undefined ? [f.interface] : [])))
  const kept = keptPairs(request.keep).flatMap(keptAces)
  const zone = request.addresses.map(asaAddress)
  const apply: string[] = []
  const undo: string[] = []
  const notes: string[] = []
  const inserted = (acl: string, aces: string[]) => {
    aces.forEach((a, i) => {
      apply.push(`access-list ${acl} line ${i + 1} extended ${a}`)
      undo.push(`no access-list ${acl} extended ${a}`)
    })
  }
  const created = (acl: string, direction: 'in' | 'out', iface: string, aces: string[]) => {
    for (const a of aces) apply.push(`access-list ${acl} extended ${a}`)
    apply.push(`access-group ${acl} ${direction} interface ${iface}`)
    undo.push(`no access-group ${acl} ${direction} interface ${iface}`, `clear configure access-list ${acl}`)
  }
  const toAndFrom = [...zone.map((z) => `deny ip any ${z}`), ...zone.map((z) => `deny ip ${z} any`)]
  for (const iface of ctx.interfaces) {
    const inAcl = ctx.groups.find((g) => g.iface === iface && g.direction === 'in')?.acl
    const outAcl = ctx.groups.find((g) => g.iface === iface && g.direction === 'out')?.acl
    if (faces.has(iface)) {
      const aces = [...kept, 'deny ip any any']
      if (inAcl) inserted(inAcl, aces)
      else created(`${request.tag}-in-${iface}`, 'in', iface, aces)
      if (outAcl) inserted(outAcl, aces)
      else created(`${request.tag}-out-${iface}`, 'out', iface, aces)
      // ICMP to the ASA's own interface is governed by icmp rules, not by interface ACLs (first match)
      if (ctx.icmpRules.has(iface)) notes.push(`interface ${iface} has icmp rules already: add 'icmp deny any ${iface}' above them by hand`)
      else {
        apply.push(`icmp deny any ${iface}`, `ipv6 icmp deny any ${iface}`)
        undo.push(`no icmp deny any ${iface}`, `no ipv6 icmp deny any ${iface}`)
      }
    } else if (zone.length) {
      if (inAcl) inserted(inAcl, [...kept, ...toAndFrom])
      else if (!faces.size) notes.push(`interface ${iface} has no inbound access-group: what it lets through by security level is not cut (bind an ACL to it first)`)
      else notes.push(`interface ${iface} has no inbound access-group: traffic spoofing the zone's addresses may still enter by it (enable 'ip verify reverse-path interface ${iface}')`)
    }
  }
  for (const f of faces) if (!ctx.interfaces.includes(f)) notes.push(`interface ${f} (devices[].interfaces) is not a nameif of the config: it is not cut`)
  if (zone.length) {
    const clear = request.addresses.filter((a) => !isV6(a)).map((a) => {
      const [addr, prefix] = splitCidr(a)
      return `clear conn address ${addr} netmask ${netmask(prefix)}`
    })
    notes.push(`ACLs stop new connections only: close the open ones with ${clear.length ? clear.map((c) => `'${c}'`).join(', ') : "'clear conn'"} after applying.`)
  }
  notes.push('To-the-box management (ssh, http, snmp commands) is not filtered by interface ACLs: restrict it separately if the zone may reach it.')
  return {language: 'cli', apply, undo, notes}
}

export const ciscoAsaGenerator: IsolationGenerator = {
  formats: ['cisco-asa'],
  syntax: 'Cisco ASA configuration commands (access-list NAME line N, undo with no access-list)',
  generate(request) {
    if (!request.config) return {refused: 'no exported config: the interface ACLs to insert into are unknown'}
    const ctx = asaContext(request.config.text)
    if (!ctx.interfaces.length) return {refused: `${request.config.file} names no interface (nameif)`}
    if (!request.addresses.length && !request.faces.length) return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    const rules = asaRules(request, ctx)
    if (!rules.apply.length) return {refused: 'no interface ACL to insert into and no interface that faces the zone alone'}
    return rules
  },
}
