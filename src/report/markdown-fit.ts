/**
 * Markdown that fits a pull-request comment by design (`--max-length N`). A report is a head (always
 * kept), lists of findings in priority order (kept one by one while they fit, then a visible "N more
 * findings in the artifact" line) and tail blocks (readiness tables, the map) kept whole or replaced by
 * a one-line note. Nothing is cut mid-way and nothing disappears without a line that says so.
 */

export interface FindingList {
  /** e.g. `### New findings (3)`; printed only when at least one item of the list is, or `always`. */
  heading: string
  items: string[]
  /** Print the heading of an empty list too ("New findings (0)" is news). */
  always?: boolean
}

export interface TailBlock {
  text: string
  /** The line printed instead when the block does not fit. */
  omitted: string
}

export interface FitInput {
  head: string
  lists: FindingList[]
  tail: TailBlock[]
  maxLength?: number
}

const moreLine = (n: number) => `> **${n} more finding${n === 1 ? '' : 's'} in the artifact** (left out to fit the comment; the full report is attached to the workflow run).\n`

/** Lengths are UTF-16 code units, never fewer than the characters GitHub counts. */
export function fitMarkdown(input: FitInput): string {
  const max = input.maxLength ?? Infinity
  const items = input.lists.reduce((n, l) => n + l.items.length, 0)
  const all = [input.head, ...input.lists.flatMap((l) => (l.items.length || l.always ? [l.heading, ...l.items] : [])), ...input.tail.map((t) => t.text)].join('')
  if (all.length <= max) return all
  // the tail (tables, map) may take at most half of what the head leaves; blocks from the last are
  // replaced by their note until it does
  const room = max - input.head.length - moreLine(items).length
  const tail = input.tail.map((t) => t.text)
  const tailLength = () => tail.reduce((n, t) => n + t.length, 0)
  for (let i = tail.length - 1; i >= 0 && tailLength() > room / 2; i--) tail[i] = input.tail[i].omitted
  let budget = room - tailLength()
  const out = [input.head]
  let left = items
  // in priority order, up to the first item that does not fit: a later, shorter one never jumps ahead
  fill: for (const list of input.lists) {
    let headed = false
    if (list.always && list.items.length === 0 && list.heading.length <= budget) {
      out.push(list.heading)
      budget -= list.heading.length
    }
    for (const item of list.items) {
      const cost = item.length + (headed ? 0 : list.heading.length)
      if (cost > budget) break fill
      if (!headed) out.push(list.heading)
      headed = true
      out.push(item)
      budget -= cost
      left--
    }
  }
  if (left) out.push(moreLine(left))
  return [...out, ...tail].join('')
}
