/**
 * What iptables and nftables share once a permit is evaluated: the exposure of a rule with its
 * interfaces (`-i`/`-o`, `iifname`/`oifname`) as ingress/egress bindings. A negated interface names no
 * place, so it binds nothing.
 */
import {buildExposure, type ExposureInit} from '../model/build.js'
import type {Attachment} from '../model/device.js'
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
  interfaces?: {in?: string[]; out?: string[]}
  fromSets?: readonly string[]
  toSets?: readonly string[]
  doubts?: readonly DoubtNote[]
  hook?: Exposure['hook']
  hostLocal?: boolean
}

function bound(names: readonly string[] | undefined): Attachment | undefined {
  if (!names?.length) return undefined
  for (const n of names) if (n.startsWith('!')) return undefined
  return {interfaces: [...new Set(names)], zones: []}
}

// one exposure per permit of a big rule base: a permit bound to no interface is the builder's input as it is
export function netfilterExposure(p: NetfilterPermit): Exposure {
  const interfaces = p.interfaces
  if (!interfaces) return buildExposure(p)
  if (!(interfaces.in || interfaces.out)) return buildExposure({...p, interfaces: undefined})
  const init: ExposureInit = {kind: p.kind, direction: p.direction, box: p.box, line: p.line, rule: p.rule, text: p.text, translated: p.translated, fromSets: p.fromSets, toSets: p.toSets, doubts: p.doubts, hook: p.hook, hostLocal: p.hostLocal}
  init.interfaces = interfaces
  init.ingress = bound(interfaces.in)
  init.egress = bound(interfaces.out)
  return buildExposure(init)
}
