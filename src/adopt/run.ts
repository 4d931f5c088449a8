/**
 * `irm-audit adopt` as a function: inventory + live configs (+ NetBox) → drafted entries merged into the
 * inventory's files. Reads and writes files, never prints; the command renders.
 */
import {existsSync} from 'node:fs'
import {readFile, realpath} from 'node:fs/promises'
import {basename, extname, relative, resolve, sep} from 'node:path'

import {createTwoFilesPatch} from 'diff'

import {IrmError} from '../core/errors.js'
import {displayPath, liveRequests, loadLive, parseLiveFlag, type DeviceConfigRef} from '../diff/live.js'
import type {LiveConfig} from '../diff/model.js'
import {loadInventory} from '../inventory/load.js'
import {LIST_KEYS} from '../inventory/model.js'
import {gateFiles} from '../policy/discover.js'
import {loadPolicy} from '../policy/pack.js'
import {writeAtomic} from '../report/output.js'
import {draftFromLive, type KnownService} from './live.js'
import {type FileChange, mergeDraft} from './merge.js'
import {type AdoptNote, type Draft, type DraftEntry, emptyDraft, OWNER_TO_CONFIRM, ownerToConfirm, slug} from './model.js'
import {draftFromNetbox} from './netbox/draft.js'
import {fetchNetbox, type NetboxData, readNetboxDir} from './netbox/read.js'

export interface AdoptOptions {
  inventoryDir: string
  /** `--live DEVICE=PATH[:type]`; a device the inventory does not have yet is drafted. */
  live?: string[]
  /** A folder of saved NetBox pages, or a NetBox URL. */
  netbox?: string
  /** NETBOX_TOKEN, for a URL. */
  netboxToken?: string
  netboxTimeoutMs?: number
  /** Print the change, write nothing. */
  dryRun?: boolean
  /** YYYY-MM-DD: review_by of drafted access points is this day + 90. */
  asOf: string
  /** Paths in the report are relative to this folder. */
  displayBase: string
  /** For tests: the fetch used for a NetBox URL. */
  fetch?: typeof fetch
}

export interface AdoptReport {
  inventory: string
  dry_run: boolean
  /** Nothing new: the inventory already holds everything adopt would draft. */
  nothing_to_add: boolean
  added: {contacts: string[]; zones: string[]; devices: string[]; interfaces: string[]; access_points: string[]}
  /** Files written (or that would be, with --dry-run). */
  files: Array<{file: string; created: boolean}>
  /** What adopt could not draft, for a human. */
  notes: AdoptNote[]
  /** The unified diff of the change (always computed; printed by --dry-run). */
  patch: string
}

const CLOUD_FORMATS = /^(?:aws|azure|gcp|pulumi|pulumi-program)$/
const VPN_FORMATS = /^(?:openvpn|wireguard|strongswan)$/

export async function runAdopt(o: AdoptOptions): Promise<AdoptReport> {
  const base = resolve(o.displayBase)
  const loaded = await loadInventory(o.inventoryDir, {displayBase: base})
  const dir = loaded.dir
  const taken = new Set<string>(LIST_KEYS.flatMap((k) => (loaded.inventory[k] as Array<{id?: unknown}>).map((e) => String(e.id))))
  let draft: Draft = emptyDraft()
  let services: KnownService[] = []

  if (o.netbox) {
    const isDir = existsSync(o.netbox) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(o.netbox)
    const data: NetboxData = isDir
      ? await readNetboxDir(resolve(o.netbox), (p) => displayPath(p, base))
      : await fetchNetbox({url: o.netbox, token: o.netboxToken, timeoutMs: o.netboxTimeoutMs, fetch: o.fetch})
    const nb = draftFromNetbox(data, loaded.inventory, taken, isDir ? displayPath(resolve(o.netbox), base) : 'NetBox')
    draft = nb.draft
    services = nb.services
  }

  // --live: devices the inventory lacks are drafted from the flag (format detected, config path kept)
  const known: DeviceConfigRef[] = [
    ...loaded.inventory.devices.map((d) => ({id: d.id, config: d.config, format: d.format})),
    ...draft.entries.filter((e) => e.collection === 'devices').map((e) => ({id: e.id})),
  ]
  const newDevices = new Map<string, string>()
  for (const flag of o.live ?? []) {
    const id = flagDevice(flag, known, dir)
    if (id && !known.some((d) => d.id === id)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id)) throw new IrmError('USAGE', `--live ${flag}: '${id}' cannot be a device id`, {hint: 'Use letters, digits and . _ : - (starting with a letter or digit).'})
      known.push({id})
      newDevices.set(id, flag)
      taken.add(id)
    }
  }
  // a new device named after its file (no DEVICE=): said explicitly, so that the flag reads as for any device
  const flags = (o.live ?? []).map((flag) => {
    const id = flagDevice(flag, known, dir)
    return id && newDevices.has(id) && !flag.startsWith(`${id}=`) ? `${id}=${flag}` : flag
  })
  const overrides = flags.map((flag) => parseLiveFlag(flag, known, dir))
  // paths in drafted comments are relative to the inventory folder, wherever adopt runs
  const live = await loadLive(liveRequests(known, dir, overrides), dir, dir)
  for (const [id] of newDevices) {
    const requests = overrides.filter((r) => r.device === id)
    draft.entries.push(await deviceFromLive(id, requests.map((r) => r.path), live, dir))
  }

  const gate = await gateFiles({inventoryDir: o.inventoryDir, displayBase: base})
  const pack = await loadPolicy(gate.policies)
  const policy = pack.diff
  const drafted = draftFromLive({loaded, live, policy, asOf: o.asOf, taken, services}, draft)
  draft = drafted.draft
  if (usesOwnerToConfirm(draft) && !loaded.inventory.contacts.some((c) => c.id === OWNER_TO_CONFIRM)) draft.entries.unshift(ownerToConfirm())

  const sources = new Map<string, string>()
  for (const f of loaded.files) sources.set(f.absolute, await readSource(f.absolute))
  const merged = mergeDraft(loaded, draft, sources, (p) => displayPath(p, base))
  const patch = merged.changes.map((c) => unifiedDiff(c, dir)).join('')
  if (!o.dryRun) for (const c of merged.changes) await writeChange(c)
  const added = merged.added
  const nothing = Object.values(added).every((l) => l.length === 0)
  return {
    inventory: displayPath(dir, base),
    dry_run: !!o.dryRun,
    nothing_to_add: nothing,
    added: {contacts: added.contacts, zones: added.zones, devices: added.devices, interfaces: added.interfaces, access_points: added.access_points},
    files: merged.changes.map((c) => ({file: c.display, created: c.created})),
    notes: [...draft.notes, ...merged.notes],
    patch,
  }
}

/** The device a `--live` flag names: `DEVICE=` when given, else the device whose config it is, else the file's name. */
function flagDevice(flag: string, known: readonly DeviceConfigRef[], dir: string): string | undefined {
  const eq = flag.indexOf('=')
  if (eq > 0 && !flag.slice(0, eq).includes('/')) return flag.slice(0, eq)
  const path = flag.replace(/:[a-z][a-z0-9-]*$/i, '')
  const target = resolve(path)
  const owner = known.find((d) => (d.config === undefined ? [] : typeof d.config === 'string' ? [d.config] : d.config).some((c) => resolve(dir, c) === target))
  if (owner) return owner.id
  const name = basename(path)
  return slug(name.slice(0, name.length - extname(name).length) || name)
}

function guessRole(format: string): string {
  if (CLOUD_FORMATS.test(format)) return 'cloud-account'
  if (VPN_FORMATS.test(format)) return 'vpn'
  if (format === 'cisco-ios') return 'router'
  return 'firewall'
}

/** A device drafted from its `--live` files: format as detected, config when the files are inside the inventory folder. */
async function deviceFromLive(id: string, paths: string[], live: LiveConfig[], dir: string): Promise<DraftEntry> {
  const parsed = live.find((l) => l.device === id && !('error' in l))
  const format = parsed && 'type' in parsed ? parsed.type : undefined
  const realDir = await realpath(dir).catch(() => dir)
  const inside: string[] = []
  for (const p of paths) {
    const real = await realpath(p).catch(() => resolve(p))
    if (real.startsWith(realDir + sep)) inside.push(relative(realDir, real).split(sep).join('/'))
  }
  const config = inside.length === paths.length && inside.length ? (inside.length === 1 ? inside[0] : inside) : undefined
  const role = format ? guessRole(format) : 'firewall'
  const comment = [`irm-audit adopt: from --live ${paths.map((p) => displayPath(resolve(p), dir)).join(', ')}; role '${role}' guessed from the format: to confirm`]
  if (!config) comment.push('its config is outside the inventory folder: copy it under live/ and set config, so that diff audits it')
  return {collection: 'devices', id, entry: {id, ...(format ? {format} : {}), role, ...(config ? {config} : {}), owner: OWNER_TO_CONFIRM}, comment}
}

function usesOwnerToConfirm(draft: Draft): boolean {
  return draft.entries.some((e) => e.entry.owner === OWNER_TO_CONFIRM)
}

async function readSource(path: string): Promise<string> {
  // the loader drops a BOM; the ranges it gave point into the text without it
  const text = await readFile(path, 'utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

async function writeChange(c: FileChange): Promise<void> {
  let text = c.after
  if (!c.created) {
    const raw = await readFile(c.path, 'utf8')
    if (raw !== c.before && raw !== `\ufeff${c.before}`) {
      throw new IrmError('OUTPUT_WRITE', 'the file changed while adopt ran; nothing written to it', {file: c.display, hint: 'Run adopt again.'})
    }
    if (raw.charCodeAt(0) === 0xfeff) text = `\ufeff${text}`
  } else if (existsSync(c.path)) {
    throw new IrmError('OUTPUT_WRITE', 'the file appeared while adopt ran; nothing written to it', {file: c.display, hint: 'Run adopt again.'})
  }
  await writeAtomic(c.path, text)
}

function unifiedDiff(c: FileChange, dir: string): string {
  const name = relative(dir, c.path).split(sep).join('/')
  return createTwoFilesPatch(c.created ? '/dev/null' : `a/${name}`, `b/${name}`, c.before, c.after, '', '', {context: 3})
}
