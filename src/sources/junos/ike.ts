/** IKE gateways → VPN listeners: udp/500, udp/4500 and ESP from the peer (any when dynamic) to the local address. */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseAddress} from './build.js'
import type {Template} from './common.js'
import type {Convert} from './convert.js'
import {expandHostInbound} from './host-inbound.js'
import type {IkeGateway} from './model.js'

/** Peers: addresses as given, any when dynamic or a host name. */
function peers(g: IkeGateway, doubts: DoubtNote[]): {from: AddressSet; fromSets: string[]} {
  let from = AddressSet.EMPTY
  const fromSets: string[] = []
  if (g.dynamic || g.addresses.length === 0) from = AddressSet.ANY
  for (const a of g.addresses) {
    const s = parseAddress(a)
    if (s) from = from.union(s)
    else {
      fromSets.push(a)
      from = AddressSet.ANY
    }
  }
  if (fromSets.length) doubts.push(note('unresolved-name', `peer ${fromSets.join(', ')} is a host name; taken as any`))
  if (g.dynamic) doubts.push(note('any-peer', 'dynamic peer: any address may negotiate'))
  return {from, fromSets}
}

function gatewayExposures(cv: Convert, g: IkeGateway): void {
  const doubts: DoubtNote[] = []
  const {from, fromSets} = peers(g, doubts)
  let to = AddressSet.ANY
  const ext = g.externalInterface ? cv.config.units.get(g.externalInterface) : undefined
  if (g.localAddress && parseAddress(g.localAddress)) to = parseAddress(g.localAddress)!
  else if (ext && !ext.hostAddresses.isEmpty()) to = ext.hostAddresses
  else doubts.push(note('unknown-address', 'external interface address unknown; destination taken as any'))
  const zoneOf = g.externalInterface ? [...cv.config.zones.values()].find((z) => z.interfaces.has(g.externalInterface!)) : undefined
  if (zoneOf) {
    const entry = zoneOf.interfaces.get(g.externalInterface!)
    const svc = entry?.hostInbound?.services.size ? entry.hostInbound : zoneOf.hostInbound
    if (!expandHostInbound(svc, 'services').includes('ike')) doubts.push(note('maybe-unreachable', `zone ${zoneOf.name} does not allow host-inbound ike; the listener may be unreachable`))
  }
  const template: Template = {
    kind: 'vpn-listener',
    direction: 'inbound',
    line: g.line,
    rule: `ike gateway ${g.name}`,
    text: `${g.text}${g.dynamic ? ' dynamic' : ''}${g.addresses.map((a) => ` address ${a}`).join('')}${g.externalInterface ? ` external-interface ${g.externalInterface}` : ''}`,
    fromZones: zoneOf ? [zoneOf.name] : undefined,
    interfaces: g.externalInterface ? {in: [g.externalInterface]} : undefined,
    fromSets: fromSets.length ? fromSets : undefined,
    doubts,
  }
  cv.emit(template, {...ANY_BOX, from, to, protocols: ProtocolSet.of(17), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])})
  cv.emit(template, {...ANY_BOX, from, to, protocols: ProtocolSet.of(50)})
}

export function ikeExposures(cv: Convert): void {
  for (const g of cv.config.ikeGateways.values()) gatewayExposures(cv, g)
}
