/**
 * Zeek conn.log, TSV (with its `#separator`/`#fields` header) and JSON lines (`"id.orig_h"` keys).
 * Field names are read through Zeek's renames: `Log::default_scope_sep = "_"` and field-name maps give
 * `id_orig_h` for `id.orig_h` (both accepted, any case), and JSON may nest them (`"id": {"orig_h": …}`).
 * Bytes are both directions (orig + resp); connections Zeek saw rejected or never answered (REJ, S0,
 * RSTO…) are not accepted traffic.
 */
import {parseProtocol} from '../../net/protocol.js'
import {readAddress} from './address.js'
import {type FlowFormat, type FlowRecord, perLine} from './types.js'

const NOT_ESTABLISHED = new Set(['REJ', 'S0', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'])

export const zeekConn: FlowFormat = {
  name: 'zeek-conn',
  detect(head) {
    if (head.some((l) => /^#fields\b/i.test(l) && /\bid[._]orig_h\b/i.test(l))) return 1
    if (head.some((l) => /^#path\s+conn\b/i.test(l))) return 1
    return head.some((l) => l.startsWith('{') && /"id[._]orig_h"|"id":\s?\{"orig_h"/i.test(l)) ? 1 : 0
  },
  reader() {
    let sep = '\t'
    let fields: string[] = []
    let at: Record<string, number> = {}
    return perLine((text, line) => {
      if (text.startsWith('#')) {
        if (text.startsWith('#separator')) sep = unescape(text.slice('#separator'.length).trim())
        if (text.startsWith('#fields')) {
          fields = text.split(sep).slice(1)
          at = Object.fromEntries(fields.map((f, i) => [canonical(f), i]))
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
        const flat = flatten(o)
        get = (k) => (flat[k] === undefined || flat[k] === null ? undefined : String(flat[k]))
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
    })
  },
}

/** `id_orig_h`, `ID.ORIG_H` → `id.orig_h`: the names this reader asks for. */
function canonical(name: string): string {
  const n = name.trim().toLowerCase()
  return n.startsWith('id_') ? `id.${n.slice(3)}` : n
}

/** JSON keys by canonical name, one level of nesting (`"id": {"orig_h": …}`) flattened. */
function flatten(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[canonical(`${k}.${k2}`)] = v2
    } else out[canonical(k)] = v
  }
  return out
}

function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
}
