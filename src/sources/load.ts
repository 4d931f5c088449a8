/**
 * Read one live config from disk and parse it: size and encoding limits, format detection, and the
 * guarantee that whatever a parser throws reaches the user as an IrmError naming the file.
 */
import {readFile, stat} from 'node:fs/promises'
import {dirname, isAbsolute, posix, relative, sep} from 'node:path'

import {IrmError, isIrmError} from '../core/errors.js'
import {DEFAULT_MAX_CONFIG_BYTES} from '../core/limits.js'
import {stageDone} from '../core/stages.js'
import {attachExposures} from '../model/attach.js'
import {followsIncludes, spliceIncludes} from './includes.js'
import {statusOf} from './kit/ledger.js'
import {decodeInput} from './input.js'
import {REDACTED, redactLine} from './redact.js'
import {allParsers, detectParser, parserFor} from './registry.js'
import type {ParseResult, SourceParser} from './types.js'

export {DEFAULT_MAX_CONFIG_BYTES} from '../core/limits.js'

export interface LoadedConfig extends ParseResult {
  file: string
  type: string
  /** Every file read, the config first, then what its `include` lines pulled in. */
  files?: string[]
}

export interface LoadConfigOptions {
  /** Format name; detected from content when absent. */
  type?: string
  /** Path shown in reports (relative to the inventory or cwd). Defaults to `path`. */
  displayPath?: string
  maxBytes?: number
  /** Folder absolute `include` paths are read under (a sysroot); default: the config's folder. */
  includeRoot?: string
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

/** Bytes → text through the shared input reader (UTF-8 or UTF-16, BOM stripped; NULs mean binary junk). */
export function decodeText(buf: Buffer, display: string): string {
  return decodeInput(buf, display)
}

/** Parse text; a `type` is forced by the user (checked by betterType) unless `detected`. */
export async function parseText(text: string, display: string, type?: string, detected = false): Promise<LoadedConfig> {
  const parser: SourceParser = type ? parserFor(type) : detectParser(text.slice(0, 65536), display)
  let result: ParseResult
  try {
    result = await parser.parse(text, {file: display})
  } catch (e) {
    if (isIrmError(e)) {
      // a forced type that refuses the file outright: name the type detection prefers
      const better = type && !detected && e.code === 'CONFIG_WRONG_FORMAT' ? betterType(parser, text, {lines: 1, understood: 0}) : undefined
      if (better) {
        throw new IrmError(e.code, `${e.message}; it looks like ${better}`, {file: e.file ?? display, line: e.line, column: e.column, path: e.path, hint: `Name the format ${better} (--type ${better}, FILE:${better}, or format: ${better} on the inventory device), or leave it to detection.`})
      }
      if (e.file) throw e
      throw new IrmError(e.code, e.message, {file: display, line: e.line, column: e.column, path: e.path, hint: e.hint})
    }
    // a parser bug must not print config text (it may hold secrets) nor a stack trace
    throw new IrmError('CONFIG_SYNTAX', `the ${parser.type} parser failed on this file (${(e as Error)?.name ?? 'error'})`, {
      file: display,
      hint: 'This is a bug in irm-audit; please report it with the config type (not the config itself).',
    })
  }
  if (type && !detected) {
    const better = betterType(parser, text, result.stats)
    if (better) {
      throw new IrmError('CONFIG_WRONG_FORMAT', `this does not look like ${parser.type} (${result.stats.understood} of ${result.stats.lines} lines understood); it looks like ${better}`, {
        file: display,
        hint: `Name the format ${better} (--type ${better}, FILE:${better}, or format: ${better} on the inventory device), or leave it to detection.`,
      })
    }
  }
  // the shared step: bindings → ingress/egress, host-local rules → the device's own addresses
  attachExposures(result.exposures, result.device)
  for (const e of result.exposures) e.file = display
  for (const d of result.denies ?? []) d.file = display
  // a reason may quote a word of the line (`unknown command '…'`): redacted as the text is, whatever the parser
  const unparsed = result.unparsed.map(redactUnparsed)
  stageDone('evaluate')
  return {...result, unparsed, file: display, type: parser.type, status: result.status ?? statusOf(result.stats, unparsed.length)}
}

/**
 * The type a wrongly forced file should have been: the forced parser understood under 20% of the
 * meaningful lines AND detection scores another format higher. Undefined when the choice stands.
 * `diff` reaches this through parseText: the refusal becomes a `device-unaudited` finding.
 */
export function betterType(forced: SourceParser, text: string, stats: ParseResult['stats']): string | undefined {
  if (stats.lines === 0 || stats.understood >= stats.lines * 0.2) return undefined
  const head = text.slice(0, 65536)
  const score = (p: SourceParser) => {
    try {
      return p.detect(head, '')
    } catch {
      return 0
    }
  }
  const own = score(forced)
  let best: {type: string; score: number} | undefined
  for (const p of allParsers()) {
    if (p.executes || p === forced) continue
    const s = score(p)
    if (s > own && (!best || s > best.score)) best = {type: p.type, score: s}
  }
  return best?.type
}

export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const display = options.displayPath ?? path
  const text = await readConfigText(path, display, options.maxBytes)
  if (!/^[ \t]*include\s/m.test(text)) return parseText(text, display, options.type)
  const parser = options.type ? parserFor(options.type) : detectParser(text.slice(0, 65536), display)
  if (!followsIncludes(parser.type)) return parseText(text, display, options.type)
  const mainDir = dirname(path)
  const spliced = spliceIncludes(path, text, {
    root: options.includeRoot ?? mainDir,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_CONFIG_BYTES,
    display: (abs) => {
      const rel = relative(mainDir, abs)
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return posix.join(posix.dirname(display.split(sep).join('/')), rel.split(sep).join('/'))
      return abs === path ? display : abs.split(sep).join('/')
    },
  })
  const loaded = await parseText(spliced.text, display, parser.type, !options.type)
  // every line back to its file
  const place = (line: number) => spliced.origin[line - 1] ?? {file: display, line}
  for (const e of loaded.exposures) {
    const o = place(e.line)
    e.file = o.file
    e.line = o.line
    if (e.doubts) e.doubts = e.doubts.map((d) => ({...d, ...placeDoubt(place(d.line), display)}))
  }
  for (const d of loaded.denies ?? []) {
    const o = place(d.line)
    d.file = o.file
    d.line = o.line
  }
  const doubts = loaded.doubts?.map((d) => ({...d, ...placeDoubt(place(d.line), display)}))
  const unparsed = loaded.unparsed.map((u) => {
    const o = place(u.line)
    return {...u, line: o.line, file: o.file}
  })
  unparsed.push(...spliced.problems.map(redactUnparsed))
  const stats = {lines: loaded.stats.lines + spliced.problems.length, understood: loaded.stats.understood}
  return {...loaded, unparsed, stats, status: statusOf(stats, unparsed.length), files: spliced.files, ...(doubts ? {doubts} : {})}
}

/** A doubt's line in its own file; the file only when it is not the config itself. */
function placeDoubt(o: {file: string; line: number}, main: string): {line: number; file?: string} {
  return o.file === main ? {line: o.line} : {line: o.line, file: o.file}
}



/**
 * Several files of one device (`devices[].config` as a list): a format that reads them together
 * (parseMany: GCP policies + VPC rules) gets them at once, any other is parsed file by file and the
 * results concatenated. Every exposure and unparsed entry names its file.
 */
export async function loadConfigs(paths: readonly string[], options: LoadConfigOptions & {displayPaths?: readonly string[]} = {}): Promise<LoadedConfig> {
  if (paths.length === 1) return loadConfig(paths[0], {...options, displayPath: options.displayPaths?.[0] ?? options.displayPath})
  const displays = paths.map((p, k) => options.displayPaths?.[k] ?? p)
  const texts: string[] = []
  for (const [k, p] of paths.entries()) texts.push(await readConfigText(p, displays[k], options.maxBytes))
  const parsers = texts.map((t, k) => (options.type ? parserFor(options.type) : detectParser(t.slice(0, 65536), displays[k])))
  const parser = parsers[0]
  const other = parsers.findIndex((p) => p !== parser)
  if (other >= 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', `the files of one device are different formats: ${displays[0]} is ${parser.type}, ${displays[other]} is ${parsers[other].type}`, {
      file: displays[other],
      hint: 'List only the exports of one format under devices[].config, or give each its own device.',
    })
  }
  if (!parser.parseMany) {
    const parts: LoadedConfig[] = []
    for (const [k, p] of paths.entries()) parts.push(await loadConfig(p, {...options, type: parser.type, displayPath: displays[k]}))
    const models = parts.flatMap((r) => (r.device ? [r.device] : []))
    return {
      file: displays[0],
      files: displays,
      type: parser.type,
      exposures: parts.flatMap((r) => r.exposures),
      ...(parts.some((r) => r.denies?.length) ? {denies: parts.flatMap((r) => r.denies ?? [])} : {}),
      ...(parts.some((r) => r.nats?.length) ? {nats: parts.flatMap((r) => r.nats ?? [])} : {}),
      unparsed: parts.flatMap((r) => r.unparsed.map((u) => ({...u, file: u.file ?? r.file}))),
      stats: {lines: parts.reduce((n, r) => n + r.stats.lines, 0), understood: parts.reduce((n, r) => n + r.stats.understood, 0)},
      // the worst file decides, as Batfish reports the snapshot by its files
      status: parts.some((r) => r.status === 'failed') ? 'failed' : parts.some((r) => r.status === 'partially-unrecognized') ? 'partially-unrecognized' : 'passed',
      // one device: the interfaces, addresses and listeners of all its files
      ...(models.length ? {device: {interfaces: models.flatMap((m) => m.interfaces), ownAddresses: models.flatMap((m) => m.ownAddresses), listeners: models.flatMap((m) => m.listeners)}} : {}),
    }
  }
  let result: ParseResult
  try {
    result = await parser.parseMany(texts.map((text, k) => ({file: displays[k], text})))
  } catch (e) {
    if (isIrmError(e)) {
      if (e.file) throw e
      throw new IrmError(e.code, e.message, {file: displays[0], line: e.line, column: e.column, path: e.path, hint: e.hint})
    }
    throw new IrmError('CONFIG_SYNTAX', `the ${parser.type} parser failed on these files (${(e as Error)?.name ?? 'error'})`, {
      file: displays[0],
      hint: 'This is a bug in irm-audit; please report it with the config type (not the config itself).',
    })
  }
  attachExposures(result.exposures, result.device)
  for (const e of result.exposures) e.file ??= displays[0]
  const unparsed = result.unparsed.map((u) => redactUnparsed({...u, file: u.file ?? displays[0]}))
  return {...result, unparsed, file: displays[0], files: displays, type: parser.type, status: result.status ?? statusOf(result.stats, unparsed.length)}
}

function redactUnparsed<U extends ParseResult['unparsed'][number]>(u: U): U {
  return {...u, reason: redactQuoted(u.reason), text: redactLine(u.text), ...(u.path === undefined ? {} : {path: redactPath(u.path)})}
}

/** A reason's own words are safe; what it quotes from the config ('…') is redacted as a line. */
function redactQuoted(reason: string): string {
  return reason.replace(/'([^']*)'/g, (m, quoted: string) => {
    const safe = redactLine(quoted)
    return safe === quoted ? m : `'${safe}'`
  })
}

/** An element path or pointer names config keys; a value may sneak in (`/AccountKey=…`): redacted, never blanked whole. */
function redactPath(path: string): string {
  const safe = redactLine(path)
  return safe === REDACTED ? path : safe
}
