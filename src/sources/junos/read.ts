/**
 * Junos text → flat statements (set-paths with line numbers), from either `display set` output or
 * the hierarchical `{ }` form of `show configuration`. Both read the lines of the one input reader
 * (src/sources/input.ts); one model builder then reads the statements, whichever form they came from.
 * PAN-OS set and brace text (panos/tree.ts) is read by the same two readers.
 */
import {type InputLine, inputLines} from '../input.js'
import type {UnparsedCode} from '../types.js'
import {redactLine} from '../redact.js'

/** The lines a statement's text is echoed from (redacted only when someone asks for it). */
export interface SourceLines {
  readonly lines: readonly InputLine[]
}

/** One statement: its words as the `set` form writes them, where it is, and (lazily) its redacted text. */
export class Statement {
  private echo: string | undefined

  constructor(
    /** Full path of words, as the `set` form would write it, `[ a b ]` lists already expanded. */
    readonly words: string[],
    readonly line: number,
    /** `inactive:` in the hierarchy, or `deactivate` of a prefix: Junos ignores it at commit. */
    public inactive: boolean,
    /** Statements expanded from one source statement (a `[ ]` list) share an id, counted once in stats. */
    readonly id: number,
    private readonly source: SourceLines,
    /**
     * Line of each leading word that sits on another line (in the hierarchy, a block's words sit on its
     * header line; statements under one block share the array). Words past its end are on `line`.
     */
    readonly wordLines?: readonly number[],
  ) {}

  /** The source line, trimmed and redacted (computed once, only for statements whose text is echoed). */
  get text(): string {
    this.echo ??= lineText(this.source, this.line)
    return this.echo
  }

  /** The same source statement at another path (a configuration group applied elsewhere). */
  withWords(words: string[], wordLines?: readonly number[]): Statement {
    const s = new Statement(words, this.line, this.inactive, this.id, this.source, wordLines)
    s.echo = this.echo
    return s
  }
}

export interface ReadProblem {
  line: number
  reason: string
  text: string
  code: UnparsedCode
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
const TREE_END = /[{};]\s*$/

function lineText(source: SourceLines, line: number): string {
  return redactLine((source.lines[line - 1]?.text ?? '').trim())
}

/** Line where the object named after the last `keyword` was opened (its block header in the hierarchy). */
export function headLine(s: Statement, keyword: string): number {
  if (!s.wordLines) return s.line
  const i = s.words.lastIndexOf(keyword)
  if (i < 0) return s.line
  const k = Math.min(i + 1, s.words.length - 1)
  return k < s.wordLines.length ? s.wordLines[k] : s.line
}

/** `set` form when most of the first meaningful lines are set-style commands (a pasted prompt or `show` line does not count). */
export function looksLikeSetForm(lines: readonly InputLine[]): boolean {
  let set = 0
  let tree = 0
  for (let i = 0; i < lines.length && i < 400; i++) {
    const line = lines[i].text
    if (COMMENT.test(line)) continue
    if (SET_VERBS.test(line)) set++
    else if (TREE_END.test(line)) tree++
  }
  return set >= tree
}

export function readJunos(text: string, file = ''): ReadResult {
  const lines = inputLines({file, text})
  return looksLikeSetForm(lines) ? readSetForm(lines) : readHierarchy(lines)
}

/**
 * Interned words: a large set-form config repeats the same few hundred words millions of times (each
 * line writes its whole path). The hierarchy writes each block's words once: `NO_INTERN` there.
 */
class Words {
  private readonly known = new Map<string, string>()

  constructor(private readonly enabled = true) {}

  intern(w: string): string {
    if (!this.enabled) return w
    const k = this.known.get(w)
    if (k !== undefined) return k
    this.known.set(w, w)
    return w
  }
}

// characters that end an unquoted word: whitespace, braces, `;`, brackets, quote
const WORD_END = new Uint8Array(128)
for (const c of ' \t\r\n\f\v{};[]"') WORD_END[c.charCodeAt(0)] = 1
const isWordEnd = (code: number) => code < 128 && WORD_END[code] === 1

/** Unquoted `[` and `]` among a statement's words (a quoted "[" stays a plain word). */
const LIST_OPEN = '\u0000['
const LIST_CLOSE = '\u0000]'
/** Where a `[ ]` list stood in a statement's words, before expandLists. */
const LIST_MARK = '\u0000list'

/** Receives the tokens of the text: words (quoted or not) and the punctuation `{ } ;`. */
interface TokenSink {
  word(value: string, quoted: boolean, line: number): void
  punct(c: '{' | '}' | ';', line: number): void
}

/**
 * Words of the lines, honouring quotes (across lines), `#` comments, `/* *\/` comments (across lines)
 * and `{ } ; [ ]`. Fed line by line; `finish` reports a string left open at the end.
 */
class Tokenizer {
  /** Inside a block comment that started on an earlier line. */
  private inComment = false
  /** Inside a quoted string that started on an earlier line: its text so far and where it began. */
  private quote: {value: string; line: number} | undefined

  constructor(
    private readonly sink: TokenSink,
    private readonly words: Words,
    private readonly problems: ReadProblem[],
    private readonly source: SourceLines,
  ) {}

  feed(text: string, line: number): void {
    let i = 0
    const n = text.length
    if (this.inComment) i = this.commentEnd(text, 0)
    else if (this.quote) i = this.quoted(text, 0)
    while (i < n) {
      const code = text.charCodeAt(i)
      if (code === 32 || code === 9 || code === 13 || code === 12 || code === 11) {
        i++
        continue
      }
      const c = text[i]
      if (c === '#') return // comment to end of line ("## Last commit", "## SECRET-DATA")
      if (c === '/' && text[i + 1] === '*') {
        this.inComment = true
        i = this.commentEnd(text, i + 2)
      } else if (c === '{' || c === '}' || c === ';') {
        this.sink.punct(c, line)
        i++
      } else if (c === '[') {
        this.sink.word(LIST_OPEN, false, line)
        i++
      } else if (c === ']') {
        this.sink.word(LIST_CLOSE, false, line)
        i++
      } else if (c === '"') {
        this.quote = {value: '', line}
        i = this.quoted(text, i + 1)
      } else {
        let j = i + 1
        while (j < n && !isWordEnd(text.charCodeAt(j))) j++
        // a `#` inside a word is part of it (e.g. ssh keys); only a leading one starts a comment
        this.sink.word(this.words.intern(text.slice(i, j)), false, line)
        i = j
      }
    }
  }

  finish(): void {
    this.inComment = false
    if (!this.quote) return
    const {value, line} = this.quote
    this.quote = undefined
    this.problems.push({line, code: 'malformed', reason: 'unterminated quoted string', text: lineText(this.source, line)})
    this.sink.word(this.words.intern(value), true, line)
  }

  private commentEnd(text: string, from: number): number {
    const end = text.indexOf('*/', from)
    if (end < 0) return text.length
    this.inComment = false
    return end + 2
  }

  /** The rest of a quoted string from `from`; a string still open at the end of the line goes on. */
  private quoted(text: string, from: number): number {
    const q = this.quote!
    // a string that began on an earlier line keeps its line break
    if (from === 0) q.value += '\n'
    let i = from
    const n = text.length
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < n) {
        q.value += text[i + 1]
        i += 2
        continue
      }
      q.value += text[i]
      i++
    }
    if (i >= n) return n
    this.quote = undefined
    this.sink.word(this.words.intern(q.value), true, q.line)
    return i + 1
  }
}

export function readSetForm(lines: readonly InputLine[]): ReadResult {
  const r = new SetReader({lines})
  for (const l of lines) r.line(l)
  const live = r.applyDirectives()
  return {statements: live, problems: r.problems, count: r.count, directives: r.directives, form: 'set'}
}

/** The set form, line by line: one command per line, `deactivate`/`delete`/`insert` replayed in order. */
class SetReader implements TokenSink {
  readonly statements: Statement[] = []
  readonly problems: ReadProblem[] = []
  /** `deactivate` prefixes still in force. */
  private readonly deactivated = new Set<string>()
  /** `delete` prefixes, each applying to the statements set before it. */
  private readonly deleted: Array<{prefix: string; after: number}> = []
  directives = 0
  /** Source `set` statements. */
  count = 0
  private readonly words = new Words()
  private tokens: string[] = []
  private bad = false
  private readonly tokenizer: Tokenizer

  constructor(private readonly source: SourceLines) {
    this.tokenizer = new Tokenizer(this, this.words, this.problems, source)
  }

  word(value: string): void {
    // a quoted "[" stays "[": only an unquoted one is LIST_OPEN
    this.tokens.push(value)
  }

  punct(): void {
    this.bad = true
  }

  line(l: InputLine): void {
    const raw = l.text
    if (isComment(raw)) return
    const prev = this.tokens
    this.tokens = []
    this.bad = false
    const plain = isPlain(raw)
    if (plain) splitPlain(raw, this.tokens, this.words, prev)
    else {
      this.tokenizer.feed(raw, l.line)
      this.tokenizer.finish()
    }
    if (this.tokens.length === 0) return
    this.command(this.tokens, l.line, plain)
  }

  private problem(line: number, reason: string, code: UnparsedCode): void {
    this.problems.push({line, code, reason, text: lineText(this.source, line)})
  }

  private command(tokens: string[], line: number, plain: boolean): void {
    const verb = tokens[0]
    // a plain line has no list: its words are the tokens after the verb
    const parsed = this.bad ? null : plain ? {words: tokens.slice(1), lists: NO_LISTS} : setWords(tokens, 1)
    if (!parsed) {
      this.problem(line, 'unbalanced brackets or braces in a set command', 'malformed')
      return
    }
    const {words, lists} = parsed
    switch (verb) {
      case 'set': {
        const id = ++this.count
        if (lists.length === 0) this.statements.push(new Statement(words, line, false, id, this.source))
        else for (const w of expandLists(words, lists)) this.statements.push(new Statement(w, line, false, id, this.source))
        return
      }
      case 'deactivate':
        this.directives++
        this.deactivated.add(words.join(' '))
        return
      case 'activate':
        this.directives++
        this.deactivated.delete(words.join(' '))
        return
      case 'delete':
        this.directives++
        this.deleted.push({prefix: words.join(' '), after: this.statements.length})
        return
      case 'protect':
      case 'unprotect':
        this.directives++
        return
      case 'insert':
      case 'move': {
        const problem = reorder(this.statements, verb, words)
        if (problem) this.problem(line, problem, 'unsupported')
        else this.directives++
        return
      }
      default:
        this.problem(line, `not a set command ('${verb.slice(0, 20)}')`, 'unknown-statement')
    }
  }

  /** deactivate/delete apply to statements under the prefix (delete only to those set before it). */
  applyDirectives(): Statement[] {
    let live = this.statements
    if (this.deleted.length) {
      // a deleted statement was read and knowingly dropped: its id stays counted and understood
      live = this.statements.filter((s, index) => !this.deleted.some((d) => index < d.after && startsWith(s.words, d.prefix)))
    }
    if (this.deactivated.size) {
      for (const s of live) {
        let prefix = ''
        for (const w of s.words) {
          prefix = prefix ? `${prefix} ${w}` : w
          if (this.deactivated.has(prefix)) {
            s.inactive = true
            break
          }
        }
      }
    }
    return live
  }
}

/** `\s` by character code (a regex only for the rare non-ASCII character). */
function isBlank(code: number, ch: string): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(ch))
}

/** A comment or blank line (COMMENT, without a regex per line: the set form has one line per statement). */
function isComment(text: string): boolean {
  let i = 0
  while (i < text.length && isBlank(text.charCodeAt(i), text[i])) i++
  if (i === text.length) return true
  const c = text[i]
  return c === '#' || c === '*' || (c === '/' && text[i + 1] === '*')
}

/** A line the plain splitter reads as the tokenizer would: no quote, comment, bracket, brace or `;`. */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // " # ; [ ] { } and the `/*` of a comment
    if (c === 34 || c === 35 || c === 59 || c === 91 || c === 93 || c === 123 || c === 125) return false
    if (c === 47 && text.charCodeAt(i + 1) === 42) return false
  }
  return true
}

/**
 * Blank-separated words of a plain line. A set-form line mostly repeats the previous line's path: a
 * word equal to the previous line's word at the same place is that string again (no copy, no lookup).
 */
function splitPlain(text: string, out: string[], words: Words, prev: readonly string[]): void {
  const n = text.length
  let i = 0
  while (i < n) {
    let c = text.charCodeAt(i)
    while (i < n && (c === 32 || c === 9 || c === 13 || c === 12 || c === 11)) c = text.charCodeAt(++i)
    if (i >= n) return
    let j = i + 1
    while (j < n && !isWordEnd(text.charCodeAt(j))) j++
    const same = prev[out.length]
    out.push(same !== undefined && same.length === j - i && text.startsWith(same, i) ? same : words.intern(text.slice(i, j)))
    i = j
  }
}

/** The words from `from` on, `[ ]` lists apart (a LIST_MARK word marks each); null when brackets are off. */
function setWords(tokens: readonly string[], from: number): {words: string[]; lists: string[][]} | null {
  const words: string[] = []
  const lists: string[][] = []
  let inList: string[] | null = null
  let bad = false
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]
    // a list inside a list is no Junos syntax: the line is reported, never half read
    if (t === LIST_OPEN) {
      if (inList) bad = true
      else inList = []
    } else if (t === LIST_CLOSE) {
      if (inList) lists.push(inList)
      else bad = true
      inList = null
      words.push(LIST_MARK)
    } else if (inList) inList.push(t)
    else words.push(t)
  }
  return bad || inList ? null : {words, lists}
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
  const index = reorderIndex(rest, list, where, other)
  if (index === undefined) return `${verb}: no '${other}' under '${list.join(' ')}'`
  statements.splice(0, statements.length, ...rest.slice(0, index), ...moving, ...rest.slice(index))
  return undefined
}

/** Where the moved entry goes among the other statements; undefined when `other` is not in the list. */
function reorderIndex(rest: Statement[], list: string[], where: string, other: string | undefined): number | undefined {
  const inList = (st: Statement) => startsWith(st.words, list.join(' ')) && st.words.length > list.length
  if (other !== undefined) {
    const target = [...list, other].join(' ')
    const first = rest.findIndex((st) => startsWith(st.words, target))
    if (first < 0) return undefined
    let index = first
    if (where === 'after') for (let k = index; k < rest.length; k++) if (startsWith(rest[k].words, target)) index = k + 1
    return index
  }
  if (where === 'top') {
    const index = rest.findIndex(inList)
    return index < 0 ? rest.length : index
  }
  for (let k = rest.length - 1; k >= 0; k--) if (inList(rest[k])) return k + 1
  return rest.length
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
      if (word !== LIST_MARK) w.push(word)
      else {
        const items = lists[li++] ?? []
        if (items.length) w.push(items[Math.min(i, items.length - 1)])
      }
    }
    out.push(w)
  }
  return out
}

export function readHierarchy(lines: readonly InputLine[]): ReadResult {
  const source = {lines}
  // the tokenizer's problems (an unterminated quote) are listed before the reader's, as they always were
  const tokenProblems: ReadProblem[] = []
  const reader = new HierarchyReader(source)
  const tokenizer = new Tokenizer(reader, new Words(false), tokenProblems, source)
  for (const l of lines) tokenizer.feed(l.text, l.line)
  tokenizer.finish()
  reader.finish()
  return {statements: reader.statements, problems: [...tokenProblems, ...reader.problems], count: reader.count, directives: 0, form: 'hierarchy'}
}

const NO_LISTS: string[][] = []

/** Tokens with a list or a leading annotation (`inactive:`), which splitAnnotated must read. */
function needsSplit(toks: readonly string[]): boolean {
  if (toks.length && toks[0].endsWith(':')) return true
  for (const t of toks) if (t === LIST_OPEN || t === LIST_CLOSE) return true
  return false
}

const ANNOTATIONS = new Set(['inactive:', 'replace:', 'protect:', 'delete:', 'unprotect:'])

/** Annotations Junos prints before a statement: `inactive:` matters, `replace:`/`protect:` do not. */
function splitAnnotated(toks: readonly string[], quoted: ReadonlySet<number> | undefined): {inactive: boolean; words: string[]; lists: string[][]; open: boolean} {
  let inactive = false
  const words: string[] = []
  const lists: string[][] = []
  let inList: string[] | null = null
  let nested = false
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (words.length === 0 && !inList && ANNOTATIONS.has(t) && !quoted?.has(i)) {
      if (t === 'inactive:') inactive = true
      continue
    }
    if (t === LIST_OPEN) {
      if (inList) nested = true
      else inList = []
    } else if (t === LIST_CLOSE) {
      if (inList) lists.push(inList)
      else nested = true
      inList = null
      words.push(LIST_MARK)
    } else if (inList) inList.push(t)
    else words.push(t)
  }
  return {inactive, words, lists, open: inList !== null || nested}
}

interface Frame {
  words: string[]
  inactive: boolean
  line: number
  /** Source statements inside the block (its own, or its sub-blocks'). */
  children: number
}

/** The hierarchical form, token by token: `{` opens a block, `;` ends a statement, `}` closes a block. */
class HierarchyReader implements TokenSink {
  readonly statements: Statement[] = []
  readonly problems: ReadProblem[] = []
  /** Source statements (a `[ ]` list expands to several statements with one id). */
  count = 0
  private readonly stack: Frame[] = []
  /** The open blocks' words and their header lines, kept in step with the stack. */
  private readonly path: string[] = []
  private readonly pathLines: number[] = []
  private inactiveFrames = 0
  /** The prefix shared by every statement until a block opens or closes. */
  private prefixCache: {words: string[]; lines: readonly number[]} | undefined
  private current: string[] = []
  private currentLine = 0
  /** Indexes of quoted words in `current` (a quoted `inactive:` is a word); rarely set. */
  private quoted: Set<number> | undefined

  constructor(private readonly source: SourceLines) {}

  word(value: string, quoted: boolean, line: number): void {
    if (this.current.length === 0) this.currentLine = line
    if (quoted) (this.quoted ??= new Set()).add(this.current.length)
    this.current.push(value)
  }

  punct(c: '{' | '}' | ';', line: number): void {
    if (c === '{') this.open(line)
    else if (c === ';') this.leaf(line)
    else this.close(line)
  }

  finish(): void {
    if (this.current.length) this.problem(this.currentLine, 'statement cut off at the end of the file', 'malformed')
    if (this.stack.length) {
      const open = this.stack[this.stack.length - 1]
      this.problem(open.line, `block '${open.words.join(' ').slice(0, 40)}' not closed (file truncated?)`, 'malformed')
    }
  }

  private take(line: number): {inactive: boolean; words: string[]; lists: string[][]; open: boolean; line: number} {
    const toks = this.current
    const quoted = this.quoted
    const at = toks.length ? this.currentLine : line
    this.current = []
    this.quoted = undefined
    // most statements carry no annotation and no list: their words are the tokens as read
    if (!quoted && !needsSplit(toks)) return {inactive: false, words: toks, lists: NO_LISTS, open: false, line: at}
    return {...splitAnnotated(toks, quoted), line: at}
  }

  private open(line: number): void {
    const {inactive, words, open, line: at} = this.take(line)
    if (open || words.length === 0) this.problem(at, 'block without a name', 'malformed')
    // an empty block (`panorama { }`) is still a statement: it is emitted when it closes without children
    const frameWords = words.filter((w) => w !== LIST_MARK)
    this.stack.push({words: frameWords, inactive, line: at, children: 0})
    for (const w of frameWords) {
      this.path.push(w)
      this.pathLines.push(at)
    }
    if (inactive) this.inactiveFrames++
    this.prefixCache = undefined
  }

  private leaf(line: number): void {
    const {inactive, words, lists, open, line: at} = this.take(line)
    if (open) {
      this.problem(at, "unterminated '[' list", 'malformed')
      return
    }
    if (words.length === 0) return
    const id = this.nextId()
    const {words: base, lines: wordLines} = this.prefix()
    const off = inactive || this.inactiveFrames > 0
    if (lists.length === 0) this.statements.push(new Statement(base.concat(words), at, off, id, this.source, wordLines))
    else for (const w of expandLists(words, lists)) this.statements.push(new Statement(base.concat(w), at, off, id, this.source, wordLines))
  }

  private close(line: number): void {
    if (this.current.length) {
      this.problem(this.currentLine, "statement without ';' before '}'", 'malformed')
      this.current = []
      this.quoted = undefined
    }
    const frame = this.stack.pop()
    if (!frame) {
      this.problem(line, "unbalanced '}'", 'malformed')
      return
    }
    this.path.length -= frame.words.length
    this.pathLines.length -= frame.words.length
    if (frame.inactive) this.inactiveFrames--
    this.prefixCache = undefined
    if (frame.children === 0 && frame.words.length) {
      const id = this.nextId()
      const {words: base, lines: wordLines} = this.prefix()
      this.statements.push(new Statement(base.concat(frame.words), frame.line, frame.inactive || this.inactiveFrames > 0, id, this.source, wordLines))
    } else if (frame.children > 0 && this.stack.length) this.stack[this.stack.length - 1].children++
  }

  /** A new source statement: the innermost open block gains a child (its parents learn it when it closes). */
  private nextId(): number {
    this.count++
    if (this.stack.length) this.stack[this.stack.length - 1].children++
    return this.count
  }

  private problem(line: number, reason: string, code: UnparsedCode): void {
    this.problems.push({line, code, reason, text: lineText(this.source, line)})
  }

  /** Words of the open blocks and their header lines, shared by every statement until a block opens or closes. */
  private prefix(): {words: string[]; lines: readonly number[]} {
    this.prefixCache ??= {words: this.path.slice(), lines: this.pathLines.slice()}
    return this.prefixCache
  }
}
