/**
 * Live configs → inventory drafts. The diff is the oracle: what `diff` would report is what adopt
 * drafts, so an adopted inventory diffs clean by construction (and the draft is checked by running the
 * diff once more).
 *
 * - interfaces the diff infers (default route, WAN, security level 0, one zone holding the subnet)
 *   become explicit `devices[].interfaces` entries marked "to confirm";
 * - interfaces it reports as `interface-unmapped` get a zone: the zones their private subnet lies in,
 *   the internet zone for a public subnet, else a new zone proposed with the subnet as its cidrs;
 * - every live rule behind an `unwanted-access-point` or `access-point-drift` finding gets one access
 *   point covering all of it: `from` names the untrusted zones the rule admits whole (those of its
 *   ingress when mapped), else the addresses it admits; never more than the rule opens.
 */
import type {LoadedInventory} from '../inventory/load.js'
import type {Inventory} from '../inventory/model.js'
import type {DeviceModel} from '../model/device.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, protocolName} from '../net/protocol.js'
import {byCodeUnit} from '../core/order.js'
import {diffFindings} from '../diff/engine.js'
import {diffInputFromInventory} from '../diff/inventory.js'
import type {DiffInput, DiffPolicy, Finding, LiveConfig} from '../diff/model.js'
import {anyAddress, DeviceReach, type InterfaceMapping, type Unmapped, ZoneSpace} from '../diff/reach.js'
import {isEmptyConfig} from '../diff/unaudited.js'
import {ruleAnnotation} from './annotation.js'
import {addDays, type Draft, type DraftEntry, type DraftInterface, freshId, OWNER_TO_CONFIRM, slug} from './model.js'

/** Days an adopted access point is approved for before its first review. */
export const REVIEW_DAYS = 90

const LOOPBACK = AddressSet.of('127.0.0.0/8', '::1/128')
const PRIVATE = AddressSet.of('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10')
const INFERRED: Record<string, string> = {
  'default-route': 'it holds the default route',
  wan: 'the config marks it WAN',
  'security-level-0': 'its ASA security level is 0',
  subnet: 'its connected subnet lies in this zone',
}
const KIND_OF: Record<string, string> = {filter: 'firewall-opening', 'nat-forward': 'nat-forward', 'vpn-listener': 'vpn', 'vpn-route': 'vpn', 'load-balancer': 'load-balancer'}
/** Protocol names the inventory's service grammar accepts; others are written as numbers. */
const SERVICE_NAMES = new Set(['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'esp', 'ah', 'gre'])
/** Findings a drafted access point answers. */
const ACCESS_RULES = new Set(['unwanted-access-point', 'access-point-drift'])

/** A NetBox service that names what listens at an address (justification when the rule has no comment). */
export interface KnownService {
  address: string
  protocol: string
  ports: number[]
  label: string
}

export interface LiveDraftOptions {
  loaded: LoadedInventory
  live: LiveConfig[]
  policy: DiffPolicy
  asOf: string
  /** Ids already in use (every collection), extended with the drafted ones. */
  taken: Set<string>
  services?: KnownService[]
}

export interface LiveDraftResult {
  draft: Draft
  /** The diff's findings once the drafts are in (what stays for a human). */
  findings: Finding[]
}

/** An inventory with drafts applied in memory (entries not from a file have no position: fine here). */
export function withDrafts(loaded: LoadedInventory, draft: Draft): LoadedInventory {
  const inv = loaded.inventory
  const add = <T>(c: 'zones' | 'devices' | 'access_points' | 'contacts') => {
    const have = new Set((inv[c] as Array<{id: string}>).map((x) => x.id))
    return draft.entries.filter((d) => d.collection === c && !have.has(d.id)).map((d) => d.entry as T)
  }
  const byDevice = new Map<string, DraftInterface['mapping'][]>()
  for (const i of draft.interfaces) byDevice.set(i.device, [...(byDevice.get(i.device) ?? []), i.mapping])
  const devices = [...inv.devices, ...add<Inventory['devices'][number]>('devices')].map((d) => {
    const extra = byDevice.get(d.id) ?? []
    const have = new Set((d.interfaces ?? []).map((i) => JSON.stringify(i)))
    const fresh = extra.filter((m) => !have.has(JSON.stringify(m)))
    return fresh.length ? {...d, interfaces: [...(d.interfaces ?? []), ...fresh]} : d
  })
  const inventory: Inventory = {
    ...inv,
    zones: [...inv.zones, ...add<Inventory['zones'][number]>('zones')],
    devices,
    access_points: [...inv.access_points, ...add<Inventory['access_points'][number]>('access_points')],
    contacts: [...inv.contacts, ...add<Inventory['contacts'][number]>('contacts')],
  }
  return {...loaded, inventory}
}

export function draftFromLive(o: LiveDraftOptions, base: Draft): LiveDraftResult {
  const draft: Draft = {entries: [...base.entries], interfaces: [...base.interfaces], notes: [...base.notes]}
  // 1. interfaces: make inferences explicit, give unmapped ones a zone
  const first = inputFor(o, draft)
  const out: {mappings?: Map<string, InterfaceMapping[]>} = {}
  const firstFindings = diffFindings(first, out)
  const unmappedIds = new Set(firstFindings.filter((f) => f.rule === 'interface-unmapped').map((f) => f.id))
  for (const [device, mappings] of [...(out.mappings ?? [])].sort((a, b) => byCodeUnit(a[0], b[0]))) {
    for (const m of mappings) {
      const why = INFERRED[m.how]
      if (!why || m.name === undefined) continue
      for (const zone of m.zones) draft.interfaces.push({device, mapping: {name: m.name, zone}, comment: `inferred: ${why}; to confirm`})
    }
  }
  const space = new ZoneSpace(first.zones, o.policy.trustedTrust)
  for (const [device, reach] of reachByDevice(first, space)) {
    for (const u of reach.unmapped()) {
      if (!unmappedIds.has(`interface-unmapped:${device}:${u.name ?? `zone-${u.vendorZone}`}`)) continue
      proposeZone(device, u, space, o, draft, first)
    }
  }
  // 2. access points: one per live rule the diff would report. A NAT composed with the filter rule that
  // passes it is one opening, reported at the NAT: its entry covers the filter rule too. A second pass
  // drafts what a first one left (a filter rule that passes more than its NAT).
  // the diff runs again only when step 1 changed the inventory (it is the expensive part)
  const changed = draft.interfaces.length !== base.interfaces.length || draft.entries.length !== base.entries.length
  const second = changed ? inputFor(o, draft) : first
  const secondSpace = new ZoneSpace(second.zones, o.policy.trustedTrust)
  const reaches = reachByDevice(second, secondSpace)
  const trusted = trustedSet(second)
  const done = new Set<string>()
  const key = (device: string, file: string, line: number) => `${device}\u0000${file}\u0000${String(line).padStart(9, '0')}`
  // inbound exposures by rule (device, file, line), indexed once: a config may hold 100,000 rules
  const byRule = new Map<string, Exposure[]>()
  for (const l of second.live) {
    if ('error' in l) continue
    for (const e of l.exposures) {
      if (e.direction !== 'inbound') continue
      const k = key(l.device, e.file ?? '', e.line)
      const list = byRule.get(k)
      if (list) list.push(e)
      else byRule.set(k, [e])
    }
  }
  const exposuresAt = (device: string, file: string, line: number) => byRule.get(key(device, file, line)) ?? []
  let findings = changed ? diffFindings(second) : firstFindings
  for (let pass = 0; pass < 2; pass++) {
    const rules = new Map<string, {device: string; file: string; line: number}>()
    for (const f of findings) {
      if (!ACCESS_RULES.has(f.rule) || !f.device || !f.file || f.line === undefined) continue
      for (const at of [{file: f.file, line: f.line}, ...(f.also ?? [])]) rules.set(key(f.device, at.file, at.line), {device: f.device, ...at})
    }
    const composed = new Set<string>()
    if (pass === 0) {
      for (const {device, file, line} of rules.values()) {
        for (const e of exposuresAt(device, file, line)) if (e.kind === 'nat-forward' && e.filter && e.filter.line !== line) composed.add(key(device, file, e.filter.line))
      }
    }
    let added = 0
    for (const k of [...rules.keys()].sort(byCodeUnit)) {
      if (done.has(k) || composed.has(k)) continue
      const {device, file, line} = rules.get(k)!
      const exposures = exposuresAt(device, file, line)
      const reach = reaches.get(device)
      if (!exposures.length || !reach) continue
      draft.entries.push(accessPoint(device, exposures, {reach, space: secondSpace, trusted, input: second, o}))
      done.add(k)
      added++
    }
    if (!added) break
    // the check: the diff once more with everything drafted (what it still reports, the next pass takes)
    findings = diffFindings(inputFor(o, draft))
  }
  // 3. what is still reported is for a human
  const final = findings
  for (const f of final) {
    if (!ACCESS_RULES.has(f.rule) && f.rule !== 'interface-unmapped') continue
    draft.notes.push({code: f.rule === 'interface-unmapped' ? 'interface-no-zone' : 'rule-not-covered', message: `still reported after adopt: ${f.message}`, ...(f.file ? {file: f.file} : {}), ...(f.line !== undefined ? {line: f.line} : {})})
  }
  return {draft, findings: final}
}

function inputFor(o: LiveDraftOptions, draft: Draft): DiffInput {
  return diffInputFromInventory(withDrafts(o.loaded, draft), o.live, o.asOf, o.policy)
}

/** As the diff engine builds them: each parsed device's reach, its models merged. */
function reachByDevice(input: DiffInput, space: ZoneSpace): Map<string, DeviceReach> {
  const out = new Map<string, DeviceReach>()
  const trusted = trustedSet(input)
  for (const live of input.live) {
    if ('error' in live || isEmptyConfig(live) || out.has(live.device)) continue
    const parsed = input.live.filter((l): l is Extract<LiveConfig, {exposures: Exposure[]}> => l.device === live.device && !('error' in l))
    const models = parsed.flatMap((l) => (l.model ? [l.model] : []))
    const model: DeviceModel | undefined = models.length
      ? {interfaces: models.flatMap((m) => m.interfaces), ownAddresses: models.flatMap((m) => m.ownAddresses), listeners: models.flatMap((m) => m.listeners)}
      : undefined
    const exposures = parsed.flatMap((l) => l.exposures)
    const natted = AddressSet.unionAll(exposures.filter((x) => x.kind === 'nat-forward' && x.translated?.to).map((x) => x.to))
    const reach = new DeviceReach(space, input.devices.find((d) => d.id === live.device), model, natted)
    // walk the inbound rules as the diff does, so that unmapped interfaces are noted
    for (const e of exposures) if (e.direction === 'inbound') reach.scope(e, trusted)
    out.set(live.device, reach)
  }
  return out
}

function trustedSet(input: DiffInput): AddressSet {
  const trust = new Set(input.policy.trustedTrust)
  return AddressSet.unionAll([LOOPBACK, ...input.zones.filter((z) => trust.has(z.trust)).map((z) => z.addresses)])
}

function subnetsOf(u: Unmapped): AddressSet[] {
  return u.addresses.map((a) => AddressSet.parse(a)).filter((s): s is AddressSet => s !== null && !s.isEmpty())
}

/** A zone for an interface the diff cannot map (see the module comment). */
function proposeZone(device: string, u: Unmapped, space: ZoneSpace, o: LiveDraftOptions, draft: Draft, input: DiffInput): void {
  const what = u.name !== undefined ? `interface ${u.name}` : `vendor zone ${u.vendorZone}`
  const map = (zone: string, comment: string) => {
    const mapping: DraftInterface['mapping'] = u.name !== undefined ? {name: u.name, zone} : {vendor_zone: u.vendorZone!, zone}
    draft.interfaces.push({device, mapping, comment})
  }
  const subnets = subnetsOf(u)
  if (!subnets.length) {
    // no address (iptables-save, tunnels): the zones the sources of its rules lie in, when they all lie in zones
    const bySources = zonesOfSources(device, u, space, input, withDrafts(o.loaded, draft).inventory.zones)
    if (bySources.length) {
      for (const zone of bySources) map(zone, 'proposed: the rules bound to it admit sources of this zone; to confirm')
      return
    }
    draft.notes.push({code: 'interface-no-zone', message: `${device}: rules are bound to ${what}, which has no address in the config and admits sources no zone describes: map it by hand in devices[].interfaces`, ...(u.line ? {line: u.line} : {})})
    return
  }
  const cidrs = AddressSet.unionAll(subnets).toCidrs()
  if (!subnets.every((s) => PRIVATE.covers(s))) {
    // recall first: a public subnet nobody describes is taken as facing the internet
    if (space.internet) map(space.internet.id, `proposed: public subnet ${cidrs.join(', ')} assumed to face the internet; to confirm`)
    else draft.notes.push({code: 'interface-no-zone', message: `${device}: ${what} (${cidrs.join(', ')}) maps to no zone and the inventory has no internet zone: map it by hand`})
    return
  }
  // the innermost zone holding each subnet (a nested zone before its parent), else the zones it overlaps
  const holding = subnets.map((s) => space.zones.filter((z) => !z.catchAll && !z.addresses.isEmpty() && z.addresses.covers(s)).sort((a, b) => (a.addresses.covers(b.addresses) ? 1 : b.addresses.covers(a.addresses) ? -1 : byCodeUnit(a.id, b.id)))[0]?.id)
  const fits = holding.every((h) => h !== undefined) ? [...new Set(holding as string[])].sort(byCodeUnit) : u.fits
  if (fits.length) {
    for (const zone of fits) map(zone, `proposed: its subnet ${cidrs.join(', ')} lies in this zone; to confirm`)
    return
  }
  const id = freshId(slug(`${device}-${u.name ?? u.vendorZone}`), o.taken)
  draft.entries.push({
    collection: 'zones',
    id,
    entry: {id, name: `${device} ${u.name ?? u.vendorZone} (proposed by adopt)`, trust: 'internal', cidrs, owner: OWNER_TO_CONFIRM},
    comment: [`irm-audit adopt: proposed for ${what} of ${device}, which no zone describes. Confirm its trust and cidrs (to confirm).`],
  })
  map(id, 'proposed zone; to confirm')
}

/**
 * The zones holding the sources of the rules bound to an interface or vendor zone (outermost zones
 * only: a nested zone is inside its parent). Empty when a source is any, or lies in no zone: then it
 * may well face the internet, and that is not for adopt to guess.
 */
function zonesOfSources(device: string, u: Unmapped, space: ZoneSpace, input: DiffInput, zones: Inventory['zones']): string[] {
  const bound = (e: Exposure) =>
    e.direction === 'inbound' && !!e.ingress && (u.name !== undefined ? e.ingress.interfaces.includes(u.name) : !e.ingress.interfaces.length && e.ingress.zones.includes(u.vendorZone!))
  const exposures = input.live.flatMap((l) => (l.device === device && !('error' in l) ? l.exposures : [])).filter(bound)
  const sources = AddressSet.unionAll(exposures.map((e) => e.from)).subtract(LOOPBACK)
  if (sources.isEmpty()) return []
  const zoned = space.zones.filter((z) => !z.catchAll && !z.addresses.isEmpty())
  if (!AddressSet.unionAll(zoned.map((z) => z.addresses)).covers(sources)) return []
  const parents = new Map(zones.map((z) => [z.id, z.parent]))
  const hit = zoned.filter((z) => z.addresses.overlaps(sources)).map((z) => z.id)
  const outer = hit.filter((id) => {
    for (let p = parents.get(id), seen = 0; p && seen < 64; p = parents.get(p), seen++) if (hit.includes(p)) return false
    return true
  })
  return outer.sort(byCodeUnit)
}

interface RuleContext {
  reach: DeviceReach
  space: ZoneSpace
  trusted: AddressSet
  input: DiffInput
  o: LiveDraftOptions
}

/** One access point covering every exposure of one live rule. */
function accessPoint(device: string, exposures: Exposure[], c: RuleContext): DraftEntry {
  const e = exposures[0]
  const fromZones = new Set<string>()
  let fromCidrs = AddressSet.EMPTY
  let to = AddressSet.EMPTY
  let anySource = false
  const ingressZones = new Set<string>()
  const dev = c.input.devices.find((d) => d.id === device)
  for (const x of exposures) {
    const scope = c.reach.scope(x, c.trusted)
    for (const z of scope.ingressZones ?? []) ingressZones.add(z)
    const target = x.hostLocal && anyAddress(x.to) && dev?.managementAddresses ? dev.managementAddresses : x.to
    to = to.union(target)
    const families = AddressSet.unionAll([4, 6].filter((f) => target.hasFamily(f as 4 | 6)).map((f) => (f === 4 ? AddressSet.ANY4 : AddressSet.ANY6)))
    let untrusted = scope.untrusted.isEmpty() ? x.from.subtract(c.trusted) : scope.untrusted
    untrusted = untrusted.intersect(families)
    if (!scope.ingressZones && families.intersect(x.from).equals(families) && !x.from.isEmpty()) {
      anySource = true
      continue
    }
    const candidates = scope.ingressZones?.filter((z) => c.space.untrusted(z)) ?? c.space.zones.filter((z) => c.space.untrusted(z.id)).map((z) => z.id)
    let left = untrusted
    for (const z of candidates) {
      const za = c.space.addressesOf([z]).intersect(families).subtract(LOOPBACK)
      const part = untrusted.intersect(za)
      if (part.isEmpty()) continue
      if (part.covers(za)) {
        fromZones.add(z)
        left = left.subtract(za)
      }
    }
    fromCidrs = fromCidrs.union(left)
  }
  const from = anySource ? ['any'] : [...[...fromZones].sort(byCodeUnit), ...fromCidrs.toCidrs()]
  const partnerOnly = fromZones.size > 0 && fromCidrs.isEmpty() && [...fromZones].every((z) => c.input.zones.find((x) => x.id === z)?.trust === 'partner')
  const dest = destination(to, c)
  const kind = dest.outside ? 'direct-internet' : partnerOnly ? 'partner-link' : (KIND_OF[e.kind] ?? 'firewall-opening')
  const toRefs = dest.refs
  const label = quotedName(e) ?? e.rule
  const id = freshId(`ap-${device}-${slug(label).slice(0, 48)}`.replace(/-+$/, ''), c.o.taken)
  const note = ruleAnnotation(e)
  const known = knownService(exposures, c.o.services ?? [])
  const justification = note ?? known ?? `Live rule ${e.rule} of ${device} (the config gives no comment): say why it is needed`
  const where = `${e.file ?? '?'}:${e.line}`
  const via = ingressZones.size ? ` entering from ${[...ingressZones].sort(byCodeUnit).join(', ')}` : ''
  const text = e.text ? `: ${e.text.length > 140 ? `${e.text.slice(0, 137)}...` : e.text}` : ''
  const filter = e.filter && e.filter.line !== e.line ? `; passed by ${e.filter.rule} at line ${e.filter.line}` : ''
  return {
    collection: 'access_points',
    id,
    entry: {
      id,
      name: `${device} ${e.rule}`,
      kind,
      device,
      from: from.length ? from : ['any'],
      to: toRefs,
      services: servicesOf(exposures),
      owner: OWNER_TO_CONFIRM,
      justification,
      review_by: addDays(c.o.asOf, REVIEW_DAYS),
    },
    comment: [
      `irm-audit adopt: drafted from ${where} (${e.rule})${via}${text}${filter}`,
      `to confirm: owner, justification${note ? '' : ' (none in the config)'}, and whether this opening is wanted at all`,
    ],
  }
}

/** The vendor's quoted rule name (`security rule "edi-sftp"`), a better id than its position. */
function quotedName(e: Exposure): string | undefined {
  return e.name && e.rule.includes(`"${e.name}"`) ? e.name : undefined
}

/**
 * `to` in inventory words: the zones it covers whole, then the CIDRs left (every one inside a zone, as
 * validate wants). Addresses no zone describes can only be named by the catch-all zone, which stands
 * for any destination: the entry then says so (kind direct-internet, as a breakout is written).
 */
function destination(to: AddressSet, c: RuleContext): {refs: string[]; outside: boolean} {
  if (anyAddress(to)) return {refs: ['any'], outside: false}
  const zones = c.input.zones.filter((z) => !z.catchAll && !z.addresses.isEmpty())
  const outside = !to.subtract(AddressSet.unionAll(zones.map((z) => z.addresses))).isEmpty()
  if (outside) return {refs: [c.space.internet?.id ?? 'any'], outside: true}
  const refs: string[] = []
  let rest = to
  for (const z of [...zones].sort((a, b) => b.addresses.size4() - a.addresses.size4() || byCodeUnit(a.id, b.id))) {
    if (!to.covers(z.addresses) || !rest.overlaps(z.addresses)) continue
    refs.push(z.id)
    rest = rest.subtract(z.addresses)
  }
  return {refs: [...refs.sort(byCodeUnit), ...rest.toCidrs()], outside: false}
}

/** `tcp/80`, `tcp/443`, `udp/53`, `esp`, `any`: every protocol and port the rule passes. */
export function servicesOf(exposures: Exposure[]): string[] {
  let all = ProtocolSet.EMPTY
  const ports = new Map<number, PortSet>()
  for (const e of exposures) {
    all = all.union(e.protocols)
    for (const p of e.protocols.values()) ports.set(p, (ports.get(p) ?? PortSet.EMPTY).union(hasPorts(p) ? e.ports : PortSet.ALL))
  }
  // almost every protocol (a chain policy with a few denies above): `any` is what a reviewer reads
  if (all.isAll() || all.size() > 8) return ['any']
  const out: string[] = []
  for (const p of all.values()) {
    const name = SERVICE_NAMES.has(protocolName(p)) ? protocolName(p) : String(p)
    const set = ports.get(p)!
    if (!hasPorts(p) || set.isAll()) out.push(name)
    else for (const r of set.toStrings()) out.push(`${name}/${r}`)
  }
  return out
}

/** The NetBox service listening where the rule leads, as a justification. */
function knownService(exposures: Exposure[], services: KnownService[]): string | undefined {
  for (const e of exposures) {
    for (const target of [e.to, e.translated?.to].filter((x): x is AddressSet => !!x)) {
      for (const s of services) {
        const at = AddressSet.parse(s.address)
        if (!at || !target.covers(at)) continue
        const proto = e.protocols.values().map(protocolName)
        if (proto.includes(s.protocol) && s.ports.some((p) => e.ports.has(p))) return s.label
      }
    }
  }
  return undefined
}

