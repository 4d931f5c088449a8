/**
 * Probe points for a generated ruleset (every rule's box corners, ±1 on each address and port bound,
 * plus random points) and the per-point comparison of what the kernel accepted with the exposures.
 */
import type {Exposure} from '../../src/model/exposure.js'
import {type Family, parseIp} from '../../src/net/ip.js'
import {type AbstractRuleset, address, type Fam, type Generated, type Hook, type Match, type Pool, type Proto, rng} from './generate.js'

export interface Probe {
  id: number
  v: Fam
  src: string
  dst: string
  proto: Proto
  /** 0 for ICMP */
  dport: number
  /** the hook the (untranslated) destination leads to */
  hook: Hook
}

/** What the kernel let through a hook: the probe id and its destination after DNAT. */
export interface Seen {
  hook: Hook
  id: number
  dst: string
  dport: number
}

// offsets a probe may use in each pool: no network/broadcast address, none of the namespaces' own
// (192.0.2.1, 198.51.100.1 and .2 are interfaces; 203.0.113.0/24 is all local)
const CLIP: Record<Pool, [number, number]> = {src: [2, 254], local: [1, 254], fwd: [3, 254]}
const clip = (pool: Pool, xs: number[]) => [...new Set(xs.filter((x) => x >= CLIP[pool][0] && x <= CLIP[pool][1]))]
/** clip, or one offset the pool allows when every bound falls outside it (a rule on 198.51.100.1–2 only). */
const clipOr = (pool: Pool, xs: number[], any: () => number) => {
  const kept = clip(pool, xs)
  return kept.length ? kept : [any()]
}
const bounds = (lo: number, hi: number) => [lo - 1, lo, hi, hi + 1]
const poolHook = (pool: Pool): Hook => (pool === 'local' ? 'input' : 'forward')

export function probesFor(g: Generated, seed: number): Probe[] {
  const a = g.abstract
  const r = rng(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))
  const out: Probe[] = []
  const seen = new Set<string>()
  const add = (v: Fam, srcOff: number, pool: Pool, dstOff: number, proto: Proto, dport: number) => {
    const p = {v, src: address(v, 'src', srcOff), dst: address(v, pool, dstOff), proto, dport: proto === 'icmp' ? 0 : dport, hook: poolHook(pool)}
    const key = JSON.stringify(p)
    if (seen.has(key) || dport < 1 && proto !== 'icmp' || dport > 65535) return
    seen.add(key)
    out.push({id: out.length + 1, ...p})
  }
  const randomPort = () => (r() < 0.5 ? [22, 53, 80, 443, 8080][int(0, 4)] : int(1, 9999))

  const corners = (m: Match, pools: Pool[]) => {
    const fams = m.fam ? [m.fam] : a.fams
    const protos: Proto[] = m.proto ? [m.proto] : ['tcp', 'udp', 'icmp']
    let srcs = m.src ? bounds(m.src.lo, m.src.hi) : [int(2, 254)]
    if (m.src?.set) for (const e of a.sets.find((s) => s.name === m.src!.set)!.elems) srcs.push(...bounds(e.lo, e.hi))
    srcs = clipOr('src', srcs, () => int(CLIP.src[0], CLIP.src[1]))
    const ports = m.ports ? m.ports.flatMap(([lo, hi]) => bounds(lo, hi)) : [randomPort()]
    for (const v of fams) {
      for (const pool of m.dst ? [m.dst.pool] : pools) {
        const dsts = clipOr(pool, m.dst ? bounds(m.dst.lo, m.dst.hi) : [int(3, 254)], () => int(CLIP[pool][0], CLIP[pool][1]))
        const mid = {src: srcs[Math.min(1, srcs.length - 1)], dst: dsts[Math.min(1, dsts.length - 1)], port: ports[Math.min(1, ports.length - 1)]}
        for (const proto of protos) {
          add(v, mid.src, pool, mid.dst, proto, mid.port)
          for (const s of srcs) add(v, s, pool, mid.dst, proto, mid.port)
          for (const d of dsts) add(v, mid.src, pool, d, proto, mid.port)
          if (proto !== 'icmp') for (const port of ports) add(v, mid.src, pool, mid.dst, proto, port)
        }
      }
    }
  }

  for (const c of a.chains) {
    const pools: Pool[] = c.hook ? [c.hook === 'input' ? 'local' : 'fwd'] : ['local', 'fwd']
    for (const rule of c.rules) {
      if (rule.v.k === 'vmap') corners({...rule.m, ports: rule.v.entries.map(([port]) => [port, port])}, pools)
      else corners(rule.m, pools)
    }
  }
  for (const d of a.dnats) {
    for (const port of bounds(d.port, d.port)) add(d.fam, int(2, 254), 'local', d.dst, d.proto, port)
    add(d.fam, int(2, 254), 'local', d.dst + 1, d.proto, d.port)
  }
  for (let i = 0; i < 40; i++) {
    const v = a.fams[int(0, a.fams.length - 1)]
    const proto = (['tcp', 'udp', 'icmp'] as const)[int(0, 2)]
    const pool: Pool = r() < 0.5 ? 'local' : 'fwd'
    add(v, int(2, 254), pool, int(CLIP[pool][0], CLIP[pool][1]), proto, randomPort())
  }
  return out
}

/** Observer sets (nft -j list table inet kt_observer) → what each hook let through. */
export function readObserver(json: string): Seen[] {
  const doc = JSON.parse(json) as {nftables: Array<{set?: {name: string; elem?: Array<{concat: Array<string | number>} | {elem: {val: {concat: Array<string | number>}}}>}}>}
  const out: Seen[] = []
  for (const item of doc.nftables) {
    const set = item.set
    if (!set?.elem) continue
    const hook: Hook = set.name.startsWith('input') ? 'input' : 'forward'
    const icmp = set.name.includes('icmp')
    for (const e of set.elem) {
      const concat = 'concat' in e ? e.concat : e.elem.val.concat
      out.push({hook, id: Number(concat[0]), dst: String(concat[1]), dport: icmp ? 0 : Number(concat[2])})
    }
  }
  return out
}

const PROTO_NUMBER: Record<Fam, Record<Proto, number>> = {4: {tcp: 6, udp: 17, icmp: 1}, 6: {tcp: 6, udp: 17, icmp: 58}}

function ingressAllows(e: Exposure, iface: string): boolean {
  const list = (e.interfaces?.in ?? []).flatMap((x) => (x.startsWith('!') ? x.slice(1).split(',').map((y) => `!${y}`) : x.split(',')))
  const matches = (pattern: string) => (pattern.endsWith('+') ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern)
  if (list.some((x) => x.startsWith('!') && matches(x.slice(1)))) return false
  const positive = list.filter((x) => !x.startsWith('!'))
  return positive.length === 0 || positive.some(matches)
}

/** Some exposure of `hook` holds the point (source port = probe id), for traffic entering on wan0. */
export function covered(exposures: Exposure[], hook: Hook, p: Probe, dst: string, dport: number): boolean {
  return covering(exposures, hook, p, dst, dport).length > 0
}

/** The exposures of `hook` that hold the point. */
export function covering(exposures: Exposure[], hook: Hook, p: Probe, dst: string, dport: number): Exposure[] {
  const fam = p.v as Family
  const src = parseIp(p.src)!.value
  const to = parseIp(dst)!.value
  const proto = PROTO_NUMBER[p.v][p.proto]
  return exposures.filter(
    (e) =>
      e.hook === hook &&
      e.kind === 'filter' &&
      e.from.has(fam, src) &&
      e.to.has(fam, to) &&
      e.protocols.has(proto) &&
      (p.proto === 'icmp' || (e.ports.has(dport) && e.sourcePorts.has(p.id))) &&
      ingressAllows(e, 'wan0'),
  )
}

/** A probe the kernel translated (DNAT) and let through `hook`: some composed nat-forward of that hook holds it. */
export function natCovered(exposures: Exposure[], hook: Hook, p: Probe, dst: string, dport: number): boolean {
  const fam = p.v as Family
  const proto = PROTO_NUMBER[p.v][p.proto]
  const before = parseIp(p.dst)!.value
  const after = parseIp(dst)!.value
  return exposures.some(
    (e) =>
      e.kind === 'nat-forward' &&
      e.hook === hook &&
      e.from.has(fam, parseIp(p.src)!.value) &&
      e.to.has(fam, before) &&
      e.protocols.has(proto) &&
      (p.proto === 'icmp' || e.ports.has(p.dport)) &&
      (e.translated?.to ?? e.to).has(fam, after) &&
      (p.proto === 'icmp' || (e.translated?.ports ?? e.ports).has(dport)),
  )
}

export interface Comparison {
  probes: number
  accepted: number
  /** accepted after DNAT (checked against the composed nat-forward exposures too) */
  translated: number
  missed: Array<{probe: Probe; hook: Hook; dst: string; dport: number}>
  /** probes the kernel did not let through its expected hook that an exposure of that hook lists */
  falseExposures: Probe[]
}

export function compare(exposures: Exposure[], probes: Probe[], seen: Seen[]): Comparison {
  const byId = new Map(probes.map((p) => [p.id, p]))
  const missed: Comparison['missed'] = []
  const through = new Set<string>()
  let natted = 0
  for (const s of seen) {
    const probe = byId.get(s.id)
    if (!probe) continue
    through.add(`${s.hook} ${s.id}`)
    const translated = parseIp(s.dst)!.value !== parseIp(probe.dst)!.value || s.dport !== probe.dport
    if (translated) natted++
    // the filter rule must pass the translated point; a DNAT must also be listed as composed with it
    if (!covered(exposures, s.hook, probe, s.dst, s.dport) || (translated && !natCovered(exposures, s.hook, probe, s.dst, s.dport))) {
      missed.push({probe, hook: s.hook, dst: s.dst, dport: s.dport})
    }
  }
  const dnatted = (p: Probe) => exposures.some((e) => e.kind === 'nat-forward' && e.to.has(p.v as Family, parseIp(p.dst)!.value))
  const falseExposures = probes.filter((p) => !through.has(`${p.hook} ${p.id}`) && !dnatted(p) && covered(exposures, p.hook, p, p.dst, p.dport))
  return {probes: probes.length, accepted: seen.length, translated: natted, missed, falseExposures}
}
