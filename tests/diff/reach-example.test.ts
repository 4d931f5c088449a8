/**
 * The example inventory, edited the way the reach issue's "done when" says: an inside interface without
 * ACL or a LAN→WAN forward adds no finding; an RDP permit from any on the internet-facing side of
 * fw-edge-1, pa-dc or fgt-fra adds exactly one critical unwanted-access-point at that line.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runDiff} from '../../src/diff/run.js'
import type {Finding} from '../../src/diff/model.js'
import {ROOT} from '../helpers/sources.js'

const AS_OF = '2026-11-25'
const LIVE = join(ROOT, 'inventory', 'live')
let dir: string
let baseline: string[]

const ids = (fs: Finding[]) => fs.map((f) => f.id).sort()

/** The example's findings with one device's config replaced by `text`. */
async function withConfig(device: string, file: string, text: string): Promise<{findings: Finding[]; path: string}> {
  const path = join(dir, file)
  writeFileSync(path, text)
  const {report} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: dir, live: [`${device}=${path}`]})
  return {findings: report.findings, path}
}

function lineOf(text: string, fragment: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(fragment))
  if (i < 0) throw new Error(`no line with '${fragment}'`)
  return i + 1
}

function insertAfter(text: string, anchor: string, lines: string): string {
  const i = text.indexOf(anchor)
  if (i < 0) throw new Error(`no '${anchor}'`)
  const end = text.indexOf('\n', i) + 1
  return text.slice(0, end) + lines + text.slice(end)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'irm-reach-'))
  const {report} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT})
  baseline = ids(report.findings)
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('reach on the example inventory', () => {
  it('fw-edge-1 without the inside access-group (security-level default permit): no new finding', async () => {
    const text = readFileSync(join(LIVE, 'fw-edge-1.asa.cfg'), 'utf8').replace('access-group inside_in in interface inside\n', '')
    expect(ids((await withConfig('fw-edge-1', 'edge.cfg', text)).findings)).toEqual(baseline)
  })

  it('gw-lyon with -A FORWARD -i eth1 -o eth0 -j ACCEPT: no new finding', async () => {
    const text = readFileSync(join(LIVE, 'gw-lyon.iptables'), 'utf8').replace('-A FORWARD -j LOG_DROP', '-A FORWARD -i eth1 -o eth0 -j ACCEPT\n-A FORWARD -j LOG_DROP')
    expect(ids((await withConfig('gw-lyon', 'gw.iptables', text)).findings)).toEqual(baseline)
  })

  const oneRdp = (findings: Finding[], device: string, path: string, line: number) => {
    const added = findings.filter((f) => !baseline.includes(f.id))
    expect(added.map((f) => [f.rule, f.severity, f.device, f.file, f.line])).toEqual([['unwanted-access-point', 'critical', device, path.split('/').pop(), line]])
    expect(added[0].service).toBe('tcp/3389')
    expect(ids(findings.filter((f) => baseline.includes(f.id)))).toEqual(baseline)
  }

  it('fw-edge-1: tcp/3389 from any on outside to the published web server is one critical unwanted-access-point at its NAT line, the ACE in `also`', async () => {
    const text = readFileSync(join(LIVE, 'fw-edge-1.asa.cfg'), 'utf8').replace(
      'access-list outside_in extended deny ip any any log',
      'access-list outside_in extended permit tcp any object WEB-REAL eq 3389\naccess-list outside_in extended deny ip any any log',
    )
    const {findings, path} = await withConfig('fw-edge-1', 'edge.cfg', text)
    // #16: WEB-REAL is reached from outside only through its object NAT (8.3+: the ACE names the real address)
    oneRdp(findings, 'fw-edge-1', path, lineOf(text, 'nat (dmz,outside) static WEB-PUBLIC'))
    expect(findings.find((f) => f.service === 'tcp/3389')?.also?.map((a) => a.line)).toEqual([lineOf(text, 'object WEB-REAL eq 3389')])
  })

  it('pa-dc: an untrust → dc rule for tcp/3389 from any is one critical unwanted-access-point at its line', async () => {
    let text = readFileSync(join(LIVE, 'pa-dc.xml'), 'utf8')
    text = text.replace('            <entry name="tcp-443">', '            <entry name="tcp-3389">\n              <protocol>\n                <tcp>\n                  <port>3389</port>\n                </tcp>\n              </protocol>\n            </entry>\n            <entry name="tcp-443">')
    text = insertAfter(
      text,
      '              <rules>',
      [
        '                <entry name="rdp-from-anywhere">',
        '                  <from><member>untrust</member></from>',
        '                  <to><member>dc</member></to>',
        '                  <source><member>any</member></source>',
        '                  <destination><member>net-erp-tier</member></destination>',
        '                  <source-user><member>any</member></source-user>',
        '                  <application><member>any</member></application>',
        '                  <service><member>tcp-3389</member></service>',
        '                  <action>allow</action>',
        '                </entry>',
        '',
      ].join('\n'),
    )
    const {findings, path} = await withConfig('pa-dc', 'pa.xml', text)
    oneRdp(findings, 'pa-dc', path, lineOf(text, '<entry name="rdp-from-anywhere">'))
  })

  it('fgt-fra: a wan1 → internal policy for RDP from all is one critical unwanted-access-point at its line', async () => {
    const text = readFileSync(join(LIVE, 'fgt-fra.conf'), 'utf8').replace(
      'config firewall policy\n',
      'config firewall policy\n    edit 5\n        set name "rdp-in"\n        set srcintf "wan1"\n        set dstintf "internal"\n        set action accept\n        set srcaddr "all"\n        set dstaddr "branch-net"\n        set schedule "always"\n        set service "RDP"\n    next\n',
    )
    const {findings, path} = await withConfig('fgt-fra', 'fgt.conf', text)
    oneRdp(findings, 'fgt-fra', path, lineOf(text, 'edit 5'))
  })
})
