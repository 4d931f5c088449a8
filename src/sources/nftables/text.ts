/**
 * `nft list ruleset` output and `nft -f` files → NftRuleset. Blocks (`table { chain { … } }`), command
 * form (`add rule inet filter input tcp dport 22 accept`), `define`/`$var`, multi-line sets.
 */
import {redactLine} from '../redact.js'
import type {Unparsed} from '../types.js'
import {chainOf, type NftChain, type NftFamily, type NftRuleset, type NftTable, parsePriority, type Stmt, tableOf, type Value, type Verdict} from './model.js'

interface Token {
  kind: 'word' | 'str' | '{' | '}' | ';' | ',' | 'nl'
  text: string
  line: number
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let line = 1
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text[i]
    if (c === '\n') {
      out.push({kind: 'nl', text: '\n', line})
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === "'") i++ // ' is shell quoting in `nft add …` scripts
    else if (c === '\\' && text[i + 1] === '\n') {
      line++
      i += 2
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++
    } else if (c === '"') {
      let j = i + 1
      let s = ''
      while (j < n && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < n) j++
        s += text[j++]
      }
      out.push({kind: 'str', text: s, line})
      i = j + 1
    } else if (c === '{' || c === '}' || c === ';' || c === ',') {
      out.push({kind: c, text: c, line})
      i++
    } else {
      let j = i
      while (j < n && !/[\s{};,"#]/.test(text[j])) j++
      out.push({kind: 'word', text: text.slice(i, j), line})
      i = j
    }
  }
  return out
}

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'bridge', 'arp', 'netdev'])
/** Table-level objects that hold no filtering rules (nft(8)): understood, not modelled. */
const TABLE_IGNORED = new Set(['flowtable', 'counter', 'quota', 'limit', 'secmark', 'synproxy', 'ct', 'flags', 'comment'])
const BLOCK_WORDS = new Set(['table', 'chain', 'set', 'map', 'flowtable', 'counter', 'quota', 'ct', 'limit', 'secmark', 'synproxy'])
/** `chain input {` opens a block; `ct state { established, related }` is a set inside a rule. */
function isBlockOpener(out: Token[]): boolean {
  if (!out.length || out.length > 4 || !BLOCK_WORDS.has(out[0].text)) return false
  if (out[0].text === 'ct') return ['helper', 'timeout', 'expectation'].includes(out[1]?.text ?? '')
  return out.every((t) => t.kind === 'word' || t.kind === 'str')
}
const OPS = new Set(['==', '!=', 'eq', 'ne', '<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge', 'in'])
/** Words that start a payload/meta expression and the words that may follow as its field. */
const PAYLOAD = new Set(['ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'igmp', 'ether', 'vlan', 'arp', 'ah', 'esp', 'comp', 'rt', 'socket', 'osf', 'ipsec', 'exthdr', 'frag', 'hbh', 'mh', 'dst', 'srh', 'tunnel', 'dccp', 'gre'])
const BARE_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'mark', 'skuid', 'skgid', 'l4proto', 'nfproto', 'pkttype', 'iiftype', 'oiftype', 'length', 'priority', 'protocol', 'cpu', 'cgroup', 'day', 'hour', 'time', 'rtclassid', 'iifgroup', 'oifgroup', 'nftrace', 'secpath', 'ibrname', 'obrname', 'iifkind', 'oifkind', 'random', 'ipsec', 'sdif', 'sdifname', 'broute'])

export interface TextResult {
  ruleset: NftRuleset
  unparsed: Unparsed[]
  lines: number
}

/** The reader state: tokens, defines, and the line texts for rule text and unparsed entries. */
class Reader {
  pos = 0
  readonly defines = new Map<string, Token[]>()
  readonly unparsed: Unparsed[] = []
  readonly ruleset: NftRuleset = new Map()

  constructor(
    readonly toks: Token[],
    readonly lines: string[],
  ) {}

  fail(line: number, reason: string): void {
    this.unparsed.push({line, reason, text: redactLine((this.lines[line - 1] ?? '').trim())})
  }

  textOf(first: number, last: number): string {
    return redactLine(
      this.lines
        .slice(first - 1, last)
        .map((l) => l.replace(/#.*$/, '').trim())
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
  }

  /** One statement: tokens up to a newline or `;` outside braces, or the `}` that closes the block. */
  statement(): Token[] {
    const out: Token[] = []
    let depth = 0
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos]
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
      out.push(t)
    }
    return out
  }

  /** Skip to the `}` closing the block just opened (the `{` is consumed). */
  skipBlock(): void {
    let depth = 1
    while (this.pos < this.toks.length && depth > 0) {
      const k = this.toks[this.pos++].kind
      if (k === '{') depth++
      else if (k === '}') depth--
    }
  }

  atBlockEnd(): boolean {
    while (this.pos < this.toks.length && (this.toks[this.pos].kind === 'nl' || this.toks[this.pos].kind === ';')) this.pos++
    if (this.pos >= this.toks.length) return true
    if (this.toks[this.pos].kind === '}') {
      this.pos++
      return true
    }
    return false
  }

  top(): void {
    while (this.pos < this.toks.length) {
      const st = this.statement()
      if (!st.length) {
        if (this.pos < this.toks.length && this.toks[this.pos].kind === '}') {
          this.fail(this.toks[this.pos].line, "unbalanced '}'")
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
      if (eq < 2) this.fail(line, 'define not understood')
      else this.defines.set(st[1].text, st.slice(eq + 1))
      return
    }
    if (w === 'undefine') return
    if (w === 'include') return this.fail(line, 'include not followed: parse the included file too')
    if (w === 'flush') return this.flush(st)
    if (w === 'delete' || w === 'destroy') return this.fail(line, `'${w}' is not replayed: export the live ruleset with \`nft list ruleset\``)
    if (w === 'reset' || w === 'list') return
    if ((w === 'add' || w === 'insert' || w === 'create' || w === 'replace') && st[1]) return this.command(st)
    this.fail(line, `unknown statement '${w}'`)
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
      else this.fail(line, `element added to unknown set '${names[1] ?? ''}'`)
      return
    }
    if (['flowtable', 'counter', 'quota', 'limit', 'ct', 'secmark', 'synproxy'].includes(what)) return
    this.fail(line, `unknown command '${st[0].text} ${what}'`)
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
      } else if (TABLE_IGNORED.has(w)) {
        if (opens) this.skipBlock()
      } else {
        this.fail(line, `unknown table item '${w}'`)
        if (opens) this.skipBlock()
      }
    }
  }

  chainBody(chain: NftChain): void {
    while (!this.atBlockEnd()) {
      const first = this.toks[this.pos]
      const st = this.statement()
      if (!st.length) continue
      const w = st[0].text
      const line = st[0].line
      if (w === 'type' || w === 'policy' || w === 'devices' || w === 'device') {
        this.chainSpec(chain, [st], line)
        continue
      }
      if (w === 'comment' && st.length === 2) continue
      const last = this.toks[Math.max(0, this.pos - 1)]?.line ?? first.line
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
          if (n === null) this.fail(line, 'chain priority not understood')
          else chain.priority = n
        }
      } else if (w === 'policy') {
        const v = p[1]?.text
        if (v === 'accept' || v === 'drop') chain.policy = v
        else this.fail(line, `chain policy '${v ?? ''}' not understood`)
      } else if (w === 'devices' || w === 'device') {
        chain.devices = p.filter((t) => t.kind === 'word' || t.kind === 'str').slice(1).map((t) => t.text).filter((x) => x !== '=')
      } else if (w !== 'comment') this.fail(line, `chain setting '${w}' not understood`)
    }
  }

  setBody(table: NftTable, name: string, line: number): void {
    const body: Token[] = []
    let depth = 1
    while (this.pos < this.toks.length) {
      const t = this.toks[this.pos++]
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

  rule(st: Token[], line: number, lastLine: number): {line: number; text: string; stmts: Stmt[]; comment?: string} {
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

/** Elements of a `{ … }` starting after the `{` at index `start`; nested braces (from `$defines`) flatten. */
function setElements(toks: Token[], start: number): {items: string[]; end: number} {
  const items: string[] = []
  let cur: string[] = []
  let depth = 1
  let i = start
  for (; i < toks.length; i++) {
    const t = toks[i]
    if (t.kind === '{') {
      depth++
      continue
    }
    if (t.kind === '}') {
      if (--depth === 0) break
      continue
    }
    if (t.kind === ',' || t.kind === 'nl') {
      if (cur.length) items.push(cur.join(' '))
      cur = []
      continue
    }
    cur.push(t.text)
  }
  if (cur.length) items.push(cur.join(' '))
  // element options (`1.2.3.4 timeout 1h`, `counter packets 1 bytes 2`) are not part of the key
  return {items: items.map((e) => e.replace(/\s+(timeout|expires|counter|comment)\b.*$/, '')), end: i}
}

const VERDICT_WORDS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'queue'])
const STATEMENT_WORDS = new Set(['jump', 'goto', 'counter', 'log', 'comment', 'limit', 'quota', 'dnat', 'snat', 'redirect', 'masquerade', 'notrack', 'meta', 'ct', 'fib'])

function isKeyword(w: string): boolean {
  return VERDICT_WORDS.has(w) || STATEMENT_WORDS.has(w) || PAYLOAD.has(w) || BARE_META.has(w)
}

export function verdictOf(text: string): Verdict | null {
  const [w, target] = text.trim().split(/\s+/)
  if (VERDICT_WORDS.has(w)) return {kind: w as 'accept'}
  if ((w === 'jump' || w === 'goto') && target) return {kind: w, target}
  return null
}

/**
 * The statements of one rule. Never throws: what it cannot read becomes an `unknown` statement.
 */
export function parseRuleTokens(toks: Token[]): {stmts: Stmt[]; comment?: string} {
  const stmts: Stmt[] = []
  let comment: string | undefined
  let i = 0
  const word = (k = i) => (toks[k]?.kind === 'word' || toks[k]?.kind === 'str' ? toks[k].text : undefined)
  // the right side of a match: a set, a named set, or atoms (`established,related`)
  const value = (): Value | null => {
    const t = toks[i]
    if (!t) return null
    if (t.kind === '{') {
      const {items, end} = setElements(toks, i + 1)
      i = end + 1
      return {kind: 'atoms', items}
    }
    if (t.text.startsWith('@')) {
      i++
      return {kind: 'named', name: t.text.slice(1)}
    }
    if (t.kind !== 'word' && t.kind !== 'str') return null
    const items = [t.text]
    i++
    while (toks[i]?.kind === ',' && toks[i + 1] && (toks[i + 1].kind === 'word' || toks[i + 1].kind === 'str')) {
      items.push(toks[i + 1].text)
      i += 2
    }
    return {kind: 'atoms', items}
  }
  const skipArgs = (keys: Set<string>) => {
    while (i < toks.length && keys.has(word() ?? '')) i += 2
  }
  while (i < toks.length) {
    const w = word()
    if (w === undefined) {
      stmts.push({t: 'unknown', desc: `unexpected '${toks[i].text}'`})
      i++
      continue
    }
    if (VERDICT_WORDS.has(w)) {
      i++
      // reject with tcp reset | with icmp [type] port-unreachable | with icmpx [type] admin-prohibited
      if (w === 'reject' && word() === 'with') {
        i += 2
        if (word() === 'type') i++
        i++
      }
      if (w === 'queue') while (['num', 'bypass', 'fanout', 'flags', 'to'].includes(word() ?? '')) i += word() === 'num' || word() === 'flags' || word() === 'to' ? 2 : 1
      stmts.push({t: 'verdict', v: {kind: w as 'accept'}})
      continue
    }
    if (w === 'jump' || w === 'goto') {
      stmts.push({t: 'verdict', v: {kind: w, target: word(i + 1) ?? ''}})
      i += 2
      continue
    }
    if (w === 'counter') {
      i++
      if (word() === 'name') i += 2
      skipArgs(new Set(['packets', 'bytes']))
      stmts.push({t: 'harmless'})
      continue
    }
    if (w === 'log') {
      i++
      while (['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(word() ?? '')) {
        const k = word()
        i += 2
        if (k === 'flags') while (toks[i]?.kind === ',') i += 2
      }
      stmts.push({t: 'harmless'})
      continue
    }
    if (w === 'comment') {
      comment = word(i + 1)
      i += 2
      continue
    }
    if (w === 'limit' || w === 'quota') {
      i++
      if (word() === 'name') i += 2
      else {
        if (word() === 'rate') i++
        if (word() === 'over' || word() === 'until') i++
        i++ // N/second or N
        if (/^(bytes|kbytes|mbytes|second|minute|hour|day|week|\/)/.test(word() ?? '')) i++
        if (word() === 'burst') i += 3
        if (word() === 'used') i += 3
      }
      stmts.push({t: 'rate'})
      continue
    }
    if (w === 'dnat' || w === 'snat' || w === 'redirect' || w === 'masquerade') {
      i++
      if (word() === 'ip' || word() === 'ip6') i++
      const nat: Extract<Stmt, {t: 'nat'}> = {t: 'nat', kind: w}
      if (word() === 'to') {
        i++
        // `dnat to tcp dport map { 80 : 10.0.0.1 }`
        const mapAt = toks.findIndex((t, k) => k >= i && k < i + 4 && t.text === 'map')
        if (mapAt >= 0) {
          const field = toks.slice(i, mapAt).map((t) => t.text).join(' ')
          i = mapAt + 1
          const v = value()
          nat.map = {field, entries: v?.kind === 'named' ? {name: v.name} : (v?.items ?? []).map((e) => e.split(' : ', 2) as [string, string])}
        } else {
          const target = word() ?? ''
          i++
          // `redirect to :8080` and `redirect to 8080` both name a port
          if (target.startsWith(':')) nat.port = target.slice(1)
          else if (w === 'redirect' && /^\d/.test(target) && !target.includes('.')) nat.port = target
          else splitNatTarget(target, nat)
        }
      }
      while (['random', 'persistent', 'fully-random', 'netmap', 'prefix'].includes(word() ?? '') || toks[i]?.kind === ',') i++
      stmts.push(nat)
      continue
    }
    if (w === 'notrack' || w === 'flow' || w === 'synproxy' || w === 'dup' || w === 'fwd' || w === 'tproxy') {
      // non-terminating packet handling: the rest of the statement is its arguments
      stmts.push({t: w === 'notrack' ? 'harmless' : 'cond', desc: `${w} statement`} as Stmt)
      i++
      if (w !== 'notrack') while (i < toks.length && !VERDICT_WORDS.has(word() ?? '') && word() !== 'comment') i++
      continue
    }
    if ((w === 'add' || w === 'update' || w === 'delete') && word(i + 1)?.startsWith('@')) {
      // set updates from the datapath (`add @blackhole { ip saddr }`): bookkeeping, no match
      i += 2
      if (toks[i]?.kind === '{') i = setElements(toks, i + 1).end + 1
      stmts.push({t: 'harmless'})
      continue
    }
    // a match or a mangle statement: read the field
    let field: string
    if (w === 'meta') {
      field = `meta ${word(i + 1) ?? ''}`
      i += 2
    } else if (BARE_META.has(w)) {
      field = `meta ${w}`
      i += 1
    } else if (w === 'ct') {
      const dir = word(i + 1)
      if (dir === 'original' || dir === 'reply') {
        const proto = word(i + 2)
        field = proto === 'ip' || proto === 'ip6' ? `ct ${dir} ${proto} ${word(i + 3) ?? ''}` : `ct ${dir} ${proto ?? ''}`
        i += proto === 'ip' || proto === 'ip6' ? 4 : 3
      } else {
        field = `ct ${dir ?? ''}`
        i += 2
      }
    } else if (w === 'fib') {
      const start = i
      while (i < toks.length && !['oif', 'oifname', 'type'].includes(word() ?? '')) i++
      i++
      field = toks.slice(start, i).map((t) => t.text).join(' ')
    } else if (PAYLOAD.has(w)) {
      field = `${w} ${word(i + 1) ?? ''}`
      i += 2
      if (w === 'tcp' && field === 'tcp option') {
        field = `tcp option ${word() ?? ''}`
        i++
        if (word() === 'size' || word() === 'kind') i++
      }
    } else if (w.startsWith('@')) {
      field = w // raw payload `@nh,16,8`
      i++
      while (toks[i]?.kind === ',') i += 2
    } else {
      // skip its arguments: up to the next word that starts a known expression or statement
      stmts.push({t: 'unknown', desc: `unknown expression '${w}'`})
      i++
      while (i < toks.length && !isKeyword(word() ?? '')) i++
      continue
    }
    // a concatenation (`ip saddr . tcp dport`): several fields matched as a tuple
    let concat = false
    while (word() === '.') {
      concat = true
      i += 1
      i += word() === 'meta' || PAYLOAD.has(word() ?? '') ? 2 : 1
    }
    const next = word()
    if (next === 'set') {
      i++
      value()
      stmts.push({t: 'harmless'})
      continue
    }
    if (next === 'vmap') {
      i++
      const v = value()
      if (concat || !v) stmts.push({t: 'unknown', desc: `verdict map on '${field}' not expanded`})
      else
        stmts.push({
          t: 'vmap',
          field,
          entries: v.kind === 'named' ? {name: v.name} : v.items.map((e) => {
            const [k, verdict] = e.split(' : ', 2)
            return [k, verdictOf(verdict ?? '') ?? {kind: 'continue'}] as [string, Verdict]
          }),
        })
      continue
    }
    // bitwise forms (`tcp flags & (fin|syn) == (fin|syn)`, `ct mark and 0x1`) are conditions
    let bitwise = false
    while (['&', '|', '^', 'and', 'or', 'xor', '<<', '>>', '/'].includes(word() ?? '')) {
      bitwise = true
      i += 2
      while (toks[i]?.kind === ',') i += 2
    }
    let op = '=='
    if (next !== undefined && OPS.has(word() ?? '')) {
      op = word()!
      i++
    }
    const v = value()
    if (!v) {
      stmts.push({t: 'unknown', desc: `no value for '${field}'`})
      continue
    }
    // `tcp flags syn / syn,ack`: value under a mask
    if (word() === '/') {
      i++
      const mask = value()
      // SYN set and ACK clear is a connection opening: what we list anyway (as iptables --syn)
      const opening = field === 'tcp flags' && op === '==' && v.kind === 'atoms' && v.items.join() === 'syn' && mask?.kind === 'atoms' && mask.items.includes('ack')
      stmts.push(opening ? {t: 'harmless'} : {t: 'cond', desc: `${field} bits`})
      continue
    }
    if (bitwise || concat) {
      stmts.push({t: concat ? 'unknown' : 'cond', desc: concat ? `concatenated match on '${field} …' not expanded` : `${field} bits`})
      continue
    }
    stmts.push({t: 'match', m: {field, op: normaliseOp(op), value: v}})
  }
  return {stmts, comment}
}

function normaliseOp(op: string): string {
  return ({eq: '==', in: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>='} as Record<string, string>)[op] ?? op
}

/** `10.0.0.1`, `10.0.0.1:8080`, `10.0.0.1-10.0.0.9:80-81`, `[2001:db8::1]:80`, `2001:db8::1` */
function splitNatTarget(target: string, nat: {addr?: string; port?: string}): void {
  const br = /^\[([^\]]+)\](?::(.+))?$/.exec(target)
  if (br) {
    nat.addr = br[1]
    nat.port = br[2]
  } else if ((target.match(/:/g) ?? []).length === 1) {
    const k = target.indexOf(':')
    nat.addr = target.slice(0, k)
    nat.port = target.slice(k + 1)
  } else nat.addr = target
}

export function readNftText(text: string): TextResult {
  const lines = text.split('\n')
  const reader = new Reader(tokenize(text), lines)
  reader.top()
  let counted = 0
  for (const l of lines) {
    const t = l.trim()
    if (t !== '' && !t.startsWith('#') && t !== '}' && t !== '{') counted++
  }
  return {ruleset: reader.ruleset, unparsed: reader.unparsed, lines: counted}
}

