/**
 * Merge, never rewrite: drafted entries are spliced into the inventory's YAML text at positions the
 * yaml Document API gives, so every byte already there (comments, order, quoting, hand-written
 * entries) stays as it is. New entries of a collection go to the file that already holds most entries
 * of it (else `<collection>.yaml`); interface mappings go to their device's `interfaces` list.
 */
import {basename, join} from 'node:path'

import {isMap, isScalar, isSeq, type Node, parseDocument, type YAMLMap, type YAMLSeq} from 'yaml'

import {byCodeUnit} from '../core/order.js'
import type {LoadedFile, LoadedInventory} from '../inventory/load.js'
import {type AdoptNote, DRAFT_COLLECTIONS, type DraftCollection, type Draft, type DraftEntry} from './model.js'
import {oneLine, renderFlow, renderItem} from './render.js'

export interface FileChange {
  /** Absolute path. */
  path: string
  /** As reports show it (relative, `/`). */
  display: string
  before: string
  after: string
  /** The file did not exist. */
  created: boolean
}

export interface MergeResult {
  changes: FileChange[]
  /** What was added, per collection and for interface mappings. */
  added: {zones: string[]; devices: string[]; access_points: string[]; contacts: string[]; interfaces: string[]}
  notes: AdoptNote[]
}

interface Edit {
  at: number
  /** Characters removed at `at` before inserting. */
  remove?: number
  text: string
  /** Order of inserts at one offset. */
  order: number
}

/** Where one collection can take new items in one file. */
interface Slot {
  file: LoadedFile
  count: number
  /** Block list: items are inserted after its last item. Else the key holds `[]` or nothing. */
  seq?: YAMLSeq
  /** The key whose value is `[]`, null or empty: items go on the lines after it. */
  pairKey?: Node
  /** Text to remove first (`[]`, `~`, `null`). */
  clear?: Node
}

/**
 * `sources`: each file's text as loaded (absolute path → text), the text the parsed ranges point into.
 * `display` turns a new file's absolute path into the form reports show.
 */
export function mergeDraft(loaded: LoadedInventory, draft: Draft, sources: ReadonlyMap<string, string>, display: (abs: string) => string): MergeResult {
  const sourceOf = (f: LoadedFile) => sources.get(f.absolute) ?? ''
  const inv = loaded.inventory
  const added: MergeResult['added'] = {zones: [], devices: [], access_points: [], contacts: [], interfaces: []}
  const notes: AdoptNote[] = []
  const edits = new Map<string, Edit[]>()
  const created = new Map<string, string>()
  const push = (path: string, e: Edit) => edits.set(path, [...(edits.get(path) ?? []), e])

  const existing = (c: DraftCollection) => new Set((inv[c] as Array<{id?: unknown}>).map((e) => String(e.id)))
  const byCollection = new Map<DraftCollection, DraftEntry[]>()
  for (const c of DRAFT_COLLECTIONS) {
    const have = existing(c)
    const seen = new Set<string>()
    const list = draft.entries.filter((d) => d.collection === c && !have.has(d.id) && !seen.has(d.id) && seen.add(d.id))
    if (list.length) byCollection.set(c, list)
  }

  // interface mappings of existing devices, appended to their lists (one edit per device)
  const newDevices = new Set((byCollection.get('devices') ?? []).map((d) => d.id))
  const perDevice = new Map<string, Array<{text: string; label: string}>>()
  for (const item of draft.interfaces) {
    if (newDevices.has(item.device)) continue // written inside the new entry
    const device = inv.devices.find((d) => d.id === item.device)
    if (!device) continue
    const m = item.mapping
    const key = 'name' in m ? `name:${m.name}` : `vendor_zone:${m.vendor_zone}`
    const already = (device.interfaces ?? []).some((i) => ('name' in i ? `name:${i.name}` : `vendor_zone:${i.vendor_zone}`) === key && i.zone === m.zone)
    const list = perDevice.get(device.id) ?? []
    const text = `${renderFlow(m)}  # ${oneLine(item.comment)}`
    if (already || list.some((x) => x.text === text)) continue
    list.push({text, label: `${item.device}:${'name' in m ? m.name : `zone-${m.vendor_zone}`}→${m.zone}`})
    perDevice.set(device.id, list)
  }
  for (const [id, items] of perDevice) {
    const device = inv.devices.find((d) => d.id === id)!
    const origin = loaded.origin(device)
    const e = origin && yamlTarget(origin.file) && !origin.node.flow ? appendInterfaces(sourceOf(origin.file), origin.node, items.map((i) => i.text)) : undefined
    if (!origin || !e) {
      for (const i of items) notes.push({code: 'device-flow-map', message: `${id}: add ${i.text.replace(/  #.*/, '')} to its interfaces by hand (adopt can only extend a block mapping with a block interfaces list)`, ...(origin ? {file: origin.file.file} : {})})
      continue
    }
    push(origin.file.absolute, e)
    added.interfaces.push(...items.map((i) => i.label))
  }

  // new entries, each collection into the file holding most of it
  DRAFT_COLLECTIONS.forEach((c, order) => {
    const list = byCollection.get(c)
    if (!list) return
    const itemsFor = (indent: string, blank: boolean) =>
      list
        .map((d) => {
          const comments = c === 'devices' ? interfaceComments(d, draft) : {}
          return (blank ? '\n' : '') + renderItem(d.entry, indent, d.comment, comments)
        })
        .join('')
    const slot = bestSlot(loaded, c)
    if (!slot) {
      const path = join(loaded.dir, `${c}.yaml`)
      const head = created.get(path) ?? `# Drafted by irm-audit adopt: review every entry (owner, justification, "to confirm" comments) in a pull request.\n`
      created.set(path, `${head}${c}:\n${itemsFor('  ', false)}`)
    } else {
      const {file} = slot
      const src = sourceOf(file)
      if (slot.seq) {
        const items = slot.seq.items as Node[]
        const last = items[items.length - 1]
        const at = lineEnd(src, contentEnd(src, last.range![1]))
        const indent = ' '.repeat(dashColumn(src, items[0].range![0]))
        push(file.absolute, {at: at.offset, text: (at.needsNewline ? '\n' : '') + itemsFor(indent, blankBetween(src, items)), order})
      } else if (slot.pairKey) {
        const keyCol = columnOf(src, slot.pairKey.range![0])
        const indent = ' '.repeat(keyCol + 2)
        if (slot.clear?.range && slot.clear.range[1] > slot.clear.range[0]) {
          // `key: []` → `key:` (the spaces before the value go too)
          let start = slot.clear.range[0]
          while (start > 0 && (src[start - 1] === ' ' || src[start - 1] === '\t')) start--
          push(file.absolute, {at: start, remove: slot.clear.range[1] - start, text: '', order: -1})
        }
        const at = lineEnd(src, slot.pairKey.range![1])
        push(file.absolute, {at: at.offset, text: (at.needsNewline ? '\n' : '') + itemsFor(indent, false), order})
      } else {
        const at = src.length
        push(file.absolute, {at, text: `${src.endsWith('\n') || src === '' ? '' : '\n'}\n${c}:\n${itemsFor('  ', false)}`, order})
      }
    }
    added[c].push(...list.map((d) => d.id))
  })

  const changes: FileChange[] = []
  for (const f of loaded.files) {
    const list = edits.get(f.absolute)
    if (!list) continue
    const before = sourceOf(f)
    changes.push({path: f.absolute, display: f.file, before, after: applyEdits(before, list), created: false})
  }
  for (const [path, text] of created) changes.push({path, display: display(path), before: '', after: text, created: true})
  for (const ch of changes) {
    // a splice that broke the YAML would be a bug here, never the user's: refuse to write it
    const doc = parseDocument(ch.after, {uniqueKeys: true, schema: 'core'})
    if (doc.errors.length) throw new Error(`adopt produced invalid YAML in ${ch.display}: ${doc.errors[0].message}`)
  }
  changes.sort((a, b) => byCodeUnit(a.display, b.display))
  return {changes, added, notes}
}

function interfaceComments(d: DraftEntry, draft: Draft): Record<string, Array<string | undefined>> {
  const list = (d.entry.interfaces as unknown[] | undefined) ?? []
  if (!list.length) return {}
  const comments = list.map((m) => draft.interfaces.find((i) => i.device === d.id && JSON.stringify(i.mapping) === JSON.stringify(m))?.comment)
  return {interfaces: comments}
}

/** A YAML file adopt may splice into (JSON inventory files are left alone). */
function yamlTarget(f: LoadedFile): boolean {
  return /\.ya?ml$/i.test(f.absolute) && (f.doc.contents === null || (isMap(f.doc.contents) && !f.doc.contents.flow))
}

/** Files that can take items of `c`, most entries first, then path order. */
function bestSlot(loaded: LoadedInventory, c: DraftCollection): Slot | undefined {
  const slots: Slot[] = []
  for (const f of loaded.files) {
    if (!yamlTarget(f)) continue
    const root = f.doc.contents as YAMLMap | null
    const pair = root?.items.find((p) => isScalar(p.key) && p.key.value === c)
    if (!pair) {
      // `<collection>.yaml` without the key still is the collection's file
      if (basename(f.absolute) === `${c}.yaml`) slots.push({file: f, count: 0})
      continue
    }
    const v = pair.value as Node | null
    if (isSeq(v) && !v.flow && v.items.length) slots.push({file: f, count: v.items.length, seq: v})
    else if (isSeq(v) && v.flow && v.items.length === 0) slots.push({file: f, count: 0, pairKey: pair.key as Node, clear: v})
    else if (v === null || (isScalar(v) && v.value === null)) slots.push({file: f, count: 0, pairKey: pair.key as Node, ...(isScalar(v) ? {clear: v} : {})})
  }
  slots.sort((a, b) => b.count - a.count || byCodeUnit(a.file.file, b.file.file))
  return slots[0]
}

/** The end of the last non-blank character at or before `offset`. */
function contentEnd(src: string, offset: number): number {
  let i = Math.min(offset, src.length)
  while (i > 0 && /\s/.test(src[i - 1])) i--
  return i
}

/** Offset just after the newline ending the line that holds `offset` (or the end, with a newline owed). */
function lineEnd(src: string, offset: number): {offset: number; needsNewline: boolean} {
  const nl = src.indexOf('\n', offset)
  return nl < 0 ? {offset: src.length, needsNewline: src.length > 0} : {offset: nl + 1, needsNewline: false}
}

function columnOf(src: string, offset: number): number {
  return offset - (src.lastIndexOf('\n', offset - 1) + 1)
}

/** Column of the `-` of the list item whose content starts at `offset`. */
function dashColumn(src: string, offset: number): number {
  const start = src.lastIndexOf('\n', offset - 1) + 1
  const dash = src.indexOf('-', start)
  return dash >= 0 && dash < offset ? dash - start : Math.max(0, columnOf(src, offset) - 2)
}

/** The items are separated by blank lines (the example's style). */
function blankBetween(src: string, items: Node[]): boolean {
  if (items.length < 2) return false
  return /\n[ \t]*\n/.test(src.slice(contentEnd(src, items[0].range![1]), items[1].range![0]))
}

/** Items appended to a device's `interfaces` (a new key after its last line when it has none). */
function appendInterfaces(src: string, node: YAMLMap, items: string[]): Edit | undefined {
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'interfaces')
  if (pair) {
    const seq = pair.value as Node | null
    if (!isSeq(seq) || seq.flow || !seq.items.length) return undefined
    const list = seq.items as Node[]
    const at = lineEnd(src, contentEnd(src, list[list.length - 1].range![1]))
    const indent = ' '.repeat(dashColumn(src, list[0].range![0]))
    return {at: at.offset, text: `${at.needsNewline ? '\n' : ''}${items.map((i) => `${indent}- ${i}\n`).join('')}`, order: 0}
  }
  const first = node.items[0]?.key as Node | undefined
  if (!first?.range || !node.range) return undefined
  const indent = ' '.repeat(columnOf(src, first.range[0]))
  const at = lineEnd(src, contentEnd(src, node.range[1]))
  return {at: at.offset, text: `${at.needsNewline ? '\n' : ''}${indent}interfaces:\n${items.map((i) => `${indent}  - ${i}\n`).join('')}`, order: 0}
}

function applyEdits(src: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.at - a.at || b.order - a.order)
  let out = src
  for (const e of sorted) out = out.slice(0, e.at) + e.text + out.slice(e.at + (e.remove ?? 0))
  return out
}
