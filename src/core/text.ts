/**
 * Small string trims written as loops: the regex forms (`/-+$/`, `/#.*$/`) are quadratic on hostile
 * input (every start position scans to the end), which the ReDoS audit of src/ refuses.
 */

/** `s` without the trailing run of `ch` (one character). */
export function trimEndChar(s: string, ch: string): string {
  let end = s.length
  while (end > 0 && s[end - 1] === ch) end--
  return s.slice(0, end)
}

/** `s` without the leading and trailing runs of `ch` (one character). */
export function trimChar(s: string, ch: string): string {
  let start = 0
  while (start < s.length && s[start] === ch) start++
  return trimEndChar(s.slice(start), ch)
}

/** `line` up to its first `marker` (a comment start), or whole. */
export function beforeComment(line: string, marker = '#'): string {
  const i = line.indexOf(marker)
  return i < 0 ? line : line.slice(0, i)
}
