/**
 * One zone path, device by device: the traffic that enters the first device, what each device passes
 * (and to where, after NAT), what it denies, and the verdict of the hop and of the path.
 */
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {type Box, mergeBoxes} from '../net/match.js'
import {byCodeUnit} from '../core/order.js'
import {serviceText} from '../diff/services.js'
import type {Condition, HopJson, PathJson, Piece, RuleRefJson, TrafficJson, Verdict} from './model.js'
import type {DeviceRules, PathSpace} from './space.js'

/** Traffic as JSON; `label` names a set by its zone when it is exactly one. */
export function trafficJson(b: Box, label: (s: AddressSet) => string[] = (s) => s.toCidrs()): TrafficJson {
  return {from: label(b.from), to: label(b.to), services: serviceText(b.protocols, b.ports).split('+')}
}

export function ruleRef(e: Exposure): RuleRefJson {
  const r: RuleRefJson = {line: e.line, rule: e.rule, kind: e.kind}
  if (e.file) r.file = e.file
  if (e.name) r.name = e.name
  if (e.text !== undefined) r.text = e.text
  if (e.filter) r.filter = {...e.filter}
  if (e.kind === 'nat-forward' && e.translated) {
    r.nat = {}
    if (e.translated.to) r.nat.to = e.translated.to.toCidrs()
    if (e.translated.ports) r.nat.ports = e.translated.ports.toStrings()
  }
  return r
}

/** What a denying hop says when the model has no deny rule to name. */
export function implicitDeny(device: string): {implicit: true; reason: string} {
  return {implicit: true, reason: `no permit of ${device} matches: its default policy or a deny rule above the permits decides (the exposure model lists permits only)`}
}

const UNPARSED_SHOWN = 5

/** The unparsed lines of a device as a condition on its deny (one of them may permit the traffic). */
function unparsedCondition(d: DeviceRules): Condition | undefined {
  if (!d.unparsed.length) return undefined
  const lines = [...new Set(d.unparsed.map((u) => u.line))].sort((a, b) => a - b)
  const shown = lines.slice(0, UNPARSED_SHOWN)
  const more = lines.length > shown.length ? ` and ${lines.length - shown.length} more` : ''
  return {kind: 'unparsed', detail: `${lines.length} line(s) of ${d.id} not understood (${shown.join(', ')}${more}): one may permit what is denied here`, lines: shown}
}

function conditionKey(c: Condition): string {
  return `${c.kind}\u0000${c.detail}`
}

/** The hop's view of the pieces: each deciding rule with what it passes, the denied rest, conditions. */
export function hopJson(space: PathSpace, d: DeviceRules, from: string, to: string, passed: Piece[], denied: Piece[]): HopJson {
  const label = (s: AddressSet) => space.label(s)
  const byRule = new Map<Exposure, Box[]>()
  for (const p of passed) {
    const e = p.chain[p.chain.length - 1]
    const list = byRule.get(e)
    if (list) list.push(p.box)
    else byRule.set(e, [p.box])
  }
  const rules = [...byRule]
    .sort(([a], [b]) => byCodeUnit(a.file ?? '', b.file ?? '') || a.line - b.line)
    .flatMap(([e, boxes]) => mergeBoxes(boxes).map((b) => ({...ruleRef(e), passes: trafficJson(b, label)})))
  const conditions = new Map<string, Condition>()
  for (const e of byRule.keys()) for (const c of d.conditionsOf(e)) conditions.set(conditionKey(c), c)
  let verdict: Verdict = passed.length === 0 ? 'deny' : denied.length === 0 ? 'permit' : 'partial'
  const hop: HopJson = {device: d.id, from_zone: from, to_zone: to, verdict, rules}
  if (denied.length) {
    hop.denied = mergeBoxes(denied.map((p) => p.box)).map((b) => trafficJson(b, label))
    const rules = new Map<string, {file?: string; line: number; rule: string}>()
    for (const p of denied) for (const x of d.denying(from, to, p.box)) rules.set(`${x.file ?? ''}\u0000${x.line}\u0000${x.rule}`, {...(x.file ? {file: x.file} : {}), line: x.line, rule: x.rule})
    hop.deny = rules.size ? {implicit: false, rules: [...rules.values()].sort((a, b) => byCodeUnit(a.file ?? '', b.file ?? '') || a.line - b.line)} : implicitDeny(d.id)
    const u = unparsedCondition(d)
    if (u) conditions.set(conditionKey(u), u)
  }
  if (conditions.size) {
    hop.conditions = [...conditions.values()]
    verdict = 'depends'
    hop.verdict = verdict
  }
  return hop
}

export interface EvaluatedPath {
  json: PathJson
  /** What arrives in the last zone (after NAT), with the rule chain of each piece. */
  reached: Piece[]
}

/**
 * Follow `start` along one path. What a hop denies stops there; what reaches the last zone is
 * what the path permits. With `keepTranslatedAway` false, a path whose traffic all passes but is
 * translated to addresses outside its last zone returns null (another path leads there).
 */
export function evaluatePath(space: PathSpace, path: {zones: string[]; devices: string[]}, start: Box): EvaluatedPath | null {
  let pieces: Piece[] = byFamily(start).map((b) => ({box: b, origin: b, chain: [], entered: []}))
  const hops: HopJson[] = []
  const deniedOrigins: Box[] = []
  let blockedAt: string | undefined
  for (let i = 0; i < path.devices.length; i++) {
    const d = space.devices.get(path.devices[i])!
    const from = path.zones[i]
    const to = path.zones[i + 1]
    const r = d.decide(from, to, pieces)
    hops.push(hopJson(space, d, from, to, r.passed, r.denied))
    if (r.denied.length) {
      deniedOrigins.push(...r.denied.map((p) => p.origin))
      blockedAt ??= d.id
    }
    pieces = r.passed
    if (pieces.length === 0) break
  }
  // what arrives in the last zone; NAT may have sent some elsewhere
  const last = path.zones[path.zones.length - 1]
  const inZone = space.addresses(last)
  const reached: Piece[] = []
  const away: Piece[] = []
  for (const p of pieces) {
    const here = p.box.to.intersect(inZone)
    if (!here.isEmpty()) reached.push({...p, box: {...p.box, to: here}})
    if (!p.box.to.subtract(inZone).isEmpty()) away.push(p)
  }
  if (pieces.length && reached.length === 0 && away.every((p) => p.chain.some((e) => e.kind === 'nat-forward' && e.translated))) return null
  for (const p of away) deniedOrigins.push(p.origin)
  const conditions = new Map<string, Condition>()
  for (const h of hops) for (const c of h.conditions ?? []) conditions.set(conditionKey(c), c)
  let verdict: Verdict = reached.length === 0 ? 'deny' : deniedOrigins.length === 0 ? 'permit' : 'partial'
  if (conditions.size) verdict = 'depends'
  const json: PathJson = {
    zones: [...path.zones],
    devices: [...path.devices],
    verdict,
    hops,
    permitted: mergeBoxes(reached.map((p) => p.box)).map((b) => trafficJson(b, (s) => space.label(s))),
    denied: mergeBoxes(deniedOrigins).map((b) => trafficJson(b, (s) => space.label(s))),
  }
  if (blockedAt) json.blocked_at = blockedAt
  else if (reached.length === 0 && pieces.length) json.blocked_at = path.devices[path.devices.length - 1]
  if (conditions.size) json.conditions = [...conditions.values()]
  return {json, reached}
}

/**
 * A path's JSON from its hops, what passed the last hop and the origins denied on the way; null when
 * all that passed was translated to addresses outside the last zone (another path leads there).
 */
export function pathJson(space: PathSpace, path: {zones: string[]; devices: string[]}, hops: HopJson[], pieces: Piece[], denied: Box[]): PathJson | null {
  const last = path.zones[path.zones.length - 1]
  const inZone = space.addresses(last)
  const reached: Piece[] = []
  const away: Piece[] = []
  for (const p of pieces) {
    const here = p.box.to.intersect(inZone)
    if (!here.isEmpty()) reached.push({...p, box: {...p.box, to: here}})
    if (!p.box.to.subtract(inZone).isEmpty()) away.push(p)
  }
  if (pieces.length && reached.length === 0 && away.every((p) => p.chain.some((e) => e.kind === 'nat-forward' && e.translated))) return null
  const deniedOrigins = [...denied, ...away.map((p) => p.origin)]
  const conditions = new Map<string, Condition>()
  for (const h of hops) for (const c of h.conditions ?? []) conditions.set(conditionKey(c), c)
  let verdict: Verdict = reached.length === 0 ? 'deny' : deniedOrigins.length === 0 ? 'permit' : 'partial'
  if (conditions.size) verdict = 'depends'
  const label = (s: AddressSet) => space.label(s)
  const json: PathJson = {
    zones: [...path.zones],
    devices: [...path.devices],
    verdict,
    hops,
    permitted: mergeBoxes(reached.map((p) => p.box)).map((b) => trafficJson(b, label)),
    denied: mergeBoxes(deniedOrigins).map((b) => trafficJson(b, label)),
  }
  const blocked = hops.find((h) => h.denied?.length)
  if (blocked) json.blocked_at = blocked.device
  else if (reached.length === 0) json.blocked_at = path.devices[path.devices.length - 1]
  if (conditions.size) json.conditions = [...conditions.values()]
  return json
}

/** The overall verdict of several paths: permit when one permits all, deny when all deny. */
export function overallVerdict(paths: PathJson[]): Verdict {
  if (paths.some((p) => p.verdict === 'permit')) return 'permit'
  if (paths.every((p) => p.verdict === 'deny')) return 'deny'
  if (paths.some((p) => p.verdict === 'depends')) return 'depends'
  return 'partial'
}

/** Addresses of a set of boxes (for "which sub-ranges"). */
export function sourcesOf(boxes: Box[]): AddressSet {
  return AddressSet.unionAll(boxes.map((b) => b.from))
}

/** A box split by address family: an IPv6 source never sends to an IPv4 destination. */
export function byFamily(b: Box): Box[] {
  const out: Box[] = []
  for (const fam of [AddressSet.ANY4, AddressSet.ANY6]) {
    const from = b.from.intersect(fam)
    const to = b.to.intersect(fam)
    if (!from.isEmpty() && !to.isEmpty()) out.push({...b, from, to})
  }
  return out
}
