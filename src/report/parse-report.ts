/** The `irm-audit parse` document (DESIGN §10): exposures in stable order, every unparsed line. */
import {compareExposures, type ExposureJson, exposureToJson} from '../model/exposure.js'
import type {LoadedConfig} from '../sources/load.js'
import type {Unparsed} from '../sources/types.js'
import {byCodeUnit} from '../core/order.js'

export interface ParseReport {
  file: string
  type: string
  exposures: ExposureJson[]
  unparsed: Unparsed[]
  stats: {lines: number; understood: number}
}

export function parseReport(loaded: LoadedConfig): ParseReport {
  const exposures = loaded.exposures.flatMap(exposureToJson).map((e) => {
    // the file is the report's, not repeated per exposure
    const {file: _file, ...rest} = e
    return rest as ExposureJson
  })
  exposures.sort(compareExposures)
  const unparsed = [...loaded.unparsed].sort((a, b) => a.line - b.line || byCodeUnit(a.path ?? '', b.path ?? '') || byCodeUnit(a.text, b.text))
  return {file: loaded.file, type: loaded.type, exposures, unparsed, stats: loaded.stats}
}
