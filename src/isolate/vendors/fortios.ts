/**
 * FortiOS CLI: address objects, custom services, then policies created with free ids after the highest
 * one and moved above the first policy of the config (`move NEW before FIRST`, then each `after` the
 * previous): FortiOS evaluates policies in list order, not id order. Kept traffic first, then deny
 * policies for the zone's own interfaces (from and to) and its addresses (IPv4 and IPv6 in one consolidated
 * policy, FortiOS 6.4+). Undo deletes the policies, services and addresses the isolation created.
 */
import {isV6, keptPairs, netmask, portText, splitCidr} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

export interface FortiosContext {
  /** Policy ids of the first `config firewall policy`, in list order. */
  policies: number[]
  vdoms: boolean
}

export function fortiosContext(text: string): FortiosContext {
  const policies: number[] = []
  let inPolicy = false
  let depth = 0
  let vdoms = false
  for (const raw of text.split('\n')) {
    const t = raw.trim()
    if (t === 'config vdom') vdoms = true
    if (!inPolicy) {
      if (t === 'config firewall policy' && !policies.length) {
        inPolicy = true
        depth = 0
      }
      continue
    }
    if (t.startsWith('config ')) depth++
    else if (t === 'end') {
      if (depth === 0) inPolicy = false
      else depth--
    } else if (depth === 0) {
      const m = /^edit\s+(\d+)$/.exec(t)
      if (m) policies.push(Number(m[1]))
    }
  }
  return {policies, vdoms}
}

const q = (s: string) => `"${s}"`

export function fortiosRules(request: IsolationRequest, ctx: FortiosContext): IsolationRules {
  const {tag} = request
  const addresses = new Map<string, string>() // cidr → object name
  const addr = (cidr: string) => {
    let name = addresses.get(cidr)
    if (!name) {
      name = `${tag}-a${addresses.size + 1}`
      addresses.set(cidr, name)
    }
    return name
  }
  for (const a of request.addresses) addr(a)
  const services = new Map<string, string[]>()
  const notes: string[] = []
  const service = (s: KeptService, six: boolean): string => {
    if (s.protocol === 'any') return 'ALL'
    if (s.protocol === 'icmp' || s.protocol === 'icmpv6') return six ? 'ALL_ICMP6' : 'ALL_ICMP'
    const name = `${tag}-${s.protocol}${s.ports.length ? `-${s.ports.map((r) => portText(r)).join('_')}` : ''}`
    if (s.protocol === 'tcp' || s.protocol === 'udp') services.set(name, [`set ${s.protocol}-portrange ${s.ports.length ? s.ports.map((r) => portText(r)).join(' ') : '1-65535'}`])
    else services.set(name, ['set protocol IP', `set protocol-number ${s.protocol}`])
    return name
  }
  const policies: Array<{lines: string[]}> = []
  // in the order `show` prints them
  const policy = (fields: string[], comment: string, svc = 'ALL') => policies.push({lines: [...fields, 'set schedule "always"', `set service ${q(svc)}`, `set comments ${q(comment)}`]})
  for (const p of keptPairs(request.keep)) {
    const six = isV6(p.from)
    const [s, d] = six ? ['srcaddr6', 'dstaddr6'] : ['srcaddr', 'dstaddr']
    policy(['set srcintf "any"', 'set dstintf "any"', `set ${s} ${q(addr(p.from))}`, `set ${d} ${q(addr(p.to))}`, 'set action accept'], `irm-audit isolate ${request.zone}: keep ${p.id}`, service(p.service, six))
  }
  const denyAll = ['set srcaddr "all"', 'set dstaddr "all"', 'set srcaddr6 "all"', 'set dstaddr6 "all"', 'set action deny']
  for (const f of request.faces) {
    if (f.interface === undefined) continue
    policy([`set srcintf ${q(f.interface)}`, 'set dstintf "any"', ...denyAll], `irm-audit isolate ${request.zone}`)
    policy(['set srcintf "any"', `set dstintf ${q(f.interface)}`, ...denyAll], `irm-audit isolate ${request.zone}`)
  }
  const z4 = request.addresses.filter((a) => !isV6(a)).map(addr)
  const z6 = request.addresses.filter(isV6).map(addr)
  const names = (list: string[]) => (list.length ? list.map(q).join(' ') : '"none"')
  if (request.addresses.length) {
    for (const side of ['src', 'dst'] as const) {
      const other = side === 'src' ? 'dst' : 'src'
      const fields = ['set srcintf "any"', 'set dstintf "any"']
      const v4 = [`set ${side}addr ${names(z4)}`, `set ${other}addr "all"`]
      const v6 = [`set ${side}addr6 ${names(z6)}`, `set ${other}addr6 "all"`]
      // FortiOS wants each family's pair together; src before dst as the CLI prints them
      const order = (pair: string[]) => (side === 'src' ? pair : [pair[1], pair[0]])
      if (z4.length) fields.push(...order(v4))
      if (z6.length) fields.push(...order(v6))
      policy([...fields, 'set action deny'], `irm-audit isolate ${request.zone}`)
    }
  }
  const firstFree = Math.max(0, ...ctx.policies) + 1
  const ids = policies.map((_, i) => firstFree + i)
  const apply: string[] = []
  const block = (section: string, entries: Array<[string, string[]]>) => {
    if (!entries.length) return
    apply.push(`config ${section}`)
    for (const [name, lines] of entries) apply.push(`    edit ${name}`, ...lines.map((l) => `        ${l}`), '    next')
    apply.push('end')
  }
  const byName = [...addresses].sort((a, b) => Number(a[1].slice(a[1].lastIndexOf('a') + 1)) - Number(b[1].slice(b[1].lastIndexOf('a') + 1)))
  block('firewall address', byName.filter(([c]) => !isV6(c)).map(([c, n]) => {
    const [ip, prefix] = splitCidr(c)
    return [q(n), [`set subnet ${ip} ${netmask(prefix)}`]]
  }))
  block('firewall address6', byName.filter(([c]) => isV6(c)).map(([c, n]) => [q(n), [`set ip6 ${c}`]]))
  block('firewall service custom', [...services].map(([n, lines]) => [q(n), lines]))
  block('firewall policy', policies.map((p, i) => [String(ids[i]), [`set name ${q(`${tag}-${i + 1}`)}`, ...p.lines]]))
  if (ids.length) {
    apply.pop() // `end` of the policy block: the moves belong inside it
    ids.forEach((id, i) => {
      if (i > 0) apply.push(`    move ${id} after ${ids[i - 1]}`)
      else if (ctx.policies.length) apply.push(`    move ${id} before ${ctx.policies[0]}`)
    })
    apply.push('end')
  }
  const undo: string[] = []
  const del = (section: string, names: string[]) => {
    if (names.length) undo.push(`config ${section}`, ...names.map((n) => `    delete ${n}`), 'end')
  }
  del('firewall policy', ids.map(String))
  del('firewall service custom', [...services.keys()].map(q))
  del('firewall address', byName.filter(([c]) => !isV6(c)).map(([, n]) => q(n)))
  del('firewall address6', byName.filter(([c]) => isV6(c)).map(([, n]) => q(n)))
  if (ctx.vdoms) notes.push('The config has VDOMs: enter the VDOM that carries the zone first (config vdom / edit NAME).')
  notes.push('Policies apply to new sessions: clear the open ones of the zone (diagnose sys session filter … / diagnose sys session clear) after applying.')
  return {language: 'cli', apply, undo, notes}
}

export const fortiosGenerator: IsolationGenerator = {
  formats: ['fortios'],
  syntax: 'FortiOS CLI (config firewall policy, move ID before FIRST, undo with delete)',
  generate(request) {
    if (!request.config) return {refused: 'no exported config: the policy ids to place the rules before are unknown'}
    if (!request.addresses.length && !request.faces.some((f) => f.interface !== undefined)) {
      return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    }
    return fortiosRules(request, fortiosContext(request.config.text))
  },
}
