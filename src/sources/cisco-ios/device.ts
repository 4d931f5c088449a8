/** IosConfig → the neutral device model: interfaces (addresses, ZBF zone, default route) and own addresses. */
import type {DeviceInterface, DeviceModel} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import type {IosConfig} from './model.js'

export function iosDevice(cfg: IosConfig): DeviceModel {
  const up = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  // a default route names its interface, or a next hop on one of the interfaces' subnets
  const defaults = new Set<string>()
  for (const target of cfg.defaultRoutes ?? []) {
    const named = up.find((i) => i.name.toLowerCase() === target.toLowerCase())
    if (named) {
      defaults.add(named.name)
      continue
    }
    const hop = AddressSet.parse(target)
    if (!hop) continue
    const on = up.find((i) => (i.prefixed ?? []).some((a) => AddressSet.parse(a)?.covers(hop)))
    if (on) defaults.add(on.name)
  }
  const interfaces: DeviceInterface[] = up.map((i) => ({
    name: i.name,
    addresses: [...(i.prefixed ?? [])],
    ...(i.zone ? {vendorZone: i.zone} : {}),
    ...(defaults.has(i.name) ? {defaultRoute: true} : {}),
    line: i.node.line,
  }))
  const own = AddressSet.unionAll(up.map((i) => i.addresses))
  return {interfaces, ownAddresses: own.toCidrs(), listeners: []}
}
