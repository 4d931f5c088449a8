/** `--format json`: schema_version first, and a version every report schema accepts. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {renderJson, SCHEMA_VERSION} from '../../src/report/json.js'

const ROOT = join(import.meta.dirname, '../..')
const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8'))

describe('JSON reports', () => {
  it('start with schema_version, then the report as it is', () => {
    const text = renderJson({as_of: '2026-12-07', findings: []})
    expect(text).toBe(`{\n  "schema_version": "${SCHEMA_VERSION}",\n  "as_of": "2026-12-07",\n  "findings": []\n}`)
  })

  it('the version is one the diff, parse and validate report schemas allow', () => {
    const report = schema('report.schema.json')
    const patterns = [
      report.$defs.diffReport.properties.schema_version.pattern,
      report.$defs.parseReport.properties.schema_version.pattern,
      schema('validate-report.schema.json').properties.schema_version.pattern,
    ]
    for (const p of patterns) expect(SCHEMA_VERSION).toMatch(new RegExp(p))
    expect('2.0').not.toMatch(new RegExp(patterns[0]))
  })
})
