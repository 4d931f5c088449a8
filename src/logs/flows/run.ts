/** `irm-audit traffic` as a function: inventory + flow log files → one report. */
import {relative, resolve, sep} from 'node:path'

import {IrmError} from '../../core/errors.js'
import {loadInventory, type LoadedInventory} from '../../inventory/load.js'
import {discoveredTrust} from '../../policy/run-trust.js'
import type {TrustModel} from '../../policy/trust.js'
import {splitFormat} from '../format-arg.js'
import {DEFAULT_TRAFFIC_POLICY, TrafficAnalyzer, type TrafficPolicy, type TrafficReport} from './analyze.js'
import {parseVpcFields} from './aws-vpc.js'
import {detectFlowFormat, readFlows} from './read.js'
import type {FlowFormatOptions} from './types.js'

export {splitFormat} from '../format-arg.js'

export interface TrafficOptions {
  inventoryDir: string
  /** `PATH`, `PATH:format` or `PATH:aws-vpc?fields=…`. */
  files: string[]
  displayBase: string
  policy?: Partial<TrafficPolicy>
  loaded?: LoadedInventory
  /** Which zones are untrusted; default: from the policy packs the run finds (and `policyFiles`). */
  trust?: TrustModel
  policyFiles?: string[]
  /** VPC Flow Logs field order for files without a header (`--vpc-fields`). */
  vpcFields?: string
  /** Decompressed bytes read from one log at most. */
  maxLogBytes?: number
}

export function fieldsOption(spec: string | undefined, where: string): FlowFormatOptions {
  if (spec === undefined) return {}
  const fields = parseVpcFields(spec)
  if (typeof fields === 'string') throw new IrmError('USAGE', `${where}: ${fields}`, {hint: 'Give the LogFormat of the flow log, e.g. --vpc-fields "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status".'})
  return {fields}
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const base = resolve(options.displayBase)
  const loaded = options.loaded ?? (await loadInventory(options.inventoryDir, {displayBase: base}))
  const trust = options.trust ?? (await discoveredTrust(loaded, options))
  const analyzer = new TrafficAnalyzer(loaded.inventory, trust, {...DEFAULT_TRAFFIC_POLICY, ...options.policy})
  const files: TrafficReport['files'] = []
  const common = fieldsOption(options.vpcFields, '--vpc-fields')
  const limits = {maxBytes: options.maxLogBytes}
  for (const arg of options.files) {
    const {path, format} = splitFormat(arg)
    const display = relative(base, resolve(path)).split(sep).join('/')
    const own = format?.params.fields !== undefined ? fieldsOption(format.params.fields, arg) : common
    const f = await detectFlowFormat(path, display, format?.name, own, limits)
    analyzer.setFile(display)
    const stats = await readFlows(path, display, f, (r) => analyzer.add(r), own, limits)
    files.push({file: display, format: f.name, records: stats.records, skipped: stats.skippedCount})
  }
  return analyzer.report(files)
}
