/**
 * Sorted, disjoint, non-adjacent closed intervals stored flat: [s0, e0, s1, e1, …].
 * One implementation serves IPv4 and ports (number) and IPv6 (bigint); `one` is 1 or 1n.
 */
export type Scalar = number | bigint
export type Intervals<T extends Scalar> = readonly T[]

/** Sort and merge arbitrary (possibly overlapping or adjacent) intervals. */
export function normalize<T extends Scalar>(pairs: Array<[T, T]>, one: T): T[] {
  if (pairs.length === 0) return []
  const sorted = pairs.filter(([s, e]) => s <= e).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: T[] = []
  for (const [s, e] of sorted) {
    const n = out.length
    // adjacent intervals merge too: [1,2] + [3,4] = [1,4]
    if (n > 0 && s <= ((out[n - 1] as any) + (one as any))) {
      if (e > out[n - 1]) out[n - 1] = e
    } else {
      out.push(s, e)
    }
  }
  return out
}

export function union<T extends Scalar>(a: Intervals<T>, b: Intervals<T>, one: T): T[] {
  if (a.length === 0) return b.slice()
  if (b.length === 0) return a.slice()
  const out: T[] = []
  let i = 0
  let j = 0
  const push = (s: T, e: T) => {
    const n = out.length
    if (n > 0 && s <= ((out[n - 1] as any) + (one as any))) {
      if (e > out[n - 1]) out[n - 1] = e
    } else out.push(s, e)
  }
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] <= b[j])) {
      push(a[i], a[i + 1])
      i += 2
    } else {
      push(b[j], b[j + 1])
      j += 2
    }
  }
  return out
}

export function intersect<T extends Scalar>(a: Intervals<T>, b: Intervals<T>): T[] {
  const out: T[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const s = a[i] > b[j] ? a[i] : b[j]
    const e = a[i + 1] < b[j + 1] ? a[i + 1] : b[j + 1]
    if (s <= e) out.push(s, e)
    if (a[i + 1] < b[j + 1]) i += 2
    else j += 2
  }
  return out
}

export function subtract<T extends Scalar>(a: Intervals<T>, b: Intervals<T>, one: T): T[] {
  if (a.length === 0 || b.length === 0) return a.slice()
  const out: T[] = []
  let j = 0
  for (let i = 0; i < a.length; i += 2) {
    let s = a[i]
    const e = a[i + 1]
    while (j < b.length && b[j + 1] < s) j += 2
    let k = j
    while (k < b.length && b[k] <= e) {
      if (b[k] > s) out.push(s, ((b[k] as any) - (one as any)) as T)
      const next = (b[k + 1] as any) + (one as any)
      if (next > s) s = next
      k += 2
    }
    if (s <= e) out.push(s, e)
  }
  return out
}

/** True when every point of b lies in a. */
export function covers<T extends Scalar>(a: Intervals<T>, b: Intervals<T>): boolean {
  let i = 0
  for (let j = 0; j < b.length; j += 2) {
    while (i < a.length && a[i + 1] < b[j]) i += 2
    if (i >= a.length || a[i] > b[j] || a[i + 1] < b[j + 1]) return false
  }
  return true
}

export function overlaps<T extends Scalar>(a: Intervals<T>, b: Intervals<T>): boolean {
  // a few intervals against many (one rule's destination against every NAT's): a search per interval
  if (a.length > 32 * b.length) return overlapsSearch(a, b)
  if (b.length > 32 * a.length) return overlapsSearch(b, a)
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i + 1] < b[j]) i += 2
    else if (b[j + 1] < a[i]) j += 2
    else return true
  }
  return false
}

export function equal<T extends Scalar>(a: Intervals<T>, b: Intervals<T>): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Index of the interval containing x, or -1 (binary search). */
export function find<T extends Scalar>(a: Intervals<T>, x: T): number {
  let lo = 0
  let hi = a.length / 2 - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (a[2 * mid + 1] < x) lo = mid + 1
    else if (a[2 * mid] > x) hi = mid - 1
    else return mid
  }
  return -1
}

/** Some interval of `few` meets one of `many`: for each of `few`, the first of `many` ending at or after its start. */
function overlapsSearch<T extends Scalar>(many: Intervals<T>, few: Intervals<T>): boolean {
  for (let j = 0; j < few.length; j += 2) {
    let lo = 0
    let hi = many.length / 2
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (many[2 * mid + 1] < few[j]) lo = mid + 1
      else hi = mid
    }
    if (lo < many.length / 2 && many[2 * lo] <= few[j + 1]) return true
  }
  return false
}
