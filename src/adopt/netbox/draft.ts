/**
 * NetBox objects → inventory drafts (NetBox 4.x REST shapes; the 3.x/4.0–4.1 spellings `site` and
 * `device_role` are read too):
 * - prefixes → one zone per (site, role), the prefixes as its cidrs; a zone lying inside another drafted
 *   zone is declared nested (`parent`); a prefix the inventory already describes is left out, and one
 *   that would overlap an existing zone is skipped with a note (adopt never makes the inventory invalid);
 * - the prefixes' tenant → the zone's owner, a contact created with its channels to confirm;
 * - devices, their interfaces and IP addresses → devices and `interfaces` mappings (the zone holding
 *   each interface's subnet);
 * - services → what listens where, used to justify drafted access points.
 */
import {AddressSet} from '../../net/address-set.js'
import {byCodeUnit} from '../../core/order.js'
import type {Inventory} from '../../inventory/model.js'
import {resolverFor} from '../../inventory/resolve.js'
import {allParsers} from '../../sources/registry.js'
import type {KnownService} from '../live.js'
import {type Draft, type DraftEntry, emptyDraft, freshId, OWNER_TO_CONFIRM, slug} from '../model.js'
import type {NetboxData, NetboxObject} from './read.js'

type Named = {slug: string; name: string}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined)
const rec = (v: unknown): NetboxObject | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as NetboxObject) : undefined)
/** `{value: 'active', label: 'Active'}` (choice fields) or a plain string. */
const choice = (v: unknown): string | undefined => str(rec(v)?.value) ?? str(v)

function named(v: unknown): Named | undefined {
  const o = rec(v)
  if (!o) return undefined
  const name = str(o.name) ?? str(o.display) ?? str(o.slug)
  if (!name) return undefined
  return {slug: slug(str(o.slug) ?? name), name}
}

/** Prefix statuses that describe no live network: aggregates and retired ranges. */
const SKIPPED_STATUS = new Set(['container', 'deprecated'])

/** Trust from the words of a prefix role; a guess the comment asks to confirm. */
const TRUST_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/guest|visitor|hotspot/, 'internet'],
  [/partner|extranet|b2b|third-?party/, 'partner'],
  [/dmz|edge|public|perimeter/, 'dmz'],
  [/mgmt|management|oob|out-of-band|admin|infra/, 'management'],
  [/pci|restricted|secure|payment|card|hr\b/, 'restricted'],
  [/cloud|aws|azure|gcp|vpc|vnet/, 'cloud'],
]

/** NetBox device role → inventory role (a guess from its words). */
const ROLE_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/firewall|fw\b|utm|ngfw/, 'firewall'],
  [/vpn|concentrator/, 'vpn'],
  [/load.?balancer|\blb\b|adc/, 'load-balancer'],
  [/router|switch|core|distribution|access|spine|leaf|gateway/, 'router'],
]

/** NetBox platform slugs → irm-audit config formats. */
const PLATFORMS: ReadonlyArray<[RegExp, string]> = [
  [/asa/, 'cisco-asa'],
  [/forti/, 'fortios'],
  [/pan-?os|palo/, 'panos'],
  [/junos|juniper|srx/, 'junos'],
  [/pfsense|opnsense/, 'pfsense'],
  // after FortiOS and PAN-OS, whose names end in "os"
  [/(?:^|-)ios\b|ios-?xe|nx-?os/, 'cisco-ios'],
]

export interface NetboxDraft {
  draft: Draft
  services: KnownService[]
}

interface ZoneGroup {
  key: string
  site?: Named
  role?: Named
  cidrs: string[]
  tenants: Map<string, Named>
  tenantCount: Map<string, number>
}

export function draftFromNetbox(data: NetboxData, inv: Inventory, taken: Set<string>, source: string): NetboxDraft {
  const draft = emptyDraft()
  const resolver = resolverFor(inv)
  const existingZones = inv.zones.filter((z) => !resolver.isCatchAll(z)).map((z) => ({id: z.id, set: resolver.zoneAddressesOf(z.id) ?? AddressSet.EMPTY}))
  const contacts = new Map<string, DraftEntry>()

  // prefixes → zones per (site, role)
  const groups = new Map<string, ZoneGroup>()
  let skippedStatus = 0
  for (const p of data['ipam/prefixes']) {
    const prefix = str(p.prefix)
    const set = prefix ? AddressSet.parse(prefix) : null
    if (!prefix || !set || set.isEmpty()) continue
    if (SKIPPED_STATUS.has(choice(p.status) ?? '')) {
      skippedStatus++
      continue
    }
    // a prefix the inventory already describes adds nothing; one across an existing zone would make it invalid
    if (existingZones.some((z) => z.set.covers(set))) continue
    const clash = existingZones.find((z) => z.set.overlaps(set))
    if (clash) {
      draft.notes.push({code: 'netbox-skipped', message: `NetBox prefix ${prefix} overlaps zone ${clash.id} without lying inside it: not adopted; split it in NetBox or extend ${clash.id} by hand`, file: source})
      continue
    }
    // NetBox 4.2+: scope (a site, site group, region or location); before: site
    const site = named(p.scope) ?? named(p.site)
    const role = named(p.role)
    const key = `${site?.slug ?? 'global'}\u0000${role?.slug ?? 'unassigned'}`
    const g: ZoneGroup = groups.get(key) ?? {key, site, role, cidrs: [], tenants: new Map(), tenantCount: new Map()}
    groups.set(key, g)
    if (!g.cidrs.includes(prefix)) g.cidrs.push(prefix)
    const tenant = named(p.tenant)
    if (tenant) {
      g.tenants.set(tenant.slug, tenant)
      g.tenantCount.set(tenant.slug, (g.tenantCount.get(tenant.slug) ?? 0) + 1)
    }
  }
  if (skippedStatus) draft.notes.push({code: 'netbox-skipped', message: `${skippedStatus} NetBox prefix(es) with status container or deprecated not adopted (aggregates and retired ranges describe no live network)`, file: source})

  const zoneEntries: Array<{entry: DraftEntry; set: AddressSet; group: ZoneGroup}> = []
  for (const g of [...groups.values()].sort((a, b) => byCodeUnit(a.key, b.key))) {
    const base = slug(`${g.site?.slug ?? 'global'}-${g.role?.slug ?? 'prefixes'}`)
    const id = inv.zones.some((z) => z.id === base) ? base : freshId(base, taken)
    if (inv.zones.some((z) => z.id === id)) continue
    const words = `${g.role?.slug ?? ''} ${g.role?.name ?? ''}`.toLowerCase()
    const trust = TRUST_WORDS.find(([re]) => re.test(words))?.[1] ?? 'internal'
    const tenantSlug = [...g.tenantCount.entries()].sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0]))[0]?.[0]
    let owner = OWNER_TO_CONFIRM
    if (tenantSlug) {
      const tenant = g.tenants.get(tenantSlug)!
      owner = inv.contacts.some((c) => c.id === tenant.slug) ? tenant.slug : tenantContact(tenant, contacts, taken, source)
    }
    const cidrs = [...g.cidrs].sort((a, b) => byCodeUnit(a, b))
    const entry: Record<string, unknown> = {
      id,
      name: `${g.site?.name ?? 'Global'} ${g.role?.name ?? 'prefixes'}`,
      trust,
      cidrs,
      owner,
      ...(g.site ? {site: g.site.slug} : {}),
      description: `NetBox prefixes (${g.site ? `site ${g.site.name}` : 'no site'}, ${g.role ? `role ${g.role.name}` : 'no role'}).`,
    }
    zoneEntries.push({
      entry: {
        collection: 'zones',
        id,
        entry,
        comment: [`irm-audit adopt: from NetBox (${cidrs.length} prefix${cidrs.length === 1 ? '' : 'es'}); trust '${trust}' guessed from the role name: to confirm`],
      },
      set: AddressSet.unionAll(cidrs.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY)),
      group: g,
    })
  }
  // nesting: a zone inside another drafted zone declares it as parent (the smallest one)
  for (const z of zoneEntries) {
    const outer = zoneEntries.filter((o) => o !== z && o.set.covers(z.set) && !z.set.covers(o.set)).sort((a, b) => (a.set.size4() - b.set.size4()) || byCodeUnit(a.entry.id, b.entry.id))[0]
    if (outer) z.entry.entry = insertAfter(z.entry.entry, 'trust', {parent: outer.entry.id})
  }
  // what still overlaps without nesting would fail validate: drop the later zone's overlapping prefixes
  const ancestors = (id: string): Set<string> => {
    const out = new Set<string>()
    let cur = zoneEntries.find((z) => z.entry.id === id)
    while (cur && typeof cur.entry.entry.parent === 'string' && !out.has(cur.entry.entry.parent)) {
      out.add(cur.entry.entry.parent)
      cur = zoneEntries.find((z) => z.entry.id === cur!.entry.entry.parent)
    }
    return out
  }
  for (let i = 0; i < zoneEntries.length; i++) {
    for (let j = i + 1; j < zoneEntries.length; j++) {
      const a = zoneEntries[i]
      const b = zoneEntries[j]
      if (!a.set.overlaps(b.set) || ancestors(a.entry.id).has(b.entry.id) || ancestors(b.entry.id).has(a.entry.id)) continue
      const keep = (b.entry.entry.cidrs as string[]).filter((c) => !(AddressSet.parse(c) ?? AddressSet.EMPTY).overlaps(a.set))
      const dropped = (b.entry.entry.cidrs as string[]).filter((c) => !keep.includes(c))
      draft.notes.push({code: 'netbox-skipped', message: `NetBox prefix(es) ${dropped.join(', ')} of ${b.entry.id} overlap zone ${a.entry.id}: not adopted`, file: source})
      b.entry.entry.cidrs = keep
      b.set = AddressSet.unionAll(keep.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))
    }
  }
  // a zone left without cidrs would be a catch-all: never drafted
  const zones = zoneEntries.filter((z) => (z.entry.entry.cidrs as string[]).length > 0)
  draft.entries.push(...contacts.values(), ...zones.map((z) => z.entry))

  // the zone holding an address: the most specific of the drafted and existing ones
  const allZones = [...existingZones, ...zones.map((z) => ({id: z.entry.id, set: z.set}))]
  const zoneOf = (network: AddressSet): string | undefined =>
    allZones.filter((z) => z.set.covers(network)).sort((a, b) => a.set.size4() - b.set.size4() || byCodeUnit(a.id, b.id))[0]?.id

  // devices, interfaces, addresses
  const interfacesById = new Map<number, NetboxObject>()
  for (const i of data['dcim/interfaces']) if (typeof i.id === 'number') interfacesById.set(i.id, i)
  const devicesById = new Map<number, NetboxObject>()
  for (const d of data['dcim/devices']) if (typeof d.id === 'number') devicesById.set(d.id, d)
  /** NetBox device name → inventory device id (existing, matched by id or name, or drafted). */
  const deviceIds = new Map<string, string>()
  const deviceEntries = new Map<string, DraftEntry>()
  const types = new Set(allParsers().map((p) => p.type))
  for (const d of [...data['dcim/devices']].sort((a, b) => byCodeUnit(str(a.name) ?? '', str(b.name) ?? ''))) {
    const name = str(d.name)
    if (!name) continue
    const existing = inv.devices.find((x) => x.id === name || x.id === slug(name) || x.name?.toLowerCase() === name.toLowerCase() || x.id === name.split('.')[0])
    if (existing) {
      deviceIds.set(name, existing.id)
      continue
    }
    const id = freshId(slug(name), taken)
    deviceIds.set(name, id)
    const role = named(d.role) ?? named(d.device_role)
    const words = `${role?.slug ?? ''} ${role?.name ?? ''}`.toLowerCase()
    const platform = named(d.platform)
    const format = platform ? PLATFORMS.find(([re]) => re.test(platform.slug))?.[1] : undefined
    const type = rec(d.device_type)
    const vendor = [named(rec(type?.manufacturer))?.name, str(type?.model)].filter(Boolean).join(' ')
    const mgmt = [rec(d.primary_ip4)?.address, rec(d.primary_ip6)?.address, rec(d.oob_ip)?.address]
      .map((a) => str(a)?.split('/')[0])
      .filter((a): a is string => !!a && !!AddressSet.parse(a))
    const site = named(d.site)
    const entry: Record<string, unknown> = {
      id,
      name,
      ...(vendor ? {vendor} : {}),
      ...(format && types.has(format) ? {format} : {}),
      role: ROLE_WORDS.find(([re]) => re.test(words))?.[1] ?? 'host',
      ...(site ? {site: site.slug} : {}),
      ...(mgmt.length ? {management_addresses: [...new Set(mgmt)]} : {}),
      owner: OWNER_TO_CONFIRM,
    }
    const confirm = [`role '${entry.role}' from NetBox role ${role?.name ?? '(none)'}`, ...(entry.format ? [`format from platform ${platform!.name}`] : [])]
    deviceEntries.set(id, {
      collection: 'devices',
      id,
      entry,
      comment: [`irm-audit adopt: from NetBox device ${name}; ${confirm.join(', ')}: to confirm. Export its config under live/ and set config to audit it.`],
    })
  }
  const mapped = new Set<string>()
  for (const a of [...data['ipam/ip-addresses']].sort((x, y) => byCodeUnit(str(x.address) ?? '', str(y.address) ?? ''))) {
    const address = str(a.address)
    if (!address || (choice(a.assigned_object_type) ?? str(a.assigned_object_type)) !== 'dcim.interface') continue
    const iface = rec(a.assigned_object) ?? interfacesById.get(Number(a.assigned_object_id))
    const ifName = str(iface?.name)
    const devObj = rec(iface?.device) ?? devicesById.get(Number(rec(iface?.device)?.id))
    const devName = str(devObj?.name)
    const device = devName ? deviceIds.get(devName) : undefined
    const network = AddressSet.parse(address)
    if (!ifName || !device || !network) continue
    const zone = zoneOf(network)
    if (!zone) continue
    const key = `${device}\u0000${ifName}\u0000${zone}`
    if (mapped.has(key)) continue
    mapped.add(key)
    draft.interfaces.push({device, mapping: {name: ifName, zone}, comment: `from NetBox: ${address} on ${ifName}; to confirm`})
  }
  for (const d of deviceEntries.values()) {
    const list = draft.interfaces.filter((i) => i.device === d.id)
    if (list.length) {
      d.entry = insertAfter(d.entry, 'role', {zones: [...new Set(list.map((i) => i.mapping.zone))].sort(byCodeUnit)})
      d.entry.interfaces = list.map((i) => i.mapping)
    }
  }
  draft.entries.push(...deviceEntries.values())

  // services: what listens where, for justifications. NetBox 4.3+: parent (a device, VM or FHRP group);
  // before: device or virtual_machine. No address bound: every address of its device (NetBox's rule)
  const addressesOf = new Map<string, string[]>()
  for (const a of data['ipam/ip-addresses']) {
    const dev = str(rec(rec(a.assigned_object)?.device)?.name)
    const address = str(a.address)?.split('/')[0]
    if (dev && address) addressesOf.set(dev, [...(addressesOf.get(dev) ?? []), address])
  }
  const services: KnownService[] = []
  for (const s of data['ipam/services']) {
    const protocol = choice(s.protocol)
    const ports = Array.isArray(s.ports) ? s.ports.filter((p): p is number => typeof p === 'number') : []
    if (!protocol || !ports.length) continue
    const parent = rec(s.parent) ?? rec(s.device) ?? rec(s.virtual_machine)
    const parentName = str(parent?.name)
    const label = `NetBox service ${str(s.name) ?? protocol}${str(s.description) ? ` (${str(s.description)})` : ''}${parentName ? ` on ${parentName}` : ''}`
    const bound = Array.isArray(s.ipaddresses) ? s.ipaddresses.map((x) => str(rec(x)?.address)?.split('/')[0]).filter((x): x is string => !!x) : []
    const addresses = bound.length ? bound : parentName ? (addressesOf.get(parentName) ?? []) : []
    for (const address of addresses) services.push({address, protocol, ports, label})
  }
  return {draft, services}
}

function tenantContact(tenant: Named, contacts: Map<string, DraftEntry>, taken: Set<string>, source: string): string {
  const have = contacts.get(tenant.slug)
  if (have) return have.id
  const id = taken.has(tenant.slug) ? freshId(tenant.slug, taken) : (taken.add(tenant.slug), tenant.slug)
  contacts.set(tenant.slug, {
    collection: 'contacts',
    id,
    entry: {id, team: tenant.name, role: 'business', channels: [{type: 'email', value: 'to-confirm'}]},
    comment: [`irm-audit adopt: from NetBox tenant ${tenant.name} (${source}); role and channels to confirm, then set verified`],
  })
  return id
}

/** A copy of `entry` with `extra` placed right after `key` (key order is what a reviewer reads). */
function insertAfter(entry: Record<string, unknown>, key: string, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(entry)) {
    if (k in extra) continue
    out[k] = v
    if (k === key) Object.assign(out, extra)
  }
  for (const [k, v] of Object.entries(extra)) if (!(k in out)) out[k] = v
  return out
}
