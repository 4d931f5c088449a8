/**
 * Read one live config from disk and parse it: size and encoding limits, format detection, and the
 * guarantee that whatever a parser throws reaches the user as an IrmError naming the file.
 */
import {readFile, stat} from 'node:fs/promises'

import {IrmError, isIrmError} from '../core/errors.js'
import {attachExposures} from '../model/attach.js'
import {detectParser, parserFor} from './registry.js'
import type {ParseResult, SourceParser} from './types.js'

export const DEFAULT_MAX_CONFIG_BYTES = 512 * 1024 * 1024

export interface LoadedConfig extends ParseResult {
  file: string
  type: string
}

export interface LoadConfigOptions {
  /** Format name; detected from content when absent. */
  type?: string
  /** Path shown in reports (relative to the inventory or cwd). Defaults to `path`. */
  displayPath?: string
  maxBytes?: number
}

export async function readConfigText(path: string, display: string, maxBytes = DEFAULT_MAX_CONFIG_BYTES): Promise<string> {
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new IrmError('INPUT_UNREADABLE', 'not a regular file', {file: display, hint: 'Give the path of an exported config file.'})
    size = s.size
  } catch (e) {
    if (isIrmError(e)) throw e
    throw new IrmError('INPUT_NOT_FOUND', `cannot read the config: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      file: display,
      hint: 'Check the path (relative paths in the inventory are relative to the inventory folder).',
    })
  }
  if (size > maxBytes) {
    throw new IrmError('INPUT_TOO_LARGE', `config is ${size} bytes, over the ${maxBytes}-byte limit`, {
      file: display,
      hint: 'Raise the limit with --max-config-bytes if this file is genuine.',
    })
  }
  const buf = await readFile(path)
  return decodeText(buf, display)
}

/** Strict UTF-8 (BOM stripped); NUL bytes mean binary junk. */
export function decodeText(buf: Buffer, display: string): string {
  const nul = buf.indexOf(0)
  if (nul >= 0) {
    const line = buf.subarray(0, nul).toString('latin1').split('\n').length
    throw new IrmError('INPUT_ENCODING', 'this is a binary file, not a text config', {
      file: display,
      line,
      hint: 'Export the configuration as text (or JSON/XML) and point irm-audit at that file.',
    })
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(buf)
  } catch {
    // find the first bad byte's line for the message
    const line = findBadUtf8Line(buf)
    throw new IrmError('INPUT_ENCODING', 'the file is not valid UTF-8', {
      file: display,
      line,
      hint: 'Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8).',
    })
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

function findBadUtf8Line(buf: Buffer): number {
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

export async function parseText(text: string, display: string, type?: string): Promise<LoadedConfig> {
  const parser: SourceParser = type ? parserFor(type) : detectParser(text.slice(0, 65536), display)
  let result: ParseResult
  try {
    result = await parser.parse(text, {file: display})
  } catch (e) {
    if (isIrmError(e)) {
      if (e.file) throw e
      throw new IrmError(e.code, e.message, {file: display, line: e.line, column: e.column, path: e.path, hint: e.hint})
    }
    // a parser bug must not print config text (it may hold secrets) nor a stack trace
    throw new IrmError('CONFIG_SYNTAX', `the ${parser.type} parser failed on this file (${(e as Error)?.name ?? 'error'})`, {
      file: display,
      hint: 'This is a bug in irm-audit; please report it with the config type (not the config itself).',
    })
  }
  // the shared step: bindings → ingress/egress, host-local rules → the device's own addresses
  attachExposures(result.exposures, result.device)
  for (const e of result.exposures) e.file = display
  return {...result, file: display, type: parser.type}
}

export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const display = options.displayPath ?? path
  const text = await readConfigText(path, display, options.maxBytes)
  return parseText(text, display, options.type)
}
