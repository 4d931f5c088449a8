import {BaseCommand, formatFlag} from '../cli/base-command.js'
import {allParsers} from '../sources/registry.js'
import {byCodeUnit} from '../core/order.js'

interface SourceInfo {
  type: string
  description: string
  detection: string
  extensions: string[]
  auto_detected: boolean
}

export default class Sources extends BaseCommand {
  static override summary = 'List the supported live config formats and how each is detected.'

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
      }))
      .sort((a, b) => byCodeUnit(a.type, b.type))
    if (flags.format === 'json') {
      await this.emit(JSON.stringify({sources}, null, 2), undefined)
    } else {
      const lines: string[] = []
      for (const s of sources) {
        lines.push(`${s.type}`)
        lines.push(`  reads:    ${s.description}`)
        lines.push(`  detected: ${s.auto_detected ? s.detection : 'never (must be named with --type; it runs code)'}`)
        if (s.extensions.length) lines.push(`  files:    ${s.extensions.join(' ')}`)
      }
      await this.emit(lines.join('\n'), undefined)
    }
    return {sources}
  }
}
