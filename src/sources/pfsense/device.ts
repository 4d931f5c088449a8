/**
 * pfSense/OPNsense → the neutral device model: interfaces by their friendly name (`wan`, `lan`, `optN`)
 * with addresses, WAN-type, the default gateway's interface; listeners; and where exposures enter.
 * pfSense has no zones: an interface is where a rule applies.
 */
import {attachment, type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {child, children, textOf, type XmlElement} from '../xml.js'
import type {Mgmt} from './chains.js'
import type {Iface} from './objects.js'

export function describeDevice(root: XmlElement, interfaces: Map<string, Iface>, mgmt: Mgmt[], exposures: Exposure[]): DeviceModel {
  const out: DeviceInterface[] = [...interfaces.values()].map((i) => ({
    name: i.name,
    addresses: [...i.cidrs],
    ...(i.wan ? {wan: true} : {}),
    line: i.line,
  }))
  // the default gateway: `<defaultgw4>`/`<defaultgw6>` name a gateway_item (2.4+), or the item says `<defaultgw/>`
  const gateways = child(root, 'gateways')
  const defaults = new Set([textOf(gateways, 'defaultgw4'), textOf(gateways, 'defaultgw6')].filter((n): n is string => Boolean(n)))
  for (const g of children(gateways, 'gateway_item')) {
    if (!defaults.has(textOf(g, 'name') ?? '') && !child(g, 'defaultgw')) continue
    const iface = out.find((i) => i.name === textOf(g, 'interface'))
    if (iface) iface.defaultRoute = true
  }
  // webGUI, SSH and SNMP bind every address; VPN daemons where their exposure says
  const listeners: DeviceListener[] = mgmt.map((m) => ({service: m.name.startsWith('webgui ') ? m.name.split(' ')[1] : m.name, bind: [], line: m.line}))
  for (const e of exposures) {
    if (e.kind !== 'vpn-listener') continue
    const service = e.rule.startsWith('openvpn') ? 'openvpn' : e.rule.startsWith('wireguard') ? 'wireguard' : 'ipsec'
    if (listeners.some((l) => l.line === e.line && l.service === service)) continue
    listeners.push({service, bind: e.to.isAny() || e.to.isAny4() || e.to.isAny6() ? [] : e.to.toCidrs(), line: e.line})
  }
  return deviceModel(out, listeners)
}

/** Interface rules, floating rules and NAT name the interfaces they apply on: that is their ingress (or egress for `out`). */
export function attachExposures(exposures: Exposure[]): void {
  for (const e of exposures) {
    if (e.interfaces?.in?.length) e.ingress = attachment(e.interfaces.in)
    if (e.interfaces?.out?.length) e.egress = attachment(e.interfaces.out)
  }
}
