/**
 * Timestamps as authentication logs write them: ISO 8601 (`2026-11-02T09:12:01Z`, `2026-11-02 09:12:01`,
 * `+0200`), ctime (`Mon Nov  2 09:12:01 2026`), syslog without a year (`Nov  2 09:12:01`, the year is
 * supplied), ASA (`Nov 02 2026 09:12:01`), day first (`02 Nov 09:12:01`, strongSwan's `time_format = %d %b
 * %T`), dotted (`02.11.2026 09:12:01`), milliseconds optional (strongSwan `time_add_ms`). Times without a
 * zone are UTC.
 */
const MONTHS: Record<string, number> = {jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11}

const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/
const MONTH_FIRST = /\b([A-Za-z]{3})\s+(\d{1,2})\s+(?:(\d{4})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:\s+(\d{4})\b)?/
const DAY_FIRST = /\b(\d{1,2})\s([A-Za-z]{3})\s(?:(\d{4})\s)?(\d{2}):(\d{2}):(\d{2})/
const DOTTED = /\b(\d{2})\.(\d{2})\.(\d{4})\s(\d{2}):(\d{2}):(\d{2})/

export function parseLogTime(text: string, year: number): number | undefined {
  let m = ISO.exec(text)
  if (m) {
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${m[8] ? (m[8] === 'Z' ? 'Z' : m[8].replace(/(\d{2})(\d{2})$/, '$1:$2')) : 'Z'}`
    const t = Date.parse(iso)
    return Number.isNaN(t) ? undefined : t
  }
  // ctime, syslog or ASA: "Nov  2 09:12:01 2026", "Nov 02 2026 09:12:01"
  m = MONTH_FIRST.exec(text)
  if (m && MONTHS[m[1].toLowerCase()] !== undefined) {
    return Date.UTC(Number(m[3] ?? m[7] ?? year), MONTHS[m[1].toLowerCase()], Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))
  }
  m = DAY_FIRST.exec(text)
  if (m && MONTHS[m[2].toLowerCase()] !== undefined) {
    return Date.UTC(Number(m[3] ?? year), MONTHS[m[2].toLowerCase()], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]))
  }
  m = DOTTED.exec(text)
  if (m) return Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]))
  return undefined
}
