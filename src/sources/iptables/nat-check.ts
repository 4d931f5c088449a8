/**
 * Netfilter's NAT order for the shared step (model/nat.ts), iptables and nftables alike. A DNAT in
 * prerouting opens only what the filter hook after it lets through once translated: forward for a DNAT
 * to a new address (we do not know the host's own addresses, and a port forward sends traffic on), input
 * for a REDIRECT (the host itself). Filter rules see the translated packet.
 */
import type {Exposure} from '../../model/exposure.js'
import {composeNat, type NatOrder} from '../../model/nat.js'
import type {Doubt} from '../types.js'

export const NETFILTER_NAT: NatOrder = {
  filterWords: 'input or forward filter rule',
  candidate: (f, n) => f.kind === 'filter' && f.direction === 'inbound' && f.hook === (n.translated?.to ? 'forward' : 'input'),
  sees: () => 'translated',
}

/**
 * Replace the nat-forward exposures by their compositions with the filters; dead NATs become doubts.
 * `mayMeet`: the filters that may meet a NAT (composeNat), when the parser knows them.
 */
export function composeNetfilterNat(exposures: Exposure[], mayMeet?: readonly Exposure[]): {exposures: Exposure[]; doubts: Doubt[]; nats: Exposure[]} {
  return composeNat(exposures, NETFILTER_NAT, mayMeet)
}
