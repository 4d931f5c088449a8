/**
 * Junos text → flat statements (set-paths with line numbers), from either `display set` output or
 * the hierarchical `{ }` form of `show configuration`. One model builder then reads the statements,
 * whichever form they came from.
 */
import {redactLine} from '../redact.js'

export interface Statement {
  /** Full path of words, as the `set` form would write it, `[ a b ]` lists already expanded. */
  words: string[]
  /**
   * Line of each leading word that sits on another line (in the hierarchy, a block's words sit on its
   * header line; statements under one block share the array). Words past its end are on `line`.
   */
  wordLines?: readonly number[]
  line: number
  /** The source line, redacted. */
  text: string
  /** `inactive:` in the hierarchy, or `deactivate` of a prefix: Junos ignores it at commit. */
  inactive: boolean
  /** Statements expanded from one source statement (a `[ ]` list) share an id, counted once in stats. */
  id: number
}

export interface ReadProblem {
  line: number
  reason: string
  text: string
}

export interface ReadResult {
  statements: Statement[]
  problems: ReadProblem[]
  /** Source statements (ids), for stats. */
  count: number
  /** `deactivate`/`activate`/`delete` lines of the set form: understood, they carry no statement. */
  directives: number
  form: 'set' | 'hierarchy'
}

const SET_VERBS = /^\s*(set|deactivate|activate|delete|insert|move|protect|unprotect)\s/
const COMMENT = /^\s*(#|\/\*|\*|$)/

/** Line where the object named after the last `keyword` was opened (its block header in the hierarchy). */
export function headLine(s: Statement, keyword: string): number {
  const i = s.words.lastIndexOf(keyword)
  if (i < 0 || !s.wordLines) return s.line
  const k = Math.min(i + 1, s.words.length - 1)
  return k < s.wordLines.length ? s.wordLines[k] : s.line
}

/** `set` form when most of the first meaningful lines are set-style commands (a pasted prompt or `show` line does not count). */
export function looksLikeSetForm(text: string): boolean {
  let set = 0
  let tree = 0
  for (const line of text.split('\n', 400)) {
    if (COMMENT.test(line)) continue
    if (SET_VERBS.test(line)) set++
    else if (/[{};]\s*$/.test(line)) tree++
  }
  return set >= tree
}

export function readJunos(text: string): ReadResult {
  return looksLikeSetForm(text) ? readSetForm(text) : readHierarchy(text)
}

// characters that end an unquoted word: whitespace, braces, `;`, brackets, quote
const WORD_END = new Set([...' \t\r\n\f\v{};[]"'].map((c) => c.charCodeAt(0)))

interface Token {
  value: string
  line: number
  quoted: boolean
}

/**
 * Words of one line or block, honouring quotes, `#` comments, `/* *\/` comments and `{ } ; [ ]`.
 * `words` interns them: a large config repeats the same few hundred words millions of times. A
 * generator, so the hierarchical form never holds the whole file as tokens.
 */
function* tokenize(text: string, problems: ReadProblem[], lines: string[], words: Map<string, string>): Generator<Token> {
  const intern = (w: string): string => {
    const known = words.get(w)
    if (known !== undefined) return known
    words.set(w, w)
    return w
  }
  let line = 1
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c === '\n') {
      line++
      i++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++
      continue
    }
    if (c === '#') {
      // comment to end of line ("## Last commit", "## SECRET-DATA")
      while (i < n && text[i] !== '\n') i++
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      const stop = end < 0 ? n : end + 2
      for (let k = i; k < stop; k++) if (text[k] === '\n') line++
      i = stop
      continue
    }
    if (c === '{' || c === '}' || c === ';' || c === '[' || c === ']') {
      yield {value: c, line, quoted: false}
      i++
      continue
    }
    if (c === '"') {
      const startLine = line
      let value = ''
      i++
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1]
          i += 2
          continue
        }
        if (text[i] === '\n') line++
        value += text[i]
        i++
      }
      if (i >= n) problems.push({line: startLine, reason: 'unterminated quoted string', text: redactLine(lines[startLine - 1] ?? '')})
      i++
      yield {value: intern(value), line: startLine, quoted: true}
      continue
    }
    let j = i
    while (j < n && !WORD_END.has(text.charCodeAt(j))) j++
    // a `#` inside a word is part of it (e.g. ssh keys); only a leading one starts a comment
    yield {value: intern(text.slice(i, j)), line, quoted: false}
    i = j
  }
}

export function readSetForm(text: string): ReadResult {
  const r: SetRead = {statements: [], problems: [], deactivated: new Set(), deleted: [], directives: 0, count: 0, words: new Map()}
  text.split('\n').forEach((raw, idx) => readSetLine(r, raw, idx + 1))
  const live = applyDirectives(r)
  return {statements: live, problems: r.problems, count: r.count, directives: r.directives, form: 'set'}
}

interface SetRead {
  statements: Statement[]
  problems: ReadProblem[]
  /** `deactivate` prefixes still in force. */
  deactivated: Set<string>
  /** `delete` prefixes, each applying to the statements set before it. */
  deleted: Array<{prefix: string; after: number}>
  directives: number
  /** Source `set` statements. */
  count: number
  /** Interned words (tokenize). */
  words: Map<string, string>
}

/** The words after the verb, `[ ]` lists apart (a `\u0000list` word marks each); null when brackets are off. */
function setWords(tokens: Token[]): {words: string[]; lists: string[][]} | null {
  const words: string[] = []
  const lists: string[][] = []
  let inList: string[] | null = null
  let bad = false
  for (const t of tokens) {
    // a list inside a list is no Junos syntax: the line is reported, never half read
    if (!t.quoted && t.value === '[' && inList) bad = true
    else if (!t.quoted && t.value === '[') inList = []
    else if (!t.quoted && t.value === ']') {
      if (inList) lists.push(inList)
      else bad = true
      inList = null
      words.push('\u0000list')
    } else if (!t.quoted && (t.value === '{' || t.value === '}' || t.value === ';')) bad = true
    else if (inList) inList.push(t.value)
    else words.push(t.value)
  }
  return bad || inList ? null : {words, lists}
}

function readSetLine(r: SetRead, raw: string, lineNo: number): void {
  if (COMMENT.test(raw)) return
  const tokens = [...tokenize(raw, r.problems, [raw], r.words)].map((t) => ({...t, line: lineNo}))
  if (tokens.length === 0) return
  const verb = tokens[0].value
  const text = redactLine(raw.trim())
  const parsed = setWords(tokens.slice(1))
  if (!parsed) {
    r.problems.push({line: lineNo, reason: 'unbalanced brackets or braces in a set command', text})
    return
  }
  const {words, lists} = parsed
  switch (verb) {
    case 'set': {
      const id = ++r.count
      for (const w of expandLists(words, lists)) r.statements.push({words: w, line: lineNo, text, inactive: false, id})
      return
    }
    case 'deactivate':
      r.directives++
      r.deactivated.add(words.join(' '))
      return
    case 'activate':
      r.directives++
      r.deactivated.delete(words.join(' '))
      return
    case 'delete':
      r.directives++
      r.deleted.push({prefix: words.join(' '), after: r.statements.length})
      return
    case 'protect':
    case 'unprotect':
      r.directives++
      return
    case 'insert':
    case 'move': {
      const problem = reorder(r.statements, verb, words)
      if (problem) r.problems.push({line: lineNo, reason: problem, text})
      else r.directives++
      return
    }
    default:
      r.problems.push({line: lineNo, reason: `not a set command ('${verb.slice(0, 20)}')`, text})
  }
}

/** deactivate/delete apply to statements under the prefix (delete only to those set before it). */
function applyDirectives(r: SetRead): Statement[] {
  let live = r.statements
  if (r.deleted.length) {
    live = r.statements.filter((s, index) => !r.deleted.some((d) => index < d.after && startsWith(s.words, d.prefix)))
    // a deleted statement was read and knowingly dropped
    const kept = new Set(live.map((s) => s.id))
    r.directives += new Set(r.statements.filter((s) => !kept.has(s.id)).map((s) => s.id)).size
  }
  if (r.deactivated.size) {
    for (const s of live) {
      let prefix = ''
      for (const w of s.words) {
        prefix = prefix ? `${prefix} ${w}` : w
        if (r.deactivated.has(prefix)) {
          s.inactive = true
          break
        }
      }
    }
  }
  return live
}

/**
 * An ordered list edited in place, replayed on the statements read so far:
 * Junos `insert PATH KEY NAME before|after KEY OTHER`, PAN-OS `move PATH NAME top|bottom|before OTHER|after OTHER`.
 * The entry's statements move as a block; the list order is the order of first appearance. A problem, or undefined.
 */
function reorder(statements: Statement[], verb: string, words: string[]): string | undefined {
  const at = words.findIndex((w, k) => k > 0 && (w === 'before' || w === 'after' || w === 'top' || w === 'bottom'))
  const where = words[at]
  const bad = verb === 'move' ? 'move needs PATH NAME top|bottom|before NAME|after NAME' : 'insert needs PATH NAME before|after KEYWORD NAME'
  if (at < 1) return bad
  const list = words.slice(0, at - 1)
  const name = words[at - 1]
  let other: string | undefined
  if (where === 'top' || where === 'bottom') {
    if (verb !== 'move' || at !== words.length - 1) return bad
  } else if (verb === 'move') {
    if (at !== words.length - 2) return bad
    other = words[at + 1]
  } else {
    // insert names the neighbour with the list's keyword again: `policy B`
    if (at !== words.length - 3 || words[at + 1] !== list[list.length - 1]) return bad
    other = words[at + 2]
  }
  const prefix = [...list, name].join(' ')
  const moving = statements.filter((st) => startsWith(st.words, prefix))
  if (moving.length === 0) return `${verb}: no '${name}' under '${list.join(' ')}'`
  const rest = statements.filter((st) => !startsWith(st.words, prefix))
  const inList = (st: Statement) => startsWith(st.words, list.join(' ')) && st.words.length > list.length
  let index: number
  if (other !== undefined) {
    const target = [...list, other].join(' ')
    const first = rest.findIndex((st) => startsWith(st.words, target))
    if (first < 0) return `${verb}: no '${other}' under '${list.join(' ')}'`
    index = first
    if (where === 'after') while (index < rest.length && startsWith(rest[index].words, target)) index++
    if (where === 'after') for (let k = index; k < rest.length; k++) if (startsWith(rest[k].words, target)) index = k + 1
  } else if (where === 'top') {
    index = rest.findIndex(inList)
    if (index < 0) index = rest.length
  } else {
    index = rest.length
    for (let k = rest.length - 1; k >= 0; k--) {
      if (inList(rest[k])) {
        index = k + 1
        break
      }
    }
  }
  statements.splice(0, statements.length, ...rest.slice(0, index), ...moving, ...rest.slice(index))
  return undefined
}

function startsWith(words: string[], prefix: string): boolean {
  const joined = words.join(' ')
  return joined === prefix || joined.startsWith(`${prefix} `)
}

/**
 * `a [ b c ] d` → `a b d`, `a c d`. Each list is a value set: with several lists in one statement
 * (`from [ a b ] to [ c d ]`), the i-th statement takes the i-th item of every list (the last one once a
 * list runs out), so every value reaches its place and the count stays that of the longest list. A
 * cartesian product would be the same sets at a cost exponential in the number of lists (#12).
 */
function expandLists(words: string[], lists: string[][]): string[][] {
  if (lists.length === 0) return [words]
  const width = Math.max(1, ...lists.map((l) => l.length))
  const out: string[][] = []
  for (let i = 0; i < width; i++) {
    const w: string[] = []
    let li = 0
    for (const word of words) {
      if (word !== '\u0000list') w.push(word)
      else {
        const items = lists[li++] ?? []
        if (items.length) w.push(items[Math.min(i, items.length - 1)])
      }
    }
    out.push(w)
  }
  return out
}

export function readHierarchy(text: string): ReadResult {
  const lines = text.split('\n')
  // the tokenizer's problems (an unterminated quote) are listed before the reader's, as they always were
  const tokenProblems: ReadProblem[] = []
  const problems: ReadProblem[] = []
  const reader = new HierarchyReader(lines, problems)
  for (const t of tokenize(text, tokenProblems, lines, new Map())) reader.token(t)
  reader.finish()
  return {statements: reader.statements, problems: [...tokenProblems, ...problems], count: reader.count, directives: 0, form: 'hierarchy'}
}

/** Annotations Junos prints before a statement: `inactive:` matters, `replace:`/`protect:` do not. */
function splitAnnotated(toks: Token[]): {inactive: boolean; words: string[]; lists: string[][]; open: boolean} {
  let inactive = false
  const words: string[] = []
  const lists: string[][] = []
  let inList: string[] | null = null
  let nested = false
  for (const t of toks) {
    if (!t.quoted && words.length === 0 && !inList && /^(inactive|replace|protect|delete|unprotect):$/.test(t.value)) {
      if (t.value === 'inactive:') inactive = true
      continue
    }
    if (!t.quoted && t.value === '[' && inList) nested = true
    else if (!t.quoted && t.value === '[') inList = []
    else if (!t.quoted && t.value === ']') {
      if (inList) lists.push(inList)
      else nested = true
      inList = null
      words.push('\u0000list')
    } else if (inList) inList.push(t.value)
    else words.push(t.value)
  }
  return {inactive, words, lists, open: inList !== null || nested}
}

/** The hierarchical form, token by token: `{` opens a block, `;` ends a statement, `}` closes a block. */
class HierarchyReader {
  readonly statements: Statement[] = []
  /** Source statements (a `[ ]` list expands to several statements with one id). */
  count = 0
  private readonly stack: Array<{words: string[]; inactive: boolean; line: number; children: number}> = []
  private prefixCache: {words: string[]; lines: readonly number[]} | undefined
  private current: Token[] = []

  constructor(
    private readonly lines: string[],
    private readonly problems: ReadProblem[],
  ) {}

  token(t: Token): void {
    if (t.quoted || (t.value !== '{' && t.value !== '}' && t.value !== ';')) this.current.push(t)
    else if (t.value === '{') this.open(t)
    else if (t.value === ';') this.leaf(t)
    else this.close(t)
  }

  finish(): void {
    if (this.current.length) {
      const line = this.current[0].line
      this.problem(line, 'statement cut off at the end of the file')
    }
    if (this.stack.length) {
      const open = this.stack[this.stack.length - 1]
      this.problem(open.line, `block '${open.words.join(' ').slice(0, 40)}' not closed (file truncated?)`)
    }
  }

  private open(t: Token): void {
    const {inactive, words, open} = splitAnnotated(this.current)
    const line = this.current[0]?.line ?? t.line
    if (open || words.length === 0) this.problem(line, 'block without a name')
    // an empty block (`panorama { }`) is still a statement: it is emitted when it closes without children
    this.stack.push({words: words.filter((w) => w !== '\u0000list'), inactive, line, children: 0})
    this.prefixCache = undefined
    this.current = []
  }

  private leaf(t: Token): void {
    const {inactive, words, lists, open} = splitAnnotated(this.current)
    const line = this.current[0]?.line ?? t.line
    this.current = []
    if (open) {
      this.problem(line, "unterminated '[' list")
      return
    }
    if (words.length === 0) return
    const id = this.nextId()
    const {words: base, lines: wordLines} = this.prefix()
    for (const w of expandLists(words, lists)) {
      this.statements.push({words: [...base, ...w], wordLines, line, text: this.lineText(line), inactive: inactive || this.prefixInactive(), id})
    }
  }

  private close(t: Token): void {
    if (this.current.length) {
      this.problem(this.current[0].line, "statement without ';' before '}'")
      this.current = []
    }
    const frame = this.stack.pop()
    this.prefixCache = undefined
    if (!frame) {
      this.problem(t.line, "unbalanced '}'")
      return
    }
    if (frame.children === 0 && frame.words.length) {
      const id = this.nextId()
      const {words: base, lines: wordLines} = this.prefix()
      this.statements.push({
        words: [...base, ...frame.words],
        wordLines,
        line: frame.line,
        text: this.lineText(frame.line),
        inactive: frame.inactive || this.prefixInactive(),
        id,
      })
    }
  }

  /** A new source statement: every open block gains a child. */
  private nextId(): number {
    this.count++
    for (const f of this.stack) f.children++
    return this.count
  }

  private problem(line: number, reason: string): void {
    this.problems.push({line, reason, text: this.lineText(line)})
  }

  private lineText(line: number): string {
    return redactLine((this.lines[line - 1] ?? '').trim())
  }

  /** Words of the open blocks and their header lines, shared by every statement until a block opens or closes. */
  private prefix(): {words: string[]; lines: readonly number[]} {
    this.prefixCache ??= {words: this.stack.flatMap((f) => f.words), lines: this.stack.flatMap((f) => f.words.map(() => f.line))}
    return this.prefixCache
  }

  private prefixInactive(): boolean {
    return this.stack.some((f) => f.inactive)
  }
}
