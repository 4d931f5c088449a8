/**
 * Junos security policies → exposures, per zone pair: the pair's zone policies, then the global
 * policies that match it, then the default policy (deny-all unless `default-policy permit-all`).
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox, mergeBoxes} from '../../net/match.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {ZonePairMap} from '../../model/zone-pairs.js'
import type {Template} from './common.js'
import type {Convert} from './convert.js'
import type {Origin, Policy} from './model.js'

/** Source and destination of a policy for one pair, widened to any where a name could not be expanded. */
function policyAddresses(cv: Convert, p: Policy, fromZone: string | undefined, toZone: string | undefined, doubts: DoubtNote[]) {
  const src = cv.resolver.resolveAll(p.source, fromZone)
  const dst = cv.resolver.resolveAll(p.destination, toZone)
  let from = src.set
  let to = dst.set
  if (p.sourceExcluded) from = AddressSet.ANY.subtract(from)
  if (p.destinationExcluded) to = AddressSet.ANY.subtract(to)
  const fromSets = src.unresolved
  const toSets = dst.unresolved
  let opaque = false
  if (fromSets.length || toSets.length) {
    doubts.push(note('unresolved-name', `address ${[...fromSets, ...toSets].join(', ')} not expanded (dns-name or unknown); taken as any`))
    if (fromSets.length) from = AddressSet.ANY
    if (toSets.length) to = AddressSet.ANY
    opaque = true
  }
  return {from, to, fromSets, toSets, opaque}
}

/** The applications of a policy as boxes; an unknown one is any, and makes a deny opaque. */
function policyApplications(cv: Convert, p: Policy, doubts: DoubtNote[]): {boxes: Box[]; opaque: boolean} {
  const boxes: Box[] = []
  let opaque = false
  for (const a of p.applications.length ? p.applications : ['any']) {
    const r = cv.applications.resolve(a)
    if (r.unresolved) {
      doubts.push(note('unknown-service', `application ${r.unresolved} unknown; taken as any`))
      opaque = true
    }
    boxes.push(...r.boxes)
  }
  return {boxes, opaque}
}

/** One policy as evaluator rules for the pair (fromZone, toZone); zoneless global policies pass undefined. */
function policyRules(cv: Convert, p: Policy, fromZone: string | undefined, toZone: string | undefined): Array<EvalRule<Template>> {
  const doubts: DoubtNote[] = []
  const addr = policyAddresses(cv, p, fromZone, toZone, doubts)
  let to = addr.to
  const apps = policyApplications(cv, p, doubts)
  let opaque = addr.opaque || apps.opaque
  if (p.unknownMatch.length) {
    doubts.push(note('unknown-match', `match ${p.unknownMatch.join(', ')} not modelled; exposure may be narrower`))
    opaque = true
  }
  if (p.thenExtra.length) doubts.push(note('inspected', `then permit ${p.thenExtra.join(' ')}`))
  // junos-host is the device itself (self-traffic policies)
  if (toZone === 'junos-host' && !cv.deviceAddresses.isEmpty()) {
    to = to.intersect(cv.deviceAddresses)
    doubts.push(note('device-itself', 'to-zone junos-host: traffic to the device itself'))
  }
  const action = p.action === 'permit' ? 'allow' : 'deny'
  const template: Template = {
    kind: 'filter',
    direction: 'inbound',
    line: p.line,
    rule: p.global ? `global policy ${p.name}` : `from-zone ${p.fromZones[0]} to-zone ${p.toZones[0]} policy ${p.name}`,
    name: p.name,
    text: policyText(p),
    fromZones: fromZone ? [fromZone] : undefined,
    toZones: toZone ? [toZone] : undefined,
    fromSets: addr.fromSets.length ? addr.fromSets : undefined,
    toSets: addr.toSets.length ? addr.toSets : undefined,
    doubts,
  }
  if (toZone === 'junos-host') template.hostLocal = true
  const out: Array<EvalRule<Template>> = []
  for (const b of mergeBoxes(apps.boxes)) {
    const match = intersectBox(b, {...ANY_BOX, from: addr.from, to})
    if (match) out.push({match, action, opaque: action === 'deny' && opaque, meta: template})
  }
  return out
}


/** Does a global policy's `match from-zone/to-zone` (empty = any) cover the pair? */
function globalApplies(p: Policy, fromZone: string, toZone: string): boolean {
  if (p.fromZones.length && !p.fromZones.includes(fromZone) && !p.fromZones.includes('any')) return false
  if (p.toZones.length && !p.toZones.includes(toZone) && !p.toZones.includes('any')) return false
  return true
}

function defaultPermitTemplate(cv: Convert, fromZone: string, toZone: string): Template {
  const d = cv.config.defaultPolicy!
  return {
    kind: 'filter',
    direction: 'inbound',
    line: d.line,
    rule: `default-policy permit-all (${fromZone} to ${toZone})`,
    text: d.text,
    fromZones: [fromZone],
    toZones: [toZone],
  }
}

function defaultDenyTemplate(d: Origin, fromZone: string, toZone: string): Template {
  return {kind: 'filter', direction: 'inbound', line: d.line, rule: `default-policy deny-all (${fromZone} to ${toZone})`, text: d.text, fromZones: [fromZone], toZones: [toZone]}
}

export function policyExposures(cv: Convert): void {
  const active = cv.config.policies.filter((p) => !p.inactive && p.action)
  const zonePolicies = new ZonePairMap<Policy[]>()
  for (const p of active) {
    if (p.global) continue
    const list = zonePolicies.get(p.fromZones[0], p.toZones[0])
    if (list) list.push(p)
    else zonePolicies.set(p.fromZones[0], p.toZones[0], [p])
  }
  const globals = active.filter((p) => p.global)
  const defaultPermit = cv.config.defaultPolicy?.action === 'permit-all'
  const zoneNames = [...cv.config.zones.values()].filter((z) => !z.functional).map((z) => z.name)
  // a zone pair no policy names is evaluated only when a global policy or a default permit reaches it
  const pairs = zonePolicies
  // an explicit deny-all decides every pair no policy passes: each pair records it (the deciding line)
  const denyAll = cv.config.defaultPolicy?.action === 'deny-all' ? cv.config.defaultPolicy : undefined
  if (defaultPermit || denyAll || globals.length) for (const a of zoneNames) for (const b of zoneNames) if (!pairs.get(a, b)) pairs.set(a, b, [])
  for (const [fromZone, toZone, policies] of pairs.sorted()) {
    const rules: Array<EvalRule<Template>> = []
    for (const p of policies) rules.push(...policyRules(cv, p, fromZone, toZone))
    for (const p of globals) if (globalApplies(p, fromZone, toZone)) rules.push(...policyRules(cv, p, fromZone, toZone))
    // the implicit deny-all (no default-policy statement) has no line to record
    const policyMeta = defaultPermit ? defaultPermitTemplate(cv, fromZone, toZone) : denyAll ? defaultDenyTemplate(denyAll, fromZone, toZone) : undefined
    const result = evaluateList(rules, defaultPermit ? 'allow' : 'deny', policyMeta, {recordDenies: true})
    for (const permit of result.permits) cv.emit(permit.meta, permit.box)
    // recorded per pair: a deny decides only traffic between its zones
    for (const x of result.denies ?? []) cv.denies.push({line: x.meta.line, rule: x.meta.rule, box: x.box, direction: 'inbound', fromZones: [fromZone], toZones: [toZone]})
  }
  // without zones, global policies still describe what passes between any two interfaces
  if (zoneNames.length === 0 && globals.length) {
    const rules = globals.flatMap((p) => policyRules(cv, p, undefined, undefined))
    for (const permit of evaluateList(rules, 'deny').permits) cv.emit(permit.meta, permit.box)
  }
}

function policyText(p: Policy): string {
  const head = p.global ? `global policy ${p.name}` : `from-zone ${p.fromZones[0]} to-zone ${p.toZones[0]} policy ${p.name}`
  const parts = [head, 'match']
  if (p.global && p.fromZones.length) parts.push(`from-zone ${p.fromZones.join(' ')}`)
  if (p.global && p.toZones.length) parts.push(`to-zone ${p.toZones.join(' ')}`)
  parts.push(`source-address ${listText(p.source)}`)
  if (p.sourceExcluded) parts.push('source-address-excluded')
  parts.push(`destination-address ${listText(p.destination)}`)
  if (p.destinationExcluded) parts.push('destination-address-excluded')
  parts.push(`application ${listText(p.applications)}`)
  parts.push(`then ${p.action ?? '?'}`)
  return parts.join(' ')
}

function listText(items: string[]): string {
  if (items.length === 0) return 'any'
  return items.length === 1 ? items[0] : `[ ${items.join(' ')} ]`
}
