import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {isObject, parseJsonWithPositions} from '../../src/sources/json-positions.js'

describe('json-positions', () => {
  it('reads the same values as JSON.parse, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, indent) => {
        const text = JSON.stringify(v, null, indent ? 2 : undefined)
        // compared as JSON: positions are symbol keys, outside JSON.stringify by design
        expect(JSON.stringify(parseJsonWithPositions(text).value)).toBe(JSON.stringify(JSON.parse(text)))
      }),
      {numRuns: 300},
    )
  })

  it('gives key lines read back from the text: escaped keys, brackets inside strings, a repeated key', () => {
    const text = '{\n "a": "x{[\\"",\n "b\\u0041": {"c": [1, {"d": 2}]},\n\n "a": 3,\n "e": "}",\n "f": {\n  "g": 1}\n}'
    const json = parseJsonWithPositions(text)
    const root = json.value as Record<string, unknown>
    // the last of a repeated key, as the value is
    expect(json.lineOf(root, 'a')).toBe(5)
    expect(json.lineOf(root, 'bA')).toBe(3)
    expect(json.lineOf(root, 'e')).toBe(6)
    expect(json.lineOf(root, 'f')).toBe(7)
    // a key of a nested object is not a key of the root: the root's line
    expect(json.lineOf(root, 'c')).toBe(1)
    expect(json.lineOf(root.bA as object, 'c')).toBe(3)
    expect(json.lineOf(root.f as object, 'g')).toBe(8)
    expect(json.lineOf(root, 'missing')).toBe(1)
  })

  it('gives the line of objects, arrays and keys', () => {
    const text = '{\n  "a": 1,\n  "list": [\n    {"urn": "x",\n     "b": 2}\n  ]\n}\n'
    const json = parseJsonWithPositions(text)
    const root = json.value
    if (!isObject(root) || !Array.isArray(root.list) || !isObject(root.list[0])) throw new Error('shape')
    expect(json.lineOf(root)).toBe(1)
    expect(json.lineOf(root, 'list')).toBe(3)
    expect(json.lineOf(root.list)).toBe(3)
    expect(json.lineOf(root.list[0])).toBe(4)
    expect(json.lineOf(root.list[0], 'b')).toBe(5)
    // positions never leak into the values
    expect(Object.keys(root.list[0])).toEqual(['urn', 'b'])
    expect(JSON.stringify(root)).toBe('{"a":1,"list":[{"urn":"x","b":2}]}')
  })

  it('keeps "__proto__" as data', () => {
    const json = parseJsonWithPositions('{"__proto__": {"polluted": true}}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(json.value as object)).toEqual(['__proto__'])
  })

  it('bad JSON is CONFIG_SYNTAX with line and column, never quoting the text', () => {
    for (const [text, line] of [
      ['{\n  "psk": "S3cr3t-PLANTED"\n  "b": 1\n}', 3],
      ['[1, 2,\n', 2],
      ['{"a": tru}', 1],
      ['\u0001', 1],
      ['{} {}', 1],
      ['"unterminated', 1],
    ] as const) {
      let err: unknown
      try {
        parseJsonWithPositions(text)
      } catch (e) {
        err = e
      }
      expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX').toBe(true)
      expect((err as {line?: number}).line).toBe(line)
      expect((err as Error).message).not.toMatch(/PLANTED/)
    }
  })

  it('deep nesting is an error, not a stack overflow', () => {
    let err: unknown
    try {
      parseJsonWithPositions('['.repeat(100_000))
    } catch (e) {
      err = e
    }
    expect(isIrmError(err)).toBe(true)
  })
})
