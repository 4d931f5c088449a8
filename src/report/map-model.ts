/**
 * The one map model behind every drawing of the network (`irm-audit map`, the map of the markdown
 * reports, an HTML report): zones grouped by site, then by trust; devices in their site; sources outside
 * every zone; and links between them, one per pair of ends and kind, each carrying all its labels.
 * Renderers decide how many labels to print and always say how many they left out ("+N more").
 *
 * A critical flow is drawn between every zone of its sources and every zone of its destinations; when
 * the live diff finds it blocked, only the zone pairs whose traffic is blocked are marked.
 */
import type {Finding} from '../diff/model.js'
import type {Inventory, Trust} from '../inventory/model.js'
import {resolverFor} from '../inventory/resolve.js'
import {AddressSet} from '../net/address-set.js'

export const TRUST_ORDER: readonly Trust[] = ['internet', 'partner', 'dmz', 'cloud', 'internal', 'management', 'restricted']
const UNTRUSTED = new Set<Trust>(['internet', 'partner'])
/** CIDRs printed under a zone's name; the rest is counted. */
const SHOWN_CIDRS = 3

export interface MapNode {
  key: string
  label: string
  shape: 'zone' | 'device' | 'external'
}

export type LinkKind = 'joins' | 'access' | 'flow' | 'blocked' | 'finding'

export interface MapEdge {
  from: string
  to: string
  kind: LinkKind
  /** Every label of the links merged into this edge, in inventory order. */
  labels: string[]
}

export interface MapTrustGroup {
  trust: Trust
  nodes: MapNode[]
}

export interface MapSite {
  /** null: zones and devices that name no site. */
  site: string | null
  groups: MapTrustGroup[]
  devices: MapNode[]
}

export interface MapModel {
  sites: MapSite[]
  externals: MapNode[]
  edges: MapEdge[]
  /** What the map was narrowed to (--zone, --site); empty when it shows everything. */
  focus: {zones: string[]; sites: string[]}
}

export interface MapOptions {
  /** Draw only these zones and what links to them. */
  zones?: string[]
  /** Draw only the zones and devices of these sites and what links to them. */
  sites?: string[]
}

const byId = <T extends {id: string}>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const byKey = (a: MapNode, b: MapNode) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

export function mapModel(inv: Inventory, findings: readonly Finding[] = [], options: MapOptions = {}): MapModel {
  const r = resolverFor(inv)
  const zoneNodes = new Map<string, MapNode>()
  for (const z of [...inv.zones].sort(byId)) {
    const cidrs = z.cidrs ?? []
    const shown = cidrs.length > SHOWN_CIDRS ? [...cidrs.slice(0, SHOWN_CIDRS), `+${cidrs.length - SHOWN_CIDRS} more`] : cidrs
    zoneNodes.set(`z:${z.id}`, {key: `z:${z.id}`, label: [z.name ?? z.id, ...shown].join('\n'), shape: 'zone'})
  }
  const deviceIds = new Set(inv.devices.map((d) => d.id))
  const externals = new Map<string, MapNode>()
  const edges = new Map<string, MapEdge>()
  const link = (from: string, to: string, kind: LinkKind, label?: string) => {
    const key = `${kind}\u0000${from}\u0000${to}`
    const edge = edges.get(key) ?? {from, to, kind, labels: []}
    if (label !== undefined && !edge.labels.includes(label)) edge.labels.push(label)
    edges.set(key, edge)
  }
  for (const d of [...inv.devices].sort(byId)) for (const z of d.zones ?? []) if (r.zone(z)) link(`d:${d.id}`, `z:${z}`, 'joins')

  const catchAll = inv.zones.find((z) => z.trust === 'internet' && r.isCatchAll(z))
  const trustedSet = r.addresses(inv.zones.filter((z) => !UNTRUSTED.has(z.trust)).map((z) => z.id))
  const external = (key: string, label: string) => {
    if (!externals.has(key)) externals.set(key, {key, label, shape: 'external'})
    return key
  }
  /** Node of an address reference (zone, `any`, CIDR), or undefined when it is trusted. */
  const sourceNode = (ref: string): string | undefined => {
    const zone = r.zone(ref)
    if (zone) return UNTRUSTED.has(zone.trust) ? `z:${zone.id}` : undefined
    if (ref.toLowerCase() === 'any' && catchAll) return `z:${catchAll.id}`
    const set = r.addressOf(ref)
    if (set && trustedSet.covers(set)) return undefined
    return external(`x:${ref}`, ref)
  }
  const stale = new Set(findings.filter((f) => f.rule === 'stale-access-point' && !f.suppressed).map((f) => f.access_point))
  for (const ap of [...inv.access_points].sort(byId)) {
    if (!ap.device || !deviceIds.has(ap.device)) continue
    for (const s of new Set(ap.from.map(sourceNode).filter((x): x is string => x !== undefined))) {
      link(s, `d:${ap.device}`, 'access', `${ap.id}: ${ap.services.join(', ')}${stale.has(ap.id) ? ' (stale)' : ''}`)
    }
  }

  /** The zone an end of a flow lies in: the zone named, else the narrowest zone holding the CIDR. */
  const zoneOf = (ref: string): string | undefined => {
    if (r.zone(ref)) return ref
    if (ref.toLowerCase() === 'any') return catchAll?.id
    const set = r.addressOf(ref)
    if (!set) return undefined
    const holders = inv.zones.filter((z) => !r.isCatchAll(z) && r.zoneAddressesOf(z.id)!.covers(set))
    holders.sort((a, b) => (r.zoneAddressesOf(b.id)!.covers(r.zoneAddressesOf(a.id)!) ? -1 : 1) || byId(a, b))
    return holders[0]?.id ?? catchAll?.id
  }
  // the blocked traffic of each flow, as (from, to) address boxes from the live diff
  const blockedBoxes = new Map<string, Array<{from: AddressSet; to: AddressSet}>>()
  for (const f of findings) {
    if (f.rule !== 'critical-flow-blocked' || f.suppressed || !f.flow) continue
    const boxes = (f.excess?.boxes ?? []).map((b) => ({from: AddressSet.unionAll(b.from.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY)), to: AddressSet.unionAll(b.to.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))}))
    // a finding without boxes blocks the whole flow
    blockedBoxes.set(f.flow, [...(blockedBoxes.get(f.flow) ?? []), ...(boxes.length ? boxes : [{from: AddressSet.ANY, to: AddressSet.ANY}])])
  }
  const addressesIn = (zone: string, refs: readonly string[]): AddressSet => {
    const mine = refs.filter((ref) => zoneOf(ref) === zone)
    return AddressSet.unionAll(mine.map((ref) => (r.zone(ref) ? r.zoneAddressesOf(ref)! : (r.addressOf(ref) ?? AddressSet.ANY))))
  }
  for (const f of [...inv.flows].sort(byId)) {
    const from = [...new Set(f.from.map(zoneOf).filter((z): z is string => z !== undefined))]
    const to = [...new Set(f.to.map(zoneOf).filter((z): z is string => z !== undefined))]
    const boxes = blockedBoxes.get(f.id) ?? []
    for (const a of from) {
      for (const b of to) {
        if (a === b) continue
        const src = addressesIn(a, f.from)
        const dst = addressesIn(b, f.to)
        const blocked = boxes.some((x) => x.from.overlaps(src) && x.to.overlaps(dst))
        link(`z:${a}`, `z:${b}`, blocked ? 'blocked' : 'flow', `${blocked ? 'BLOCKED ' : ''}${f.name ?? f.id}: ${f.services.join(', ')}`)
      }
    }
  }

  const reachNode = (reach: string | undefined, from: readonly string[]): string => {
    // the internet is the catch-all zone; a partner is the partner zone the rule's sources fall in
    const sources = AddressSet.unionAll(from.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))
    const partners = [...inv.zones].sort(byId).filter((z) => z.trust === reach)
    const zone = reach === 'internet' && catchAll ? catchAll : (partners.find((z) => r.zoneAddressesOf(z.id)!.overlaps(sources)) ?? partners[0])
    return zone ? `z:${zone.id}` : external(`x:${reach ?? 'internet'}`, reach ?? 'internet')
  }
  for (const f of findings) {
    if (f.suppressed || !f.device || !deviceIds.has(f.device)) continue
    if (f.rule !== 'unwanted-access-point' && f.rule !== 'access-point-drift') continue
    const word = f.rule === 'unwanted-access-point' ? 'UNWANTED' : `DRIFT ${f.access_point}`
    link(reachNode(f.reach, f.exposure?.from ?? []), `d:${f.device}`, 'finding', `${word}: ${f.service}`)
  }

  // focus: the chosen zones (or the zones and devices of the chosen sites) and their neighbours
  let keep: Set<string> | undefined
  const focusZones = options.zones ?? []
  const focusSites = options.sites ?? []
  if (focusZones.length || focusSites.length) {
    const sites = new Set(focusSites)
    keep = new Set([
      ...focusZones.map((z) => `z:${z}`),
      ...inv.zones.filter((z) => z.site && sites.has(z.site)).map((z) => `z:${z.id}`),
      ...inv.devices.filter((d) => d.site && sites.has(d.site)).map((d) => `d:${d.id}`),
    ])
    const core = new Set(keep)
    for (const e of edges.values()) {
      if (core.has(e.from)) keep.add(e.to)
      if (core.has(e.to)) keep.add(e.from)
    }
  }
  const kept = (key: string) => !keep || keep.has(key)
  const shownEdges = [...edges.values()].filter((e) => kept(e.from) && kept(e.to))

  const siteIds = [...new Set([...inv.zones.map((z) => z.site), ...inv.devices.map((d) => d.site)])].sort((a, b) =>
    a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : a > b ? 1 : 0,
  )
  const sites: MapSite[] = siteIds
    .map((site) => ({
      site: site ?? null,
      groups: TRUST_ORDER.map((trust) => ({
        trust,
        nodes: [...inv.zones]
          .sort(byId)
          .filter((z) => z.trust === trust && z.site === site && kept(`z:${z.id}`))
          .map((z) => zoneNodes.get(`z:${z.id}`)!),
      })).filter((g) => g.nodes.length),
      devices: [...inv.devices]
        .sort(byId)
        .filter((d) => d.site === site && kept(`d:${d.id}`))
        .map((d): MapNode => ({key: `d:${d.id}`, label: [d.id, d.format ?? d.role].join('\n'), shape: 'device'})),
    }))
    .filter((s) => s.groups.length || s.devices.length)
  return {sites, externals: [...externals.values()].filter((n) => kept(n.key)).sort(byKey), edges: shownEdges, focus: {zones: focusZones, sites: focusSites}}
}
