/**
 * Netfilter (iptables and nftables alike): a DNAT in prerouting only opens something if the filter
 * hooks after it (forward, or input when the new destination is the host itself) let the translated
 * packet through. We do not know the host's addresses, so we only say when neither hook permits any of
 * the translated traffic: the port forward is then probably dead.
 */
import {type Exposure, exposureBox} from '../../model/exposure.js'
import {DestinationIndex} from '../../net/destination-index.js'
import {type Box, overlapsBox} from '../../net/match.js'

export function noteUnfilteredNat(exposures: Exposure[]): void {
  // filters indexed by destination, so each forward meets only the rules near its translated address
  const filters = new DestinationIndex<Box>((b) => b.to)
  for (const e of exposures) if (e.kind === 'filter' && e.direction === 'inbound') filters.add(exposureBox(e))
  for (const e of exposures) {
    if (e.kind !== 'nat-forward' || !e.translated) continue
    const translated: Box = {...exposureBox(e), to: e.translated.to ?? e.to, ports: e.translated.ports ?? e.ports}
    if (!filters.candidates(translated.to).some((f) => overlapsBox(f, translated))) {
      ;(e.notes ??= []).push('no input or forward filter rule permits the translated traffic: this forward may be dead')
    }
  }
}
