/**
 * FortiOS CLI text (`show full-configuration`, backup `.conf`) → a tree of `config` blocks and `edit`
 * entries with line numbers. Knows the grammar (config/edit/set/unset/append/next/end, quoted strings
 * with backslash escapes that may span lines, such as PEM blocks), nothing of what the keys mean.
 */
import {IrmError} from '../../core/errors.js'
import {MAX_NESTING} from '../../core/limits.js'
import {type InputLine, inputLines} from '../input.js'
import {redactLine} from '../redact.js'
import type {UnparsedCode} from '../types.js'

export type Verb = 'set' | 'unset' | 'append' | 'select' | 'unselect'

export interface Statement {
  verb: Verb
  key: string
  values: string[]
  /** 1-based line where the statement starts. */
  line: number
  /** Physical lines the statement spans (more than one for multi-line quoted values). */
  lines: number
}

export interface Block {
  kind: 'config' | 'edit'
  /** `firewall policy` for a config block, the entry name for an edit. */
  name: string
  line: number
  /** Non-blank, non-comment physical lines the block holds, its opening and closing lines included. */
  size: number
  statements: Statement[]
  children: Block[]
  closed: boolean
  /** Table edits of a CLI script (`move`, `delete`, `rename`, `clone`), each after `at` children. */
  ops?: TableOp[]
}

/** `move 5 before 3`, `delete 5`, `rename 5 to 7`, `clone 5 to 9`: replayed in order by the table reader. */
export interface TableOp {
  verb: 'move' | 'delete' | 'rename' | 'clone'
  args: string[]
  line: number
  lines: number
  /** How many child blocks precede it. */
  at: number
}

export function opText(op: TableOp): string {
  return redactLine([op.verb, ...op.args.map((a) => (/[\s"]/.test(a) || a === '' ? `"${a}"` : a))].join(' '))
}

export interface StrayLine {
  line: number
  lines: number
  code: UnparsedCode
  reason: string
  text: string
}

export interface ReadResult {
  roots: Block[]
  stray: StrayLine[]
  /** Non-blank, non-comment physical lines. */
  lines: number
  /** `#config-version=FGT60F-7.02-FW-build1234…` header, when present. */
  version?: {model: string; major: number; minor: number; vdomMode: boolean}
}

interface Tokens {
  words: string[]
  quoted: boolean[]
  line: number
  lines: number
}

// keys whose values are secrets: never kept in echoed text
const SECRET_KEY = /(pass|secret|psk|pwd|private|key$|^key|token|hash|community|certificate|ppk)/i

/** A statement as it may be echoed: secret values and multi-line values elided, then redacted. */
// a config repeats a few hundred keys 10^5 times: each is made printable and tested once (bounded)
const KEY_TEXTS = new Map<string, {key: string; secret: boolean}>()

function keyText(raw: string): {key: string; secret: boolean} {
  let k = KEY_TEXTS.get(raw)
  if (!k) {
    k = {key: raw.replace(/[^\w.-]/g, '?'), secret: SECRET_KEY.test(raw)}
    if (KEY_TEXTS.size < 4096) KEY_TEXTS.set(raw, k)
  }
  return k
}

export function statementText(s: Statement): string {
  const {key, secret} = keyText(s.key)
  if (secret) return `${s.verb} ${key} <redacted>`
  const shown = s.values.map((v) => (v.includes('\n') ? '"<multi-line value>"' : /[\s"]/.test(v) || v === '' ? `"${v.replace(/"/g, '\\"')}"` : v))
  return redactLine([s.verb, key, ...shown].join(' '))
}

export function blockText(b: Block): string {
  return redactLine(b.kind === 'config' ? `config ${b.name}` : `edit ${/[\s"]/.test(b.name) ? `"${b.name}"` : b.name}`)
}

/** A quoted word from `i` (just after its opening quote) on line `k`: it may run over several lines. */
function quotedWord(lines: readonly InputLine[], k: number, i: number): {word: string; k: number; i: number} {
  let text = lines[k].text
  let word = ''
  let run = i
  for (;;) {
    if (i >= text.length) {
      // the value goes on on the next line: the newline is part of it
      word += text.slice(run)
      if (k + 1 >= lines.length) return {word, k, i}
      word += '\n'
      text = lines[++k].text
      i = run = 0
      continue
    }
    const c = text.charCodeAt(i)
    if (c === 34) return {word: word + text.slice(run, i), k, i: i + 1}
    if (c === 92) {
      // `\x` is x; a `\` that ends the line escapes its newline
      word += text.slice(run, i)
      if (i + 1 >= text.length) {
        if (k + 1 >= lines.length) return {word, k, i: i + 1}
        word += '\n'
        text = lines[++k].text
        i = run = 0
        continue
      }
      run = i + 1
      i += 2
      continue
    }
    i++
  }
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13

/** The lines as statements; a quoted value may run over several lines. Linear in the text. */
/** A line the grammar does not place (or a command it does not know): echoed, redacted. */
function strayLine(stray: StrayLine[], t: Tokens, reason: string, code: UnparsedCode = 'malformed'): void {
  stray.push({line: t.line, lines: t.lines, code, reason, text: redactLine(t.words.map((w, k) => (t.quoted[k] ? `"${w.split('\n')[0]}"` : w)).join(' '))})
}

// verbs and keys repeat (`set srcintf …` 10^5 times): a line's first two bare words are kept once per
// file (values are not: most are distinct, and a lookup per word costs more than it saves)
const INTERN_LENGTH = 24
const INTERN_MAX = 65_536

function* tokenize(lines: readonly InputLine[]): Generator<Tokens> {
  const known = new Map<string, string>()
  const intern = (w: string): string => {
    if (w.length > INTERN_LENGTH) return w
    const k = known.get(w)
    if (k !== undefined) return k
    if (known.size < INTERN_MAX) known.set(w, w)
    return w
  }
  for (let k = 0; k < lines.length; k++) {
    let text = lines[k].text
    let i = 0
    while (i < text.length && isBlank(text.charCodeAt(i))) i++
    if (i >= text.length || text.charCodeAt(i) === 35) continue
    const start = k
    const words: string[] = []
    const quoted: boolean[] = []
    while (i < text.length) {
      if (isBlank(text.charCodeAt(i))) {
        i++
        continue
      }
      if (text.charCodeAt(i) === 34) {
        const q = quotedWord(lines, k, i + 1)
        words.push(q.word)
        quoted.push(true)
        k = q.k
        i = q.i
        text = lines[k].text
        continue
      }
      // a bare word: `\x` is x (a `\` at the end of the line stays)
      let word = ''
      let run = i
      while (i < text.length && !isBlank(text.charCodeAt(i))) {
        if (text.charCodeAt(i) === 92 && i + 1 < text.length) {
          word += text.slice(run, i)
          run = i + 1
          i += 2
          continue
        }
        i++
      }
      const w = word + text.slice(run, i)
      words.push(words.length < 2 ? intern(w) : w)
      quoted.push(false)
    }
    yield {words, quoted, line: lines[start].line, lines: k - start + 1}
  }
}

const VERBS = new Set<string>(['set', 'unset', 'append', 'select', 'unselect'])

export function readFortios(text: string): ReadResult {
  const roots: Block[] = []
  const stray: StrayLine[] = []
  const stack: Block[] = []
  let lines = 0
  const header = /^#config-version=([A-Za-z0-9_]+)-(\d+)\.(\d+)[^\n]*?(?::vdom=(\d))?/m.exec(text.slice(0, 4096))
  const version = header
    ? {model: header[1], major: Number(header[2]), minor: Number(header[3]), vdomMode: header[4] === '1'}
    : undefined

  const open = (b: Block) => {
    // past the shared cap the block is not read: its content is counted as stray lines instead
    if (stack.length >= MAX_NESTING) throw new IrmError('CONFIG_SYNTAX', `blocks nest deeper than ${MAX_NESTING} levels`, {line: b.line, hint: 'FortiOS configurations nest a few levels; this file is damaged or not a FortiOS backup.'})
    const parent = stack[stack.length - 1]
    if (parent) parent.children.push(b)
    else roots.push(b)
    stack.push(b)
  }
  const count = (n: number) => {
    for (const b of stack) b.size += n
  }
  const close = () => {
    stack.pop()!.closed = true
  }

  for (const t of tokenize(inputLines({file: '', text}))) {
    lines += t.lines
    // no rest copy per line: a `set` takes its key and values from the words directly
    const verb = t.words[0]
    const argc = Math.max(0, t.words.length - 1)
    const top = stack[stack.length - 1]
    switch (verb) {
      case 'config':
        if (argc === 0) {
          strayLine(stray, t, "'config' without a section name")
          break
        }
        open({kind: 'config', name: t.words.slice(1).join(' '), line: t.line, size: 0, statements: [], children: [], closed: false})
        count(t.lines)
        break
      case 'edit':
        if (top?.kind !== 'config') {
          strayLine(stray, t, "'edit' outside a config block")
          break
        }
        open({kind: 'edit', name: t.words.slice(1).join(' '), line: t.line, size: 0, statements: [], children: [], closed: false})
        count(t.lines)
        break
      case 'next':
        if (top?.kind !== 'edit') {
          strayLine(stray, t, "'next' without an 'edit'")
          break
        }
        count(t.lines)
        close()
        break
      case 'end': {
        // an 'end' also closes an edit whose 'next' is missing (FortiOS accepts it)
        if (top?.kind === 'edit' && stack.length >= 2) close()
        if (stack[stack.length - 1]?.kind !== 'config') {
          strayLine(stray, t, "'end' without a 'config'")
          break
        }
        count(t.lines)
        close()
        break
      }
      case 'move':
      case 'delete':
      case 'rename':
      case 'clone':
        if (top?.kind !== 'config') {
          strayLine(stray, t, `'${verb}' outside a config block`)
          break
        }
        ;(top.ops ??= []).push({verb, args: t.words.slice(1), line: t.line, lines: t.lines, at: top.children.length})
        count(t.lines)
        break
      default:
        if (VERBS.has(verb) && argc > 0 && top) {
          top.statements.push({verb: verb as Verb, key: t.words[1], values: t.words.slice(2), line: t.line, lines: t.lines})
          count(t.lines)
        } else if (VERBS.has(verb) && argc > 0) {
          strayLine(stray, t, `'${verb}' outside a config block`)
        } else {
          strayLine(stray, t, `unknown command '${verb.slice(0, 40)}'`, 'unknown-statement')
        }
    }
  }
  return {roots, stray, lines, version}
}

/** The settings of a block after replaying set/append/unset in order (FortiOS: the last `set` wins). */
export function settingsOf(statements: Iterable<Statement>): Map<string, Statement> {
  const out = new Map<string, Statement>()
  for (const s of statements) {
    const prev = out.get(s.key)
    switch (s.verb) {
      case 'set':
        out.set(s.key, s)
        break
      case 'append':
      case 'select':
        out.set(s.key, {...s, verb: 'set', values: [...(prev?.values ?? []), ...s.values.filter((v) => !prev?.values.includes(v))], line: prev?.line ?? s.line})
        break
      case 'unselect':
        if (prev) out.set(s.key, {...prev, values: prev.values.filter((v) => !s.values.includes(v))})
        break
      case 'unset':
        out.delete(s.key)
        break
    }
  }
  return out
}
