/**
 * What iptables and nftables share once a permit is evaluated: the exposure of a rule with its
 * interfaces (`-i`/`-o`, `iifname`/`oifname`) as ingress/egress bindings. A negated interface names no
 * place, so it binds nothing.
 */
import {buildExposure} from '../model/build.js'
import type {DoubtNote} from '../model/doubts.js'
import type {Exposure} from '../model/exposure.js'
import type {Box} from '../net/match.js'

export interface NetfilterPermit {
  kind: Exposure['kind']
  direction: Exposure['direction']
  box: Box
  line: number
  rule: string
  text?: string
  translated?: Exposure['translated']
  interfaces: {in?: string[]; out?: string[]}
  fromSets: string[]
  toSets: string[]
  doubts: DoubtNote[]
}

export function netfilterExposure(p: NetfilterPermit): Exposure {
  const bound = (names?: string[]) => (names?.length && !names.some((n) => n.startsWith('!')) ? {interfaces: [...new Set(names)], zones: []} : undefined)
  const ingress = bound(p.interfaces.in)
  const egress = bound(p.interfaces.out)
  return buildExposure({
    kind: p.kind,
    direction: p.direction,
    box: p.box,
    line: p.line,
    rule: p.rule,
    ...(p.text !== undefined ? {text: p.text} : {}),
    ...(p.translated ? {translated: p.translated} : {}),
    ...(p.interfaces.in || p.interfaces.out ? {interfaces: p.interfaces} : {}),
    ...(ingress ? {ingress} : {}),
    ...(egress ? {egress} : {}),
    fromSets: p.fromSets,
    toSets: p.toSets,
    doubts: p.doubts,
  })
}
