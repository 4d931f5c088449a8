/**
 * The one line ledger every parser keeps (Batfish: every line in a named bucket, and a per-file
 * `ParseStatus`). Each meaningful line gets exactly one verdict: modelled (`ok`), ignored on purpose
 * (`ignored`, from the parser's table of statements it skips: counts as understood), or `unparsed`
 * with a reason and its (redacted) text. A line seen and never given a verdict is unparsed with the
 * ledger's `unvisited` reason, so nothing is dropped silently. `finish` derives the stats from the
 * verdicts, so the counts cannot drift (no clamps).
 *
 * Formats that do not count by line (XML elements, cloud resources) add units with `count(n)` and give
 * each unparsed entry the units it costs (`cost`).
 */
import {type Doubt, type DoubtCode, doubtEffect} from '../../model/doubts.js'
import type {Unparsed, UnparsedCode} from '../types.js'

/** Batfish's ParseStatus, per file. */
export type ParseStatus = 'passed' | 'partially-unrecognized' | 'failed'

/** Statements a parser skips on purpose → why (`ntp` → "time sync, no reach"). */
export type IgnoredTable = ReadonlyMap<string, string>

export interface LedgerOptions {
  /** Reason for a line seen and never given a verdict; unset: such lines count as understood. */
  unvisited?: string
  /** Code of those lines (default `unvisited`; a line reader whose unjudged lines are unknown commands says so). */
  unvisitedCode?: UnparsedCode
  /** Redaction of echoed text (the loader redacts again; parsers with their own secret forms pass theirs). */
  redact?: (text: string) => string
  /** The file the lines are in, when the parser reads several. */
  file?: string
}

export interface LedgerResult {
  unparsed: Unparsed[]
  doubts: Doubt[]
  stats: {lines: number; understood: number}
  /** Lines ignored on purpose (part of `understood`). */
  ignored: number
  status: ParseStatus
}

type Verdict = {kind: 'ok'} | {kind: 'ignored'; reason: string} | {kind: 'unparsed'; entries: Unparsed[]}

/** One shared verdict for every modelled line (a large config has millions). */
const OK: Verdict = {kind: 'ok'}

/** Longest echo of a line's text in an unparsed entry: a minified one-line export must not flood a report. */
export const MAX_ECHO = 400

export function echo(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

export function statusOf(stats: {lines: number; understood: number}, unparsed: number): ParseStatus {
  if (stats.lines > 0 && stats.understood === 0) return 'failed'
  return unparsed > 0 ? 'partially-unrecognized' : 'passed'
}

/**
 * Values by line number: a dense array for the line numbers of a file (a million-line config makes a
 * million entries, which a Map holds at several times the memory and collector work), a Map for any
 * other number. Kept dense: a write past the end fills the gap, so the array never turns into a
 * dictionary.
 */
class ByLine<T> {
  private readonly dense: Array<T | undefined> = []
  private readonly other = new Map<number, T>()

  get(line: number): T | undefined {
    return isDenseLine(line) ? this.dense[line] : this.other.get(line)
  }

  has(line: number): boolean {
    return this.get(line) !== undefined
  }

  set(line: number, value: T): void {
    if (!isDenseLine(line)) {
      this.other.set(line, value)
      return
    }
    const d = this.dense
    while (d.length < line) d.push(undefined)
    d[line] = value
  }

  /** The lines that hold a value: dense ones ascending, then the others in insertion order. */
  *keys(): Generator<number> {
    const d = this.dense
    for (let i = 0; i < d.length; i++) if (d[i] !== undefined) yield i
    yield* this.other.keys()
  }
}

const MAX_DENSE_LINE = 1 << 26
const isDenseLine = (line: number) => line >= 0 && line < MAX_DENSE_LINE && Number.isInteger(line)

export class ParseLedger {
  private readonly seen = new ByLine<string>()
  private readonly verdicts = new ByLine<Verdict>()
  /** Unparsed entries that cost units of their own (not a seen line's verdict). */
  private readonly loose: Array<{entry: Unparsed; cost: number}> = []
  private readonly doubtList: Doubt[] = []
  private units = 0
  private declared: number | undefined
  private missedUnits = 0

  constructor(private readonly options: LedgerOptions = {}) {}

  /** A meaningful line the parser must account for (its text is echoed if nobody understands it). */
  see(line: number, text = ''): void {
    if (!this.seen.has(line)) this.seen.set(line, text)
  }

  /** Units counted without a line (XML elements, resources). */
  count(n: number): void {
    this.units += n
  }

  /**
   * The reader counted the meaningful lines itself: `n` of them, and every line given a verdict is one
   * of them (line-oriented readers that do not `see` each line).
   */
  total(n: number): void {
    this.declared = n
  }

  ok(line: number): void {
    this.verdicts.set(line, OK)
  }

  /** Understood and skipped on purpose; `reason` comes from the parser's IGNORED table. */
  ignored(line: number, reason: string): void {
    this.verdicts.set(line, {kind: 'ignored', reason})
  }

  /** Ignore `statement` if the parser's table lists it; false when it does not. */
  ignoreFrom(table: IgnoredTable, statement: string, line: number): boolean {
    const reason = table.get(statement)
    if (reason === undefined) return false
    this.ignored(line, reason)
    return true
  }

  /**
   * Not understood. By default the entry joins the verdict of `line` (a line may have several reasons
   * and counts once; `replace` keeps only the last). With `cost`, the entry stands on its own and costs
   * that many counted units (an XML element and its children, a FortiOS block).
   */
  unparsed(line: number, reason: string, text: string, extra: {code?: UnparsedCode; path?: string; file?: string; cost?: number; replace?: boolean} = {}): void {
    const entry: Unparsed = extra.code ? {line, code: extra.code, reason, text: this.redact(text)} : {line, reason, text: this.redact(text)}
    if (extra.path !== undefined) entry.path = extra.path
    const file = extra.file ?? this.options.file
    if (file !== undefined) entry.file = file
    this.add(entry, extra)
  }

  /** An entry a reader already made (text redacted, path and file set), kept as it is. */
  add(entry: Unparsed, extra: {cost?: number; replace?: boolean} = {}): void {
    if (extra.cost !== undefined) {
      this.loose.push({entry, cost: extra.cost})
      return
    }
    const v = this.verdicts.get(entry.line)
    if (v?.kind === 'unparsed' && !extra.replace) v.entries.push(entry)
    else this.verdicts.set(entry.line, {kind: 'unparsed', entries: [entry]})
  }

  /** Counted units not understood, reported (if at all) by entries that cost nothing themselves. */
  miss(n: number): void {
    this.missedUnits += n
  }

  /** Not understood, and reported by an entry on another line (the lines of a refused block). */
  lost(line: number): void {
    if (this.verdicts.get(line)?.kind !== 'unparsed') this.verdicts.set(line, {kind: 'unparsed', entries: []})
  }

  /** A doubt not attached to an exposure (a NAT no filter passes). */
  doubt(line: number, code: DoubtCode, detail: string): void {
    const d: Doubt = {code, effect: doubtEffect(code), detail, line}
    if (this.options.file !== undefined) d.file = this.options.file
    this.doubtList.push(d)
  }

  verdictOf(line: number): 'ok' | 'ignored' | 'unparsed' | undefined {
    return this.verdicts.get(line)?.kind
  }

  finish(): LedgerResult {
    const unparsed: Unparsed[] = []
    let lines = this.units
    let missed = this.missedUnits
    let ignored = 0
    if (this.declared !== undefined) lines += this.declared
    for (const line of this.lines()) {
      if (this.declared === undefined) lines++
      const v = this.verdicts.get(line)
      if (!v) {
        if (this.options.unvisited === undefined) continue
        missed++
        const entry: Unparsed = {line, code: this.options.unvisitedCode ?? 'unvisited', reason: this.options.unvisited, text: this.redact(this.seen.get(line) ?? '')}
        if (this.options.file !== undefined) entry.file = this.options.file
        unparsed.push(entry)
      } else if (v.kind === 'unparsed') {
        missed++
        for (const e of v.entries) {
          if (!e.text) e.text = this.redact(this.seen.get(line) ?? '')
          unparsed.push(e)
        }
      } else if (v.kind === 'ignored') ignored++
    }
    for (const {entry, cost} of this.loose) {
      unparsed.push(entry)
      missed += cost
    }
    unparsed.sort((a, b) => a.line - b.line)
    const stats = {lines, understood: lines - missed}
    const doubts = [...this.doubtList].sort((a, b) => a.line - b.line)
    return {unparsed, doubts, stats, ignored, status: statusOf(stats, unparsed.length)}
  }

  /** Every line seen or given a verdict, once each (without a joined copy: a million-line config). */
  private *lines(): Generator<number> {
    yield* this.seen.keys()
    for (const line of this.verdicts.keys()) if (!this.seen.has(line)) yield line
  }

  private redact(text: string): string {
    return echo(this.options.redact ? this.options.redact(text) : text)
  }
}
