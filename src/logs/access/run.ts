/** `irm-audit access-logs` as a function: inventory + authentication logs (+ location table) → one report. */
import {relative, resolve, sep} from 'node:path'

import {loadInventory, type LoadedInventory} from '../../inventory/load.js'
import {discoveredTrust} from '../../policy/run-trust.js'
import type {TrustModel} from '../../policy/trust.js'
import {splitFormat} from '../format-arg.js'
import {type AccessPolicy, type AccessReport, analyzeLogins} from './analyze.js'
import {type GeoSource, mergeGeo, openGeo} from './geo.js'
import {ACCESS_FORMATS, detectAccessFormat, readAccessLog} from './read.js'
import type {LoginEvent} from './types.js'

export interface AccessLogOptions {
  inventoryDir: string
  files: string[]
  geo?: string[]
  displayBase: string
  /** Year assumed for syslog stamps without one. */
  year: number
  policy?: Partial<AccessPolicy>
  pseudonymize?: boolean
  loaded?: LoadedInventory
  /** Which zones are untrusted; default: from the policy packs the run finds (and `policyFiles`). */
  trust?: TrustModel
  policyFiles?: string[]
  /** Decompressed bytes read from one log at most. */
  maxLogBytes?: number
}

export async function runAccessLogs(options: AccessLogOptions): Promise<AccessReport> {
  const base = resolve(options.displayBase)
  const show = (p: string) => relative(base, resolve(p)).split(sep).join('/')
  const loaded = options.loaded ?? (await loadInventory(options.inventoryDir, {displayBase: base}))
  const trust = options.trust ?? (await discoveredTrust(loaded, options))
  const sources: GeoSource[] = []
  for (const g of options.geo ?? []) sources.push(await openGeo(g, show(g)))
  const events: LoginEvent[] = []
  const files: AccessReport['files'] = []
  for (const arg of options.files) {
    const {path, format} = splitFormat(arg)
    const limits = {maxBytes: options.maxLogBytes}
    const f = await detectAccessFormat(path, show(path), format?.name, limits)
    const r = await readAccessLog(path, show(path), f, options.year, limits)
    for (const e of r.events) events.push(e)
    files.push({file: show(path), format: f.name, events: r.events.length, skipped: r.skippedCount, ...(r.nonUser ? {non_user: r.nonUser} : {})})
  }
  const kinds = Object.fromEntries(ACCESS_FORMATS.map((f) => f()).map((f) => [f.name, f.kind]))
  return analyzeLogins(loaded.inventory, events, files, {geo: mergeGeo(sources), policy: options.policy, pseudonymize: options.pseudonymize, kinds, trust})
}
