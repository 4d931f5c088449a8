/** Renderers of `irm-audit sources`: the supported config formats, how each is detected, what it models. */
import {semanticsTable} from '../sources/semantics.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

export interface SourceInfo {
  type: string
  description: string
  detection: string
  extensions: string[]
  auto_detected: boolean
  /** Which semantics the parser models: ingress, egress, nat, host_local, includes, object_groups. */
  semantics: Record<string, string>
}

export interface SourcesReport {
  sources: SourceInfo[]
}

export function renderSourcesText(r: SourcesReport): string {
  const lines: string[] = []
  for (const s of r.sources) {
    lines.push(`${s.type}`)
    lines.push(`  reads:    ${s.description}`)
    lines.push(`  detected: ${s.auto_detected ? s.detection : 'never (must be named with --type; it runs code)'}`)
    if (s.extensions.length) lines.push(`  files:    ${s.extensions.join(' ')}`)
  }
  lines.push('', 'Semantics modelled', ...semanticsTable(r.sources.map((s) => s.type)))
  return lines.join('\n')
}

/** `sources --format`: the flag's options are this table's keys. */
export const SOURCES_RENDERERS = {
  text: (r) => renderSourcesText(r),
  json: (r) => renderJson(r),
} satisfies RendererTable<SourcesReport>
