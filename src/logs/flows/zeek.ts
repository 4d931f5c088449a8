/**
 * Zeek conn.log, TSV (with its `#separator`/`#fields` header) and JSON lines (`"id.orig_h"` keys).
 * Bytes are both directions (orig + resp); connections Zeek saw rejected or never answered (REJ, S0,
 * RSTO…) are not accepted traffic.
 */
import {parseProtocol} from '../../net/protocol.js'
import {readAddress} from './address.js'
import type {FlowFormat, FlowRecord} from './types.js'

const NOT_ESTABLISHED = new Set(['REJ', 'S0', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'])

export const zeekConn: FlowFormat = {
  name: 'zeek-conn',
  detect(head) {
    if (head.some((l) => l.startsWith('#fields') && l.includes('id.orig_h'))) return 1
    if (head.some((l) => l.startsWith('#path') && /\bconn\b/.test(l))) return 1
    return head.some((l) => l.startsWith('{') && l.includes('"id.orig_h"')) ? 1 : 0
  },
  reader() {
    let sep = '\t'
    let fields: string[] = []
    let at: Record<string, number> = {}
    return (text, line) => {
      if (text.startsWith('#')) {
        if (text.startsWith('#separator')) sep = unescape(text.slice('#separator'.length).trim())
        if (text.startsWith('#fields')) {
          fields = text.split(sep).slice(1)
          at = Object.fromEntries(fields.map((f, i) => [f, i]))
        }
        return null
      }
      if (text.trim() === '') return null
      let get: (k: string) => string | undefined
      if (text.startsWith('{')) {
        let o: Record<string, unknown>
        try {
          o = JSON.parse(text)
        } catch {
          return 'not valid JSON'
        }
        get = (k) => (o[k] === undefined || o[k] === null ? undefined : String(o[k]))
      } else {
        if (fields.length === 0) return 'data before the #fields header'
        const parts = text.split(sep)
        get = (k) => {
          const v = parts[at[k]]
          return v === undefined || v === '-' || v === '(empty)' ? undefined : v
        }
      }
      const srcText = get('id.orig_h')
      const dstText = get('id.resp_h')
      if (!srcText || !dstText) return 'no id.orig_h/id.resp_h'
      const src = readAddress(srcText)
      const dst = readAddress(dstText)
      if (!src || !dst || src.family !== dst.family) return `unreadable address '${src ? dstText : srcText}'`
      const proto = parseProtocol(get('proto') ?? '')
      const ts = Number(get('ts'))
      const state = get('conn_state') ?? ''
      const rec: FlowRecord = {
        start: Number.isFinite(ts) ? Math.round(ts * 1000) : Date.parse(get('ts') ?? '') || 0,
        family: src.family,
        src: src.value,
        dst: dst.value,
        srcText,
        dstText,
        srcPort: Number(get('id.orig_p') ?? 0) || 0,
        dstPort: Number(get('id.resp_p') ?? 0) || 0,
        protocol: proto && !proto.isAll() ? proto.values()[0] : 0,
        bytes: (Number(get('orig_bytes') ?? 0) || 0) + (Number(get('resp_bytes') ?? 0) || 0),
        packets: (Number(get('orig_pkts') ?? 0) || 0) + (Number(get('resp_pkts') ?? 0) || 0),
        accepted: !NOT_ESTABLISHED.has(state),
        line,
      }
      return rec
    }
  },
}

function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
}
