/** `parse --format`: one renderer per format, in one table (the flag's options are its keys). */
import {renderJson} from './json.js'
import type {ParseReport} from './parse-report.js'
import {renderParseText} from './parse-text.js'
import type {RendererTable} from './renderers.js'

export const PARSE_RENDERERS = {
  text: (report, o) => renderParseText(report, o.paint),
  json: (report) => renderJson(report),
} satisfies RendererTable<ParseReport>
