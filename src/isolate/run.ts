/**
 * `irm-audit isolate ZONE`: the containment playbook of one zone. For each device that borders the zone,
 * the vendor's own rules that cut traffic into and out of it except what the inventory keeps
 * (`keep_during_isolation: true`), with their undo; and the flows and access points the isolation cuts,
 * with their owners and how to reach them. A proposal only: nothing here applies anything.
 */
import {readFileSync} from 'node:fs'
import {resolve, sep} from 'node:path'

import {IrmError} from '../core/errors.js'
import {byCodeUnit} from '../core/order.js'
import type {AccessPoint, Contact, Flow, Inventory} from '../inventory/model.js'
import {readService, resolverFor} from '../inventory/resolve.js'
import {AddressSet} from '../net/address-set.js'
import {protocolName} from '../net/protocol.js'
import {zoneBorder, zoneFamily, type BorderDevice} from './border.js'
import {generatorFor} from './registry.js'
import {isRefusal, type IsolationRules, type KeptRule, type KeptService} from './types.js'

const CRITICALITY = ['critical', 'high', 'medium', 'low']

export interface ContactRef {
  id: string
  team?: string
  channels: Array<{type: string; value: string}>
  on_call?: boolean | string
}

export interface AffectedEntry {
  id: string
  kind: 'flow' | 'access-point'
  name?: string
  criticality?: string
  from: string[]
  to: string[]
  services: string[]
  /** True when only part of a side lies in the zone (a flow from a parent zone, a CIDR that straddles it). */
  partly: boolean
  owner?: string
  contact?: ContactRef
}

export interface DeviceIsolation {
  device: string
  format?: string
  /** Interfaces / vendor zones through which the device carries the zone. */
  via: Array<{interface?: string; vendor_zone?: string; zone: string; exclusive: boolean}>
  status: 'rules' | 'unsupported'
  /** Why the tool cannot isolate the zone on this device (status unsupported). */
  reason?: string
  syntax?: string
  config?: string
  rules?: IsolationRules
}

export interface IsolationReport {
  zone: {id: string; name?: string; trust: string; addresses: string[]; catch_all: boolean}
  /** True when every bordering device has generated rules. */
  isolatable: boolean
  devices: DeviceIsolation[]
  kept: AffectedEntry[]
  cut: AffectedEntry[]
  /** Always true: the output is a proposal for a person to apply. */
  proposal: true
}

export interface IsolateOptions {
  inventory: Inventory
  /** The inventory folder: devices[].config is read relative to it. */
  dir: string
  zone: string
  /** How config paths are shown (relative to the current directory in the CLI). */
  display?: (abs: string) => string
}

/** The isolation plan of one zone. Throws USAGE for an unknown zone. */
export function isolateZone(options: IsolateOptions): IsolationReport {
  const {inventory, zone: zoneId} = options
  const r = resolverFor(inventory)
  const zone = r.zone(zoneId)
  if (!zone) {
    throw new IrmError('USAGE', `no zone '${zoneId}' in the inventory`, {hint: `Zones: ${inventory.zones.map((z) => z.id).join(', ')}.`})
  }
  const family = zoneFamily(inventory, zoneId)
  const catchAll = r.isCatchAll(zone)
  // a catch-all zone holds what no other zone claims
  const others = AddressSet.unionAll(inventory.zones.filter((z) => !family.has(z.id) && !r.isCatchAll(z)).map((z) => r.zoneAddressesOf(z.id) ?? AddressSet.EMPTY))
  const zoneAddresses = catchAll ? AddressSet.ANY.subtract(others) : (r.zoneAddressesOf(zoneId) ?? AddressSet.EMPTY)

  // a reference touches the zone when it names it (or a zone nested in it) or overlaps it; `any` only a catch-all zone
  const touches = (ref: string): boolean => {
    if (family.has(ref)) return true
    if (ref.trim().toLowerCase() === 'any') return catchAll
    const a = r.addressOf(ref)
    return a !== undefined && !a.isEmpty() && a.overlaps(zoneAddresses)
  }
  const entries: Array<{e: Flow | AccessPoint; kind: 'flow' | 'access-point'}> = [
    ...inventory.flows.map((e) => ({e, kind: 'flow' as const})),
    ...inventory.access_points.map((e) => ({e, kind: 'access-point' as const})),
  ]
  const kept: AffectedEntry[] = []
  const cut: AffectedEntry[] = []
  const keepRules: KeptRule[] = []
  for (const {e, kind} of entries) {
    const fromTouches = e.from.some(touches)
    const toTouches = e.to.some(touches)
    if (!fromTouches && !toTouches) continue
    const from = r.addresses(e.from)
    const to = r.addresses(e.to)
    const partly = (fromTouches && !zoneAddresses.covers(from)) || (toTouches && !zoneAddresses.covers(to))
    const entry = affected(inventory, e, kind, partly)
    if (!e.keep_during_isolation) {
      cut.push(entry)
      continue
    }
    kept.push(entry)
    keepRules.push({
      id: e.id,
      from: (fromTouches ? from.intersect(zoneAddresses) : from).toCidrs(),
      to: (toTouches ? to.intersect(zoneAddresses) : to).toCidrs(),
      services: keptServices(e.services),
    })
  }
  keepRules.sort((a, b) => byCodeUnit(a.id, b.id))

  const addresses = catchAll ? [] : zoneAddresses.toCidrs()
  const devices = zoneBorder(inventory, zoneId).map((b) => deviceIsolation(b, options, {zone: zoneId, addresses, keep: keepRules}))
  // flows first, most critical first: the crisis cell calls those owners before anyone else
  const rank = (e: AffectedEntry) => (e.kind === 'flow' ? 0 : 10) + (CRITICALITY.indexOf(e.criticality ?? '') + 1 || 5)
  const byId = (a: AffectedEntry, b: AffectedEntry) => rank(a) - rank(b) || byCodeUnit(a.id, b.id)
  return {
    zone: {id: zone.id, ...(zone.name ? {name: zone.name} : {}), trust: zone.trust, addresses, catch_all: catchAll},
    isolatable: devices.length > 0 && devices.every((d) => d.status === 'rules'),
    devices,
    kept: kept.sort(byId),
    cut: cut.sort(byId),
    proposal: true,
  }
}

function deviceIsolation(b: BorderDevice, options: IsolateOptions, plan: {zone: string; addresses: string[]; keep: KeptRule[]}): DeviceIsolation {
  const d = b.device
  const base: DeviceIsolation = {
    device: d.id,
    ...(d.format ? {format: d.format} : {}),
    via: b.links.map((l) => ({...(l.interface !== undefined ? {interface: l.interface} : {vendor_zone: l.vendorZone}), zone: l.zone, exclusive: l.exclusive})),
    status: 'unsupported',
  }
  if (d.audit?.manual) return {...base, reason: `audited by hand (audit: manual): ${d.audit.reason}`}
  if (!d.format) return {...base, reason: 'no config format declared (devices[].format): the tool does not know its syntax'}
  const generator = generatorFor(d.format)
  if (!generator) return {...base, reason: `no isolation generator for the ${d.format} format`}
  const config = readConfig(d.config, options)
  if ('error' in config) return {...base, syntax: generator.syntax, reason: config.error}
  const out = generator.generate({zone: plan.zone, device: d.id, tag: `irm-isolate-${plan.zone}`, addresses: plan.addresses, faces: b.faces, keep: plan.keep, ...(config.text !== undefined && config.file !== undefined ? {config: {text: config.text, file: config.file}} : {})})
  if (isRefusal(out)) return {...base, syntax: generator.syntax, reason: out.refused, ...(config.file ? {config: config.file} : {})}
  return {...base, status: 'rules', syntax: generator.syntax, ...(config.file ? {config: config.file} : {}), rules: out}
}

/** The device's config text (its files joined), or why it cannot be read; none when the inventory names none. */
function readConfig(config: string | readonly string[] | undefined, options: IsolateOptions): {text?: string; file?: string} | {error: string} {
  const list = config === undefined ? [] : typeof config === 'string' ? [config] : config
  if (!list.length) return {}
  const root = resolve(options.dir)
  const texts: string[] = []
  for (const c of list) {
    const abs = resolve(root, c)
    if (!abs.startsWith(root + sep)) return {error: `its config path ${c} leaves the inventory folder`}
    try {
      texts.push(readFileSync(abs, 'utf8'))
    } catch {
      return {error: `its config ${c} cannot be read (export it into the inventory folder)`}
    }
  }
  const first = resolve(root, list[0])
  return {text: texts.join('\n'), file: options.display ? options.display(first) : list[0]}
}

function keptServices(services: readonly string[]): KeptService[] {
  const out: KeptService[] = []
  for (const text of services) {
    const s = readService(text)
    if (!('protocols' in s)) continue
    const ports = s.ports.isAll() ? [] : s.ports.toStrings().map((p) => p.split('-').map(Number) as [number, number]).map(([lo, hi]) => [lo, hi ?? lo] as [number, number])
    if (s.protocols.isAll()) out.push({protocol: 'any', ports: []})
    else for (const n of s.protocols.values()) out.push({protocol: protocolName(n), ports})
  }
  return out
}

function affected(inventory: Inventory, e: Flow | AccessPoint, kind: 'flow' | 'access-point', partly: boolean): AffectedEntry {
  const contact = e.owner ? inventory.contacts.find((c) => c.id === e.owner) : undefined
  return {
    id: e.id,
    kind,
    ...(e.name ? {name: e.name} : {}),
    ...('criticality' in e && e.criticality ? {criticality: e.criticality} : {}),
    from: [...e.from],
    to: [...e.to],
    services: [...e.services],
    partly,
    ...(e.owner ? {owner: e.owner} : {}),
    ...(contact ? {contact: contactRef(contact)} : {}),
  }
}

function contactRef(c: Contact): ContactRef {
  return {id: c.id, team: c.team, channels: c.channels.map((ch) => ({type: ch.type, value: ch.value})), ...(c.on_call !== undefined ? {on_call: c.on_call} : {})}
}
