import {type Family, parseIp} from '../../net/ip.js'
import {parseIpv4Fast} from '../../net/prefix-map.js'

/** Parse an address in a hot loop: the fast IPv4 path first, the strict parser for IPv6. */
export function readAddress(text: string): {family: Family; value: number | bigint} | undefined {
  const v4 = parseIpv4Fast(text)
  if (v4 !== undefined) return {family: 4, value: v4}
  if (!text.includes(':')) return undefined
  return parseIp(text) ?? undefined
}
