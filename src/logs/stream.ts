/**
 * Streaming line reader for logs: plain or gzip (by magic bytes, not by name), one line at a time,
 * never the whole file in memory. Lines longer than the limit are reported and skipped, so a file of
 * one 1 GB line cannot exhaust memory.
 */
import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {createInterface} from 'node:readline'
import {createGunzip} from 'node:zlib'

import {IrmError} from '../core/errors.js'

export interface LogLine {
  text: string
  /** 1-based line number in the (decompressed) file. */
  line: number
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
  } finally {
    await fh.close()
  }
}

export const MAX_LINE = 1 << 20

export async function* readLines(path: string, display: string): AsyncGenerator<LogLine> {
  const gz = await isGzip(path, display)
  const raw = createReadStream(path, {highWaterMark: 1 << 20})
  const input = gz ? raw.pipe(createGunzip()) : raw
  let failure: Error | undefined
  input.on('error', (e: Error) => {
    failure = e
  })
  const rl = createInterface({input, crlfDelay: Infinity})
  let n = 0
  try {
    for await (const text of rl) {
      n++
      if (text.length > MAX_LINE) continue
      yield {text, line: n}
    }
  } catch (e) {
    failure = e as Error
  }
  if (failure) {
    throw new IrmError('INPUT_UNREADABLE', gz ? 'the gzip stream is corrupt or truncated' : `cannot read the log (${failure.name})`, {
      file: display,
      line: n + 1,
      hint: gz ? 'Decompress it with gzip -t to check it, or give the uncompressed file.' : 'Check the file.',
    })
  }
}

/** The first non-empty line, for format detection. */
export async function firstLines(path: string, display: string, count = 5): Promise<string[]> {
  const out: string[] = []
  for await (const l of readLines(path, display)) {
    if (l.text.trim() === '') continue
    out.push(l.text)
    if (out.length >= count) break
  }
  return out
}
