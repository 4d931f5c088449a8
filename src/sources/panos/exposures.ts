/**
 * PAN-OS tree → exposures. Per vsys (and per Panorama device-group): objects from the vsys and
 * `shared`, security rules in order (pre-rulebase, rulebase, post-rulebase) evaluated per zone pair
 * with the default rules (intrazone allow, interzone deny, or their overrides), destination and
 * bi-directional static NAT, GlobalProtect portals and gateways, and management access (interface
 * management profiles and the MGT port).
 */
import {type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox, mergeBoxes} from '../../net/match.js'
import {PortSet} from '../../net/number-set.js'
import {type EvalRule, evaluateList, type Guard} from '../../model/evaluate.js'
import {attachExposures, describeInterfaces, managementInterface, zoneAttachment} from './device.js'
import {globalProtect, ikeGateways, managementPort} from './listeners.js'
import {Objects, perFamily, readInterfaces, readManagementProfiles, readZones, specBox, type Template} from './objects.js'
import {APP_DEFAULT_PORTS, MANAGEMENT_SERVICES} from './tables.js'
import {entries, items, markDeep, type PNode, reject, take, takeDeep, value} from './tree.js'

/** Sections read on purpose and not modelled (no reachability of their own). */
const IGNORED_CONFIG = ['mgt-config', 'readonly']
const IGNORED_SHARED = ['log-settings', 'reports', 'report-group', 'pdf-summary-report', 'email-scheduler', 'response-page', 'certificate', 'certificate-profile', 'ssl-tls-service-profile', 'ssl-decrypt', 'tag', 'application', 'application-group', 'application-filter', 'application-status', 'profiles', 'profile-group', 'local-user-database', 'authentication-profile', 'authentication-sequence', 'server-profile', 'admin-role', 'botnet', 'content-preview', 'alarm', 'threats', 'schedule', 'override', 'scep', 'ocsp-responder', 'external-list', 'region', 'dynamic-user-group', 'user-id-collector', 'device-id', 'access-domain', 'mfa-server-profile', 'log-collector-group', 'default-security-rules']
const IGNORED_DEVICE = ['platform', 'log-collector', 'log-collector-group', 'template', 'template-stack']
const IGNORED_NETWORK = ['virtual-router', 'logical-router', 'tunnel', 'qos', 'lldp', 'dns-proxy', 'shared-gateway', 'vlan', 'virtual-wire', 'dhcp', 'gre-tunnel', 'lacp', 'routing-profile', 'sdwan-interface-profile', 'dns', 'arp']
const IGNORED_VSYS = ['application', 'application-group', 'application-filter', 'application-status', 'schedule', 'tag', 'profiles', 'profile-group', 'log-settings', 'import', 'user-id-agent', 'user-id-collector', 'user-id-ssl-auth', 'setting', 'display-name', 'response-page', 'threats', 'url-admin-override', 'ocsp-responder', 'certificate', 'certificate-profile', 'ssl-tls-service-profile', 'server-profile', 'authentication-profile', 'authentication-sequence', 'local-user-database', 'dynamic-user-group', 'region', 'external-list', 'scep', 'ssl-decrypt', 'ts-agent', 'captive-portal', 'email-scheduler', 'reports', 'report-group', 'pdf-summary-report', 'botnet', 'device-id', 'admin-role']
const IGNORED_RULEBASES = ['decryption', 'pbf', 'qos', 'application-override', 'authentication', 'tunnel-inspect', 'dos', 'sdwan', 'network-packet-broker']
/** Security rule fields that do not change which packets the rule admits. */
const RULE_IGNORED_FIELDS = ['description', 'tag', 'group-tag', 'log-start', 'log-end', 'log-setting', 'profile-setting', 'rule-type', 'uuid', 'option', 'target', 'qos', 'schedule', 'icmp-unreachable', 'disable-server-response-inspection', 'source-imei', 'source-imsi', 'source-nw-slice', 'audit-comment']

export interface PanosProblem {
  line: number
  reason: string
  text: string
  path?: string
}

export function toExposures(root: PNode): {exposures: Exposure[]; problems: PanosProblem[]; device: DeviceModel} {
  const exposures: Exposure[] = []
  const problems: PanosProblem[] = []
  const interfaces: DeviceInterface[] = []
  const listeners: DeviceListener[] = []
  const config = take(root, 'config')
  if (!config) return {exposures, problems, device: deviceModel(interfaces, listeners)}
  for (const k of IGNORED_CONFIG) takeDeep(config, k)
  take(root, 'policy') // brace form preamble (`policy { panorama { } }`)
  markDeep(root.children.get('policy'))
  const shared = take(config, 'shared')
  for (const k of IGNORED_SHARED) takeDeep(shared, k)
  const devices = entries(take(config, 'devices'))

  // shared rules are read once per vsys; their problems are reported once
  const reported = new WeakSet<PNode>()
  const emit = (t: Template, b: Box) => exposures.push({...t, from: b.from, to: b.to, protocols: b.protocols, ports: b.ports, sourcePorts: b.sourcePorts})

  for (const device of devices) {
    const first = exposures.length
    device.used = true
    for (const k of IGNORED_DEVICE) takeDeep(device, k)
    const network = take(device, 'network')
    for (const k of IGNORED_NETWORK) takeDeep(network, k)
    const ifaces = readInterfaces(network)
    const profiles = readManagementProfiles(network)
    const deviceconfig = take(device, 'deviceconfig')

    const contexts: Array<{name: string; node: PNode; prefix: string}> = []
    for (const v of entries(take(device, 'vsys'))) contexts.push({name: v.name, node: v, prefix: v.name})
    for (const dg of entries(take(device, 'device-group'))) contexts.push({name: dg.name, node: dg, prefix: `device-group ${dg.name}`})
    if (contexts.length === 0 && shared && (shared.children.has('pre-rulebase') || shared.children.has('post-rulebase'))) {
      contexts.push({name: 'shared', node: shared, prefix: 'shared'})
    }
    const zoneOf = new Map<string, string>()
    let deviceObjects: Objects | undefined
    for (const ctx of contexts) {
      ctx.node.used = true
      for (const k of IGNORED_VSYS) takeDeep(ctx.node, k)
      const objects = new Objects(ctx.node, shared)
      deviceObjects ??= objects
      const zoneIfaces = readZones(ctx.node)
      for (const [zone, names] of zoneIfaces) for (const n of names) zoneOf.set(n, zone)
      for (const iface of ifaces.values()) {
        for (const n of iface.addressNames) {
          iface.addresses = iface.addresses.union(objects.hostAddress(n) ?? AddressSet.EMPTY)
          const cidr = objects.interfaceCidr(n)
          if (cidr && !iface.cidrs.includes(cidr)) iface.cidrs.push(cidr)
        }
      }
      securityExposures(ctx, shared, objects, zoneIfaces, emit, reported)
      natExposures(ctx, shared, objects, zoneIfaces, emit)
      globalProtect(ctx, ifaces, zoneIfaces, objects, emit, listeners)
      // interface management profiles: the dataplane interfaces of this vsys's zones
      for (const [zone, names] of zoneIfaces) {
        for (const ifName of names) {
          const iface = ifaces.get(ifName)
          if (!iface?.profile) continue
          const profile = profiles.get(iface.profile)
          if (!profile) {
            problems.push({line: iface.line, reason: `interface-management-profile ${iface.profile} not defined`, text: ifName})
            continue
          }
          const to = iface.addresses.isEmpty() ? AddressSet.ANY : iface.addresses
          for (const svc of profile.services) {
            const template: Template = {
              kind: 'filter',
              action: 'allow',
              direction: 'inbound',
              line: profile.line,
              rule: `interface-management-profile ${profile.name} ${svc} on ${ifName}`,
              text: `interface-management-profile ${profile.name} ${svc} yes`,
              fromZones: [zone],
              interfaces: {in: [ifName]},
              notes: iface.addresses.isEmpty() ? [`${ifName} has no address in this config; destination taken as any`] : undefined,
              hostLocal: true,
            }
            for (const spec of MANAGEMENT_SERVICES[svc] ?? []) for (const b of perFamily({...specBox(spec), from: profile.permitted, to})) emit(template, b)
          }
        }
      }
    }
    ikeGateways(network, ifaces, zoneOf, deviceObjects ?? new Objects(device, shared), emit, listeners)
    const mgmt = managementInterface(deviceconfig)
    managementPort(deviceconfig, emit, listeners)
    interfaces.push(...describeInterfaces(ifaces, zoneOf, network), ...(mgmt ? [mgmt] : []))
    attachExposures(exposures.slice(first), zoneOf)
  }
  for (const k of ['pre-rulebase', 'post-rulebase']) take(shared, k)
  return {exposures, problems, device: deviceModel(interfaces, listeners)}
}

interface SecurityRule {
  node: PNode
  name: string
  from: string[]
  to: string[]
  source: string[]
  destination: string[]
  negateSource: boolean
  negateDestination: boolean
  services: string[]
  applications: string[]
  action: string
  ruleType: string
  unknown: string[]
  rulebase: string
}

function readRules(rulebase: PNode | undefined, label: string): SecurityRule[] {
  const out: SecurityRule[] = []
  for (const k of IGNORED_RULEBASES) takeDeep(rulebase, k)
  for (const r of entries(take(take(rulebase, 'security'), 'rules'))) {
    r.used = true
    if (value(r, 'disabled') === 'yes') {
      markDeep(r)
      continue
    }
    for (const f of RULE_IGNORED_FIELDS) takeDeep(r, f)
    const rule: SecurityRule = {
      node: r,
      name: r.name,
      from: items(r, 'from'),
      to: items(r, 'to'),
      source: items(r, 'source'),
      destination: items(r, 'destination'),
      negateSource: value(r, 'negate-source') === 'yes',
      negateDestination: value(r, 'negate-destination') === 'yes',
      services: items(r, 'service'),
      applications: items(r, 'application'),
      action: value(r, 'action') ?? 'allow',
      ruleType: r.children.get('rule-type')?.values[0] ?? 'universal',
      unknown: [],
      rulebase: label,
    }
    // user, HIP, category and device matches only narrow who matches: the permit may be smaller than listed
    for (const k of ['source-user', 'category', 'source-hip', 'destination-hip', 'hip-profiles', 'source-device', 'destination-device']) {
      const v = items(r, k)
      if (v.length && !v.every((x) => x === 'any')) rule.unknown.push(`${k} ${v.join(',')}`)
    }
    for (const c of r.children.values()) if (!c.used) rule.unknown.push(c.name)
    out.push(rule)
  }
  return out
}

function securityExposures(
  ctx: {name: string; node: PNode; prefix: string},
  shared: PNode | undefined,
  objects: Objects,
  zoneIfaces: Map<string, string[]>,
  emit: (t: Template, b: Box) => void,
  reported: WeakSet<PNode>,
): void {
  const rulebase = take(ctx.node, 'rulebase')
  const rules = [
    ...readRules(shared?.children.get('pre-rulebase'), 'shared pre-rulebase'),
    ...readRules(ctx.node.children.get('pre-rulebase'), 'pre-rulebase'),
    ...readRules(rulebase, 'rulebase'),
    ...readRules(ctx.node.children.get('post-rulebase'), 'post-rulebase'),
    ...readRules(shared?.children.get('post-rulebase'), 'shared post-rulebase'),
  ]
  take(ctx.node, 'pre-rulebase')
  take(ctx.node, 'post-rulebase')
  // default rules: intrazone allow, interzone deny, unless overridden
  let intrazone = 'allow'
  let interzone = 'deny'
  let defaultsLine = rulebase?.line ?? ctx.node.line
  for (const scope of [shared?.children.get('default-security-rules'), rulebase?.children.get('default-security-rules')]) {
    for (const d of entries(take(scope, 'rules'))) {
      markDeep(d)
      const a = d.children.get('action')?.values[0]
      if (d.name === 'intrazone-default' && a) intrazone = a
      if (d.name === 'interzone-default' && a) interzone = a
      defaultsLine = d.line
    }
    markDeep(scope)
  }
  const zones = new Set<string>(zoneIfaces.keys())
  for (const r of rules) for (const z of [...r.from, ...r.to]) if (z !== 'any') zones.add(z)
  // rules that only say `any` and no zone anywhere (a bare device-group): one pair with no zone names
  const zoneless = zones.size === 0
  if (zoneless) zones.add('any')

  // custom App-IDs (vsys or shared <application>): their <default> says what `application-default` admits
  const customApps = new Map<string, PNode>()
  for (const scope of [shared, ctx.node]) for (const a of entries(scope?.children.get('application'))) customApps.set(a.name, a)
  const appCache = new Map<string, {boxes: Box[]; notes: string[]}>()
  // `apps`: the rule's applications, or one of them (a rule naming several is evaluated once per application)
  const ruleBoxes = (r: SecurityRule, apps: string[]): {boxes: Box[]; notes: string[]; opaque: boolean; fromSets: string[]; toSets: string[]} => {
    const notes: string[] = []
    let opaque = false
    let boxes: Box[] = []
    const services = r.services.length ? r.services : ['any']
    for (const s of services) {
      if (s === 'application-default') {
        if (apps.includes('any')) {
          boxes.push(ANY_BOX)
          continue
        }
        for (const a of apps) {
          let res = appCache.get(a)
          if (!res) {
            const specs = APP_DEFAULT_PORTS[a] ?? customAppSpecs(customApps.get(a))
            res = specs ? {boxes: specs.map(specBox), notes: []} : {boxes: [ANY_BOX], notes: [`application ${a}: default ports unknown; any port`]}
            appCache.set(a, res)
          }
          boxes.push(...res.boxes)
          notes.push(...res.notes)
        }
        continue
      }
      const res = objects.service(s)
      if (res.unresolved) {
        notes.push(`service ${res.unresolved} unknown; taken as any`)
        opaque = true
      }
      boxes.push(...res.boxes)
    }
    if (!apps.includes('any') && !services.includes('application-default')) notes.push(`application ${r.applications.join(', ')} only`)
    const src = objects.addressesOf(r.source)
    const dst = objects.addressesOf(r.destination)
    let from = src.set
    let to = dst.set
    if (src.unresolved.length || dst.unresolved.length) {
      notes.push(`address ${[...src.unresolved, ...dst.unresolved].join(', ')} not expanded; taken as any`)
      if (src.unresolved.length) from = AddressSet.ANY
      if (dst.unresolved.length) to = AddressSet.ANY
      opaque = true
    }
    // negating a set we could not expand would turn "any" into "nothing": keep any, the note says why
    if (r.negateSource && !src.unresolved.length) from = AddressSet.ANY.subtract(from)
    if (r.negateDestination && !dst.unresolved.length) to = AddressSet.ANY.subtract(to)
    if (r.unknown.length) {
      notes.push(`match ${r.unknown.join('; ')} not modelled; exposure may be narrower`)
      opaque = true
    }
    boxes = mergeBoxes(boxes.map((b) => intersectBox(b, {...ANY_BOX, from, to})).filter((b): b is Box => b !== null))
    return {boxes, notes, opaque, fromSets: src.unresolved, toSets: dst.unresolved}
  }

  // An App-ID rule applies to its applications only: each application is a guard `app=<name>`, so a deny
  // of an application shadows allows of that same application (on its ports) and nothing else.
  const built = rules.map((r) => {
    const apps = r.applications.length && !r.applications.includes('any') ? r.applications : null
    const variants = apps ? apps.map((a) => ({guards: [{cond: `app=${a}`}] as Guard[], ...ruleBoxes(r, [a])})) : [{guards: [] as Guard[], ...ruleBoxes(r, ['any'])}]
    return {r, variants}
  })
  for (const r of rules) {
    if (reported.has(r.node)) continue
    reported.add(r.node)
    if (!['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both'].includes(r.action)) {
      reject(r.node.children.get('action'), `rule action '${r.action}' not understood; treated as deny that shadows nothing`)
    }
  }
  // rules indexed by source zone, so a zone pair only walks the rules that can apply to it
  const byFrom = new Map<string, number[]>()
  const anyFrom: number[] = []
  built.forEach(({r}, i) => {
    if (r.from.length === 0 || r.from.includes('any')) anyFrom.push(i)
    else
      for (const z of new Set(r.from)) {
        const list = byFrom.get(z)
        if (list) list.push(i)
        else byFrom.set(z, [i])
      }
  })
  const sortedZones = [...zones].sort()
  for (const from of sortedZones) {
    const candidates = mergeSorted(byFrom.get(from) ?? [], anyFrom)
    for (const to of sortedZones) {
      const list: Array<EvalRule<Template>> = []
      for (const i of candidates) {
        const {r, variants} = built[i]
        if (r.to.length && !r.to.includes('any') && !r.to.includes(to)) continue
        if (!zoneless && r.ruleType === 'intrazone' && from !== to) continue
        if (!zoneless && r.ruleType === 'interzone' && from === to) continue
        const action = r.action === 'allow' ? 'allow' : 'deny'
        const known = ['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both'].includes(r.action)
        const notes = [...new Set(variants.flatMap((v) => v.notes))]
        const {fromSets, toSets} = variants[0]
        const template: Template = {
          kind: 'filter',
          action: 'allow',
          direction: 'inbound',
          line: r.node.line,
          rule: `${ctx.prefix}${r.rulebase === 'rulebase' ? '' : ` ${r.rulebase}`} security rule "${r.name}"`,
          name: r.name, // PAN-OS rule names are unique and stable
          text: ruleText(r),
          fromZones: zoneless ? undefined : [from],
          toZones: zoneless ? undefined : [to],
          fromSets: fromSets.length ? fromSets : undefined,
          toSets: toSets.length ? toSets : undefined,
          notes: notes.length ? notes : undefined,
        }
        for (const {boxes, opaque, guards} of variants) for (const match of boxes) list.push({match, action, guards, opaque: action === 'deny' && (opaque || !known), meta: template})
      }
      // without zones we cannot tell intrazone from interzone: the stricter default applies
      const def = zoneless ? 'deny' : from === to ? intrazone : interzone
      const policyMeta: Template = {
        kind: 'filter',
        action: 'allow',
        direction: 'inbound',
        line: defaultsLine,
        rule: `${ctx.prefix} ${from === to ? 'intrazone-default' : 'interzone-default'} (${from} to ${to})`,
        text: `${from === to ? 'intrazone-default' : 'interzone-default'} action ${def}`,
        fromZones: [from],
        toZones: [to],
      }
      // a rule naming several applications was evaluated once per application: merge its pieces again
      const byRule = new Map<Template, Box[]>()
      for (const p of evaluateList(list, def === 'allow' ? 'allow' : 'deny', policyMeta).permits) {
        const boxes = byRule.get(p.meta)
        if (boxes) boxes.push(p.box)
        else byRule.set(p.meta, [p.box])
      }
      for (const [meta, boxes] of byRule) for (const b of boxes.length > 1 ? mergeBoxes(boxes) : boxes) emit(meta, b)
    }
  }
}

function natExposures(
  ctx: {name: string; node: PNode; prefix: string},
  shared: PNode | undefined,
  objects: Objects,
  zoneIfaces: Map<string, string[]>,
  emit: (t: Template, b: Box) => void,
): void {
  const bases = [shared?.children.get('pre-rulebase'), ctx.node.children.get('pre-rulebase'), ctx.node.children.get('rulebase'), ctx.node.children.get('post-rulebase'), shared?.children.get('post-rulebase')]
  const list: Array<EvalRule<Template>> = []
  for (const base of bases) {
    for (const r of entries(take(take(base, 'nat'), 'rules'))) {
      markDeep(r)
      if (r.children.get('disabled')?.values[0] === 'yes') continue
      const from = items(r, 'from')
      const to = items(r, 'to')
      const src = objects.addressesOf(items(r, 'source'))
      const dst = objects.addressesOf(items(r, 'destination'))
      const service = value(r, 'service') ?? 'any'
      const svc = objects.service(service)
      const dt = r.children.get('destination-translation') ?? r.children.get('dynamic-destination-translation')
      const st = r.children.get('source-translation')
      const staticIp = st?.children.get('static-ip')
      const bidir = staticIp?.children.get('bi-directional')?.values[0] === 'yes'
      const notes: string[] = []
      if (src.unresolved.length || dst.unresolved.length) notes.push(`address ${[...src.unresolved, ...dst.unresolved].join(', ')} not expanded; taken as any`)
      if (svc.unresolved) notes.push(`service ${svc.unresolved} unknown; taken as any`)
      const base: Template = {
        kind: 'nat-forward',
        action: 'allow',
        direction: 'inbound',
        line: r.line,
        rule: `${ctx.prefix} nat rule "${r.name}"`,
        text: `nat rule ${r.name} from ${from.join(',') || 'any'} to ${to.join(',') || 'any'} source ${items(r, 'source').join(',') || 'any'} destination ${items(r, 'destination').join(',') || 'any'} service ${service}`,
        fromZones: from.filter((z) => z !== 'any').length ? from : undefined,
        toZones: to.filter((z) => z !== 'any').length ? to : undefined,
        ingress: zoneAttachment(from, zoneIfaces),
      }
      // a NAT rule's `to` is the zone of the destination before translation: where a destination NAT's
      // traffic leaves is decided after it, so only the reverse of a bi-directional static NAT names its egress
      if (!base.ingress) delete base.ingress
      let action: 'allow' | 'deny' = 'deny'
      let match: Box[] = svc.boxes.map((b) => ({...b, from: src.unresolved.length ? AddressSet.ANY : src.set, to: dst.unresolved.length ? AddressSet.ANY : dst.set}))
      if (dt) {
        action = 'allow'
        const addr = dt.children.get('translated-address')?.values[0]
        const port = dt.children.get('translated-port')?.values[0]
        const res = addr ? objects.addressesOf([addr]) : undefined
        if (res?.unresolved.length) notes.push(`translated-address ${res.unresolved.join(', ')} not expanded`)
        base.translated = {to: res && !res.unresolved.length ? res.set : undefined, ports: port ? PortSet.parse(port) ?? undefined : undefined}
      } else if (bidir) {
        // bi-directional static source NAT: traffic to the translated address reaches the original source
        action = 'allow'
        const addr = staticIp?.children.get('translated-address')?.values[0]
        const res = addr ? objects.addressesOf([addr]) : undefined
        if (!res || res.unresolved.length) {
          reject(staticIp?.children.get('translated-address') ?? r, 'bi-directional static NAT without a usable translated-address')
          continue
        }
        base.translated = {to: src.set}
        base.text += ' (bi-directional static-ip, reverse direction)'
        match = svc.boxes.map((b) => ({...b, from: AddressSet.ANY, to: res.set}))
        base.fromZones = to.filter((z) => z !== 'any').length ? to : undefined
        base.toZones = from.filter((z) => z !== 'any').length ? from : undefined
        base.ingress = zoneAttachment(to, zoneIfaces)
        base.egress = zoneAttachment(from, zoneIfaces)
        if (!base.ingress) delete base.ingress
        if (!base.egress) delete base.egress
      }
      if (notes.length) base.notes = notes
      for (const m of match) {
        list.push({match: m, action, opaque: action === 'deny', meta: base})
        // NAT is first-match: what this rule translates, no later rule sees
        if (action === 'allow') list.push({match: m, action: 'deny', meta: base})
      }
    }
    markDeep(base?.children.get('nat'))
  }
  for (const p of evaluateList(list, 'deny').permits) emit(p.meta, p.box)
}

/** Union of two ascending index lists, ascending (rule order is evaluation order). */
/**
 * A custom application's default match as protocol specs: `<port>` members (`tcp/80,443`, `udp/dynamic`),
 * `<ident-by-ip-protocol>`, `<ident-by-icmp-type>`, `<ident-by-icmp6-type>`. Undefined when it has none.
 */
function customAppSpecs(app: PNode | undefined): string[] | undefined {
  const d = app?.children.get('default')
  if (!d) return undefined
  const specs = items(d, 'port')
  const ipProtocol = d.children.get('ident-by-ip-protocol')
  if (ipProtocol) specs.push(ipProtocol.children.get('value')?.values[0] ?? ipProtocol.values[0] ?? 'any')
  if (d.children.has('ident-by-icmp-type')) specs.push('icmp')
  if (d.children.has('ident-by-icmp6-type')) specs.push('icmpv6')
  return specs.length ? specs : undefined
}

function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++])
    else out.push(b[j++])
  }
  return out
}

function ruleText(r: SecurityRule): string {
  const l = (xs: string[]) => (xs.length === 0 ? 'any' : xs.length === 1 ? xs[0] : `[ ${xs.join(' ')} ]`)
  return [
    `rule "${r.name}"`,
    `from ${l(r.from)}`,
    `to ${l(r.to)}`,
    `source ${r.negateSource ? 'not ' : ''}${l(r.source)}`,
    `destination ${r.negateDestination ? 'not ' : ''}${l(r.destination)}`,
    `application ${l(r.applications)}`,
    `service ${l(r.services)}`,
    `action ${r.action}`,
  ].join(' ')
}
