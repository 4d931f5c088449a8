/**
 * The Junos vendor model → normalized exposures. Security policies are evaluated per zone pair
 * (zone policies, then matching global policies, then the default policy), firewall filters per
 * interface with their implicit discard, destination/static NAT per rule-set, IKE gateways as VPN
 * listeners, and host-inbound-traffic (with `system services` and any lo0 filter) as management plane.
 */
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox, mergeBoxes} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6} from '../../net/protocol.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {parseAddress} from './build.js'
import {AddressResolver, type ExposureProblem, junosProtocol, portSet, specBox, type Template} from './common.js'
import type {Filter, FilterTerm, HostInbound, JunosConfig, Policy, Zone} from './model.js'
import {natExposures} from './nat.js'
import {DAEMON_OF_SERVICE, HOST_PROTOCOLS, HOST_SERVICES, JUNOS_APPLICATION_SETS, JUNOS_APPLICATIONS} from './tables.js'

export type {ExposureProblem} from './common.js'

export function toExposures(config: JunosConfig): {exposures: Exposure[]; problems: ExposureProblem[]} {
  const exposures: Exposure[] = []
  const problems: ExposureProblem[] = []
  const resolver = new AddressResolver(config)

  const emit = (template: Template, box: Box) => {
    exposures.push({...template, from: box.from, to: box.to, protocols: box.protocols, ports: box.ports, sourcePorts: box.sourcePorts})
  }

  // ---------- applications ----------
  const appCache = new Map<string, {boxes: Box[]; unresolved?: string}>()
  const resolveApp = (name: string, seen: Set<string> = new Set()): {boxes: Box[]; unresolved?: string} => {
    if (name === 'any') return {boxes: [ANY_BOX]}
    const cached = appCache.get(name)
    if (cached) return cached
    let out: {boxes: Box[]; unresolved?: string}
    const app = config.applications.get(name)
    const set = config.applicationSets.get(name)
    if (app) {
      const terms = app.terms.size ? [...app.terms.values()] : [app.base]
      const boxes: Box[] = []
      for (const t of terms) {
        const protocols = t.protocol ? junosProtocol(t.protocol) : ProtocolSet.ALL
        const ports = t.destinationPort ? portSet(t.destinationPort.replace(/\s+/g, ' ').replace(' to ', '-')) : PortSet.ALL
        const sourcePorts = t.sourcePort ? portSet(t.sourcePort.replace(/\s+/g, ' ').replace(' to ', '-')) : PortSet.ALL
        if (!protocols || !ports || !sourcePorts) {
          problems.push({line: t.line, reason: `application ${name}: protocol or port not understood; taken as any`, text: app.text})
          boxes.push(ANY_BOX)
          continue
        }
        boxes.push({...ANY_BOX, protocols, ports, sourcePorts})
      }
      out = {boxes}
    } else if (set || JUNOS_APPLICATION_SETS[name]) {
      const members = set ? set.members : JUNOS_APPLICATION_SETS[name]
      const boxes: Box[] = []
      let unresolved: string | undefined
      if (seen.has(name)) return {boxes: [], unresolved: name}
      seen.add(name)
      for (const m of members) {
        const r = resolveApp(m, seen)
        boxes.push(...r.boxes)
        unresolved ??= r.unresolved
      }
      out = {boxes, unresolved}
    } else if (JUNOS_APPLICATIONS[name]) {
      out = {boxes: JUNOS_APPLICATIONS[name].map(specBox)}
    } else {
      out = {boxes: [ANY_BOX], unresolved: name}
    }
    appCache.set(name, out)
    return out
  }

  const deviceAddresses = AddressSet.unionAll([...config.units.values()].map((u) => u.hostAddresses))

  // ---------- security policies ----------
  const policyRules = (p: Policy, fromZone: string | undefined, toZone: string | undefined): Array<EvalRule<Template>> => {
    const notes: string[] = []
    const src = resolver.resolveAll(p.source, fromZone)
    const dst = resolver.resolveAll(p.destination, toZone)
    let from = src.set
    let to = dst.set
    if (p.sourceExcluded) from = AddressSet.ANY.subtract(from)
    if (p.destinationExcluded) to = AddressSet.ANY.subtract(to)
    const fromSets = src.unresolved
    const toSets = dst.unresolved
    let opaque = false
    if (fromSets.length || toSets.length) {
      notes.push(`address ${[...fromSets, ...toSets].join(', ')} not expanded (dns-name or unknown); taken as any`)
      if (fromSets.length) from = AddressSet.ANY
      if (toSets.length) to = AddressSet.ANY
      opaque = true
    }
    const apps = p.applications.length ? p.applications : ['any']
    const boxes: Box[] = []
    for (const a of apps) {
      const r = resolveApp(a)
      if (r.unresolved) {
        notes.push(`application ${r.unresolved} unknown; taken as any`)
        opaque = true
      }
      boxes.push(...r.boxes)
    }
    if (p.unknownMatch.length) {
      notes.push(`match ${p.unknownMatch.join(', ')} not modelled; exposure may be narrower`)
      opaque = true
    }
    if (p.thenExtra.length) notes.push(`then permit ${p.thenExtra.join(' ')}`)
    // junos-host is the device itself (self-traffic policies)
    if (toZone === 'junos-host' && !deviceAddresses.isEmpty()) {
      to = to.intersect(deviceAddresses)
      notes.push('to-zone junos-host: traffic to the device itself')
    }
    const action = p.action === 'permit' ? 'allow' : 'deny'
    const rule = p.global ? `global policy ${p.name}` : `from-zone ${p.fromZones[0]} to-zone ${p.toZones[0]} policy ${p.name}`
    const template: Template = {
      kind: 'filter',
      action: 'allow',
      direction: 'inbound',
      line: p.line,
      rule,
      name: p.name,
      text: policyText(p),
      fromZones: fromZone ? [fromZone] : undefined,
      toZones: toZone ? [toZone] : undefined,
      fromSets: fromSets.length ? fromSets : undefined,
      toSets: toSets.length ? toSets : undefined,
      notes: notes.length ? notes : undefined,
    }
    if (toZone === 'junos-host') template.hostLocal = true
    const out: Array<EvalRule<Template>> = []
    for (const b of mergeBoxes(boxes)) {
      const match = intersectBox(b, {...ANY_BOX, from, to})
      if (match) out.push({match, action, opaque: action === 'deny' && opaque, meta: template})
    }
    return out
  }

  const active = config.policies.filter((p) => !p.inactive && p.action)
  const zonePolicies = new Map<string, Policy[]>()
  for (const p of active) {
    if (p.global) continue
    const key = `${p.fromZones[0]}\u0000${p.toZones[0]}`
    const list = zonePolicies.get(key) ?? []
    list.push(p)
    zonePolicies.set(key, list)
  }
  const globals = active.filter((p) => p.global)
  const defaultPermit = config.defaultPolicy?.action === 'permit-all'
  const zoneNames = [...config.zones.values()].filter((z) => !z.functional).map((z) => z.name)
  const pairs = new Set<string>(zonePolicies.keys())
  if (defaultPermit || globals.length) {
    for (const a of zoneNames) for (const b of zoneNames) pairs.add(`${a}\u0000${b}`)
  }
  for (const pair of [...pairs].sort()) {
    const [fromZone, toZone] = pair.split('\u0000')
    const rules: Array<EvalRule<Template>> = []
    for (const p of zonePolicies.get(pair) ?? []) rules.push(...policyRules(p, fromZone, toZone))
    for (const p of globals) {
      if (p.fromZones.length && !p.fromZones.includes(fromZone) && !p.fromZones.includes('any')) continue
      if (p.toZones.length && !p.toZones.includes(toZone) && !p.toZones.includes('any')) continue
      rules.push(...policyRules(p, fromZone, toZone))
    }
    const policyMeta: Template | undefined = defaultPermit
      ? {
          kind: 'filter',
          action: 'allow',
          direction: 'inbound',
          line: config.defaultPolicy!.line,
          rule: `default-policy permit-all (${fromZone} to ${toZone})`,
          text: config.defaultPolicy!.text,
          fromZones: [fromZone],
          toZones: [toZone],
        }
      : undefined
    for (const permit of evaluateList(rules, defaultPermit ? 'allow' : 'deny', policyMeta).permits) emit(permit.meta, permit.box)
  }
  // without zones, global policies still describe what passes between any two interfaces
  if (zoneNames.length === 0 && globals.length) {
    const rules = globals.flatMap((p) => policyRules(p, undefined, undefined))
    for (const permit of evaluateList(rules, 'deny').permits) emit(permit.meta, permit.box)
  }

  // ---------- firewall filters ----------
  const filterPermits = (family: 'inet' | 'inet6', names: string[], unit: string, line: number): Array<{box: Box; meta: Template}> => {
    const rules: Array<EvalRule<Template>> = []
    for (const name of names) {
      const f = config.filters.get(`${family}:${name}`) ?? config.filters.get(`any:${name}`)
      if (!f) {
        problems.push({line, reason: `filter ${name} (family ${family}) is applied to ${unit} but not defined`, text: `filter ${name}`})
        continue
      }
      for (const t of f.terms.values()) if (!t.inactive) rules.push(...termRules(f, t, family))
    }
    // every Junos filter ends in an implicit discard
    return evaluateList(rules, 'deny').permits
  }

  const termRules = (f: Filter, t: FilterTerm, family: 'inet' | 'inet6'): Array<EvalRule<Template>> => {
    const notes: string[] = []
    let opaque = false
    const familyAll = family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6
    const addr = (kinds: string[], prefixKinds: string[]): AddressSet | null => {
      let include = AddressSet.EMPTY
      let exclude = AddressSet.EMPTY
      let seen = false
      for (const k of kinds) {
        for (const c of t.from.get(k) ?? []) {
          seen = true
          const s = parseAddress(c.value)
          if (!s) {
            notes.push(`${k} ${c.value} not understood`)
            opaque = true
            continue
          }
          if (c.except) exclude = exclude.union(s)
          else include = include.union(s)
        }
      }
      for (const k of prefixKinds) {
        for (const c of t.from.get(k) ?? []) {
          seen = true
          const pl = config.prefixLists.get(c.value)
          if (!pl) {
            notes.push(`prefix-list ${c.value} not defined; taken as any`)
            opaque = true
            if (!c.except) include = AddressSet.ANY
            continue
          }
          if (c.except) exclude = exclude.union(pl.set)
          else include = include.union(pl.set)
        }
      }
      if (!seen) return null
      // only excepts: everything but them
      if (include.isEmpty() && !exclude.isEmpty()) include = AddressSet.ANY
      return include.subtract(exclude)
    }
    const ports = (kind: string): PortSet | null => {
      const conds = t.from.get(kind)
      const except = t.from.get(`${kind}-except`)
      if (!conds && !except) return null
      let set = conds ? PortSet.EMPTY : PortSet.ALL
      for (const c of conds ?? []) {
        const p = portSet(c.value)
        if (!p) {
          notes.push(`${kind} ${c.value} not understood`)
          opaque = true
          set = PortSet.ALL
          break
        }
        set = set.union(p)
      }
      for (const c of except ?? []) {
        const p = portSet(c.value)
        if (p) set = set.subtract(p)
      }
      return set
    }
    // `tcp-established` matches only segments with ACK or RST set: the term neither admits nor stops a new
    // connection (as IOS `established`), so it takes no part in what the filter exposes
    if (t.from.has('tcp-established')) return []
    const known = new Set([
      'source-address', 'destination-address', 'address', 'source-prefix-list', 'destination-prefix-list', 'prefix-list',
      'protocol', 'next-header', 'payload-protocol', 'protocol-except', 'next-header-except',
      'destination-port', 'source-port', 'port', 'destination-port-except', 'source-port-except', 'port-except',
    ])
    for (const k of t.from.keys()) {
      if (!known.has(k)) {
        notes.push(`match ${k} not modelled`)
        opaque = true
      }
    }
    let protocols = ProtocolSet.ALL
    for (const k of ['protocol', 'next-header', 'payload-protocol']) {
      const conds = t.from.get(k)
      if (!conds) continue
      let set = ProtocolSet.EMPTY
      for (const c of conds) {
        const p = junosProtocol(c.value)
        if (!p) {
          notes.push(`${k} ${c.value} not understood`)
          opaque = true
          set = ProtocolSet.ALL
          break
        }
        set = set.union(p)
      }
      protocols = protocols.intersect(set)
    }
    for (const k of ['protocol-except', 'next-header-except']) {
      for (const c of t.from.get(k) ?? []) {
        const p = junosProtocol(c.value)
        if (p) protocols = protocols.subtract(p)
      }
    }
    const src = addr(['source-address'], ['source-prefix-list'])
    const dst = addr(['destination-address'], ['destination-prefix-list'])
    const either = addr(['address'], ['prefix-list'])
    const dport = ports('destination-port')
    const sport = ports('source-port')
    const anyPort = ports('port')

    // then: the terminating action; none (only count/log…) means accept
    let action: 'allow' | 'deny' | 'next' = 'allow'
    for (const a of t.then) {
      if (a === 'accept' || a === 'routing-instance') action = 'allow'
      else if (a === 'discard' || a === 'reject') action = 'deny'
      else if (a === 'next') action = 'next'
    }
    if (action === 'next') return []
    const base: Box = {
      ...ANY_BOX,
      from: (src ?? AddressSet.ANY).intersect(familyAll),
      to: (dst ?? AddressSet.ANY).intersect(familyAll),
      protocols,
    }
    const template: Template = {
      kind: 'filter',
      action: 'allow',
      direction: 'inbound',
      line: t.line,
      rule: `filter ${f.name} term ${t.name}`,
      name: `${f.name}/${t.name}`,
      text: termText(f, t),
      notes: notes.length ? notes : undefined,
    }
    // `address`/`port` match either side: two boxes
    let boxes: Box[] = [base]
    if (either) boxes = boxes.flatMap((b) => [{...b, from: b.from.intersect(either)}, {...b, to: b.to.intersect(either)}])
    if (anyPort) boxes = boxes.flatMap((b) => [{...b, ports: anyPort}, {...b, sourcePorts: anyPort}])
    if (dport || sport) {
      // ports only exist for tcp/udp/sctp: a port match restricts the protocol to those
      const portProtocols = protocols.intersect(ProtocolSet.of(6, 17, 132))
      boxes = boxes.map((b) => ({...b, protocols: portProtocols, ports: dport ?? b.ports, sourcePorts: sport ?? b.sourcePorts}))
    }
    return boxes
      .filter((b) => !b.from.isEmpty() && !b.to.isEmpty() && !b.protocols.isEmpty() && !b.ports.isEmpty() && !b.sourcePorts.isEmpty())
      .map((match) => ({match, action, opaque: action === 'deny' && opaque, meta: template}))
  }

  // management plane: what lo0's input filter lets reach the routing engine (both families)
  const lo0 = [...config.units.values()].filter((u) => u.name.startsWith('lo0.'))
  const lo0Permits: Box[] | null = (() => {
    const applied = lo0.flatMap((u) => u.filters.filter((f) => f.direction === 'input').map((f) => ({u, f})))
    if (applied.length === 0) return null
    const out: Box[] = []
    const families = new Set(applied.map(({f}) => f.family))
    for (const family of ['inet', 'inet6'] as const) {
      if (!families.has(family)) {
        // a family without a lo0 filter is not filtered
        out.push({...ANY_BOX, from: family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6})
        continue
      }
      for (const {u, f} of applied.filter((x) => x.f.family === family)) out.push(...filterPermits(family, f.names, u.name, f.line).map((p) => p.box))
    }
    return out
  })()

  const zoneOfUnit = new Map<string, string>()
  for (const z of config.zones.values()) for (const ifu of z.interfaces.keys()) zoneOfUnit.set(ifu, z.name)
  for (const u of config.units.values()) {
    const zone = zoneOfUnit.get(u.name)
    for (const applied of u.filters) {
      const isLo0 = u.name.startsWith('lo0.')
      for (const permit of filterPermits(applied.family, applied.names, u.name, applied.line)) {
        const box = isLo0 ? intersectBox(permit.box, {...ANY_BOX, to: deviceAddresses.isEmpty() ? AddressSet.ANY : deviceAddresses}) : permit.box
        if (!box) continue
        const notes = [...(permit.meta.notes ?? [])]
        if (isLo0) notes.push('lo0 filter: traffic to the device itself (management plane)')
        emit(
          {
            ...permit.meta,
            direction: applied.direction === 'input' ? 'inbound' : 'outbound',
            interfaces: applied.direction === 'input' ? {in: [u.name]} : {out: [u.name]},
            fromZones: zone && applied.direction === 'input' ? [zone] : undefined,
            toZones: zone && applied.direction === 'output' ? [zone] : undefined,
            notes: notes.length ? notes : undefined,
            ...(isLo0 ? {hostLocal: true} : {}),
          },
          box,
        )
      }
    }
  }

  // a filter applied nowhere in this file (a filter-only export) is listed as written, with a note
  const applied = new Set([...config.units.values()].flatMap((u) => u.filters.flatMap((f) => f.names.map((n) => `${f.family}:${n}`))))
  for (const [key, f] of config.filters) {
    if (applied.has(key) || f.family === 'any') continue
    for (const permit of filterPermits(f.family, [f.name], '(none)', f.line)) {
      emit({...permit.meta, notes: [...(permit.meta.notes ?? []), 'filter not applied to any interface in this config']}, permit.box)
    }
  }

  // ---------- host-inbound-traffic ----------
  const servicesConfigured = config.systemServices.size > 0
  const serviceListens = (name: string, ifu: string): {listens: boolean; port?: number; assumed?: boolean} => {
    if (!servicesConfigured) return {listens: true, assumed: DAEMON_OF_SERVICE[name] !== undefined}
    const daemon = DAEMON_OF_SERVICE[name]
    if (!daemon) return {listens: true}
    if (daemon === 'web-management') {
      const sub = config.systemServices.get(`web-management ${name}`)
      if (!sub) return {listens: false}
      return {listens: sub.interfaces.length === 0 || sub.interfaces.includes(ifu), port: sub.port}
    }
    const svc = config.systemServices.get(daemon)
    return {listens: Boolean(svc), port: svc?.port}
  }
  const expand = (h: HostInbound | undefined, kind: 'services' | 'protocols'): string[] => {
    if (!h) return []
    const table = kind === 'services' ? HOST_SERVICES : HOST_PROTOCOLS
    const map = h[kind]
    const excepts = [...map].filter(([, e]) => e).map(([n]) => n)
    if (map.has('all') && !map.get('all')) {
      return Object.keys(table).filter((n) => n !== 'any-service' && !excepts.includes(n))
    }
    return [...map].filter(([n, e]) => !e && n !== 'all').map(([n]) => n)
  }
  // one box per address family, so a v6 source is never paired with a v4 device address
  const managementBoxes = (box: Box): Box[] => {
    const perFamily: Box[] = []
    for (const [any, otherIcmp] of [[AddressSet.ANY4, ICMPV6], [AddressSet.ANY6, ICMP]] as const) {
      const b = intersectBox(box, {...ANY_BOX, from: any, to: any, protocols: ProtocolSet.ALL.subtract(ProtocolSet.of(otherIcmp))})
      if (b) perFamily.push(b)
    }
    if (!lo0Permits) return perFamily
    const out: Box[] = []
    for (const b of perFamily) {
      for (const p of lo0Permits) {
        const i = intersectBox(b, p)
        if (i) out.push(i)
      }
    }
    return mergeBoxes(out)
  }
  // an interface's input filter sees host-bound traffic too (before the lo0 filter)
  const inputFilterBoxes = (unitName: string): Box[] | null => {
    const u = config.units.get(unitName)
    const inputs = u?.filters.filter((f) => f.direction === 'input') ?? []
    if (!u || inputs.length === 0 || u.name.startsWith('lo0.')) return null
    const out: Box[] = []
    for (const family of ['inet', 'inet6'] as const) {
      const mine = inputs.filter((f) => f.family === family)
      if (mine.length === 0) out.push({...ANY_BOX, from: family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6})
      for (const f of mine) out.push(...filterPermits(family, f.names, u.name, f.line).map((p) => p.box))
    }
    return out
  }
  const throughInputFilter = (boxes: Box[], unitName: string): Box[] => {
    const filter = inputFilterBoxes(unitName)
    if (!filter) return boxes
    const out: Box[] = []
    for (const b of boxes) for (const f of filter) {
      const i = intersectBox(b, f)
      if (i) out.push(i)
    }
    return mergeBoxes(out)
  }

  const hostInboundFor = (z: Zone) => {
    for (const [ifu, entry] of z.interfaces) {
      const u = config.units.get(ifu)
      const filtered = inputFilterBoxes(ifu) !== null
      const to = u && !u.hostAddresses.isEmpty() ? u.hostAddresses : AddressSet.ANY
      // interface-level host-inbound-traffic replaces the zone's, category by category
      const services = entry.hostInbound?.services.size ? entry.hostInbound : z.hostInbound
      const protocols = entry.hostInbound?.protocols.size ? entry.hostInbound : z.hostInbound
      const items: Array<{kind: 'system-services' | 'protocols'; name: string; specs: readonly string[]; origin: HostInbound}> = []
      for (const name of expand(services, 'services')) items.push({kind: 'system-services', name, specs: HOST_SERVICES[name] ?? [], origin: services!})
      for (const name of expand(protocols, 'protocols')) items.push({kind: 'protocols', name, specs: HOST_PROTOCOLS[name] ?? [], origin: protocols!})
      for (const item of items) {
        const notes: string[] = []
        let specs = item.specs
        if (specs.length === 0) {
          notes.push(`${item.kind} ${item.name} not in our table; taken as any protocol`)
          specs = ['1-255']
        }
        if (item.kind === 'system-services') {
          const l = serviceListens(item.name, ifu)
          if (!l.listens) continue
          if (l.assumed) notes.push(`no 'system services' in this config: ${item.name} assumed enabled`)
          if (l.port) specs = specs.map((sp) => sp.replace(/\/\d+$/, `/${l.port}`))
        }
        if (to === AddressSet.ANY) notes.push(`${ifu} has no address in this config; destination taken as any`)
        if (lo0Permits) notes.push('restricted by the lo0 input filter')
        if (filtered) notes.push(`restricted by the input filter of ${ifu}`)
        const template: Template = {
          kind: 'filter',
          action: 'allow',
          direction: 'inbound',
          line: item.origin.line,
          rule: `${z.functional ? 'functional-zone' : 'security-zone'} ${z.name} host-inbound-traffic ${item.kind} ${item.name}`,
          text: `${item.origin.text} ${item.kind} ${item.name}`,
          fromZones: [z.name],
          interfaces: {in: [ifu]},
          notes: notes.length ? notes : undefined,
          hostLocal: true,
        }
        for (const spec of specs) for (const b of throughInputFilter(managementBoxes({...specBox(spec), to}), ifu)) emit(template, b)
      }
    }
  }
  for (const z of config.zones.values()) hostInboundFor(z)

  // out-of-band management ports are in no zone: the enabled services listen there (and, without
  // security zones at all, on every interface, as on a router)
  const zoned = new Set([...config.zones.values()].flatMap((z) => [...z.interfaces.keys()]))
  const oob = [...config.units.values()].filter((u) => /^(fxp|em|me)\d/.test(u.name) && !zoned.has(u.name))
  const routerLike = config.zones.size === 0
  const listeners = routerLike ? [...config.units.values()] : oob
  if (listeners.length || (routerLike && config.systemServices.size)) {
    for (const svc of config.systemServices.values()) {
      const specs = systemServiceSpecs(svc.name, svc.port)
      if (!specs) continue
      const targets = svc.interfaces.length ? listeners.filter((u) => svc.interfaces.includes(u.name)) : listeners
      // J-Web bound to zoned units only: host-inbound-traffic covers it there
      if (svc.interfaces.length && targets.length === 0 && !routerLike) continue
      const to = targets.length ? AddressSet.unionAll(targets.map((u) => u.hostAddresses)) : AddressSet.ANY
      const notes: string[] = []
      if (to.isEmpty() || to === AddressSet.ANY) notes.push('no interface address in this config; destination taken as any')
      if (routerLike && !lo0Permits) notes.push('no security zones and no lo0 filter: reachable on every interface')
      if (lo0Permits) notes.push('restricted by the lo0 input filter')
      const template: Template = {
        kind: 'filter',
        action: 'allow',
        direction: 'inbound',
        line: svc.line,
        rule: `system services ${svc.name}`,
        text: svc.text,
        interfaces: targets.length && !routerLike ? {in: targets.map((u) => u.name)} : undefined,
        notes: notes.length ? notes : undefined,
        hostLocal: true,
      }
      for (const spec of specs) for (const b of managementBoxes({...specBox(spec), to: to.isEmpty() ? AddressSet.ANY : to})) emit(template, b)
    }
  }

  // ---------- NAT ----------
  for (const rs of config.natRuleSets) natExposures(config, rs, resolver, emit, problems)

  // ---------- IKE gateways ----------
  for (const g of config.ikeGateways.values()) {
    const notes: string[] = []
    let from = AddressSet.EMPTY
    const fromSets: string[] = []
    if (g.dynamic || g.addresses.length === 0) from = AddressSet.ANY
    for (const a of g.addresses) {
      const s = parseAddress(a)
      if (s) from = from.union(s)
      else {
        fromSets.push(a)
        from = AddressSet.ANY
      }
    }
    if (fromSets.length) notes.push(`peer ${fromSets.join(', ')} is a host name; taken as any`)
    if (g.dynamic) notes.push('dynamic peer: any address may negotiate')
    let to = AddressSet.ANY
    const ext = g.externalInterface ? config.units.get(g.externalInterface) : undefined
    if (g.localAddress && parseAddress(g.localAddress)) to = parseAddress(g.localAddress)!
    else if (ext && !ext.hostAddresses.isEmpty()) to = ext.hostAddresses
    else notes.push('external interface address unknown; destination taken as any')
    const zoneOf = g.externalInterface ? [...config.zones.values()].find((z) => z.interfaces.has(g.externalInterface!)) : undefined
    if (zoneOf) {
      const entry = zoneOf.interfaces.get(g.externalInterface!)
      const svc = entry?.hostInbound?.services.size ? entry.hostInbound : zoneOf.hostInbound
      if (!expand(svc, 'services').includes('ike')) notes.push(`zone ${zoneOf.name} does not allow host-inbound ike; the listener may be unreachable`)
    }
    const template: Template = {
      kind: 'vpn-listener',
      action: 'allow',
      direction: 'inbound',
      line: g.line,
      rule: `ike gateway ${g.name}`,
      text: `${g.text}${g.dynamic ? ' dynamic' : ''}${g.addresses.map((a) => ` address ${a}`).join('')}${g.externalInterface ? ` external-interface ${g.externalInterface}` : ''}`,
      fromZones: zoneOf ? [zoneOf.name] : undefined,
      interfaces: g.externalInterface ? {in: [g.externalInterface]} : undefined,
      fromSets: fromSets.length ? fromSets : undefined,
      notes: notes.length ? notes : undefined,
    }
    emit(template, {...ANY_BOX, from, to, protocols: ProtocolSet.of(17), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])})
    emit(template, {...ANY_BOX, from, to, protocols: ProtocolSet.of(50)})
  }

  return {exposures, problems}
}

function systemServiceSpecs(name: string, port?: number): string[] | null {
  const table: Record<string, string[]> = {
    ssh: ['tcp/22'],
    telnet: ['tcp/23'],
    ftp: ['tcp/21'],
    netconf: ['tcp/830'],
    'web-management http': ['tcp/80'],
    'web-management https': ['tcp/443'],
    'xnm-ssl': ['tcp/3220'],
    'xnm-clear-text': ['tcp/3221'],
    finger: ['tcp/79'],
    rlogin: ['tcp/513'],
    rsh: ['tcp/514'],
    tftp: ['udp/69'],
  }
  const specs = table[name]
  if (!specs) return null
  return port ? specs.map((s) => s.replace(/\/\d+$/, `/${port}`)) : specs
}

function policyText(p: Policy): string {
  const head = p.global ? `global policy ${p.name}` : `from-zone ${p.fromZones[0]} to-zone ${p.toZones[0]} policy ${p.name}`
  const parts = [head, 'match']
  if (p.global && p.fromZones.length) parts.push(`from-zone ${p.fromZones.join(' ')}`)
  if (p.global && p.toZones.length) parts.push(`to-zone ${p.toZones.join(' ')}`)
  parts.push(`source-address ${listText(p.source)}`)
  if (p.sourceExcluded) parts.push('source-address-excluded')
  parts.push(`destination-address ${listText(p.destination)}`)
  if (p.destinationExcluded) parts.push('destination-address-excluded')
  parts.push(`application ${listText(p.applications)}`)
  parts.push(`then ${p.action ?? '?'}`)
  return parts.join(' ')
}

function listText(items: string[]): string {
  if (items.length === 0) return 'any'
  return items.length === 1 ? items[0] : `[ ${items.join(' ')} ]`
}

function termText(f: Filter, t: FilterTerm): string {
  const from = [...t.from].map(([k, vs]) => (vs.length ? vs.map((v) => `${k} ${v.value}${v.except ? ' except' : ''}`).join(' ') : k)).join(' ')
  return `filter ${f.name} term ${t.name}${from ? ` from ${from}` : ''}${t.then.length ? ` then ${t.then.join(' ')}` : ''}`
}
