/**
 * The common iptables-save rule read straight from its line: `-A CHAIN` and the options iptables-save
 * writes for nearly every rule (`-s`/`-d` a.b.c.d[/nn], `-p`, `-i`/`-o`, `-m` of a plain module,
 * `--dport(s)`/`--sport(s)`, `--state`/`--ctstate`, `--comment`, `-j`). One scan of the characters: no
 * word arrays, no option lookup, no per-word dispatch. Anything else on the line (a negation, another
 * option, a quote outside a comment, a spelling not yet seen or holding a redaction prefilter word, a
 * value the reader would doubt) gives the line to the command reader (read.ts), which stays the
 * authority: this path only answers where it gives the rule that reader would give, value for value
 * (tests/sources/iptables-save-line.test.ts holds the two equal).
 *
 * It reads the values through the same per-spelling caches (values.ts), and only those the command
 * reader has already filled: the first line with a spelling goes the long way and teaches it.
 */
import {AddressSet} from '../../net/address-set.js'
import {PREFILTER_FOUND, PREFILTER_TABLE} from '../redact.js'
import {type IptRule, RuleFlag} from './model.js'
import {ICMPV6_WORDS, moduleWords, names, newRule, digitPorts, portList, portSpecs, protocolWords, stateLists, targetWords} from './values.js'
import {spelt, step} from './words.js'
import {redactLine} from '../redact.js'

/** What a word's scan met: the end of the line, a plain word, or a quote or backslash in it. */
const enum Scan {
  End,
  Plain,
  Quoted,
}

/** Modules whose `-m` adds nothing to the rule (their options are what count). */
const PLAIN_MODULES = new Set(['tcp', 'udp', 'multiport', 'conntrack', 'state', 'comment'])

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

  /** The rule of `text.slice(from, to)` (trimmed, starting `-`), read as the command reader would; null: not a line for this path. */
  read(line: number, text: string, from: number, to: number): IptRule | null {
    this.text = text
    this.to = to
    this.at = from
    // `-A CHAIN`
    if (this.next() !== Scan.Plain || this.e - this.s !== 2 || text.charCodeAt(this.s + 1) !== 65) return null
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
          if (m === undefined || !PLAIN_MODULES.has(m.lower)) return null
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
      } else return null
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
  private ports(): import('../../net/number-set.js').PortSet | null {
    const known = portSpecs.cleanAt(this.text, this.s, this.e, this.h)
    if (known !== undefined) return known
    // a list of digits and ranges, read in place (one port or range goes the long way once, to be interned)
    const pairs = digitPorts(this.text, this.s, this.e)
    return pairs !== null && pairs.length > 2 ? portList(pairs) : null
  }

  /**
   * `--comment`'s value as the shell reads it: a plain word, or one `"…"` / `'…'` without a backslash;
   * undefined for any other spelling, or one holding a prefilter word (the redaction is the command reader's).
   */
  private comment(): string | undefined {
    const scan = this.next()
    const text = this.text
    if (scan === Scan.Plain) return prefilterIn(text, this.s, this.e) ? undefined : text.slice(this.s, this.e)
    if (scan === Scan.End) return undefined
    const s = this.s
    const quote = text.charCodeAt(s)
    if (quote !== 34 && quote !== 39) return undefined
    let j = s + 1
    while (j < this.to) {
      const c = text.charCodeAt(j)
      if (c === quote) break
      if (c === 92) return undefined
      j++
    }
    // closed, and the word ends there
    if (j >= this.to) return undefined
    const after = j + 1 < this.to ? text.charCodeAt(j + 1) : 32
    if (after !== 32 && after !== 9) return undefined
    if (prefilterIn(text, s, j + 1)) return undefined
    this.at = j + 1
    return text.slice(s + 1, j)
  }
}
