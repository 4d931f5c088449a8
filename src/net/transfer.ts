/**
 * Address, port and protocol sets across a thread boundary. Structured clone keeps plain data but not
 * classes: `toTransfer` turns every set inside a value into a tagged object, `fromTransfer` turns them
 * back (the shared ANY/ALL instances as themselves). Everything else is copied as it is.
 */
import {AddressSet} from './address-set.js'
import {PortSet, ProtocolSet} from './number-set.js'

const TAG = '\u0000set'

type Tagged = {[TAG]: 'address'; v4: readonly number[]; v6: readonly bigint[]} | {[TAG]: 'port' | 'protocol'; ranges: readonly number[]}

export function toTransfer(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof AddressSet) return {[TAG]: 'address', v4: value.v4, v6: value.v6}
  if (value instanceof PortSet) return {[TAG]: 'port', ranges: value.ranges}
  if (value instanceof ProtocolSet) return {[TAG]: 'protocol', ranges: value.ranges}
  if (Array.isArray(value)) return value.map(toTransfer)
  // Maps, Dates…: structured clone copies them as they are
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = toTransfer(v)
  return out
}

export function fromTransfer(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromTransfer(value[i])
    return value
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const o = value as Record<string, unknown>
  if (TAG in o) {
    const t = o as Tagged
    if (t[TAG] === 'address') return AddressSet.fromCanonical(t.v4, t.v6)
    return t[TAG] === 'port' ? PortSet.fromCanonical(t.ranges) : ProtocolSet.fromCanonical(t.ranges)
  }
  for (const k of Object.keys(o)) o[k] = fromTransfer(o[k])
  return o
}
