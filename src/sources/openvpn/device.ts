/**
 * OpenVPN → the neutral device model: the tunnel device with the server's own tunnel address, and the
 * listeners (the VPN socket on `local`, the management socket) with the addresses they bind.
 */
import {type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel, LOOPBACK} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import {parseCidr} from '../../net/ip.js'
import {bindAddress} from './exposures.js'
import type {OpenvpnModel} from './model.js'

export function describeDevice(m: OpenvpnModel, listens: boolean): DeviceModel {
  const interfaces: DeviceInterface[] = []
  if (m.dev) {
    // `server 10.8.0.0 255.255.255.0` gives the server 10.8.0.1 on the pool's network
    const addresses = m.serverAddresses.flatMap((s) => {
      const host = s.set.toCidrs()[0]?.split('/')[0]
      const net = m.pool.toCidrs().find((c) => host && AddressSet.parse(c)!.covers(s.set))
      return host ? [`${host}/${net ? parseCidr(net)!.prefix : host.includes(':') ? 128 : 32}`] : []
    })
    interfaces.push({name: m.dev, addresses, ...(m.poolLine ? {line: m.poolLine.line} : {})})
  }
  const bound = (text: string | undefined) => (text ? bindAddress(text) : {set: AddressSet.ANY, names: []})
  const bindOf = (set: AddressSet, names: string[]) => (names.length || set.isAny() || set.isAny4() || set.isAny6() ? [] : set.toCidrs())
  const listeners: DeviceListener[] = []
  if (listens) {
    for (const local of m.locals.length ? m.locals : [undefined]) {
      const b = bound(local?.args[0])
      listeners.push({service: 'openvpn', bind: bindOf(b.set, b.names), line: local?.line ?? m.lport?.line ?? m.port?.line ?? (m.proto.line || undefined)})
    }
  }
  for (const d of m.management) {
    const b = bound(d.args[0])
    listeners.push({service: 'openvpn-management', bind: bindOf(b.set, b.names), line: d.line})
  }
  // a concrete `local` is one of the host's own addresses (loopback is not an address others reach)
  const own = listeners.filter((l) => l.service === 'openvpn').flatMap((l) => l.bind).filter((c) => !LOOPBACK.covers(AddressSet.parse(c)!))
  return deviceModel(interfaces, listeners, own)
}
