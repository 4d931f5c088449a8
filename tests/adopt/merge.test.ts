/**
 * adopt merges, never rewrites: an inventory with comments, reordered keys, flow and block styles and a
 * hand-written access point overlapping a live rule keeps every byte; drafted entries are only added.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {diffLines} from 'diff'
import {afterAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runAdopt} from '../../src/adopt/run.js'
import {runDiff} from '../../src/diff/run.js'
import {loadInventory} from '../../src/inventory/load.js'
import {validateInventory} from '../../src/inventory/validate.js'

const AS_OF = '2026-12-07'
const temps: string[] = []
afterAll(() => temps.forEach((d) => rmSync(d, {recursive: true, force: true})))

function inventory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'irm-adopt-merge-'))
  temps.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const ZONES = `# Zones of the test network (hand-written: every byte must survive adopt)
zones:
  - trust: internet        # catch-all: no cidrs
    id: internet
    name: "Internet"
  - id: lan
    name: Office LAN
    trust: internal
    cidrs: [10.1.0.0/16]   # the office
  - {id: dmz, name: DMZ, trust: dmz, cidrs: [198.51.100.0/24]}
`

const DEVICES = `devices:
  # the only firewall; keys in the order its author likes
  - role: firewall
    id: gw
    format: iptables
    config: live/gw.rules
    interfaces:
      - {name: eth0, zone: internet}   # uplink
    owner: netops
`

const CONTACTS = `contacts:
  - {id: netops, team: Network, role: network, channels: [{type: email, value: netops@example.org}], verified: 2026-11-01}
`

const HAND_WRITTEN = `# Approved openings. Written by hand.
access_points:
  # web front, HTTPS only (the live rule opens HTTP too: drift)
  - services: [tcp/443]
    id: ap-web
    kind: firewall-opening
    device: gw
    from: [internet]
    to: [198.51.100.10/32]
    owner: netops
    justification: 'Public site: HTTPS'   # quoted on purpose
    review_by: 2027-06-30
`
const TRAILER = `# end of the hand-written entries
`

// line 5: HTTP and HTTPS to the web front from eth0 (the internet), ap-web approves HTTPS only
// line 6: SMTP to the relay, approved by nothing
// line 7: from the office on eth1, which nothing maps (no address in iptables-save)
const RULES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -d 198.51.100.10/32 -p tcp -m multiport --dports 80,443 -m comment --comment "web front" -j ACCEPT
-A FORWARD -i eth0 -d 198.51.100.20/32 -p tcp -m tcp --dport 25 -j ACCEPT
-A FORWARD -i eth1 -s 10.1.0.0/16 -p tcp -m tcp --dport 443 -j ACCEPT
COMMIT
`

/** Only additions: no line of `before` is removed or changed. */
function onlyAdded(before: string, after: string): void {
  const removed = diffLines(before, after).filter((p) => p.removed)
  expect(removed.map((p) => p.value)).toEqual([])
}

describe('adopt merges into hand-written YAML', () => {
  it('keeps every byte of the hand-written inventory and adds one access point per reported rule', async () => {
    const dir = inventory({
      'zones.yaml': ZONES,
      'devices.yaml': DEVICES,
      'contacts.yaml': CONTACTS,
      'access-points.yaml': HAND_WRITTEN + TRAILER,
      'live/gw.rules': RULES,
    })
    const before = {zones: ZONES, devices: DEVICES, contacts: CONTACTS, aps: HAND_WRITTEN + TRAILER}
    const r = await runAdopt({inventoryDir: dir, asOf: AS_OF, displayBase: dir})
    expect(r.added).toEqual({
      contacts: ['owner-to-confirm'],
      zones: [],
      devices: [],
      interfaces: ['gw:eth1→lan'],
      access_points: ['ap-gw-forward-1-web-front', 'ap-gw-forward-2'],
    })
    const aps = readFileSync(join(dir, 'access-points.yaml'), 'utf8')
    // the hand-written entry is byte-identical; the drafted ones come after it, before the trailing comment
    expect(aps.startsWith(HAND_WRITTEN)).toBe(true)
    expect(aps.endsWith(TRAILER)).toBe(true)
    expect(aps.slice(HAND_WRITTEN.length, aps.length - TRAILER.length)).toBe(`  # irm-audit adopt: drafted from live/gw.rules:5 (FORWARD#1 "web front") entering from internet: -A FORWARD -i eth0 -d 198.51.100.10/32 -p tcp -m multiport --dports 80,443 -m comment --comment "web front" -j ACCEPT
  # to confirm: owner, justification, and whether this opening is wanted at all
  - id: ap-gw-forward-1-web-front
    name: gw FORWARD#1 "web front"
    kind: firewall-opening
    device: gw
    from: [internet]
    to: [198.51.100.10/32]
    services: [tcp/80, tcp/443]
    owner: owner-to-confirm
    justification: web front
    review_by: 2027-03-07
  # irm-audit adopt: drafted from live/gw.rules:6 (FORWARD#2) entering from internet: -A FORWARD -i eth0 -d 198.51.100.20/32 -p tcp -m tcp --dport 25 -j ACCEPT
  # to confirm: owner, justification (none in the config), and whether this opening is wanted at all
  - id: ap-gw-forward-2
    name: gw FORWARD#2
    kind: firewall-opening
    device: gw
    from: [internet]
    to: [198.51.100.20/32]
    services: [tcp/25]
    owner: owner-to-confirm
    justification: "Live rule FORWARD#2 of gw (the config gives no comment): say why it is needed"
    review_by: 2027-03-07
`)
    // the interface mapping joins the device's list, in its indentation
    expect(readFileSync(join(dir, 'devices.yaml'), 'utf8')).toBe(
      DEVICES.replace(
        '      - {name: eth0, zone: internet}   # uplink\n',
        '      - {name: eth0, zone: internet}   # uplink\n      - {name: eth1, zone: lan}  # proposed: the rules bound to it admit sources of this zone; to confirm\n',
      ),
    )
    const contacts = readFileSync(join(dir, 'contacts.yaml'), 'utf8')
    expect(contacts.startsWith(CONTACTS)).toBe(true)
    expect(readFileSync(join(dir, 'zones.yaml'), 'utf8')).toBe(ZONES)
    onlyAdded(before.devices, readFileSync(join(dir, 'devices.yaml'), 'utf8'))
    onlyAdded(before.contacts, contacts)
    onlyAdded(before.aps, aps)

    const loaded = await loadInventory(dir, {displayBase: dir})
    expect(validateInventory(loaded, {asOf: new Date(`${AS_OF}T00:00:00Z`)}).filter((i) => i.severity === 'error')).toEqual([])
    const {report} = await runDiff({inventoryDir: dir, asOf: AS_OF, displayBase: dir})
    expect(report.findings.filter((f) => f.rule !== 'stale-access-point').map((f) => f.id)).toEqual([])

    const again = await runAdopt({inventoryDir: dir, asOf: AS_OF, displayBase: dir})
    expect(again.nothing_to_add).toBe(true)
    expect(readFileSync(join(dir, 'access-points.yaml'), 'utf8')).toBe(aps)
  })

  it('new entries go to the YAML file holding most of their collection, else <collection>.yaml', async () => {
    const two = `access_points:\n  - {id: a1, kind: vpn, device: gw, from: [any], to: [198.51.100.30/32], services: [udp/1194], owner: netops}\n  - {id: a2, kind: vpn, device: gw, from: [any], to: [198.51.100.31/32], services: [udp/1194], owner: netops}\n`
    const dir = inventory({
      'zones.yaml': ZONES,
      'devices.yaml': DEVICES.replace('      - {name: eth0, zone: internet}   # uplink\n', '      - {name: eth0, zone: internet}   # uplink\n      - {name: eth1, zone: lan}\n'),
      // a JSON file is never spliced into, even when it holds most entries
      'more.json': JSON.stringify({access_points: ['b1', 'b2', 'b3'].map((id, i) => ({id, kind: 'vpn', device: 'gw', from: ['any'], to: [`198.51.100.${40 + i}/32`], services: ['udp/1194'], owner: 'netops'}))}),
      'one.yaml': `access_points: []   # none yet\n`,
      'two.yaml': two,
      // a BOM stays
      'contacts.yaml': `\ufeff${CONTACTS}`,
      'live/gw.rules': RULES,
    })
    const r = await runAdopt({inventoryDir: dir, asOf: AS_OF, displayBase: dir})
    expect(r.files).toEqual([{file: 'contacts.yaml', created: false}, {file: 'two.yaml', created: false}])
    const after = readFileSync(join(dir, 'two.yaml'), 'utf8')
    expect(after.startsWith(two)).toBe(true)
    expect(parse(after).access_points.map((a: {id: string}) => a.id)).toEqual(['a1', 'a2', 'ap-gw-forward-1-web-front', 'ap-gw-forward-2'])
    expect(readFileSync(join(dir, 'one.yaml'), 'utf8')).toBe(`access_points: []   # none yet\n`)
    expect(readFileSync(join(dir, 'contacts.yaml'), 'utf8').startsWith(`\ufeff${CONTACTS}\n  - id: owner-to-confirm\n`)).toBe(false)
    expect(readFileSync(join(dir, 'contacts.yaml'), 'utf8').startsWith(`\ufeff${CONTACTS}`)).toBe(true)

    // no file holds access points: access_points.yaml is created; `key: []` and `key:` take items too
    const fresh = inventory({'zones.yaml': ZONES, 'devices.yaml': DEVICES, 'contacts.yaml': 'contacts:\n', 'live/gw.rules': RULES})
    const f = await runAdopt({inventoryDir: fresh, asOf: AS_OF, displayBase: fresh})
    expect(f.files).toEqual([{file: 'access_points.yaml', created: true}, {file: 'contacts.yaml', created: false}, {file: 'devices.yaml', created: false}])
    expect(readFileSync(join(fresh, 'access_points.yaml'), 'utf8')).toMatch(/^# Drafted by irm-audit adopt: review every entry .*\naccess_points:\n  # irm-audit adopt: drafted from live\/gw\.rules:5 /)
    expect(readFileSync(join(fresh, 'contacts.yaml'), 'utf8')).toMatch(/^contacts:\n  # irm-audit adopt: owner of every drafted entry/)
    const flow = inventory({'zones.yaml': ZONES, 'devices.yaml': DEVICES, 'contacts.yaml': CONTACTS, 'aps.yaml': '# none yet\naccess_points: []   # to fill\n', 'live/gw.rules': RULES})
    await runAdopt({inventoryDir: flow, asOf: AS_OF, displayBase: flow})
    const text = readFileSync(join(flow, 'aps.yaml'), 'utf8')
    expect(text).toMatch(/^# none yet\naccess_points:   # to fill\n  # irm-audit adopt: drafted from live\/gw\.rules:5 /)
    expect(parse(text).access_points).toHaveLength(2)
  })

  it('--dry-run shows the same change as a unified diff and writes nothing', async () => {
    const files = {'zones.yaml': ZONES, 'devices.yaml': DEVICES, 'contacts.yaml': CONTACTS, 'access-points.yaml': HAND_WRITTEN + TRAILER, 'live/gw.rules': RULES}
    const dir = inventory(files)
    const r = await runAdopt({inventoryDir: dir, asOf: AS_OF, displayBase: dir, dryRun: true})
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8')).toBe(text)
    expect(r.patch).toContain('--- a/devices.yaml\n+++ b/devices.yaml\n@@ -6,4 +6,5 @@\n     config: live/gw.rules\n     interfaces:\n       - {name: eth0, zone: internet}   # uplink\n+      - {name: eth1, zone: lan}  # proposed: the rules bound to it admit sources of this zone; to confirm\n     owner: netops\n')
  })
})
