/**
 * `JSON.stringify(value, null, 2)` written as a sequence of chunks, so a big report never exists as one
 * string: objects are written key by key, arrays a batch of elements at a time, a `LazyArray` makes its
 * elements only when the writer reaches them, and a `TextArray` writes its elements as text itself (the
 * parse report's exposure rows, written one at a time from the model). The bytes are exactly
 * JSON.stringify's (tests/report/json-stream.test.ts compares both): any other element is written by
 * JSON.stringify itself, a batch per call, inside arrays nested as deep as the element's indent, so that
 * JSON.stringify indents it as the whole report would.
 */

import {TextBuffer, type TextSink} from './json-text.js'

/** About this many UTF-16 code units per chunk: big enough that a write is not per row. */
export const CHUNK = 1 << 16

/** Elements per JSON.stringify call: one call per row costs more than the row. */
const BATCH = 64

/**
 * An array whose elements exist a batch at a time: `slice(start, end)` returns the values of elements
 * `start` to `end - 1`, as JSON.stringify would see them.
 */
export class LazyArray {
  constructor(
    readonly length: number,
    readonly slice: (start: number, end: number) => unknown[],
    /**
     * Elements made at once; 1 writes each element key by key (its arrays a batch at a time), so that
     * an element of megabytes (a reach path) is never one string.
     */
    readonly batch = BATCH,
  ) {}

  /** Where the writer does not walk (inside an element it hands to JSON.stringify): every element at once. */
  toJSON(): unknown[] {
    return this.slice(0, this.length)
  }
}

/**
 * An array whose elements come as JSON text: `write(i, nl, out)` writes element `i` as
 * JSON.stringify(…, null, 2) writes it on the line `nl` (a newline and the element's indent), or as
 * JSON.stringify writes it when `nl` is '' (json-text.ts). The writer puts the text in place as it is:
 * no object per element.
 */
export class TextArray {
  constructor(
    readonly length: number,
    readonly write: (i: number, nl: string, out: TextSink) => void,
  ) {}

  /** Where the writer does not walk (inside an element it hands to JSON.stringify): the elements, read back. */
  toJSON(): unknown[] {
    const out = new TextBuffer()
    out.push('[')
    for (let i = 0; i < this.length; i++) {
      if (i) out.push(',')
      this.write(i, '', out)
    }
    out.push(']')
    return JSON.parse(out.take()) as unknown[]
  }
}

/**
 * The elements of `items`, as JSON.stringify(…, null, 2) writes them inside an array whose elements
 * are at `indent` (an even number of spaces), separated by `,\n<indent>`. Wrapping the list in arrays
 * as deep as the indent makes JSON.stringify write the elements at that indent; the wrapping brackets
 * are cut off again.
 */
export function elementsAt(items: unknown[], indent: string): string {
  const depth = indent.length / 2
  let value: unknown = items
  let open = 0
  let close = 0
  for (let d = 1; d <= depth; d++) {
    if (d > 1) value = [value]
    // `[\n` and the next level's indent; `\n`, the outer indent and `]`
    open += 2 + 2 * d
    close += 2 + 2 * (d - 1)
  }
  const s = JSON.stringify(value, null, 2)
  return s.slice(open, s.length - close)
}

/**
 * Collects strings and hands them out in chunks of about `size` code units. Appended with `+=`: a row
 * is a dozen small pieces, and V8's rope strings take them for less than an array joined per chunk.
 */
class Chunker implements TextSink {
  private text = ''
  constructor(private readonly size: number) {}

  push(s: string): void {
    this.text += s
  }

  full(): boolean {
    return this.text.length >= this.size
  }

  take(): string {
    const s = this.text
    this.text = ''
    return s
  }
}

/** An object JSON.stringify writes key by key (not an array, not a boxed primitive). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LazyArray) && !(v instanceof TextArray) && !(v instanceof Number || v instanceof String || v instanceof Boolean)
}

/** The value JSON.stringify serializes for `key`: toJSON applied. */
function jsonValue(v: unknown, key: string): unknown {
  if (v instanceof LazyArray || v instanceof TextArray) return v
  return typeof v === 'object' && v !== null && typeof (v as {toJSON?: unknown}).toJSON === 'function' ? (v as {toJSON(k: string): unknown}).toJSON(key) : v
}

/** Writes an array (or LazyArray, TextArray) at `indent`, a batch of elements at a time. */
function* writeArray(value: unknown[] | LazyArray | TextArray, indent: string, out: Chunker): Generator<string, void, undefined> {
  if (value.length === 0) return out.push('[]')
  const inner = `${indent}  `
  out.push(`[\n${inner}`)
  if (value instanceof TextArray) {
    const nl = `\n${inner}`
    const comma = `,${nl}`
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(comma)
      value.write(i, nl, out)
      if (out.full()) yield out.take()
    }
    return out.push(`\n${indent}]`)
  }
  const batch = value instanceof LazyArray ? value.batch : BATCH
  if (batch === 1) {
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(`,\n${inner}`)
      const v = jsonValue((value as LazyArray).slice(i, i + 1)[0], String(i))
      if (isRecord(v)) yield* writeObject(v, inner, out)
      else out.push(elementsAt([v], inner))
      if (out.full()) yield out.take()
    }
    return out.push(`\n${indent}]`)
  }
  for (let start = 0; start < value.length; start += batch) {
    const end = Math.min(start + batch, value.length)
    if (start) out.push(`,\n${inner}`)
    out.push(elementsAt(value instanceof LazyArray ? value.slice(start, end) : value.slice(start, end), inner))
    if (out.full()) yield out.take()
  }
  out.push(`\n${indent}]`)
}

/** Writes an object at `indent` key by key, yielding whenever a chunk is full. */
function* writeObject(value: Record<string, unknown>, indent: string, out: Chunker): Generator<string, void, undefined> {
  const inner = `${indent}  `
  let first = true
  for (const key of Object.keys(value)) {
    const v = jsonValue(value[key], key)
    // what JSON.stringify leaves out of an object
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    out.push(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `)
    first = false
    if (Array.isArray(v) || v instanceof LazyArray || v instanceof TextArray) yield* writeArray(v, inner, out)
    else if (isRecord(v)) yield* writeObject(v, inner, out)
    else out.push(JSON.stringify(v))
    if (out.full()) yield out.take()
  }
  out.push(first ? '{}' : `\n${indent}}`)
}

/**
 * `JSON.stringify(value, null, 2)` (LazyArray and TextArray elements made in place) as chunks of about
 * `size` code units; nothing when JSON has no text for the value.
 */
export function* jsonChunks(value: unknown, size = CHUNK): Generator<string, void, undefined> {
  const out = new Chunker(size)
  const v = jsonValue(value, '')
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return
  if (Array.isArray(v) || v instanceof LazyArray || v instanceof TextArray) yield* writeArray(v, '', out)
  else if (isRecord(v)) yield* writeObject(v, '', out)
  else out.push(JSON.stringify(v))
  const rest = out.take()
  if (rest) yield rest
}
