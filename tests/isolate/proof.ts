/**
 * The model proof of #21: generated rules are added to the device's config text, the tool's own parser
 * reads it again, and every exposure that still crosses the zone's border must be traffic the inventory
 * keeps. An exposure crosses the border when its sources or destinations meet the zone's addresses, or
 * when it enters or leaves by an interface / vendor zone that faces the zone alone.
 */
import {attachExposures} from '../../src/model/attach.js'
import {exposureBox, type Exposure} from '../../src/model/exposure.js'
import {keptPairs} from '../../src/isolate/common.js'
import type {Face, KeptRule} from '../../src/isolate/types.js'
import {AddressSet} from '../../src/net/address-set.js'
import {box, intersectBox, subtractBox, type Box} from '../../src/net/match.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {parseProtocol} from '../../src/net/protocol.js'
import type {SourceParser} from '../../src/sources/types.js'

export function keptBoxes(keep: KeptRule[]): Box[] {
  return keptPairs(keep).flatMap((p) => {
    const protocols = p.service.protocol === 'any' ? ProtocolSet.ALL : (parseProtocol(p.service.protocol) as ProtocolSet)
    const ports = p.service.ports.length ? PortSet.fromRanges(p.service.ports) : PortSet.ALL
    return [box({from: AddressSet.parse(p.from)!, to: AddressSet.parse(p.to)!, protocols, ports})]
  })
}

const faceOf = (a: {interfaces: string[]; zones: string[]} | undefined, faces: Face[]) =>
  !!a && faces.some((f) => (f.interface !== undefined && a.interfaces.includes(f.interface)) || (f.vendorZone !== undefined && a.zones.includes(f.vendorZone)))

export interface LeakOptions {
  /**
   * The format lists an outbound filter (ASA/IOS `access-group … out`) as `outbound` exposures instead of
   * composing it with the inbound ones: traffic leaving by a face must also pass those (a second filter).
   */
  outboundFilters?: boolean
}

/**
 * Exposures (with what is left of them once kept traffic is removed) that still cross the border. With
 * faces, the zone's traffic arrives by them; a zone source arriving by another interface is spoofed and
 * not counted (the generators' notes say so).
 */
export function leaks(exposures: Exposure[], zone: string[], faces: Face[], keep: KeptRule[], options: LeakOptions = {}): Array<{exposure: Exposure; left: Box[]}> {
  const z = AddressSet.unionAll(zone.map((c) => AddressSet.parse(c)!))
  const kept = keptBoxes(keep)
  const outbound = exposures.filter((e) => e.direction === 'outbound' && faceOf(e.egress, faces)).map(exposureBox)
  const out: Array<{exposure: Exposure; left: Box[]}> = []
  for (const e of exposures) {
    // a packet has one family: a box that pairs IPv4 sources with IPv6 destinations holds no traffic
    let left = [box({from: AddressSet.ANY4, to: AddressSet.ANY4}), box({from: AddressSet.ANY6, to: AddressSet.ANY6})]
      .map((f) => intersectBox(exposureBox(e), f))
      .filter((b): b is Box => b !== null)
    for (const k of kept) left = left.flatMap((b) => subtractBox(b, k))
    const outFace = faceOf(e.egress, faces)
    const filter = (b: Box) => outbound.map((o) => intersectBox(b, o)).filter((x): x is Box => x !== null)
    if (options.outboundFilters && outFace && e.direction !== 'outbound') left = left.flatMap(filter)
    else if (options.outboundFilters && faces.length && !e.egress && !e.hostLocal && e.direction !== 'outbound') {
      // no egress named: what goes to the zone is routed out by its face, through that face's outbound filter
      left = left.flatMap((b) => {
        const toZone = intersectBox(b, box({to: z}))
        return [...subtractBox(b, box({to: z})), ...(toZone ? filter(toZone) : [])]
      })
    }
    const inFace = faceOf(e.ingress, faces)
    const elsewhere = faces.length > 0 && !!e.ingress && (e.ingress.interfaces.length > 0 || e.ingress.zones.length > 0) && !inFace
    // the device's own traffic: an INPUT/host-local rule ends at the device (even at its address in the
    // zone), an OUTPUT rule starts there; neither is the zone's traffic unless it crosses a face
    const toDevice = !!e.hostLocal || e.hook === 'input'
    const fromDevice = e.hook === 'output'
    const crossing = left.filter(
      (b) =>
        inFace ||
        outFace ||
        (!toDevice && intersectBox(b, box({to: z})) !== null) ||
        (!fromDevice && !elsewhere && intersectBox(b, box({from: z})) !== null),
    )
    if (crossing.length) out.push({exposure: e, left: crossing})
  }
  return out
}

/** Lines of the last re-parse that its parser did not understand (the generated syntax must read back). */
export let lastUnparsed: Array<{line: number; reason: string; text?: string}> = []

/** The config with the generated lines added where the vendor's CLI would put them (here: appended). */
export async function reparse(parser: SourceParser, text: string, added: string[], file: string): Promise<Exposure[]> {
  const result = await parser.parse(`${text.replace(/\n?$/, '\n')}${added.join('\n')}\n`, {file})
  attachExposures(result.exposures, result.device)
  lastUnparsed = result.unparsed.map((u) => ({line: u.line, reason: u.reason, text: u.text}))
  return result.exposures
}

export function describeLeak(l: {exposure: Exposure; left: Box[]}): string {
  const e = l.exposure
  return `${e.rule} line ${e.line}: ${e.from.toCidrs().join(',')} -> ${e.to.toCidrs().join(',')} ${e.protocols.toStrings().join(',')}/${e.ports.toStrings().join(',')}`
}

/** `--flag a b --other c` of one generated CLI command → flag → values (shell quotes removed). */
export function cliFlags(command: string): Map<string, string[]> {
  const words = (command.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'))
  const out = new Map<string, string[]>()
  let key: string | undefined
  for (const w of words) {
    if (w.startsWith('--')) {
      key = w.slice(2)
      out.set(key, [])
    } else if (key) out.get(key)!.push(w)
  }
  return out
}
