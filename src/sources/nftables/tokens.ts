/** nft source text → tokens with line numbers: words, strings, braces, `;`, `,`, newlines. */
import {type InputLine, inputLines} from '../input.js'

export interface Token {
  kind: 'word' | 'str' | '{' | '}' | ';' | ',' | 'nl'
  text: string
  line: number
}

// character classes by code unit (ASCII; anything else is part of a word)
const WORD = 0
const BLANK = 1 // space, tab, `\r`, and `'` (shell quoting in `nft add …` scripts)
const NL = 2
const PUNCT = 3 // { } ; ,
const STOP = 4 // `"` and `#`: end a word, handled on their own
const CLASS = new Uint8Array(128)
for (const c of ' \t\r\'') CLASS[c.charCodeAt(0)] = BLANK
for (const c of '\v\f') CLASS[c.charCodeAt(0)] = STOP // blank for a word's end (\s), never a token
CLASS[10] = NL
for (const c of '{};,') CLASS[c.charCodeAt(0)] = PUNCT
CLASS[34] = STOP
CLASS[35] = STOP
const classOf = (code: number) => (code < 128 ? CLASS[code] : code === 0xa0 || code === 0xfeff || (code >= 0x2000 && code <= 0x200a) || code === 0x1680 || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 ? STOP : WORD)

/**
 * The tokens of the lines, made as the reader asks for them and dropped once it has moved on: the whole
 * file's tokens never exist at once (issue 19: memory bounded by the model, not by the text's copies).
 */
export class TokenStream {
  private buf: Token[] = []
  /** Index of `buf[0]` among all tokens. */
  private base = 0
  private next = 0

  constructor(private readonly lines: readonly InputLine[]) {}

  /** Token `i` (in the whole input), or undefined past the end. */
  at(i: number): Token | undefined {
    while (i - this.base >= this.buf.length && this.next < this.lines.length) {
      const l = this.lines[this.next++]
      tokenizeLine(l.text, l.line, this.buf)
    }
    return this.buf[i - this.base]
  }

  /** The reader will not look before token `i` again. */
  release(i: number): void {
    const n = i - this.base
    if (n > 4096 && n * 2 > this.buf.length) {
      this.buf = this.buf.slice(n)
      this.base = i
    }
  }
}

/** All tokens of a text (tests, small inputs). */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const l of inputLines({file: '', text})) tokenizeLine(l.text, l.line, out)
  return out
}

/**
 * One line's tokens, by code unit (no per-character strings or regexes), then its newline — unless the
 * line ends in `\`, which continues the statement on the next line. A string ends at its closing quote
 * or at the end of the line.
 */
function tokenizeLine(text: string, line: number, out: Token[]): void {
  const n = text.length
  let i = 0
  while (i < n) {
    const code = text.charCodeAt(i)
    const k = code < 128 ? CLASS[code] : classOf(code)
    if (k === BLANK || k === NL) i++
    else if (code === 92 && i + 1 === n) return // `\` at the end of the line: the statement goes on
    else if (code === 35) break // `#` comment to the end of the line
    else if (code === 34) {
      let j = i + 1
      let s = ''
      let run = j
      while (j < n) {
        const c = text.charCodeAt(j)
        if (c === 34) break
        if (c === 92 && j + 1 < n) {
          s += text.slice(run, j)
          run = j + 1
          j += 2
          continue
        }
        j++
      }
      s += text.slice(run, j)
      out.push({kind: 'str', text: s, line})
      i = j + 1
    } else if (k === PUNCT) {
      const c = text[i] as '{' | '}' | ';' | ','
      out.push({kind: c, text: c, line})
      i++
    } else if (k === STOP) i++ // other blank space (\v, \f, Unicode spaces)
    else {
      let j = i + 1
      while (j < n) {
        const c = text.charCodeAt(j)
        if ((c < 128 ? CLASS[c] : classOf(c)) !== WORD) break
        j++
      }
      out.push({kind: 'word', text: text.slice(i, j), line})
      i = j
    }
  }
  out.push({kind: 'nl', text: '\n', line})
}
