/**
 * The example inventory: `reach --from internet` equals the table written in inventory/README.md, and
 * `why` names the deciding rule of an allowed and of a denied flow, with its path.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadPathSpace} from '../../src/paths/load.js'
import {reachFrom, reachReport} from '../../src/paths/reach.js'
import {why} from '../../src/paths/why.js'

const INVENTORY = join(import.meta.dirname, '../../inventory')

async function space() {
  return (await loadPathSpace({inventoryDir: INVENTORY, asOf: '2026-11-25', displayBase: INVENTORY})).space
}

function readmeRows(): string[] {
  const text = readFileSync(join(INVENTORY, 'README.md'), 'utf8')
  const block = text.slice(text.indexOf('<!-- reach:internet -->'), text.indexOf('<!-- /reach -->'))
  return block
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| zone reached') && !l.startsWith('| ---'))
    .map((l) => l.trim())
}

describe('example inventory', () => {
  it('reach --from internet equals the list in inventory/README.md', async () => {
    const s = await space()
    const r = reachReport(s, ['internet'], reachFrom(s, 'internet'))
    const rows = r.paths.flatMap((p) =>
      p.chains.flatMap((c) =>
        c.traffic.map((t) => `| ${p.to_zone} | ${p.devices.join(' > ')} | ${t.services.join(', ')} | ${t.to.join(', ')} | ${t.from.join(', ')} | ${c.rules.map((x) => `${x.file}:${x.line}${x.filter ? `+${x.filter.line}` : ''}`).join(' > ')} |`),
      ),
    )
    const expected = readmeRows()
    expect(expected.length).toBe(13)
    expect(rows).toEqual(expected)
  })

  it('why: the RDP rule of gw-lyon is not reachable from the internet; pa-dc denies on the only path', async () => {
    const w = why(await space(), 'internet', '172.16.20.40', 'tcp/3389')
    expect(w.verdict).toBe('deny')
    expect(w.destination.zones).toEqual(['lyon-dmz'])
    expect(w.paths.map((p) => `${p.zones.join('>')} ${p.verdict} ${p.blocked_at}`)).toEqual(['internet>lyon-dmz deny pa-dc'])
    // pa-dc's explicit deny-all rule (from any to any, live/pa-dc.xml:962) decides it
    expect(w.paths[0].hops[0].deny).toEqual({implicit: false, rules: [{file: 'live/pa-dc.xml', line: 962, rule: 'vsys1 security rule "deny-all"'}]})
  })

  it('why: the tracking API through pa-dc names the NAT and the security rule that passes it', async () => {
    const w = why(await space(), 'internet', '198.51.100.72', 'tcp/443')
    expect(w.verdict).toBe('permit')
    const permit = w.paths.filter((p) => p.verdict === 'permit')
    expect(permit.map((p) => p.zones.join('>'))).toEqual(['internet>lyon-dmz'])
    const rule = permit[0].hops[0].rules[0]
    expect(rule).toMatchObject({file: 'live/pa-dc.xml', line: 1030, filter: {line: 564}, nat: {to: ['172.16.20.5/32']}})
  })

  it('why, allowed: the EDI gateway reaches its backend through gw-lyon line 26; pa-dc (no rule for it) denies on its parallel path', async () => {
    const w = why(await space(), '172.16.20.22', '10.20.10.50', 'tcp/22')
    expect(w.verdict).toBe('permit')
    expect(w.paths.map((p) => `${p.devices.join(',')} ${p.verdict}`)).toEqual(['gw-lyon permit', 'pa-dc deny'])
    expect(w.paths[0].hops[0].rules.map((r) => `${r.file}:${r.line} ${r.rule}`)).toEqual(['live/gw-lyon.iptables:26 FORWARD#5 "ap-lyon-dmz-edi-backend"'])
  })

  it('why, denied: RDP from the DMZ to the backend is dropped by gw-lyon at the LOG_DROP chain (line 32), named as the deciding rule', async () => {
    const w = why(await space(), 'lyon-dmz', '10.20.10.50', 'tcp/3389')
    expect(w.verdict).toBe('deny')
    const gw = w.paths.find((p) => p.devices.join(',') === 'gw-lyon')!
    expect(gw.hops[0].deny).toEqual({implicit: false, rules: [{file: 'live/gw-lyon.iptables', line: 32, rule: 'LOG_DROP#2'}]})
    // PAN-OS records its denies per zone pair: dmz → dc ends in the explicit deny-all rule
    expect(w.paths.find((p) => p.devices.join(',') === 'pa-dc')!.hops[0].deny).toEqual({implicit: false, rules: [{file: 'live/pa-dc.xml', line: 962, rule: 'vsys1 security rule "deny-all"'}]})
  })
})
