/**
 * JSON text of values as `JSON.stringify(value, null, 2)` writes them at a given place in a document, or
 * as `JSON.stringify(value)` writes them: for writers that put rows together as text (the parse report's
 * exposure rows) instead of handing JSON.stringify an object per row.
 *
 * The text goes out as pieces (`TextSink`), joined once by whoever collects them: a piece is often a
 * string of the model itself (a rule's text between its quotes), never copied on the way.
 *
 * A place is `nl`: the newline and indent of the line a value starts on (`'\n    '`), or '' for compact
 * JSON. A value `d` levels deeper than that line starts on `lineAt(d)`.
 */

/** Where text goes, a piece at a time. */
export interface TextSink {
  push(s: string): void
}

/** A TextSink that collects pieces into one string. */
export class TextBuffer implements TextSink {
  private parts: string[] = []
  push(s: string): void {
    this.parts.push(s)
  }

  /** The text so far, and the buffer emptied. */
  take(): string {
    const s = this.parts.join('')
    this.parts = []
    return s
  }
}

/** A code unit JSON.stringify escapes: a control character, `"`, `\`, or a surrogate (it escapes lone ones). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

/** Whether JSON.stringify writes `s` as it is, between quotes: a loop for short strings, a regex scan beyond. */
export function isPlain(s: string): boolean {
  if (s.length > 16) return !ESCAPED.test(s)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false
  }
  return true
}

/**
 * Writes JSON.stringify(s): most strings hold nothing to escape and go out between quotes as they are;
 * the others (a surrogate pair included) are left to JSON.stringify.
 */
export function writeString(out: TextSink, s: string): void {
  if (!isPlain(s)) out.push(JSON.stringify(s))
  else {
    out.push('"')
    out.push(s)
    out.push('"')
  }
}

/**
 * Writes `key` (text that ends where a string value starts) and JSON.stringify(s), with `keyQuote`
 * (`key` and the opening quote) for a string written as it is: a piece less.
 */
export function writeKeyString(out: TextSink, key: string, keyQuote: string, s: string): void {
  if (isPlain(s)) {
    out.push(keyQuote)
    out.push(s)
    out.push('"')
  } else {
    out.push(key)
    out.push(JSON.stringify(s))
  }
}

/** JSON.stringify(s), as one string. */
export function jsonString(s: string): string {
  return isPlain(s) ? `"${s}"` : JSON.stringify(s)
}

/** A value as JSON.stringify sees it for the property `key`: toJSON applied, once. */
export function resolved(v: unknown, key: string): unknown {
  if (v !== null && (typeof v === 'object' || typeof v === 'bigint')) {
    const toJSON = (v as {toJSON?: unknown}).toJSON
    if (typeof toJSON === 'function') return toJSON.call(v, key)
  }
  return v
}

/** A resolved value JSON.stringify leaves out of an object (and writes as null in an array). */
export const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol'

/**
 * Writes values below the line `nl`, with the separators of each depth made once: depth 0 is the line
 * itself, depth d the members d levels in.
 */
export class JsonWriter {
  readonly colon: string
  private readonly lines: string[] = []
  private readonly opens: string[] = []
  private readonly commas: string[] = []
  private readonly arrayCloses: string[] = []
  private readonly objectCloses: string[] = []
  private readonly keys: Array<Map<string, string>> = []

  constructor(readonly nl: string) {
    this.colon = nl ? ': ' : ':'
  }

  /** The newline and indent `d` levels below `nl` ('' in compact JSON). */
  lineAt(d: number): string {
    return (this.lines[d] ??= this.nl && this.nl + '  '.repeat(d))
  }

  /** `,` and the line of a member of a value at depth d. */
  comma(d: number): string {
    return (this.commas[d] ??= `,${this.lineAt(d + 1)}`)
  }

  /** `,` (or `{` for the first key), the line of a member of an object at depth d, the key and the colon. */
  key(d: number, key: string, first: boolean): string {
    const keys = (this.keys[2 * d + (first ? 1 : 0)] ??= new Map())
    let text = keys.get(key)
    if (text === undefined) keys.set(key, (text = `${first ? '{' : ','}${this.lineAt(d + 1)}${jsonString(key)}${this.colon}`))
    return text
  }

  /** `[` and the line of the first element of an array at depth d. */
  opening(d: number): string {
    return (this.opens[d] ??= `[${this.lineAt(d + 1)}`)
  }

  /** The closing `]` of an array at depth d that has elements. */
  arrayClose(d: number): string {
    return (this.arrayCloses[d] ??= `${this.lineAt(d)}]`)
  }

  /** The closing `}` of an object at depth d that has keys. */
  objectClose(d: number): string {
    return (this.objectCloses[d] ??= `${this.lineAt(d)}}`)
  }

  /**
   * Writes `v` (already resolved) at depth d, as JSON.stringify does; false, and nothing written, when
   * JSON.stringify leaves it out.
   */
  value(out: TextSink, v: unknown, d: number): boolean {
    switch (typeof v) {
      case 'string':
        writeString(out, v)
        return true
      case 'number':
        out.push(Number.isFinite(v) ? String(v) : 'null')
        return true
      case 'boolean':
        out.push(v ? 'true' : 'false')
        return true
      case 'object':
        if (v === null) out.push('null')
        else if (Array.isArray(v)) this.array(out, v, d)
        // boxed primitives are written as their value
        else if (v instanceof Number || v instanceof String || v instanceof Boolean) out.push(JSON.stringify(v))
        else this.object(out, v as Record<string, unknown>, d)
        return true
      case 'bigint':
        // throws, as JSON.stringify does (unless a toJSON said otherwise: then it writes what that made)
        out.push(JSON.stringify(v))
        return true
      default:
        return false
    }
  }

  /** Writes the array `a` at depth d: what JSON leaves out of an object is `null` in an array. */
  array(out: TextSink, a: readonly unknown[], d: number): void {
    if (a.length === 0) return out.push('[]')
    for (let i = 0; i < a.length; i++) {
      out.push(i ? this.comma(d) : this.opening(d))
      const v = a[i]
      if (typeof v === 'string') writeString(out, v)
      else if (!this.value(out, resolved(v, String(i)), d + 1)) out.push('null')
    }
    out.push(this.arrayClose(d))
  }

  /** Writes the object `o` at depth d: its own enumerable keys in their order. */
  object(out: TextSink, o: Record<string, unknown>, d: number): void {
    let first = true
    for (const key of Object.keys(o)) {
      const v = resolved(o[key], key)
      if (omitted(v)) continue
      out.push(this.key(d, key, first))
      first = false
      this.value(out, v, d + 1)
    }
    out.push(first ? '{}' : this.objectClose(d))
  }

  /** The text of a list of strings none of which JSON escapes (CIDRs, port ranges) at depth d. */
  plainStrings(list: readonly string[], d: number): string {
    if (list.length === 0) return '[]'
    return `${this.opening(d)}"${list.join(`"${this.comma(d)}"`)}"${this.arrayClose(d)}`
  }
}

/** JSON.stringify(v, null, 2) of `v` on the line `nl` ('' : JSON.stringify(v)) as `key`'s value; undefined where JSON writes nothing. */
export function jsonText(v: unknown, nl: string, key = ''): string | undefined {
  const out = new TextBuffer()
  return new JsonWriter(nl).value(out, resolved(v, key), 0) ? out.take() : undefined
}
