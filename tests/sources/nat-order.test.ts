/**
 * #16: NAT composed with the filter in each vendor's order (model/nat.ts). One small config per vendor
 * (tests/fixtures/nat/), each with a NAT a filter rule passes and one none passes; the expected rows were
 * written from the vendors' documented order before running the parser:
 * - netfilter: DNAT in prerouting, then FORWARD on the translated packet;
 * - ASA 8.3+: the interface ACL names the REAL address;
 * - IOS: the inbound ACL of the outside interface is checked BEFORE translation (public address);
 * - Junos: static → destination NAT → route → security policy on the translated address toward the post-NAT zone;
 * - PAN-OS: the security rule names the PRE-NAT address and the POST-NAT zone;
 * - FortiOS: a VIP is applied only through a policy naming it;
 * - pfSense: rdr, then the interface rules on the translated packet (associated or hand-made rule).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {diffFindings} from '../../src/diff/engine.js'
import type {LiveConfig} from '../../src/diff/model.js'
import {parseReport, type ParseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'
import {ap, input, zone} from '../diff/helpers.js'
import {ROOT} from '../helpers/sources.js'

const DIR = join(ROOT, 'tests/fixtures/nat')
const read = (name: string) => readFileSync(join(DIR, name), 'utf8')

async function parse(name: string, type: string, text = read(name)): Promise<ParseReport> {
  return parseReport(await parseText(text, `tests/fixtures/nat/${name}`, type))
}

/** The composed NATs as rows: line, public destination, service, translation, the filter rule that passes it. */
function rows(r: ParseReport) {
  return r.exposures
    .filter((e) => e.kind === 'nat-forward')
    .map((e) => ({line: e.line, to: e.to, protocol: e.protocol, ports: e.ports, translated: e.translated, filter: e.filter}))
}
const dead = (r: ParseReport) => (r.doubts ?? []).map((d) => [d.code, d.effect, d.line])

describe('#16: NAT composed in each vendor order', () => {
  it('iptables: DNAT + FORWARD on the translated address; the dropped port forward is dead', async () => {
    const r = await parse('iptables.rules', 'iptables')
    expect(rows(r)).toEqual([{line: 6, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['10.0.1.10/32']}, filter: {line: 16, rule: 'FORWARD#1'}}])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 8]])
    expect(r.exposures.find((e) => e.kind === 'nat-forward')?.hook).toBe('forward')
  })

  it('nftables: the same in nft syntax', async () => {
    const r = await parse('nftables.nft', 'nftables')
    expect(rows(r)).toEqual([{line: 6, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['10.0.1.10/32']}, filter: {line: 15, rule: 'ip filter forward#1'}}])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 8]])
  })

  it('cisco-asa 8.3+: the ACL on the real address passes the web NAT; an ACE on the mapped address passes nothing', async () => {
    const r = await parse('cisco-asa.cfg', 'cisco-asa')
    expect(rows(r)).toEqual([{line: 14, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['172.16.1.10/32']}, filter: {line: 20, rule: 'outside_in#1'}}])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 18]])
    const web = r.exposures.find((e) => e.kind === 'nat-forward')!
    expect([web.ingress?.interfaces, web.egress?.interfaces]).toEqual([['outside'], ['dmz']])
  })

  it('cisco-ios: the outside ACL names the public address (before NAT); an ACE on the inside address passes nothing', async () => {
    const r = await parse('cisco-ios.cfg', 'cisco-ios')
    expect(rows(r)).toEqual([{line: 11, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['10.0.0.10/32'], ports: ['443']}, filter: {line: 15, rule: 'WAN-IN#10'}}])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 12]])
  })

  it('junos: the policy names the translated address toward the post-NAT zone; a policy toward the wrong zone passes nothing', async () => {
    const r = await parse('junos.set', 'junos')
    expect(r.unparsed).toEqual([])
    expect(rows(r)).toEqual([
      {line: 12, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['172.16.1.10/32'], ports: ['8443']}, filter: {line: 18, rule: 'from-zone untrust to-zone dmz policy web'}},
    ])
    // static NAT to 10.0.0.30 (zone trust): app-wrong-zone names it but leads to dmz
    expect(dead(r)).toEqual([['nat-dead', 'dead', 16]])
  })

  it('panos: the security rule names the pre-NAT address and the post-NAT zone; a rule on the real address passes nothing', async () => {
    const r = await parse('panos.set', 'panos')
    expect(r.unparsed).toEqual([])
    expect(rows(r)).toEqual([
      {line: 10, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['172.16.1.10/32'], ports: ['8443']}, filter: {line: 15, rule: 'vsys1 security rule "web"'}},
    ])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 13]])
    const web = r.exposures.find((e) => e.kind === 'nat-forward')!
    expect([web.ingress?.zones, web.egress?.zones]).toEqual([['untrust'], ['dmz']])
  })

  it('fortios: a VIP only through a policy naming it; a policy on the mapped address does not apply the VIP', async () => {
    const r = await parse('fortios.conf', 'fortios')
    expect(r.unparsed).toEqual([])
    expect(rows(r)).toEqual([{line: 15, to: ['203.0.113.10/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['172.16.1.10/32'], ports: ['8443']}, filter: {line: 30, rule: 'policy 1'}}])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 23]])
    // policy 2 stays what it is: https to the inside address, no translation
    expect(r.exposures.filter((e) => e.rule === 'policy 2').map((e) => [e.kind, e.to, e.ports, e.translated])).toEqual([['filter', ['172.16.1.20/32'], ['443'], undefined]])
  })

  it('pfsense: the associated rule, then a hand-made rule on the inside host; the forward nothing passes is dead', async () => {
    const r = await parse('pfsense.xml', 'pfsense')
    expect(r.unparsed).toEqual([])
    expect(rows(r)).toEqual([
      {line: 23, to: ['203.0.113.2/32'], protocol: 'tcp', ports: ['443'], translated: {to: ['172.16.1.10/32'], ports: ['443']}, filter: {line: 56, rule: 'wan rule 1 "NAT web"'}},
      {line: 34, to: ['203.0.113.2/32'], protocol: 'tcp', ports: ['2222'], translated: {to: ['172.16.1.20/32'], ports: ['22']}, filter: {line: 66, rule: 'wan rule 2 "admin ssh"'}},
    ])
    // the hand-made rule admits only the admin network: so does the forward
    expect(r.exposures.find((e) => e.line === 34)?.from).toEqual(['198.51.100.0/24'])
    expect(dead(r)).toEqual([['nat-dead', 'dead', 44]])
  })
})

describe('#16: the diff reads the composition', () => {
  const live = async (name: string, type: string, device: string, text = read(name)): Promise<LiveConfig> => {
    const r = await parseText(text, `live/${name}`, type)
    return {device, file: `live/${name}`, type, exposures: r.exposures, unparsed: r.unparsed, stats: r.stats}
  }
  it('cisco-asa: a declared NAT passed by its ACE gives no finding; removing the ACE makes it stale, and the dead NAT is not unwanted', async () => {
    // a partner publishes nothing else on fw; its interfaces mapped as an inventory maps them
    const web = ap('ap-web', 'fw', ['198.51.100.0/24'], ['203.0.113.10/32'], ['tcp/443'], {kind: 'nat-forward'})
    const zones = [{...zone('internet', 'internet', '0.0.0.0/0', '::/0'), catchAll: true}, zone('partner', 'partner', '198.51.100.0/24'), zone('dmz', 'dmz', '172.16.1.0/24')]
    const devices = [{id: 'fw', zones: ['internet', 'partner', 'dmz'], interfaces: [{name: 'outside', zone: 'internet'}, {name: 'dmz', zone: 'dmz'}], source: {file: 'inventory/devices.yaml', line: 3}}]
    // findings about the published address (the ACE on the mapped DB address has a finding of its own)
    const about = (fs: ReturnType<typeof diffFindings>) => fs.filter((f) => f.rule === 'stale-access-point' || f.exposure?.to.includes('203.0.113.10/32')).map((f) => [f.rule, f.access_point])
    const diff = async (text: string) => about(diffFindings(input({zones, devices, accessPoints: [web], live: [await live('cisco-asa.cfg', 'cisco-asa', 'fw', text)]})))
    const ace = 'access-list outside_in extended permit tcp any object WEB eq https\n'
    const text = read('cisco-asa.cfg').replace(ace, ace.replace(' any ', ' 198.51.100.0 255.255.255.0 '))
    expect(await diff(text)).toEqual([])
    expect(await diff(text.replace(ace.replace(' any ', ' 198.51.100.0 255.255.255.0 '), ''))).toEqual([['stale-access-point', 'ap-web']])
  })

  it('fortios: undeclared, the VIP is one finding at the VIP line with the policy in `also`; without the policy, nothing', async () => {
    const text = read('fortios.conf')
    const fs = diffFindings(input({live: [await live('fortios.conf', 'fortios', 'fgt', text)]}))
    const vip = fs.filter((f) => f.exposure?.kind === 'nat-forward')
    expect(vip.map((f) => [f.rule, f.line, f.also])).toEqual([['unwanted-access-point', 15, [{file: 'live/fortios.conf', line: 30}]]])
    // policy 1 is only the VIP's traffic: no finding of its own
    expect(fs.filter((f) => f.line === 30)).toEqual([])
    const without = text.replace(/    edit 1\n[\s\S]*?    next\n/, '')
    const after = diffFindings(input({live: [await live('fortios.conf', 'fortios', 'fgt', without)]}))
    expect(after.filter((f) => f.exposure?.kind === 'nat-forward')).toEqual([])
  })
})
