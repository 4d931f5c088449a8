/** Section entries as FortiOS merges them, and the bookkeeping of every line we could not use. */
import {ParseLedger} from '../kit/ledger.js'
import type {UnparsedCode} from '../types.js'
import type {Entry} from './objects.js'
import {type Block, blockText, opText, settingsOf, type Statement, statementText, type TableOp} from './read.js'

/**
 * The ledger of a FortiOS config: the reader counts its lines; every entry we echo says how many of
 * them it costs (a statement, a block, a table operation).
 */
export class Accounting extends ParseLedger {
  statement(s: Statement, reason: string, code: UnparsedCode): void {
    this.unparsed(s.line, reason, statementText(s), {code, cost: s.lines})
  }

  block(b: Block, reason: string, code: UnparsedCode): void {
    this.unparsed(b.line, reason, blockText(b), {code, cost: b.size})
  }

  op(o: TableOp, reason: string, code: UnparsedCode): void {
    this.unparsed(o.line, reason, opText(o), {code, cost: o.lines})
  }

  /** An entry that costs `cost` lines (0: reported, the lines counted elsewhere). */
  line(line: number, reason: string, text: string, cost: number, code: UnparsedCode): void {
    this.unparsed(line, reason, text, {code, cost})
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
  let text = `edit ${/[\s"]/.test(item.name) ? `"${item.name}"` : item.name}`
  for (const s of item.settings.values()) text += `; ${statementText(s)}`
  return text
}

/** Merge the edit entries of a section's blocks; report settings outside `known` and nested blocks not handled. */
export function itemsOf(
  blocks: Block[] | undefined,
  section: string,
  acc: Accounting,
  known: ReadonlySet<string> | null,
  nested: (name: string) => boolean = () => false,
): Item[] {
  let byName = new Map<string, Item>()
  for (const block of blocks ?? []) {
    for (const s of block.statements) acc.statement(s, `setting outside an entry in 'config ${section}'`, 'malformed')
    const ops = block.ops ?? []
    let next = 0
    const replay = (upTo: number) => {
      for (; next < ops.length && ops[next].at <= upTo; next++) byName = applyOp(byName, ops[next], section, acc)
    }
    for (let k = 0; k < block.children.length; k++) {
      const child = block.children[k]
      replay(k)
      if (child.kind !== 'edit') {
        acc.block(child, `nested section '${child.name}' in 'config ${section}' not modelled`, 'unsupported')
        continue
      }
      let item = byName.get(child.name)
      if (!item) {
        item = {name: child.name, line: child.line, settings: new Map(), statements: [], children: [], unknown: []}
        byName.set(child.name, item)
      }
      for (const s of child.statements) {
        if (known && !known.has(s.key)) {
          acc.statement(s, `unknown setting '${s.key}' in 'config ${section}'`, 'unknown-statement')
          item.unknown.push(s.key)
        } else {
          item.statements.push(s)
        }
      }
      for (const c of child.children) {
        if (c.kind === 'config' && nested(c.name)) item.children.push(c)
        else if (known) acc.block(c, `nested section '${c.name}' in 'config ${section}' not modelled`, 'unsupported')
      }
    }
    replay(Infinity)
  }
  for (const item of byName.values()) item.settings = settingsOf(item.statements)
  return [...byName.values()]
}

/** One table edit of a CLI script, FortiOS semantics: the entry order is the evaluation order. */
function applyOp(byName: Map<string, Item>, op: TableOp, section: string, acc: Accounting): Map<string, Item> {
  const [name, word, other] = op.args
  const missing = (n: string) => {
    acc.op(op, `${op.verb}: no entry '${n}' in 'config ${section}'`, 'undefined-reference')
    return byName
  }
  const item = name === undefined ? undefined : byName.get(name)
  if (op.verb === 'delete') {
    if (op.args.length !== 1) return (acc.op(op, 'delete takes one entry', 'malformed'), byName)
    if (!item) return missing(name)
    byName.delete(name)
    return byName
  }
  if (op.verb === 'move') {
    if (op.args.length !== 3 || (word !== 'before' && word !== 'after')) return (acc.op(op, 'move needs ENTRY before|after ENTRY', 'malformed'), byName)
    if (!item) return missing(name)
    if (!byName.has(other)) return missing(other)
    if (name === other) return byName
    const out = new Map<string, Item>()
    for (const [k, v] of byName) {
      if (k === name) continue
      if (k === other && word === 'before') out.set(name, item)
      out.set(k, v)
      if (k === other && word === 'after') out.set(name, item)
    }
    return out
  }
  // rename A to B / clone A to B
  if (op.args.length !== 3 || word !== 'to') return (acc.op(op, `${op.verb} needs ENTRY to NAME`, 'malformed'), byName)
  if (!item) return missing(name)
  if (byName.has(other)) return (acc.op(op, `${op.verb}: entry '${other}' already exists in 'config ${section}'`, 'bad-value'), byName)
  if (op.verb === 'clone') {
    // the copy goes to the end of the table, with its own statements from here on
    byName.set(other, {...item, name: other, line: op.line, statements: [...item.statements], children: [...item.children], unknown: [...item.unknown]})
    return byName
  }
  return new Map([...byName].map(([k, v]) => (k === name ? [other, {...v, name: other}] : [k, v])))
}
