/**
 * The inventory and its live configs as a path space, loaded as `diff` loads them (devices[].config,
 * --live overrides, the discovered policy pack for trusted zones). Reads files, never prints.
 */
import {resolve} from 'node:path'

import {IrmError} from '../core/errors.js'
import {loadInventory, type LoadedInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {gateFiles} from '../policy/discover.js'
import {loadPolicy} from '../policy/pack.js'
import {diffInputFromInventory} from '../diff/inventory.js'
import {displayPath, liveRequests, loadLive, parseLiveFlag} from '../diff/live.js'
import {PathSpace} from './space.js'

export interface PathOptions {
  inventoryDir: string
  live?: string[]
  policyFiles?: string[]
  /** YYYY-MM-DD (validation of dates). */
  asOf: string
  displayBase: string
}

export async function loadPathSpace(options: PathOptions): Promise<{space: PathSpace; loaded: LoadedInventory}> {
  const base = resolve(options.displayBase)
  const loaded = await loadInventory(options.inventoryDir, {displayBase: base})
  const errors = validateInventory(loaded, {asOf: new Date(`${options.asOf}T00:00:00Z`)}).filter((i) => i.severity === 'error')
  if (errors.length) {
    const lines = errors.slice(0, 50).map((i) => `${i.file}:${i.line}:${i.column}: ${i.message} [${i.rule}]`)
    throw new IrmError('INVENTORY_INVALID', `the inventory does not validate (${errors.length} error(s)):\n  ${lines.join('\n  ')}`, {
      file: displayPath(loaded.dir, base),
      hint: 'Run `irm-audit validate` and fix the errors first.',
    })
  }
  const gate = await gateFiles({inventoryDir: options.inventoryDir, policy: options.policyFiles, displayBase: options.displayBase})
  const pack = await loadPolicy(gate.policies)
  const policy = pack.diff
  const devices = loaded.inventory.devices.map((d) => ({id: d.id, config: d.config, format: d.format}))
  const overrides = (options.live ?? []).map((flag) => parseLiveFlag(flag, devices, loaded.dir))
  const live = await loadLive(liveRequests(devices, loaded.dir, overrides), loaded.dir, base)
  const input = diffInputFromInventory(loaded, live, options.asOf, policy)
  return {space: new PathSpace(input), loaded}
}
