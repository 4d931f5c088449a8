/**
 * One renderer table per report: every command's `--format` options are the keys of its table, in
 * order, its default is a row of it, and no command picks a format with a switch of its own.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import AccessLogs from '../../src/commands/access-logs.js'
import Changes from '../../src/commands/changes.js'
import Diff from '../../src/commands/diff.js'
import Isolate from '../../src/commands/isolate.js'
import MapCommand from '../../src/commands/map.js'
import Parse from '../../src/commands/parse.js'
import Prepare from '../../src/commands/prepare.js'
import Reach from '../../src/commands/reach.js'
import Recert from '../../src/commands/recert.js'
import Sources from '../../src/commands/sources.js'
import Traffic from '../../src/commands/traffic.js'
import Validate from '../../src/commands/validate.js'
import Why from '../../src/commands/why.js'
import {ACCESS_RENDERERS} from '../../src/report/access-logs.js'
import {CHANGES_RENDERERS} from '../../src/report/changes.js'
import {DIFF_RENDERERS} from '../../src/report/diff-formats.js'
import {ISOLATE_RENDERERS} from '../../src/report/isolate.js'
import {MAP_RENDERERS} from '../../src/report/map.js'
import {PARSE_RENDERERS} from '../../src/report/parse-formats.js'
import {REACH_RENDERERS, WHY_RENDERERS} from '../../src/report/paths.js'
import {PREPARE_RENDERERS} from '../../src/report/prepare-formats.js'
import {RECERT_RENDERERS} from '../../src/report/recert.js'
import {renderAs} from '../../src/report/renderers.js'
import {SOURCES_RENDERERS} from '../../src/report/sources.js'
import {TRAFFIC_RENDERERS} from '../../src/report/traffic.js'
import {VALIDATE_RENDERERS} from '../../src/report/validate-report.js'

const ROOT = join(import.meta.dirname, '../..')

const TABLES: Array<[string, {flags: Record<string, {options?: readonly string[]; default?: unknown}>}, object]> = [
  ['access-logs', AccessLogs, ACCESS_RENDERERS],
  ['changes', Changes, CHANGES_RENDERERS],
  ['diff', Diff, DIFF_RENDERERS],
  ['isolate', Isolate, ISOLATE_RENDERERS],
  ['map', MapCommand, MAP_RENDERERS],
  ['parse', Parse, PARSE_RENDERERS],
  ['prepare', Prepare, PREPARE_RENDERERS],
  ['reach', Reach, REACH_RENDERERS],
  ['recert', Recert, RECERT_RENDERERS],
  ['sources', Sources, SOURCES_RENDERERS],
  ['traffic', Traffic, TRAFFIC_RENDERERS],
  ['validate', Validate, VALIDATE_RENDERERS],
  ['why', Why, WHY_RENDERERS],
]

describe('renderer tables', () => {
  it.each(TABLES)('%s: --format lists exactly the rows of its table, and its default is one of them', (_, command, table) => {
    const format = command.flags.format
    expect(format.options).toEqual(Object.keys(table))
    expect(Object.keys(table)).toContain(format.default)
  })

  it('every command with --format is in the list above', () => {
    const withFormat = readdirSync(join(ROOT, 'src/commands'))
      .filter((f) => /\bformat: /.test(readFileSync(join(ROOT, 'src/commands', f), 'utf8')))
      .map((f) => f.replace(/\.ts$/, ''))
    expect(withFormat.sort()).toEqual(TABLES.map(([name]) => name).sort())
  })

  it('no command picks a format with a switch of its own: each renders through its table', () => {
    for (const f of readdirSync(join(ROOT, 'src/commands'))) {
      const text = readFileSync(join(ROOT, 'src/commands', f), 'utf8')
      expect(text, f).not.toMatch(/format ===|format !==|\[flags\.format/)
      if (/\bformat: /.test(text)) expect(text, f).toMatch(/renderAs\([A-Z_]+_RENDERERS, flags\.format,/)
    }
  })

  it('a format outside the table is a usage error naming the formats', async () => {
    await expect(renderAs(RECERT_RENDERERS, 'sarif', {} as never, {} as never)).rejects.toMatchObject({code: 'USAGE', hint: 'Use one of: text, json, markdown.'})
  })
})
