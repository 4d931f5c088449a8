/** `parse --format`: one renderer per format, in one table (the flag's options are its keys). */
import type {Attachment} from '../model/device.js'
import type {LoadedConfig} from '../sources/load.js'
import {parseReport, parseReportJson} from './parse-report.js'
import {renderParseText} from './parse-text.js'
import type {RenderOptions, RendererTable} from './renderers.js'

/** What `parse` renders: the loaded config and, with --inventory/--device, its attachments' zones. */
export interface ParseInput {
  loaded: LoadedConfig
  zonesOf?: (a: Attachment) => string[]
}

export const PARSE_RENDERERS: RendererTable<ParseInput, RenderOptions, string | Iterable<string>> = {
  text: ({loaded, zonesOf}, o) => renderParseText(parseReport(loaded, zonesOf), o.paint),
  // written as it is rendered, row by row: a 10^5-rule report never exists whole
  json: ({loaded, zonesOf}) => parseReportJson(loaded, zonesOf),
}
