/**
 * Every unparsed entry carries a closed code (UNPARSED_CODES), in every parser: checked on every fixture
 * and every corpus file of every format, and the report schema's enum is the same list.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {parseText} from '../../../src/sources/load.js'
import {allParsers} from '../../../src/sources/registry.js'
import {UNPARSED_CODES} from '../../../src/sources/types.js'
import {corpusFiles, FIXTURES} from '../../helpers/sources.js'

const ROOT = join(import.meta.dirname, '../../..')

function inputs(type: string): string[] {
  let fixtures: string[] = []
  try {
    fixtures = readdirSync(join(FIXTURES, type)).filter((f) => !f.startsWith('.')).map((f) => join(FIXTURES, type, f))
  } catch {
    // a format without fixtures of its own
  }
  return [...fixtures, ...corpusFiles(type)]
}

let total = 0

describe('unparsed codes', () => {
  it('the report schema lists the codes of UNPARSED_CODES', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8'))
    // every `unparsed` array of the schema: its items' code enum
    const enums: unknown[] = []
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return
      const o = node as Record<string, unknown>
      const items = (o.unparsed as {items?: {properties?: {code?: {enum?: unknown}}}} | undefined)?.items
      if (items?.properties) enums.push(items.properties.code?.enum)
      for (const v of Object.values(o)) walk(v)
    }
    walk(schema)
    expect(enums.length).toBeGreaterThan(0)
    for (const e of enums) expect(e).toEqual([...UNPARSED_CODES])
  })

  it.each(allParsers().map((p) => p.type).filter((t) => t !== 'pulumi-program'))('%s: every unparsed entry of every fixture and corpus file has a code', async (type) => {
    const missing: string[] = []
    let entries = 0
    for (const file of inputs(type)) {
      let r
      try {
        r = await parseText(readFileSync(file, 'utf8'), file, type)
      } catch {
        continue // refused whole (a wrong-type fixture): nothing unparsed to code
      }
      for (const u of r.unparsed) {
        entries++
        if (!u.code || !(UNPARSED_CODES as readonly string[]).includes(u.code)) missing.push(`${file}:${u.line}: ${u.reason}`)
      }
    }
    expect(missing).toEqual([])
    total += entries
  })

  it('the check above met unparsed entries (the warning fixtures of every line format have some)', () => {
    expect(total).toBeGreaterThan(40)
  })
})
