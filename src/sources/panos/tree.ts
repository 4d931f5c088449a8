/**
 * One tree for the three PAN-OS forms: XML (`running-config.xml`), `set` commands and the brace
 * form of `show config`. `<entry name="X">`, a set word and a brace block all become a child named X;
 * `<member>`s, set values and `[ ]` lists become values. Nodes remember their line and whether the
 * model read them, so whatever was not read is reported with its path. The tree is the reader's
 * bookkeeping, not the model: read.ts turns it into model.ts objects.
 */
import type {UnparsedCode} from '../types.js'
import {redactLine} from '../redact.js'
import {MAX_NESTING} from '../../core/limits.js'
import {inputLines} from '../input.js'
import {type ReadProblem, readHierarchy, readSetForm} from '../junos/read.js'
import {streamXml} from '../xml.js'

export interface PNode {
  name: string
  line: number
  /** Shared empty map until the first child arrives (most nodes are leaves). */
  children: Map<string, PNode>
  values: string[]
  /** Source items (XML elements, statement ids) attributed to this node, for stats. */
  ids: number[]
  /** Read by the model (this node only). */
  used: boolean
  /** Read by the model with everything below it. */
  deep: boolean
  /** Parent and this node's path segment: the path is built only for a node that is reported (pathOf). */
  parent?: PNode
  seg: string
  /** XML: the `name` attribute of the element, for the segment `entry[@name='X']`. */
  segName: string | undefined
  /** Source excerpt: a set/brace statement, or (XML) the start tag, rebuilt by textOf from `tag` and `attrName`. */
  text: string
  tag?: string
  attrName?: string
  /** Set when the model read the node and could not use it: reported with this reason and code. */
  rejected?: {reason: string; code: UnparsedCode}
  /**
   * Set when the XML reader read this entry into the vendor model as soon as it closed and dropped
   * its subtree (security rules, address objects: the bulk of a large rulebase). Keeps the subtree's
   * line accounting: items read fine, all items, and what it reported.
   */
  folded?: Folded
}

export interface UnreadItem {
  line: number
  reason: string
  text: string
  code: UnparsedCode
  path: string
}

export interface Folded {
  model: unknown
  ok: number
  total: number
  unparsed: UnreadItem[]
}

/** Reads an entry into the vendor model when the XML stream closes it; undefined leaves the entry as a tree. */
export type Folder = (node: PNode) => {model: unknown} | undefined

const NO_CHILDREN: Map<string, PNode> = new Map()
// the values and ids of a node that has none yet, shared (frozen: only addValue and addId grow them)
const NO_VALUES: string[] = Object.freeze([]) as unknown as string[]
const NO_IDS: number[] = Object.freeze([]) as unknown as number[]

export function newNode(name: string, line: number, parent?: PNode, text = ''): PNode {
  // every field from the start, the optional ones too: one hidden class for all nodes, none grown later
  return {name, line, children: NO_CHILDREN, values: NO_VALUES, ids: NO_IDS, used: false, deep: false, parent, seg: name, segName: undefined, text, tag: undefined, attrName: undefined, rejected: undefined, folded: undefined}
}

function addValue(node: PNode, v: string): void {
  if (node.values === NO_VALUES) node.values = [v]
  else if (node.values.length === 1) node.values = [node.values[0], v] // exact size, as addId
  else node.values.push(v)
}

function addId(node: PNode, id: number): void {
  if (node.ids === NO_IDS) node.ids = [id]
  // a list element and its one member (most lists): two ids at their exact size, where a push would
  // reserve room for seventeen
  else if (node.ids.length === 1) node.ids = [node.ids[0], id]
  else node.ids.push(id)
}

/** `/config/devices/entry[@name='localhost.localdomain']/vsys` (XML) or `/config/devices/…` (set/brace form). */
export function pathOf(node: PNode): string {
  const segs: string[] = []
  for (let n: PNode | undefined = node; n?.parent; n = n.parent) segs.push(n.segName !== undefined ? `${n.seg}[@name='${n.segName}']` : n.seg)
  return segs.length ? `/${segs.reverse().join('/')}` : ''
}

function excerpt(node: PNode): string {
  if (node.tag === undefined) return node.text
  return `<${node.tag}${node.attrName !== undefined ? ` name="${node.attrName}"` : ''}>`
}

/** A child, made when first named; `from` gives its excerpt (a statement's text is redacted only then). */
function childOf(parent: PNode, name: string, line: number, from?: {text: string}): PNode {
  let c = parent.children.get(name)
  if (!c) {
    c = newNode(name, line, parent, from ? from.text : '')
    if (parent.children === NO_CHILDREN) parent.children = new Map()
    parent.children.set(name, c)
  }
  return c
}

/**
 * Deepest tree the model builds. Real configurations nest about fifteen levels; anything deeper is
 * hostile or broken input, and the recursive walks below must not exhaust the stack on it.
 */
export const MAX_DEPTH = MAX_NESTING

/**
 * XML → tree, from a saxes stream (no element tree in between). `entry` elements are named by their
 * `name` attribute; `member` elements are values of their parent. `first` is the document element.
 */
export function fromXml(text: string, file: string, fold?: Folder): {root: PNode; count: number; first?: {name: string; line: number}; config: boolean} {
  let top!: PNode
  let count: number
  let first: {name: string; line: number} | undefined
  let config: boolean
  // one frame per open element: its node (undefined inside a member), its direct text, whether it has
  // child elements, whether it is a <member>
  let nodes: Array<PNode | undefined>
  let texts: string[]
  let hasChild: boolean[]
  let members: boolean[]
  let inMember: number
  // a fresh tree each time the stream starts (again, when the fast scan gives up)
  streamXml(text, file, () => {
    top = newNode('', 1)
    count = 0
    first = undefined
    config = false
    nodes = [top]
    texts = ['']
    hasChild = [false]
    members = [false]
    inMember = 0
    return {
      open(name, attrs, line) {
        hasChild[hasChild.length - 1] = true
        if (nodes.length === 1) {
          first ??= {name, line}
          if (name === 'config') config = true
        }
        // elements inside a <member> are not part of the model (nor counted)
        if (inMember) {
          inMember++
          nodes.push(undefined)
          members.push(false)
        } else {
          count++
          const parent = nodes[nodes.length - 1]!
          if (name === 'member') {
            inMember = 1
            addId(parent, count)
            nodes.push(parent)
            members.push(true)
          } else {
            nodes.push(openNode(parent, name, attrs.name, line, count))
            members.push(false)
          }
        }
        texts.push('')
        hasChild.push(false)
      },
      text(t) {
        // only a leaf's text and a member's are values: the indentation between elements is dropped here
        const top = texts.length - 1
        if (!hasChild[top] || members[top]) texts[top] += t
      },
      close() {
        const node = nodes.pop()
        const direct = texts.pop()!
        const leaf = !hasChild.pop()
        const member = members.pop()!
        if (inMember) {
          inMember--
          if (member) addValue(node!, direct.trim())
          return
        }
        if (node && leaf) {
          const t = direct.trim()
          if (t !== '') addValue(node, t)
        }
        if (node && fold && node.tag === 'entry') foldNode(node, fold)
      },
    }
  })
  return {root: top, count: count!, first, config: config!}
}

/** The node an element opens: an `entry` is named by its `name` attribute; a repeated name is the same node. */
function openNode(parent: PNode, tag: string, attrName: string | undefined, line: number, id: number): PNode {
  const nodeName = tag === 'entry' && attrName !== undefined ? attrName : tag
  let key = nodeName
  let node = parent.children.get(key)
  // an entry repeated after it was folded (PAN-OS refuses duplicate names at commit): kept apart
  while (node?.folded) {
    key += '\u0000'
    node = parent.children.get(key)
  }
  if (!node) {
    node = newNode(nodeName, line, parent)
    node.tag = tag
    if (attrName !== undefined) node.attrName = attrName
    if (parent.children === NO_CHILDREN) parent.children = new Map()
    parent.children.set(key, node)
  }
  // the path segment is built only if the node is reported (pathOf)
  node.seg = tag
  node.segName = attrName
  addId(node, id)
  return node
}

/** Set-form words directly under `config`: where a single-vsys firewall's `set X` lands. */
const DEVICE_LEVEL = new Set(['deviceconfig', 'network', 'vsys', 'device-group', 'template', 'template-stack', 'log-collector', 'log-collector-group', 'platform'])
const CONFIG_LEVEL = new Set(['mgt-config', 'shared', 'readonly', 'panorama'])

/** Set or brace text → tree, with the read problems and the number of source statements. */
export function fromText(text: string, file = ''): {root: PNode; count: number; directives: number; problems: ReadProblem[]; form: 'set' | 'brace'} {
  // `!` starts a comment line in pasted PAN-OS CLI scripts; blanked so line numbers stay
  const lines = inputLines({file, text}).map((l) => (BANG_COMMENT.test(l.text) ? {...l, text: ''} : l))
  const first = lines.find((l) => l.text.trim() !== '' && !/^\s*#/.test(l.text))
  const setForm = /^[ \t]*(set|delete)\s/.test(first?.text ?? '')
  const read = setForm ? readSetForm(lines) : readHierarchy(lines)
  const top = newNode('', 1)
  // a [ ] list shorter than another in the same statement repeats its last item (junos/read.ts): once is enough
  const seen = new Set<string>()
  for (const s of read.statements) {
    let words = s.words
    if (setForm) {
      const device = ['config', 'devices', 'localhost.localdomain']
      if (CONFIG_LEVEL.has(words[0])) words = ['config', ...words]
      else if (DEVICE_LEVEL.has(words[0])) words = [...device, ...words]
      else words = [...device, 'vsys', 'vsys1', ...words]
    }
    if (words.length > MAX_DEPTH) {
      read.problems.push({line: s.line, code: 'malformed', reason: `statement of ${words.length} words nests deeper than ${MAX_DEPTH} levels`, text: redactLine(s.text.slice(0, 120))})
      continue
    }
    for (const part of splitRuleAttributes(words)) {
      const key = `${s.id}\u0000${part.join('\u0000')}`
      if (seen.has(key)) continue
      seen.add(key)
      let node = top
      const last = part.length === 1 ? 1 : part.length - 1
      for (let i = 0; i < last; i++) node = childOf(node, part[i], s.line, s)
      if (part.length > 1) addValue(node, part[part.length - 1])
      // every node a statement wrote to shares its id: the statement is understood only if all were read
      addId(node, s.id)
      if (s.inactive) markDeep(node)
    }
  }
  return {root: top, count: read.count + read.directives, directives: read.directives, problems: read.problems, form: setForm ? 'set' : 'brace'}
}

const BANG_COMMENT = /^[ \t]*!/

/** Rule attributes PAN-OS accepts several at a time: `set rulebase security rules R from a to b action allow`. */
const RULE_ATTRIBUTES = new Set(['from', 'to', 'source', 'destination', 'application', 'service', 'action', 'source-user', 'category', 'negate-source', 'negate-destination', 'disabled', 'description', 'tag', 'log-setting', 'log-start', 'log-end', 'rule-type', 'source-hip', 'destination-hip', 'hip-profiles', 'schedule', 'group-tag'])

function splitRuleAttributes(words: string[]): string[][] {
  const at = words.lastIndexOf('rules')
  if (at < 0 || words.length - (at + 2) <= 2 || !RULE_ATTRIBUTES.has(words[at + 2])) return [words]
  const head = words.slice(0, at + 2)
  const out: string[][] = []
  const rest = words.slice(at + 2)
  for (let i = 0; i < rest.length; i++) {
    if (RULE_ATTRIBUTES.has(rest[i]) && i + 1 < rest.length) {
      out.push([...head, rest[i], rest[i + 1]])
      i++
    } else {
      out.push([...head, ...rest.slice(i)])
      break
    }
  }
  return out
}

/** A node the model read and could not use: it leaves the understood count, with this reason. */
export function reject(node: PNode | undefined, reason: string, code: UnparsedCode): void {
  if (node) node.rejected = {reason, code}
}

export function markDeep(node: PNode | undefined): void {
  if (!node || node.deep) return
  node.used = true
  node.deep = true
  // most nodes are leaves: no iterator for them (10^6 per large rulebase)
  if (node.children.size) for (const c of node.children.values()) markDeep(c)
}

/** Child by name, marked as read. */
export function take(node: PNode | undefined, name: string): PNode | undefined {
  const c = node?.children.get(name)
  if (c) c.used = true
  return c
}

/** Child by name, with all of it marked as read. */
export function takeDeep(node: PNode | undefined, name: string): PNode | undefined {
  const c = node?.children.get(name)
  markDeep(c)
  return c
}

/** A list child (`<member>`s, set values, `[ ]`, or brace leaves): its items, all marked as read. */
export function items(node: PNode | undefined, name: string): string[] {
  const c = takeDeep(node, name)
  if (!c) return []
  // a fresh array (callers may add to it); one copy when the list is members only (XML: most lists)
  if (c.children.size === 0) return c.values.slice()
  return [...c.values, ...[...c.children.values()].filter((x) => x.children.size === 0 && x.values.length === 0).map((x) => x.name)]
}

/** A single-valued child (`<action>allow</action>`, `action allow`). */
export function value(node: PNode | undefined, name: string): string | undefined {
  const c = takeDeep(node, name)
  if (!c) return undefined
  return c.values[c.values.length - 1] ?? ([...c.children.keys()][0] as string | undefined)
}

/** Named entries of a container (`<address><entry name=…>`), including set-form bare names. */
export function entries(node: PNode | undefined): PNode[] {
  if (!node) return []
  node.used = true
  const out = [...node.children.values()]
  for (const v of node.values) if (!node.children.has(v)) out.push(newNode(v, node.line, node))
  return out
}

/**
 * Line accounting over a (sub)tree: ids of nodes the model read, ids under nodes it rejected or never
 * read (reported at the topmost such node), and folded entries counted by their totals.
 */
class Accounting {
  readonly ok = new Set<number>()
  readonly bad = new Set<number>()
  readonly unparsed: UnreadItem[] = []
  private foldedOk = 0

  understood(): number {
    let n = this.foldedOk
    for (const id of this.ok) if (!this.bad.has(id)) n++
    return n
  }

  walk(n: PNode): void {
    if (n.deep) {
      this.all(n, true)
      return
    }
    if (n.folded) {
      this.foldedOk += n.folded.ok
      this.unparsed.push(...n.folded.unparsed)
      return
    }
    if (n.used) for (const id of n.ids) this.ok.add(id)
    for (const c of n.children.values()) {
      if (c.rejected) {
        this.unparsed.push({line: c.line, code: c.rejected.code, reason: c.rejected.reason, text: redactLine(excerpt(c).slice(0, 120)), path: pathOf(c)})
        this.all(c, false)
      } else if (c.used || c.deep) this.walk(c)
      else if (hasIds(c)) {
        this.unparsed.push({line: c.line, code: 'unsupported', reason: `'${c.name.slice(0, 60)}' not modelled (under ${n.name || 'the top level'})`, text: redactLine(excerpt(c).slice(0, 120)), path: pathOf(c)})
        this.all(c, false)
      }
    }
  }

  private all(n: PNode, good: boolean): void {
    const into = good ? this.ok : this.bad
    for (const id of n.ids) into.add(id)
    if (good && n.folded) this.foldedOk += n.folded.total
    for (const c of n.children.values()) this.all(c, good)
  }
}

function hasIds(n: PNode): boolean {
  return n.ids.length > 0 || (n.folded?.total ?? 0) > 0 || [...n.children.values()].some(hasIds)
}

function countIds(n: PNode): number {
  let total = n.ids.length + (n.folded?.total ?? 0)
  if (n.children.size) for (const c of n.children.values()) total += countIds(c)
  return total
}

const NO_UNREAD: UnreadItem[] = Object.freeze([]) as unknown as UnreadItem[]

/** Every child read whole (deep) and none rejected: what Accounting.walk would count all understood. */
function wholeFields(node: PNode): boolean {
  for (const c of node.children.values()) if (c.rejected || !c.deep) return false
  return true
}

/** Read a closed XML entry into the model and keep only its accounting (ids are unique per XML element). */
function foldNode(node: PNode, fold: Folder): void {
  const read = fold(node)
  if (!read) return
  const total = countIds(node)
  let ok = total
  let unparsed: UnreadItem[] = NO_UNREAD
  // an entry the reader marked wholly read settles when its ancestors are walked (deep: all of it); one
  // it read field by field, every field whole and none rejected, is all understood (ids are unique)
  if (!node.deep && !(node.used && wholeFields(node))) {
    const acc = new Accounting()
    acc.walk(node)
    ok = acc.understood()
    unparsed = acc.unparsed
  }
  node.folded = {model: read.model, ok, total, unparsed}
  node.children = NO_CHILDREN
  node.values = NO_VALUES
  node.ids = NO_IDS
}

/** Everything the model did not read, reported at its topmost unread node; stats count source items. */
export function unread(root: PNode): {understood: number; unparsed: UnreadItem[]} {
  const acc = new Accounting()
  root.used = true
  acc.walk(root)
  return {understood: acc.understood(), unparsed: acc.unparsed}
}
