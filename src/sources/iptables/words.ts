/**
 * The words of one iptables command, read in place: offsets into the file's text and a hash per word,
 * not an array of new strings (a big rule base has millions of words, nearly all of them option names
 * and values the reader only looks up or parses). A word becomes a string when the reader asks for it.
 *
 * The redaction prefilter (PREFILTER_WORDS) runs per word, and only over the words the reader could not
 * clear: a word it looked up (an option, a target, a protocol: spellings whose prefilter answer is kept
 * with them) or parsed in place as an address or a port list (digits, `.`, `/`, `:`, `,`) holds no
 * prefilter word. A prefilter word holds no blank, so the line holds one exactly when a word does; and
 * a word written with quotes or escapes holds one as written only if its unquoted text does.
 */
import {hasPrefilterWord, PREFILTER_FOUND, PREFILTER_TABLE} from '../redact.js'

/** One step of the words' hash (the tokenizer and `hashOf` agree on it). */
export const step = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0

export function hashOf(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i))
  return h
}

/** `text` holds `s` at `at` (the caller knows there is room for it). */
export function spelt(text: string, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (text.charCodeAt(at + k) !== s.charCodeAt(k)) return false
  return true
}

/** `"`, `'`, blank, tab, backslash: where a run of ordinary word characters ends. */
const wordEnd = (code: number) => code === 34 || code === 39 || code === 32 || code === 9 || code === 92

/**
 * One word with quotes (`"…"`, `'…'`) or backslash escapes, from `i` (its first character) in a line
 * ending at `n`: the word and where it ends (a blank outside quotes, or `n`). As a shell reads it; a
 * lone backslash at the end of the line is an ordinary character, an unclosed quote runs to the end.
 */
function quotedWord(text: string, i: number, n: number): [string, number] {
  let cur = ''
  let quote: '"' | "'" | null = null
  while (i < n) {
    if (quote) {
      // a run up to the closing quote (or, inside "…", a backslash escape), taken as one slice
      let j = i
      while (j < n && text[j] !== quote && !(quote === '"' && text[j] === '\\' && j + 1 < n)) j++
      cur += text.slice(i, j)
      if (j >= n) return [cur, n]
      if (text[j] === quote) {
        quote = null
        i = j + 1
      } else {
        cur += text[j + 1]
        i = j + 2
      }
      continue
    }
    const c = text[i]
    if (c === '"' || c === "'") {
      quote = c
      i++
    } else if (c === '\\' && i + 1 < n) {
      cur += text[i + 1]
      i += 2
    } else if (c === ' ' || c === '\t') {
      return [cur, i]
    } else {
      let j = i + 1
      while (j < n && !wordEnd(text.charCodeAt(j))) j++
      // a lone trailing backslash is an ordinary character
      if (j === n - 1 && text[j] === '\\') j = n
      cur += text.slice(i, j)
      i = j
    }
  }
  return [cur, n]
}

export class Words {
  text = ''
  /** Number of words. */
  n = 0
  /** Offsets of each word in `text` (for a quoted word: of its spelling, quotes included). */
  start = new Int32Array(64)
  end = new Int32Array(64)
  hash = new Int32Array(64)
  /** 1: the word is not its range of `text` (quoted, or given as a string). */
  private given = new Uint8Array(64)
  /** The words made strings: a quoted word always (its text is not one range), others when asked. */
  private readonly str: Array<string | undefined> = []
  /** 1: the word holds no prefilter word (the reader cleared it); 0: not known. */
  private cleared = new Uint8Array(64)

  /** Shell words of `text` from `from` to `to` (blank-separated, with "…" / '…' quoting and backslash escapes). */
  read(text: string, from: number, to: number): this {
    this.text = text
    this.n = 0
    let i = from
    while (i < to) {
      let c = text.charCodeAt(i)
      if (c === 32 || c === 9) {
        i++
        continue
      }
      let h = 0
      let j = i
      let quoted = false
      for (; j < to; j++) {
        c = text.charCodeAt(j)
        if (c === 32 || c === 9) break
        if (c === 34 || c === 39 || c === 92) {
          quoted = true
          break
        }
        h = step(h, c)
      }
      if (quoted) {
        const [word, end] = quotedWord(text, i, to)
        this.push(i, end, hashOf(word), word)
        i = end + 1
      } else {
        this.push(i, j, h, undefined)
        i = j + 1
      }
    }
    return this
  }

  /** Word `i` holds no prefilter word (the reader parsed it in place, or knows its spelling). */
  clear(i: number): void {
    this.cleared[i] = 1
  }

  /**
   * A prefilter word (PREFILTER_WORDS, any ASCII case) in the words as written: the answer of
   * hasPrefilterWord for the line they were read from, asked only of the words nobody cleared.
   */
  hasPrefilterWord(): boolean {
    const table = PREFILTER_TABLE
    const text = this.text
    for (let k = 0; k < this.n; k++) {
      if (this.cleared[k] === 1) continue
      // words given as strings (`of`): their own text; a quoted word is read as written, quotes and all
      if (this.given[k] === 1 && this.end[k] === 0) {
        if (hasPrefilterWord(this.str[k] as string)) return true
        continue
      }
      let s = 0
      for (let p = this.start[k]; p < this.end[k]; p++) {
        const c = text.charCodeAt(p)
        s = c < 128 ? table[(s << 7) | c] : 0
        if (s === PREFILTER_FOUND) return true
      }
    }
    return false
  }

  /** Words given as strings (a shell line cut by shellWords, a caller's array). */
  of(words: readonly string[]): this {
    this.text = ''
    this.n = 0
    for (const w of words) this.push(0, 0, hashOf(w), w)
    return this
  }

  private push(start: number, end: number, hash: number, str: string | undefined): void {
    const k = this.n++
    if (k === this.start.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2)
        b.set(a)
        return b
      }
      this.start = grow(this.start)
      this.end = grow(this.end)
      this.hash = grow(this.hash)
      const given = new Uint8Array(this.given.length * 2)
      given.set(this.given)
      this.given = given
      this.cleared = new Uint8Array(given.length)
    }
    this.start[k] = start
    this.end[k] = end
    this.hash[k] = hash
    this.str[k] = str
    this.given[k] = str === undefined ? 0 : 1
    this.cleared[k] = 0
  }

  /** Word `i` is its range of `text` (`start`, `end`): no quote, no escape. */
  isPlain(i: number): boolean {
    return i < this.n && this.given[i] === 0
  }

  /** Word `i` as a string; undefined past the last word. */
  at(i: number): string | undefined {
    if (i >= this.n || i < 0) return undefined
    let s = this.str[i]
    if (s === undefined) {
      s = this.text.slice(this.start[i], this.end[i])
      this.str[i] = s
    }
    return s
  }

  /** All words from `i` on, as strings. */
  from(i: number): string[] {
    const out: string[] = []
    for (let k = i; k < this.n; k++) out.push(this.at(k) as string)
    return out
  }

  /** Length of word `i` (-1 past the last word). */
  length(i: number): number {
    if (i >= this.n || i < 0) return -1
    const s = this.str[i]
    return s === undefined ? this.end[i] - this.start[i] : s.length
  }

  /** Character code `k` of word `i` (NaN when there is none). */
  code(i: number, k: number): number {
    if (i >= this.n || i < 0) return Number.NaN
    const s = this.str[i]
    if (s !== undefined) return s.charCodeAt(k)
    const at = this.start[i] + k
    return at < this.end[i] ? this.text.charCodeAt(at) : Number.NaN
  }

  /** Word `i` is `!` (a negation). */
  isBang(i: number): boolean {
    if (i >= this.n || i < 0) return false
    const own = this.str[i]
    if (own !== undefined) return own === '!'
    const start = this.start[i]
    return this.end[i] - start === 1 && this.text.charCodeAt(start) === 33
  }

  /** Word `i` is spelt `s`. */
  is(i: number, s: string): boolean {
    if (i >= this.n || i < 0) return false
    const own = this.str[i]
    if (own !== undefined) return own === s
    const start = this.start[i]
    if (this.end[i] - start !== s.length) return false
    const text = this.text
    for (let k = 0; k < s.length; k++) if (text.charCodeAt(start + k) !== s.charCodeAt(k)) return false
    return true
  }
}

/**
 * Values by spelling, looked up with a word of Words (no string made to look one up): the option
 * table, and the per-spelling caches of parsed values (configs repeat a few hundred spellings). Open
 * addressing on the words' hash; a cache of `limit` entries starts again when full.
 */
export class Spellings<V> {
  private keys: Array<string | undefined>
  private values: V[]
  private hashes: Int32Array
  /** 1: the key holds no prefilter word (a word found here is cleared for the redaction prefilter). */
  private clean: Uint8Array
  private size = 0

  constructor(private readonly limit = 1 << 16) {
    this.keys = new Array(64).fill(undefined)
    this.values = new Array(64)
    this.hashes = new Int32Array(64)
    this.clean = new Uint8Array(64)
  }

  /** The value stored for word `i` (and the word cleared when its spelling holds no prefilter word); undefined when none is. */
  get(words: Words, i: number): V | undefined {
    if (i >= words.n || i < 0) return undefined
    const h = words.hash[i]
    const mask = this.keys.length - 1
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const key = this.keys[k]
      if (key === undefined) return undefined
      if (this.hashes[k] === h && words.is(i, key)) {
        if (this.clean[k] === 1) words.clear(i)
        return this.values[k]
      }
    }
  }

  /**
   * The value stored for the spelling `text.slice(from, to)` (`h`: its hash, as Words hashes a word) when
   * that spelling holds no prefilter word; undefined when none is stored or it holds one. For a reader
   * that scans a line itself and gives up on anything it cannot clear.
   */
  cleanAt(text: string, from: number, to: number, h: number): V | undefined {
    const mask = this.keys.length - 1
    const n = to - from
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const key = this.keys[k]
      if (key === undefined) return undefined
      if (this.hashes[k] === h && key.length === n && spelt(text, from, key)) return this.clean[k] === 1 ? this.values[k] : undefined
    }
  }

  /** The value for `key`, by its own spelling. */
  getString(key: string): V | undefined {
    const h = hashOf(key)
    const mask = this.keys.length - 1
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const stored = this.keys[k]
      if (stored === undefined) return undefined
      if (this.hashes[k] === h && stored === key) return this.values[k]
    }
  }

  /** Store `value` for `key`; true when the key holds no prefilter word. */
  set(key: string, value: V): boolean {
    if (this.size >= this.limit) this.clear(64)
    if ((this.size + 1) * 2 > this.keys.length) this.rehash(this.keys.length * 2)
    const h = hashOf(key)
    const mask = this.keys.length - 1
    let k = h & mask
    for (; this.keys[k] !== undefined; k = (k + 1) & mask) {
      if (this.hashes[k] === h && this.keys[k] === key) {
        this.values[k] = value
        return this.clean[k] === 1
      }
    }
    this.keys[k] = key
    this.values[k] = value
    this.hashes[k] = h
    this.clean[k] = hasPrefilterWord(key) ? 0 : 1
    this.size++
    return this.clean[k] === 1
  }

  /** The value for word `i`, made from its spelling (and kept) the first time. */
  intern(words: Words, i: number, make: (spelling: string) => V): V {
    const v = this.get(words, i)
    if (v !== undefined) return v
    const key = words.at(i) as string
    const made = make(key)
    if (this.set(key, made)) words.clear(i)
    return made
  }

  private clear(capacity: number): void {
    this.keys = new Array(capacity).fill(undefined)
    this.values = new Array(capacity)
    this.hashes = new Int32Array(capacity)
    this.clean = new Uint8Array(capacity)
    this.size = 0
  }

  private rehash(capacity: number): void {
    const {keys, values} = this
    this.clear(capacity)
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]
      if (key !== undefined) this.set(key, values[k])
    }
  }
}
