/**
 * Streaming reader for logs: plain or gzip (by magic bytes, not by name), split into lines at the byte
 * level, never the whole file in memory. Caps (documented in the README's logs section):
 * - a line longer than MAX_LINE (1 MiB) is never buffered whole: its bytes are dropped as they arrive
 *   and the line is counted (`tooLong`), so a file of one 1.5 GB line reads in constant memory;
 * - the decompressed bytes of one file stop at `maxBytes` (DEFAULT_MAX_LOG_BYTES, 4 GiB; `--max-log-bytes`)
 *   with a clear error, so a small gzip bomb cannot run for minutes;
 * - blank lines are counted, never turned into strings, so a gzip of newlines is a tight byte loop.
 */
import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {pipeline} from 'node:stream'
import {createGunzip} from 'node:zlib'

import {IrmError} from '../core/errors.js'

export interface LogLine {
  text: string
  /** 1-based line number in the (decompressed) file. */
  line: number
}

export const MAX_LINE = 1 << 20
export const DEFAULT_MAX_LOG_BYTES = 4 * 1024 ** 3

export interface ReadLimits {
  /** Decompressed bytes read from one file before giving up. */
  maxBytes?: number
}

/** What the reader dropped, for the report. */
export interface LineStats {
  tooLong: number
  firstTooLong?: number
}

async function isGzip(path: string, display: string): Promise<boolean> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (e) {
    throw new IrmError('INPUT_NOT_FOUND', `cannot read the log: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {file: display, hint: 'Check the path.'})
  }
  try {
    const {buffer, bytesRead} = await fh.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } catch (e) {
    throw new IrmError('INPUT_UNREADABLE', `cannot read the log: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {file: display, hint: 'Give a regular file.'})
  } finally {
    await fh.close()
  }
}

export function tooLargeError(display: string, maxBytes: number): IrmError {
  return new IrmError('INPUT_TOO_LARGE', `the log is over ${humanBytes(maxBytes)} once decompressed`, {
    file: display,
    hint: 'Split it (by day or by hour), or raise the cap with --max-log-bytes if the file is genuine.',
  })
}

function humanBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`
  return `${n} bytes`
}

/**
 * The decompressed bytes of a log, chunk by chunk, stopped at the cap. Read errors (a truncated gzip, a
 * folder given as a file) become a clear error naming the file.
 */
export async function* readChunks(path: string, display: string, limits: ReadLimits = {}): AsyncGenerator<Buffer> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_LOG_BYTES
  const gz = await isGzip(path, display)
  const raw = createReadStream(path, {highWaterMark: 1 << 20})
  const input = gz ? pipeline(raw, createGunzip({chunkSize: 1 << 18}), () => {}) : raw
  let bytes = 0
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > maxBytes) throw tooLargeError(display, maxBytes)
      yield chunk
    }
  } catch (e) {
    if (e instanceof IrmError) throw e
    throw new IrmError('INPUT_UNREADABLE', gz ? 'the gzip stream is corrupt or truncated' : `cannot read the log (${(e as NodeJS.ErrnoException).code ?? (e as Error).name})`, {
      file: display,
      hint: gz ? 'Check it with gzip -t, or give the uncompressed file.' : 'Check the file.',
    })
  } finally {
    raw.destroy()
    if (input !== raw) input.destroy()
  }
}

export interface SplitOptions extends ReadLimits {
  /** Keep the first `truncate` bytes of an over-long line instead of dropping it (format detection). */
  truncate?: number
}

/**
 * Non-blank lines in batches (one batch per decompressed chunk: cheap to iterate). Lines over MAX_LINE
 * are dropped and counted in `stats`; a trailing `\r` is removed.
 */
export async function* readLineBatches(path: string, display: string, stats: LineStats = {tooLong: 0}, options: SplitOptions = {}): AsyncGenerator<LogLine[]> {
  const limit = options.truncate ?? MAX_LINE
  let pending: Buffer[] = []
  let pendingLen = 0
  // the current line went over the limit: its remaining bytes are skipped
  let over = false
  let line = 0
  const finish = (out: LogLine[], last: Buffer | undefined) => {
    line++
    if (over) {
      over = false
      pending = []
      pendingLen = 0
      return
    }
    const buf = pendingLen === 0 ? last : Buffer.concat(last ? [...pending, last] : pending)
    pending = []
    pendingLen = 0
    if (buf && !(buf.length === 0 || (buf.length === 1 && buf[0] === 13))) out.push({text: decode(buf), line})
  }
  const overflow = (part: Buffer, out: LogLine[]) => {
    if (options.truncate !== undefined) {
      // the prefix, for detection, given at once: the rest of the line may never come
      out.push({text: decode(Buffer.concat([...pending, part.subarray(0, limit - pendingLen)])), line: line + 1})
      pending = []
      pendingLen = 0
    } else {
      pending = []
      pendingLen = 0
      stats.tooLong++
      stats.firstTooLong ??= line + 1
    }
    over = true
  }
  for await (const chunk of readChunks(path, display, options)) {
    const out: LogLine[] = []
    let start = 0
    const n = chunk.length
    while (start < n) {
      // runs of blank lines: count them without a search call each
      if (!over && pendingLen === 0) {
        let i = start
        while (i < n && (chunk[i] === 10 || chunk[i] === 13)) {
          if (chunk[i] === 10) line++
          i++
        }
        start = i
        if (start >= n) break
      }
      const nl = chunk.indexOf(10, start)
      const end = nl < 0 ? n : nl
      if (over) {
        // skipping the rest of an over-long line
      } else if (pendingLen + (end - start) > limit) {
        overflow(chunk.subarray(start, end), out)
      } else if (nl >= 0) {
        finish(out, chunk.subarray(start, end))
        start = nl + 1
        continue
      } else {
        // copy: the chunk itself must not stay referenced by a short pending tail
        pending.push(Buffer.from(chunk.subarray(start, end)))
        pendingLen += end - start
      }
      if (nl < 0) break
      finish(out, undefined)
      start = nl + 1
    }
    if (out.length) yield out
  }
  if (pendingLen > 0 || over) {
    const out: LogLine[] = []
    finish(out, undefined)
    if (out.length) yield out
  }
}

function decode(buf: Buffer): string {
  const end = buf.length > 0 && buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length
  return buf.toString('utf8', 0, end)
}

/** One line at a time (for callers that do little per line). */
export async function* readLines(path: string, display: string, stats?: LineStats, limits: ReadLimits = {}): AsyncGenerator<LogLine> {
  for await (const batch of readLineBatches(path, display, stats, limits)) yield* batch
}

/** Bytes read for format detection at most: a head that is all blank lines does not read the whole file. */
const HEAD_BYTES = 16 * 1024 * 1024
/** Each head line is cut here: a one-line JSON document still shows its first keys. */
const HEAD_LINE = 64 * 1024

/** The first non-blank lines (at most `count`), for format detection; over-long lines are cut, not dropped. */
export async function firstLines(path: string, display: string, count = 200, limits: ReadLimits = {}): Promise<string[]> {
  const out: string[] = []
  const maxBytes = Math.min(limits.maxBytes ?? DEFAULT_MAX_LOG_BYTES, HEAD_BYTES)
  try {
    for await (const batch of readLineBatches(path, display, {tooLong: 0}, {maxBytes, truncate: HEAD_LINE})) {
      for (const l of batch) {
        if (l.text.trim() === '') continue
        out.push(l.text)
        if (out.length >= count) return out
      }
    }
  } catch (e) {
    // a head cut by the detection cap is still a head
    if (!(e instanceof IrmError && e.code === 'INPUT_TOO_LARGE')) throw e
  }
  return out
}
