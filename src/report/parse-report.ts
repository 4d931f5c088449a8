/** The `irm-audit parse` document (DESIGN §10): exposures in stable order, every unparsed line. */
import {compareExposures, type ExposureJson, exposureRows} from '../model/exposure.js'
import type {Attachment} from '../model/device.js'
import type {LoadedConfig} from '../sources/load.js'
import type {Doubt, Unparsed} from '../sources/types.js'
import {byCodeUnit} from '../core/order.js'
import {exposureRowArray} from './exposure-rows.js'
import {SCHEMA_VERSION} from './json.js'
import {jsonChunks, LazyArray} from './json-stream.js'

export interface ParseReport {
  file: string
  type: string
  exposures: ExposureJson[]
  unparsed: Unparsed[]
  /** Doubts not attached to an exposure (`nat-dead`), when there are any. */
  doubts?: Doubt[]
  stats: {lines: number; understood: number}
}

/** `zonesOf` (parse --inventory --device) fills `inventory_zones` of ingress and egress. */
export function parseReport(loaded: LoadedConfig, zonesOf?: (a: Attachment) => string[]): ParseReport {
  // the file is the report's, not repeated per exposure; an included file is named
  const exposures = loaded.exposures.flatMap((x) => {
    const json = exposureRows(x, loaded.file)
    if (zonesOf) {
      for (const j of json) {
        if (j.ingress && x.ingress) j.ingress.inventory_zones = zonesOf(x.ingress)
        if (j.egress && x.egress) j.egress.inventory_zones = zonesOf(x.egress)
      }
    }
    return json
  })
  exposures.sort(compareExposures)
  const unparsed = loaded.unparsed.map((u): Unparsed => {
    const {file, ...rest} = u
    return file && file !== loaded.file ? u : rest
  }).sort((a, b) => byCodeUnit(a.file ?? '', b.file ?? '') || a.line - b.line || byCodeUnit(a.path ?? '', b.path ?? '') || byCodeUnit(a.text, b.text))
  const doubts = loaded.doubts?.length ? {doubts: [...loaded.doubts].sort((a, b) => a.line - b.line || byCodeUnit(a.code, b.code))} : {}
  return {file: loaded.file, type: loaded.type, exposures, unparsed, ...doubts, stats: loaded.stats}
}

/**
 * `--format json` of the parse report (renderJson(parseReport(loaded, zonesOf)), byte for byte) as
 * chunks: the exposure rows are rendered one at a time from the model, never held as objects or as one
 * string, so a 10^5-rule report costs its chunks, not its text twice over.
 */
export function parseReportJson(loaded: LoadedConfig, zonesOf?: (a: Attachment) => string[]): Generator<string, void, undefined> {
  const own = (file: string | undefined) => (file && file !== loaded.file ? file : '')
  const unparsed = [...loaded.unparsed].sort((a, b) => byCodeUnit(own(a.file), own(b.file)) || a.line - b.line || byCodeUnit(a.path ?? '', b.path ?? '') || byCodeUnit(a.text, b.text))
  // the report's own file is not repeated: a copy without it, made a batch at a time
  const unparsedRows = new LazyArray(unparsed.length, (start, end) =>
    unparsed.slice(start, end).map((u) => {
      if (u.file === undefined || own(u.file)) return u
      const {file, ...rest} = u
      return rest
    }),
  )
  const doubts = loaded.doubts?.length ? {doubts: [...loaded.doubts].sort((a, b) => a.line - b.line || byCodeUnit(a.code, b.code))} : {}
  return jsonChunks({
    schema_version: SCHEMA_VERSION,
    file: loaded.file,
    type: loaded.type,
    exposures: exposureRowArray(loaded.exposures, loaded.file, zonesOf),
    unparsed: unparsedRows,
    ...doubts,
    stats: loaded.stats,
  })
}
