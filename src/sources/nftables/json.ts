/**
 * `nft -j list ruleset` → NftRuleset. The `nftables` array holds metainfo/table/chain/set/map/rule
 * objects (libnftables-json(5)); rule `expr` lists become the same statements the text reader makes.
 */
import {redactLine} from '../redact.js'
import type {Unparsed} from '../types.js'
import {chainOf, type NftFamily, type NftRuleset, type NftSet, parsePriority, type Stmt, tableOf, type Value, type Verdict} from './model.js'

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}
type Obj = {[k: string]: Json}

export interface JsonResult {
  ruleset: NftRuleset
  unparsed: Unparsed[]
  lines: number
}

const isObj = (x: Json | undefined): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)
const str = (x: Json | undefined): string => (typeof x === 'string' || typeof x === 'number' ? String(x) : '')

/** Line of each top-level object of the `nftables` array: found by scanning brace depth once (linear). */
function objectLines(text: string): number[] {
  const out: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let arrayDepth = -1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') line++
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') {
      inString = true
      if (arrayDepth < 0 && text.startsWith('"nftables"', i)) arrayDepth = -2 // the next '[' opens the list
      continue
    }
    if (c === '[' || c === '{') {
      if (c === '[' && arrayDepth === -2) arrayDepth = depth + 1
      else if (c === '{' && depth === arrayDepth) out.push(line)
      depth++
    } else if (c === ']' || c === '}') depth--
  }
  return out
}

/** A JSON expression as text, for rule text and cond descriptions. */
function exprText(x: Json | undefined): string {
  if (x === null || x === undefined) return ''
  if (typeof x !== 'object') return String(x)
  if (Array.isArray(x)) return x.map(exprText).join(', ')
  if (isObj(x.payload)) return x.payload.protocol !== undefined ? `${str(x.payload.protocol)} ${str(x.payload.field)}` : '@payload'
  if (isObj(x.meta)) return `meta ${str(x.meta.key)}`
  if (isObj(x.ct)) return `ct ${x.ct.dir ? `${str(x.ct.dir)} ` : ''}${x.ct.family ? `${str(x.ct.family)} ` : ''}${str(x.ct.key)}`
  if (isObj(x.prefix)) return `${str(x.prefix.addr)}/${str(x.prefix.len)}`
  if (Array.isArray(x.range)) return `${exprText(x.range[0])}-${exprText(x.range[1])}`
  if (x.set !== undefined) return `{ ${Array.isArray(x.set) ? x.set.map(exprText).join(', ') : exprText(x.set)} }`
  if (isObj(x.elem)) return exprText(x.elem.val)
  const k = Object.keys(x)[0]
  return k ?? ''
}

function fieldOf(left: Json | undefined): string | null {
  if (!isObj(left)) return null
  if (isObj(left.payload) && left.payload.protocol !== undefined) return `${str(left.payload.protocol)} ${str(left.payload.field)}`
  if (isObj(left.meta)) return `meta ${str(left.meta.key)}`
  if (isObj(left.ct)) {
    const {dir, family, key} = left.ct
    if (dir) return family ? `ct ${str(dir)} ${str(family)} ${str(key)}` : `ct ${str(dir)} ${str(key)}`
    return `ct ${str(key)}`
  }
  return null
}

function atom(x: Json | undefined): string | null {
  if (typeof x === 'string' || typeof x === 'number') return String(x)
  if (isObj(x)) {
    if (isObj(x.prefix)) return `${str(x.prefix.addr)}/${str(x.prefix.len)}`
    if (Array.isArray(x.range)) return `${atom(x.range[0])}-${atom(x.range[1])}`
    if (isObj(x.elem)) return atom(x.elem.val)
    // a tuple (`10.0.0.1 . 22`), spelled as the text reader does
    if (Array.isArray(x.concat)) {
      const parts = x.concat.map((p) => atom(p))
      return parts.every((p) => p !== null) ? parts.join(' . ') : null
    }
  }
  return null
}

/** A map key: a field, a concatenation of fields, or a numgen/jhash load-balancing selector. */
function keyOf(x: Json | undefined): string | null {
  if (isObj(x) && Array.isArray(x.concat)) {
    const fields = x.concat.map((p) => fieldOf(p))
    return fields.every((f) => f !== null) ? fields.join(' . ') : null
  }
  if (isObj(x) && isObj(x.numgen)) return `numgen ${str(x.numgen.mode)} mod ${str(x.numgen.mod)}`
  if (isObj(x) && isObj(x.jhash)) return `jhash mod ${str(x.jhash.mod)}`
  if (isObj(x) && isObj(x.symhash)) return `symhash mod ${str(x.symhash.mod)}`
  return fieldOf(x)
}

function valueOf(right: Json | undefined): Value | null {
  if (typeof right === 'string' && right.startsWith('@')) return {kind: 'named', name: right.slice(1)}
  // `ct state { established, related }` and flag lists come as arrays or sets
  const list = isObj(right) && right.set !== undefined ? right.set : right
  const items = Array.isArray(list) ? list : [list]
  const out: string[] = []
  for (const it of items) {
    const a = atom(it as Json)
    if (a === null) return null
    out.push(a)
  }
  return {kind: 'atoms', items: out}
}

function verdictJson(x: Json | undefined): Verdict | null {
  if (!isObj(x)) return null
  for (const k of ['accept', 'drop', 'reject', 'return', 'continue', 'queue'] as const) if (k in x) return {kind: k}
  for (const k of ['jump', 'goto'] as const) if (isObj(x[k])) return {kind: k, target: str((x[k] as Obj).target)}
  return null
}

/** One `expr` item → statement (libnftables-json(5), STATEMENTS). */
function stmtOf(e: Json): Stmt {
  if (!isObj(e)) return {t: 'unknown', desc: 'expression is not an object', code: 'malformed'}
  const v = verdictJson(e)
  if (v) return {t: 'verdict', v}
  if (isObj(e.match)) {
    const {op, left, right} = e.match
    const field = fieldOf(left)
    if (field === null) {
      if (isObj(left) && isObj(left.fib)) return {t: 'cond', desc: `fib ${exprText(left.fib.flags)} ${str(left.fib.result)}`}
      if (isObj(left) && (left['&'] !== undefined || left['|'] !== undefined)) {
        const [what, mask] = Array.isArray(left['&']) ? left['&'] : []
        // `tcp flags & (syn | ack) == syn`: a connection opening, what we list anyway (as the text reader)
        const maskFlags = Array.isArray(mask) ? mask.map(str) : [str(mask)]
        if (fieldOf(what) === 'tcp flags' && str(op) === '==' && right === 'syn' && maskFlags.includes('ack')) return {t: 'harmless'}
        return {t: 'cond', desc: `${fieldOf(what) ?? exprText((left['&'] ?? left['|']) as Json)} bits`}
      }
      if (isObj(left) && Array.isArray(left.concat)) {
        const fields = left.concat.map((p) => fieldOf(p))
        const value = valueOf(right)
        if (!value || fields.some((f) => f === null)) return {t: 'unknown', desc: 'concatenated match not expanded', code: 'unsupported'}
        const o = str(op)
        return {t: 'tuples', fields: fields as string[], op: o === 'in' || o === 'eq' ? '==' : o === 'ne' ? '!=' : o || '==', value}
      }
      return {t: 'unknown', desc: `unknown match on '${exprText(left)}'`, code: 'unknown-statement'}
    }
    const value = valueOf(right)
    if (!value) return {t: 'cond', desc: `${field} ${exprText(right)}`}
    const o = str(op)
    return {t: 'match', m: {field, op: o === 'in' || o === 'eq' ? '==' : o === 'ne' ? '!=' : o || '==', value}}
  }
  if ('counter' in e || 'log' in e || 'notrack' in e || 'mangle' in e || isObj(e.set) || 'meta' in e) return {t: 'harmless'}
  if ('limit' in e || 'quota' in e) return {t: 'rate'}
  if (isObj(e.vmap)) {
    const field = fieldOf(e.vmap.key)
    const data = e.vmap.data
    if (!field) return {t: 'unknown', desc: 'verdict map key not understood', code: 'unsupported'}
    if (typeof data === 'string' && data.startsWith('@')) return {t: 'vmap', field, entries: {name: data.slice(1)}}
    const items = isObj(data) && Array.isArray(data.set) ? data.set : []
    const entries: Array<[string, Verdict]> = []
    for (const it of items) {
      if (!Array.isArray(it)) continue
      const k = atom(it[0])
      const vv = verdictJson(it[1])
      if (k !== null && vv) entries.push([k, vv])
    }
    return {t: 'vmap', field, entries}
  }
  for (const kind of ['dnat', 'snat', 'redirect', 'masquerade'] as const) {
    if (!(kind in e)) continue
    const n = isObj(e[kind]) ? (e[kind] as Obj) : {}
    const nat: Extract<Stmt, {t: 'nat'}> = {t: 'nat', kind}
    const addr = n.addr
    if (isObj(addr) && isObj(addr.map)) {
      const field = keyOf(addr.map.key) ?? ''
      const data = addr.map.data
      if (typeof data === 'string' && data.startsWith('@')) nat.map = {field, entries: {name: data.slice(1)}}
      else {
        const items = isObj(data) && Array.isArray(data.set) ? data.set : []
        nat.map = {field, entries: items.filter(Array.isArray).map((it) => [atom((it as Json[])[0]) ?? '', atom((it as Json[])[1]) ?? ''] as [string, string])}
      }
    } else if (addr !== undefined) nat.addr = atom(addr) ?? undefined
    if (n.port !== undefined) nat.port = atom(n.port) ?? undefined
    return nat
  }
  if ('xt' in e) return {t: 'unknown', desc: 'iptables-nft compat expression (xt) not understood', code: 'unsupported'}
  const k = Object.keys(e)[0] ?? ''
  if (['flow', 'synproxy', 'dup', 'fwd', 'tproxy', 'queue', 'ct helper', 'ct timeout', 'ct expectation', 'secmark'].includes(k)) return {t: 'harmless'}
  return {t: 'unknown', desc: `unknown statement '${k}'`, code: 'unknown-statement'}
}

function ruleText(family: string, table: string, chain: string, expr: Json[], comment?: string): string {
  const parts = expr.map((e) => {
    if (!isObj(e)) return ''
    if (isObj(e.match)) return `${exprText(e.match.left)} ${str(e.match.op) === '==' || str(e.match.op) === 'in' ? '' : `${str(e.match.op)} `}${exprText(e.match.right)}`
    const k = Object.keys(e)[0] ?? ''
    if (isObj(e[k]) && (k === 'jump' || k === 'goto')) return `${k} ${str((e[k] as Obj).target)}`
    return k
  })
  return redactLine(`add rule ${family} ${table} ${chain} ${parts.filter(Boolean).join(' ')}${comment ? ` comment "${comment}"` : ''}`)
}

export function readNftJson(doc: Json, text: string): JsonResult {
  const ruleset: NftRuleset = new Map()
  const unparsed: Unparsed[] = []
  const list = isObj(doc) && Array.isArray(doc.nftables) ? doc.nftables : []
  const lines = objectLines(text)
  const pending: Array<{o: Obj; line: number}> = []
  list.forEach((item, k) => {
    const line = lines[k] ?? 1
    if (!isObj(item)) return unparsed.push({line, code: 'malformed', reason: 'not an object', text: ''})
    const kind = Object.keys(item)[0]
    const o = item[kind]
    if (!isObj(o)) {
      if (kind !== 'metainfo') unparsed.push({line, code: 'malformed', reason: `'${kind}' is not an object`, text: kind, path: `/nftables/${k}`})
      return
    }
    const family = str(o.family) as NftFamily
    switch (kind) {
      case 'metainfo':
        return
      case 'table':
        tableOf(ruleset, family, str(o.name), line)
        return
      case 'chain': {
        const c = chainOf(tableOf(ruleset, family, str(o.table), line), str(o.name), line)
        c.line = line
        if (o.hook !== undefined) {
          c.type = str(o.type)
          c.hook = str(o.hook)
          const prio = typeof o.prio === 'number' ? o.prio : parsePriority(str(o.prio))
          c.priority = prio ?? 0
          if (o.policy === 'accept' || o.policy === 'drop') c.policy = o.policy
          const dev = o.dev ?? o.device
          if (dev !== undefined) c.devices = (Array.isArray(dev) ? dev : [dev]).map((d) => str(d))
          c.text = redactLine(`chain ${family} ${str(o.table)} ${str(o.name)} { type ${c.type} hook ${c.hook} priority ${str(o.prio)}; policy ${c.policy ?? 'accept'}; }`)
        }
        return
      }
      case 'set':
      case 'map': {
        const t = tableOf(ruleset, family, str(o.table), line)
        const flags = Array.isArray(o.flags) ? o.flags.map(str) : []
        const dynamic = flags.includes('dynamic') || flags.includes('timeout') || o.timeout !== undefined
        const elem = Array.isArray(o.elem) ? o.elem : null
        const set: NftSet = {name: str(o.name), line, elements: elem ? [] : dynamic ? null : [], dynamic}
        if (elem) {
          for (const el of elem) {
            if (Array.isArray(el)) {
              const key = atom(el[0]) ?? ''
              set.elements!.push(key)
              const vv = verdictJson(el[1])
              ;(set.entries ??= []).push([key, vv ? (vv.kind === 'jump' || vv.kind === 'goto' ? `${vv.kind} ${vv.target}` : vv.kind) : atom(el[1]) ?? ''])
            } else {
              const a = atom(el)
              if (a !== null) set.elements!.push(a)
            }
          }
        }
        t.sets.set(set.name, set)
        return
      }
      case 'rule':
        pending.push({o, line})
        return
      case 'element': {
        const t = tableOf(ruleset, family, str(o.table), line)
        const s = t.sets.get(str(o.name))
        if (s && Array.isArray(o.elem)) s.elements = [...(s.elements ?? []), ...o.elem.map((e) => atom(e) ?? '')]
        return
      }
      case 'flowtable':
      case 'counter':
      case 'quota':
      case 'ct helper':
      case 'ct timeout':
      case 'ct expectation':
      case 'limit':
      case 'secmark':
      case 'synproxy':
        return
      default:
        unparsed.push({line, code: 'unknown-statement', reason: `unknown object '${kind}'`, text: kind, path: `/nftables/${k}`})
    }
  })
  // rules last, so sets and chains declared after them in the list are known
  for (const {o, line} of pending) {
    const family = str(o.family) as NftFamily
    const t = tableOf(ruleset, family, str(o.table), line)
    const c = chainOf(t, str(o.chain), line)
    const expr = Array.isArray(o.expr) ? o.expr : []
    const comment = typeof o.comment === 'string' ? redactLine(o.comment) : undefined
    c.rules.push({line, text: ruleText(family, str(o.table), str(o.chain), expr, comment), stmts: expr.map(stmtOf), comment})
  }
  return {ruleset, unparsed, lines: list.length}
}
