/**
 * Load an inventory folder: every *.yaml|*.yml|*.json under it (except `live/`, `logs/`, README* and dot
 * files), parsed with source positions, merged into one typed Inventory. Each entry remembers its
 * file and YAML node, so any finding can point at file:line:column of any field, cheaply
 * (`loaded.where(entry, 'services')`).
 *
 * Only input that cannot be used at all throws (IrmError, exit 2): missing folder, unreadable,
 * too large, not UTF-8, YAML syntax, alias bomb, custom tag, a file that is not a mapping, an unknown
 * top-level key, a symlink leaving the folder. Everything else is validate.ts's job (findings).
 */
import {lstat, readdir, readFile, realpath, stat} from 'node:fs/promises'
import {join, relative, resolve, sep} from 'node:path'

import {Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type ParsedNode, visit, YAMLMap, YAMLParseError} from 'yaml'

import {MAX_INVENTORY_BYTES, MAX_INVENTORY_ENTRIES, MAX_INVENTORY_FILE_BYTES} from '../core/limits.js'
import {IrmError} from '../core/errors.js'
import {emptyInventory, type Inventory, LIST_KEYS, type ListKey} from './model.js'
import {inventorySchema} from './schemas.js'

export interface LoadOptions {
  /** Per-file size limit in bytes (default 10 MB). */
  maxFileBytes?: number
  /** yaml's alias expansion limit (billion laughs), default 100. */
  maxAliasCount?: number
  /** Display paths are relative to this folder (default: the current directory). */
  displayBase?: string
}

export interface Position {
  file: string
  line: number
  column: number
}

/** A path inside an entry: `'services'`, `'approved.date'`, `['services', 2]`. */
export type FieldPath = string | ReadonlyArray<string | number>

export interface LoadedFile {
  /** Display path (relative to displayBase, `/` separators): what every finding prints. */
  file: string
  /** Absolute path. */
  absolute: string
  doc: Document.Parsed
  lineCounter: LineCounter
  /** The file's content as plain data (a mapping, or {} for an empty file). */
  data: Record<string, unknown>
}

/** Where a merged entry comes from. */
export interface EntryOrigin {
  file: LoadedFile
  collection: ListKey
  /** Index in its file's list (the JSON pointer's index), not in the merged list. */
  index: number
  node: YAMLMap
}

export interface LoadedInventory {
  /** Absolute path of the inventory folder. */
  dir: string
  /** Files in sorted (deterministic) order. */
  files: LoadedFile[]
  /** Every file merged, lists in file order then entry order. */
  inventory: Inventory
  /** Origin of a merged entry (undefined for objects not from this load). */
  origin(entry: object): EntryOrigin | undefined
  /** Display path of the file an entry comes from. */
  fileOf(entry: object): string | undefined
  /** JSON pointer of an entry (or one of its fields) inside its file: `/access_points/3/services/1`. */
  pointerOf(entry: object, field?: FieldPath): string | undefined
  /** file:line:column of an entry's field; of the entry itself when the field is absent. */
  where(entry: object, field?: FieldPath): Position | undefined
  /** file:line:column of a JSON pointer in a loaded file; the deepest existing node on the way. */
  locate(file: LoadedFile, pointer: string, at?: 'key' | 'value'): Position
}

const DEFAULT_MAX_BYTES = MAX_INVENTORY_FILE_BYTES
const INVENTORY_EXT = /\.(ya?ml|json)$/i
const TOP_LEVEL_KEYS = new Set(Object.keys(inventorySchema.properties))

export async function loadInventory(dir: string, options: LoadOptions = {}): Promise<LoadedInventory> {
  const displayBase = resolve(options.displayBase ?? process.cwd())
  const root = resolve(dir)
  const display = (abs: string) => toDisplay(displayBase, abs)
  const rootStat = await stat(root).catch(() => undefined)
  if (!rootStat?.isDirectory()) {
    throw new IrmError('INPUT_NOT_FOUND', rootStat ? 'the inventory is not a folder' : 'inventory folder not found', {
      file: display(root),
      hint: 'Pass the folder that holds your inventory YAML files with --inventory DIR.',
    })
  }
  const realRoot = await realpath(root)
  const paths = await listInventoryFiles(root, realRoot, display)
  if (paths.length === 0) {
    throw new IrmError('INPUT_NOT_FOUND', 'no inventory files (*.yaml, *.yml, *.json) in the folder', {
      file: display(root),
      hint: 'Run `irm-audit init` to scaffold one, or point --inventory at the right folder.',
    })
  }
  // caps on the whole inventory, before anything is parsed: bytes, then entries as files are read
  let total = 0
  for (const abs of paths) total += (await stat(abs)).size
  if (total > MAX_INVENTORY_BYTES) {
    throw new IrmError('INPUT_TOO_LARGE', `the inventory files add up to ${formatBytes(total)}, over the ${formatBytes(MAX_INVENTORY_BYTES)} limit`, {
      file: display(root),
      hint: 'An inventory is a few MB of YAML; move generated data (logs, exports) out of the inventory folder.',
    })
  }
  const files: LoadedFile[] = []
  const budget = {entries: 0}
  for (const abs of paths) files.push(await loadFile(abs, display(abs), options, budget))
  return mergeFiles(root, files)
}

function toDisplay(base: string, abs: string): string {
  const rel = relative(base, abs)
  const shown = rel === '' ? '.' : rel.startsWith('..') ? abs : rel
  return shown.split(sep).join('/')
}

/** Sorted inventory files; symlinks are followed only while they stay inside the folder. */
async function listInventoryFiles(root: string, realRoot: string, display: (p: string) => string): Promise<string[]> {
  const out: string[] = []
  const seenDirs = new Set<string>([realRoot])
  const walk = async (dir: string, top: boolean): Promise<void> => {
    const entries = await readdir(dir, {withFileTypes: true}).catch((e: NodeJS.ErrnoException) => {
      throw new IrmError('INPUT_UNREADABLE', `cannot read the folder (${e.code ?? 'error'})`, {file: display(dir), hint: 'Check its permissions.'})
    })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const name = entry.name
      // live configs are read by `diff`, not here; dot files and READMEs are never inventory
      if (name.startsWith('.') || /^readme/i.test(name) || (top && (name === 'live' || name === 'logs'))) continue
      const abs = join(dir, name)
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => undefined)
        if (!target || (target !== realRoot && !target.startsWith(realRoot + sep))) {
          // a dangling link or one that leaves the folder is refused only when it would be read
          const s = target ? await stat(target) : undefined
          if (s?.isDirectory() || INVENTORY_EXT.test(name)) {
            throw new IrmError('INVENTORY_PATH_ESCAPE', target ? 'symbolic link points outside the inventory folder' : 'dangling symbolic link', {
              file: display(abs),
              line: 1,
              hint: 'Copy the file into the inventory folder instead of linking to it.',
            })
          }
          continue
        }
        const s = await lstat(target)
        isDir = s.isDirectory()
        isFile = s.isFile()
        if (isDir) {
          if (seenDirs.has(target)) continue
          seenDirs.add(target)
        }
      }
      if (isDir) await walk(abs, false)
      else if (isFile && INVENTORY_EXT.test(name)) out.push(abs)
    }
  }
  await walk(root, true)
  return out
}

/**
 * An upper bound of the entries a YAML text holds, counted before it is parsed (a parsed document costs
 * some fifty times its size): block sequence items (`- `) and flow mappings (`{`).
 */
function roughEntries(source: string): number {
  let n = 0
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i)
    if (c === 0x7b) n++
    else if (c === 0x2d && (i === 0 || source.charCodeAt(i - 1) === 0x20 || source.charCodeAt(i - 1) === 0x0a)) n++
  }
  return n
}

async function loadFile(abs: string, file: string, options: LoadOptions, budget = {entries: 0}): Promise<LoadedFile> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES
  const size = (await stat(abs)).size
  if (size > maxBytes) {
    throw new IrmError('INPUT_TOO_LARGE', `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`, {
      file,
      line: 1,
      hint: 'Split it into several inventory files (any file may hold any collection).',
    })
  }
  const bytes = await readFile(abs).catch((e: NodeJS.ErrnoException) => {
    throw new IrmError('INPUT_UNREADABLE', `cannot read the file (${e.code ?? 'error'})`, {file, hint: 'Check its permissions.'})
  })
  const source = decodeUtf8(bytes, file)
  budget.entries += roughEntries(source)
  if (budget.entries > MAX_INVENTORY_ENTRIES) {
    throw new IrmError('INPUT_TOO_LARGE', `the inventory holds more than ${MAX_INVENTORY_ENTRIES} entries`, {
      file,
      hint: 'Check for generated or duplicated collections; the limits are documented in docs/limits.md.',
    })
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // YAML 1.2 core schema, no custom tags: a tag cannot construct anything but plain data
    schema: 'core',
    customTags: [],
    // !!binary, !!set, !!omap, !!timestamp would build a Buffer, Set, Map or Date: refused (a warning, so exit 2)
    resolveKnownTags: false,
    merge: true,
    strict: true,
  })
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) throw syntaxError(problem, file, lineCounter, source)
  let data: unknown
  try {
    data = doc.toJS({maxAliasCount: options.maxAliasCount ?? 100})
  } catch (e) {
    // yaml throws ReferenceError for an alias bomb or an unresolved alias
    const alias = firstAlias(doc)
    const pos = alias?.range ? lineCounter.linePos(alias.range[0]) : {line: 1, col: 1}
    throw new IrmError('INVENTORY_SYNTAX', /Excessive alias/.test(String(e)) ? 'too many alias expansions (possible YAML alias bomb)' : `cannot resolve an alias: ${(e as Error).message}`, {
      file,
      line: pos.line,
      column: pos.col,
      hint: 'Write the values out instead of nesting aliases.',
    })
  }
  if (data === null || data === undefined) data = {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    const pos = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]) : {line: 1, col: 1}
    throw new IrmError('INVENTORY_INVALID', `the file is ${Array.isArray(data) ? 'a list' : 'a scalar'}, not a mapping of collections`, {
      file,
      line: pos.line,
      column: pos.col,
      hint: 'Start the file with a collection key, e.g. `zones:` or `access_points:`.',
    })
  }
  const loaded: LoadedFile = {file, absolute: abs, doc, lineCounter, data: data as Record<string, unknown>}
  checkTopLevelKeys(loaded)
  return loaded
}

function checkTopLevelKeys(f: LoadedFile): void {
  if (!isMap(f.doc.contents)) return
  for (const pair of f.doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
    if (TOP_LEVEL_KEYS.has(key)) continue
    const pos = (pair.key as Node | null)?.range ? f.lineCounter.linePos((pair.key as Node).range![0]) : {line: 1, col: 1}
    const guess = closest(key, [...TOP_LEVEL_KEYS])
    throw new IrmError('INVENTORY_INVALID', `unknown top-level key '${key}'`, {
      file: f.file,
      line: pos.line,
      column: pos.col,
      path: `/${escapePointer(key)}`,
      hint: guess ? `Did you mean '${guess}'? Top-level keys are: ${[...TOP_LEVEL_KEYS].join(', ')}.` : `Top-level keys are: ${[...TOP_LEVEL_KEYS].join(', ')}.`,
    })
  }
}

function syntaxError(problem: YAMLParseError | {message: string; pos: [number, number]; code?: string}, file: string, lc: LineCounter, source: string): IrmError {
  // an error at the end of input (unclosed quote or bracket) is shown on the last line with text
  const lastText = source.trimEnd().length - 1
  const pos = lc.linePos(Math.max(0, Math.min(problem.pos[0], lastText)))
  const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
  const tag = problem.code === 'TAG_RESOLVE_FAILED' || /tag/i.test(message)
  return new IrmError('INVENTORY_SYNTAX', tag ? `custom YAML tags are not allowed (${message})` : `YAML syntax error: ${message}`, {
    file,
    line: Math.max(1, pos.line),
    column: Math.max(1, pos.col),
    hint: tag ? 'Remove the tag; inventory files hold plain data.' : 'Fix the YAML at this position (indentation, quotes, a missing colon).',
  })
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined
  visit(doc, {
    Alias(_, node) {
      found = node
      return visit.BREAK
    },
  })
  return found
}

/** Decode strict UTF-8 (a BOM is dropped); anything else is refused with the line of the first bad byte. */
function decodeUtf8(bytes: Buffer, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new IrmError('INPUT_ENCODING', 'file is UTF-16, not UTF-8', {file, line: 1, column: 1, hint: 'Save it as UTF-8.'})
  }
  try {
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: false}).decode(bytes)
  } catch {
    const bad = firstInvalidUtf8(bytes)
    let line = 1
    let lineStart = 0
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++
        lineStart = i + 1
      }
    }
    throw new IrmError('INPUT_ENCODING', `file is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad})`, {
      file,
      line,
      column: bad - lineStart + 1,
      hint: 'Save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).',
    })
  }
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1
    if (need < 0 || i + need >= b.length + (need === 0 ? 1 : 0)) return i
    for (let k = 1; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i
    // overlong forms, UTF-16 surrogates and code points above U+10FFFF (RFC 3629 table)
    const second = b[i + 1]
    if ((c === 0xe0 && second < 0xa0) || (c === 0xed && second > 0x9f) || (c === 0xf0 && second < 0x90) || (c === 0xf4 && second > 0x8f)) return i
    i += need + 1
  }
  return Math.max(0, b.length - 1)
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase().replace(/-/g, '_'), c)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

/** Levenshtein distance; stops early and returns `limit` once every path is at least that far. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    let rowMin = row[0]
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
      if (row[j] < rowMin) rowMin = row[j]
    }
    if (rowMin >= limit) return limit
  }
  return row[b.length]
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1')
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

function fieldSegments(field: FieldPath | undefined): Array<string | number> {
  if (field === undefined) return []
  return typeof field === 'string' ? field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [...field]
}

/** The child of a map or sequence node, and the key node for a map entry. */
function child(node: unknown, segment: string | number): {key?: Node; value?: Node} | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment))
    return pair ? {key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined} : undefined
  }
  if (isSeq(node)) {
    const i = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1
    const item = node.items[i]
    return item === undefined ? undefined : {value: item as Node}
  }
  return undefined
}

function positionOf(f: LoadedFile, start: Node | null | undefined, segments: Array<string | number>, at: 'key' | 'value'): Position {
  let node: Node | null | undefined = start
  let best = node
  for (let i = 0; i < segments.length && node; i++) {
    const c = child(node, segments[i])
    if (!c) break
    const last = i === segments.length - 1
    node = last && at === 'key' && c.key ? c.key : (c.value ?? c.key)
    if (node?.range) best = node
  }
  const offset = best?.range?.[0] ?? 0
  const {line, col} = f.lineCounter.linePos(offset)
  return {file: f.file, line: Math.max(1, line), column: Math.max(1, col)}
}

function mergeFiles(dir: string, files: LoadedFile[]): LoadedInventory {
  const inventory = emptyInventory()
  const origins = new WeakMap<object, EntryOrigin>()
  for (const f of files) {
    const {organization} = f.data as {organization?: Inventory['organization']}
    if (organization !== undefined && inventory.organization === undefined) inventory.organization = organization
    const root = f.doc.contents as ParsedNode | null
    for (const key of LIST_KEYS) {
      const list = f.data[key]
      // a collection that is not a list is a schema finding, reported by validate
      if (!Array.isArray(list)) continue
      const seq = child(root, key)?.value
      list.forEach((entry: unknown, index) => {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return
        const node = child(seq, index)?.value
        if (isMap(node)) origins.set(entry, {file: f, collection: key, index, node})
        ;(inventory[key] as unknown[]).push(entry)
      })
    }
  }
  const loaded: LoadedInventory = {
    dir,
    files,
    inventory,
    origin: (entry) => origins.get(entry),
    fileOf: (entry) => origins.get(entry)?.file.file,
    pointerOf(entry, field) {
      const o = origins.get(entry)
      if (!o) return undefined
      return [o.collection, o.index, ...fieldSegments(field)].map((s) => `/${escapePointer(s)}`).join('')
    },
    where(entry, field) {
      const o = origins.get(entry)
      if (!o) return undefined
      return positionOf(o.file, o.node, fieldSegments(field), 'value')
    },
    locate(file, pointer, at = 'value') {
      const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer)
      return positionOf(file, file.doc.contents as Node | null, segments, at)
    },
  }
  return loaded
}
