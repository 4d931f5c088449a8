/** `irm-audit traffic` as a function: inventory + flow log files → one report. */
import {relative, resolve, sep} from 'node:path'

import {loadInventory, type LoadedInventory} from '../../inventory/load.js'
import {DEFAULT_TRAFFIC_POLICY, TrafficAnalyzer, type TrafficPolicy, type TrafficReport} from './analyze.js'
import {detectFlowFormat, readFlows} from './read.js'

export interface TrafficOptions {
  inventoryDir: string
  /** `PATH` or `PATH:format`. */
  files: string[]
  displayBase: string
  policy?: Partial<TrafficPolicy>
  loaded?: LoadedInventory
}

export function splitFormat(arg: string): {path: string; format?: string} {
  const m = /^(.+):(aws-vpc-flow|zeek-conn|nfdump-csv|openvpn|strongswan|cisco-asa|fortigate|cloudtrail|azure-signin)$/.exec(arg)
  return m ? {path: m[1], format: m[2]} : {path: arg}
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const base = resolve(options.displayBase)
  const loaded = options.loaded ?? (await loadInventory(options.inventoryDir, {displayBase: base}))
  const analyzer = new TrafficAnalyzer(loaded.inventory, {...DEFAULT_TRAFFIC_POLICY, ...options.policy})
  const files: TrafficReport['files'] = []
  for (const arg of options.files) {
    const {path, format} = splitFormat(arg)
    const display = relative(base, resolve(path)).split(sep).join('/')
    const f = await detectFlowFormat(path, display, format)
    analyzer.setFile(display)
    const stats = await readFlows(path, display, f, (r) => analyzer.add(r))
    files.push({file: display, format: f.name, records: stats.records, skipped: stats.skippedCount})
  }
  return analyzer.report(files)
}
