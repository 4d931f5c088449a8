/**
 * Seeded generator of netfilter rulesets for the kernel differential suite. One abstract ruleset is
 * rendered as iptables-save (+ ipset) or as an nftables file, and says which features it uses and where
 * its rules' boxes are, so the probes can be aimed at every box corner.
 *
 * Address pools (documentation ranges only, each an offset 0..255 in one /24 or one /120):
 *   src   — where probes come from (192.0.2.0/24, 2001:db8:1::/120), arriving on `wan0`;
 *   local — the ruleset host's own addresses (203.0.113.0/24, 2001:db8:f::/120): the input hook;
 *   fwd   — behind the host (198.51.100.0/24, 2001:db8:2::/120): the forward hook.
 */
export type Fam = 4 | 6
export type Pool = 'src' | 'local' | 'fwd'
export type Proto = 'tcp' | 'udp' | 'icmp'
export type Hook = 'input' | 'forward'

export const FEATURES = [
  'user-chain', 'return', 'goto', 'vmap', 'set', 'negation', 'multiport', 'iprange', 'conntrack', 'dnat-forward', 'ipv6', 'two-base-chains',
] as const
export type Feature = (typeof FEATURES)[number]

const POOL_BASE: Record<Fam, Record<Pool, string>> = {
  4: {src: '192.0.2.', local: '203.0.113.', fwd: '198.51.100.'},
  6: {src: '2001:db8:1::', local: '2001:db8:f::', fwd: '2001:db8:2::'},
}

export function address(fam: Fam, pool: Pool, offset: number): string {
  return fam === 4 ? `${POOL_BASE[4][pool]}${offset}` : `${POOL_BASE[6][pool]}${offset.toString(16)}`
}

/** Offsets lo..hi of one pool; `style` says how the rule writes it. */
export interface AddrRange {
  pool: Pool
  lo: number
  hi: number
  style: 'cidr' | 'range' | 'set'
  /** set name (style `set`) */
  set?: string
}

export interface Match {
  fam?: Fam
  proto?: Proto
  src?: AddrRange
  srcNeg?: boolean
  dst?: AddrRange
  dstNeg?: boolean
  /** destination port ranges; more than one = multiport / anonymous set */
  ports?: Array<[number, number]>
  portNeg?: boolean
  ct?: 'new' | 'established' | 'invalid'
  iif?: 'wan0' | 'lan0'
  iifNeg?: boolean
}

export type Verdict =
  | {k: 'accept' | 'drop' | 'return'}
  | {k: 'jump' | 'goto'; target: string}
  /** nftables `tcp dport vmap { … }` (rendered as one rule per entry for iptables) */
  | {k: 'vmap'; entries: Array<[number, Verdict]>}

export interface Rule {
  m: Match
  v: Verdict
}

export interface Chain {
  name: string
  rules: Rule[]
  hook?: Hook
  policy?: 'accept' | 'drop'
  /** second base chain on a hook: nft priority; iptables renders it in the mangle table */
  extra?: boolean
}

export interface Dnat {
  fam: Fam
  proto: 'tcp' | 'udp'
  dst: number
  port: number
  to: number
  toPort: number
}

export interface AbstractRuleset {
  fams: Fam[]
  chains: Chain[]
  dnats: Dnat[]
  sets: Array<{name: string; fam: Fam; elems: AddrRange[]}>
}

export interface Generated {
  name: string
  format: 'iptables' | 'nftables'
  features: Set<Feature>
  abstract: AbstractRuleset
  /** what the tool parses */
  text: string
  /** what the kernel loads */
  files: Record<string, string>
}

/** mulberry32: small, seedable, good enough to pick rules */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Pick {
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.r() < p
  }
  one<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]
  }
}

const PORTS = [22, 25, 53, 80, 123, 443, 993, 3306, 5432, 8080, 8443]

function addrRange(p: Pick, pool: Pool, style: AddrRange['style']): AddrRange {
  if (style === 'cidr') {
    const bits = p.int(0, 5)
    const size = 1 << bits
    const lo = p.int(1, Math.floor(250 / size) - 1) * size
    return {pool, lo, hi: lo + size - 1, style}
  }
  const lo = p.int(4, 200)
  return {pool, lo, hi: Math.min(lo + p.int(0, 40), 250), style}
}

function portRanges(p: Pick, multi: boolean): Array<[number, number]> {
  const one = (): [number, number] => {
    if (p.chance(0.6)) {
      const x = p.one(PORTS)
      return [x, x]
    }
    const lo = p.int(1000, 9000)
    return [lo, lo + p.int(1, 20)]
  }
  if (!multi) return [one()]
  const out = new Map<number, [number, number]>()
  for (let i = p.int(2, 4); i > 0; i--) {
    const r = one()
    out.set(r[0], r)
  }
  // disjoint and sorted, as both syntaxes want them
  const sorted = [...out.values()].sort((a, b) => a[0] - b[0])
  return sorted.filter((r, i) => i === 0 || r[0] > sorted[i - 1][1] + 1)
}

/** One ruleset: `want` features are forced in, others appear by chance. */
export function generate(seed: number, index: number, format: 'iptables' | 'nftables', want: Set<Feature>): Generated {
  const p = new Pick(rng(seed * 1000 + index))
  const has = (f: Feature, chance = 0.25) => want.has(f) || p.chance(chance)
  const features = new Set<Feature>()
  const use = (f: Feature) => features.add(f)
  const v6 = has('ipv6', 0.3)
  const fams: Fam[] = v6 ? (p.chance(0.5) ? [6] : [4, 6]) : [4]
  if (v6) use('ipv6')
  const sets: AbstractRuleset['sets'] = []
  const chains: Chain[] = []
  const dnats: Dnat[] = []

  const match = (hookPool: Pool | null, allowCt = true): Match => {
    const m: Match = {}
    const fam = p.one(fams)
    const r = p.r()
    m.proto = r < 0.45 ? 'tcp' : r < 0.75 ? 'udp' : r < 0.85 ? 'icmp' : undefined
    if (m.proto === 'icmp') m.fam = fam
    if (p.chance(0.55)) {
      let style: AddrRange['style'] = p.chance(0.7) ? 'cidr' : 'range'
      if (has('set', 0.1) && p.chance(0.4)) style = 'set'
      if (style === 'range' && format === 'iptables') use('iprange')
      if (style === 'range' && format === 'nftables') use('iprange')
      m.src = addrRange(p, 'src', style)
      m.fam = fam
      if (style === 'set') {
        const name = `s${sets.length}`
        const elems = [{...m.src, style: 'range' as const}, addrRange(p, 'src', 'cidr')]
        sets.push({name, fam, elems})
        m.src = {...m.src, style: 'set', set: name, lo: Math.min(...elems.map((e) => e.lo)), hi: Math.max(...elems.map((e) => e.hi))}
        use('set')
      }
      if (has('negation', 0.1) && p.chance(0.3)) {
        m.srcNeg = true
        use('negation')
      }
    }
    if (hookPool && p.chance(0.4)) {
      const style = p.chance(0.8) ? 'cidr' : 'range'
      if (style === 'range') use('iprange')
      m.dst = addrRange(p, hookPool, style)
      m.fam = fam
      if (has('negation', 0.05) && p.chance(0.2)) {
        m.dstNeg = true
        use('negation')
      }
    }
    if (m.proto === 'tcp' || m.proto === 'udp') {
      if (p.chance(0.8)) {
        const multi = has('multiport', 0.15) && p.chance(0.4)
        m.ports = portRanges(p, multi)
        if (m.ports.length > 1) use('multiport')
        if (has('negation', 0.05) && p.chance(0.2)) {
          m.portNeg = true
          use('negation')
        }
      }
    }
    if (allowCt && has('conntrack', 0.2) && p.chance(0.25)) {
      m.ct = 'new'
      use('conntrack')
    }
    if (p.chance(0.12)) {
      m.iif = p.chance(0.6) ? 'wan0' : 'lan0'
      if (p.chance(0.3)) {
        m.iifNeg = true
        use('negation')
      }
    }
    return m
  }

  const verdict = (): Verdict => (p.chance(0.6) ? {k: 'accept'} : {k: 'drop'})

  const userChains: Chain[] = []
  if (has('user-chain', 0.3) || want.has('return') || want.has('goto')) {
    for (let i = p.int(1, 2); i > 0; i--) {
      const c: Chain = {name: `u${userChains.length}`, rules: []}
      for (let k = p.int(1, 4); k > 0; k--) {
        const pool: Pool = p.one(['local', 'fwd'] as const)
        if (has('return', 0.2) && p.chance(0.35)) {
          c.rules.push({m: match(pool), v: {k: 'return'}})
          use('return')
        } else c.rules.push({m: match(pool), v: verdict()})
      }
      userChains.push(c)
    }
    use('user-chain')
  }

  const base = (hook: Hook): Chain => {
    const pool: Pool = hook === 'input' ? 'local' : 'fwd'
    const c: Chain = {name: hook, hook, policy: p.chance(0.55) ? 'drop' : 'accept', rules: []}
    if (has('conntrack', 0.3) && p.chance(0.6)) {
      c.rules.push({m: {ct: 'established'}, v: {k: 'accept'}})
      if (p.chance(0.5)) c.rules.push({m: {ct: 'invalid'}, v: {k: 'drop'}})
      use('conntrack')
    }
    for (let k = p.int(2, 6); k > 0; k--) {
      const roll = p.r()
      if (userChains.length && roll < 0.3) {
        const target = p.one(userChains).name
        const go = (want.has('goto') || p.chance(0.2)) && p.chance(0.5)
        c.rules.push({m: match(pool), v: {k: go ? 'goto' : 'jump', target}})
        if (go) use('goto')
      } else if (format === 'nftables' && has('vmap', 0.15) && roll < 0.45) {
        const entries: Array<[number, Verdict]> = []
        for (const port of new Set([p.one(PORTS), p.one(PORTS), p.one(PORTS)])) {
          entries.push([port, userChains.length && p.chance(0.3) ? {k: 'jump', target: p.one(userChains).name} : verdict()])
        }
        c.rules.push({m: {proto: p.one(['tcp', 'udp'] as const)}, v: {k: 'vmap', entries: entries.sort((a, b) => a[0] - b[0])}})
        use('vmap')
      } else if (roll < 0.55 && c.policy === 'accept' && p.chance(0.4)) {
        // return in a base chain: the policy decides
        c.rules.push({m: match(pool), v: {k: 'return'}})
        use('return')
      } else c.rules.push({m: match(pool), v: verdict()})
    }
    // vmap wanted but not drawn: force one (the rolls above leave it out of ~1 wanted ruleset in 4)
    if (format === 'nftables' && want.has('vmap') && !features.has('vmap')) {
      const entries: Array<[number, Verdict]> = [...new Set([p.one(PORTS), p.one(PORTS)])].sort((a, b) => a - b).map((port) => [port, verdict()])
      c.rules.splice(p.int(0, c.rules.length), 0, {m: {proto: p.one(['tcp', 'udp'] as const)}, v: {k: 'vmap', entries}})
      use('vmap')
    }
    // goto wanted but not drawn: force one
    if (want.has('goto') && !features.has('goto') && userChains.length) {
      c.rules.splice(p.int(0, c.rules.length), 0, {m: match(pool), v: {k: 'goto', target: userChains[0].name}})
      use('goto')
    }
    return c
  }

  const input = base('input')
  const forward = base('forward')
  chains.push(input, forward, ...userChains)
  if (want.has('return') && !features.has('return')) {
    userChains[0]?.rules.unshift({m: match('local'), v: {k: 'return'}})
    use('return')
  }

  if (has('two-base-chains', 0.2)) {
    const hook: Hook = p.chance(0.5) ? 'input' : 'forward'
    const extra: Chain = {name: `${hook}2`, hook, policy: 'accept', extra: true, rules: []}
    for (let k = p.int(1, 3); k > 0; k--) extra.rules.push({m: match(hook === 'input' ? 'local' : 'fwd', false), v: {k: 'drop'}})
    chains.push(extra)
    use('two-base-chains')
  }

  if (has('dnat-forward', 0.2)) {
    for (let k = p.int(1, 2); k > 0; k--) {
      const fam = p.one(fams)
      const d: Dnat = {fam, proto: p.chance(0.7) ? 'tcp' : 'udp', dst: p.int(10, 240), port: p.int(8000, 8100), to: p.int(10, 240), toPort: p.one([80, 443, 8080])}
      dnats.push(d)
      // the forward rule for it: sometimes exact, sometimes a neighbouring port (a dead forward)
      const port = p.chance(0.7) ? d.toPort : d.toPort + 1
      forward.rules.splice(p.int(0, forward.rules.length), 0, {
        m: {fam, proto: d.proto, dst: {pool: 'fwd', lo: d.to, hi: d.to, style: 'cidr'}, ports: [[port, port]]},
        v: {k: 'accept'},
      })
    }
    use('dnat-forward')
  }

  const abstract: AbstractRuleset = {fams, chains, dnats, sets}
  const name = `${format}-${String(index).padStart(2, '0')}`
  if (format === 'iptables') {
    const files: Record<string, string> = {}
    const parts: string[] = []
    for (const fam of fams) {
      const text = renderIptables(abstract, fam)
      files[fam === 4 ? 'ruleset.v4' : 'ruleset.v6'] = text
      parts.push(text)
    }
    const ipset = renderIpset(abstract)
    if (ipset) files['ruleset.ipset'] = ipset
    return {name, format, features, abstract, text: parts.join(''), files}
  }
  const text = renderNft(abstract)
  return {name, format, features, abstract, text, files: {'ruleset.nft': text}}
}

// ---------------------------------------------------------------------------------------------------
// rendering

function cidr(fam: Fam, r: AddrRange): string {
  const size = r.hi - r.lo + 1
  const len = (fam === 4 ? 32 : 128) - Math.log2(size)
  return `${address(fam, r.pool, r.lo)}/${len}`
}

function iptMatch(m: Match, fam: Fam): string[] {
  const out: string[] = []
  if (m.iif) out.push(...(m.iifNeg ? ['!', '-i', m.iif] : ['-i', m.iif]))
  const addr = (r: AddrRange, neg: boolean | undefined, dir: 'src' | 'dst') => {
    const bang = neg ? ['!'] : []
    if (r.style === 'set') out.push('-m', 'set', ...bang, '--match-set', r.set!, dir)
    else if (r.style === 'range') out.push('-m', 'iprange', ...bang, `--${dir}-range`, `${address(fam, r.pool, r.lo)}-${address(fam, r.pool, r.hi)}`)
    else out.push(...bang, dir === 'src' ? '-s' : '-d', cidr(fam, r))
  }
  if (m.src) addr(m.src, m.srcNeg, 'src')
  if (m.dst) addr(m.dst, m.dstNeg, 'dst')
  if (m.proto) out.push('-p', m.proto === 'icmp' ? (fam === 4 ? 'icmp' : 'ipv6-icmp') : m.proto)
  if (m.ports) {
    const bang = m.portNeg ? ['!'] : []
    const text = m.ports.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`))
    if (m.ports.length > 1) out.push('-m', 'multiport', ...bang, '--dports', text.join(','))
    else out.push('-m', m.proto!, ...bang, '--dport', text[0])
  }
  if (m.ct) out.push('-m', 'conntrack', '--ctstate', m.ct === 'new' ? 'NEW' : m.ct === 'established' ? 'RELATED,ESTABLISHED' : 'INVALID')
  return out
}

const applies = (m: Match, fam: Fam) => m.fam === undefined || m.fam === fam

function renderIptables(a: AbstractRuleset, fam: Fam): string {
  const lines: string[] = [`# Generated by ${fam === 4 ? 'iptables' : 'ip6tables'}-save v1.8.9`]
  const verdictArgs = (v: Verdict): string[] =>
    v.k === 'jump' ? ['-j', v.target] : v.k === 'goto' ? ['-g', v.target] : v.k === 'vmap' ? [] : ['-j', v.k.toUpperCase()]
  const ruleLines = (chain: string, rules: Rule[]): string[] => {
    const out: string[] = []
    for (const r of rules) {
      if (!applies(r.m, fam)) continue
      if (r.v.k === 'vmap') {
        for (const [port, v] of r.v.entries) out.push(['-A', chain, ...iptMatch({...r.m, ports: [[port, port]]}, fam), ...verdictArgs(v)].join(' '))
      } else out.push(['-A', chain, ...iptMatch(r.m, fam), ...verdictArgs(r.v)].join(' '))
    }
    return out
  }
  const extras = a.chains.filter((c) => c.extra)
  if (extras.length) {
    lines.push('*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]')
    for (const c of extras) lines.push(...ruleLines(c.hook === 'input' ? 'INPUT' : 'FORWARD', c.rules))
    lines.push('COMMIT')
  }
  const dnats = a.dnats.filter((d) => d.fam === fam)
  if (dnats.length) {
    lines.push('*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]')
    for (const d of dnats) {
      const to = fam === 4 ? `${address(4, 'fwd', d.to)}:${d.toPort}` : `[${address(6, 'fwd', d.to)}]:${d.toPort}`
      lines.push(`-A PREROUTING -d ${address(fam, 'local', d.dst)}/${fam === 4 ? 32 : 128} -p ${d.proto} -m ${d.proto} --dport ${d.port} -j DNAT --to-destination ${to}`)
    }
    lines.push('COMMIT')
  }
  const input = a.chains.find((c) => c.hook === 'input' && !c.extra)!
  const forward = a.chains.find((c) => c.hook === 'forward' && !c.extra)!
  lines.push('*filter', `:INPUT ${input.policy!.toUpperCase()} [0:0]`, `:FORWARD ${forward.policy!.toUpperCase()} [0:0]`, ':OUTPUT ACCEPT [0:0]')
  const users = a.chains.filter((c) => !c.hook)
  for (const c of users) lines.push(`:${c.name} - [0:0]`)
  lines.push(...ruleLines('INPUT', input.rules), ...ruleLines('FORWARD', forward.rules))
  for (const c of users) lines.push(...ruleLines(c.name, c.rules))
  lines.push('COMMIT', '')
  return lines.join('\n')
}

function renderIpset(a: AbstractRuleset): string {
  const lines: string[] = []
  for (const s of a.sets) {
    lines.push(`create ${s.name} hash:net family ${s.fam === 4 ? 'inet' : 'inet6'}`)
    for (const e of s.elems) {
      if (e.style === 'range') for (let o = e.lo; o <= e.hi; o++) lines.push(`add ${s.name} ${address(s.fam, e.pool, o)}`)
      else lines.push(`add ${s.name} ${cidr(s.fam, e)}`)
    }
  }
  return lines.length ? lines.join('\n') + '\n' : ''
}

function nftMatch(m: Match, fam: Fam | undefined): string[] {
  const out: string[] = []
  if (m.iif) out.push('iifname', ...(m.iifNeg ? ['!='] : []), `"${m.iif}"`)
  const ipk = fam === 6 ? 'ip6' : 'ip'
  const addr = (r: AddrRange, neg: boolean | undefined, key: string) => {
    const bang = neg ? ['!='] : []
    const f = fam ?? 4
    if (r.style === 'set') out.push(ipk, key, ...bang, `@${r.set}`)
    else if (r.style === 'range') out.push(ipk, key, ...bang, `${address(f, r.pool, r.lo)}-${address(f, r.pool, r.hi)}`)
    else out.push(ipk, key, ...bang, cidr(f, r))
  }
  if (m.src) addr(m.src, m.srcNeg, 'saddr')
  if (m.dst) addr(m.dst, m.dstNeg, 'daddr')
  if (m.ports) {
    const bang = m.portNeg ? ['!='] : []
    const text = m.ports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    out.push(m.proto!, 'dport', ...bang, m.ports.length > 1 ? `{ ${text.join(', ')} }` : text[0])
  } else if (m.proto) out.push('meta', 'l4proto', m.proto === 'icmp' ? (fam === 6 ? 'ipv6-icmp' : 'icmp') : m.proto)
  if (m.ct) out.push('ct', 'state', m.ct === 'established' ? 'established,related' : m.ct)
  return out
}

function nftVerdict(v: Verdict): string {
  if (v.k === 'jump' || v.k === 'goto') return `${v.k} ${v.target}`
  if (v.k === 'vmap') return `vmap { ${v.entries.map(([port, x]) => `${port} : ${nftVerdict(x)}`).join(', ')} }`
  return v.k
}

function renderNft(a: AbstractRuleset): string {
  const table = a.fams.length === 2 ? 'inet' : a.fams[0] === 6 ? 'ip6' : 'ip'
  const lines: string[] = [`table ${table} filter {`]
  for (const s of a.sets) {
    lines.push(`  set ${s.name} {`, `    type ${s.fam === 4 ? 'ipv4_addr' : 'ipv6_addr'}`, '    flags interval', '    auto-merge')
    const elems = s.elems.map((e) => (e.style === 'range' ? `${address(s.fam, e.pool, e.lo)}-${address(s.fam, e.pool, e.hi)}` : cidr(s.fam, e)))
    lines.push(`    elements = { ${elems.join(', ')} }`, '  }')
  }
  for (const c of a.chains) {
    lines.push(`  chain ${c.name} {`)
    if (c.hook) lines.push(`    type filter hook ${c.hook} priority ${c.extra ? 10 : 0}; policy ${c.policy};`)
    for (const r of c.rules) {
      const head = r.v.k === 'vmap' ? [r.m.proto!, 'dport'] : nftMatch(r.m, r.m.fam)
      lines.push(`    ${[...head, nftVerdict(r.v)].join(' ')}`)
    }
    lines.push('  }')
  }
  lines.push('}')
  for (const fam of a.fams) {
    const dnats = a.dnats.filter((d) => d.fam === fam)
    if (!dnats.length) continue
    const ipk = fam === 4 ? 'ip' : 'ip6'
    lines.push(`table ${ipk} nat {`, '  chain prerouting {', '    type nat hook prerouting priority dstnat; policy accept;')
    for (const d of dnats) {
      const to = fam === 4 ? `${address(4, 'fwd', d.to)}:${d.toPort}` : `[${address(6, 'fwd', d.to)}]:${d.toPort}`
      lines.push(`    ${ipk} daddr ${address(fam, 'local', d.dst)} ${d.proto} dport ${d.port} dnat to ${to}`)
    }
    lines.push('  }', '}')
  }
  return lines.join('\n') + '\n'
}

/** The suite's rulesets: every feature forced into at least `min` of them, then chance adds more. */
export function generateAll(seed: number, count: number, min = 5): Generated[] {
  const out: Generated[] = []
  for (let i = 0; i < count; i++) {
    const format = i % 2 === 0 ? 'iptables' : 'nftables'
    const want = new Set<Feature>()
    FEATURES.forEach((f, k) => {
      // each feature is forced in every third ruleset of the formats that have it (vmap: nftables only)
      if (f === 'vmap') {
        if (format === 'nftables' && (i >> 1) % 3 === k % 3) want.add(f)
      } else if (i % 3 === k % 3) want.add(f)
    })
    out.push(generate(seed, i, format, want))
  }
  void min
  return out
}
