/**
 * Benchmark input for the diff (bench/measure.js `diff N`): N access points on ten devices and 10·N
 * live exposures, generated in memory with a seeded RNG: most exposures are exactly approved, some
 * narrower, some broader (drift), some unapproved, some internal. Returns the diff time.
 */
import {buildExposure} from '../model/build.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {TCP, UDP} from '../net/protocol.js'
import {diffFindings} from './engine.js'
import {TrustModel} from '../policy/trust.js'
import type {ApprovedAccess, DiffInput, DiffZone, LiveConfig} from './model.js'
import {diffPolicyFrom} from '../policy/diff.js'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 4294967296
  }
}

const POLICY = diffPolicyFrom(
  {
    trusted_trust: ['internal', 'restricted', 'management', 'dmz', 'cloud'],
    sensitive_ports: ['20-23', '3389'],
    severity: {
      exposure: {internet: {all: 'critical', sensitive: 'critical', other: 'high'}, partner: {all: 'high', sensitive: 'high', other: 'medium'}},
      'stale-access-point': 'low',
      'access-point-expired': 'medium',
      'critical-flow-blocked': 'high',
      'device-unaudited': 'high',
      'unaudited-rules': 'medium',
      'suppression-expired': 'medium',
    },
  },
  'bench',
)

/** Deterministic inventory + live exposures of the given size. */
export function benchInput(accessPoints: number, exposuresPerAp = 10, seed = 7): DiffInput {
  const r = rng(seed)
  const devices = Array.from({length: 10}, (_, i) => `fw-${i}`)
  const host = (i: number) => AddressSet.fromRange(4, 0x0a000000 + i, 0x0a000000 + i) // 10.0.0.0/8, one host each
  const partner = (i: number) => AddressSet.fromRange(4, 0xcb007100 + (i % 64) * 4, 0xcb007100 + (i % 64) * 4 + 3)
  const aps: ApprovedAccess[] = []
  for (let i = 0; i < accessPoints; i++) {
    const port = 1024 + Math.floor(r() * 60000)
    const from = r() < 0.5 ? AddressSet.ANY : partner(i)
    aps.push({
      id: `ap-${i}`,
      device: devices[i % devices.length],
      kind: 'firewall-opening',
      from,
      to: host(i),
      services: [{text: `tcp/${port}`, protocols: ProtocolSet.of(TCP), ports: PortSet.range(port)}],
      fromText: [from.toString()],
      toText: [host(i).toString()],
      source: {file: 'access-points.yaml', line: i + 1},
    })
  }
  const live = new Map<string, Exposure[]>(devices.map((d) => [d, []]))
  const total = accessPoints * exposuresPerAp
  for (let j = 0; j < total; j++) {
    const ap = aps[Math.floor(r() * aps.length)]
    const svc = ap.services[0]
    const roll = r()
    let e: Pick<Exposure, 'from' | 'to' | 'protocols' | 'ports'>
    if (roll < 0.8) e = {from: ap.from, to: ap.to, protocols: svc.protocols, ports: svc.ports}
    else if (roll < 0.88) e = {from: ap.from.isAny() ? partner(j) : ap.from, to: ap.to, protocols: svc.protocols, ports: svc.ports}
    else if (roll < 0.93) e = {from: AddressSet.ANY, to: ap.to, protocols: svc.protocols, ports: svc.ports.union(PortSet.range(22))}
    else if (roll < 0.97) e = {from: AddressSet.ANY, to: host(accessPoints + j), protocols: ProtocolSet.of(UDP), ports: PortSet.range(1 + (j % 65535))}
    else e = {from: AddressSet.of('10.0.0.0/8'), to: host(j), protocols: ProtocolSet.ALL, ports: PortSet.ALL}
    live.get(ap.device)!.push(buildExposure({kind: 'filter', box: e, line: j + 1, rule: `rule ${j + 1}`, file: `live/${ap.device}.cfg`}))
  }
  const configs: LiveConfig[] = devices.map((d) => ({device: d, file: `live/${d}.cfg`, type: 'bench', exposures: live.get(d)!, unparsed: [], stats: {lines: 0, understood: 0}}))
  const zones: DiffZone[] = [
    {id: 'internet', trust: 'internet', addresses: AddressSet.ANY, catchAll: true},
    {id: 'partners', trust: 'partner', addresses: AddressSet.of('203.0.113.0/24')},
    {id: 'servers', trust: 'internal', addresses: AddressSet.of('10.0.0.0/8')},
  ]
  return {
    zones,
    devices: devices.map((id) => ({id, zones: ['internet', 'partners', 'servers'], source: {file: 'devices.yaml', line: 1}})),
    accessPoints: aps,
    flows: [],
    live: configs,
    asOf: '2026-01-01',
    policy: POLICY,
    trust: TrustModel.of(POLICY, {zones}),
  }
}

/** Wall and CPU time of one diff (CPU time tells the algorithm from a busy machine). */
export async function benchDiff(accessPoints: number): Promise<{ms: number; cpuMs: number; exposures: number; findings: number}> {
  const input = benchInput(accessPoints)
  const exposures = input.live.reduce((n, l) => n + ('exposures' in l ? l.exposures.length : 0), 0)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const findings = diffFindings(input)
  const cpu = process.cpuUsage(c0)
  return {ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, exposures, findings: findings.length}
}
