/** Service notation (DESIGN §10: `tcp/443`, `udp/500-501`, `icmp`, `any`) for the diff's ids and messages. */
import type {Exposure} from '../model/exposure.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, parseProtocol, protocolName} from '../net/protocol.js'
import type {Service} from './model.js'

/** More protocols than this read as "any" (as exposureToJson does). */
const MANY_PROTOCOLS = 8

/** `tcp/443`, `udp/53`, `icmp`, `tcp/1-65535`, `any`; null when the text is none of these. */
export function parseServiceText(text: string): Service | null {
  const t = text.trim().toLowerCase()
  const slash = t.indexOf('/')
  const protoText = slash < 0 ? t : t.slice(0, slash)
  const protocols = parseProtocol(protoText)
  if (!protocols) return null
  if (slash < 0) return {text: t, protocols, ports: PortSet.ALL}
  if (protocols.values().some((p) => !hasPorts(p))) return null
  const ports = PortSet.parse(t.slice(slash + 1))
  return ports ? {text: t, protocols, ports} : null
}

/** How one protocol/port pair is written: `tcp/22`, `tcp/80,443`, `icmp`. */
export function serviceText(protocols: ProtocolSet, ports: PortSet): string {
  if (protocols.size() > MANY_PROTOCOLS) {
    return ports.isAll() ? 'any' : `any/${ports.toStrings().join(',')}`
  }
  return protocols
    .values()
    .map((p) => (hasPorts(p) ? `${protocolName(p)}/${ports.toStrings().join(',')}` : protocolName(p)))
    .join('+')
}

/**
 * One exposure per protocol (as the JSON rows are), so each finding names one service; "any" (more
 * than eight protocols) stays whole.
 */
export function splitByProtocol(e: Exposure): Exposure[] {
  if (wholeService(e)) return [e]
  return e.protocols.values().map((p) => ({
    ...e,
    protocols: ProtocolSet.of(p),
    ports: hasPorts(p) ? e.ports : PortSet.ALL,
    sourcePorts: hasPorts(p) ? e.sourcePorts : PortSet.ALL,
  }))
}

/** One protocol, or "any" (more than eight): the exposure is one service as it is. */
export function wholeService(e: Exposure): boolean {
  const count = e.protocols.size()
  return count <= 1 || count > MANY_PROTOCOLS
}

/** Protocol names of a set, `any` for all of them. */
export function protocolNames(protocols: ProtocolSet): string[] {
  if (protocols.isAll()) return ['any']
  if (protocols.size() > MANY_PROTOCOLS) {
    return [`any except ${ProtocolSet.ALL.subtract(protocols).values().map(protocolName).join(',')}`]
  }
  return protocols.values().map(protocolName)
}
