/**
 * `irm-audit changes`: the semantic diff of the inventory between two revisions, for PR review.
 * Entries are matched by id within each collection; a removed and an added entry with the same content
 * under another id is a rename. Each change carries the commit that made it (blame at head for added
 * and modified entries, the last commit between base and head touching the file for removed ones).
 */
import {rm} from 'node:fs/promises'
import {relative, resolve, sep} from 'node:path'

import {IrmError} from '../core/errors.js'
import {loadInventory, type LoadedInventory} from '../inventory/load.js'
import {LIST_KEYS, type ListKey} from '../inventory/model.js'
import {blame, commitsBetween, isRepo, latestIn, type LineCommit, materializeWithPrefix, openRepo, type GitContext} from './repo.js'

export type ChangeKind = 'added' | 'removed' | 'modified' | 'renamed'

export interface FieldChange {
  /** Dotted path inside the entry: `services`, `approved.date`, `retention.online_days`. */
  field: string
  before?: unknown
  after?: unknown
}

export interface EntryChange {
  collection: ListKey
  id: string
  change: ChangeKind
  /** For renames: the id at base. */
  previous_id?: string
  fields?: FieldChange[]
  /** Where the entry is at head (or was at base, when removed). */
  file?: string
  line?: number
  commit?: LineCommit | {uncommitted: true}
}

export interface ChangesReport {
  base: {rev: string; hash: string}
  head: {rev: string; hash?: string}
  inventory: string
  summary: Record<ChangeKind, number>
  changes: EntryChange[]
}

export interface ChangesOptions {
  inventoryDir: string
  base: string
  /** A revision; absent = the working tree. */
  head?: string
  displayBase: string
}

type Entry = Record<string, unknown> & {id?: string}

const keyOf = (e: Entry, collection: ListKey, index: number) => (typeof e.id === 'string' ? e.id : `${collection}#${index}`)

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(v)
}

/** Field-by-field difference; nested mappings are walked, lists compared whole. */
export function diffFields(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => diffFields(before[k], after[k], prefix ? `${prefix}.${k}` : k))
  }
  if (stable(before) === stable(after)) return []
  const c: FieldChange = {field: prefix || '(entry)'}
  if (before !== undefined) c.before = before
  if (after !== undefined) c.after = after
  return [c]
}

function withoutId(e: Entry): string {
  const {id: _id, ...rest} = e
  return stable(rest)
}

async function blameFor(ctx: GitContext, loaded: LoadedInventory, rev: string | undefined, prefix: string) {
  const cache = new Map<string, Array<LineCommit | undefined>>()
  return async (entry: object): Promise<LineCommit | {uncommitted: true} | undefined> => {
    const origin = loaded.origin(entry)
    if (!origin?.node.range) return undefined
    const inner = relative(loaded.dir, origin.file.absolute).split(sep).join('/')
    const repoPath = prefix ? `${prefix}/${inner}` : inner
    let lines = cache.get(repoPath)
    if (!lines) {
      // the working tree is blamed as it is, so an uncommitted edit is never credited to the last commit
      lines = await blame(ctx, origin.file.absolute, rev ?? null, repoPath)
      cache.set(repoPath, lines)
    }
    const from = origin.file.lineCounter.linePos(origin.node.range[0]).line
    const to = origin.file.lineCounter.linePos(Math.max(origin.node.range[0], origin.node.range[1] - 1)).line
    // in the working tree, an entry with any uncommitted line is the working tree's change
    if (rev === undefined) {
      for (let i = from; i <= to; i++) if (!lines[i - 1]) return {uncommitted: true}
    }
    return latestIn(lines, from, to)
  }
}

export async function inventoryChanges(options: ChangesOptions): Promise<ChangesReport> {
  const repo = await openRepo(options.inventoryDir)
  if (!isRepo(repo)) {
    throw new IrmError('GIT', `cannot compare revisions: ${repo.reason}`, {hint: "Run 'irm-audit changes' inside the inventory's git repository."})
  }
  const base = await materializeWithPrefix(repo, options.base, options.inventoryDir)
  const head = options.head ? await materializeWithPrefix(repo, options.head, options.inventoryDir) : undefined
  try {
    const displayBase = resolve(options.displayBase)
    const before = await loadInventory(base.dir, {displayBase: base.dir})
    const after = await loadInventory(head ? head.dir : options.inventoryDir, {displayBase: head ? head.dir : displayBase})
    const prefix = relative(repo.root, resolve(options.inventoryDir)).split(sep).join('/')
    const display = (loaded: LoadedInventory, entry: object, tmp: boolean) => {
      const w = loaded.where(entry)
      if (!w) return {}
      // materialized files are shown at their repository path
      return {file: tmp ? (prefix ? `${prefix}/${w.file}` : w.file) : w.file, line: w.line}
    }
    const blameHead = await blameFor(repo, after, head ? head.hash : undefined, prefix)
    const changes: EntryChange[] = []
    for (const collection of LIST_KEYS) {
      const was = new Map<string, Entry>()
      ;(before.inventory[collection] as Entry[]).forEach((e, i) => was.set(keyOf(e, collection, i), e))
      const now = new Map<string, Entry>()
      ;(after.inventory[collection] as Entry[]).forEach((e, i) => now.set(keyOf(e, collection, i), e))
      const removed = [...was.keys()].filter((k) => !now.has(k))
      const added = [...now.keys()].filter((k) => !was.has(k))
      const renamedFrom = new Map<string, string>()
      const removedByContent = new Map<string, string>()
      for (const k of removed) removedByContent.set(withoutId(was.get(k)!), k)
      for (const k of added) {
        const prev = removedByContent.get(withoutId(now.get(k)!))
        if (prev && !renamedFrom.has(k) && ![...renamedFrom.values()].includes(prev)) renamedFrom.set(k, prev)
      }
      const renamedOld = new Set(renamedFrom.values())
      for (const [k, e] of now) {
        const old = was.get(k)
        if (!old && renamedFrom.has(k)) {
          changes.push({collection, id: k, change: 'renamed', previous_id: renamedFrom.get(k), ...display(after, e, Boolean(head)), commit: await blameHead(e)})
        } else if (!old) {
          changes.push({collection, id: k, change: 'added', ...display(after, e, Boolean(head)), commit: await blameHead(e)})
        } else {
          const fields = diffFields(old, e)
          if (fields.length) changes.push({collection, id: k, change: 'modified', fields, ...display(after, e, Boolean(head)), commit: await blameHead(e)})
        }
      }
      for (const k of removed) {
        if (renamedOld.has(k)) continue
        const e = was.get(k)!
        const where = display(before, e, true)
        const commits = where.file ? await commitsBetween(repo, base.hash, head ? head.hash : 'HEAD', resolve(repo.root, where.file)) : []
        changes.push({collection, id: k, change: 'removed', ...where, ...(commits[0] ? {commit: commits[0]} : {})})
      }
    }
    changes.sort((a, b) => LIST_KEYS.indexOf(a.collection) - LIST_KEYS.indexOf(b.collection) || a.id.localeCompare(b.id) || a.change.localeCompare(b.change))
    const summary: Record<ChangeKind, number> = {added: 0, removed: 0, modified: 0, renamed: 0}
    for (const c of changes) summary[c.change]++
    return {
      base: {rev: options.base, hash: base.hash},
      head: head ? {rev: options.head!, hash: head.hash} : {rev: 'working tree'},
      inventory: relative(displayBase, resolve(options.inventoryDir)).split(sep).join('/') || '.',
      summary,
      changes,
    }
  } finally {
    await rm(base.dir, {recursive: true, force: true})
    if (head) await rm(head.dir, {recursive: true, force: true})
  }
}
