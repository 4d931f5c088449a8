/** Junos destination and static NAT → `nat-forward` exposures, first match per rule-set. */
import {type DoubtNote, note} from '../../model/doubts.js'
import type {DeviceModel} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {forwardingFilter, leavesToward, type NatOrder, postNatZones} from '../../model/nat.js'
import {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {parseAddress} from './build.js'
import {type AddressResolver, type ExposureProblem, junosProtocol, portSet, type Template} from './common.js'
import type {JunosConfig, NatRule, NatRuleSet} from './model.js'

/** Doubts collected while reading one NAT rule's match (doubts; `opaque`: a deny that may not shadow). */
interface NatDoubts {
  doubts: DoubtNote[]
  opaque: boolean
}

const NAT_MATCHES = ['source-address', 'source-address-name', 'destination-address', 'destination-address-name', 'destination-port', 'source-port', 'protocol']

/** `source-address` prefixes and `source-address-name` book entries (resolved in the rule-set's zone). */
function natAddresses(resolver: AddressResolver, r: NatRule, direct: string, named: string, zone: string | undefined, d: NatDoubts): {set: AddressSet; sets: string[]} {
  const vals = r.match.get(direct)
  const names = r.match.get(named)
  if (!vals && !names) return {set: AddressSet.ANY, sets: []}
  let set = AddressSet.EMPTY
  const sets: string[] = []
  for (const v of vals ?? []) {
    const s = parseAddress(v.split(' ')[0])
    if (s) set = set.union(s)
    else {
      d.doubts.push(note('unknown-match', `${direct} ${v} not understood`))
      d.opaque = true
      set = AddressSet.ANY
    }
  }
  for (const n of names ?? []) {
    const res = resolver.resolveAll([n], zone)
    set = set.union(res.unresolved.length ? AddressSet.ANY : res.set)
    if (res.unresolved.length) {
      sets.push(...res.unresolved)
      d.opaque = true
    }
  }
  return {set, sets}
}

function natPorts(r: NatRule, key: string, d: NatDoubts): PortSet {
  const vals = r.match.get(key)
  if (!vals) return PortSet.ALL
  let set = PortSet.EMPTY
  for (const v of vals) {
    const p = portSet(v.replace(/\s+/g, ' ').replace(' to ', '-'))
    if (!p) {
      d.doubts.push(note('unknown-match', `${key} ${v} not understood`))
      d.opaque = true
      return PortSet.ALL
    }
    set = set.union(p)
  }
  return set
}

/** The match as a box: addresses, protocols, ports (a port match without protocol means tcp and udp). */
function natMatch(rs: NatRuleSet, r: NatRule, resolver: AddressResolver, d: NatDoubts) {
  const zone = rs.fromKind === 'zone' ? rs.from[0] : undefined
  const src = natAddresses(resolver, r, 'source-address', 'source-address-name', zone, d)
  const dst = natAddresses(resolver, r, 'destination-address', 'destination-address-name', zone, d)
  let protocols = ProtocolSet.ALL
  const protos = r.match.get('protocol')
  if (protos) {
    protocols = ProtocolSet.EMPTY
    for (const p of protos.flatMap((v) => v.split(' '))) protocols = protocols.union(junosProtocol(p) ?? ProtocolSet.ALL)
  }
  const ports = natPorts(r, 'destination-port', d)
  const sourcePorts = natPorts(r, 'source-port', d)
  if ((r.match.has('destination-port') || r.match.has('source-port')) && !protos) protocols = ProtocolSet.of(6, 17)
  for (const k of r.match.keys()) {
    if (!NAT_MATCHES.includes(k)) {
      d.doubts.push(note('unknown-match', `match ${k} not modelled`))
      d.opaque = true
    }
  }
  return {box: {from: src.set, to: dst.set, protocols, ports, sourcePorts}, fromSets: src.sets, toSets: dst.sets}
}

/**
 * `then destination-nat pool P | off`; `then static-nat prefix P [mapped-port N] | prefix-name N | inet`.
 * Undefined (with a problem) when the action is not understood.
 */
function natTranslation(config: JunosConfig, resolver: AddressResolver, rs: NatRuleSet, r: NatRule, d: NatDoubts, problems: ExposureProblem[]): {action: 'allow' | 'deny'; translated?: Exposure['translated']} | undefined {
  const then = r.then
  if (rs.kind === 'destination') {
    if (then[0] === 'destination-nat' && then[1] === 'off') return {action: 'deny'}
    if (then[0] === 'destination-nat' && then[1] === 'pool' && then[2]) {
      const pool = config.natPools.get(then[2])
      if (!pool) d.doubts.push(note('undefined-object', `pool ${then[2]} not defined`))
      return {action: 'allow', translated: {to: pool?.addresses, ports: pool?.port ? PortSet.range(pool.port) : undefined}}
    }
    problems.push({line: r.line, code: 'unsupported', reason: `destination NAT action '${then.join(' ')}' not understood`, text: r.text})
    return undefined
  }
  if (then[0] !== 'static-nat') {
    problems.push({line: r.line, code: 'unsupported', reason: `static NAT action '${then.join(' ')}' not understood`, text: r.text})
    return undefined
  }
  let translated: Exposure['translated'] | undefined
  if (then[1] === 'prefix' && then[2]) {
    translated = {to: parseAddress(then[2]) ?? undefined}
    const mp = then.indexOf('mapped-port')
    if (mp > 0 && then[mp + 1]) translated.ports = portSet(then.slice(mp + 1, mp + 4).join(' ').replace(/\s+/g, ' ').replace(' to ', '-').split(' ')[0]) ?? undefined
  } else if (then[1] === 'prefix-name' && then[2]) {
    const res = resolver.resolveAll([then[2]], undefined)
    translated = {to: res.unresolved.length ? undefined : res.set}
  } else if (then[1] === 'inet') {
    d.doubts.push(note('translation-unknown', 'static-nat inet (NAT64/46) translation not modelled'))
  }
  return {action: 'allow', translated}
}

export function natExposures(
  config: JunosConfig,
  rs: NatRuleSet,
  resolver: AddressResolver,
  emit: (t: Template, b: Box) => void,
  problems: ExposureProblem[],
): void {
  if (rs.kind === 'source') return
  const rules: Array<EvalRule<Template>> = []
  for (const r of rs.rules.values()) {
    if (r.inactive) continue
    const d: NatDoubts = {doubts: [], opaque: false}
    const match = natMatch(rs, r, resolver, d)
    const t = natTranslation(config, resolver, rs, r, d, problems)
    if (!t) continue
    const template: Template = {
      kind: 'nat-forward',
      direction: 'inbound',
      line: r.line,
      rule: `nat ${rs.kind} rule-set ${rs.name} rule ${r.name}`,
      text: natText(rs, r.name, r.match, r.then),
      fromZones: rs.fromKind === 'zone' ? rs.from : undefined,
      interfaces: rs.fromKind === 'interface' ? {in: rs.from} : undefined,
      translated: t.translated,
      fromSets: match.fromSets.length ? match.fromSets : undefined,
      toSets: match.toSets.length ? match.toSets : undefined,
      doubts: [...d.doubts, ...(rs.fromKind === 'routing-instance' ? [note('conditional', `applies to traffic from routing-instance ${rs.from.join(', ')}`)] : [])],
    }
    if (!template.doubts?.length) delete template.doubts
    rules.push({match: match.box, action: t.action, opaque: t.action === 'deny' && d.opaque, meta: template})
  }
  for (const p of evaluateList(rules, 'deny').permits) emit(p.meta, p.box)
}

function natText(rs: NatRuleSet, rule: string, match: Map<string, string[]>, then: string[]): string {
  const m = [...match].map(([k, vs]) => vs.map((v) => `${k} ${v}`).join(' ')).join(' ')
  return `nat ${rs.kind} rule-set ${rs.name}${rs.fromKind ? ` from ${rs.fromKind} ${rs.from.join(' ')}` : ''} rule ${rule}${m ? ` match ${m}` : ''} then ${then.join(' ')}`
}

/**
 * SRX order for the shared NAT step (model/nat.ts): static NAT, then destination NAT, then the route
 * lookup of the translated address gives the to-zone, then the security policy decides on the
 * TRANSLATED destination from the ingress zone to that post-NAT zone (source NAT comes after). Stateless
 * firewall filters run before NAT and are not the deciding rule.
 */
export function junosNatOrder(device: DeviceModel): NatOrder {
  return {
    filterWords: 'security policy',
    candidate: (f) => forwardingFilter(f) && !f.rule.startsWith('filter '),
    sees: () => 'translated',
    pairs: (n, f) => leavesToward(f, postNatZones(device, n)),
  }
}
