/** Date arithmetic for readiness: inventory dates are `YYYY-MM-DD` (or ISO date-times), compared in UTC days. */
const DAY = 86_400_000

export function parseDate(text: unknown): Date | undefined {
  if (typeof text !== 'string' && !(text instanceof Date)) return undefined
  const d = text instanceof Date ? text : new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** Whole days from `date` to `asOf` (negative when in the future). */
export function ageDays(date: Date, asOf: Date): number {
  return Math.floor((asOf.getTime() - date.getTime()) / DAY)
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}

/**
 * `YYYY-MM-DD` → start of that day UTC. Used by `--as-of`; a full ISO date-time is accepted too.
 * Returns undefined when it does not read as a date.
 */
export function parseAsOf(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(text)) return undefined
  return parseDate(text)
}
