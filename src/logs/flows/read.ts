/** Detect the flow format of a file and stream its records. */
import {IrmError} from '../../core/errors.js'
import {firstLines, type LineStats, MAX_LINE, type ReadLimits, readLineBatches} from '../stream.js'
import {awsVpcFlow} from './aws-vpc.js'
import {nfdumpCsv, nfdumpCsv16, nfdumpText} from './nfdump.js'
import type {FlowFormat, FlowFormatOptions, FlowOut, FlowReaderStats, FlowRecord} from './types.js'
import {zeekConn} from './zeek.js'

export const FLOW_FORMATS: readonly FlowFormat[] = [awsVpcFlow, zeekConn, nfdumpCsv, nfdumpCsv16, nfdumpText]

/** Lines read for format detection. */
export const DETECT_LINES = 200

export async function detectFlowFormat(path: string, display: string, name?: string, options: FlowFormatOptions = {}, limits: ReadLimits = {}): Promise<FlowFormat> {
  if (name) {
    const f = FLOW_FORMATS.find((x) => x.name === name)
    if (!f) throw new IrmError('USAGE', `unknown flow format '${name}'`, {hint: `Use one of: ${FLOW_FORMATS.map((x) => x.name).join(', ')}.`})
    return f
  }
  const head = await firstLines(path, display, DETECT_LINES, limits)
  const best = FLOW_FORMATS.map((f) => ({f, s: f.detect(head, options)})).sort((a, b) => b.s - a.s)[0]
  if (!best || best.s === 0) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', head.length ? 'cannot tell which kind of flow log this is' : 'the log has no non-blank line in its first 16 MiB', {
      file: display,
      line: 1,
      hint: `Supported: AWS VPC Flow Logs, Zeek conn.log (TSV or JSON), nfdump CSV and text output; name it with FILE:format (${FLOW_FORMATS.map((x) => x.name).join(', ')}), and give a headerless custom VPC order with --vpc-fields.`,
    })
  }
  return best.f
}

/** Stream the records of one file to `sink`; problems are counted, not thrown. */
export async function readFlows(path: string, display: string, format: FlowFormat, sink: (r: FlowRecord) => void, options: FlowFormatOptions = {}, limits: ReadLimits = {}): Promise<FlowReaderStats> {
  const reader = format.reader(options)
  const stats: FlowReaderStats = {records: 0, skipped: [], skippedCount: 0}
  const skip = (line: number, reason: string) => {
    stats.skippedCount++
    if (stats.skipped.length < 100) stats.skipped.push({line, reason})
  }
  const out: FlowOut = {
    record(r) {
      stats.records++
      sink(r)
    },
    skip,
  }
  const lineStats: LineStats = {tooLong: 0}
  let last = 0
  for await (const batch of readLineBatches(path, display, lineStats, limits)) {
    for (const {text, line} of batch) reader.line(text, line, out)
    last = batch[batch.length - 1].line
  }
  reader.end?.(out, last)
  if (lineStats.tooLong) {
    stats.skippedCount += lineStats.tooLong - 1
    skip(lineStats.firstTooLong ?? 1, `${lineStats.tooLong} line(s) over ${MAX_LINE / 1024 / 1024} MiB dropped`)
  }
  return stats
}
