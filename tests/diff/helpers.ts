/** Tiny builders for engine tests: zones, access points, flows and exposures from inventory words. */
import type {Exposure} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {PortSet} from '../../src/net/number-set.js'
import type {ApprovedAccess, CriticalFlow, DiffInput, DiffZone, LiveConfig, Trust} from '../../src/diff/model.js'
import {defaultDiffPolicy} from '../../src/policy/diff.js'
import {parseServiceText} from '../../src/diff/services.js'
import {TrustModel} from '../../src/policy/trust.js'

export const policy = defaultDiffPolicy()

export const ZONES: DiffZone[] = [
  zone('internet', 'internet', '0.0.0.0/0', '::/0'),
  zone('partner-acme', 'partner', '198.51.100.0/24', '2001:db8:ac::/48'),
  zone('lan', 'internal', '10.1.0.0/16', '2001:db8:1::/48'),
  zone('dmz', 'dmz', '192.0.2.0/24', '2001:db8:d::/48'),
]

export function zone(id: string, trust: Trust, ...cidrs: string[]): DiffZone {
  return {id, trust, addresses: AddressSet.of(...cidrs)}
}

const zoneIds = new Map(ZONES.map((z) => [z.id, z.addresses]))
const addr = (refs: string[]) => AddressSet.unionAll(refs.map((r) => zoneIds.get(r) ?? AddressSet.of(r)))
const services = (list: string[]) => list.map((s) => parseServiceText(s)!)

export function ap(id: string, device: string, from: string[], to: string[], svc: string[], extra: Partial<ApprovedAccess> = {}): ApprovedAccess {
  return {id, device, kind: 'firewall-opening', from: addr(from), to: addr(to), services: services(svc), fromText: from, toText: to, source: {file: 'inventory/access-points.yaml', line: 10}, ...extra}
}

export function flow(id: string, from: string[], to: string[], svc: string[], extra: Partial<CriticalFlow> = {}): CriticalFlow {
  return {id, from: addr(from), to: addr(to), services: services(svc), fromZones: from.filter((f) => zoneIds.has(f)), toZones: to.filter((t) => zoneIds.has(t)), via: [], source: {file: 'inventory/flows.yaml', line: 5}, ...extra}
}

/** `permit('any', '192.0.2.10', 'tcp/3389', 12)` */
export function permit(from: string, to: string, service: string, line: number, extra: Partial<Exposure> = {}): Exposure {
  const s = parseServiceText(service)!
  return {
    kind: 'filter',
    action: 'allow',
    direction: 'inbound',
    from: from === 'any' ? AddressSet.ANY : addr(from.split(',')),
    to: to === 'any' ? AddressSet.ANY : addr(to.split(',')),
    protocols: s.protocols,
    ports: s.ports,
    sourcePorts: PortSet.ALL,
    line,
    rule: `INPUT#${line}`,
    text: `rule ${line}`,
    file: 'live/fw.rules',
    ...extra,
  }
}

export function liveOf(device: string, exposures: Exposure[]): LiveConfig {
  return {device, file: 'live/fw.rules', type: 'iptables', exposures, unparsed: [], stats: {lines: exposures.length, understood: exposures.length}}
}

export function input(partial: Partial<DiffInput>): DiffInput {
  const zones = partial.zones ?? ZONES
  return {
    zones,
    trust: TrustModel.of(partial.policy ?? policy, {zones}),
    devices: [{id: 'fw', zones: ['internet', 'lan', 'dmz', 'partner-acme'], source: {file: 'inventory/devices.yaml', line: 3}}],
    accessPoints: [],
    flows: [],
    live: [],
    asOf: '2026-06-01',
    policy,
    ...partial,
  }
}
