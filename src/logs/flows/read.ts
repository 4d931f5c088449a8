/** Detect the flow format of a file and stream its records. */
import {IrmError} from '../../core/errors.js'
import {firstLines, readLines} from '../stream.js'
import {awsVpcFlow} from './aws-vpc.js'
import {nfdumpCsv} from './nfdump.js'
import type {FlowFormat, FlowReaderStats, FlowRecord} from './types.js'
import {zeekConn} from './zeek.js'

export const FLOW_FORMATS: readonly FlowFormat[] = [awsVpcFlow, zeekConn, nfdumpCsv]

export async function detectFlowFormat(path: string, display: string, name?: string): Promise<FlowFormat> {
  if (name) {
    const f = FLOW_FORMATS.find((x) => x.name === name)
    if (!f) throw new IrmError('USAGE', `unknown flow format '${name}'`, {hint: `Use one of: ${FLOW_FORMATS.map((x) => x.name).join(', ')}.`})
    return f
  }
  const head = await firstLines(path, display, 10)
  const best = FLOW_FORMATS.map((f) => ({f, s: f.detect(head)})).sort((a, b) => b.s - a.s)[0]
  if (!best || best.s === 0) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', 'cannot tell which kind of flow log this is', {
      file: display,
      line: 1,
      hint: `Supported: AWS VPC Flow Logs, Zeek conn.log (TSV or JSON), nfdump CSV; name it with FILE:format (${FLOW_FORMATS.map((x) => x.name).join(', ')}).`,
    })
  }
  return best.f
}

/** Stream the records of one file to `sink`; problems are counted, not thrown. */
export async function readFlows(path: string, display: string, format: FlowFormat, sink: (r: FlowRecord) => void): Promise<FlowReaderStats> {
  const parse = format.reader()
  const stats: FlowReaderStats = {records: 0, skipped: [], skippedCount: 0}
  for await (const {text, line} of readLines(path, display)) {
    const r = parse(text, line)
    if (r === null) continue
    if (typeof r === 'string') {
      stats.skippedCount++
      if (stats.skipped.length < 100) stats.skipped.push({line, reason: r})
      continue
    }
    stats.records++
    sink(r)
  }
  return stats
}
