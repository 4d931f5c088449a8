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
import type {JunosConfig, NatRuleSet} from './model.js'

export function natExposures(
  config: JunosConfig,
  rs: NatRuleSet,
  resolver: AddressResolver,
  emit: (t: Template, b: Box) => void,
  problems: ExposureProblem[],
): void {
  if (rs.kind === 'source') return
  const zone = rs.fromKind === 'zone' ? rs.from[0] : undefined
  const rules: Array<EvalRule<Template>> = []
  for (const r of rs.rules.values()) {
    if (r.inactive) continue
    const doubts: DoubtNote[] = []
    let opaque = false
    const addrs = (direct: string, named: string): {set: AddressSet; sets: string[]} => {
      const vals = r.match.get(direct)
      const names = r.match.get(named)
      if (!vals && !names) return {set: AddressSet.ANY, sets: []}
      let set = AddressSet.EMPTY
      const sets: string[] = []
      for (const v of vals ?? []) {
        const s = parseAddress(v.split(' ')[0])
        if (s) set = set.union(s)
        else {
          doubts.push(note('unknown-match', `${direct} ${v} not understood`))
          opaque = true
          set = AddressSet.ANY
        }
      }
      for (const n of names ?? []) {
        const res = resolver.resolveAll([n], zone)
        set = set.union(res.unresolved.length ? AddressSet.ANY : res.set)
        if (res.unresolved.length) {
          sets.push(...res.unresolved)
          opaque = true
        }
      }
      return {set, sets}
    }
    const src = addrs('source-address', 'source-address-name')
    const dst = addrs('destination-address', 'destination-address-name')
    const portsOf = (key: string): PortSet => {
      const vals = r.match.get(key)
      if (!vals) return PortSet.ALL
      let set = PortSet.EMPTY
      for (const v of vals) {
        const p = portSet(v.replace(/\s+/g, ' ').replace(' to ', '-'))
        if (!p) {
          doubts.push(note('unknown-match', `${key} ${v} not understood`))
          opaque = true
          return PortSet.ALL
        }
        set = set.union(p)
      }
      return set
    }
    let protocols = ProtocolSet.ALL
    const protos = r.match.get('protocol')
    if (protos) {
      protocols = ProtocolSet.EMPTY
      for (const p of protos.flatMap((v) => v.split(' '))) protocols = protocols.union(junosProtocol(p) ?? ProtocolSet.ALL)
    }
    const ports = portsOf('destination-port')
    const sourcePorts = portsOf('source-port')
    if ((r.match.has('destination-port') || r.match.has('source-port')) && !protos) protocols = ProtocolSet.of(6, 17)
    for (const k of r.match.keys()) {
      if (!['source-address', 'source-address-name', 'destination-address', 'destination-address-name', 'destination-port', 'source-port', 'protocol'].includes(k)) {
        doubts.push(note('unknown-match', `match ${k} not modelled`))
        opaque = true
      }
    }
    // then destination-nat pool P | off; then static-nat prefix P [mapped-port N] | prefix-name N | inet
    let action: 'allow' | 'deny' = 'allow'
    let translated: Exposure['translated'] | undefined
    const then = r.then
    if (rs.kind === 'destination') {
      if (then[0] === 'destination-nat' && then[1] === 'off') action = 'deny'
      else if (then[0] === 'destination-nat' && then[1] === 'pool' && then[2]) {
        const pool = config.natPools.get(then[2])
        if (!pool) doubts.push(note('undefined-object', `pool ${then[2]} not defined`))
        translated = {to: pool?.addresses, ports: pool?.port ? PortSet.range(pool.port) : undefined}
      } else {
        problems.push({line: r.line, reason: `destination NAT action '${then.join(' ')}' not understood`, text: r.text})
        continue
      }
    } else {
      if (then[0] !== 'static-nat') {
        problems.push({line: r.line, reason: `static NAT action '${then.join(' ')}' not understood`, text: r.text})
        continue
      }
      if (then[1] === 'prefix' && then[2]) {
        translated = {to: parseAddress(then[2]) ?? undefined}
        const mp = then.indexOf('mapped-port')
        if (mp > 0 && then[mp + 1]) translated.ports = portSet(then.slice(mp + 1, mp + 4).join(' ').replace(/\s+/g, ' ').replace(' to ', '-').split(' ')[0]) ?? undefined
      } else if (then[1] === 'prefix-name' && then[2]) {
        const res = resolver.resolveAll([then[2]], undefined)
        translated = {to: res.unresolved.length ? undefined : res.set}
      } else if (then[1] === 'inet') {
        doubts.push(note('translation-unknown', 'static-nat inet (NAT64/46) translation not modelled'))
      }
    }
    const template: Template = {
      kind: 'nat-forward',
      direction: 'inbound',
      line: r.line,
      rule: `nat ${rs.kind} rule-set ${rs.name} rule ${r.name}`,
      text: natText(rs, r.name, r.match, then),
      fromZones: rs.fromKind === 'zone' ? rs.from : undefined,
      interfaces: rs.fromKind === 'interface' ? {in: rs.from} : undefined,
      translated,
      fromSets: src.sets.length ? src.sets : undefined,
      toSets: dst.sets.length ? dst.sets : undefined,
      doubts: [...doubts, ...(rs.fromKind === 'routing-instance' ? [note('conditional', `applies to traffic from routing-instance ${rs.from.join(', ')}`)] : [])],
    }
    if (!template.doubts?.length) delete template.doubts
    rules.push({match: {from: src.set, to: dst.set, protocols, ports, sourcePorts}, action, opaque: action === 'deny' && opaque, meta: template})
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
