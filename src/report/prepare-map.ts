import type {LoadedInventory} from '../inventory/load.js'
import type {PrepareReport} from '../readiness/run.js'
import {networkMap, renderMermaid} from './map.js'

/** The Mermaid network map embedded in the prepare markdown (zones, devices, untrusted access points, critical flows). */
export function networkMapMermaid(loaded: LoadedInventory, _report?: PrepareReport): string {
  return renderMermaid(networkMap(loaded.inventory))
}
