/**
 * The fast path of streamXml: one linear pass over the common shape of a firewall export (an XML
 * declaration, elements, attributes, text with the five predefined entities, CDATA, comments), with
 * the events saxes would give. Anything else, valid or not (a DOCTYPE, a processing instruction, a
 * character reference, `\r`, a tab in an attribute, a non-ASCII name, any well-formedness error),
 * makes it give up: streamXml then reads the whole text again with saxes, which decides. So the scan
 * never accepts a document saxes refuses, and never reports an error of its own.
 * tests/sources/xml-scan.test.ts holds the two paths equal.
 */
import type {XmlHandlers} from './xml.js'

// character codes
const TAB = 9
const NL = 10
const SPACE = 32
const BANG = 33
const DQUOTE = 34
const AMP = 38
const SQUOTE = 39
const DASH = 45
const SLASH = 47
const LESS = 60
const EQUAL = 61
const GREATER = 62
const RBRACKET = 93

const ENTITIES = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]])

// the declarations the scan takes as they are (single blanks; anything else goes to saxes)
const XML_DECL = /^<\?xml version=(?:"1\.0"|'1\.0')(?: encoding=(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?: standalone=(?:"(?:yes|no)"|'(?:yes|no)'))? ?\?>/

/** An XML 1.0 character the scan accepts in text, attribute values, CDATA and comments (tab and newline aside). */
function plainChar(c: number): boolean {
  // control characters, DEL and C1, surrogates (pairs go to saxes), U+FFFE/U+FFFF
  return c >= SPACE && c !== 0x7f && (c < 0x80 || (c > 0x9f && (c < 0xd800 || (c > 0xdfff && c < 0xfffe))))
}

const nameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95
const nameChar = (c: number) => nameStart(c) || (c >= 48 && c <= 57) || c === DASH || c === 46
const blank = (c: number) => c === SPACE || c === TAB || c === NL

// the attributes of every tag without any: saxes gives an empty object without prototype, never kept
const NO_ATTRS: Record<string, string> = Object.freeze(Object.create(null)) as Record<string, string>

/** Thrown inside the scan to give up; never leaves scanXml. */
class GiveUp {}
const GIVE_UP = new GiveUp()

/**
 * Stream `text` to `h` as saxes would (open with the line of the tag's `>`, text pieces in order, close),
 * elements deeper than `maxDepth` included: false when the scan gave up, possibly after some events.
 */
export function scanXml(text: string, h: XmlHandlers, maxDepth: number): boolean {
  try {
    new Scanner(text, h, maxDepth).run()
    return true
  } catch (e) {
    if (e === GIVE_UP) return false
    throw e
  }
}

class Scanner {
  private i = 0
  private line = 1
  private readonly open: string[] = []
  private readonly names = new Map<number, string[]>()
  private known = 0

  constructor(
    private readonly text: string,
    private readonly h: XmlHandlers,
    private readonly maxDepth: number,
  ) {}

  run(): void {
    const {text} = this
    const decl = text.startsWith('<?xml') ? XML_DECL.exec(text.slice(0, 200)) : null
    if (text.startsWith('<?xml') && !decl) throw GIVE_UP
    if (decl) this.i = decl[0].length
    let rootDone = false
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i)
      if (c !== LESS) {
        if (this.open.length) this.textRun()
        else this.blankOutside()
        continue
      }
      const d = text.charCodeAt(this.i + 1)
      if (d === SLASH) {
        this.closeTag()
        if (this.open.length === 0) rootDone = true
      } else if (d === BANG) {
        if (text.startsWith('<!--', this.i)) this.comment()
        else if (this.open.length && text.startsWith('<![CDATA[', this.i)) this.cdata()
        else throw GIVE_UP
      } else {
        // one root element
        if (rootDone && this.open.length === 0) throw GIVE_UP
        this.openTag()
        if (this.open.length === 0) rootDone = true
      }
    }
    if (!rootDone || this.open.length) throw GIVE_UP
  }

  /** Outside the root: blanks only (given as text, as saxes does). */
  private blankOutside(): void {
    const {text} = this
    const start = this.i
    for (; this.i < text.length; this.i++) {
      const c = text.charCodeAt(this.i)
      if (c === LESS) break
      if (c === NL) this.line++
      else if (c !== SPACE && c !== TAB) throw GIVE_UP
    }
    this.h.text(text.slice(start, this.i))
  }

  /** Character data up to the next `<`, entities decoded; `]]>` is not allowed in it. */
  private textRun(): void {
    const {text} = this
    let i = this.i
    let start = i
    let piece = ''
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === LESS) break
      if (c === NL) this.line++
      else if (c === AMP) {
        piece += text.slice(start, i) + this.entity(i)
        i = text.indexOf(';', i)
        start = i + 1
      } else if (c === GREATER) {
        if (i - 2 >= start && text.charCodeAt(i - 1) === RBRACKET && text.charCodeAt(i - 2) === RBRACKET) throw GIVE_UP
      } else if (c !== TAB && !plainChar(c)) throw GIVE_UP
    }
    const t = piece + text.slice(start, i)
    this.i = i
    if (t.length) this.h.text(t)
  }

  /** `&name;` at `at`: one of the five predefined entities. */
  private entity(at: number): string {
    const semi = this.text.indexOf(';', at + 1)
    const value = semi > at + 1 && semi - at <= 5 ? ENTITIES.get(this.text.slice(at + 1, semi)) : undefined
    if (value === undefined) throw GIVE_UP
    return value
  }

  private name(): string {
    const {text} = this
    const start = this.i
    if (!nameStart(text.charCodeAt(start))) throw GIVE_UP
    let i = start + 1
    while (i < text.length && nameChar(text.charCodeAt(i))) i++
    this.i = i
    // a config names a few dozen tags 10^6 times: the handlers get (and keep) one string per tag name,
    // found by length and end characters and compared in place (no string made to look it up)
    const key = ((i - start) << 16) | (text.charCodeAt(start) << 8) | (text.charCodeAt(i - 1) & 0xff)
    const bucket = this.names.get(key)
    if (bucket) for (const n of bucket) if (n.length === i - start && text.startsWith(n, start)) return n
    const raw = text.slice(start, i)
    if (this.known < 4096) {
      this.known++
      if (bucket) bucket.push(raw)
      else this.names.set(key, [raw])
    }
    return raw
  }

  private skipBlanks(): boolean {
    const {text} = this
    const from = this.i
    for (;;) {
      const c = text.charCodeAt(this.i)
      if (c === NL) this.line++
      else if (c !== SPACE && c !== TAB) break
      this.i++
    }
    return this.i > from
  }

  private openTag(): void {
    const {text} = this
    this.i++
    const name = this.name()
    let attrs = NO_ATTRS
    for (;;) {
      const spaced = this.skipBlanks()
      const c = text.charCodeAt(this.i)
      if (c === GREATER || c === SLASH) {
        if (c === SLASH && text.charCodeAt(this.i + 1) !== GREATER) throw GIVE_UP
        this.i += c === SLASH ? 2 : 1
        if (this.open.length >= this.maxDepth) throw GIVE_UP
        this.h.open(name, attrs, this.line)
        if (c === SLASH) this.h.close()
        else this.open.push(name)
        return
      }
      if (!spaced) throw GIVE_UP
      const key = this.name()
      this.skipBlanks()
      if (text.charCodeAt(this.i) !== EQUAL) throw GIVE_UP
      this.i++
      this.skipBlanks()
      if (attrs === NO_ATTRS) attrs = Object.create(null) as Record<string, string>
      if (attrs[key] !== undefined) throw GIVE_UP
      attrs[key] = this.attrValue()
    }
  }

  /** A quoted attribute value, entities decoded; no `<`, and no tab or newline (saxes turns them into blanks). */
  private attrValue(): string {
    const {text} = this
    const q = text.charCodeAt(this.i)
    if (q !== DQUOTE && q !== SQUOTE) throw GIVE_UP
    let i = this.i + 1
    let start = i
    let value = ''
    for (; ; i++) {
      if (i >= text.length) throw GIVE_UP
      const c = text.charCodeAt(i)
      if (c === q) break
      if (c === AMP) {
        value += text.slice(start, i) + this.entity(i)
        i = text.indexOf(';', i)
        start = i + 1
      } else if (c === LESS || !plainChar(c)) throw GIVE_UP
    }
    this.i = i + 1
    return value + text.slice(start, i)
  }

  /** `</name>` of the open element, compared in place. */
  private closeTag(): void {
    const {text} = this
    const name = this.open.pop()
    const at = this.i + 2
    if (name === undefined || !text.startsWith(name, at) || nameChar(text.charCodeAt(at + name.length))) throw GIVE_UP
    this.i = at + name.length
    this.skipBlanks()
    if (text.charCodeAt(this.i) !== GREATER) throw GIVE_UP
    this.i++
    this.h.close()
  }

  /** `<!-- … -->`: no `--` inside, and no `-` just before the end. */
  private comment(): void {
    const {text} = this
    const body = this.i + 4
    const end = text.indexOf('--', body)
    if (end < 0 || text.charCodeAt(end + 2) !== GREATER || text.charCodeAt(end - 1) === DASH) throw GIVE_UP
    this.checked(body, end)
    this.i = end + 3
  }

  private cdata(): void {
    const {text} = this
    const body = this.i + 9
    const end = text.indexOf(']]>', body)
    if (end < 0) throw GIVE_UP
    this.checked(body, end)
    this.i = end + 3
    this.h.text(text.slice(body, end))
  }

  /** Characters the scan accepts, lines counted. */
  private checked(from: number, to: number): void {
    const {text} = this
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i)
      if (c === NL) this.line++
      else if (c !== TAB && !plainChar(c)) throw GIVE_UP
    }
  }
}
