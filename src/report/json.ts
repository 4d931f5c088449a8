/**
 * `--format json` of every report: the report object with `schema_version` first. The version names the
 * shapes of schemas/*.json: the minor number rises when fields are added (readers may ignore them), the
 * major one when a field is renamed or removed (which the project avoids).
 */
import {jsonChunks} from './json-stream.js'

export const SCHEMA_VERSION = '1.0'

export function renderJson(report: object): string {
  return JSON.stringify({schema_version: SCHEMA_VERSION, ...report}, null, 2)
}

/** renderJson as chunks (report/json-stream.ts): the same bytes, never one string of the whole report. */
export function renderJsonChunks(report: object): Iterable<string> {
  return jsonChunks({schema_version: SCHEMA_VERSION, ...report})
}
