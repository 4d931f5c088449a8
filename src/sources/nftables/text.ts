/**
 * `nft list ruleset` output and `nft -f` files → NftRuleset. Blocks (`table { chain { … } }`), command
 * form (`add rule inet filter input tcp dport 22 accept`), `define`/`$var`, multi-line sets.
 */
import type {IgnoredTable} from '../kit/ledger.js'
import {redactLine} from '../redact.js'
import type {Unparsed, UnparsedCode} from '../types.js'
import {chainOf, type NftChain, type NftFamily, type NftRule, type NftRuleset, type NftTable, parsePriority, tableOf} from './model.js'
import {parseRuleTokens, setElements} from './statements.js'
import {type Token, TokenStream} from './tokens.js'
import {type InputLine, inputLines} from '../input.js'

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'bridge', 'arp', 'netdev'])
/** Statements skipped on purpose (nft(8)): table-level objects that hold no filtering rules, and commands that change nothing. */
export const IGNORED: IgnoredTable = new Map([
  ['flowtable', 'fast path for established flows (accepted traffic only)'],
  ['counter', 'named counter'],
  ['quota', 'named quota'],
  ['limit', 'named limit'],
  ['secmark', 'SELinux labels'],
  ['synproxy', 'SYN proxy settings'],
  ['ct', 'conntrack helper, timeout or expectation object'],
  ['flags', 'table flags'],
  ['comment', 'comment'],
  ['undefine', 'removes a variable'],
  ['reset', 'resets counters'],
  ['list', 'prints the ruleset'],
])
/** The IGNORED words that are commands of their own, not table items. */
const TOP_LEVEL = new Set(['undefine', 'reset', 'list'])
/** Table-level objects `add <object> …` may create: understood, not modelled. */
const COMMAND_OBJECTS = new Set(['flowtable', 'counter', 'quota', 'limit', 'ct', 'secmark', 'synproxy'])
const BLOCK_WORDS = new Set(['table', 'chain', 'set', 'map', 'flowtable', 'counter', 'quota', 'ct', 'limit', 'secmark', 'synproxy'])
/** `chain input {` opens a block; `ct state { established, related }` is a set inside a rule. */
function isBlockOpener(out: Token[]): boolean {
  if (!out.length || out.length > 4 || !BLOCK_WORDS.has(out[0].text)) return false
  if (out[0].text === 'ct') return ['helper', 'timeout', 'expectation'].includes(out[1]?.text ?? '')
  return out.every((t) => t.kind === 'word' || t.kind === 'str')
}
export interface TextResult {
  ruleset: NftRuleset
  unparsed: Unparsed[]
  ignored: Array<{line: number; reason: string}>
  lines: number
}

/**
 * Whether `/\s+/g → ' '` would leave the text as it is (words apart by one space, no other blank): most
 * rule lines are, and then keep their slice of the file instead of a copy. Past ASCII: no (the regex decides).
 */
function singleSpaced(t: string): boolean {
  let space = false
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    if (c === 32) {
      if (space) return false
      space = true
    } else if ((c >= 9 && c <= 13) || c > 127) return false
    else space = false
  }
  return true
}

/** The reader state: tokens, defines, and the line texts for rule text and unparsed entries. */
class Reader {
  pos = 0
  readonly defines = new Map<string, Token[]>()
  readonly unparsed: Unparsed[] = []
  /** Lines skipped on purpose (IGNORED) → why. */
  readonly ignored: Array<{line: number; reason: string}> = []
  readonly ruleset: NftRuleset = new Map()

  constructor(
    readonly toks: TokenStream,
    readonly lines: readonly InputLine[],
  ) {}

  skip(line: number, statement: string): void {
    this.ignored.push({line, reason: IGNORED.get(statement)!})
  }

  fail(line: number, reason: string, code: UnparsedCode): void {
    this.unparsed.push({line, code, reason, text: redactLine((this.lines[line - 1]?.text ?? '').trim())})
  }

  textOf(first: number, last: number): string {
    if (first === last) {
      // one line (almost every rule): no arrays
      const t = this.lines[first - 1]?.text ?? ''
      const hash = t.indexOf('#')
      const trimmed = (hash < 0 ? t : t.slice(0, hash)).trim()
      return redactLine(singleSpaced(trimmed) ? trimmed : trimmed.replace(/\s+/g, ' '))
    }
    return redactLine(
      this.lines
        .slice(first - 1, last)
        .map((l) => l.text.replace(/#[^]*$/, '').trim())
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
  }

  /** One statement: tokens up to a newline or `;` outside braces, or the `}` that closes the block. */
  statement(): Token[] {
    const out: Token[] = []
    let depth = 0
    // nothing before the previous token is looked at again (chainBody reads its line)
    this.toks.release(this.pos - 1)
    for (let t = this.toks.at(this.pos); t; t = this.toks.at(this.pos)) {
      if (depth === 0 && (t.kind === 'nl' || t.kind === ';')) {
        this.pos++
        if (out.length) break
        continue
      }
      if (depth === 0 && t.kind === '}') break
      // `table x {`, `chain y {`, `set z {`: the statement ends at the block opener
      if (depth === 0 && t.kind === '{' && isBlockOpener(out)) {
        out.push(t)
        this.pos++
        break
      }
      if (t.kind === '{') depth++
      if (t.kind === '}') depth--
      this.pos++
      if (t.kind === 'nl') continue
      if (t.kind === 'word' && t.text.startsWith('$') && this.defines.has(t.text.slice(1))) {
        out.push(...this.defines.get(t.text.slice(1))!)
        continue
      }
      // only a word starting with `$` can be a define with a port
      out.push(t.kind === 'word' && t.text.charCodeAt(0) === 36 ? this.withPort(t) : t)
    }
    return out
  }

  /** `$WEB:443` (a define followed by a port, as in `dnat to $WEB:443`) → `192.0.2.10:443`. */
  private withPort(t: Token): Token {
    const m = t.kind === 'word' ? /^\$([\w.-]+)(:[^:]+)$/.exec(t.text) : null
    const value = m ? this.defines.get(m[1]) : undefined
    if (!m || value?.length !== 1 || value[0].kind !== 'word') return t
    return {...t, text: `${value[0].text}${m[2]}`}
  }

  /** Skip to the `}` closing the block just opened (the `{` is consumed). */
  skipBlock(): void {
    let depth = 1
    while (this.toks.at(this.pos) && depth > 0) {
      const k = this.toks.at(this.pos++)!.kind
      if (k === '{') depth++
      else if (k === '}') depth--
    }
  }

  atBlockEnd(): boolean {
    let t = this.toks.at(this.pos)
    while (t && (t.kind === 'nl' || t.kind === ';')) t = this.toks.at(++this.pos)
    if (!t) return true
    if (t.kind === '}') {
      this.pos++
      return true
    }
    return false
  }

  top(): void {
    while (this.toks.at(this.pos)) {
      const st = this.statement()
      if (!st.length) {
        const t = this.toks.at(this.pos)
        if (t?.kind === '}') {
          this.fail(t.line, "unbalanced '}'", 'malformed')
          this.pos++
        }
        continue
      }
      this.topStatement(st)
    }
  }

  topStatement(st: Token[]): void {
    // shell lines of a setup script: `sudo nft add rule …`, `nft -f -`
    let k = 0
    while (k < st.length - 1 && /^(sudo|(\S*\/)?nft|-[a-zA-Z]+)$/.test(st[k].text) && st[k].kind === 'word') k++
    if (k > 0) st = st.slice(k)
    const w = st[0].text
    const line = st[0].line
    if (w === 'table' || ((w === 'add' || w === 'create') && st[1]?.text === 'table')) {
      const rest = w === 'table' ? st.slice(1) : st.slice(2)
      const {family, names} = familyAndNames(rest)
      const table = tableOf(this.ruleset, family, names[0] ?? '', line)
      if (rest[rest.length - 1]?.kind === '{') this.tableBody(table)
      return
    }
    if (w === 'define' || w === 'redefine') {
      const eq = st.findIndex((t) => t.text === '=')
      if (eq < 2) this.fail(line, 'define not understood', 'malformed')
      else this.defines.set(st[1].text, st.slice(eq + 1))
      return
    }
    if (w === 'undefine' || w === 'reset' || w === 'list') return this.skip(line, w)
    if (w === 'include') return this.fail(line, 'include not followed: parse the included file too', 'not-followed')
    if (w === 'flush') return this.flush(st)
    if (w === 'delete' || w === 'destroy') return this.fail(line, `'${w}' is not replayed: export the live ruleset with \`nft list ruleset\``, 'unsupported')
    if ((w === 'add' || w === 'insert' || w === 'create' || w === 'replace') && st[1]) return this.command(st)
    this.fail(line, `unknown statement '${w}'`, 'unknown-statement')
  }

  /** `flush ruleset`, `flush table inet f`, `flush chain inet f input`: later commands refill them. */
  flush(st: Token[]): void {
    const what = st[1]?.text
    if (what === 'ruleset') {
      this.ruleset.clear()
      return
    }
    const {family, names} = familyAndNames(st.slice(2))
    const table = this.ruleset.get(`${family} ${names[0] ?? ''}`)
    if (!table) return
    for (const c of table.chains.values()) if (what === 'table' || c.name === names[1]) c.rules = []
  }

  /** `add chain inet f input { type filter hook input priority 0; policy drop; }`, `add rule …`, `add set …`, `add element …` */
  command(st: Token[]): void {
    const what = st[1].text
    const line = st[0].line
    const {family, names, used} = familyAndNames(st.slice(2))
    const rest = st.slice(2 + used)
    const table = tableOf(this.ruleset, family, names[0] ?? '', line)
    if (what === 'chain') {
      const chain = chainOf(table, names[1] ?? '', line)
      this.chainSpec(chain, splitOnSemicolons(rest.filter((t) => t.kind !== '{' && t.kind !== '}')), line)
      return
    }
    if (what === 'rule') {
      const chain = chainOf(table, names[1] ?? '', line)
      let body = rest
      // position/handle/index N: where to insert; we keep file order and prepend for `insert`
      while (body.length && ['position', 'handle', 'index'].includes(body[0].text)) body = body.slice(2)
      const rule = this.rule(body, line, st[st.length - 1].line)
      if (st[0].text === 'insert') chain.rules.unshift(rule)
      else chain.rules.push(rule)
      return
    }
    if (what === 'set' || what === 'map') {
      this.setSpec(table, names[1] ?? '', rest, line)
      return
    }
    if (what === 'element') {
      const set = table.sets.get(names[1] ?? '')
      const elems = setElements(rest, 0).items
      if (set) set.elements = [...(set.elements ?? []), ...elems.map((e) => e.split(' : ')[0])]
      else this.fail(line, `element added to unknown set '${names[1] ?? ''}'`, 'undefined-reference')
      return
    }
    if (COMMAND_OBJECTS.has(what)) return this.skip(line, what)
    this.fail(line, `unknown command '${st[0].text} ${what}'`, 'unknown-statement')
  }

  tableBody(table: NftTable): void {
    while (!this.atBlockEnd()) {
      const st = this.statement()
      if (!st.length) continue
      const w = st[0].text
      const line = st[0].line
      const opens = st[st.length - 1].kind === '{'
      if (w === 'chain' && opens) {
        const chain = chainOf(table, st[1]?.text ?? '', line)
        this.chainBody(chain)
      } else if ((w === 'set' || w === 'map') && opens) {
        this.setBody(table, st[1]?.text ?? '', line)
      } else if (IGNORED.has(w) && !TOP_LEVEL.has(w)) {
        this.skip(line, w)
        if (opens) this.skipBlock()
      } else {
        this.fail(line, `unknown table item '${w}'`, 'unknown-statement')
        if (opens) this.skipBlock()
      }
    }
  }

  chainBody(chain: NftChain): void {
    while (!this.atBlockEnd()) {
      const first = this.toks.at(this.pos)!
      const st = this.statement()
      if (!st.length) continue
      const w = st[0].text
      const line = st[0].line
      if (w === 'type' || w === 'policy' || w === 'devices' || w === 'device') {
        this.chainSpec(chain, [st], line)
        continue
      }
      if (w === 'comment' && st.length === 2) continue
      const last = this.toks.at(Math.max(0, this.pos - 1))?.line ?? first.line
      chain.rules.push(this.rule(st, line, last))
    }
  }

  chainSpec(chain: NftChain, parts: Token[][], line: number): void {
    for (const p of parts) {
      if (!p.length) continue
      const w = p[0].text
      if (w === 'type') {
        chain.type = p[1]?.text
        chain.line = line
        chain.text = this.textOf(line, line)
        const hook = p.findIndex((t) => t.text === 'hook')
        if (hook >= 0) chain.hook = p[hook + 1]?.text
        const dev = p.findIndex((t) => t.text === 'device')
        if (dev >= 0) chain.devices = [p[dev + 1]?.text ?? '']
        const prio = p.findIndex((t) => t.text === 'priority')
        if (prio >= 0) {
          const n = parsePriority(p.slice(prio + 1).map((t) => t.text).join(' '))
          if (n === null) this.fail(line, 'chain priority not understood', 'bad-value')
          else chain.priority = n
        }
      } else if (w === 'policy') {
        const v = p[1]?.text
        if (v === 'accept' || v === 'drop') chain.policy = v
        else this.fail(line, `chain policy '${v ?? ''}' not understood`, 'bad-value')
      } else if (w === 'devices' || w === 'device') {
        chain.devices = p.filter((t) => t.kind === 'word' || t.kind === 'str').slice(1).map((t) => t.text).filter((x) => x !== '=')
      } else if (w !== 'comment') this.fail(line, `chain setting '${w}' not understood`, 'unknown-statement')
    }
  }

  setBody(table: NftTable, name: string, line: number): void {
    const body: Token[] = []
    let depth = 1
    for (let t = this.toks.at(this.pos); t; t = this.toks.at(this.pos)) {
      this.pos++
      if (t.kind === '{') depth++
      if (t.kind === '}' && --depth === 0) break
      body.push(t)
    }
    this.setSpec(table, name, body.flatMap((t) => (t.kind === 'word' && t.text.startsWith('$') && this.defines.has(t.text.slice(1)) ? this.defines.get(t.text.slice(1))! : [t])), line)
  }

  setSpec(table: NftTable, name: string, body: Token[], line: number): void {
    const words = body.filter((t) => t.kind === 'word').map((t) => t.text)
    const flagsAt = words.indexOf('flags')
    const dynamic = (flagsAt >= 0 && /dynamic|timeout/.test(words.slice(flagsAt + 1, flagsAt + 4).join(' '))) || words.includes('timeout')
    const el = body.findIndex((t) => t.text === 'elements')
    let elements: string[] | null = null
    let entries: Array<[string, string]> | undefined
    if (el >= 0) {
      const open = body.findIndex((t, i) => i > el && t.kind === '{')
      const items = setElements(body, open + 1).items
      elements = items.map((e) => e.split(' : ')[0])
      if (items.some((e) => e.includes(' : '))) entries = items.map((e) => e.split(' : ', 2) as [string, string])
    }
    table.sets.set(name, {name, line, elements: elements ?? (dynamic ? null : []), entries, dynamic})
  }

  rule(st: Token[], line: number, lastLine: number): NftRule {
    const text = this.textOf(line, Math.max(line, lastLine))
    const {stmts, comment} = parseRuleTokens(st)
    return {line, text, stmts, comment: comment === undefined ? undefined : redactLine(comment)}
  }
}

function familyAndNames(toks: Token[]): {family: NftFamily; names: string[]; used: number} {
  let i = 0
  let family: NftFamily = 'ip'
  const words = toks.filter((t) => t.kind === 'word' || t.kind === 'str')
  if (words[0] && FAMILIES.has(words[0].text) && words.length > 1 && words[1].kind !== '{') {
    // `table ip filter` vs `table filter` (family ip by default, nft(8))
    const next = toks[1]
    if (next && (next.kind === 'word' || next.kind === 'str')) {
      family = words[0].text as NftFamily
      i = 1
    }
  }
  const names: string[] = []
  let used = i
  for (let k = i; k < toks.length && names.length < 3 && (toks[k].kind === 'word' || toks[k].kind === 'str'); k++) {
    names.push(toks[k].text)
    used = k + 1
  }
  return {family, names, used: Math.min(used, i + 2)}
}

function splitOnSemicolons(toks: Token[]): Token[][] {
  const out: Token[][] = [[]]
  for (const t of toks) {
    if (t.kind === ';') out.push([])
    else out[out.length - 1].push(t)
  }
  return out
}

export function readNftText(text: string): TextResult {
  const lines = inputLines({file: '', text})
  const reader = new Reader(new TokenStream(lines), lines)
  reader.top()
  let counted = 0
  for (const l of lines) {
    const t = l.text.trim()
    if (t !== '' && !t.startsWith('#') && t !== '}' && t !== '{') counted++
  }
  return {ruleset: reader.ruleset, unparsed: reader.unparsed, ignored: reader.ignored, lines: counted}
}

