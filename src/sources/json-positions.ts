/**
 * JSON with line numbers, for the cloud parsers (aws, azure, gcp, pulumi). A single linear scan builds
 * plain JS values and remembers, per object, the line of its `{` and of each key, so an exposure can
 * point at the rule object (or the resource's `urn`) in the exported file. Handles tens of MB: strings
 * without escapes are sliced, not decoded char by char; newlines only occur between tokens in JSON, so
 * lines are counted while skipping whitespace. Syntax errors throw IrmError('CONFIG_SYNTAX') with the
 * line and column, and never quote the text (it may hold secrets).
 */
import {IrmError} from '../core/errors.js'
import {MAX_NESTING} from '../core/limits.js'

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export interface PositionedJson {
  value: JsonValue
  /**
   * Line of an object's `{` / an array's `[`, or of `key` inside an object near the root (deeper: the
   * object's line); 0 when unknown.
   */
  lineOf(node: object, key?: string): number
}

// nesting deeper than this is junk, not an export (and would overflow the stack)
const MAX_DEPTH = MAX_NESTING
// key lines are kept near the root only (top-level keys; a checkpoint resource's `urn` is at depth 5)
const KEY_LINE_DEPTH = 6

// positions live on the values themselves under symbols (a WeakMap of millions of objects costs GC)
const LINE = Symbol('line')
const START = Symbol('start')
const KEY_INDEX = Symbol('keyIndex')

interface Positioned {
  [LINE]?: number
  /**
   * Offset of the `{` of an object near the root: its key lines are read again from there when first
   * asked (a few objects are; recording every key of 10^5 rule objects cost more than the parse's
   * own values).
   */
  [START]?: number
  [KEY_INDEX]?: Map<string, number>
}

export function parseJsonWithPositions(text: string): PositionedJson {
  const n = text.length
  let i = 0
  let line = 1
  let lineStart = 0

  const fail = (what: string): never => {
    throw new IrmError('CONFIG_SYNTAX', `invalid JSON: ${what}`, {
      line,
      column: i - lineStart + 1,
      hint: 'Export the configuration again as JSON (the file looks truncated or edited).',
    })
  }

  const skipWhitespace = () => {
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 0x0a) {
        line++
        lineStart = i + 1
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
        return
      }
      i++
    }
  }

  const readString = (): string => {
    // i is at the opening quote
    const start = ++i
    let escaped = false
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 0x22) break
      if (c === 0x5c) {
        escaped = true
        i += 2
        continue
      }
      if (c < 0x20) fail('control character inside a string')
      i++
    }
    if (i >= n) fail('unterminated string')
    const end = i++
    if (!escaped) return text.slice(start, end)
    try {
      return JSON.parse(text.slice(start - 1, end + 1)) as string
    } catch {
      return fail('bad escape in a string')
    }
  }

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply')
    skipWhitespace()
    if (i >= n) fail('unexpected end of file')
    const c = text.charCodeAt(i)
    if (c === 0x7b) return readObject(depth)
    if (c === 0x5b) return readArray(depth)
    if (c === 0x22) return readString()
    if (text.startsWith('true', i)) {
      i += 4
      return true
    }
    if (text.startsWith('false', i)) {
      i += 5
      return false
    }
    if (text.startsWith('null', i)) {
      i += 4
      return null
    }
    NUMBER.lastIndex = i
    const m = NUMBER.exec(text)
    if (!m) return fail('unexpected character')
    i += m[0].length
    return Number(m[0])
  }

  const readObject = (depth: number): JsonObject => {
    const obj: JsonObject = {}
    // symbol keys stay out of Object.keys, for…in and JSON.stringify
    ;(obj as Positioned)[LINE] = line
    if (depth < KEY_LINE_DEPTH) (obj as Positioned)[START] = i
    i++
    skipWhitespace()
    if (text.charCodeAt(i) === 0x7d) {
      i++
      return obj
    }
    for (;;) {
      skipWhitespace()
      if (text.charCodeAt(i) !== 0x22) fail('expected a key')
      const key = readString()
      skipWhitespace()
      if (text.charCodeAt(i) !== 0x3a) fail("expected ':'")
      i++
      const value = readValue(depth + 1)
      // a "__proto__" key must stay data, never become the prototype
      if (key === '__proto__') Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
      else obj[key] = value
      skipWhitespace()
      const d = text.charCodeAt(i)
      i++
      if (d === 0x2c) continue
      if (d === 0x7d) return obj
      i--
      fail("expected ',' or '}'")
    }
  }

  const readArray = (depth: number): JsonValue[] => {
    const arr: JsonValue[] = []
    ;(arr as Positioned)[LINE] = line
    i++
    skipWhitespace()
    if (text.charCodeAt(i) === 0x5d) {
      i++
      return arr
    }
    for (;;) {
      arr.push(readValue(depth + 1))
      skipWhitespace()
      const d = text.charCodeAt(i)
      i++
      if (d === 0x2c) continue
      if (d === 0x5d) return arr
      i--
      fail("expected ',' or ']'")
    }
  }

  /**
   * The line of each key of the object whose `{` is at `start` (a repeated key: its last), read from the
   * text again: the document parsed, so it is well formed; strings hold no newline.
   */
  const keyLinesFrom = (start: number, startLine: number): Map<string, number> => {
    const out = new Map<string, number>()
    let j = start + 1
    let ln = startLine
    let depth = 0
    let expectKey = true
    while (j < n) {
      const c = text.charCodeAt(j)
      if (c === 0x0a) ln++
      else if (c === 0x22) {
        const from = j++
        let escaped = false
        while (j < n && text.charCodeAt(j) !== 0x22) {
          if (text.charCodeAt(j) === 0x5c) {
            escaped = true
            j++
          }
          j++
        }
        if (depth === 0 && expectKey) {
          out.set(escaped ? (JSON.parse(text.slice(from, j + 1)) as string) : text.slice(from + 1, j), ln)
          expectKey = false
        }
      } else if (c === 0x7b || c === 0x5b) depth++
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break
        depth--
      } else if (c === 0x2c && depth === 0) expectKey = true
      j++
    }
    return out
  }

  const value = readValue(0)
  skipWhitespace()
  if (i < n) fail('extra text after the JSON value')
  return {
    value,
    lineOf(node: object, key?: string): number {
      const p = node as Positioned
      const line = p[LINE] ?? 0
      if (key === undefined) return line
      let index = p[KEY_INDEX]
      if (!index) {
        const start = p[START]
        if (start === undefined) return line
        index = keyLinesFrom(start, line)
        p[KEY_INDEX] = index
      }
      return index.get(key) ?? line
    },
  }
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function asArray(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : []
}

export function asObjects(v: JsonValue | undefined): JsonObject[] {
  return asArray(v).filter(isObject)
}

/** A string or number field as a string (clouds mix `"22"` and `22`); undefined otherwise. */
export function asText(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  return undefined
}

export function asStrings(v: JsonValue | undefined): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) {
    const t = asText(v)
    return t === undefined ? [] : [t]
  }
  const out: string[] = []
  for (const x of v) {
    const t = asText(x)
    if (t !== undefined) out.push(t)
  }
  return out
}
