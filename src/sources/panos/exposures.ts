/**
 * PAN-OS → exposures. Per device, per vsys (and per Panorama device-group): read.ts reads the context
 * into the vendor model (zones, rules, defaults, custom App-IDs, NAT), then security.ts and nat.ts
 * convert it; GlobalProtect portals and gateways, IKE gateways and management access (interface
 * management profiles and the MGT port) come from listeners.ts and the profiles below.
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import type {UnparsedCode} from '../types.js'
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
import {IGNORED_CONFIG, IGNORED_DEVICE, IGNORED_NETWORK, IGNORED_SHARED, IGNORED_VSYS, skipSections, type SkippedSection} from './ignored.js'
import {entries, markDeep, type PNode, take} from './tree.js'


export interface PanosProblem {
  line: number
  reason: string
  text: string
  code: UnparsedCode
  path?: string
}

export interface Converted {
  exposures: Exposure[]
  problems: PanosProblem[]
  device: DeviceModel
  denies: Denial[]
  /** Sections skipped on purpose, with the reason (the ledger's ignored verdicts). */
  skipped: SkippedSection[]
}

export function toExposures(root: PNode): Converted {
  const out: Output = {exposures: [], problems: [], interfaces: [], listeners: [], denies: [], skipped: []}
  const config = take(root, 'config')
  if (config) {
    skipSections(config, IGNORED_CONFIG, out.skipped)
    take(root, 'policy') // brace form preamble (`policy { panorama { } }`)
    markDeep(root.children.get('policy'))
    const shared = take(config, 'shared')
    skipSections(shared, IGNORED_SHARED, out.skipped)
    for (const device of entries(take(config, 'devices'))) deviceExposures(device, shared, out)
    for (const k of ['pre-rulebase', 'post-rulebase']) take(shared, k)
  }
  return {exposures: out.exposures, problems: out.problems, device: deviceModel(out.interfaces, out.listeners), denies: out.denies, skipped: out.skipped}
}

interface Output {
  exposures: Exposure[]
  problems: PanosProblem[]
  interfaces: DeviceInterface[]
  listeners: DeviceListener[]
  /** Security-rule denies as evaluated, per zone pair (the line that decides a blocked flow). */
  denies: Denial[]
  skipped: SkippedSection[]
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
  skipSections(device, IGNORED_DEVICE, out.skipped)
  const network = take(device, 'network')
  skipSections(network, IGNORED_NETWORK, out.skipped)
  const ifaces = readInterfaces(network)
  const profiles = readManagementProfiles(network)
  const deviceconfig = take(device, 'deviceconfig')
  const zoneOf = new Map<string, string>()
  let deviceObjects: Objects | undefined
  for (const c of contextsOf(device, shared)) {
    c.node.used = true
    skipSections(c.node, IGNORED_VSYS, out.skipped)
    const objects = new Objects(c.node, shared)
    deviceObjects ??= objects
    const ctx = readContext(c.node, shared, c.name, c.prefix, out.skipped)
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
        problems.push({line: iface.line, code: 'undefined-reference', reason: `interface-management-profile ${iface.profile} not defined`, text: ifName})
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
