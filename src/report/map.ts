/**
 * The network map (`irm-audit map`, and the diagram in the markdown PR comment): zones grouped by trust,
 * devices and the zones they join, access points from untrusted zones, business-critical flows, and
 * (when given) the diff's findings in red. One graph model, two renderers: Mermaid and Graphviz DOT.
 */
import type {Finding} from '../diff/model.js'
import type {Inventory, Trust} from '../inventory/model.js'
import {resolverFor} from '../inventory/resolve.js'
import {AddressSet} from '../net/address-set.js'
import {byCodeUnit} from '../core/order.js'

const TRUST_ORDER: readonly Trust[] = ['internet', 'partner', 'dmz', 'cloud', 'internal', 'management', 'restricted']
const UNTRUSTED = new Set<Trust>(['internet', 'partner'])

export interface MapNode {
  key: string
  label: string
  shape: 'zone' | 'device' | 'external'
}

export interface MapEdge {
  from: string
  to: string
  label?: string
  kind: 'joins' | 'access' | 'flow' | 'finding' | 'blocked'
}

export interface NetworkMap {
  groups: Array<{trust: string; nodes: MapNode[]}>
  devices: MapNode[]
  externals: MapNode[]
  edges: MapEdge[]
}

export function networkMap(inv: Inventory, findings: readonly Finding[] = []): NetworkMap {
  const r = resolverFor(inv)
  const byId = <T extends {id: string}>(a: T, b: T) => byCodeUnit(a.id, b.id)
  const groups = TRUST_ORDER.map((trust) => ({
    trust,
    nodes: inv.zones
      .filter((z) => z.trust === trust)
      .sort(byId)
      .map((z): MapNode => {
        const cidrs = z.cidrs ?? []
        const shown = cidrs.length > 3 ? [...cidrs.slice(0, 3), `+${cidrs.length - 3}`] : cidrs
        return {key: `z:${z.id}`, label: [z.name ?? z.id, ...shown].join('\n'), shape: 'zone'}
      }),
  })).filter((g) => g.nodes.length)
  const deviceIds = new Set(inv.devices.map((d) => d.id))
  const devices = [...inv.devices].sort(byId).map((d): MapNode => ({key: `d:${d.id}`, label: [d.id, d.format ?? d.role].join('\n'), shape: 'device'}))
  const externals = new Map<string, MapNode>()
  const edges: MapEdge[] = []
  for (const d of [...inv.devices].sort(byId)) for (const z of d.zones ?? []) if (r.zone(z)) edges.push({from: `d:${d.id}`, to: `z:${z}`, kind: 'joins'})

  const catchAll = inv.zones.find((z) => z.trust === 'internet' && r.isCatchAll(z))
  const trustedSet = r.addresses(inv.zones.filter((z) => !UNTRUSTED.has(z.trust)).map((z) => z.id))
  /** Node of an address reference (zone, `any`, CIDR), or undefined when it is trusted. */
  const sourceNode = (ref: string): string | undefined => {
    const zone = r.zone(ref)
    if (zone) return UNTRUSTED.has(zone.trust) ? `z:${zone.id}` : undefined
    if (ref.toLowerCase() === 'any' && catchAll) return `z:${catchAll.id}`
    const set = r.addressOf(ref)
    if (set && trustedSet.covers(set)) return undefined
    const key = `x:${ref}`
    if (!externals.has(key)) externals.set(key, {key, label: ref, shape: 'external'})
    return key
  }
  const stale = new Set(findings.filter((f) => f.rule === 'stale-access-point' && !f.suppressed).map((f) => f.access_point))
  for (const ap of [...inv.access_points].sort(byId)) {
    if (!ap.device || !deviceIds.has(ap.device)) continue
    const sources = [...new Set(ap.from.map(sourceNode).filter((s): s is string => s !== undefined))]
    for (const s of sources) {
      edges.push({from: s, to: `d:${ap.device}`, label: `${ap.id}: ${ap.services.join(', ')}${stale.has(ap.id) ? ' (stale)' : ''}`, kind: 'access'})
    }
  }
  /** The zone an end of a flow lies in: the zone named, else the narrowest zone holding the CIDR. */
  const zoneNode = (ref: string): string | undefined => {
    if (r.zone(ref)) return `z:${ref}`
    if (ref.toLowerCase() === 'any') return catchAll ? `z:${catchAll.id}` : undefined
    const set = r.addressOf(ref)
    if (!set) return undefined
    const holders = inv.zones.filter((z) => !r.isCatchAll(z) && r.zoneAddressesOf(z.id)!.covers(set))
    holders.sort((a, b) => (r.zoneAddressesOf(b.id)!.covers(r.zoneAddressesOf(a.id)!) ? -1 : 1) || byCodeUnit(a.id, b.id))
    if (holders.length) return `z:${holders[0].id}`
    return catchAll ? `z:${catchAll.id}` : undefined
  }
  const blocked = new Set(findings.filter((f) => f.rule === 'critical-flow-blocked' && !f.suppressed).map((f) => f.flow))
  for (const f of [...inv.flows].sort(byId)) {
    const from = [...new Set(f.from.map(zoneNode).filter((n): n is string => n !== undefined))]
    const to = [...new Set(f.to.map(zoneNode).filter((n): n is string => n !== undefined))]
    for (const a of from.slice(0, 3)) {
      for (const b of to.slice(0, 3)) {
        if (a === b) continue
        edges.push({from: a, to: b, label: `${blocked.has(f.id) ? 'BLOCKED ' : ''}${f.name}: ${f.services.join(', ')}`, kind: blocked.has(f.id) ? 'blocked' : 'flow'})
      }
    }
  }
  const reachNode = (reach: string | undefined, from: readonly string[]): string => {
    // the internet is the catch-all zone; a partner is the partner zone the rule's sources fall in
    const sources = AddressSet.unionAll(from.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))
    const partners = [...inv.zones].sort(byId).filter((z) => z.trust === reach)
    const zone = reach === 'internet' && catchAll ? catchAll : (partners.find((z) => r.zoneAddressesOf(z.id)!.overlaps(sources)) ?? partners[0])
    if (zone) return `z:${zone.id}`
    const key = `x:${reach ?? 'internet'}`
    if (!externals.has(key)) externals.set(key, {key, label: reach ?? 'internet', shape: 'external'})
    return key
  }
  for (const f of findings) {
    if (f.suppressed || !f.device || !deviceIds.has(f.device)) continue
    if (f.rule !== 'unwanted-access-point' && f.rule !== 'access-point-drift') continue
    const word = f.rule === 'unwanted-access-point' ? 'UNWANTED' : `DRIFT ${f.access_point}`
    edges.push({from: reachNode(f.reach, f.exposure?.from ?? []), to: `d:${f.device}`, label: `${word}: ${f.service}`, kind: 'finding'})
  }
  return {groups, devices, externals: [...externals.values()].sort((a, b) => byCodeUnit(a.key, b.key)), edges}
}

/** Mermaid ids: letters, digits and `_`, unique per key. */
function idMaker(): (key: string) => string {
  const ids = new Map<string, string>()
  const used = new Set<string>()
  return (key) => {
    let id = ids.get(key)
    if (id) return id
    const base = key.replace(/[^A-Za-z0-9]/g, '_')
    id = base
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`
    used.add(id)
    ids.set(key, id)
    return id
  }
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>')
}

export function renderMermaid(map: NetworkMap): string {
  const id = idMaker()
  const out = ['flowchart LR']
  for (const g of map.groups) {
    out.push(`  subgraph trust_${g.trust}["${g.trust}"]`)
    for (const n of g.nodes) out.push(`    ${id(n.key)}["${mermaidText(n.label)}"]`)
    out.push('  end')
  }
  for (const n of map.externals) out.push(`  ${id(n.key)}(["${mermaidText(n.label)}"])`)
  for (const n of map.devices) out.push(`  ${id(n.key)}{{"${mermaidText(n.label)}"}}`)
  const red: number[] = []
  const arrow: Record<MapEdge['kind'], string> = {joins: '---', access: '-->', flow: '==>', blocked: '==>', finding: '-.->'}
  map.edges.forEach((e, i) => {
    const label = e.label ? `|"${mermaidText(e.label)}"|` : ''
    out.push(`  ${id(e.from)} ${arrow[e.kind]}${label} ${id(e.to)}`)
    if (e.kind === 'finding' || e.kind === 'blocked') red.push(i)
  })
  if (red.length) out.push(`  linkStyle ${red.join(',')} stroke:#d00,color:#d00`)
  return out.join('\n')
}

function dotText(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

export function renderDot(map: NetworkMap): string {
  const out = ['digraph irm_audit {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];']
  for (const g of map.groups) {
    out.push(`  subgraph ${dotText(`cluster_${g.trust}`)} {`, `    label=${dotText(g.trust)};`)
    for (const n of g.nodes) out.push(`    ${dotText(n.key)} [label=${dotText(n.label)}, shape=box];`)
    out.push('  }')
  }
  for (const n of map.externals) out.push(`  ${dotText(n.key)} [label=${dotText(n.label)}, shape=ellipse, style=dashed];`)
  for (const n of map.devices) out.push(`  ${dotText(n.key)} [label=${dotText(n.label)}, shape=hexagon];`)
  const style: Record<MapEdge['kind'], string> = {
    joins: 'dir=none, style=dotted',
    access: 'color="#1f5fa8"',
    flow: 'penwidth=2, color="#2a7a2a"',
    blocked: 'penwidth=2, color="#d00", fontcolor="#d00"',
    finding: 'style=dashed, color="#d00", fontcolor="#d00"',
  }
  for (const e of map.edges) out.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [${e.label ? `label=${dotText(e.label)}, ` : ''}${style[e.kind]}];`)
  out.push('}')
  return out.join('\n')
}
