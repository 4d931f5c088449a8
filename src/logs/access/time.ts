/**
 * Timestamps as authentication logs write them: ISO 8601 (`2026-11-02T09:12:01Z`, `2026-11-02 09:12:01`),
 * ctime (`Mon Nov  2 09:12:01 2026`), syslog without a year (`Nov  2 09:12:01`, the year is supplied),
 * ASA (`Nov 02 2026 09:12:01`), FortiOS `date=… time=…`. Times without a zone are UTC.
 */
const MONTHS: Record<string, number> = {jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11}

export function parseLogTime(text: string, year: number): number | undefined {
  let m = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/.exec(text)
  if (m) {
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${m[8] ? (m[8] === 'Z' ? 'Z' : m[8].replace(/(\d{2})(\d{2})$/, '$1:$2')) : 'Z'}`
    const t = Date.parse(iso)
    return Number.isNaN(t) ? undefined : t
  }
  // ctime or ASA: "Nov  2 09:12:01 2026", "Nov 02 2026 09:12:01"
  m = /\b([A-Z][a-z]{2})\s+(\d{1,2})\s+(?:(\d{4})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\s+(\d{4}))?/.exec(text)
  if (m) {
    const month = MONTHS[m[1].toLowerCase()]
    if (month === undefined) return undefined
    const y = Number(m[3] ?? m[7] ?? year)
    return Date.UTC(y, month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))
  }
  return undefined
}
