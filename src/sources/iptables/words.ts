/**
 * The words of one iptables command, read in place: offsets into the file's text and a hash per word,
 * not an array of new strings (a big rule base has millions of words, nearly all of them option names
 * and values the reader only looks up or parses). A word becomes a string when the reader asks for it.
 * The same pass runs the redaction prefilter over the line's characters.
 */
import {PREFILTER_FOUND, PREFILTER_TABLE} from '../redact.js'

/** One step of the words' hash (the tokenizer and `hashOf` agree on it). */
const step = (h: number, c: number): number => (Math.imul(h, 31) + c) | 0

export function hashOf(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i))
  return h
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
  /** A redaction prefilter word (PREFILTER_WORDS) is in the characters read. */
  prefilterHit = false

  /** Shell words of `text` from `from` to `to` (blank-separated, with "…" / '…' quoting and backslash escapes). */
  read(text: string, from: number, to: number): this {
    this.text = text
    this.n = 0
    this.prefilterHit = false
    const table = PREFILTER_TABLE
    let hit = false
    let i = from
    while (i < to) {
      let c = text.charCodeAt(i)
      if (c === 32 || c === 9) {
        i++
        continue
      }
      // a plain word: hash and prefilter state in the same pass (a blank sends the prefilter back to
      // its start: no prefilter word holds one)
      let h = 0
      let s = 0
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
        s = c < 128 ? table[(s << 7) | c] : 0
        if (s === PREFILTER_FOUND) {
          hit = true
          s = 0
        }
      }
      if (quoted) {
        const [word, end] = quotedWord(text, i, to)
        // the prefilter reads the word as written (quotes and all), as redactLine would
        s = 0
        for (let k = i; k < end; k++) {
          c = text.charCodeAt(k)
          s = c < 128 ? table[(s << 7) | c] : 0
          if (s === PREFILTER_FOUND) {
            hit = true
            s = 0
          }
        }
        this.push(i, end, hashOf(word), word)
        i = end + 1
      } else {
        this.push(i, j, h, undefined)
        i = j + 1
      }
    }
    this.prefilterHit = hit
    return this
  }

  /** Words given as strings (a shell line cut by shellWords, a caller's array). */
  of(words: readonly string[]): this {
    this.text = ''
    this.n = 0
    this.prefilterHit = false
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
    }
    this.start[k] = start
    this.end[k] = end
    this.hash[k] = hash
    this.str[k] = str
    this.given[k] = str === undefined ? 0 : 1
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
  private size = 0

  constructor(private readonly limit = 1 << 16) {
    this.keys = new Array(64).fill(undefined)
    this.values = new Array(64)
    this.hashes = new Int32Array(64)
  }

  /** The value stored for word `i`; undefined when none is. */
  get(words: Words, i: number): V | undefined {
    if (i >= words.n || i < 0) return undefined
    const h = words.hash[i]
    const mask = this.keys.length - 1
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const key = this.keys[k]
      if (key === undefined) return undefined
      if (this.hashes[k] === h && words.is(i, key)) return this.values[k]
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

  set(key: string, value: V): void {
    if (this.size >= this.limit) this.clear(64)
    if ((this.size + 1) * 2 > this.keys.length) this.rehash(this.keys.length * 2)
    const h = hashOf(key)
    const mask = this.keys.length - 1
    let k = h & mask
    for (; this.keys[k] !== undefined; k = (k + 1) & mask) {
      if (this.hashes[k] === h && this.keys[k] === key) {
        this.values[k] = value
        return
      }
    }
    this.keys[k] = key
    this.values[k] = value
    this.hashes[k] = h
    this.size++
  }

  /** The value for word `i`, made from its spelling (and kept) the first time. */
  intern(words: Words, i: number, make: (spelling: string) => V): V {
    const v = this.get(words, i)
    if (v !== undefined) return v
    const key = words.at(i) as string
    const made = make(key)
    this.set(key, made)
    return made
  }

  private clear(capacity: number): void {
    this.keys = new Array(capacity).fill(undefined)
    this.values = new Array(capacity)
    this.hashes = new Int32Array(capacity)
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
