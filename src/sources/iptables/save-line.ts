/**
 * The common iptables-save rule read straight from its line: `-A CHAIN` and the options iptables-save
 * writes for nearly every rule (`-s`/`-d` a.b.c.d[/nn], `-p`, `-i`/`-o`, `-m` of a module that adds no
 * condition, `--dport(s)`/`--sport(s)`, `--state`/`--ctstate`, `--comment`, `-j`, and the match or
 * target options of options.ts that leave the box alone: `--reject-with`, `--log-prefix`, `--limit`…).
 * One scan of the characters: no word arrays, no per-word dispatch. Anything else on the line (a
 * negation, another option, a quote outside a value, a spelling not yet seen or holding a redaction
 * prefilter word, a value the reader would doubt) gives the line to the command reader (read.ts), which
 * stays the authority: this path only answers where it gives the rule that reader would give, value for
 * value (tests/sources/iptables-save-line.test.ts holds the two equal).
 *
 * It reads the values through the same per-spelling caches (values.ts), and only those the command
 * reader has already filled (the first line with a spelling goes the long way and teaches it), but for
 * one port or range, which it reads and interns as the reader does.
 */
import {AddressSet} from '../../net/address-set.js'
import {PortSet} from '../../net/number-set.js'
import {PREFILTER_FOUND, PREFILTER_TABLE, redactLine} from '../redact.js'
import {type IptRule, RuleFlag} from './model.js'
import type {OptionEffect} from './options.js'
import {digitPorts, ICMPV6_WORDS, moduleWords, names, newRule, parseNatDestination, portList, portSpecs, protocolWords, stateLists, targetWords} from './values.js'
import {type Spellings, spelt, step} from './words.js'

/** What a word's scan met: the end of the line, a plain word, or a quote or backslash in it. */
const enum Scan {
  End,
  Plain,
  Quoted,
}

/** What the command reader knows of an option word (its WORDS table): the fast path reads only plain match and target options. */
export interface OptionWord {
  op?: unknown
  unsupported?: true
  opt?: number
  match?: [number, OptionEffect, string?]
  targetArity?: number
}

/** A prefilter word in `text.slice(from, to)` (the automaton of hasPrefilterWord, over a range). */
function prefilterIn(text: string, from: number, to: number): boolean {
  const table = PREFILTER_TABLE
  let s = 0
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p)
    s = c < 128 ? table[(s << 7) | c] : 0
    if (s === PREFILTER_FOUND) return true
  }
  return false
}

export class SaveLineReader {
  /** The rule's chain and family evidence (0: none) once `read` gave a rule. */
  chain = ''
  hint = 0
  private text = ''
  private to = 0
  /** Where the scan is. */
  private at = 0
  /** The word last scanned: its offsets and hash. */
  private s = 0
  private e = 0
  private h = 0
  /** The value of the word last read by `valueWord` (within its quotes, if quoted). */
  private vs = 0
  private ve = 0

  /** `options`: the command reader's option words, by spelling. */
  constructor(private readonly options: Spellings<OptionWord>) {}

  /** The rule of `text.slice(from, to)` (trimmed, starting `-`), read as the command reader would; null: not a line for this path. */
  read(line: number, text: string, from: number, to: number): IptRule | null {
    this.text = text
    this.to = to
    this.at = from
    // `-A CHAIN`
    if (this.next() !== Scan.Plain || this.e - this.s !== 2 || !spelt(text, this.s, '-A')) return null
    if (this.next() !== Scan.Plain || text.charCodeAt(this.s) === 45) return null
    const chain = names.cleanAt(text, this.s, this.e, this.h)
    if (chain === undefined) return null
    const rule = newRule(line, '')
    let hint = 0
    for (;;) {
      const scan = this.next()
      if (scan === Scan.End) break
      if (scan !== Scan.Plain || text.charCodeAt(this.s) !== 45) return null
      const n = this.e - this.s
      const at = this.s
      if (n === 2) {
        const c = text.charCodeAt(at + 1)
        if (c === 115 || c === 100) {
          // -s / -d: one dotted quad or CIDR, read in place
          if (!this.value()) return null
          const set = AddressSet.parseIpv4Range(text, this.s, this.e)
          if (set === undefined) return null
          hint = 4
          if (c === 115) rule.from = rule.from.intersect(set)
          else rule.to = rule.to.intersect(set)
        } else if (c === 112) {
          if (!this.value()) return null
          const p = protocolWords.cleanAt(text, this.s, this.e, this.h)
          if (p === undefined || p.set === null) return null
          if (ICMPV6_WORDS.has(p.lower)) hint = 6
          rule.protocols = p.set
        } else if (c === 109) {
          if (!this.value()) return null
          const m = moduleWords.cleanAt(text, this.s, this.e, this.h)
          // `set` and `recent` change what a later `--set` means: the command reader's
          if (m === undefined || !m.known || m.condition !== undefined || m.lower === 'set' || m.lower === 'recent') return null
          if (m.lower === 'icmp6' || m.lower === 'icmpv6') hint = 6
        } else if (c === 106) {
          if (!this.value()) return null
          const target = targetWords.cleanAt(text, this.s, this.e, this.h)
          if (target === undefined) return null
          rule.flags &= ~RuleFlag.Goto
          rule.target = target
        } else if (c === 105 || c === 111) {
          if (!this.value()) return null
          const name = names.cleanAt(text, this.s, this.e, this.h)
          if (name === undefined) return null
          if (name === 'lo') rule.flags |= RuleFlag.Loopback
          rule.guards = [...rule.guards, c === 105 ? {in: name} : {out: name}]
        } else return null
      } else if ((n === 7 || n === 8) && (spelt(text, at, '--dport') || spelt(text, at, '--sport'))) {
        if (n === 8 && text.charCodeAt(at + 7) !== 115) return null
        if (!this.value()) return null
        const p = this.ports()
        if (p === null) return null
        if (text.charCodeAt(at + 2) === 100) rule.ports = rule.ports.intersect(p)
        else rule.sourcePorts = rule.sourcePorts.intersect(p)
      } else if ((n === 7 && spelt(text, at, '--state')) || (n === 9 && spelt(text, at, '--ctstate'))) {
        if (!this.value()) return null
        const bits = stateLists.cleanAt(text, this.s, this.e, this.h)
        if (bits === undefined) return null
        if (!(bits & 1)) rule.flags |= RuleFlag.OldTraffic
      } else if (n === 9 && spelt(text, at, '--comment')) {
        const comment = this.comment()
        if (comment === undefined) return null
        rule.comment = redactLine(comment)
      } else if (n === 16 && spelt(text, at, '--to-destination')) {
        // DNAT's address and ports: a value nobody clears, so asked of the prefilter
        if (!this.valueWord() || prefilterIn(text, this.s, this.e)) return null
        const p = parseNatDestination(text.slice(this.vs, this.ve))
        if (p === null) return null
        rule.nat = rule.nat?.to && p.to ? {...p, to: rule.nat.to.union(p.to)} : p
        if (p.to) hint = p.to.hasFamily(6) ? 6 : 4
      } else if (!this.other(rule)) return null
    }
    this.chain = chain
    this.hint = hint
    return rule
  }

  /** Scan the next word; its offsets and hash in `s`, `e`, `h` (a quoted one: `s` only). */
  private next(): Scan {
    const text = this.text
    const to = this.to
    let i = this.at
    while (i < to) {
      const c = text.charCodeAt(i)
      if (c !== 32 && c !== 9) break
      i++
    }
    if (i >= to) return Scan.End
    this.s = i
    let h = 0
    let j = i
    for (; j < to; j++) {
      const c = text.charCodeAt(j)
      if (c === 32 || c === 9) break
      if (c === 34 || c === 39 || c === 92) return Scan.Quoted
      h = step(h, c)
    }
    this.e = j
    this.h = h
    this.at = j
    return Scan.Plain
  }

  /** An option's value: a plain word, not `!` (a negation is the command reader's). */
  private value(): boolean {
    return this.next() === Scan.Plain && !(this.e - this.s === 1 && this.text.charCodeAt(this.s) === 33)
  }

  /** The value as a port spec, as portSpecAt reads it; null: the command reader's to read (or doubt). */
  private ports(): PortSet | null {
    const known = portSpecs.cleanAt(this.text, this.s, this.e, this.h)
    if (known !== undefined) return known
    // digits, ranges and lists read in place; one port or range interned, as portSpecAt does
    const pairs = digitPorts(this.text, this.s, this.e)
    if (pairs === null || pairs.length === 0) return null
    if (pairs.length > 2) return portList(pairs)
    const one = PortSet.fromRanges([[pairs[0], pairs[1]]])
    portSpecs.set(this.text.slice(this.s, this.e), one)
    return one
  }

  /**
   * A match or target option of options.ts (the word just scanned) as the command reader's `other`
   * reads it when it leaves the box alone: its values skipped (a rate limit flagged); false for any
   * other option, or one whose values hold a prefilter word.
   */
  private other(rule: IptRule): boolean {
    const spec = this.options.cleanAt(this.text, this.s, this.e, this.h)
    if (spec === undefined || spec.op !== undefined || spec.unsupported || spec.opt !== undefined) return false
    const match = spec.match
    let arity: number
    if (match !== undefined && !(rule.target !== undefined && spec.targetArity !== undefined)) {
      // a condition becomes a guard with its values: the command reader's
      if (match[1] === 'cond') return false
      if (match[1] === 'rate') rule.flags |= RuleFlag.RateLimited
      arity = match[0]
    } else if (spec.targetArity !== undefined && rule.target !== undefined) arity = spec.targetArity
    else return false
    // values the rule does not keep: read as words, and asked of the prefilter (nobody clears them)
    for (let k = 0; k < arity; k++) if (!this.valueWord() || prefilterIn(this.text, this.s, this.e)) return false
    return true
  }

  /** `--comment`'s value; undefined when it is not one `valueWord` reads, or holds a prefilter word (the redaction is the command reader's). */
  private comment(): string | undefined {
    if (!this.valueWord() || prefilterIn(this.text, this.s, this.e)) return undefined
    return this.text.slice(this.vs, this.ve)
  }

  /**
   * The next word as the shell reads it, when it is plain or one `"…"` / `'…'` without a backslash
   * (`s`, `e`: as written; `vs`, `ve`: its value); false for the end of the line or any other spelling.
   */
  private valueWord(): boolean {
    const scan = this.next()
    if (scan === Scan.Plain) {
      this.vs = this.s
      this.ve = this.e
      return true
    }
    if (scan === Scan.End) return false
    const text = this.text
    const s = this.s
    const quote = text.charCodeAt(s)
    if (quote !== 34 && quote !== 39) return false
    let j = s + 1
    while (j < this.to) {
      const c = text.charCodeAt(j)
      if (c === quote) break
      if (c === 92) return false
      j++
    }
    // closed, and the word ends there
    if (j >= this.to) return false
    const after = j + 1 < this.to ? text.charCodeAt(j + 1) : 32
    if (after !== 32 && after !== 9) return false
    this.vs = s + 1
    this.ve = j
    this.e = j + 1
    this.at = j + 1
    return true
  }
}
