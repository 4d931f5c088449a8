/**
 * Secrets never reach a report, whatever the format. Convention shared by every parser's fixtures:
 * a fixture whose file name contains `secret` plants recognisable secrets (`…PLANTED…`); this test
 * parses each one with its folder's type and checks that no `PLANTED` string comes out — in exposures,
 * unparsed lines, notes, or the error message when the parser refuses the file. Fixtures of other
 * names that plant secrets are checked the same way.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {isIrmError} from '../src/core/errors.js'
import {FIXTURES, parseFixture} from './helpers/sources.js'

const PLANTED = /PLANTED/i
// formats whose "parse" runs user code: never run from a generic test
const SKIP_TYPES = new Set(['pulumi-program'])

interface Fixture {
  type: string
  name: string
}

function fixtures(): {named: Fixture[]; planted: Fixture[]} {
  const named: Fixture[] = []
  const planted: Fixture[] = []
  if (!existsSync(FIXTURES)) return {named, planted}
  for (const type of readdirSync(FIXTURES).sort()) {
    if (SKIP_TYPES.has(type)) continue
    const dir = join(FIXTURES, type)
    let names: string[]
    try {
      names = readdirSync(dir).sort()
    } catch {
      continue // a file, not a folder
    }
    for (const name of names) {
      if (/secret/i.test(name)) named.push({type, name})
      else if (PLANTED.test(readFileSync(join(dir, name), 'utf8'))) planted.push({type, name})
    }
  }
  return {named, planted}
}

async function reportOrError(f: Fixture): Promise<string> {
  try {
    return JSON.stringify(await parseFixture(f.type, f.name))
  } catch (e) {
    // a refusal is fine; its message and hint must be as clean as a report
    if (!isIrmError(e)) throw e
    return JSON.stringify({message: e.message, hint: e.hint, file: e.file, path: e.path})
  }
}

const {named, planted} = fixtures()

describe('secrets: fixtures named *secret*', () => {
  it('the convention is in use', () => {
    expect(named.length).toBeGreaterThan(0)
  })
  for (const f of named) {
    it(`${f.type}/${f.name}`, async () => {
      const text = readFileSync(join(FIXTURES, f.type, f.name), 'utf8')
      expect(PLANTED.test(text), 'a *secret* fixture plants at least one PLANTED secret').toBe(true)
      expect(await reportOrError(f)).not.toMatch(PLANTED)
    })
  }
})

describe('secrets: other fixtures that plant secrets', () => {
  it('every format plants secrets somewhere in its fixtures', () => {
    expect(new Set([...named, ...planted].map((f) => f.type)).size).toBeGreaterThanOrEqual(14)
  })
  for (const f of planted) {
    it(`${f.type}/${f.name}`, async () => {
      expect(await reportOrError(f)).not.toMatch(PLANTED)
    })
  }
})
