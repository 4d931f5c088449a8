/**
 * FortiOS CLI text (`show full-configuration`, backup `.conf`) → a tree of `config` blocks and `edit`
 * entries with line numbers. Knows the grammar (config/edit/set/unset/append/next/end, quoted strings
 * with backslash escapes that may span lines, such as PEM blocks), nothing of what the keys mean.
 */
import {IrmError} from '../../core/errors.js'
import {MAX_NESTING} from '../../core/limits.js'
import {LineCursor} from '../input.js'
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

/** One statement's words: verb and key apart (kept once per file), the values after them in an array of their own. */
interface Tokens {
  verb: string
  key: string | undefined
  values: string[]
  /** Bit k: word k was quoted (k < 31); quoted words past those in `quotedMore`. */
  quotedBits: number
  quotedMore: number[] | undefined
  line: number
  lines: number
}

const wordsOf = (t: Tokens): string[] => (t.key === undefined ? [t.verb] : [t.verb, t.key, ...t.values])
const isQuoted = (t: Tokens, k: number): boolean => (k < 31 ? (t.quotedBits & (1 << k)) !== 0 : t.quotedMore?.includes(k) === true)

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
  let line = `${s.verb} ${key}`
  for (const v of s.values) line += ` ${bare(v) ? v : shownValue(v)}`
  return redactLine(line)
}

/** A value as echoed: quoted when it holds a blank or a quote (or is empty), elided when it spans lines. */
function shownValue(v: string): string {
  return v.includes('\n') ? '"<multi-line value>"' : /[\s"]/.test(v) || v === '' ? `"${v.replace(/"/g, '\\"')}"` : v
}

/** Printable ASCII without blank or quote (most values): shownValue leaves it as it is, no regex needed. */
function bare(v: string): boolean {
  if (v === '') return false
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c <= 32 || c === 34 || c >= 127) return false
  }
  return true
}

export function blockText(b: Block): string {
  return redactLine(b.kind === 'config' ? `config ${b.name}` : `edit ${/[\s"]/.test(b.name) ? `"${b.name}"` : b.name}`)
}

// the words that start nearly every line, as literals: no lookup for them
function verbOf(w: string): string | undefined {
  switch (w.length) {
    case 3:
      return w === 'set' ? 'set' : w === 'end' ? 'end' : undefined
    case 4:
      return w === 'next' ? 'next' : w === 'edit' ? 'edit' : undefined
    case 6:
      return w === 'config' ? 'config' : undefined
    default:
      return undefined
  }
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13

/** A line the grammar does not place (or a command it does not know): echoed, redacted. */
function strayLine(stray: StrayLine[], t: Tokens, reason: string, code: UnparsedCode = 'malformed'): void {
  stray.push({line: t.line, lines: t.lines, code, reason, text: redactLine(wordsOf(t).map((w, k) => (isQuoted(t, k) ? `"${w.split('\n')[0]}"` : w)).join(' '))})
}

// verbs and keys repeat (`set srcintf …` 10^5 times): a line's first two bare words are kept once per
// file (values are not: most are distinct, and a lookup per word costs more than it saves)
const INTERN_LENGTH = 24
const INTERN_MAX = 65_536

/**
 * The statements of the text, one at a time to `each` (the same Tokens object, refilled: read it before
 * returning); a quoted value may run over several lines. Linear in the text, no array of lines.
 */
function tokenize(text: string, each: (t: Tokens) => void): void {
  const known = new Map<string, string>()
  const intern = (w: string): string => {
    if (w.length > INTERN_LENGTH) return w
    const k = known.get(w)
    if (k !== undefined) return k
    if (known.size < INTERN_MAX) known.set(w, w)
    return w
  }
  const cur = new LineCursor(text)
  // a final newline ends the last line; it does not start an empty one (as inputLines reads it)
  const hasNext = () => {
    const nl = text.charCodeAt(cur.end) === 10 ? cur.end : cur.end + 1
    return nl + 1 < text.length
  }
  // a quoted value goes on over the newline: the next line's bounds (rare: no cost on the common path)
  const nextLine = (): [number, number] => {
    cur.next()
    return [cur.start, cur.end]
  }
  const t: Tokens = {verb: '', key: undefined, values: [], quotedBits: 0, quotedMore: undefined, line: 0, lines: 0}
  // the values of the line being read; copied out at its end into an array of their exact size (an
  // array grown by push keeps spare room: 10^6 statements hold them until the end)
  const values: string[] = []
  while (cur.next()) {
    if (cur.line > 1 && cur.start === text.length) break
    let i = cur.start
    let end = cur.end
    while (i < end && isBlank(text.charCodeAt(i))) i++
    if (i >= end || text.charCodeAt(i) === 35) continue
    const first = cur.line
    let n = 0
    t.key = undefined
    let m = 0
    t.quotedBits = 0
    t.quotedMore = undefined
    while (i < end) {
      if (isBlank(text.charCodeAt(i))) {
        i++
        continue
      }
      let word = ''
      let run: number
      const quoted = text.charCodeAt(i) === 34
      if (quoted) {
        // up to the closing quote, over as many lines as it takes: each newline is part of the value
        run = ++i
        for (;;) {
          if (i >= end) {
            word += text.slice(run, end)
            if (!hasNext()) break
            word += '\n'
            ;[i, end] = nextLine()
            run = i
            continue
          }
          const c = text.charCodeAt(i)
          if (c === 34) {
            word += text.slice(run, i)
            run = ++i
            break
          }
          if (c === 92) {
            // `\x` is x; a `\` that ends the line escapes its newline
            word += text.slice(run, i)
            if (i + 1 >= end) {
              i++
              run = i
              if (!hasNext()) break
              word += '\n'
              ;[i, end] = nextLine()
              run = i
              continue
            }
            run = i + 1
            i += 2
            continue
          }
          i++
        }
      } else {
        // a bare word: `\x` is x (a `\` at the end of the line stays)
        run = i
        while (i < end && !isBlank(text.charCodeAt(i))) {
          if (text.charCodeAt(i) === 92 && i + 1 < end) {
            word += text.slice(run, i)
            run = i + 1
            i += 2
            continue
          }
          i++
        }
        word += text.slice(run, i)
      }
      if (n === 0) t.verb = verbOf(word) ?? intern(word)
      else if (n === 1) t.key = intern(word)
      else values[m++] = word
      if (quoted) {
        if (n < 31) t.quotedBits |= 1 << n
        else (t.quotedMore ??= []).push(n)
      }
      n++
    }
    t.values = values.slice(0, m)
    t.line = first
    t.lines = cur.line - first + 1
    each(t)
  }
}

/** The words after the verb, as one name (`config firewall policy`, `edit "a b"`). */
const restText = (t: Tokens): string => (t.key === undefined ? '' : t.values.length ? [t.key, ...t.values].join(' ') : t.key)

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

  tokenize(text, (t) => {
    lines += t.lines
    // a `set` takes its values as the tokenizer made them: no copy per line
    const verb = t.verb
    const argc = t.key === undefined ? 0 : t.values.length + 1
    const top = stack[stack.length - 1]
    switch (verb) {
      case 'config':
        if (argc === 0) {
          strayLine(stray, t, "'config' without a section name")
          break
        }
        open({kind: 'config', name: restText(t), line: t.line, size: 0, statements: [], children: [], closed: false})
        count(t.lines)
        break
      case 'edit':
        if (top?.kind !== 'config') {
          strayLine(stray, t, "'edit' outside a config block")
          break
        }
        open({kind: 'edit', name: restText(t), line: t.line, size: 0, statements: [], children: [], closed: false})
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
        ;(top.ops ??= []).push({verb, args: wordsOf(t).slice(1), line: t.line, lines: t.lines, at: top.children.length})
        count(t.lines)
        break
      default:
        if (VERBS.has(verb) && argc > 0 && top) {
          top.statements.push({verb: verb as Verb, key: t.key!, values: t.values, line: t.line, lines: t.lines})
          count(t.lines)
        } else if (VERBS.has(verb) && argc > 0) {
          strayLine(stray, t, `'${verb}' outside a config block`)
        } else {
          strayLine(stray, t, `unknown command '${verb.slice(0, 40)}'`, 'unknown-statement')
        }
    }
  })
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
