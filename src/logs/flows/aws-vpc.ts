/**
 * AWS VPC Flow Logs, default (version 2) and custom formats. S3 deliveries start with a header line of
 * field names (`version account-id interface-id srcaddr …`); CloudWatch deliveries have none: the
 * default field order is assumed, or the custom order given with `--vpc-fields "…"` or
 * `FILE:aws-vpc?fields=…` (the flow log's `LogFormat`, `${…}` accepted), until a header says otherwise.
 * `-` is NODATA/SKIPDATA.
 */
import {readAddress} from './address.js'
import {type FlowFormat, type FlowRecord, perLine} from './types.js'

const DEFAULT_FIELDS = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status']

export const awsVpcFlow: FlowFormat = {
  name: 'aws-vpc-flow',
  detect(head, options) {
    const first = head[0] ?? ''
    if (/\bsrcaddr\b/i.test(first) && /\bdstaddr\b/i.test(first) && !first.includes(',')) return 1
    // default format: "2 123456789012 eni-… 10.0.0.1 10.0.0.2 443 49152 6 10 840 1620000000 1620000060 ACCEPT OK"
    if (head.some((l) => /^\d+ \d{12} eni-[0-9a-f]+ /i.test(l))) return 0.9
    // a custom order given by the user: lines with that many fields and addresses where it says
    const fields = options?.fields
    if (fields) {
      const idx = index(fields)
      const fits = (l: string) => {
        const p = l.trim().split(/\s+/)
        return p.length === fields.length && readAddress(p[idx.srcaddr]) !== undefined && readAddress(p[idx.dstaddr]) !== undefined
      }
      // NODATA records and the odd broken line aside, most lines must fit
      const sample = head.slice(0, 20)
      if (sample.filter(fits).length * 2 > sample.length) return 0.9
    }
    return 0
  },
  reader(options) {
    let fields = options?.fields ?? DEFAULT_FIELDS
    let idx = index(fields)
    return perLine((text, line) => {
      const parts = text.trim().split(/\s+/)
      if (parts.length === 0 || parts[0] === '') return null
      if (parts.includes('srcaddr') && parts.includes('dstaddr')) {
        fields = parts.map((p) => p.toLowerCase())
        idx = index(fields)
        return null
      }
      if (parts.length !== fields.length) return `expected ${fields.length} fields, found ${parts.length}`
      const srcText = parts[idx.srcaddr]
      const dstText = parts[idx.dstaddr]
      // NODATA/SKIPDATA records carry no addresses
      if (srcText === '-' || dstText === '-') return null
      const src = readAddress(srcText)
      const dst = readAddress(dstText)
      if (!src || !dst || src.family !== dst.family) return `unreadable address '${src ? dstText : srcText}'`
      const start = Number(parts[idx.start])
      const rec: FlowRecord = {
        start: Number.isFinite(start) ? start * 1000 : 0,
        family: src.family,
        src: src.value,
        dst: dst.value,
        srcText,
        dstText,
        srcPort: num(parts[idx.srcport]),
        dstPort: num(parts[idx.dstport]),
        protocol: num(parts[idx.protocol]),
        bytes: num(parts[idx.bytes]),
        packets: num(parts[idx.packets]),
        accepted: idx.action < 0 || parts[idx.action] !== 'REJECT',
        line,
      }
      return rec
    })
  },
}

/** The field list of `--vpc-fields`: names separated by spaces or commas, `${name}` as in a LogFormat. */
export function parseVpcFields(spec: string): string[] | string {
  const fields = spec
    .split(/[\s,]+/)
    .map((f) => f.replace(/^\$\{/, '').replace(/\}$/, '').trim().toLowerCase())
    .filter(Boolean)
  if (!fields.includes('srcaddr') || !fields.includes('dstaddr')) return 'the VPC field list must name srcaddr and dstaddr'
  return fields
}

function index(fields: string[]) {
  const at = (n: string) => fields.indexOf(n)
  return {srcaddr: at('srcaddr'), dstaddr: at('dstaddr'), srcport: at('srcport'), dstport: at('dstport'), protocol: at('protocol'), bytes: at('bytes'), packets: at('packets'), start: at('start'), action: at('action')}
}

function num(s: string | undefined): number {
  if (s === undefined || s === '-') return 0
  const n = Number(s)
  return Number.isFinite(n) ? n : 0
}
