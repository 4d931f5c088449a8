/** The validate document and its renderings, pinned on tests/fixtures/inventory/broken (one finding per rule). */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import Ajv from 'ajv'
import {Ajv2020} from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import {beforeAll, describe, expect, it} from 'vitest'

import {loadInventory} from '../../src/inventory/load.js'
import {validateReportSchema} from '../../src/inventory/schemas.js'
import {VALIDATION_RULES, validateInventory} from '../../src/inventory/validate.js'
import {paint} from '../../src/report/output.js'
import {buildSarif} from '../../src/report/sarif.js'
import {renderValidateMarkdown, renderValidateSarif, renderValidateText, validateReport, type ValidateReport} from '../../src/report/validate-report.js'
import {ROOT, sharedPath} from '../helpers/sources.js'
import {AS_OF} from './helpers.js'

const GOLDEN = join(ROOT, 'tests/golden/report')
const SARIF_SCHEMA = sharedPath('schemas/sarif-schema-2.1.0.json')
const TOOL = {name: 'irm-audit', version: '0.0.0-test'}

let report: ValidateReport

beforeAll(async () => {
  const loaded = await loadInventory(join(ROOT, 'tests/fixtures/inventory/broken'), {displayBase: ROOT})
  report = validateReport(validateInventory(loaded, {asOf: AS_OF}), loaded.files.map((f) => f.file))
})

/**
 * ajv for the official SARIF schema. It is draft-04 and ajv-draft-04 is not a dependency; the schema
 * uses no keyword whose meaning changed in draft-07 (no exclusiveMinimum/Maximum), only the root `id`,
 * so declaring it draft-07 with `$id` validates the same documents.
 */
function sarifValidator() {
  const {$schema: _draft04, id, ...rest} = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as Record<string, unknown>
  expect(JSON.stringify(rest)).not.toMatch(/exclusiveM(in|ax)imum/)
  const ajv = new Ajv.default({strict: false, allErrors: true})
  addFormats.default(ajv)
  return ajv.compile({$id: String(id), ...rest})
}

describe('validate report', () => {
  it('has one finding of every rule, invalid', () => {
    expect(report.valid).toBe(false)
    expect(new Set(report.errors.map((e) => e.rule))).toEqual(new Set(Object.keys(VALIDATION_RULES)))
    expect(report.files).toEqual([
      'tests/fixtures/inventory/broken/access-points.yaml',
      'tests/fixtures/inventory/broken/contacts.yaml',
      'tests/fixtures/inventory/broken/devices.yaml',
      'tests/fixtures/inventory/broken/zones.yaml',
    ])
  })

  it('json (DESIGN §10), valid against schemas/validate-report.schema.json', async () => {
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(join(GOLDEN, 'validate-broken.json'))
    const ajv = new Ajv2020({strict: true})
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/validate-report.schema.json'), 'utf8')))
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    // every rule the validator knows is in the schema's enum
    expect([...validateReportSchema.properties.errors.items.properties.rule.enum].sort()).toEqual(Object.keys(VALIDATION_RULES).sort())
    const unknown = report.errors.find((e) => e.rule === 'unknown-reference')
    expect(unknown).toEqual({
      rule: 'unknown-reference',
      severity: 'error',
      file: 'tests/fixtures/inventory/broken/access-points.yaml',
      line: 5,
      column: 13,
      path: '/access_points/0/device',
      message: "unknown device 'fw2'; did you mean 'fw1'?",
    })
  })

  it('text: grouped by file, no colour codes when colour is off', async () => {
    const text = renderValidateText(report, paint(false))
    await expect(text).toMatchFileSnapshot(join(GOLDEN, 'validate-broken.txt'))
    expect(text).not.toMatch(/\u001B\[/)
    expect(text).toMatch(/^tests\/fixtures\/inventory\/broken\/access-points\.yaml\n {2}5:13 /m)
    expect(text.trimEnd().split('\n').at(-1)).toBe(`✖ ${report.errors.length} errors in 3 files`)
  })

  it('text: colour when asked', () => {
    expect(renderValidateText(report, paint(true))).toMatch(/\u001B\[31merror\u001B\[39m/)
  })

  it('text and markdown of a valid inventory', () => {
    const clean = validateReport([], ['a.yaml', 'b.yaml'])
    expect(renderValidateText(clean, paint(false))).toBe('✔ inventory is valid (2 files)\n')
    expect(renderValidateMarkdown(clean)).toMatch(/The inventory is valid \(2 files\)/)
  })

  it('markdown: counts by rule and a table per file, pipes escaped', async () => {
    const md = renderValidateMarkdown(report)
    await expect(md).toMatchFileSnapshot(join(GOLDEN, 'validate-broken.md'))
    expect(md).toMatch(/^\| `zone-overlap` \| 1 \|/m)
    const withPipe = validateReport([{...report.errors[0], message: 'a | b'}], ['x.yaml'])
    expect(renderValidateMarkdown(withPipe)).toMatch(/a \\\| b/)
  })

  it('sarif: golden, every result at its file and line', async () => {
    const log = renderValidateSarif(report, TOOL)
    await expect(JSON.stringify(log, null, 2) + '\n').toMatchFileSnapshot(join(GOLDEN, 'validate-broken.sarif'))
    const results = log.runs[0].results ?? []
    expect(results).toHaveLength(report.errors.length)
    const first = results.find((r) => r.ruleId === 'unknown-reference')
    expect(first?.locations?.[0].physicalLocation).toEqual({
      artifactLocation: {uri: 'tests/fixtures/inventory/broken/access-points.yaml'},
      region: {startLine: 5, startColumn: 13},
    })
    expect(log.runs[0].tool.driver.rules?.[first?.ruleIndex ?? -1].id).toBe('unknown-reference')
  })

  it.skipIf(!existsSync(SARIF_SCHEMA))('sarif: valid against the official SARIF 2.1.0 schema', () => {
    const validate = sarifValidator()
    const log = renderValidateSarif(report, TOOL)
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
    expect(validate(renderValidateSarif(validateReport([], []), TOOL)), JSON.stringify(validate.errors)).toBe(true)
  })

  it.skipIf(!existsSync(SARIF_SCHEMA))('sarif builder: generic findings (no file, absolute path, properties) stay valid', () => {
    const validate = sarifValidator()
    const log = buildSarif(
      {name: 'irm-audit', version: '1.2.3', informationUri: 'https://example.org/irm-audit'},
      [{id: 'unwanted-access-point', description: 'A live exposure no access point covers.', help: 'Add an access point or remove the rule.', properties: {'security-severity': '8.0'}}],
      [
        {ruleId: 'unwanted-access-point', level: 'error', message: 'tcp/3389 from any', file: '/abs/live/fw.cfg', line: 88, fingerprint: 'x', properties: {severity: 'high'}},
        {ruleId: 'unwanted-access-point', level: 'note', message: 'no location'},
        {ruleId: 'not-declared', level: 'warning', message: 'a rule not in the list', file: 'inventory/a b.yaml'},
      ],
    )
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
    expect(log.runs[0].results?.[0].locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('file:///abs/live/fw.cfg')
    expect(log.runs[0].results?.[2].locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('inventory/a%20b.yaml')
  })
})
