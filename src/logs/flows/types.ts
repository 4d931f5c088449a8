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

export interface FlowFormat {
  name: 'aws-vpc-flow' | 'zeek-conn' | 'nfdump-csv'
  /** Confidence 0..1 from the first lines. */
  detect(head: string[]): number
  /** A stateful line parser: header lines configure it; data lines yield records or a skip reason. */
  reader(): (text: string, line: number) => FlowRecord | string | null
}
