/**
 * Address, port and protocol sets across a thread boundary. Structured clone keeps plain data (and
 * shared references) but not classes: `toTransfer` turns every set inside a value into a tagged object,
 * `fromTransfer` turns them back (the shared ANY/ALL instances as themselves). An object reached twice
 * (an exposure in two lists) stays one object. Everything else is copied as it is.
 */
import {AddressSet} from './address-set.js'
import {PortSet, ProtocolSet} from './number-set.js'

const TAG = '\u0000set'

type Tagged = {[TAG]: 'address'; v4: readonly number[]; v6: readonly bigint[]} | {[TAG]: 'port' | 'protocol'; ranges: readonly number[]}

const plain = (value: object) => {
  // Maps, Dates…: structured clone copies them as they are
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null || Array.isArray(value)
}

export function toTransfer(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value
  const done = seen.get(value)
  if (done !== undefined) return done
  let out: unknown
  if (value instanceof AddressSet) out = {[TAG]: 'address', v4: value.v4, v6: value.v6}
  else if (value instanceof PortSet) out = {[TAG]: 'port', ranges: value.ranges}
  else if (value instanceof ProtocolSet) out = {[TAG]: 'protocol', ranges: value.ranges}
  else if (!plain(value)) out = value
  else if (Array.isArray(value)) {
    const list: unknown[] = []
    seen.set(value, list)
    for (const x of value) list.push(toTransfer(x, seen))
    return list
  } else {
    const o: Record<string, unknown> = {}
    seen.set(value, o)
    for (const [k, v] of Object.entries(value)) o[k] = toTransfer(v, seen)
    return o
  }
  seen.set(value, out)
  return out
}

export function fromTransfer(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value
  const done = seen.get(value)
  if (done !== undefined) return done
  if (!plain(value)) return value
  if (Array.isArray(value)) {
    seen.set(value, value)
    for (let i = 0; i < value.length; i++) value[i] = fromTransfer(value[i], seen)
    return value
  }
  const o = value as Record<string, unknown>
  if (TAG in o) {
    const t = o as Tagged
    const set = t[TAG] === 'address' ? AddressSet.fromCanonical(t.v4, t.v6) : t[TAG] === 'port' ? PortSet.fromCanonical(t.ranges) : ProtocolSet.fromCanonical(t.ranges)
    seen.set(value, set)
    return set
  }
  seen.set(value, o)
  for (const k of Object.keys(o)) o[k] = fromTransfer(o[k], seen)
  return o
}
