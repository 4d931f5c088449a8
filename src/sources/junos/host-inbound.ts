/**
 * The management plane: host-inbound-traffic per zone and interface (with `system services` and the
 * lo0 and interface input filters in front of it), and the system services on out-of-band ports (or,
 * without security zones, on every interface as on a router).
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox, mergeBoxes} from '../../net/match.js'
import {ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6} from '../../net/protocol.js'
import {specBox, type Template} from './common.js'
import type {Convert} from './convert.js'
import type {HostInbound, Unit, Zone} from './model.js'
import {DAEMON_OF_SERVICE, HOST_PROTOCOLS, HOST_SERVICES} from './tables.js'

/** What lo0's input filters let reach the routing engine (both families); null without one. */
export function lo0Permits(cv: Convert): Box[] | null {
  const lo0 = [...cv.config.units.values()].filter((u) => u.name.startsWith('lo0.'))
  const applied = lo0.flatMap((u) => u.filters.filter((f) => f.direction === 'input').map((f) => ({u, f})))
  if (applied.length === 0) return null
  const out: Box[] = []
  const families = new Set(applied.map(({f}) => f.family))
  for (const family of ['inet', 'inet6'] as const) {
    // a family without a lo0 filter is not filtered
    if (!families.has(family)) out.push({...ANY_BOX, from: family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6})
    else for (const {u, f} of applied.filter((x) => x.f.family === family)) out.push(...cv.filters.permits(family, f.names, u.name, f.line).map((p) => p.box))
  }
  return out
}

/** The enabled names of a host-inbound-traffic category (`all` with its excepts expanded from our table). */
export function expandHostInbound(h: HostInbound | undefined, kind: 'services' | 'protocols'): string[] {
  if (!h) return []
  const table = kind === 'services' ? HOST_SERVICES : HOST_PROTOCOLS
  const map = h[kind]
  const excepts = [...map].filter(([, e]) => e).map(([n]) => n)
  if (map.has('all') && !map.get('all')) return Object.keys(table).filter((n) => n !== 'any-service' && !excepts.includes(n))
  return [...map].filter(([n, e]) => !e && n !== 'all').map(([n]) => n)
}

/** Does the daemon behind a host-inbound service listen on this unit (and on which port)? */
function serviceListens(cv: Convert, name: string, ifu: string): {listens: boolean; port?: number; assumed?: boolean} {
  if (cv.config.systemServices.size === 0) return {listens: true, assumed: DAEMON_OF_SERVICE[name] !== undefined}
  const daemon = DAEMON_OF_SERVICE[name]
  if (!daemon) return {listens: true}
  if (daemon === 'web-management') {
    const sub = cv.config.systemServices.get(`web-management ${name}`)
    if (!sub) return {listens: false}
    return {listens: sub.interfaces.length === 0 || sub.interfaces.includes(ifu), port: sub.port}
  }
  const svc = cv.config.systemServices.get(daemon)
  return {listens: Boolean(svc), port: svc?.port}
}

/** One box per address family (a v6 source never pairs with a v4 device address), through the lo0 filter. */
function managementBoxes(box: Box, lo0: Box[] | null): Box[] {
  const perFamily: Box[] = []
  for (const [any, otherIcmp] of [[AddressSet.ANY4, ICMPV6], [AddressSet.ANY6, ICMP]] as const) {
    const b = intersectBox(box, {...ANY_BOX, from: any, to: any, protocols: ProtocolSet.ALL.subtract(ProtocolSet.of(otherIcmp))})
    if (b) perFamily.push(b)
  }
  if (!lo0) return perFamily
  const out: Box[] = []
  for (const b of perFamily) {
    for (const p of lo0) {
      const i = intersectBox(b, p)
      if (i) out.push(i)
    }
  }
  return mergeBoxes(out)
}

/** An interface's input filter sees host-bound traffic too (before the lo0 filter); null without one. */
function inputFilterBoxes(cv: Convert, unitName: string): Box[] | null {
  const u = cv.config.units.get(unitName)
  const inputs = u?.filters.filter((f) => f.direction === 'input') ?? []
  if (!u || inputs.length === 0 || u.name.startsWith('lo0.')) return null
  const out: Box[] = []
  for (const family of ['inet', 'inet6'] as const) {
    const mine = inputs.filter((f) => f.family === family)
    if (mine.length === 0) out.push({...ANY_BOX, from: family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6})
    for (const f of mine) out.push(...cv.filters.permits(family, f.names, u.name, f.line).map((p) => p.box))
  }
  return out
}

function throughInputFilter(cv: Convert, boxes: Box[], unitName: string): Box[] {
  const filter = inputFilterBoxes(cv, unitName)
  if (!filter) return boxes
  const out: Box[] = []
  for (const b of boxes)
    for (const f of filter) {
      const i = intersectBox(b, f)
      if (i) out.push(i)
    }
  return mergeBoxes(out)
}

interface HostItem {
  kind: 'system-services' | 'protocols'
  name: string
  specs: readonly string[]
  origin: HostInbound
}

/** Interface-level host-inbound-traffic replaces the zone's, category by category. */
function hostItems(z: Zone, entry: {hostInbound?: HostInbound}): HostItem[] {
  const services = entry.hostInbound?.services.size ? entry.hostInbound : z.hostInbound
  const protocols = entry.hostInbound?.protocols.size ? entry.hostInbound : z.hostInbound
  const items: HostItem[] = []
  for (const name of expandHostInbound(services, 'services')) items.push({kind: 'system-services', name, specs: HOST_SERVICES[name] ?? [], origin: services!})
  for (const name of expandHostInbound(protocols, 'protocols')) items.push({kind: 'protocols', name, specs: HOST_PROTOCOLS[name] ?? [], origin: protocols!})
  return items
}

/** One host-inbound item on one unit of a zone (`filtered`: the unit has an input filter). */
function hostItemExposures(cv: Convert, z: Zone, ifu: string, u: Unit | undefined, filtered: boolean, item: HostItem, lo0: Box[] | null): void {
  const to = u && !u.hostAddresses.isEmpty() ? u.hostAddresses : AddressSet.ANY
  const doubts: DoubtNote[] = []
  let specs = item.specs
  if (specs.length === 0) {
    doubts.push(note('unknown-service', `${item.kind} ${item.name} not in our table; taken as any protocol`))
    specs = ['1-255']
  }
  if (item.kind === 'system-services') {
    const l = serviceListens(cv, item.name, ifu)
    if (!l.listens) return
    if (l.assumed) doubts.push(note('assumed-enabled', `no 'system services' in this config: ${item.name} assumed enabled`))
    if (l.port) specs = specs.map((sp) => sp.replace(/\/\d+$/, `/${l.port}`))
  }
  if (to === AddressSet.ANY) doubts.push(note('unknown-address', `${ifu} has no address in this config; destination taken as any`))
  if (lo0) doubts.push(note('restricted-elsewhere', 'restricted by the lo0 input filter'))
  if (filtered) doubts.push(note('restricted-elsewhere', `restricted by the input filter of ${ifu}`))
  const template: Template = {
    kind: 'filter',
    direction: 'inbound',
    line: item.origin.line,
    rule: `${z.functional ? 'functional-zone' : 'security-zone'} ${z.name} host-inbound-traffic ${item.kind} ${item.name}`,
    text: `${item.origin.text} ${item.kind} ${item.name}`,
    fromZones: [z.name],
    interfaces: {in: [ifu]},
    doubts,
    hostLocal: true,
  }
  for (const spec of specs) for (const b of throughInputFilter(cv, managementBoxes({...specBox(spec), to}, lo0), ifu)) cv.emit(template, b)
}

export function hostInboundExposures(cv: Convert, lo0: Box[] | null): void {
  for (const z of cv.config.zones.values()) {
    for (const [ifu, entry] of z.interfaces) {
      const u = cv.config.units.get(ifu)
      const filtered = inputFilterBoxes(cv, ifu) !== null
      for (const item of hostItems(z, entry)) hostItemExposures(cv, z, ifu, u, filtered, item, lo0)
    }
  }
}

/**
 * Out-of-band management ports are in no zone: the enabled services listen there (and, without
 * security zones at all, on every interface, as on a router).
 */
export function systemServiceExposures(cv: Convert, lo0: Box[] | null): void {
  const {config} = cv
  const zoned = new Set([...config.zones.values()].flatMap((z) => [...z.interfaces.keys()]))
  const oob = [...config.units.values()].filter((u) => /^(fxp|em|me)\d/.test(u.name) && !zoned.has(u.name))
  const routerLike = config.zones.size === 0
  const listeners = routerLike ? [...config.units.values()] : oob
  if (!listeners.length && !(routerLike && config.systemServices.size)) return
  for (const svc of config.systemServices.values()) {
    const specs = systemServiceSpecs(svc.name, svc.port)
    if (!specs) continue
    const targets = svc.interfaces.length ? listeners.filter((u) => svc.interfaces.includes(u.name)) : listeners
    // J-Web bound to zoned units only: host-inbound-traffic covers it there
    if (svc.interfaces.length && targets.length === 0 && !routerLike) continue
    const to = targets.length ? AddressSet.unionAll(targets.map((u) => u.hostAddresses)) : AddressSet.ANY
    const doubts: DoubtNote[] = []
    if (to.isEmpty() || to === AddressSet.ANY) doubts.push(note('unknown-address', 'no interface address in this config; destination taken as any'))
    if (routerLike && !lo0) doubts.push(note('vendor-default', 'no security zones and no lo0 filter: reachable on every interface'))
    if (lo0) doubts.push(note('restricted-elsewhere', 'restricted by the lo0 input filter'))
    const template: Template = {
      kind: 'filter',
      direction: 'inbound',
      line: svc.line,
      rule: `system services ${svc.name}`,
      text: svc.text,
      interfaces: targets.length && !routerLike ? {in: targets.map((u) => u.name)} : undefined,
      doubts,
      hostLocal: true,
    }
    for (const spec of specs) for (const b of managementBoxes({...specBox(spec), to: to.isEmpty() ? AddressSet.ANY : to}, lo0)) cv.emit(template, b)
  }
}

const SYSTEM_SERVICE_PORTS: Record<string, string[]> = {
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

function systemServiceSpecs(name: string, port?: number): string[] | null {
  const specs = SYSTEM_SERVICE_PORTS[name]
  if (!specs) return null
  return port ? specs.map((s) => s.replace(/\/\d+$/, `/${port}`)) : specs
}
