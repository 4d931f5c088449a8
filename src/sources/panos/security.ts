/**
 * PAN-OS security rules → exposures, per zone pair: the context's rules in order (shared pre,
 * pre-rulebase, rulebase, post-rulebase, shared post), then the default rule of the pair (intrazone
 * allow, interzone deny, or their overrides).
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox, mergeBoxes} from '../../net/match.js'
import type {EvalRule, Guard} from '../../model/evaluate.js'
import type {Denial} from '../../model/exposure.js'
import {evaluateZonePairs, ZonePairMap} from '../../model/zone-pairs.js'
import {type ContextConfig, type PlacedRule, RULE_ACTIONS} from './model.js'
import {type Objects, specBox, type Template} from './objects.js'
import {APP_DEFAULT_PORTS} from './tables.js'

type Emit = (t: Template, b: Box) => void

/** One way a rule matches: all its applications, or one of them (guard `app=<name>`). */
interface Variant {
  guards: Guard[]
  boxes: Box[]
  doubts: DoubtNote[]
  opaque: boolean
  fromSets: string[]
  toSets: string[]
}

interface BuiltRule {
  r: PlacedRule
  /** Index in the context's rules. */
  order: number
  variants: Variant[]
  /** What its exposures say in every zone pair: made when the rule first permits or records a deny. */
  said?: Omit<Template, 'fromZones' | 'toZones'>
}

/** A zone pair's zones as templates name them (one list per pair: the exposure builder copies them). */
interface PairZones {
  fromZones?: string[]
  toZones?: string[]
}

/**
 * What the evaluator carries per rule and pair. The exposure template is made when it is asked for
 * (a permit, a recorded deny), and not kept: made for every entry and pair up front, 10^5 templates
 * lived until their pair was evaluated.
 */
interface PairMeta {
  /** The rule's place in the context's order (the pair's default: after every rule). */
  readonly order: number
  template(): Template
}

class RuleAtPair implements PairMeta {
  constructor(
    private readonly ctx: ContextConfig,
    private readonly b: BuiltRule,
    private readonly zones: PairZones,
  ) {}

  get order(): number {
    return this.b.order
  }

  template(): Template {
    return ruleTemplate(this.ctx, this.b, this.zones)
  }
}

// a rule without App-IDs: no guard (shared, never changed), and the one application `any`
const NO_GUARDS: Guard[] = Object.freeze([]) as unknown as Guard[]
const ANY_APP = Object.freeze(['any']) as unknown as string[]
// most rules have no doubt: one shared empty list, not one per rule
const NO_DOUBTS: DoubtNote[] = Object.freeze([]) as unknown as DoubtNote[]

/** Services, applications and addresses of rules → boxes, with what `application-default` admits per App-ID. */
class RuleMatcher {
  private readonly appCache = new Map<string, {boxes: Box[]; doubts: DoubtNote[]}>()

  constructor(
    private readonly objects: Objects,
    private readonly customApps: Map<string, string[] | undefined>,
  ) {}

  /**
   * An App-ID rule applies to its applications only: each application is a guard `app=<name>`, so a deny
   * of an application shadows allows of that same application (on its ports) and nothing else.
   */
  build(r: PlacedRule, order: number): BuiltRule {
    const apps = r.applications.length && !r.applications.includes('any') ? r.applications : null
    const variants = apps ? apps.map((a) => this.variant([{cond: `app=${a}`}], r, [a])) : [this.variant(NO_GUARDS, r, ANY_APP)]
    return {r, order, variants}
  }

  /** `apps`: the rule's applications, or one of them (a rule naming several is evaluated once per application). */
  private variant(guards: Guard[], r: PlacedRule, apps: string[]): Variant {
    const services = r.services.length ? r.services : ['any']
    const svc = this.serviceBoxes(services, apps)
    const doubts = svc.doubts
    let opaque = svc.opaque
    if (!apps.includes('any') && !services.includes('application-default')) doubts.push(note('application-limited', `application ${r.applications.join(', ')} only`))
    const src = this.objects.addressesOf(r.source)
    const dst = this.objects.addressesOf(r.destination)
    let from = src.set
    let to = dst.set
    if (src.unresolved.length || dst.unresolved.length) {
      doubts.push(note('unexpanded-set', `address ${[...src.unresolved, ...dst.unresolved].join(', ')} not expanded; taken as any`))
      if (src.unresolved.length) from = AddressSet.ANY
      if (dst.unresolved.length) to = AddressSet.ANY
      opaque = true
    }
    // negating a set we could not expand would turn "any" into "nothing": keep any, the note says why
    if (r.negateSource && !src.unresolved.length) from = AddressSet.ANY.subtract(from)
    if (r.negateDestination && !dst.unresolved.length) to = AddressSet.ANY.subtract(to)
    if (r.unknown.length) {
      doubts.push(note('unknown-match', `match ${r.unknown.join('; ')} not modelled; exposure may be narrower`))
      opaque = true
    }
    const addresses: Box = {from, to, protocols: ANY_BOX.protocols, ports: ANY_BOX.ports, sourcePorts: ANY_BOX.sourcePorts}
    const kept: Box[] = []
    for (const b of svc.boxes) {
      const i = intersectBox(b, addresses)
      if (i) kept.push(i)
    }
    // the one box of most rules in a list of its exact size (one pushed to from empty keeps 16 slots)
    const boxes = mergeBoxes(kept.length === 1 ? [kept[0]] : kept)
    return {guards, boxes, doubts: doubts.length ? doubts : NO_DOUBTS, opaque, fromSets: src.unresolved, toSets: dst.unresolved}
  }

  private serviceBoxes(services: string[], apps: string[]): {boxes: Box[]; doubts: DoubtNote[]; opaque: boolean} {
    const boxes: Box[] = []
    const doubts: DoubtNote[] = []
    let opaque = false
    for (const s of services) {
      if (s === 'application-default') {
        if (apps.includes('any')) boxes.push(ANY_BOX)
        else
          for (const a of apps) {
            const res = this.appDefault(a)
            boxes.push(...res.boxes)
            doubts.push(...res.doubts)
          }
        continue
      }
      const res = this.objects.service(s)
      if (res.unresolved) {
        doubts.push(note('unknown-service', `service ${res.unresolved} unknown; taken as any`))
        opaque = true
      }
      boxes.push(...res.boxes)
    }
    return {boxes, doubts, opaque}
  }

  private appDefault(a: string): {boxes: Box[]; doubts: DoubtNote[]} {
    let res = this.appCache.get(a)
    if (!res) {
      const specs = APP_DEFAULT_PORTS[a] ?? this.customApps.get(a)
      res = specs ? {boxes: specs.map(specBox), doubts: []} : {boxes: [ANY_BOX], doubts: [note('unknown-service', `application ${a}: default ports unknown; any port`)]}
      this.appCache.set(a, res)
    }
    return res
  }
}

/** Does a rule's rule-type let it apply between these zones? (Its `to` list is checked by the zone-pair helper.) */
function typeApplies(r: PlacedRule, from: string, to: string, zoneless: boolean): boolean {
  if (!zoneless && r.ruleType === 'intrazone' && from !== to) return false
  if (!zoneless && r.ruleType === 'interzone' && from === to) return false
  return true
}

function ruleTemplate(ctx: ContextConfig, b: BuiltRule, zones: PairZones): Template {
  const said = (b.said ??= ruleSays(ctx, b))
  // a literal, not a spread of `said`: V8 gives spread copies hidden classes of their own
  return {
    kind: said.kind,
    direction: said.direction,
    line: said.line,
    rule: said.rule,
    name: said.name,
    text: said.text,
    fromZones: zones.fromZones,
    toZones: zones.toZones,
    fromSets: said.fromSets,
    toSets: said.toSets,
    doubts: said.doubts,
  }
}

function ruleSays(ctx: ContextConfig, {r, variants}: BuiltRule): Omit<Template, 'fromZones' | 'toZones'> {
  const doubts = variants.length === 1 ? variants[0].doubts : [...new Set(variants.flatMap((v) => v.doubts))]
  const {fromSets, toSets} = variants[0]
  return {
    kind: 'filter',
    direction: 'inbound',
    line: r.line,
    rule: `${ctx.prefix}${r.rulebase === 'rulebase' ? '' : ` ${r.rulebase}`} security rule "${r.name}"`,
    name: r.name, // PAN-OS rule names are unique and stable
    text: ruleText(r),
    fromSets: fromSets.length ? fromSets : undefined,
    toSets: toSets.length ? toSets : undefined,
    doubts,
  }
}

function defaultTemplate(ctx: ContextConfig, from: string, to: string, action: string): Template {
  const which = from === to ? 'intrazone-default' : 'interzone-default'
  return {
    kind: 'filter',
    direction: 'inbound',
    line: ctx.defaults.line,
    rule: `${ctx.prefix} ${which} (${from} to ${to})`,
    text: `${which} action ${action}`,
    fromZones: [from],
    toZones: [to],
  }
}

/** One rule's evaluator entries for a zone pair (a multi-application rule: one per application). */
function pairRules(ctx: ContextConfig, b: BuiltRule, from: string, to: string, zoneless: boolean, zones: PairZones): Array<EvalRule<PairMeta>> {
  if (!typeApplies(b.r, from, to, zoneless)) return []
  const action = b.r.action === 'allow' ? 'allow' : 'deny'
  const known = RULE_ACTIONS.includes(b.r.action)
  const meta = new RuleAtPair(ctx, b, zones)
  const out: Array<EvalRule<PairMeta>> = []
  for (const {boxes, opaque, guards} of b.variants) for (const match of boxes) out.push({match, action, guards, opaque: action === 'deny' && (opaque || !known), meta})
  return out
}

/** A rule naming several applications was evaluated once per application: its pieces are merged again. */
function emitMerged(permits: Array<{box: Box; meta: PairMeta}>, emit: Emit): void {
  // The walk gives a rule's pieces together and rules in order: then each rule is one run of permits,
  // merged without a map of 10^5 rules. Runs out of order (never seen) are grouped by the map.
  for (let i = 1; i < permits.length; i++) if (permits[i].meta !== permits[i - 1].meta && permits[i].meta.order <= permits[i - 1].meta.order) return emitGrouped(permits, emit)
  for (let i = 0; i < permits.length; ) {
    const {meta} = permits[i]
    let end = i + 1
    while (end < permits.length && permits[end].meta === meta) end++
    const template = meta.template()
    if (end - i === 1) emit(template, permits[i].box)
    else for (const b of mergeBoxes(permits.slice(i, end).map((p) => p.box))) emit(template, b)
    i = end
  }
}

function emitGrouped(permits: Array<{box: Box; meta: PairMeta}>, emit: Emit): void {
  // a rule's one box as it is (most rules), its several in a list
  const byRule = new Map<PairMeta, Box | Box[]>()
  for (const p of permits) {
    const seen = byRule.get(p.meta)
    if (seen === undefined) byRule.set(p.meta, p.box)
    else if (Array.isArray(seen)) seen.push(p.box)
    else byRule.set(p.meta, [seen, p.box])
  }
  for (const [meta, boxes] of byRule) {
    const template = meta.template()
    if (Array.isArray(boxes)) for (const b of mergeBoxes(boxes)) emit(template, b)
    else emit(template, boxes)
  }
}

/**
 * Every pair of zones (the context's and those rules name), through the shared zone-pair evaluation;
 * rules that only say `any` and no zone anywhere (a bare device-group) make one pair `any` → `any`.
 */
export function securityExposures(ctx: ContextConfig, objects: Objects, emit: Emit, denies?: Denial[]): void {
  const matcher = new RuleMatcher(objects, ctx.customApps)
  const built = ctx.rules.map((r, i) => matcher.build(r, i))
  const zoneless = ctx.zones.size === 0 && ctx.rules.every((r) => [...r.from, ...r.to].every((z) => z === 'any'))
  const pairZones = new ZonePairMap<PairZones>()
  const zonesAt = (from: string, to: string): PairZones => {
    let z = pairZones.get(from, to)
    if (!z) pairZones.set(from, to, (z = zoneless ? {} : {fromZones: [from], toZones: [to]}))
    return z
  }
  const results = evaluateZonePairs({
    zones: zoneless ? ['any'] : ctx.zones.keys(),
    policies: built,
    zonesOf: (b) => b.r,
    rulesFor: (b, from, to) => pairRules(ctx, b, from, to, zoneless, zonesAt(from, to)),
    allPairs: true,
    // without zones we cannot tell intrazone from interzone: the stricter default applies
    defaultFor: (from, to) => {
      const def = zoneless ? 'deny' : from === to ? ctx.defaults.intrazone : ctx.defaults.interzone
      const template = defaultTemplate(ctx, from, to, def)
      return {action: def === 'allow' ? 'allow' : 'deny', meta: {order: Infinity, template: () => template}}
    },
    recordDenies: denies !== undefined,
  })
  for (const r of results) {
    emitMerged(r.permits, emit)
    // deny rules and a deny default decide only traffic between the pair's zones
    const zones = zoneless ? {} : {fromZones: [r.from], toZones: [r.to]}
    for (const d of r.denies ?? []) {
      const {line, rule} = d.meta.template()
      denies?.push({line, rule, box: d.box, direction: 'inbound', ...zones})
    }
  }
}

/** A list as the rule text shows it: `any` when empty, the item alone, or `[ a b ]`. */
const listText = (xs: string[]) => (xs.length === 0 ? 'any' : xs.length === 1 ? xs[0] : `[ ${xs.join(' ')} ]`)

function ruleText(r: PlacedRule): string {
  // joined, not concatenated: one flat string per rule instead of a tree of a dozen pieces that lives
  // until the report prints it (10^5 rules)
  return [
    `rule "${r.name}" from`, listText(r.from), 'to', listText(r.to), 'source', `${r.negateSource ? 'not ' : ''}${listText(r.source)}`,
    'destination', `${r.negateDestination ? 'not ' : ''}${listText(r.destination)}`, 'application', listText(r.applications),
    'service', listText(r.services), 'action', r.action,
  ].join(' ')
}
