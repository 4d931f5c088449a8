/**
 * The one string order of every report: by UTF-16 code units, as `Array.prototype.sort()` without a
 * comparator. `localeCompare` depends on the machine's locale (LANG=cs_CZ sorts `ch` after `h`), and
 * reports must be byte-identical wherever they run.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
