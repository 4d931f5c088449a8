/**
 * The statements of one nft rule (tokens → Stmt[]): matches, verdicts, verdict maps, NAT, and the
 * statements that do not change reach (counter, log, limit, mark set…).
 */
import type {Stmt, Value, Verdict} from './model.js'
import type {Token} from './tokens.js'

const OPS = new Set(['==', '!=', 'eq', 'ne', '<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge', 'in'])
/** Words that start a payload/meta expression and the words that may follow as its field. */
const PAYLOAD = new Set(['ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'igmp', 'ether', 'vlan', 'arp', 'ah', 'esp', 'comp', 'rt', 'socket', 'osf', 'ipsec', 'exthdr', 'frag', 'hbh', 'mh', 'dst', 'srh', 'tunnel', 'dccp', 'gre'])
const BARE_META = new Set(['iif', 'oif', 'iifname', 'oifname', 'mark', 'skuid', 'skgid', 'l4proto', 'nfproto', 'pkttype', 'iiftype', 'oiftype', 'length', 'priority', 'protocol', 'cpu', 'cgroup', 'day', 'hour', 'time', 'rtclassid', 'iifgroup', 'oifgroup', 'nftrace', 'secpath', 'ibrname', 'obrname', 'iifkind', 'oifkind', 'random', 'ipsec', 'sdif', 'sdifname', 'broute'])

/** Elements of a `{ … }` starting after the `{` at index `start`; nested braces (from `$defines`) flatten. */
export function setElements(toks: Token[], start: number): {items: string[]; end: number} {
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
  return {items: items.map(cutOptions), end: i}
}

const VERDICT_WORDS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'queue'])
const STATEMENT_WORDS = new Set(['jump', 'goto', 'counter', 'log', 'comment', 'limit', 'quota', 'dnat', 'snat', 'redirect', 'masquerade', 'notrack', 'meta', 'ct', 'fib'])

function isKeyword(w: string): boolean {
  return VERDICT_WORDS.has(w) || STATEMENT_WORDS.has(w) || PAYLOAD.has(w) || BARE_META.has(w)
}

// `ip saddr`, `tcp dport`, `meta iifname`: a rule base names a handful of fields; each is one string
// (not one per rule), bounded against junk input
const FIELDS = new Map<string, Map<string, string>>()
let fieldCount = 0

function fieldOf(head: string, key: string): string {
  let byKey = FIELDS.get(head)
  if (!byKey) FIELDS.set(head, (byKey = new Map()))
  let f = byKey.get(key)
  if (f === undefined) {
    f = `${head} ${key}`
    if (++fieldCount > 10_000) {
      FIELDS.clear()
      fieldCount = 0
    } else byKey.set(key, f)
  }
  return f
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
      stmts.push({t: 'unknown', desc: `unexpected '${toks[i].text}'`, code: 'malformed'})
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
      // nft 1.0: `dnat ip addr . port to …` says the map value is an address and a port
      if (word() === 'addr' && word(i + 1) === '.' && word(i + 2) === 'port') i += 3
      const nat: Extract<Stmt, {t: 'nat'}> = {t: 'nat', kind: w}
      if (word() === 'to') {
        i++
        // `dnat to tcp dport map { 80 : 10.0.0.1 }`, `dnat ip to ip daddr . tcp dport map @m`,
        // `dnat to numgen inc mod 2 map { … }`, `dnat to jhash ip saddr . tcp dport mod 2 map { … }`
        const mapAt = mapKeyword(toks, i)
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
      field = fieldOf('meta', word(i + 1) ?? '')
      i += 2
    } else if (BARE_META.has(w)) {
      field = fieldOf('meta', w)
      i += 1
    } else if (w === 'ct') {
      const dir = word(i + 1)
      if (dir === 'original' || dir === 'reply') {
        const proto = word(i + 2)
        field = proto === 'ip' || proto === 'ip6' ? `ct ${dir} ${proto} ${word(i + 3) ?? ''}` : `ct ${dir} ${proto ?? ''}`
        i += proto === 'ip' || proto === 'ip6' ? 4 : 3
      } else {
        field = fieldOf('ct', dir ?? '')
        i += 2
      }
    } else if (w === 'fib') {
      const start = i
      while (i < toks.length && !['oif', 'oifname', 'type'].includes(word() ?? '')) i++
      i++
      field = toks.slice(start, i).map((t) => t.text).join(' ')
    } else if (PAYLOAD.has(w)) {
      field = fieldOf(w, word(i + 1) ?? '')
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
      stmts.push({t: 'unknown', desc: `unknown expression '${w}'`, code: 'unknown-statement'})
      i++
      while (i < toks.length && !isKeyword(word() ?? '')) i++
      continue
    }
    // a concatenation (`ip saddr . tcp dport`): several fields matched as a tuple
    let concat = false
    const fields = [field]
    while (word() === '.') {
      concat = true
      i += 1
      const head = word() ?? ''
      const two = head === 'meta' || head === 'ct' || PAYLOAD.has(head)
      fields.push(head === 'meta' ? `meta ${word(i + 1) ?? ''}` : two ? `${head} ${word(i + 1) ?? ''}` : BARE_META.has(head) ? `meta ${head}` : head)
      i += two ? 2 : 1
    }
    const next = word()
    if (next === 'set') {
      i++
      // the new value may come from a map: `meta mark set tcp dport map { 22 : 0x1 }`
      const mapAt = mapKeyword(toks, i)
      const from = word() ?? ''
      if (mapAt >= 0) {
        i = mapAt + 1
        value()
      } else if (from === 'meta' || from === 'ct' || PAYLOAD.has(from)) i += 2 // copied from another field: `ct secmark set meta secmark`
      else value()
      stmts.push({t: 'harmless'})
      continue
    }
    if (next === 'vmap') {
      i++
      const v = value()
      if (concat || !v) stmts.push({t: 'unknown', desc: `verdict map on '${field}' not expanded`, code: 'unsupported'})
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
      stmts.push({t: 'unknown', desc: `no value for '${field}'`, code: 'malformed'})
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
    if (concat && !bitwise) {
      stmts.push({t: 'tuples', fields, op: normaliseOp(op), value: v})
      continue
    }
    if (bitwise || concat) {
      stmts.push(concat ? {t: 'unknown', desc: `concatenated match on '${field} …' not expanded`, code: 'unsupported'} : {t: 'cond', desc: `${field} bits`})
      continue
    }
    stmts.push({t: 'match', m: {field, op: normaliseOp(op), value: v}})
  }
  return {stmts, comment}
}

/** Index of the `map` ending a key expression that starts at `i` (`ip daddr . tcp dport map`), or -1. */
function mapKeyword(toks: Token[], i: number): number {
  for (let k = i; k < toks.length && k < i + 16 && (toks[k].kind === 'word' || toks[k].kind === 'str'); k++) if (toks[k].text === 'map') return k
  return -1
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

/** A set element without its options (`1.2.3.4 timeout 1h counter` → `1.2.3.4`), by words: a regex over the blanks is quadratic. */
function cutOptions(element: string): string {
  const parts = element.split(/(\s+)/)
  const at = parts.findIndex((p, i) => i > 0 && i % 2 === 0 && /^(?:timeout|expires|counter|comment)\b/.test(p))
  return at < 0 ? element : parts.slice(0, at - 1).join('')
}
