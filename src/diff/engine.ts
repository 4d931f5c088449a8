/**
 * Live exposures vs approved access points → findings (DESIGN §6). Coverage is box arithmetic over
 * address/protocol/port sets; access points and exposures are found through per-device interval indexes
 * on the destination, so the work grows with the overlaps, not with exposures × access points.
 */
import {rateFindings, withoutDead} from './confidence.js'
import {attachment, type DeviceModel} from '../model/device.js'
import {type Denial, type Exposure, exposureBox, type ExposureJson, exposureToJson} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {type Box, coversBox, intersectBox, mergeBoxes, overlapsBox} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, ICMP, ICMPV6} from '../net/protocol.js'
import {type ApBox, DeviceAccess, exposureBoxes, ExposureIndex, sameFamily, uncovered} from './coverage.js'
import {Identity} from './identity.js'
import {anyAddress, DeviceReach, type InterfaceMapping, type ReachScope, type Unmapped, ZoneSpace} from './reach.js'
import type {ApprovedAccess, CriticalFlow, DiffInput, DiffZone, Excess, Finding, LiveConfig, Reach, Severity} from './model.js'
import {protocolNames, serviceText, splitByProtocol, wholeService} from './services.js'
import {byCodeUnit} from '../core/order.js'
import {isEmptyConfig, unauditedFindings} from './unaudited.js'

const LOOPBACK = AddressSet.of('127.0.0.0/8', '::1/128')
const NO_COVER: readonly ApBox[] = []
const ICMP_ONLY = ProtocolSet.of(ICMP, ICMPV6)

const KIND_OF: Record<string, string> = {
  filter: 'firewall-opening',
  'nat-forward': 'nat-forward',
  'vpn-listener': 'vpn',
  'vpn-route': 'vpn',
  'load-balancer': 'load-balancer',
}

class Engine {
  private readonly trusted: AddressSet
  private readonly partner: AddressSet
  private readonly access = new Map<string, DeviceAccess>()
  /** Per device: its denies in evaluation order and its NAT rules as read (the rule deciding a blocked flow). */
  private readonly denies = new Map<string, Denial[]>()
  private readonly nats = new Map<string, Exposure[]>()
  /** Per device: `line rule` of a filter rule → the translated traffic of the composed NATs it passes. */
  private readonly natFilters = new Map<string, Map<string, Box[]>>()
  private readonly provided = new Set<ApprovedAccess>()
  /** The live rules that provide each access point (recert evidence). */
  readonly providers = new Map<ApprovedAccess, Exposure[]>()
  private readonly findings: Finding[] = []
  private readonly identity: Identity
  private readonly space: ZoneSpace
  /** Per device: its interfaces and vendor zones mapped to inventory zones (reach by where traffic enters). */
  readonly reach = new Map<string, DeviceReach>()
  /**
   * Set results by the operands' identity (sets are immutable and shared: ANY, an access point's, a
   * rule's exposures'): thousands of findings subtract, print and classify the same few sets.
   */
  private readonly differences = new Map<AddressSet, Map<AddressSet, AddressSet>>()
  private readonly described = new Map<AddressSet, string>()
  private readonly reaches = new Map<AddressSet, Reach>()
  private readonly labels = new Map<AddressSet, Map<AddressSet, string | null>>()
  /** CIDR lists by the set's intervals: the excess of many findings is the same addresses in new sets. */
  private readonly cidrLists = new Map<string, string[]>()
  private readonly touching: number[][] = []
  private readonly candidateLists: number[][] = []

  constructor(private readonly input: DiffInput) {
    // loopback never arrives from outside the device (`-i lo -j ACCEPT`, `permit ip host 127.0.0.1`)
    this.trusted = AddressSet.unionAll([LOOPBACK, ...input.zones.filter((z) => input.trust.isTrustedLevel(z.trust)).map((z) => z.addresses)])
    this.partner = AddressSet.unionAll(input.zones.filter((z) => z.trust === 'partner').map((z) => z.addresses)).subtract(this.trusted)
    this.identity = new Identity(input.zones, this.trusted)
    this.space = new ZoneSpace(input.zones, input.trust.trustedLevels)
  }

  /** Per device: its access points, and the filter rules its composed NATs pass. */
  private prepare(liveByDevice: Map<string, Exposure[]>): void {
    for (const ap of this.input.accessPoints) {
      // only a device with live rules is asked about (a worker's one device, not the whole estate)
      if (!liveByDevice.has(ap.device)) continue
      let access = this.access.get(ap.device)
      if (!access) this.access.set(ap.device, (access = new DeviceAccess()))
      access.add(ap)
    }
    for (const [device, exposures] of liveByDevice) {
      // composed NAT (model/nat.ts): the NAT is checked at its own line, the filter rule only for the rest,
      // on the side the filter saw (translated or original)
      const byFilter = new Map<string, Box[]>()
      for (const e of exposures) {
        if (e.kind !== 'nat-forward' || !e.filter) continue
        const key = `${e.filter.line} ${e.filter.rule}`
        const boxes = byFilter.get(key) ?? byFilter.set(key, []).get(key)!
        boxes.push(...exposureBoxes(e))
      }
      if (byFilter.size) this.natFilters.set(device, byFilter)
    }
  }

  /** A filter rule that passes nothing but the traffic of composed NATs: their findings say it. */
  private onlyNatTraffic(device: string, e: Exposure): boolean {
    const boxes = e.kind === 'filter' ? this.natFilters.get(device)?.get(`${e.line} ${e.rule}`) : undefined
    return boxes !== undefined && uncovered(exposureBox(e), boxes).rest.length === 0
  }

  /**
   * `devices`: only what the devices in `input.live` decide (a worker's share); `shared`: only what no
   * device decides (devices without a config, expired access points; `withConfig`: the devices that
   * have one). Together they are `all`, in another order that the merge makes the same (ids name devices).
   */
  run(phase: 'all' | 'devices' | 'shared' = 'all', withConfig?: ReadonlySet<string>): Finding[] {
    const liveByDevice = new Map<string, Exposure[]>()
    for (const live of this.input.live) {
      if ('error' in live || isEmptyConfig(live)) continue
      const list = liveByDevice.get(live.device) ?? []
      list.push(...live.exposures)
      liveByDevice.set(live.device, list)
    }
    for (const live of this.input.live) {
      if ('error' in live || isEmptyConfig(live)) continue
      if (live.denies?.length) this.denies.set(live.device, [...(this.denies.get(live.device) ?? []), ...live.denies.map((d) => ({...d, file: d.file ?? live.file}))])
      if (live.nats?.length) this.nats.set(live.device, [...(this.nats.get(live.device) ?? []), ...live.nats])
    }
    this.prepare(liveByDevice)
    for (const live of this.input.live) {
      if ('error' in live || isEmptyConfig(live) || this.reach.has(live.device)) continue
      const models = this.input.live.filter((l) => l.device === live.device && !('error' in l) && l.model).map((l) => (l as {model: DeviceModel}).model)
      const model = models.length ? {interfaces: models.flatMap((m) => m.interfaces), ownAddresses: models.flatMap((m) => m.ownAddresses), listeners: models.flatMap((m) => m.listeners)} : undefined
      const natted = AddressSet.unionAll((liveByDevice.get(live.device) ?? []).filter((x) => x.kind === 'nat-forward' && x.translated?.to).map((x) => x.to))
      this.reach.set(live.device, new DeviceReach(this.space, this.input.devices.find((d) => d.id === live.device), model, natted))
    }
    const audited = new Set<string>()
    for (const live of this.input.live) {
      if ('error' in live || isEmptyConfig(live)) continue // a device-unaudited finding says so
      audited.add(live.device)
      if (live.type === 'fortios') this.checkPolicies(live.device, live.exposures)
      else for (const e of live.exposures) {
        if (wholeService(e)) this.checkExposure(live.device, e)
        else for (const part of splitByProtocol(e)) this.checkExposure(live.device, part)
      }
      if (live.unparsed.length) this.unauditedRules(live)
    }
    for (const [device, reach] of this.reach) for (const u of reach.unmapped()) this.interfaceUnmapped(device, u)
    const only = phase === 'devices' ? 'configs' : phase === 'shared' ? 'missing' : undefined
    this.findings.push(...unauditedFindings(this.input, (device) => this.internetFacing(device), {only, withConfig}))
    for (const ap of this.input.accessPoints) {
      if (audited.has(ap.device) && !this.provided.has(ap)) this.stale(ap)
      if (phase !== 'devices' && ap.reviewBy && ap.reviewBy < this.input.asOf) this.expired(ap)
    }
    const permits = new Map<string, ExposureIndex>()
    for (const flow of this.input.flows) {
      const egress = this.toInternet(flow)
      for (const device of this.pathOf(flow)) {
        const exposures = liveByDevice.get(device)
        if (!exposures) continue // not audited: its device-unaudited finding says so
        const key = `${device}\u0000${egress}`
        let index = permits.get(key)
        if (!index) permits.set(key, (index = new ExposureIndex(exposures.filter((e) => flowPermit(e, egress)))))
        this.checkFlow(flow, device, index, egress)
      }
    }
    return this.findings
  }

  /**
   * FortiOS: one policy lists several services, and the parser gives one exposure per service. The
   * policy is one decision, so it gets one finding: drift when an access point approves any of its
   * services (the others are the excess), `service` naming them all and `exposures` every row. A VIP
   * composed with the policies naming it: one finding per VIP and policy.
   */
  private checkPolicies(device: string, exposures: Exposure[]): void {
    const groups = new Map<string, Assessed[]>()
    for (const e of exposures) {
      for (const part of splitByProtocol(e)) {
        const a = this.assess(device, part, true)
        if (!a) continue
        const key = `${e.file ?? ''}\u0000${e.line}\u0000${e.rule}\u0000${e.filter?.line ?? ''}\u0000${e.kind}\u0000${setKey(e.from)}`
        const list = groups.get(key)
        if (list) list.push(a)
        else groups.set(key, [a])
      }
    }
    for (const parts of groups.values()) this.report(device, parts)
  }

  private checkExposure(device: string, e: Exposure): void {
    const a = this.assess(device, e, false)
    if (a?.best.rest.length) this.report(device, [a])
  }

  /**
   * The part of one exposure no access point approves (`rest` empty: all of it approved, given only when
   * `approved` asks for it; undefined: not checked, or approved and not asked for).
   */
  private assess(device: string, e: Exposure, approved: boolean): Assessed | undefined {
    const access = this.access.get(device)
    const variants = exposureBoxes(e)
    // each variant's candidates from the index, once: the boxes asked about below lie within it
    const lists = this.candidateLists
    const candidates = access ? variants.map((v, i) => access.candidates(v, (lists[i] ??= []))) : undefined
    // per variant, the boxes that overlap it: what a box within the variant can overlap (lists reused
    // from one exposure to the next: assess never runs inside itself, and nothing keeps them)
    const touching = this.touching
    if (access) {
      // an egress rule (OUTPUT, security-group egress) provides only egress access points
      const outbound = e.direction === 'outbound'
      // a rule provides access only to the sources that enter where it is bound (its ingress zones)
      const entering = e.direction === 'inbound' ? this.reach.get(device)!.entering(e) : undefined
      for (let i = 0; i < variants.length; i++) {
        const v = variants[i]
        const offered = entering ? {...v, from: entering} : v
        const ids = candidates![i]
        const hits = (touching[i] ??= [])
        hits.length = 0
        for (let k = 0; k < ids.length; k++) {
          const c = access.boxes[ids[k]]
          if (!overlapsBox(c.box, v)) continue
          hits.push(ids[k])
          if ((entering && !overlapsBox(c.box, offered)) || (outbound && c.ap.kind !== 'direct-internet')) continue
          this.provided.add(c.ap)
          // one call per exposure: it is already listed when it is the last one
          const list = this.providers.get(c.ap)
          if (!list) this.providers.set(c.ap, [e])
          else if (list[list.length - 1] !== e) list.push(e)
        }
      }
      // one access point holds the whole rule (most rules of an audited device): approved, whatever reach
      // narrows it to — when reach is decided by addresses alone (no ingress or egress to map: scope
      // would record interfaces it looked up) and the sources are the rule's own (no cloud reference)
      if (!approved && variants.length === 1 && e.kind !== 'vpn-listener' && !e.ingress && !e.egress && !e.fromSets?.length && heldByOne(access, touching[0], variants[0])) return
    }
    if (e.direction === 'outbound' || this.onlyNatTraffic(device, e)) return
    // reach by where the traffic enters (reach.ts); by source addresses alone when the config does not say
    const scope = this.reach.get(device)!.scope(e, this.trusted)
    const untrusted = scope.untrusted
    if (untrusted.isEmpty()) return
    let entered: AddressSet | undefined
    // of the variants (before/after NAT), the best: fully approved, else the one an access point touches
    let best: {rest: Box[]; touched: boolean; cover: readonly ApBox[]; box: Box} | undefined
    for (let i = 0; i < variants.length; i++) {
      let full: Box = variants[i]
      // the boxes below lie within the variant unless cloud references stand for the sources (reach.ts)
      let ids = e.fromSets?.length ? candidates?.[i] : touching[i]
      // a listener bound to every address of the device: its own addresses, which the access points name
      if (e.kind === 'vpn-listener' && e.to.isAny() && access) {
        const named = access.overlapping(full).map((c) => c.box.to)
        if (named.length) {
          full = {...full, to: AddressSet.unionAll(named)}
          ids = access.candidates(full)
        }
      }
      const box = sameFamily({from: untrusted, to: scope.to.isAny() ? full.to : full.to.intersect(scope.to), protocols: full.protocols, ports: full.ports, sourcePorts: full.sourcePorts})
      if (box.from.isEmpty()) continue
      // drift: an access point approves part of this traffic — of the untrusted sources, or else only of
      // the trusted ones (a bastion entry under a rule open to any: the untrusted sources are the excess),
      // counting only the sources that enter where the rule is bound when its ingress is mapped
      let cover = access ? access.matching(ids!, box) : NO_COVER
      if (!cover.length && access) {
        entered ??= scope.ingressZones ? e.from.intersect(this.space.addressesOf(scope.ingressZones)) : e.from
        cover = access.matching(ids!, sameFamily({...full, from: entered})).filter((c) => c.ap.kind !== 'direct-internet')
      }
      // fully approved (one access point holds all of it, the usual case): nothing to report (a FortiOS
      // policy still counts it among its services)
      if (coveredByOne(cover, box)) return approved ? {e, best: {rest: [], touched: true, cover, box}, scope} : undefined
      const u = uncovered(box, cover.map((c) => c.box))
      if (u.rest.length === 0) return approved ? {e, best: {rest: u.rest, touched: true, cover, box}, scope} : undefined
      const r = {rest: u.rest, touched: cover.length > 0, cover, box}
      if (!best || (!best.touched && r.touched)) best = r
    }
    return best && {e, best, scope}
  }

  /** One finding for the assessed parts of one rule (usually one part; a FortiOS policy: one per service). */
  private report(device: string, parts: Assessed[]): void {
    if (parts.every((p) => p.best.rest.length === 0)) return
    const {e} = parts[0]
    const best = parts.find((p) => p.best.touched)?.best ?? parts[0].best
    const rest = parts.flatMap((p) => p.best.rest)
    const several = parts.length > 1
    const r: Reported = {
      device,
      parts,
      e,
      best,
      rest,
      several,
      service: several ? servicesText(parts.map((p) => p.e)) : serviceText(e.protocols, e.ports),
      json: this.rows(parts[0])[0],
      source: this.identity.sourceClass(e.from),
      reach: this.reachOf(unionOf(rest.map((b) => b.from))),
      // a composed NAT: where it is, and the filter rule that passes it
      where: `${e.file ?? '?'}:${e.line}${e.filter && e.filter.line !== e.line ? `, passed by ${e.filter.rule} at line ${e.filter.line}` : ''}`,
    }
    // two methods, not one: each is compiled (and recompiled as feedback grows) on its own
    if (!best.touched) this.unwanted(r)
    else this.drift(r)
  }

  /** The exposure rows of one part, with the inventory zones behind ingress and egress as reach mapped them. */
  private rows(p: Assessed): ExposureJson[] {
    return exposureToJson(p.e).map((j) => {
      if (j.ingress && p.scope.ingressZones) j.ingress.inventory_zones = [...p.scope.ingressZones]
      if (j.egress && p.scope.egressZones) j.egress.inventory_zones = [...p.scope.egressZones]
      return j
    })
  }

  /** No access point touches the rule: `unwanted-access-point`. */
  private unwanted({device, parts, e, best, rest, several, service, json, source, reach, where}: Reported): void {
    const access = this.access.get(device)
    const {scope} = parts[0]
    const target = scope.deviceItself ? 'the device itself' : this.describe(e.hostLocal && anyAddress(e.to) ? scope.to : e.to)
    // access points to the same destination (another service or source): the entry a reviewer compares with
    const near = access ? [...new Set(access.overlapping({...best.box, from: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL}).filter((c) => c.ap.kind !== 'direct-internet').map((c) => c.ap.id))].sort() : []
    // built field by field, in the report's order, from a plain literal: a literal that spreads another
    // object makes V8 clone it and add every later field the slow way (about 40 µs a finding)
    const rule = 'unwanted-access-point'
    const f: Building = {id: this.identity.exposureId(rule, device, service, e.from, e.to, e.name), legacy_id: this.identity.legacyId(rule, device, service, e.from), rule, severity: this.exposureSeverity(reach, rest), device, access_point: null}
    if (near.length) f.access_points = near
    f.reach = reach
    f.service = service
    f.source = source
    f.exposure = json
    if (several) f.exposures = parts.flatMap((p) => this.rows(p))
    f.file = e.file
    f.line = e.line
    if (hasNatAlso(e)) f.also = natAlso(e)
    f.message =
      `${device} allows ${service} from ${this.describe(e.from)} to ${target} (${e.rule}, ${where}); ` +
      `reachable from ${reach === 'internet' ? 'the internet' : 'partner networks'} and no access point of ${device} approves it` +
      doubts(e)
    f.suggestion = this.suggestion(device, e, service)
    f.suppressed = false
    this.findings.push(f as Finding)
  }

  /** An access point approves part of the rule: `access-point-drift`, with the excess. */
  private drift({device, parts, e, best, rest, several, service, json, source, reach, where}: Reported): void {
    const cover = parts.flatMap((p) => p.best.cover)
    const aps = [...new Set(cover.map((c) => c.ap))].sort((a, b) => byCodeUnit(a.id, b.id))
    const coverBoxes = cover.map((c) => c.box)
    const excess = mergeExcess(parts.filter((p) => p.best.rest.length).map((p) => this.excessOf(p.best.box, coverBoxes, p.best.rest)))
    const rule = 'access-point-drift'
    const f: Building = {id: this.identity.exposureId(rule, device, service, e.from, e.to, e.name), legacy_id: this.identity.legacyId(rule, device, service, e.from), rule, severity: this.exposureSeverity(reach, rest), device, access_point: aps[0].id}
    f.access_points = aps.map((a) => a.id)
    f.reach = reach
    f.service = service
    f.source = source
    f.exposure = json
    if (several) f.exposures = parts.flatMap((p) => this.rows(p))
    f.excess = excess
    f.file = e.file
    f.line = e.line
    if (hasNatAlso(e)) f.also = natAlso(e)
    f.inventory = aps[0].source
    f.message =
      `${device} ${e.rule} (${where}) allows more than access point ${aps.map((a) => a.id).join(', ')} approves: ` +
      describeExcess(excess, this.fromLabel(best.box.from, best.cover.map((c) => c.box.from))) +
      doubts(e)
    f.suppressed = false
    this.findings.push(f as Finding)
  }

  /** `a` less `b`, remembered by the operands' identity. */
  private minus(a: AddressSet, b: AddressSet): AddressSet {
    let byA = this.differences.get(b)
    if (!byA) this.differences.set(b, (byA = new Map()))
    let set = byA.get(a)
    if (!set) byA.set(a, (set = a.subtract(b)))
    return set
  }

  /** `set.toCidrs()`, computed once per distinct set of addresses (a copy each time, as toCidrs gives). */
  private cidrs(set: AddressSet): string[] {
    return this.cidrList(set).slice()
  }

  /** The shared list behind `cidrs`, to read only. */
  private cidrList(set: AddressSet): readonly string[] {
    const key = setKey(set)
    let list = this.cidrLists.get(key)
    if (!list) this.cidrLists.set(key, (list = set.toCidrs()))
    return list
  }

  /** Per-dimension excess of `box` over the union of `cover`, plus the exact rest when that says more. */
  private excessOf(box: Box, cover: Box[], rest: Box[]): Excess {
    const union = <K extends 'from' | 'to'>(k: K) => unionOf(cover.map((c) => c[k]))
    const excess: Excess = {}
    const from = this.minus(box.from, union('from'))
    if (!from.isEmpty()) excess.from = this.cidrs(from)
    const to = this.minus(box.to, union('to'))
    if (!to.isEmpty()) excess.to = this.cidrs(to)
    const protocols = cover.reduce((acc, c) => acc.subtract(c.protocols), box.protocols)
    if (!protocols.isEmpty()) excess.protocols = protocolNames(protocols)
    if (box.protocols.values().some(hasPorts) && !box.protocols.isAll()) {
      const ports = cover.reduce((acc, c) => acc.subtract(c.ports), box.ports)
      if (!ports.isEmpty()) excess.ports = ports.toStrings()
    }
    if (!excess.from && !excess.to && !excess.protocols && !excess.ports) {
      excess.boxes = rest.map((b) => ({from: this.cidrs(b.from), to: this.cidrs(b.to), protocols: protocolNames(b.protocols), ports: b.ports.toStrings()}))
    }
    return excess
  }

  /** A flow to the internet zone is egress: outbound rules may permit it. */
  private toInternet(flow: CriticalFlow): boolean {
    const internet = new Set(this.input.zones.filter((z) => z.trust === 'internet').map((z) => z.id))
    return flow.toZones.some((z) => internet.has(z))
  }

  private checkFlow(flow: CriticalFlow, device: string, index: ExposureIndex, egress: boolean): void {
    // each device on the path answers for the sources in the zones it joins (a catch-all zone: the
    // addresses no other zone claims); for a device the sources reach only in transit, for all of them
    const joined = this.joinedAddresses(device)
    const local = joined ? flow.from.intersect(joined) : flow.from
    const from = local.isEmpty() ? flow.from : local
    const blocked: Box[] = []
    let touchedAny = false
    for (const s of flow.services) {
      const box: Box = {from, to: flow.to, protocols: s.protocols, ports: s.ports, sourcePorts: PortSet.ALL}
      const r = uncovered(box, index.overlapping(box))
      blocked.push(...r.rest)
      touchedAny ||= r.touched
    }
    if (blocked.length === 0) return
    const rest = mergeBoxes(blocked)
    const what = rest
      .map((b) => `${serviceText(b.protocols, b.ports)} from ${this.describe(b.from)} to ${this.describe(b.to)}`)
      .join('; ')
    // the rule that decides it (a deny, or the deny policy), where the format records them; else the flow's line
    const decided = this.decidingRule(device, flow, rest, egress)
    const at = decided ? ` at ${decided.file ?? '?'}:${decided.line} (${decided.rule})` : ''
    this.findings.push({
      id: `critical-flow-blocked:${device}:${flow.id}`,
      rule: 'critical-flow-blocked',
      severity: this.input.policy.severity.rated['critical-flow-blocked'],
      device,
      access_point: null,
      flow: flow.id,
      excess: {boxes: rest.map((b) => ({from: b.from.toCidrs(), to: b.to.toCidrs(), protocols: protocolNames(b.protocols), ports: b.ports.toStrings()}))},
      file: decided?.file ?? flow.source.file,
      line: decided?.line ?? flow.source.line,
      ...(decided ? {inventory: flow.source} : {}),
      message: `critical flow ${flow.id}${flow.name ? ` (${flow.name})` : ''} is ${touchedAny ? 'partly ' : ''}blocked by ${device}${at}: no live rule permits ${what}`,
      suppressed: false,
    })
  }

  /**
   * The first deny (in the device's evaluation order) that holds part of the blocked traffic, as the
   * filter sees it: a flow to a public address is also looked up translated by each NAT that takes it.
   * Forwarding hooks first; the device's own output never decides a flow through it, nor do outbound
   * rules decide an inbound flow. Undefined when the format records no denies.
   */
  private decidingRule(device: string, flow: CriticalFlow, blocked: Box[], egress: boolean): Denial | undefined {
    const denies = this.denies.get(device)
    if (!denies?.length) return undefined
    const seen: Box[] = []
    for (const b of blocked) {
      seen.push(b)
      for (const n of this.nats.get(device) ?? []) {
        const i = intersectBox(b, exposureBox(n))
        if (i) seen.push({...i, to: n.translated?.to ?? i.to, ports: n.translated?.ports ?? i.ports})
      }
    }
    const usable = denies.filter((d) => d.hook !== 'output' && (egress || d.direction === 'inbound'))
    // a flow through the device: the forward hook decides; input only when nothing is forwarded at all
    const forward = usable.filter((d) => d.hook !== 'input')
    for (const list of forward.length ? [forward] : [usable]) {
      for (const d of list) if (seen.some((b) => overlapsBox(b, d.box) && this.withinZones(device, d, flow, b))) return d
    }
    return undefined
  }

  /**
   * Whether a zone-scoped deny (a zone pair's policy or default) can decide the flow's part `b`: the
   * inventory zones its vendor zones map to on the device hold the flow's zones on that side (a side the
   * flow names by addresses only: part of `b` lies in them). Vendor zones not mapped: no (the flow's own
   * line is reported instead).
   */
  private withinZones(device: string, d: Denial, flow: CriticalFlow, b: Box): boolean {
    if (!d.fromZones && !d.toZones) return true
    const reach = this.reach.get(device)
    if (!reach) return false
    const i = intersectBox(b, d.box)
    const side = (vendor: string[] | undefined, flowZones: string[], set: AddressSet | undefined): boolean => {
      if (!vendor) return true
      const zones = reach.zonesOf(attachment([], vendor))
      if (!zones || !set) return false
      return flowZones.length ? flowZones.some((z) => zones.includes(z)) : set.overlaps(this.space.addressesOf(zones))
    }
    return !!i && side(d.fromZones, flow.fromZones, i.from) && side(d.toZones, flow.toZones, i.to)
  }

  /** Addresses of the zones a device joins; undefined when it declares none (no restriction). */
  private joinedAddresses(device: string): AddressSet | undefined {
    const zones = this.input.devices.find((d) => d.id === device)?.zones ?? []
    if (zones.length === 0) return undefined
    const ids = new Set(zones)
    const joined = this.input.zones.filter((z) => ids.has(z.id))
    const claimed = AddressSet.unionAll(this.input.zones.filter((z) => !z.catchAll).map((z) => z.addresses))
    return AddressSet.unionAll(joined.map((z) => (z.catchAll ? z.addresses.subtract(claimed) : z.addresses)))
  }

  /** Devices the flow crosses: those it names, else those joining a zone of each end. */
  private pathOf(flow: CriticalFlow): string[] {
    if (flow.via.length) return [...flow.via]
    const from = new Set(flow.fromZones)
    const to = new Set(flow.toZones)
    return this.input.devices
      .filter((d) => d.zones.some((z) => from.has(z)) && d.zones.some((z) => to.has(z)))
      .map((d) => d.id)
  }

  private stale(ap: ApprovedAccess): void {
    this.findings.push({
      id: `stale-access-point:${ap.device}:${ap.id}`,
      rule: 'stale-access-point',
      severity: this.input.policy.severity.rated['stale-access-point'],
      device: ap.device,
      access_point: ap.id,
      service: ap.services.map((s) => s.text).join(','),
      file: ap.source.file,
      line: ap.source.line,
      inventory: ap.source,
      message: `access point ${ap.id} (${ap.services.map((s) => s.text).join(', ')} from ${ap.fromText.join(', ')} to ${ap.toText.join(', ')}) is not provided by any live rule of ${ap.device}: remove it or restore the rule`,
      suppressed: false,
    })
  }

  private expired(ap: ApprovedAccess): void {
    this.findings.push({
      id: `access-point-expired:${ap.device || '-'}:${ap.id}`,
      rule: 'access-point-expired',
      severity: this.input.policy.severity.rated['access-point-expired'],
      device: ap.device || null,
      access_point: ap.id,
      file: ap.source.file,
      line: ap.source.line,
      inventory: ap.source,
      message: `access point ${ap.id}${ap.device ? ` on ${ap.device}` : ''} was to be reviewed by ${ap.reviewBy} (as of ${this.input.asOf}): close it or renew its approval`,
      suppressed: false,
    })
  }

  private interfaceUnmapped(device: string, u: Unmapped): void {
    const live = this.input.live.find((l) => l.device === device && !('error' in l))
    const what = u.name !== undefined ? `interface ${u.name}${u.vendorZone ? ` (vendor zone ${u.vendorZone})` : ''}` : `vendor zone ${u.vendorZone}`
    const addresses = u.addresses.length ? ` with ${shortCidrs(u.addresses)}` : ''
    const fits = u.fits.length ? `; zones that would fit: ${u.fits.join(', ')}` : ''
    const entry = u.name !== undefined ? `{name: ${u.name}, zone: ZONE}` : `{vendor_zone: ${u.vendorZone}, zone: ZONE}`
    this.findings.push({
      id: `interface-unmapped:${device}:${u.name ?? `zone-${u.vendorZone}`}`,
      rule: 'interface-unmapped',
      severity: this.input.policy.severity.rated['interface-unmapped'],
      device,
      access_point: null,
      file: live?.file,
      ...(u.line ? {line: u.line} : {}),
      message:
        `${device}: rules are bound to ${what}${addresses}, which no inventory zone is mapped to and none can be inferred; ` +
        `reach through it is decided by source addresses alone${fits}. Add ${entry} to devices[].interfaces of ${device}`,
      suppressed: false,
    })
  }

  private unauditedRules(live: Extract<LiveConfig, {exposures: Exposure[]}>): void {
    const lines = [...new Set(live.unparsed.map((u) => u.line))].sort((a, b) => a - b)
    const first = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ', …' : '')
    this.findings.push({
      id: `unaudited-rules:${live.device}:${live.file}`,
      rule: 'unaudited-rules',
      severity: this.input.policy.severity.rated['unaudited-rules'],
      device: live.device,
      access_point: null,
      file: live.file,
      line: lines[0],
      message: `${live.unparsed.length} line(s) of ${live.file} (${live.type}) were not understood and are not audited: line ${first}`,
      suppressed: false,
    })
  }

  /** Words for the extra sources when the CIDR list would be long: what the rule opens to, less what is approved. */
  private fromLabel(untrusted: AddressSet, approved: AddressSet[]): string | undefined {
    const all = unionOf(approved)
    const extra = this.minus(untrusted, all)
    let label = this.labels.get(extra)?.get(all)
    if (label === undefined) {
      label = this.labelOf(extra, all) ?? null
      const byAll = this.labels.get(extra) ?? this.labels.set(extra, new Map()).get(extra)!
      byAll.set(all, label)
    }
    return label ?? undefined
  }

  private labelOf(extra: AddressSet, approved: AddressSet): string | undefined {
    if (this.cidrList(extra).length <= 3) return undefined
    const everyone = extra.union(this.trusted).union(approved)
    if (everyone.isAny()) return 'every untrusted address (the internet) beyond the approved sources'
    if (everyone.covers(AddressSet.ANY4)) return 'every untrusted IPv4 address (the internet) beyond the approved sources'
    return undefined
  }

  private reachOf(from: AddressSet): Reach {
    let reach = this.reaches.get(from)
    if (!reach) this.reaches.set(from, (reach = !from.subtract(this.partner).isEmpty() ? 'internet' : from.isEmpty() ? 'internal' : 'partner'))
    return reach
  }

  private exposureSeverity(reach: Reach, rest: Box[]): Severity {
    if (reach === 'internal') return 'low'
    const table = this.input.policy.severity.exposure[reach]
    const all = rest.some((b) => b.protocols.size() > 8 || (b.protocols.values().some(hasPorts) && b.ports.isAll()))
    if (all) return table.all
    if (rest.every((b) => ICMP_ONLY.covers(b.protocols))) return table.icmp
    const sensitive = rest.some((b) => b.protocols.values().some(hasPorts) && b.ports.overlaps(this.input.policy.sensitivePorts))
    return sensitive ? table.sensitive : table.other
  }

  private zoneNamed(set: AddressSet): DiffZone | undefined {
    return this.identity.zoneNamed(set)
  }

  /** The device carries an access point that the internet reaches. */
  private internetFacing(device: string): boolean {
    return this.input.accessPoints.some((ap) => ap.device === device && this.reachOf(ap.from.subtract(this.trusted)) === 'internet')
  }

  describe(set: AddressSet): string {
    let text = this.described.get(set)
    if (text === undefined) {
      const zone = set.isAny() ? undefined : this.zoneNamed(set)
      text = set.isAny() ? 'any' : zone ? `${zone.id} (${shortCidrs(set.toCidrs())})` : shortCidrs(set.toCidrs())
      this.described.set(set, text)
    }
    return text
  }

  private suggestion(device: string, e: Exposure, service: string): string {
    const zone = e.from.isAny() ? this.input.zones.find((z) => z.trust === 'internet') : this.zoneNamed(e.from)
    const from = zone ? [zone.id] : e.from.toCidrs()
    const toZone = e.to.isAny() ? undefined : this.zoneNamed(e.to)
    const to = e.to.isAny() ? ['any'] : toZone ? [toZone.id] : e.to.toCidrs()
    const slug = `${device}-${service}`.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '').toLowerCase()
    return [
      `- id: ${slug}`,
      `  kind: ${KIND_OF[e.kind] ?? 'firewall-opening'}`,
      `  device: ${device}`,
      `  from: [${from.join(', ')}]`,
      `  to: [${to.join(', ')}]`,
      `  services: [${service.split('+').join(', ')}]`,
      `  owner: <team>`,
      `  justification: <why this opening is needed>`,
      `  ticket: <change ticket>`,
      `  review_by: <YYYY-MM-DD>`,
    ].join('\n')
  }
}

/**
 * Whether a live rule can permit a critical flow through the device: inbound/forward filter rules (and,
 * for a flow to the internet, egress rules). Never the device's own output (a default `OUTPUT ACCEPT`)
 * nor a NAT record on its own: a NAT opens only what the filter passes (composed NATs say `filter`).
 */
function flowPermit(e: Exposure, egress: boolean): boolean {
  if (e.kind === 'nat-forward' && !e.filter) return false
  if (e.hook === 'output') return false
  return egress || e.direction === 'inbound'
}

/** One of the boxes `ids` names holds all of `box`. */
function heldByOne(access: DeviceAccess, ids: readonly number[], box: Box): boolean {
  for (let i = 0; i < ids.length; i++) if (coversBox(access.boxes[ids[i]].box, box)) return true
  return false
}

/** One of the approved boxes holds all of `box`. */
function coveredByOne(cover: readonly ApBox[], box: Box): boolean {
  for (let i = 0; i < cover.length; i++) if (coversBox(cover[i].box, box)) return true
  return false
}

/** The union of sets; the set itself when there is one (no copy: sets are immutable). */
function unionOf(sets: AddressSet[]): AddressSet {
  return sets.length === 1 ? sets[0] : AddressSet.unionAll(sets)
}

/** A composed NAT's finding points at the NAT line and lists the filter rule that passes it. */
function hasNatAlso(e: Exposure): e is Exposure & {file: string; filter: {line: number}} {
  return !!e.filter && !!e.file && e.filter.line !== e.line
}

function natAlso(e: Exposure & {file: string; filter: {line: number}}): Array<{file: string; line: number}> {
  return [{file: e.file, line: e.filter.line}]
}

/** What both kinds of opening finding are built from (engine.ts report). */
interface Reported {
  device: string
  parts: Assessed[]
  e: Exposure
  best: Assessed['best']
  rest: Box[]
  several: boolean
  service: string
  json: ExposureJson
  source: string
  reach: Reach
  where: string
}

/** A finding while its fields are set in order (message and suppressed come last). */
type Building = Omit<Finding, 'message' | 'suppressed'> & Partial<Pick<Finding, 'message' | 'suppressed'>>

interface Assessed {
  e: Exposure
  best: {rest: Box[]; touched: boolean; cover: readonly ApBox[]; box: Box}
  /** Where the traffic enters and may leave (reach.ts). */
  scope: ReachScope
}

/** The services of several exposures, per protocol: `tcp/443,3389+udp/53`. */
function servicesText(parts: Exposure[]): string {
  const byProtocol = new Map<number, PortSet>()
  for (const e of parts) for (const p of e.protocols.values()) byProtocol.set(p, (byProtocol.get(p) ?? PortSet.EMPTY).union(hasPorts(p) ? e.ports : PortSet.ALL))
  return [...byProtocol.keys()]
    .sort((a, b) => a - b)
    .map((p) => serviceText(ProtocolSet.of(p), byProtocol.get(p)!))
    .join('+')
}

/** One excess for several parts of a rule: each dimension's union. */
function mergeExcess(list: Excess[]): Excess {
  if (list.length === 1) return list[0]
  const out: Excess = {}
  const addresses = (k: 'from' | 'to') => {
    const sets = list.flatMap((x) => (x[k] ? [AddressSet.of(...x[k]!)] : []))
    if (sets.length) out[k] = AddressSet.unionAll(sets).toCidrs()
  }
  addresses('from')
  addresses('to')
  const protocols = [...new Set(list.flatMap((x) => x.protocols ?? []))]
  if (protocols.length) out.protocols = protocols
  const ports = list.flatMap((x) => (x.ports ? [PortSet.parse(x.ports.join(','))!] : []))
  if (ports.length) out.ports = ports.reduce((a, b) => a.union(b)).toStrings()
  const boxes = list.flatMap((x) => x.boxes ?? [])
  if (boxes.length) out.boxes = boxes
  return out
}

/** What the parser could not resolve, so the reader can weigh the finding. */
function doubts(e: Exposure): string {
  const parts: string[] = []
  if (e.fromSets?.length) parts.push(`sources include unexpanded ${e.fromSets.join(', ')}`)
  if (e.toSets?.length) parts.push(`destinations include unexpanded ${e.toSets.join(', ')}`)
  if (e.notes?.length) parts.push(...e.notes)
  return parts.length ? ` (parser: ${parts.join('; ')})` : ''
}

export function shortCidrs(cidrs: string[], max = 3): string {
  if (cidrs.length <= max) return cidrs.join(', ')
  return `${cidrs.slice(0, max).join(', ')}, … (${cidrs.length} CIDRs)`
}

export function describeExcess(x: Excess, fromLabel?: string): string {
  const parts: string[] = []
  if (x.from) parts.push(`extra sources ${fromLabel ?? shortCidrs(x.from)}`)
  if (x.to) parts.push(`extra destinations ${shortCidrs(x.to)}`)
  if (x.protocols) parts.push(`extra protocols ${x.protocols.join(', ')}`)
  if (x.ports) parts.push(`extra ports ${x.ports.join(', ')}`)
  if (x.boxes) parts.push(`traffic no single access point approves: ${x.boxes.map((b) => `${b.protocols.join(',')}/${b.ports.join(',')} from ${shortCidrs(b.from)} to ${shortCidrs(b.to)}`).join('; ')}`)
  return parts.join('; ')
}

/**
 * All findings of one diff, merged by id (two rules with one id become one finding with `also`),
 * in a stable order: severity, rule, id.
 */
export function diffFindings(input: DiffInput, out?: {mappings?: Map<string, InterfaceMapping[]>}): Finding[] {
  // a dead exposure (a NAT no filter passes) opens nothing: never a finding
  const engine = new Engine(withoutDead(input))
  const raw = engine.run()
  if (out) out.mappings = new Map([...engine.reach].map(([device, r]) => [device, r.mappings()]))
  return mergeFindings(raw)
}

/**
 * The findings one device decides, from its live configs alone (`input.live`: that device's), not yet
 * merged: what a worker thread sends back instead of the exposures (src/diff/live-diff.ts).
 */
export function deviceFindings(input: DiffInput): {findings: Finding[]; mappings: Array<[string, InterfaceMapping[]]>} {
  const engine = new Engine(withoutDead(input))
  const findings = engine.run('devices')
  return {findings, mappings: [...engine.reach].map(([device, r]) => [device, r.mappings()])}
}

/** The findings no single device decides (`withConfig`: the devices that have a live config), not yet merged. */
export function sharedFindings(input: DiffInput, withConfig: ReadonlySet<string>): Finding[] {
  return new Engine({...input, live: []}).run('shared', withConfig)
}

/** Raw findings merged by id (two rules with one id: one finding with `also`), rated, in a stable order. */
export function mergeFindings(raw: Finding[]): Finding[] {
  const byId = new Map<string, Finding>()
  // by file and line (keys made once, not per comparison); the sort is stable
  const keyed = raw.map((f) => ({f, key: `${f.file ?? ''}\u0000${String(f.line ?? 0).padStart(9, '0')}`}))
  keyed.sort((a, b) => byCodeUnit(a.key, b.key))
  for (let i = 0; i < keyed.length; i++) raw[i] = keyed[i].f
  for (const f of raw) {
    const prev = byId.get(f.id)
    if (!prev) {
      byId.set(f.id, f)
      continue
    }
    if (f.file && f.line !== undefined) (prev.also ??= []).push({file: f.file, line: f.line})
    if (rank(f.severity) < rank(prev.severity)) prev.severity = f.severity
  }
  const findings = [...byId.values()]
  rateFindings(findings)
  return sortFindings(findings)
}

/** The live rules (split by protocol) that provide each access point, by access point id. */
export function accessPointProviders(input: DiffInput): Map<string, Exposure[]> {
  const engine = new Engine(withoutDead(input))
  engine.run()
  return new Map([...engine.providers].map(([ap, list]) => [ap.id, list]))
}

const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low', 'info']

export function rank(s: Severity): number {
  return SEVERITIES.indexOf(s)
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => rank(a.severity) - rank(b.severity) || byCodeUnit(a.rule, b.rule) || byCodeUnit(a.id, b.id))
}

function setKey(set: AddressSet): string {
  return `${set.v4.join(',')}/${set.v6.join(',')}`
}
