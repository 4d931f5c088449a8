import {BaseCommand, formatFlag} from '../cli/base-command.js'
import {renderAs} from '../report/renderers.js'
import {type SourceInfo, SOURCES_RENDERERS, type SourcesReport} from '../report/sources.js'
import {allParsers} from '../sources/registry.js'
import {byCodeUnit} from '../core/order.js'
import {type Semantics, semanticsOf} from '../sources/semantics.js'

function semanticsJson(s: Semantics): Record<string, string> {
  return {ingress: s.ingress, egress: s.egress, nat: s.nat, host_local: s.hostLocal, includes: s.includes, object_groups: s.objectGroups}
}

export default class Sources extends BaseCommand {
  static override summary = 'List the supported live config formats, how each is detected and which semantics it models.'

  static override flags = {
    format: formatFlag(SOURCES_RENDERERS),
  }

  async run(): Promise<SourcesReport> {
    const {flags} = await this.parse(Sources)
    const sources: SourceInfo[] = allParsers()
      .map((p) => ({
        type: p.type,
        description: p.description,
        detection: p.detection,
        extensions: [...(p.extensions ?? [])],
        auto_detected: !p.executes,
        semantics: semanticsJson(semanticsOf(p.type)),
      }))
      .sort((a, b) => byCodeUnit(a.type, b.type))
    await this.emit(await renderAs(SOURCES_RENDERERS, flags.format, {sources}, this.renderOptions()), undefined)
    return {sources}
  }
}
