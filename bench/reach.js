#!/usr/bin/env node
/**
 * Reach across chained devices (#20): 200 devices and 10^5 exposures, `reach --from internet` in ≤ 10 s.
 * 20 edge firewalls join the internet to a DMZ each; behind each DMZ 9 inner gateways join it to a
 * server zone. Every device has 500 permits: the edge from anywhere to DMZ and server hosts, the inner
 * ones to server hosts, so traffic from the internet is composed over two hops. Prints one row
 * (`node bench/reach.js`, also the last row of `npm run bench` unless --only excludes `reach`).
 */
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const load = (m) => import(pathToFileURL(join(here, '../dist', m)).href)

export async function benchReach({edges = 20, inner = 9, perDevice = 500} = {}) {
  const {AddressSet} = await load('net/address-set.js')
  const {PortSet, ProtocolSet} = await load('net/number-set.js')
  const {PathSpace} = await load('paths/space.js')
  const {reachFrom, reachReport} = await load('paths/reach.js')
  const {defaultDiffPolicy} = await load('policy/diff.js')
  const {TrustModel} = await load('policy/trust.js')
  const zones = [{id: 'internet', trust: 'internet', addresses: AddressSet.ANY, catchAll: true}]
  const devices = []
  const live = []
  const TCP = ProtocolSet.of(6)
  const permit = (from, to, port, line, iin, iout) => ({
    kind: 'filter', action: 'allow', direction: 'inbound', from, to, protocols: TCP, ports: PortSet.range(port, port), sourcePorts: PortSet.ALL,
    line, rule: `FORWARD#${line}`, text: `rule ${line}`, ingress: {interfaces: [iin], zones: []}, egress: {interfaces: [iout], zones: []},
  })
  const host = (a, b, c) => AddressSet.of(`10.${a}.${b}.${c}/32`)
  for (let e = 0; e < edges; e++) {
    const dmz = `dmz-${e}`
    zones.push({id: dmz, trust: 'dmz', addresses: AddressSet.of(`10.${e}.0.0/24`)})
    const exposures = []
    for (let i = 0; i < perDevice; i++) exposures.push(permit(AddressSet.ANY4, host(e, i % (inner + 1), 1 + (i % 250)), 1000 + i, i + 1, 'eth0', 'eth1'))
    devices.push({id: `edge-${e}`, zones: [], interfaces: [{name: 'eth0', zone: 'internet'}, {name: 'eth1', zone: dmz}], source: {file: 'devices.yaml', line: 1}})
    live.push({device: `edge-${e}`, file: `edge-${e}.rules`, type: 'iptables', exposures, unparsed: [], stats: {lines: perDevice, understood: perDevice}})
    for (let j = 0; j < inner; j++) {
      const servers = `servers-${e}-${j}`
      zones.push({id: servers, trust: 'internal', addresses: AddressSet.of(`10.${e}.${1 + j}.0/24`)})
      const ex = []
      for (let i = 0; i < perDevice; i++) ex.push(permit(AddressSet.ANY4, host(e, 1 + j, 1 + (i % 250)), 1000 + ((i * 7) % perDevice), i + 1, 'eth0', 'eth1'))
      devices.push({id: `inner-${e}-${j}`, zones: [], interfaces: [{name: 'eth0', zone: dmz}, {name: 'eth1', zone: servers}], source: {file: 'devices.yaml', line: 1}})
      live.push({device: `inner-${e}-${j}`, file: `inner-${e}-${j}.rules`, type: 'iptables', exposures: ex, unparsed: [], stats: {lines: perDevice, understood: perDevice}})
    }
  }
  const t0 = process.hrtime.bigint()
  const c0 = process.cpuUsage()
  const policy = defaultDiffPolicy()
  const space = new PathSpace({zones, devices, accessPoints: [], flows: [], live, asOf: '2026-12-01', policy, trust: TrustModel.of(policy, {zones})})
  const report = reachReport(space, ['internet'], reachFrom(space, 'internet'))
  const cpu = process.cpuUsage(c0)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  return {devices: devices.length, exposures: live.reduce((n, l) => n + l.exposures.length, 0), paths: report.paths.length, ms, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage().rss}
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchReach()
  const ok = r.cpuMs <= 10_000
  console.log(`reach --from internet: ${r.devices} devices, ${r.exposures} exposures, ${r.paths} paths: wall ${r.ms.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, peak RSS ${(r.rss / 1048576).toFixed(0)} MB — target 10 s ${ok ? 'met' : 'MISSED'}`)
}
