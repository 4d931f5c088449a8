/**
 * Netfilter (iptables and nftables alike): NAT is a transformation, not an opening. A DNAT in
 * prerouting opens only what the filter hook after it lets through once translated: forward for a DNAT
 * to a new address (we do not know the host's own addresses, and a port forward sends traffic on), input
 * for a REDIRECT (the host itself). Each DNAT exposure is composed with every input/forward
 * filter exposure that passes part of its translated traffic: the result keeps the NAT's line and public
 * destination, and says which filter rule passes it. A DNAT no filter passes is not an exposure but a
 * `nat-dead` doubt.
 */
import {type Exposure, exposureBox, exposureToJson} from '../../model/exposure.js'
import {DestinationIndex} from '../../net/destination-index.js'
import {type Box, intersectBox} from '../../net/match.js'
import {addDoubts} from '../../model/build.js'
import type {Doubt} from '../types.js'


/** Replace the nat-forward exposures by their compositions with the filters; dead NATs become doubts. */
export function composeNat(exposures: Exposure[]): {exposures: Exposure[]; doubts: Doubt[]} {
  // filters indexed by destination, so each DNAT meets only the rules near its translated address
  const filters: Record<'input' | 'forward', DestinationIndex<Exposure>> = {input: new DestinationIndex((e) => e.to), forward: new DestinationIndex((e) => e.to)}
  for (const e of exposures) if (e.kind === 'filter' && e.direction === 'inbound' && (e.hook === 'input' || e.hook === 'forward')) filters[e.hook].add(e)
  const out: Exposure[] = []
  const doubts: Doubt[] = []
  const dead = new Map<string, Doubt>()
  // pieces of one NAT rule meeting pieces of one filter rule may compose to the same exposure
  const listed = new Set<string>()
  for (const n of exposures) {
    if (n.kind !== 'nat-forward') {
      out.push(n)
      continue
    }
    const t = n.translated
    const translated: Box = {...exposureBox(n), to: t?.to ?? n.to, ports: t?.ports ?? n.ports}
    let passed = false
    for (const f of filters[t?.to ? 'forward' : 'input'].candidates(translated.to)) {
      if (!sameIngress(n, f)) continue
      const i = intersectBox(translated, exposureBox(f))
      if (!i) continue
      passed = true
      const e = composed(n, f, i)
      const key = JSON.stringify(exposureToJson(e))
      if (listed.has(key)) continue
      listed.add(key)
      out.push(e)
    }
    if (!passed) {
      const key = `${n.line}\u0000${n.rule}`
      if (!dead.has(key)) {
        const d: Doubt = {code: 'nat-dead', effect: 'dead', line: n.line, detail: `${n.rule}: no input or forward filter rule passes the translated traffic`}
        dead.set(key, d)
        doubts.push(d)
      }
    }
  }
  return {exposures: out, doubts}
}

/** Whether traffic the NAT rule takes can enter where the filter rule is bound (`-i lo` never does). */
function sameIngress(n: Exposure, f: Exposure): boolean {
  const positive = (e: Exposure) => (e.interfaces?.in ?? []).filter((x) => !x.startsWith('!'))
  const fi = positive(f)
  if (fi.length && fi.every((x) => x === 'lo')) return false
  const ni = positive(n)
  if (!ni.length || !fi.length) return true
  const match = (a: string, b: string) => a === b || (a.endsWith('+') && b.startsWith(a.slice(0, -1))) || (b.endsWith('+') && a.startsWith(b.slice(0, -1)))
  return ni.some((a) => fi.some((b) => match(a, b)))
}

/** The NAT exposure `n` narrowed to what filter `f` passes after translation (`i`). */
function composed(n: Exposure, f: Exposure, i: Box): Exposure {
  const t = n.translated
  // the public side: ports map back one to one when the NAT keeps them; a NAT to one port takes all of its own
  const ports = t?.ports ? n.ports : i.ports
  const e: Exposure = {
    ...n,
    from: i.from,
    // DNAT sends its whole match to the new address; without a new address (REDIRECT) it stays
    to: t?.to ? n.to : i.to,
    protocols: i.protocols,
    ports,
    sourcePorts: i.sourcePorts,
    translated: {to: i.to, ...(t?.ports ? {ports: i.ports} : {})},
    filter: {line: f.line, rule: f.rule},
    hook: f.hook,
  }
  // the filter's doubts stay on the filter's line
  if (f.doubts) addDoubts(e, f.doubts)
  const ins = n.interfaces?.in ?? f.interfaces?.in
  const outs = f.interfaces?.out
  if (ins || outs) e.interfaces = {...(ins ? {in: ins} : {}), ...(outs ? {out: outs} : {})}
  // ingress/egress follow the composed bindings, not the NAT's alone: the shared step (model/attach.ts) reads them
  delete e.ingress
  delete e.egress
  return e
}
