/**
 * PAN-OS NAT rules → exposures: destination NAT (to its translated address and port) and the reverse
 * direction of bi-directional static source NAT. NAT is first match: what a rule translates, no later
 * rule sees; rules that translate nothing inward only shadow. And the PAN-OS order for the shared NAT
 * step (model/nat.ts, `panosNatOrder`).
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {PortSet} from '../../net/number-set.js'
import type {DeviceModel} from '../../model/device.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {forwardingFilter, leavesToward, type NatOrder, postNatZones} from '../../model/nat.js'
import {zoneAttachment} from './device.js'
import type {ContextConfig, NatRule} from './model.js'
import type {Objects, Template} from './objects.js'

const named = (zones: string[]) => (zones.filter((z) => z !== 'any').length ? zones : undefined)

function natTemplate(ctx: ContextConfig, r: NatRule, doubts: DoubtNote[]): Template {
  const base: Template = {
    kind: 'nat-forward',
    direction: 'inbound',
    line: r.line,
    rule: `${ctx.prefix} nat rule "${r.name}"`,
    text: `nat rule ${r.name} from ${r.from.join(',') || 'any'} to ${r.to.join(',') || 'any'} source ${r.source.join(',') || 'any'} destination ${r.destination.join(',') || 'any'} service ${r.service}`,
    fromZones: named(r.from),
    toZones: named(r.to),
    ingress: zoneAttachment(r.from, ctx.zones),
  }
  // a NAT rule's `to` is the zone of the destination before translation: where a destination NAT's
  // traffic leaves is decided after it, so only the reverse of a bi-directional static NAT names its egress
  if (!base.ingress) delete base.ingress
  return base
}

/** One rule's entries in the ordered NAT list; none when its translation is unusable (reported). */
function natRuleEntries(ctx: ContextConfig, r: NatRule, objects: Objects): Array<EvalRule<Template>> {
  const src = objects.addressesOf(r.source)
  const dst = objects.addressesOf(r.destination)
  const svc = objects.service(r.service)
  const doubts: DoubtNote[] = []
  if (src.unresolved.length || dst.unresolved.length) doubts.push(note('unexpanded-set', `address ${[...src.unresolved, ...dst.unresolved].join(', ')} not expanded; taken as any`))
  if (svc.unresolved) doubts.push(note('unknown-service', `service ${svc.unresolved} unknown; taken as any`))
  const base = natTemplate(ctx, r, doubts)
  let action: 'allow' | 'deny' = 'deny'
  let match: Box[] = svc.boxes.map((b) => ({...b, from: src.unresolved.length ? AddressSet.ANY : src.set, to: dst.unresolved.length ? AddressSet.ANY : dst.set}))
  const dt = r.destinationTranslation
  if (dt) {
    action = 'allow'
    const res = dt.address ? objects.addressesOf([dt.address]) : undefined
    if (res?.unresolved.length) doubts.push(note('translation-unknown', `translated-address ${res.unresolved.join(', ')} not expanded`))
    base.translated = {to: res && !res.unresolved.length ? res.set : undefined, ports: dt.port ? PortSet.parse(dt.port) ?? undefined : undefined}
  } else if (r.staticIp?.bidirectional) {
    // bi-directional static source NAT: traffic to the translated address reaches the original source
    action = 'allow'
    const res = r.staticIp.address ? objects.addressesOf([r.staticIp.address]) : undefined
    if (!res || res.unresolved.length) {
      r.rejectStatic('bi-directional static NAT without a usable translated-address')
      return []
    }
    base.translated = {to: src.set}
    base.text += ' (bi-directional static-ip, reverse direction)'
    match = svc.boxes.map((b) => ({...b, from: AddressSet.ANY, to: res.set}))
    reverseSides(ctx, r, base)
  }
  if (doubts.length) base.doubts = doubts
  const out: Array<EvalRule<Template>> = []
  for (const m of match) {
    out.push({match: m, action, opaque: action === 'deny', meta: base})
    // NAT is first-match: what this rule translates, no later rule sees
    if (action === 'allow') out.push({match: m, action: 'deny', meta: base})
  }
  return out
}

/** The reverse of a bi-directional static NAT enters from the rule's `to` zone and leaves by its `from`. */
function reverseSides(ctx: ContextConfig, r: NatRule, base: Template): void {
  base.fromZones = named(r.to)
  base.toZones = named(r.from)
  base.ingress = zoneAttachment(r.to, ctx.zones)
  base.egress = zoneAttachment(r.from, ctx.zones)
  if (!base.ingress) delete base.ingress
  if (!base.egress) delete base.egress
}

export function natExposures(ctx: ContextConfig, objects: Objects, emit: (t: Template, b: Box) => void): void {
  const list = ctx.nat.flatMap((r) => natRuleEntries(ctx, r, objects))
  for (const p of evaluateList(list, 'deny').permits) emit(p.meta, p.box)
}

/**
 * PAN-OS order for the shared NAT step (model/nat.ts): the NAT rule is looked up first (on the
 * original packet, its `to` zone being the pre-NAT destination zone), then the route of the translated
 * address gives the post-NAT zone, then the security rule decides on the PRE-NAT destination address and
 * service toward that POST-NAT zone.
 */
export function panosNatOrder(device: DeviceModel): NatOrder {
  return {
    filterWords: 'security rule',
    candidate: forwardingFilter,
    sees: () => 'original',
    pairs: (n, f) => leavesToward(f, postNatZones(device, n)),
  }
}
