/**
 * nfdump CSV (`nfdump -o csv`, NetFlow/IPFIX/sFlow collected by nfcapd): a header of short field names
 * (`ts,te,td,sa,da,sp,dp,pr,flg,…,ipkt,ibyt,…`), then records; nfdump appends a `Summary` block that is
 * not data. Times are `YYYY-MM-DD hh:mm:ss[.mmm]`, read as UTC unless they carry an offset.
 */
import {parseProtocol} from '../../net/protocol.js'
import {readAddress} from './address.js'
import type {FlowFormat, FlowRecord} from './types.js'

export const nfdumpCsv: FlowFormat = {
  name: 'nfdump-csv',
  detect(head) {
    return head.some((l) => /^ts,te,td,sa,da,sp,dp,pr\b/.test(l) || (/(^|,)sa,da,sp,dp,pr(,|$)/.test(l) && l.includes('ibyt'))) ? 1 : 0
  },
  reader() {
    let at: Record<string, number> | undefined
    let summary = false
    return (text, line) => {
      if (text.trim() === '' || summary) return null
      if (/^Summary\b/.test(text)) {
        summary = true
        return null
      }
      const parts = text.split(',')
      if (parts.includes('sa') && parts.includes('da')) {
        at = Object.fromEntries(parts.map((f, i) => [f.trim(), i]))
        return null
      }
      if (!at) return 'data before the CSV header'
      const get = (k: string) => (at![k] === undefined ? undefined : parts[at![k]]?.trim())
      const srcText = get('sa') ?? ''
      const dstText = get('da') ?? ''
      const src = readAddress(srcText)
      const dst = readAddress(dstText)
      if (!src || !dst || src.family !== dst.family) return `unreadable address '${src ? dstText : srcText}'`
      const proto = parseProtocol(get('pr') ?? '')
      const ts = get('ts') ?? ''
      const start = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(ts) ? ts.replace(' ', 'T') : `${ts.replace(' ', 'T')}Z`)
      const rec: FlowRecord = {
        start: Number.isFinite(start) ? start : 0,
        family: src.family,
        src: src.value,
        dst: dst.value,
        srcText,
        dstText,
        srcPort: Number(get('sp')) || 0,
        dstPort: Math.trunc(Number(get('dp')) || 0),
        protocol: proto && !proto.isAll() ? proto.values()[0] : 0,
        bytes: (Number(get('ibyt')) || 0) + (Number(get('obyt')) || 0),
        packets: (Number(get('ipkt')) || 0) + (Number(get('opkt')) || 0),
        accepted: true,
        line,
      }
      return rec
    }
  },
}
