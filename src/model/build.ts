/**
 * The one place an Exposure is made. Parsers describe a permit (kind, box, where it is written, what
 * binds it) and its doubts; the builder fills the constant parts (`action`), copies the lists (no
 * aliasing between exposures), places doubts on the rule's line and renders `notes` from them.
 * Nothing else writes an Exposure literal (tests/model/build.test.ts greps for one).
 */
import type {Box} from '../net/match.js'
import {PortSet} from '../net/number-set.js'
import {type Doubt, type DoubtNote, placed, renderDoubt} from './doubts.js'
import type {Direction, Exposure, ExposureKind} from './exposure.js'

export interface ExposureInit {
  kind: ExposureKind
  /** Default `inbound`. */
  direction?: Direction
  /** From, to, protocols, ports; source ports default to all. */
  box: Omit<Box, 'sourcePorts'> & {sourcePorts?: Box['sourcePorts']}
  line: number
  rule: string
  name?: string
  text?: string
  translated?: Exposure['translated']
  filter?: Exposure['filter']
  fromZones?: readonly string[]
  toZones?: readonly string[]
  interfaces?: {in?: readonly string[]; out?: readonly string[]}
  fromSets?: readonly string[]
  toSets?: readonly string[]
  /** Object groups the rule named (`object-group DMZ-WEB`), so a finding can say "via …". */
  via?: readonly string[]
  ingress?: Exposure['ingress']
  egress?: Exposure['egress']
  hook?: Exposure['hook']
  hostLocal?: boolean
  file?: string
  doubts?: readonly DoubtNote[]
}

export function buildExposure(init: ExposureInit): Exposure {
  return build(init, init.box)
}

// the metadata and the box apart, so fromTemplate builds without a copy of its template per exposure
function build(init: ExposureTemplate, b: ExposureInit['box']): Exposure {
  const e: Exposure = {
    kind: init.kind,
    action: 'allow',
    direction: init.direction ?? 'inbound',
    from: b.from,
    to: b.to,
    protocols: b.protocols,
    ports: b.ports,
    sourcePorts: b.sourcePorts ?? PortSet.ALL,
    line: init.line,
    rule: init.rule,
  }
  if (init.name !== undefined) e.name = init.name
  if (init.text !== undefined) e.text = init.text
  if (init.translated) e.translated = {...init.translated}
  if (init.filter) e.filter = {...init.filter}
  if (init.fromZones) e.fromZones = [...init.fromZones]
  if (init.toZones) e.toZones = [...init.toZones]
  if (init.interfaces) {
    const i: {in?: string[]; out?: string[]} = {}
    if (init.interfaces.in) i.in = [...init.interfaces.in]
    if (init.interfaces.out) i.out = [...init.interfaces.out]
    e.interfaces = i
  }
  if (init.fromSets?.length) e.fromSets = [...init.fromSets]
  if (init.toSets?.length) e.toSets = [...init.toSets]
  if (init.via?.length) e.via = [...new Set(init.via)]
  if (init.ingress) e.ingress = init.ingress
  if (init.egress) e.egress = init.egress
  if (init.hook) e.hook = init.hook
  if (init.hostLocal) e.hostLocal = true
  if (init.file !== undefined) e.file = init.file
  if (init.doubts?.length) addDoubts(e, init.doubts)
  return e
}

/**
 * A permit's metadata before its box is known: zone-pair and filter evaluators carry one per rule and
 * build the exposure for each box the evaluator lets through.
 */
export type ExposureTemplate = Omit<ExposureInit, 'box'>

export function fromTemplate(t: ExposureTemplate, box: Box): Exposure {
  return build(t, box)
}

/** The same exposure over another box (a permit split by the evaluator, a NAT composed with its filter). */
export function withBox(e: Exposure, box: Box): Exposure {
  return {...e, from: box.from, to: box.to, protocols: box.protocols, ports: box.ports, sourcePorts: box.sourcePorts}
}

/**
 * Add doubts to an exposure, placed on its line unless they have one; a repeated text is kept once
 * (notes were deduplicated by text). `notes` is re-rendered from the doubts.
 */
export function addDoubts(e: Exposure, doubts: readonly (DoubtNote | Doubt)[]): void {
  if (!doubts.length) return
  const all: Doubt[] = [...(e.doubts ?? [])]
  const seen = new Set(all.map((d) => d.detail))
  for (const d of doubts) {
    if (seen.has(d.detail)) continue
    seen.add(d.detail)
    all.push('line' in d ? {...d} : placed(d, e.line))
  }
  e.doubts = all
  e.notes = all.map(renderDoubt)
}
