import type {LoadedInventory} from '../inventory/load.js'

/** The Mermaid network map embedded in the prepare markdown. */
export function networkMapMermaid(_loaded: LoadedInventory): string | undefined {
  return undefined
}
