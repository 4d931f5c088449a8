import type {Family} from '../../net/ip.js'

/** One flow record, whatever the exporter: the fields traffic analysis needs. */
export interface FlowRecord {
  /** Start time, epoch milliseconds. */
  start: number
  family: Family
  src: number | bigint
  dst: number | bigint
  srcText: string
  dstText: string
  srcPort: number
  dstPort: number
  /** IP protocol number. */
  protocol: number
  bytes: number
  packets: number
  /** False when the exporter says the traffic was rejected or never established. */
  accepted: boolean
  line: number
}

export interface FlowReaderStats {
  records: number
  skipped: Array<{line: number; reason: string}>
  /** Skipped lines beyond the first 100 are only counted. */
  skippedCount: number
}

/** Where a reader sends what it read. */
export interface FlowOut {
  record(r: FlowRecord): void
  skip(line: number, reason: string): void
}

/** A stateful reader: header lines configure it; data lines give records or skip reasons. */
export interface FlowReader {
  line(text: string, line: number, out: FlowOut): void
  /** End of input (readers that hold a line back, such as CSV). */
  end?(out: FlowOut, lastLine: number): void
}

export interface FlowFormatOptions {
  /** VPC Flow Logs field order for files without a header (`--vpc-fields`, `?fields=`). */
  fields?: string[]
}

export type FlowFormatName = 'aws-vpc-flow' | 'zeek-conn' | 'nfdump-csv' | 'nfdump-csv-1.6' | 'nfdump-text'

export interface FlowFormat {
  name: FlowFormatName
  /** Confidence 0..1 from the first lines. */
  detect(head: string[], options?: FlowFormatOptions): number
  reader(options?: FlowFormatOptions): FlowReader
}

/** A reader from a one-line-in, one-result-out function. */
export function perLine(parse: (text: string, line: number) => FlowRecord | string | null): FlowReader {
  return {
    line(text, line, out) {
      const r = parse(text, line)
      if (r === null) return
      if (typeof r === 'string') out.skip(line, r)
      else out.record(r)
    },
  }
}
