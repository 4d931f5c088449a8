/**
 * The live configs of the inventory's devices: `devices[].config` (relative to the inventory folder),
 * overridden or added by `--live DEVICE=PATH[:type]`. A config that cannot be read or parsed becomes a
 * LiveConfig with an error (a `device-unaudited` finding), never an exception.
 */
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {IrmError, isIrmError} from '../core/errors.js'
import {allParsers} from '../sources/registry.js'
import {loadConfig} from '../sources/load.js'
import type {LiveConfig} from './model.js'

export interface LiveRequest {
  device: string
  /** Path on disk. */
  path: string
  type?: string
  /** True for `devices[].config`: it must stay inside the inventory folder. */
  fromInventory: boolean
}

export interface DeviceConfigRef {
  id: string
  config?: string
  format?: string
}

/**
 * `fw-edge-1=live/edge.cfg:cisco-asa` → device, path, type. The `:type` suffix is read only when it
 * names a known format, so `C:\x` or `a:b.cfg` stay paths. Without `DEVICE=`, the path must be the
 * config of exactly one device.
 */
export function parseLiveFlag(flag: string, devices: readonly DeviceConfigRef[], inventoryDir: string): LiveRequest {
  const types = new Set(allParsers().map((p) => p.type))
  const eq = flag.indexOf('=')
  let device = eq > 0 && !flag.slice(0, eq).includes('/') ? flag.slice(0, eq) : undefined
  let rest = device === undefined ? flag : flag.slice(eq + 1)
  let type: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > 0 && types.has(rest.slice(colon + 1))) {
    type = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  if (!rest) throw new IrmError('USAGE', `--live ${flag}: no path`, {hint: 'Write --live DEVICE=PATH[:type].'})
  if (device === undefined) {
    const target = resolve(rest)
    const matches = devices.filter((d) => d.config && resolve(inventoryDir, d.config) === target)
    if (matches.length !== 1) {
      throw new IrmError('USAGE', `--live ${flag}: which device is this config for?`, {
        hint: 'Name the device: --live DEVICE=PATH[:type] (the device id from the inventory).',
      })
    }
    device = matches[0].id
  } else if (!devices.some((d) => d.id === device)) {
    throw new IrmError('USAGE', `--live ${flag}: no device '${device}' in the inventory`, {hint: 'Use a device id from devices[] in the inventory.'})
  }
  return {device, path: rest, type, fromInventory: false}
}

/** Inventory configs, with `--live` requests replacing a device's inventory config. */
export function liveRequests(devices: readonly DeviceConfigRef[], inventoryDir: string, overrides: readonly LiveRequest[]): LiveRequest[] {
  const overridden = new Set(overrides.map((o) => o.device))
  const out: LiveRequest[] = []
  for (const d of devices) {
    if (!d.config || overridden.has(d.id)) continue
    out.push({device: d.id, path: resolve(inventoryDir, d.config), type: d.format, fromInventory: true})
  }
  return [...out, ...overrides]
}

/** Read and parse each request; paths in reports are relative to `displayBase`, with `/`. */
export async function loadLive(requests: readonly LiveRequest[], inventoryDir: string, displayBase: string): Promise<LiveConfig[]> {
  const root = resolve(inventoryDir)
  const out: LiveConfig[] = []
  for (const r of requests) {
    const abs = resolve(r.path)
    const display = displayPath(abs, displayBase)
    if (r.fromInventory && abs !== root && !abs.startsWith(root + sep)) {
      out.push({device: r.device, file: display, error: 'its config path leaves the inventory folder', hint: 'Keep devices[].config inside the inventory folder.'})
      continue
    }
    // a pull request may edit the inventory: only the command line may ask to run a program
    if (r.fromInventory && r.type && allParsers().find((p) => p.type === r.type)?.executes) {
      out.push({device: r.device, file: display, error: `the ${r.type} format runs code and is never started from the inventory`, hint: `Pass it on the command line: --live ${r.device}=PATH:${r.type}.`})
      continue
    }
    try {
      const loaded = await loadConfig(abs, {type: r.type, displayPath: display})
      out.push({device: r.device, file: display, type: loaded.type, exposures: loaded.exposures, unparsed: loaded.unparsed, stats: loaded.stats, ...(loaded.device ? {model: loaded.device} : {})})
    } catch (e) {
      if (!isIrmError(e)) throw e
      out.push({device: r.device, file: display, error: e.line ? `line ${e.line}: ${e.message}` : e.message, hint: e.hint})
    }
  }
  return out
}

export function displayPath(abs: string, base: string): string {
  const rel = relative(base, abs)
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs
  return shown.split(sep).join('/')
}
