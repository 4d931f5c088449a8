/**
 * PAN-OS → exposures. Per device, per vsys (and per Panorama device-group): read.ts reads the context
 * into the vendor model (zones, rules, defaults, custom App-IDs, NAT), then security.ts and nat.ts
 * convert it; GlobalProtect portals and gateways, IKE gateways and management access (interface
 * management profiles and the MGT port) come from listeners.ts and the profiles below.
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import type {UnparsedCode} from '../kit/unparsed.js'
import {fromTemplate} from '../../model/build.js'
import {type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel} from '../../model/device.js'
import type {Denial, Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {attachExposures, describeInterfaces, managementInterface} from './device.js'
import {globalProtect, ikeGateways, managementPort} from './listeners.js'
import type {ContextConfig} from './model.js'
import {natExposures} from './nat.js'
import {type Iface, type MgmtProfile, Objects, perFamily, readInterfaces, readManagementProfiles, specBox, type Template} from './objects.js'
import {readContext} from './read.js'
import {securityExposures} from './security.js'
import {MANAGEMENT_SERVICES} from './tables.js'
import {entries, markDeep, type PNode, take, takeDeep} from './tree.js'

/** Sections read on purpose and not modelled (no reachability of their own). */
const IGNORED_CONFIG = ['mgt-config', 'readonly']
const IGNORED_SHARED = ['log-settings', 'reports', 'report-group', 'pdf-summary-report', 'email-scheduler', 'response-page', 'certificate', 'certificate-profile', 'ssl-tls-service-profile', 'ssl-decrypt', 'tag', 'application', 'application-group', 'application-filter', 'application-status', 'profiles', 'profile-group', 'local-user-database', 'authentication-profile', 'authentication-sequence', 'server-profile', 'admin-role', 'botnet', 'content-preview', 'alarm', 'threats', 'schedule', 'override', 'scep', 'ocsp-responder', 'external-list', 'region', 'dynamic-user-group', 'user-id-collector', 'device-id', 'access-domain', 'mfa-server-profile', 'log-collector-group', 'default-security-rules']
const IGNORED_DEVICE = ['platform', 'log-collector', 'log-collector-group', 'template', 'template-stack']
const IGNORED_NETWORK = ['virtual-router', 'logical-router', 'tunnel', 'qos', 'lldp', 'dns-proxy', 'shared-gateway', 'vlan', 'virtual-wire', 'dhcp', 'gre-tunnel', 'lacp', 'routing-profile', 'sdwan-interface-profile', 'dns', 'arp']
const IGNORED_VSYS = ['application', 'application-group', 'application-filter', 'application-status', 'schedule', 'tag', 'profiles', 'profile-group', 'log-settings', 'import', 'user-id-agent', 'user-id-collector', 'user-id-ssl-auth', 'setting', 'display-name', 'response-page', 'threats', 'url-admin-override', 'ocsp-responder', 'certificate', 'certificate-profile', 'ssl-tls-service-profile', 'server-profile', 'authentication-profile', 'authentication-sequence', 'local-user-database', 'dynamic-user-group', 'region', 'external-list', 'scep', 'ssl-decrypt', 'ts-agent', 'captive-portal', 'email-scheduler', 'reports', 'report-group', 'pdf-summary-report', 'botnet', 'device-id', 'admin-role']

export interface PanosProblem {
  line: number
  reason: string
  text: string
  code: UnparsedCode
  path?: string
}

export function toExposures(root: PNode): {exposures: Exposure[]; problems: PanosProblem[]; device: DeviceModel; denies: Denial[]} {
  const out: Output = {exposures: [], problems: [], interfaces: [], listeners: [], denies: []}
  const config = take(root, 'config')
  if (config) {
    for (const k of IGNORED_CONFIG) takeDeep(config, k)
    take(root, 'policy') // brace form preamble (`policy { panorama { } }`)
    markDeep(root.children.get('policy'))
    const shared = take(config, 'shared')
    for (const k of IGNORED_SHARED) takeDeep(shared, k)
    for (const device of entries(take(config, 'devices'))) deviceExposures(device, shared, out)
    for (const k of ['pre-rulebase', 'post-rulebase']) take(shared, k)
  }
  return {exposures: out.exposures, problems: out.problems, device: deviceModel(out.interfaces, out.listeners), denies: out.denies}
}

interface Output {
  exposures: Exposure[]
  problems: PanosProblem[]
  interfaces: DeviceInterface[]
  listeners: DeviceListener[]
  /** Security-rule denies as evaluated, per zone pair (the line that decides a blocked flow). */
  denies: Denial[]
}

/** The contexts of a device: its vsys, its device-groups, or `shared` when Panorama has only shared rulebases. */
function contextsOf(device: PNode, shared: PNode | undefined): Array<{name: string; node: PNode; prefix: string}> {
  const contexts: Array<{name: string; node: PNode; prefix: string}> = []
  for (const v of entries(take(device, 'vsys'))) contexts.push({name: v.name, node: v, prefix: v.name})
  for (const dg of entries(take(device, 'device-group'))) contexts.push({name: dg.name, node: dg, prefix: `device-group ${dg.name}`})
  if (contexts.length === 0 && shared && (shared.children.has('pre-rulebase') || shared.children.has('post-rulebase'))) {
    contexts.push({name: 'shared', node: shared, prefix: 'shared'})
  }
  return contexts
}

function deviceExposures(device: PNode, shared: PNode | undefined, out: Output): void {
  const first = out.exposures.length
  const emit = (t: Template, b: Box) => out.exposures.push(fromTemplate(t, b))
  device.used = true
  for (const k of IGNORED_DEVICE) takeDeep(device, k)
  const network = take(device, 'network')
  for (const k of IGNORED_NETWORK) takeDeep(network, k)
  const ifaces = readInterfaces(network)
  const profiles = readManagementProfiles(network)
  const deviceconfig = take(device, 'deviceconfig')
  const zoneOf = new Map<string, string>()
  let deviceObjects: Objects | undefined
  for (const c of contextsOf(device, shared)) {
    c.node.used = true
    for (const k of IGNORED_VSYS) takeDeep(c.node, k)
    const objects = new Objects(c.node, shared)
    deviceObjects ??= objects
    const ctx = readContext(c.node, shared, c.name, c.prefix)
    for (const [zone, names] of ctx.zones) for (const n of names) zoneOf.set(n, zone)
    resolveInterfaceAddresses(ifaces, objects)
    securityExposures(ctx, objects, emit, out.denies)
    natExposures(ctx, objects, emit)
    globalProtect(c, ifaces, ctx.zones, objects, emit, out.listeners)
    managementProfileExposures(ctx, ifaces, profiles, emit, out.problems)
  }
  ikeGateways(network, ifaces, zoneOf, deviceObjects ?? new Objects(device, shared), emit, out.listeners)
  const mgmt = managementInterface(deviceconfig)
  managementPort(deviceconfig, emit, out.listeners)
  out.interfaces.push(...describeInterfaces(ifaces, zoneOf, network), ...(mgmt ? [mgmt] : []))
  attachExposures(out.exposures.slice(first), zoneOf)
}

/** `<ip><entry name="fw-outside"/>`: interface addresses given as address objects of this context. */
function resolveInterfaceAddresses(ifaces: Map<string, Iface>, objects: Objects): void {
  for (const iface of ifaces.values()) {
    for (const n of iface.addressNames) {
      iface.addresses = iface.addresses.union(objects.hostAddress(n) ?? AddressSet.EMPTY)
      const cidr = objects.interfaceCidr(n)
      if (cidr && !iface.cidrs.includes(cidr)) iface.cidrs.push(cidr)
    }
  }
}

/** Interface management profiles: what the dataplane interfaces of this context's zones answer. */
function managementProfileExposures(ctx: ContextConfig, ifaces: Map<string, Iface>, profiles: Map<string, MgmtProfile>, emit: (t: Template, b: Box) => void, problems: PanosProblem[]): void {
  for (const [zone, names] of ctx.zones) {
    for (const ifName of names) {
      const iface = ifaces.get(ifName)
      if (!iface?.profile) continue
      const profile = profiles.get(iface.profile)
      if (!profile) {
        problems.push({line: iface.line, reason: `interface-management-profile ${iface.profile} not defined`, text: ifName, code: 'undefined-reference'})
        continue
      }
      const to = iface.addresses.isEmpty() ? AddressSet.ANY : iface.addresses
      for (const svc of profile.services) {
        const template: Template = {
          kind: 'filter',
          direction: 'inbound',
          line: profile.line,
          rule: `interface-management-profile ${profile.name} ${svc} on ${ifName}`,
          text: `interface-management-profile ${profile.name} ${svc} yes`,
          fromZones: [zone],
          interfaces: {in: [ifName]},
          doubts: iface.addresses.isEmpty() ? [note('unknown-address', `${ifName} has no address in this config; destination taken as any`)] : undefined,
          hostLocal: true,
        }
        for (const spec of MANAGEMENT_SERVICES[svc] ?? []) for (const b of perFamily({...specBox(spec), from: profile.permitted, to})) emit(template, b)
      }
    }
  }
}
