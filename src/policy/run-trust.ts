/**
 * The trust model of a command that has no policy of its own to hand (traffic, access-logs): the packs
 * every command finds (the default, `irm-audit.policy.yaml` at the git top level, then --policy files).
 */
import type {LoadedInventory} from '../inventory/load.js'
import {gateFiles} from './discover.js'
import {loadPolicy} from './pack.js'
import {TrustModel} from './trust.js'

export async function discoveredTrust(loaded: LoadedInventory, options: {inventoryDir: string; displayBase: string; policyFiles?: string[]}): Promise<TrustModel> {
  const gate = await gateFiles({inventoryDir: options.inventoryDir, policy: options.policyFiles, displayBase: options.displayBase})
  const pack = await loadPolicy(gate.policies)
  return TrustModel.of(pack.diff, loaded.inventory)
}
