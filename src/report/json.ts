/**
 * `--format json` of every report: the report object with `schema_version` first. The version names the
 * shapes of schemas/*.json: the minor number rises when fields are added (readers may ignore them), the
 * major one when a field is renamed or removed (which the project avoids).
 */
export const SCHEMA_VERSION = '1.1'

export function renderJson(report: object): string {
  return JSON.stringify({schema_version: SCHEMA_VERSION, ...report}, null, 2)
}
