/**
 * Cross-vendor consistency: one aerleon policy rendered for several vendors must parse to the same
 * permitted traffic. The comparison is set arithmetic on boxes (source × destination × protocol × ports),
 * never on rule text: term names, logging, ACL binding and chain direction are what a vendor may spell
 * differently, the traffic is not.
 *
 * The policies (corpus/multivendor/*.pol):
 * - `sample_multitarget`: edge-inbound denies bogons/reserved/RFC1918, then permits mail and web services,
 *   `tcp-established` and udp from high ports to the public servers; edge-outbound denies bad destinations
 *   and accepts the rest. Rendered for ASA, IOS, Junos (inet), speedway iptables (inet).
 * - `sample_stateful_multitarget_simple`: zone policies internal→external, external→internal,
 *   unknown→internal. Rendered for PAN-OS and SRX.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Exposure} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {type Box, box, isEmptyBox, mergeBoxes, subtractBox} from '../../src/net/match.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {parseText} from '../../src/sources/load.js'
import {CORPUS, sharedPath} from '../helpers/sources.js'

const DIR = join(CORPUS, 'multivendor')
const present = existsSync(sharedPath('corpus/multivendor'))

async function exposuresOf(file: string, type: string): Promise<Exposure[]> {
  const r = await parseText(readFileSync(join(DIR, file), 'utf8'), `multivendor/${file}`, type)
  expect(r.unparsed).toEqual([])
  return r.exposures
}

type Family = 'v4' | 'v6'
const TCP = 6
const UDP = 17
const ICMP = 1
const ICMP6 = 58

/**
 * The permitted traffic of some exposures in one address family, as boxes. ICMP has no meaning over IPv6
 * nor ICMPv6 over IPv4, so each is kept in its own family only: a parser that keeps an `icmp`
 * application on an `any` (dual-stack) address does not make a real difference.
 */
function permits(exposures: Exposure[], family: Family): Box[] {
  const space = family === 'v4' ? AddressSet.ANY4 : AddressSet.ANY6
  const foreign = ProtocolSet.of(family === 'v4' ? ICMP6 : ICMP)
  const out: Box[] = []
  for (const e of exposures) {
    const b: Box = {
      from: e.from.intersect(space),
      to: e.to.intersect(space),
      protocols: e.protocols.subtract(foreign),
      ports: e.ports,
      sourcePorts: e.sourcePorts,
    }
    if (!isEmptyBox(b)) out.push(b)
  }
  return out
}

/** a \ b as boxes (empty when b covers all of a). */
function minus(a: Box[], b: Box[]): Box[] {
  let rest = a
  for (const d of b) rest = rest.flatMap((x) => subtractBox(x, d))
  return mergeBoxes(rest)
}

/** Readable form of a difference, for failure messages. */
function show(boxes: Box[]): string[] {
  const cut = (xs: string[]) => (xs.length > 3 ? [...xs.slice(0, 3), `…(${xs.length})`] : xs).join(',')
  return boxes.map((b) => `${b.protocols.toStrings().join(',')} ${cut(b.from.toCidrs())} -> ${cut(b.to.toCidrs())} dport ${b.ports.toStrings().join(',')} sport ${b.sourcePorts.toStrings().join(',')}`)
}

function expectSameTraffic(a: Box[], b: Box[]): void {
  expect(show(minus(a, b)), 'permitted by the first rendering only').toEqual([])
  expect(show(minus(b, a)), 'permitted by the second rendering only').toEqual([])
}

const hosts = (...ips: string[]) => AddressSet.of(...ips.map((ip) => `${ip}/32`))
const PUBLIC_SERVERS = hosts('200.1.1.1', '200.1.1.2', '200.1.1.3', '200.1.1.4', '200.1.1.5')
/** `term permit-tcp-established`: tcp to MAIL_SERVERS, WEB_SERVERS and PUBLIC_NAT, replies only. */
const TCP_ESTABLISHED = box({protocols: ProtocolSet.of(TCP), to: PUBLIC_SERVERS})
/** An exposure skeleton permitting everything, to pass hand-made traffic through `permits`. */
const outboundAll: Exposure = {kind: 'filter', action: 'allow', direction: 'outbound', ...box({}), line: 1, rule: 'all'}

describe.skipIf(!present)('multivendor: detection', () => {
  // without --type, each rendering goes to the parser whose exposures are compared below
  it.each([
    ['aerleon-sample_multitarget.asa', 'cisco-asa'],
    ['aerleon-sample_multitarget.cisco.acl', 'cisco-ios'],
    ['aerleon-sample_multitarget.juniper.jcl', 'junos'],
    ['aerleon-sample_multitarget.speedway.ipt', 'iptables'],
    ['aerleon-sample_stateful_multitarget_simple.panos.xml', 'panos'],
    ['aerleon-sample_stateful_multitarget_simple.srx.conf', 'junos'],
  ])('%s is %s', async (file, type) => {
    const r = await parseText(readFileSync(join(DIR, file), 'utf8'), `multivendor/${file}`)
    expect(r.type).toBe(type)
  })
})

describe.skipIf(!present)('multivendor: sample_multitarget (ASA, IOS, Junos, speedway iptables)', () => {
  const load = async () => {
    const asa = await exposuresOf('aerleon-sample_multitarget.asa', 'cisco-asa')
    const ios = await exposuresOf('aerleon-sample_multitarget.cisco.acl', 'cisco-ios')
    const jcl = await exposuresOf('aerleon-sample_multitarget.juniper.jcl', 'junos')
    const ipt = await exposuresOf('aerleon-sample_multitarget.speedway.ipt', 'iptables')
    // ACL names differ by vendor (`asa_in`, `edge-inbound`, `filter edge-inbound`, chain INPUT): the
    // unbound ACLs are evaluated as if inbound, so the filter name, not `direction`, says which is which
    const byRule = (xs: Exposure[], re: RegExp) => xs.filter((e) => re.test(e.rule))
    return {
      inbound: {
        asa: byRule(asa, /^asa_in#/),
        ios: byRule(ios, /^edge-inbound#/),
        jcl: byRule(jcl, /^filter edge-inbound /),
        ipt: ipt.filter((e) => e.direction === 'inbound'),
      },
      outbound: {
        asa: byRule(asa, /^asa_out#/),
        ios: byRule(ios, /^(ipv6-)?edge-outbound#/),
        jcl: byRule(jcl, /^filter edge-outbound /),
        ipt: ipt.filter((e) => e.direction === 'outbound'),
      },
    }
  }

  it('edge-inbound: IOS and speedway permit the same traffic in both families', async () => {
    const {inbound} = await load()
    expectSameTraffic(permits(inbound.ios, 'v4'), permits(inbound.ipt, 'v4'))
    expectSameTraffic(permits(inbound.ios, 'v6'), permits(inbound.ipt, 'v6'))
    // what the policy means: smtp/submission/pop3s to the mail servers, web to the web servers, udp
    // replies from high ports; nothing from RFC1918 (denied by the untrusted-networks include)
    const v4 = permits(inbound.ios, 'v4')
    const covered = (b: Box) => minus([b], v4).length === 0
    expect(covered(box({from: AddressSet.of('8.8.8.8/32'), to: hosts('200.1.1.4'), protocols: ProtocolSet.of(TCP), ports: PortSet.parse('25,465,587,995')!}))).toBe(true)
    expect(covered(box({from: AddressSet.of('8.8.8.8/32'), to: hosts('200.1.1.1', '200.1.1.2'), protocols: ProtocolSet.of(TCP), ports: PortSet.parse('80,443')!}))).toBe(true)
    expect(covered(box({from: AddressSet.of('8.8.8.8/32'), to: PUBLIC_SERVERS, protocols: ProtocolSet.of(UDP), sourcePorts: PortSet.range(1024, 65535)}))).toBe(true)
    expect(covered(box({from: AddressSet.of('10.1.2.3/32'), to: hosts('200.1.1.1'), protocols: ProtocolSet.of(TCP), ports: PortSet.range(443)}))).toBe(false)
    expect(covered(box({from: AddressSet.of('8.8.8.8/32'), to: hosts('200.1.1.3'), protocols: ProtocolSet.of(TCP), ports: PortSet.range(22)}))).toBe(false)
  })

  it('edge-inbound: ASA permits IOS traffic plus all tcp to the public servers (tcp-established rendered as a plain permit)', async () => {
    // aerleon's ciscoasa generator drops `tcp-established` (the ASA is stateful) and writes
    // `permit tcp any host …`: on the ASA that admits NEW connections to every tcp port of those hosts.
    // The ASA parser is right to list it; the rendering is broader than the .pol intent.
    const {inbound} = await load()
    const asa = permits(inbound.asa, 'v4')
    const ios = permits(inbound.ios, 'v4')
    expect(show(minus(ios, asa))).toEqual([])
    const extra = minus(asa, ios)
    expect(extra.length).toBeGreaterThan(0)
    expect(show(minus(extra, [TCP_ESTABLISHED]))).toEqual([])
    expect(permits(inbound.asa, 'v6')).toEqual([])
  })

  it('edge-inbound: Junos (inet) permits what IOS permits, besides the tcp-established term', async () => {
    const {inbound} = await load()
    const jcl = permits(inbound.jcl, 'v4')
    const ios = permits(inbound.ios, 'v4')
    expect(show(minus(ios, jcl))).toEqual([])
    expect(show(minus(jcl, [...ios, TCP_ESTABLISHED]))).toEqual([])
  })

  // Junos `tcp-established` matches packets with ACK or RST set: like IOS `established` and iptables
  // `--state ESTABLISHED,RELATED` it admits replies only, never a new connection
  it('edge-inbound: Junos tcp-established term admits no new connection (as IOS established)', async () => {
    const {inbound} = await load()
    expectSameTraffic(permits(inbound.jcl, 'v4'), permits(inbound.ios, 'v4'))
  })

  it('edge-outbound: every rendering permits the same IPv4 traffic', async () => {
    const {outbound} = await load()
    const ios = permits(outbound.ios, 'v4')
    expectSameTraffic(ios, permits(outbound.asa, 'v4'))
    expectSameTraffic(ios, permits(outbound.jcl, 'v4'))
    expectSameTraffic(ios, permits(outbound.ipt, 'v4'))
    // RFC1918 and bogon destinations denied, a public destination accepted
    const covered = (to: string) => minus([box({from: AddressSet.ANY4, to: AddressSet.of(to), protocols: ProtocolSet.of(TCP, UDP)})], ios).length === 0
    expect(covered('8.8.8.8/32')).toBe(true)
    expect(covered('10.0.0.1/32')).toBe(false)
    expect(covered('198.51.100.7/32')).toBe(false)
  })

  it('edge-outbound IPv6: IOS denies the bad IPv6 destinations; ASA accepts all IPv6; Junos inet and speedway inet say nothing of IPv6', async () => {
    // aerleon renders the deny list IPv4-only for the ASA, then `permit ip any any`: an ASA 9.x `any` is
    // dual-stack, so all IPv6 egress is open there. IOS gets an `ipv6-edge-outbound` with the IPv6 denies.
    const {outbound} = await load()
    const anyV6 = permits([{...outboundAll, from: AddressSet.ANY6, to: AddressSet.ANY6}], 'v6')
    expectSameTraffic(permits(outbound.asa, 'v6'), anyV6)
    const ios = permits(outbound.ios, 'v6')
    expect(show(minus(ios, anyV6))).toEqual([])
    const covered = (to: string) => minus([box({from: AddressSet.ANY6, to: AddressSet.of(to), protocols: ProtocolSet.of(TCP)})], ios).length === 0
    expect(covered('2606:4700:4700::1111/128')).toBe(true)
    expect(covered('2001:db8::1/128')).toBe(false)
    expect(covered('fc00::1/128')).toBe(false)
    expect(permits(outbound.jcl, 'v6')).toEqual([])
    expect(permits(outbound.ipt, 'v6')).toEqual([])
  })
})

describe.skipIf(!present)('multivendor: sample_stateful_multitarget_simple (PAN-OS, SRX)', () => {
  const load = async () => ({
    pan: await exposuresOf('aerleon-sample_stateful_multitarget_simple.panos.xml', 'panos'),
    srx: await exposuresOf('aerleon-sample_stateful_multitarget_simple.srx.conf', 'junos'),
  })
  const pair = (xs: Exposure[], from: string, to: string) =>
    xs.filter((e) => e.fromZones?.length === 1 && e.fromZones[0] === from && e.toZones?.length === 1 && e.toZones[0] === to)
  const PAIRS: Array<[string, string]> = [['internal', 'external'], ['external', 'internal'], ['unknown', 'internal']]

  it('PAN-OS lists its intrazone-default allow; SRX denies intrazone traffic by default (vendor defaults, not the policy)', async () => {
    const {pan, srx} = await load()
    for (const z of ['internal', 'external', 'unknown']) {
      expect(pair(pan, z, z).map((e) => e.rule)).toEqual([expect.stringContaining('intrazone-default')])
      expect(pair(srx, z, z)).toEqual([])
    }
  })

  it.each(PAIRS)('%s → %s: the same IPv4 traffic', async (from, to) => {
    const {pan, srx} = await load()
    expectSameTraffic(permits(pair(pan, from, to), 'v4'), permits(pair(srx, from, to), 'v4'))
  })

  it.each(PAIRS)('%s → %s IPv6: PAN-OS permits a subset of SRX (aerleon writes any-ipv4 for PAN-OS, `any` for SRX)', async (from, to) => {
    const {pan, srx} = await load()
    expect(show(minus(permits(pair(pan, from, to), 'v6'), permits(pair(srx, from, to), 'v6')))).toEqual([])
  })

  it('internal → external: the policy intent holds on both', async () => {
    const {pan, srx} = await load()
    for (const xs of [pan, srx]) {
      const v4 = permits(pair(xs, 'internal', 'external'), 'v4')
      const covered = (b: Box) => minus([b], v4).length === 0
      // test-tcp-udp-any: any tcp and udp
      expect(covered(box({from: AddressSet.of('10.1.1.1/32'), to: AddressSet.of('1.2.3.4/32'), protocols: ProtocolSet.of(TCP, UDP)}))).toBe(true)
      // accept-icmp-specific-types: ICMP from INTERNAL only
      expect(covered(box({from: AddressSet.of('10.0.0.0/8'), to: AddressSet.of('1.2.3.4/32'), protocols: ProtocolSet.of(ICMP)}))).toBe(true)
      expect(covered(box({from: AddressSet.of('100.64.0.1/32'), to: AddressSet.of('1.2.3.4/32'), protocols: ProtocolSet.of(ICMP)}))).toBe(false)
      // accept-igmp: IGMP (protocol 2) from INTERNAL
      expect(covered(box({from: AddressSet.of('192.168.0.0/16'), to: AddressSet.ANY4, protocols: ProtocolSet.of(2)}))).toBe(true)
      // nothing else: GRE is not permitted
      expect(covered(box({from: AddressSet.of('10.1.1.1/32'), to: AddressSet.of('1.2.3.4/32'), protocols: ProtocolSet.of(47)}))).toBe(false)
    }
  })

  // PAN-OS rule accept-icmpv6-specific-types uses the custom applications icmp6-echo-request/-reply that the
  // same file defines under vsys1 <application> (<default><ident-by-icmp6-type>): ICMPv6 only, as SRX's icmp6 terms
  it('internal → external IPv6: PAN-OS custom ICMPv6 applications resolve to ICMPv6', async () => {
    const {pan} = await load()
    const rule = pan.filter((e) => e.rule.includes('"accept-icmpv6-specific-types"'))
    expect(rule.map((e) => e.protocols.toStrings())).toEqual([['58']])
  })
})
