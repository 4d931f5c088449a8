/**
 * Junos set commands (SRX security policies). Zone-pair policies are evaluated before global ones, first
 * match in list order, and a new policy lands at the end of its list: each new policy is put in place
 * with `insert security policies … policy NEW before policy FIRST` (then `after` the previous one).
 * Every zone pair of the config that involves a vendor zone facing the zone gets kept traffic and a
 * deny-all; every other pair gets kept traffic and denies from and to the zone's addresses. Undo deletes
 * the policies, address-book entries and applications the isolation created.
 */
import {isV6, keptPairs, portText} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

export interface JunosContext {
  /** Zone pairs with their first policy, in config order; `global` for global policies. */
  pairs: Array<{from?: string; to?: string; first: string}>
}

export function junosContext(text: string): JunosContext {
  const pairs: JunosContext['pairs'] = []
  const seen = new Set<string>()
  const add = (key: string, pair: {from?: string; to?: string; first: string}) => {
    if (seen.has(key)) return
    seen.add(key)
    pairs.push(pair)
  }
  let brace: {from?: string; to?: string; key: string} | undefined
  for (const raw of text.split('\n')) {
    const t = raw.replace(/#.*$/, '').trim()
    let m = /^set security policies from-zone (\S+) to-zone (\S+) policy (\S+)/.exec(t)
    if (m) add(`${m[1]}>${m[2]}`, {from: m[1], to: m[2], first: m[3]})
    m = /^set security policies global policy (\S+)/.exec(t)
    if (m) add('global', {first: m[1]})
    // hierarchical form: `from-zone A to-zone B {` / `global {`, then `policy P {`
    m = /^from-zone (\S+) to-zone (\S+) \{/.exec(t)
    if (m) brace = {from: m[1], to: m[2], key: `${m[1]}>${m[2]}`}
    if (t === 'global {') brace = {key: 'global'}
    m = /^policy (\S+) \{/.exec(t)
    if (m && brace) {
      add(brace.key, {...(brace.from ? {from: brace.from, to: brace.to} : {}), first: m[1]})
      brace = undefined
    }
  }
  return {pairs}
}

export function junosRules(request: IsolationRequest, ctx: JunosContext): IsolationRules {
  const {tag} = request
  const addresses = new Map<string, string>()
  const addr = (cidr: string) => {
    let name = addresses.get(cidr)
    if (!name) {
      name = `${tag}-a${addresses.size + 1}`
      addresses.set(cidr, name)
    }
    return name
  }
  for (const a of request.addresses) addr(a)
  const applications = new Map<string, string[]>()
  const application = (s: KeptService): string => {
    if (s.protocol === 'any') return 'any'
    const name = `${tag}-${s.protocol}${s.ports.length ? `-${s.ports.map((r) => portText(r)).join('_')}` : ''}`
    const base = `set applications application ${name}`
    if ((s.protocol === 'tcp' || s.protocol === 'udp') && s.ports.length > 1) {
      // one term per port range
      applications.set(name, s.ports.flatMap((r, i) => [`${base} term t${i + 1} protocol ${s.protocol}`, `${base} term t${i + 1} destination-port ${portText(r)}`]))
    } else {
      applications.set(name, [`${base} protocol ${s.protocol}`, ...(s.ports.length ? [`${base} destination-port ${portText(s.ports[0])}`] : [])])
    }
    return name
  }
  const faces = new Set(request.faces.flatMap((f) => (f.vendorZone !== undefined ? [f.vendorZone] : [])))
  const kept = keptPairs(request.keep)
  const policyLines: string[] = []
  const undo: string[] = []
  let count = 0
  const zoneNames = request.addresses.map(addr)
  for (const p of kept) {
    addr(p.from)
    addr(p.to)
  }
  for (const pair of ctx.pairs) {
    const global = pair.from === undefined
    const where = global ? 'global' : `from-zone ${pair.from} to-zone ${pair.to}`
    const faced = !global && (faces.has(pair.from!) || faces.has(pair.to!))
    if (!faced && !zoneNames.length && !(global && faces.size)) continue
    const names: string[] = []
    const policy = (matches: Array<[string, string]>, then: string) => {
      const name = `${tag}-${++count}`
      names.push(name)
      for (const [k, v] of matches) policyLines.push(`set security policies ${where} policy ${name} match ${k} ${v}`)
      policyLines.push(`set security policies ${where} policy ${name} then ${then}`)
      undo.push(`delete security policies ${where} policy ${name}`)
    }
    for (const p of kept) policy([['source-address', addr(p.from)], ['destination-address', addr(p.to)], ['application', application(p.service)]], 'permit')
    const any: Array<[string, string]> = [['source-address', 'any'], ['destination-address', 'any'], ['application', 'any']]
    if (faced) policy(any, 'deny')
    else {
      if (global) for (const f of faces) {
        policy([['from-zone', f], ...any], 'deny')
        policy([['to-zone', f], ...any], 'deny')
      }
      if (zoneNames.length) {
        policy([...zoneNames.map((n): [string, string] => ['source-address', n]), ['destination-address', 'any'], ['application', 'any']], 'deny')
        policy([['source-address', 'any'], ...zoneNames.map((n): [string, string] => ['destination-address', n]), ['application', 'any']], 'deny')
      }
    }
    names.forEach((n, i) => policyLines.push(`insert security policies ${where} policy ${n} ${i === 0 ? `before policy ${pair.first}` : `after policy ${names[i - 1]}`}`))
  }
  const apply = [
    ...[...addresses].map(([cidr, name]) => `set security address-book global address ${name} ${cidr}`),
    ...[...applications.values()].flat(),
    ...policyLines,
  ]
  undo.push(...[...addresses.values()].map((n) => `delete security address-book global address ${n}`), ...[...applications.keys()].map((n) => `delete applications application ${n}`))
  const notes = [
    'Commit to activate (commit confirmed 10 gives an automatic rollback). Policies apply to new sessions: clear the open ones (clear security flow session source-prefix/destination-prefix …).',
    'Zone pairs without a policy fall to the default policy (deny-all unless `security policies default-policy permit-all`): check it stays deny-all.',
  ]
  if (!request.addresses.some(isV6) && !request.addresses.length) notes.push('The zone has no addresses: only the pairs of its vendor zones are cut.')
  return {language: 'cli', apply, undo, notes}
}

export const junosGenerator: IsolationGenerator = {
  formats: ['junos'],
  syntax: 'Junos set commands (insert security policies … before policy FIRST, undo with delete)',
  generate(request) {
    if (!request.config) return {refused: 'no exported config: the zone pairs and their first policies are unknown'}
    const ctx = junosContext(request.config.text)
    if (!ctx.pairs.length) return {refused: `${request.config.file} has no security policy to insert before`}
    if (!request.addresses.length && !request.faces.some((f) => f.vendorZone !== undefined)) {
      return {refused: 'the zone has no addresses (catch-all) and no vendor zone of the device carries it alone'}
    }
    const rules = junosRules(request, ctx)
    if (!rules.undo.some((u) => u.startsWith('delete security policies'))) return {refused: 'no zone pair of the config involves the zone'}
    return rules
  },
}
