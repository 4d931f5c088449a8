/**
 * JSON log documents read as a stream of records, never as one string: CloudTrail as AWS delivers it
 * (`{"Records":[…]}`, one minified line, gzipped), Azure/Graph exports (`{"value":[…]}`, diagnostic
 * `{"records":[…]}`), a top-level array, or one JSON object per line. A byte-level scanner finds each
 * record's bounds (strings and escapes respected) and hands its text to JSON.parse; a record over
 * MAX_RECORD is skipped and counted, and the whole document is bounded by the decompressed-bytes cap.
 * (A streaming JSON library would not give record lines or a per-record cap.)
 */
import {type ReadLimits, readChunks} from './stream.js'

export const MAX_RECORD = 1 << 20

export interface JsonRecord {
  value: unknown
  /** Line where the record starts (1 for a minified document). */
  line: number
}

export interface JsonRecordStats {
  records: number
  tooLong: number
  invalid: Array<{line: number; reason: string}>
}

/** Keys whose array value holds the records. */
const CONTAINERS = new Set(['records', 'value'])

const QUOTE = 0x22
const BACKSLASH = 0x5c
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const NL = 0x0a

export async function* readJsonRecords(path: string, display: string, stats: JsonRecordStats, limits: ReadLimits = {}): AsyncGenerator<JsonRecord[]> {
  let depth = 0
  let inString = false
  let escape = false
  let line = 1
  // depth at which records start (1: top-level array or JSON lines objects at 0 → see below)
  let recordDepth = -1
  // a top-level object that may be a record (JSON lines) or a container
  let topIsObject = false
  // capture of the current record
  let capturing = false
  let parts: Buffer[] = []
  let size = 0
  let overflow = false
  let startLine = 0
  // last string seen directly inside the top-level object (its keys), first 16 bytes
  let keyBytes: number[] = []
  let keyActive = false
  const finishRecord = (out: JsonRecord[]) => {
    capturing = false
    if (overflow) {
      stats.tooLong++
    } else {
      const text = Buffer.concat(parts).toString('utf8')
      try {
        out.push({value: JSON.parse(text), line: startLine})
        stats.records++
      } catch {
        if (stats.invalid.length < 100) stats.invalid.push({line: startLine, reason: 'not valid JSON'})
      }
    }
    parts = []
    size = 0
    overflow = false
  }
  for await (const chunk of readChunks(path, display, limits)) {
    const out: JsonRecord[] = []
    let from = 0
    const n = chunk.length
    for (let i = 0; i < n; i++) {
      const c = chunk[i]
      if (c === NL) line++
      if (inString) {
        if (escape) escape = false
        else if (c === BACKSLASH) escape = true
        else if (c === QUOTE) {
          inString = false
          keyActive = false
        } else if (keyActive && keyBytes.length < 16) keyBytes.push(c)
        continue
      }
      if (c === QUOTE) {
        inString = true
        if (topIsObject && depth === 1) {
          keyActive = true
          keyBytes = []
        }
      } else if (c === LBRACE || c === LBRACKET) {
        if (depth === 0) {
          topIsObject = c === LBRACE
          // a top-level object is a candidate record until it turns out to hold a records array
          recordDepth = c === LBRACE ? 0 : 1
        } else if (topIsObject && depth === 1 && c === LBRACKET && recordDepth === 0 && CONTAINERS.has(Buffer.from(keyBytes).toString('latin1').toLowerCase())) {
          // `{"Records": [` — the object was a container: drop its capture, records are one level down
          capturing = false
          parts = []
          size = 0
          overflow = false
          recordDepth = 2
        }
        if (depth === recordDepth && c === LBRACE && !capturing) {
          capturing = true
          startLine = line
          from = i
        }
        depth++
      } else if (c === RBRACE || c === RBRACKET) {
        depth--
        if (capturing && depth === recordDepth && c === RBRACE) {
          append(chunk.subarray(from, i + 1))
          finishRecord(out)
        }
        if (depth <= 0) {
          depth = 0
          topIsObject = false
          recordDepth = -1
        }
      }
    }
    if (capturing) {
      append(chunk.subarray(from))
      from = 0
    }
    if (out.length) yield out
  }
  if (capturing) stats.invalid.push({line: startLine, reason: 'the document ends inside a record (truncated?)'})

  function append(part: Buffer) {
    if (overflow) return
    if (size + part.length > MAX_RECORD) {
      overflow = true
      parts = []
      return
    }
    // copy: the chunk must not stay referenced past this call
    parts.push(Buffer.from(part))
    size += part.length
  }
}
