/** Section entries as FortiOS merges them, and the bookkeeping of every line we could not use. */
import type {Unparsed} from '../types.js'
import type {Entry} from './objects.js'
import {type Block, blockText, settingsOf, type Statement, statementText} from './read.js'

/** Every line we echo or count goes through here: unparsed entries and the lines they cost. */
export class Accounting {
  readonly unparsed: Unparsed[] = []
  missed = 0

  statement(s: Statement, reason: string): void {
    this.unparsed.push({line: s.line, reason, text: statementText(s)})
    this.missed += s.lines
  }

  block(b: Block, reason: string): void {
    this.unparsed.push({line: b.line, reason, text: blockText(b)})
    this.missed += b.size
  }
}

/** A merged `edit` entry: later edits of the same name modify it in place (FortiOS semantics). */
export interface Item extends Entry {
  statements: Statement[]
  children: Block[]
  /** Keys we did not understand (already reported as unparsed). */
  unknown: string[]
}

/** One VDOM (or the whole device when VDOMs are off): its sections in file order. */
export interface Scope {
  vdom?: string
  sections: Map<string, Block[]>
}


export function lazy(make: () => string): () => string {
  let value: string | undefined
  return () => (value ??= make())
}

export function itemText(item: Item): string {
  const head = `edit ${/[\s"]/.test(item.name) ? `"${item.name}"` : item.name}`
  return [head, ...[...item.settings.values()].map(statementText)].join('; ')
}

/** Merge the edit entries of a section's blocks; report settings outside `known` and nested blocks not handled. */
export function itemsOf(
  blocks: Block[] | undefined,
  section: string,
  acc: Accounting,
  known: ReadonlySet<string> | null,
  nested: (name: string) => boolean = () => false,
): Item[] {
  const byName = new Map<string, Item>()
  for (const block of blocks ?? []) {
    for (const s of block.statements) acc.statement(s, `setting outside an entry in 'config ${section}'`)
    for (const child of block.children) {
      if (child.kind !== 'edit') {
        acc.block(child, `nested section '${child.name}' in 'config ${section}' not modelled`)
        continue
      }
      let item = byName.get(child.name)
      if (!item) {
        item = {name: child.name, line: child.line, settings: new Map(), statements: [], children: [], unknown: []}
        byName.set(child.name, item)
      }
      for (const s of child.statements) {
        if (known && !known.has(s.key)) {
          acc.statement(s, `unknown setting '${s.key}' in 'config ${section}'`)
          item.unknown.push(s.key)
        } else {
          item.statements.push(s)
        }
      }
      for (const c of child.children) {
        if (c.kind === 'config' && nested(c.name)) item.children.push(c)
        else if (known) acc.block(c, `nested section '${c.name}' in 'config ${section}' not modelled`)
      }
    }
  }
  for (const item of byName.values()) item.settings = settingsOf(item.statements)
  return [...byName.values()]
}
