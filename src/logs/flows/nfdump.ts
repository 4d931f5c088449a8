/**
 * nfdump output, as its versions print it (nfdump's own output code is the reference):
 * - `nfdump-csv`, read by its header (csv-parse): 1.6 `-o csv` (`ts,te,td,sa,da,sp,dp,pr,…,ibyt,…`,
 *   then a `Summary` block), 1.7 `-o csv` (`firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,
 *   packets,bytes,flows`), 1.7 `-o csv-fast` (`cnt,af,firstSeen,lastSeen,proto,srcAddr,…` with epoch
 *   milliseconds) and user formats `-o 'csv:%ts,%sa,…'` (their header names the columns);
 * - `nfdump-csv-1.6`: 1.6 `-q -o csv`, no header: the 1.6 columns are assumed;
 * - `nfdump-text`: `-o line|long|extended|biline` (and their `6` forms with full IPv6 addresses):
 *   `2026-11-02 09:00:00.000  60.000 TCP  10.1.0.10:49152 ->  10.2.0.5:5432  10  400000  1`, scaled
 *   numbers (`1.2 M`) included; without `-6`, long IPv6 addresses are shortened with `..` and skipped.
 * nfdump prints local times without a zone: they are read as UTC (export with TZ=UTC).
 */
import {parseProtocol} from '../../net/protocol.js'
import {CsvLines, type CsvRow} from '../csv.js'
import {readAddress} from './address.js'
import {type FlowFormat, type FlowOut, type FlowReader, type FlowRecord, perLine} from './types.js'

/** The columns of nfdump 1.6 `-o csv`, for `-q` output that has no header. */
const CSV_16 = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr'.split(',')

/** Column names (1.6 short names and 1.7 csv names) for each field this reader needs. */
const COLUMNS = {
  src: ['sa', 'srcaddr'],
  dst: ['da', 'dstaddr'],
  sport: ['sp', 'srcport'],
  dport: ['dp', 'dstport'],
  proto: ['pr', 'proto'],
  start: ['ts', 'firstseen'],
  bytes: ['ibyt', 'bytes', 'inbytes'],
  outBytes: ['obyt', 'outbytes'],
  packets: ['ipkt', 'packets', 'inpackets'],
  outPackets: ['opkt', 'outpackets'],
} as const

type Column = keyof typeof COLUMNS

function isHeader(fields: string[]): boolean {
  const names = new Set(fields.map((f) => f.trim().toLowerCase()))
  return COLUMNS.src.some((n) => names.has(n)) && COLUMNS.dst.some((n) => names.has(n))
}

function indexOf(fields: string[]): Record<Column, number> {
  const names = fields.map((f) => f.trim().toLowerCase())
  const at = {} as Record<Column, number>
  for (const [k, aliases] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>) at[k] = names.findIndex((n) => aliases.includes(n))
  return at
}

/** `2026-11-02 09:00:00.000` (local, read as UTC), epoch ms (csv-fast), `1793610000.000` (%tsr). */
function readTime(text: string): number {
  const t = text.trim()
  if (/^\d{11,}$/.test(t)) return Number(t)
  if (/^\d{9,10}(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000)
  const iso = t.replace(' ', 'T')
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)
  return Number.isFinite(ms) ? ms : 0
}

function protocolOf(text: string): number {
  const t = text.trim()
  if (/^\d+$/.test(t)) return Number(t)
  const p = parseProtocol(t.toLowerCase())
  return p && !p.isAll() ? p.values()[0] : 0
}

function num(text: string | undefined): number {
  const n = Number(text)
  return Number.isFinite(n) ? n : 0
}

function csvRecord(fields: string[], at: Record<Column, number>, line: number): FlowRecord | string {
  const get = (k: Column) => (at[k] < 0 ? undefined : fields[at[k]]?.trim())
  const srcText = get('src') ?? ''
  const dstText = get('dst') ?? ''
  const src = readAddress(srcText)
  const dst = readAddress(dstText)
  if (!src || !dst || src.family !== dst.family) return `unreadable address '${src ? dstText : srcText}'`
  return {
    start: readTime(get('start') ?? ''),
    family: src.family,
    src: src.value,
    dst: dst.value,
    srcText,
    dstText,
    srcPort: Math.trunc(num(get('sport'))),
    dstPort: Math.trunc(num(get('dport'))),
    protocol: protocolOf(get('proto') ?? ''),
    bytes: num(get('bytes')) + num(get('outBytes')),
    packets: num(get('packets')) + num(get('outPackets')),
    accepted: true,
    line,
  }
}

function csvReader(headerless: boolean): FlowReader {
  const csv = new CsvLines()
  let at: Record<Column, number> | undefined = headerless ? indexOf(CSV_16) : undefined
  let summary = false
  const rows = (list: CsvRow[], out: FlowOut) => {
    for (const row of list) {
      if (summary) continue
      const first = row.fields[0]?.trim() ?? ''
      if (first === 'Summary' || first.startsWith('Summary:')) {
        summary = true
        continue
      }
      if (isHeader(row.fields)) {
        at = indexOf(row.fields)
        continue
      }
      if (!at) {
        out.skip(row.line, 'data before the CSV header (for nfdump 1.6 `-q -o csv`, name the file FILE:nfdump-csv-1.6)')
        continue
      }
      const r = csvRecord(row.fields, at, row.line)
      if (typeof r === 'string') out.skip(row.line, r)
      else out.record(r)
    }
  }
  const errors = (out: FlowOut) => {
    for (const e of csv.errors.splice(0)) out.skip(e.line, e.reason)
  }
  return {
    line(text, line, out) {
      rows(csv.line(text, line), out)
      errors(out)
    },
    end(out, lastLine) {
      rows(csv.end(lastLine), out)
      errors(out)
    },
  }
}

const CSV_16_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?,[\d.]+,[0-9a-fA-F:.]+,[0-9a-fA-F:.]+,\d/

export const nfdumpCsv: FlowFormat = {
  name: 'nfdump-csv',
  detect(head) {
    return head.some((l) => l.includes(',') && isHeader(l.split(','))) ? 1 : 0
  },
  reader: () => csvReader(false),
}

export const nfdumpCsv16: FlowFormat = {
  name: 'nfdump-csv-1.6',
  detect(head) {
    // data lines in the 1.6 column order: start, end, duration, two addresses
    return head.length > 0 && CSV_16_LINE.test(head[0]) ? 0.8 : 0
  },
  reader: () => csvReader(true),
}

// ---- text outputs ----

const DATE = /^\d{4}-\d\d-\d\d$/
const TIME = /^\d\d:\d\d:\d\d(?:\.\d+)?$/
const SCALE: Record<string, number> = {K: 1e3, M: 1e6, G: 1e9, T: 1e12}
/** Trailer lines nfdump prints after the flows. */
const TRAILER = /^(?:Summary:|Time window:|Total flows processed:|Sys:|Aggregated flows|Top \d+|Date first seen|Date flow start|Protocol|No matching flows)/i

/** `10.1.0.10:443`, `2001:db8::1.443` (IPv6 ports follow a dot), ICMP `type.code` in place of a port. */
function addrPort(text: string, icmp: boolean): {addr: string; port: number} | undefined {
  if (text.includes('..')) return undefined
  if (text.includes(':') && text.indexOf(':') !== text.lastIndexOf(':')) {
    // IPv6: the port (or ICMP type.code) follows the last dot(s)
    let cut = text.lastIndexOf('.')
    if (icmp && cut > 0) cut = text.lastIndexOf('.', cut - 1)
    return cut < 0 ? undefined : {addr: text.slice(0, cut), port: Math.trunc(Number(text.slice(cut + 1)))}
  }
  const cut = text.lastIndexOf(':')
  return cut < 0 ? undefined : {addr: text.slice(0, cut), port: Math.trunc(Number(text.slice(cut + 1)))}
}

/** Tokens after the addresses, scaled numbers (`1.2 M`) joined; NaN for what is not a number. */
function numbers(tokens: string[]): number[] {
  const out: number[] = []
  for (let i = 0; i < tokens.length; i++) {
    const scale = SCALE[tokens[i + 1] ?? '']
    if (scale !== undefined && /^[\d.]+$/.test(tokens[i])) {
      out.push(Math.round(Number(tokens[i]) * scale))
      i++
    } else out.push(/^[\d.]+$/.test(tokens[i]) ? Number(tokens[i]) : Number.NaN)
  }
  return out
}

/** Where packets and bytes sit among the columns after the destination, by the header (or the count). */
function layout(cols: string[]): {packets: number[]; bytes: number[]} {
  const p: number[] = []
  const b: number[] = []
  cols.forEach((c, i) => {
    if (/^(?:packets|in pkt|out pkt)$/i.test(c)) p.push(i)
    if (/^(?:bytes|in byte|out byte)$/i.test(c)) b.push(i)
  })
  return {packets: p, bytes: b}
}

/** Header columns after `Dst IP Addr:Port`, as nfdump names them (some names have a space). */
function headerColumns(text: string): string[] {
  const tail = text.slice(text.indexOf('Dst IP Addr:Port') + 'Dst IP Addr:Port'.length)
  const words = tail.trim().split(/\s+/)
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    if ((words[i] === 'In' || words[i] === 'Out') && words[i + 1]) {
      out.push(`${words[i]} ${words[i + 1]}`)
      i++
    } else out.push(words[i])
  }
  return out
}

/** Layouts of the predefined formats by the count of columns after the destination (for `-q`). */
const BY_COUNT: Record<number, string[]> = {
  3: ['Packets', 'Bytes', 'Flows'],
  5: ['Flags', 'Tos', 'Packets', 'Bytes', 'Flows'],
  8: ['Flags', 'Tos', 'Packets', 'Bytes', 'pps', 'bps', 'Bpp', 'Flows'],
}

export const nfdumpText: FlowFormat = {
  name: 'nfdump-text',
  detect(head) {
    if (head.some((l) => /^Date (?:first seen|flow start)\b/i.test(l) && /Src IP Addr/i.test(l))) return 1
    return head.some((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\s+\S+\s+\S+\s+\S+\s+<?->\s/.test(l)) ? 0.9 : 0
  },
  reader() {
    let cols: string[] | undefined
    return perLine((text, line) => {
      const t = text.trim()
      if (t === '') return null
      if (/^Date (?:first seen|flow start)\b/i.test(t) && t.includes('Dst IP Addr:Port')) {
        cols = headerColumns(t)
        return null
      }
      const tok = t.split(/\s+/)
      if (!DATE.test(tok[0] ?? '') || !TIME.test(tok[1] ?? '')) return TRAILER.test(t) ? null : 'not an nfdump flow line'
      const arrow = tok.findIndex((x) => x === '->' || x === '<->')
      if (arrow < 4) return 'no `->` between the addresses'
      const proto = protocolOf(tok[arrow - 2])
      const icmp = proto === 1 || proto === 58
      const s = addrPort(tok[arrow - 1], icmp)
      const d = addrPort(tok[arrow + 1] ?? '', icmp)
      if (!s || !d) return `shortened or unreadable address '${s ? tok[arrow + 1] : tok[arrow - 1]}' (export with -o line6, long6 or extended6)`
      const src = readAddress(s.addr)
      const dst = readAddress(d.addr)
      if (!src || !dst || src.family !== dst.family) return `unreadable address '${src ? d.addr : s.addr}'`
      const values = numbers(tok.slice(arrow + 2))
      const names = cols ?? BY_COUNT[values.length]
      if (!names) return `unexpected ${values.length} columns after the addresses (keep the header line)`
      const {packets, bytes} = layout(names)
      const sum = (idx: number[]) => idx.reduce((a, i) => a + (Number.isFinite(values[i]) ? values[i] : 0), 0)
      return {
        start: readTime(`${tok[0]} ${tok[1]}`),
        family: src.family,
        src: src.value,
        dst: dst.value,
        srcText: s.addr,
        dstText: d.addr,
        srcPort: icmp ? 0 : s.port,
        dstPort: icmp ? 0 : d.port,
        protocol: proto,
        bytes: sum(bytes),
        packets: sum(packets),
        accepted: true,
        line,
      }
    })
  },
}
