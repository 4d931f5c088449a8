/**
 * The one input reader for live configs: bytes → text. UTF-8 (with or without BOM) and UTF-16 (LE/BE,
 * with a BOM, or without one as Windows PowerShell `>` and some exports write it) become a string; other
 * bytes with NULs are binary junk, invalid UTF-8 is an error naming the line.
 */
import {IrmError} from '../core/errors.js'

/** JavaScript's white space (`\s`, what String.prototype.trim removes): WhiteSpace and LineTerminator. */
export function isWhiteSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13)
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

export type InputEncoding = 'utf-8' | 'utf-16le' | 'utf-16be'

/**
 * The encoding the bytes announce (BOM) or show: text in UTF-16 has a NUL in every other byte for
 * ASCII characters. Judged on the first 4 KiB; a binary file has NULs too, but not on one parity only.
 */
export function sniffEncoding(buf: Uint8Array): {encoding: InputEncoding; bom: number} {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return {encoding: 'utf-8', bom: 3}
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return {encoding: 'utf-16le', bom: 2}
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return {encoding: 'utf-16be', bom: 2}
  const n = Math.min(buf.length, 4096) & ~1
  if (n < 4) return {encoding: 'utf-8', bom: 0}
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++
    if (buf[i + 1] === 0) oddNul++
  }
  const pairs = n / 2
  // ASCII-heavy UTF-16: most pairs have exactly one NUL, always on the same side
  if (oddNul >= pairs * 0.6 && evenNul === 0) return {encoding: 'utf-16le', bom: 0}
  if (evenNul >= pairs * 0.6 && oddNul === 0) return {encoding: 'utf-16be', bom: 0}
  return {encoding: 'utf-8', bom: 0}
}

/** Decode a config file's bytes; `display` names the file in errors. */
export function decodeInput(buf: Uint8Array, display: string): string {
  const {encoding, bom} = sniffEncoding(buf)
  const body = buf.subarray(bom)
  if (encoding !== 'utf-8') {
    let text: string
    try {
      text = new TextDecoder(encoding, {fatal: true}).decode(body)
    } catch {
      throw new IrmError('INPUT_ENCODING', `the file is not valid ${encoding.toUpperCase()}`, {
        file: display,
        hint: 'Convert it to UTF-8 (e.g. iconv -f utf-16 -t utf-8).',
      })
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  }
  const nul = body.indexOf(0)
  if (nul >= 0) {
    const line = Buffer.from(body.subarray(0, nul)).toString('latin1').split('\n').length
    throw new IrmError('INPUT_ENCODING', 'this is a binary file, not a text config', {
      file: display,
      line,
      hint: 'Export the configuration as text (or JSON/XML) and point irm-audit at that file.',
    })
  }
  try {
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(body)
  } catch {
    throw new IrmError('INPUT_ENCODING', 'the file is not valid UTF-8', {
      file: display,
      line: badUtf8Line(body),
      hint: 'Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8).',
    })
  }
}

function badUtf8Line(buf: Uint8Array): number {
  let line = 1
  let start = 0
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      try {
        new TextDecoder('utf-8', {fatal: true}).decode(buf.subarray(start, i))
      } catch {
        return line
      }
      line++
      start = i + 1
    }
  }
  return line
}

/** One file of a config: its display path and decoded text (a config and its includes, a device in two exports). */
export interface InputFile {
  file: string
  text: string
}

/** One line of input: where it is (file, 1-based line, byte offset of its start in that file) and its text. */
export interface InputLine {
  file: string
  line: number
  /** Byte offset (UTF-8) of the line's first character in its file. */
  offset: number
  /** The line without its end (`\n` or `\r\n`). */
  text: string
}

/**
 * The lines of one text, one at a time and without an array of them (the streaming form of inputLines,
 * which is built on it): `\r\n` and `\n` both end a line, a lone `\r` does not (Cisco banners use it
 * inside a line). Every line is visited, the empty one after a final newline too (inputLines drops it).
 * A reader keeps `start`/`end` offsets, or slices `body` (V8 keeps a long slice as a view of the text).
 */
export class LineCursor {
  /** 1-based number of the current line (0 before the first `next`). */
  line = 0
  /** Offsets (UTF-16 code units) of the current line in the text; `end` excludes the line end. */
  start = 0
  end = 0
  /** Where the next line starts; past the end once the last line is read. */
  private at = 0

  constructor(readonly text: string) {}

  /** Move to the next line; false when there is none. */
  next(): boolean {
    const text = this.text
    if (this.at > text.length) return false
    let nl = text.indexOf('\n', this.at)
    if (nl < 0) nl = text.length
    this.start = this.at
    this.end = nl > this.at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
    this.at = nl + 1
    this.line++
    return true
  }

  /** The last line was read (nothing follows the current one). */
  get last(): boolean {
    return this.at > this.text.length
  }

  /** The current line's text, without its end. */
  get body(): string {
    return this.text.slice(this.start, this.end)
  }
}

/**
 * The lines of one or several files, in order, each with its file, line and byte offset. `\r\n` and
 * `\n` both end a line; a lone `\r` does not (Cisco banners use it inside a line).
 */
export function inputLines(inputs: InputFile | readonly InputFile[]): InputLine[] {
  const out: InputLine[] = []
  for (const {file, text} of Array.isArray(inputs) ? inputs : [inputs as InputFile]) {
    const ascii = !/[^\x00-\x7f]/.test(text)
    const lines = new LineCursor(text)
    let offset = 0
    let counted = 0
    while (lines.next()) {
      // a final newline ends the last line; it does not start an empty one
      if (lines.last && lines.start === text.length && lines.line > 1) break
      offset += ascii ? lines.start - counted : Buffer.byteLength(text.slice(counted, lines.start))
      counted = lines.start
      out.push({file, line: lines.line, offset, text: lines.body})
    }
  }
  return out
}
