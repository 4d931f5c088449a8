/**
 * PAN-OS order for the shared NAT step (model/nat.ts): the NAT rule is looked up first (on the
 * original packet, its `to` zone being the pre-NAT destination zone), then the route of the translated
 * address gives the post-NAT zone, then the security rule decides on the PRE-NAT destination address and
 * service toward that POST-NAT zone.
 */
import type {DeviceModel} from '../../model/device.js'
import {forwardingFilter, leavesToward, type NatOrder, postNatZones} from '../../model/nat.js'

export function panosNatOrder(device: DeviceModel): NatOrder {
  return {
    filterWords: 'security rule',
    candidate: forwardingFilter,
    sees: () => 'original',
    pairs: (n, f) => leavesToward(f, postNatZones(device, n)),
  }
}
