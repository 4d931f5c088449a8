import {BaseCommand, formatFlag} from '../cli/base-command.js'
import {renderJson} from '../report/json.js'
import {allParsers} from '../sources/registry.js'
import {byCodeUnit} from '../core/order.js'
import {type Semantics, semanticsOf, semanticsTable} from '../sources/semantics.js'

interface SourceInfo {
  type: string
  description: string
  detection: string
  extensions: string[]
  auto_detected: boolean
  /** Which semantics the parser models: ingress, egress, nat, host_local, includes, object_groups. */
  semantics: Record<string, string>
}

function semanticsJson(s: Semantics): Record<string, string> {
  return {ingress: s.ingress, egress: s.egress, nat: s.nat, host_local: s.hostLocal, includes: s.includes, object_groups: s.objectGroups}
}

export default class Sources extends BaseCommand {
  static override summary = 'List the supported live config formats, how each is detected and which semantics it models.'

  static override flags = {
    format: formatFlag(['text', 'json']),
  }

  async run(): Promise<{sources: SourceInfo[]}> {
    const {flags} = await this.parse(Sources)
    const sources = allParsers()
      .map((p) => ({
        type: p.type,
        description: p.description,
        detection: p.detection,
        extensions: [...(p.extensions ?? [])],
        auto_detected: !p.executes,
        semantics: semanticsJson(semanticsOf(p.type)),
      }))
      .sort((a, b) => byCodeUnit(a.type, b.type))
    if (flags.format === 'json') {
      await this.emit(renderJson({sources}), undefined)
    } else {
      const lines: string[] = []
      for (const s of sources) {
        lines.push(`${s.type}`)
        lines.push(`  reads:    ${s.description}`)
        lines.push(`  detected: ${s.auto_detected ? s.detection : 'never (must be named with --type; it runs code)'}`)
        if (s.extensions.length) lines.push(`  files:    ${s.extensions.join(' ')}`)
      }
      lines.push('', 'Semantics modelled', ...semanticsTable(sources.map((s) => s.type)))
      await this.emit(lines.join('\n'), undefined)
    }
    return {sources}
  }
}
