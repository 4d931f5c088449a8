/**
 * XML with source positions, for PAN-OS and pfSense/OPNsense configs. saxes is a strict, streaming,
 * non-validating parser: it never fetches DTDs or expands external entities (nothing to exploit).
 */
import {SaxesParser} from 'saxes'

import {IrmError} from '../core/errors.js'
import {MAX_NESTING} from '../core/limits.js'
import {scanXml} from './xml-scan.js'

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** Concatenated text content directly inside this element, trimmed. */
  text: string
  /** 1-based line of the start tag. */
  line: number
  /** `/config/devices/entry[@name='localhost.localdomain']/vsys` style path, for unparsed reports. */
  path: string
  parent?: XmlElement
}

/** What a streaming reader is told: element start (name, attributes, 1-based line), text, element end. */
export interface XmlHandlers {
  open(name: string, attrs: Record<string, string>, line: number): void
  text(text: string): void
  close(): void
}

/**
 * Stream the document through the handlers `start` makes, without building a tree (PAN-OS keeps only
 * what its model needs). Syntax errors and nesting deeper than MAX_NESTING throw IrmError with
 * file:line. The scan of xml-scan.ts reads the common shape; when it gives up (anything else, errors
 * included), saxes reads the text again with fresh handlers from `start`, and decides.
 */
export function streamXml(text: string, file: string, start: () => XmlHandlers): void {
  if (scanXml(text, start(), MAX_NESTING)) return
  saxesXml(text, file, start())
}

/** The whole text through saxes: the reference reader, and the one that reports errors (exported for its test). */
export function saxesXml(text: string, file: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser({position: true})
  let depth = 0
  let error: {message: string; line: number; column: number} | undefined
  let tooDeep: number | undefined
  const names = new Map<string, string>()
  parser.on('opentag', (tag) => {
    if (depth >= MAX_NESTING) {
      tooDeep ??= parser.line
      throw new Error('too deep')
    }
    depth++
    // a config names a few dozen tags 10^6 times: the handlers get (and keep) one string per tag name
    let name = names.get(tag.name)
    if (name === undefined) {
      name = tag.name
      if (names.size < 4096) names.set(name, name)
    }
    // without xmlns, saxes gives plain string values: the handlers may keep the object as it is
    handlers.open(name, tag.attributes as Record<string, string>, parser.line)
  })
  parser.on('text', handlers.text)
  parser.on('cdata', handlers.text)
  parser.on('closetag', () => {
    depth--
    handlers.close()
  })
  parser.on('error', (e) => {
    if (!error) error = {message: e.message, line: parser.line, column: parser.column}
  })
  try {
    parser.write(text).close()
  } catch (e) {
    if (tooDeep !== undefined) {
      throw new IrmError('CONFIG_SYNTAX', `XML nests deeper than ${MAX_NESTING} elements`, {file, line: tooDeep, hint: 'This is not a firewall configuration export; check the file.'})
    }
    if (!error) error = {message: (e as Error).message, line: parser.line, column: parser.column}
  }
  if (error) {
    // saxes prefixes messages with "undefined:line:col: "; keep the reason only
    const reason = error.message.replace(/^[^:]*:\d+:\d+:\s*/, '')
    throw new IrmError('CONFIG_SYNTAX', `XML syntax error: ${reason}`, {
      file,
      line: error.line,
      column: error.column,
      hint: 'Export the configuration again; the file looks truncated or edited by hand.',
    })
  }
}

// the attributes of every element that has none (frozen: shared)
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

// the children of an element that has none yet (frozen: shared until its first child)
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[]

/**
 * An element of the tree. Its path is made when asked (unparsed reports only), not per element: a
 * 10^5-rule config has 10^6 elements. A spread copy (`{...el}`) does not carry the getter: say `path`.
 */
class TreeElement implements XmlElement {
  children: XmlElement[] = NO_CHILDREN
  text = ''

  constructor(
    readonly name: string,
    readonly attrs: Record<string, string>,
    readonly line: number,
    readonly parent: XmlElement,
  ) {}

  get path(): string {
    const seg = this.attrs.name !== undefined ? `${this.name}[@name='${this.attrs.name}']` : this.name
    return `${this.parent.path}/${seg}`
  }
}

/** The whole document as a tree (pfSense/OPNsense: small files). */
export function parseXml(text: string, file: string): XmlElement {
  let root!: XmlElement
  streamXml(text, file, () => {
    root = {name: '#document', attrs: {}, children: [], text: '', line: 1, path: ''}
    const stack: XmlElement[] = [root]
    // the text inside each open element, joined as it comes (most elements have one piece or none)
    const texts: string[] = ['']
    return {
      open(name, tagAttrs, line) {
        const parent = stack[stack.length - 1]
        // saxes makes an attribute object per tag: the many without attributes share one
        const el = new TreeElement(name, hasKeys(tagAttrs) ? tagAttrs : NO_ATTRS, line, parent)
        if (parent.children === NO_CHILDREN) parent.children = [el]
        else parent.children.push(el)
        stack.push(el)
        texts.push('')
      },
      text: (t) => {
        texts[texts.length - 1] += t
      },
      close() {
        const el = stack.pop()!
        el.text = texts.pop()!.trim()
      },
    }
  })
  return root
}

/** First child element with this name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name)
}

/** All children with this name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : []
}

/** Follow a path of element names (`['devices', 'entry', 'vsys']`), first match at each step. */
export function dig(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el
  for (const n of names) cur = child(cur, n)
  return cur
}

/** Text of a child element, or undefined. */
export function textOf(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name)
  return c ? c.text : undefined
}

/** `<member>` texts of a child list element (PAN-OS style). */
export function members(el: XmlElement | undefined, name: string): string[] {
  return children(child(el, name), 'member').map((m) => m.text)
}
