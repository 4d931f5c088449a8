/** AsaConfig → the neutral device model: nameif interfaces with security level, addresses, default route. */
import type {DeviceInterface, DeviceModel} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import type {AsaConfig} from './model.js'

export function asaDevice(cfg: AsaConfig): DeviceModel {
  const up = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  const interfaces: DeviceInterface[] = up.map((i) => {
    const routed = cfg.routes.get(i.nameif)
    const defaultRoute = !!routed && (routed.covers(AddressSet.ANY4) || routed.covers(AddressSet.ANY6))
    return {name: i.nameif, addresses: [...(i.prefixed ?? [])], securityLevel: i.level, ...(defaultRoute ? {defaultRoute} : {}), line: i.node.line}
  })
  const own = AddressSet.unionAll(up.map((i) => i.addresses ?? AddressSet.EMPTY))
  return {interfaces, ownAddresses: own.toCidrs(), listeners: []}
}
