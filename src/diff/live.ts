/**
 * The live configs of the inventory's devices: `devices[].config` (relative to the inventory folder),
 * overridden or added by `--live DEVICE=PATH[:type]`. An inventory config that cannot be read or parsed
 * becomes a LiveConfig with an error (a `device-unaudited` finding); a `--live` file that cannot be used
 * is an input error (exit 2), as in `parse`.
 */
import {existsSync} from 'node:fs'
import {realpath, stat} from 'node:fs/promises'
import {availableParallelism} from 'node:os'
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {IrmError, isIrmError} from '../core/errors.js'
import {allParsers} from '../sources/registry.js'
import {loadConfigs} from '../sources/load.js'
import type {LiveConfig} from './model.js'

export interface LiveRequest {
  device: string
  /** Path on disk (the first, when the device has several files). */
  path: string
  /** Every file of the device, read together (`devices[].config` as a list). */
  paths?: string[]
  type?: string
  /** True for `devices[].config`: it must stay inside the inventory folder. */
  fromInventory: boolean
}

export interface DeviceConfigRef {
  id: string
  config?: string | readonly string[]
  format?: string
}

function configList(d: DeviceConfigRef): readonly string[] {
  return d.config === undefined ? [] : typeof d.config === 'string' ? [d.config] : d.config
}

/**
 * `fw-edge-1=live/edge.cfg:cisco-asa` → device, path, type. A suffix after the last `:` that looks like
 * a format name (letters, digits, `-`) is a type, and an unknown one is an error that names it, unless
 * the whole text is an existing file (`a:b` on disk); `C:\x` or `a:b.cfg` stay paths. Without `DEVICE=`,
 * the path must be the config of exactly one device.
 */
export function parseLiveFlag(flag: string, devices: readonly DeviceConfigRef[], inventoryDir: string): LiveRequest {
  const types = allParsers().map((p) => p.type)
  const eq = flag.indexOf('=')
  let device = eq > 0 && !flag.slice(0, eq).includes('/') ? flag.slice(0, eq) : undefined
  let rest = device === undefined ? flag : flag.slice(eq + 1)
  let type: string | undefined
  const colon = rest.lastIndexOf(':')
  const suffix = colon > 0 ? rest.slice(colon + 1) : ''
  if (types.includes(suffix)) {
    type = suffix
    rest = rest.slice(0, colon)
  } else if (/^[a-z][a-z0-9-]*$/i.test(suffix) && !existsSync(rest)) {
    const near = types.filter((t) => t.startsWith(suffix.toLowerCase().slice(0, 3)))
    throw new IrmError('USAGE', `--live ${flag}: unknown config type '${suffix}'`, {
      hint: `${near.length ? `Did you mean ${near.map((t) => `'${t}'`).join(' or ')}? ` : ''}Known types: ${types.join(', ')} (see 'irm-audit sources').`,
    })
  }
  if (!rest) throw new IrmError('USAGE', `--live ${flag}: no path`, {hint: 'Write --live DEVICE=PATH[:type].'})
  if (device === undefined) {
    const target = resolve(rest)
    const matches = devices.filter((d) => configList(d).some((c) => resolve(inventoryDir, c) === target))
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
    const list = configList(d)
    if (list.length === 0 || overridden.has(d.id)) continue
    const paths = list.map((c) => resolve(inventoryDir, c))
    out.push({device: d.id, path: paths[0], ...(paths.length > 1 ? {paths} : {}), type: d.format, fromInventory: true})
  }
  return [...out, ...overrides]
}

/** Read and parse each request; paths in reports are relative to `displayBase`, with `/`. */
/**
 * `jobs`: worker threads (`--jobs`); default the core count, used when the configs are big enough to
 * pay for starting them.
 */
export async function loadLive(requests: readonly LiveRequest[], inventoryDir: string, displayBase: string, options: {jobs?: number} = {}): Promise<LiveConfig[]> {
  const root = resolve(inventoryDir)
  // by real path: a symlink inside the folder may point anywhere
  const realRoot = await realpath(root).catch(() => root)
  let jobs = Math.min(options.jobs ?? availableParallelism(), requests.length)
  // by default a small inventory stays on one thread: starting a worker costs what 2 MB of rules do
  if (options.jobs === undefined && jobs > 1 && (await configBytes(requests)) < PARALLEL_MIN_BYTES) jobs = 1
  // several devices on worker threads (live-pool.ts); a format that runs code stays on this thread
  if (jobs > 1) return (await import('./live-pool.js')).loadLiveParallel(requests, {root, realRoot, displayBase, jobs})
  const out: LiveConfig[] = []
  for (const r of requests) out.push(await loadOne(r, root, realRoot, displayBase))
  return out
}

export const PARALLEL_MIN_BYTES = 2 << 20

export async function configBytes(requests: readonly LiveRequest[]): Promise<number> {
  let n = 0
  for (const r of requests) for (const p of r.paths ?? [r.path]) n += (await stat(p).catch(() => undefined))?.size ?? 0
  return n
}

/** One request → its LiveConfig; throws only what the command must stop on (a bad `--live` file). */
export async function loadOne(r: LiveRequest, root: string, realRoot: string, displayBase: string): Promise<LiveConfig> {
  const abs = resolve(r.path)
  const all = (r.paths ?? [r.path]).map((p) => resolve(p))
  const display = displayPath(abs, displayBase)
  const inside = (p: string, dir: string) => p !== dir && p.startsWith(dir + sep)
  const real = r.fromInventory ? await Promise.all(all.map((p) => realpath(p).catch(() => p))) : all
  if (r.fromInventory && (all.some((p) => !inside(p, root)) || real.some((p) => !inside(p, realRoot)))) {
    return {device: r.device, file: display, error: 'its config path leaves the inventory folder', hint: 'Keep devices[].config inside the inventory folder.'}
  }
  // a pull request may edit the inventory: only the command line may ask to run a program
  if (r.fromInventory && r.type && executes(r.type)) {
    return {device: r.device, file: display, error: `the ${r.type} format runs code and is never started from the inventory`, hint: `Pass it on the command line: --live ${r.device}=PATH:${r.type}.`}
  }
  try {
    const loaded = await loadConfigs(all, {type: r.type, displayPaths: all.map((p) => displayPath(p, displayBase))})
    return {device: r.device, file: display, type: loaded.type, exposures: loaded.exposures, unparsed: loaded.unparsed, stats: loaded.stats, ...(loaded.device ? {model: loaded.device} : {}), ...(loaded.denies?.length ? {denies: loaded.denies} : {}), ...(loaded.nats?.length ? {nats: loaded.nats} : {})}
  } catch (e) {
    // a file named on the command line must be usable (exit 2); the inventory's become findings
    if (!isIrmError(e) || !r.fromInventory) throw e
    return {device: r.device, file: display, error: e.line ? `line ${e.line}: ${e.message}` : e.message, hint: e.hint}
  }
}

/** The format runs user code (pulumi-program): never on a worker, never from the inventory. */
export function executes(type: string): boolean {
  return allParsers().find((p) => p.type === type)?.executes === true
}

export function displayPath(abs: string, base: string): string {
  const rel = relative(base, abs)
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs
  return shown.split(sep).join('/')
}
