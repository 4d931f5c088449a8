/** The two-device chain the path tests share: edge (internet | dmz) and inner (dmz | lan | mgmt), iptables live configs. */
import {expect} from 'vitest'

import type {DiffZone, LiveConfig} from '../../src/diff/model.js'
import {AddressSet} from '../../src/net/address-set.js'
import {parseText} from '../../src/sources/load.js'

export const CHAIN_ZONES: DiffZone[] = [
  {id: 'internet', trust: 'internet', addresses: AddressSet.ANY, catchAll: true},
  {id: 'dmz', trust: 'dmz', addresses: AddressSet.of('172.16.1.0/24')},
  {id: 'lan', trust: 'internal', addresses: AddressSet.of('10.1.0.0/16')},
  {id: 'mgmt', trust: 'management', addresses: AddressSet.of('10.99.0.0/24')},
]

export const CHAIN_DEVICES = [
  {id: 'edge', zones: [], interfaces: [{name: 'eth0', zone: 'internet'}, {name: 'eth1', zone: 'dmz'}], source: {file: 'devices.yaml', line: 1}},
  {id: 'inner', zones: [], interfaces: [{name: 'eth0', zone: 'dmz'}, {name: 'eth1', zone: 'lan'}, {name: 'eth2', zone: 'mgmt'}], source: {file: 'devices.yaml', line: 9}},
]

/** An iptables-save text as a device's live config (every line must parse). */
export async function liveIptables(device: string, text: string): Promise<LiveConfig> {
  const file = `live/${device}.rules`
  const parsed = await parseText(text, file, 'iptables')
  expect(parsed.unparsed).toEqual([])
  return {device, file, type: 'iptables', exposures: parsed.exposures, unparsed: [], stats: parsed.stats, ...(parsed.denies ? {denies: parsed.denies} : {})}
}
