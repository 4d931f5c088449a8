/**
 * `FILE:format` and `FILE:format?key=value&…` arguments of `traffic` and `access-logs`. Only a known
 * format name after the last colon counts, so paths with colons still read as paths.
 */
const NAMES = new Map<string, string>([
  ['aws-vpc-flow', 'aws-vpc-flow'],
  ['aws-vpc', 'aws-vpc-flow'],
  ['zeek-conn', 'zeek-conn'],
  ['nfdump-csv', 'nfdump-csv'],
  ['nfdump-csv-1.6', 'nfdump-csv-1.6'],
  ['nfdump-text', 'nfdump-text'],
  ['openvpn', 'openvpn'],
  ['strongswan', 'strongswan'],
  ['cisco-asa', 'cisco-asa'],
  ['fortigate', 'fortigate'],
  ['cloudtrail', 'cloudtrail'],
  ['azure-signin', 'azure-signin'],
])

export interface FormatArg {
  path: string
  format?: {name: string; params: Record<string, string>}
}

export function splitFormat(arg: string): FormatArg {
  const at = arg.lastIndexOf(':')
  if (at <= 0) return {path: arg}
  const spec = arg.slice(at + 1)
  const q = spec.indexOf('?')
  const name = NAMES.get(q < 0 ? spec : spec.slice(0, q))
  if (!name) return {path: arg}
  const params: Record<string, string> = {}
  if (q >= 0) for (const [k, v] of new URLSearchParams(spec.slice(q + 1))) params[k] = v
  return {path: arg.slice(0, at), format: {name, params}}
}
