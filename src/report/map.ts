/**
 * Drawings of the map model (map-model.ts): Mermaid (READMEs, pull-request comments) and Graphviz DOT.
 * Sites are boxes holding one box per trust level; an edge prints at most MAX_LABELS of its labels and
 * counts the rest ("+N more"), so nothing is dropped without saying so.
 */
import type {Finding} from '../diff/model.js'
import type {Inventory} from '../inventory/model.js'
import {type MapEdge, mapModel, type MapModel, type MapOptions, type MapSite} from './map-model.js'
import type {RendererTable} from './renderers.js'

export type {MapEdge, MapModel as NetworkMap, MapNode} from './map-model.js'

/** Labels printed on one edge before "+N more". */
export const MAX_LABELS = 3

export function networkMap(inv: Inventory, findings: readonly Finding[] = [], options: MapOptions = {}): MapModel {
  return mapModel(inv, findings, options)
}

function edgeLabel(e: MapEdge): string {
  const shown = e.labels.slice(0, MAX_LABELS)
  if (e.labels.length > MAX_LABELS) shown.push(`+${e.labels.length - MAX_LABELS} more`)
  return shown.join('\n')
}

const siteLabel = (s: MapSite) => s.site ?? 'no site'

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

export function renderMermaid(map: MapModel): string {
  const id = idMaker()
  // drawn at its natural size: a wide map scrolls instead of shrinking its text below legibility
  const out = ['%%{init: {"flowchart": {"useMaxWidth": false}}}%%', 'flowchart LR']
  for (const site of map.sites) {
    // zones and devices that name no site sit at the top level
    const indent = site.site === null ? '  ' : '    '
    if (site.site !== null) out.push(`  subgraph ${id(`site:${site.site}`)}["${mermaidText(`site: ${siteLabel(site)}`)}"]`)
    for (const g of site.groups) {
      out.push(`${indent}subgraph ${site.site === null ? `trust_${g.trust}` : id(`trust:${site.site}:${g.trust}`)}["${g.trust}"]`)
      for (const n of g.nodes) out.push(`${indent}  ${id(n.key)}["${mermaidText(n.label)}"]`)
      out.push(`${indent}end`)
    }
    for (const n of site.devices) out.push(`${indent}${id(n.key)}{{"${mermaidText(n.label)}"}}`)
    if (site.site !== null) out.push('  end')
  }
  for (const n of map.externals) out.push(`  ${id(n.key)}(["${mermaidText(n.label)}"])`)
  const red: number[] = []
  const arrow: Record<MapEdge['kind'], string> = {joins: '---', access: '-->', flow: '==>', blocked: '==>', finding: '-.->'}
  map.edges.forEach((e, i) => {
    const label = e.labels.length ? `|"${mermaidText(edgeLabel(e))}"|` : ''
    out.push(`  ${id(e.from)} ${arrow[e.kind]}${label} ${id(e.to)}`)
    if (e.kind === 'finding' || e.kind === 'blocked') red.push(i)
  })
  if (red.length) out.push(`  linkStyle ${red.join(',')} stroke:#d00,color:#d00`)
  return out.join('\n')
}

function dotText(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

export function renderDot(map: MapModel): string {
  const out = ['digraph irm_audit {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];']
  for (const site of map.sites) {
    const indent = site.site === null ? '  ' : '    '
    if (site.site !== null) out.push(`  subgraph ${dotText(`cluster_site_${site.site}`)} {`, `    label=${dotText(`site: ${site.site}`)};`)
    for (const g of site.groups) {
      out.push(`${indent}subgraph ${dotText(site.site === null ? `cluster_${g.trust}` : `cluster_${site.site}_${g.trust}`)} {`, `${indent}  label=${dotText(g.trust)};`)
      for (const n of g.nodes) out.push(`${indent}  ${dotText(n.key)} [label=${dotText(n.label)}, shape=box];`)
      out.push(`${indent}}`)
    }
    for (const n of site.devices) out.push(`${indent}${dotText(n.key)} [label=${dotText(n.label)}, shape=hexagon];`)
    if (site.site !== null) out.push('  }')
  }
  for (const n of map.externals) out.push(`  ${dotText(n.key)} [label=${dotText(n.label)}, shape=ellipse, style=dashed];`)
  const style: Record<MapEdge['kind'], string> = {
    joins: 'dir=none, style=dotted',
    access: 'color="#1f5fa8"',
    flow: 'penwidth=2, color="#2a7a2a"',
    blocked: 'penwidth=2, color="#d00", fontcolor="#d00"',
    finding: 'style=dashed, color="#d00", fontcolor="#d00"',
  }
  for (const e of map.edges) out.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [${e.labels.length ? `label=${dotText(edgeLabel(e))}, ` : ''}${style[e.kind]}];`)
  out.push('}')
  return out.join('\n')
}

/** `map --format`: the flag's options are this table's keys (a drawing, not a report: no JSON row). */
export const MAP_RENDERERS = {
  mermaid: (map) => renderMermaid(map),
  dot: (map) => renderDot(map),
} satisfies RendererTable<MapModel>
