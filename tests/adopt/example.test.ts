/**
 * adopt on the bundled example (issue #22 "done when"): with its access points removed, adopt drafts
 * them back so that validate passes and diff reports no unwanted access point, no drift and no unmapped
 * interface; a second run adds nothing; --dry-run prints a unified diff and writes nothing. Then each
 * example device adopted on its own, its interfaces and access points removed.
 */
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'
import {isMap, isSeq, parse, parseDocument} from 'yaml'

import {runAdopt} from '../../src/adopt/run.js'
import {runDiff} from '../../src/diff/run.js'
import {loadInventory} from '../../src/inventory/load.js'
import {validateInventory} from '../../src/inventory/validate.js'
import {runPrepare} from '../../src/readiness/run.js'
import {ROOT} from '../helpers/sources.js'

const AS_OF = '2026-12-07'
const REVIEW_BY = '2027-03-07'
const temps: string[] = []
afterAll(() => temps.forEach((d) => rmSync(d, {recursive: true, force: true})))

/** A copy of the example inventory, its YAML edited by `edit` (documents by file name). */
function example(edit: (file: string, doc: ReturnType<typeof parseDocument>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'irm-adopt-'))
  temps.push(dir)
  cpSync(join(ROOT, 'inventory'), join(dir, 'inventory'), {recursive: true})
  const inv = join(dir, 'inventory')
  for (const f of readdirSync(inv).filter((n) => n.endsWith('.yaml'))) {
    const doc = parseDocument(readFileSync(join(inv, f), 'utf8'))
    const before = doc.toString()
    edit(f, doc)
    if (doc.toString() !== before) writeFileSync(join(inv, f), doc.toString())
  }
  return inv
}

/** Every file of a folder (recursively) → its bytes, to prove nothing was written. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'latin1'))
  }
  return out
}

async function check(inv: string) {
  const loaded = await loadInventory(inv, {displayBase: inv})
  const errors = validateInventory(loaded, {asOf: new Date(`${AS_OF}T00:00:00Z`)}).filter((i) => i.severity === 'error')
  const {report} = await runDiff({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
  const left = report.findings.filter((f) => ['unwanted-access-point', 'access-point-drift', 'interface-unmapped'].includes(f.rule))
  return {errors, left, report, loaded}
}

/** Drafted access points: id → file:line from the comment above it, and the entry. */
function drafted(inv: string): Map<string, {at: string; entry: Record<string, unknown>}> {
  const out = new Map<string, {at: string; entry: Record<string, unknown>}>()
  for (const f of readdirSync(inv).filter((n) => n.endsWith('.yaml'))) {
    const text = readFileSync(join(inv, f), 'utf8')
    const entries = new Map<string, Record<string, unknown>>((parse(text)?.access_points ?? []).map((a: Record<string, unknown>) => [String(a.id), a]))
    for (const m of text.matchAll(/# irm-audit adopt: drafted from (\S+:\d+).*\n(?:\s*#.*\n)*\s*- id: (\S+)/g)) out.set(m[2], {at: m[1], entry: entries.get(m[2])!})
  }
  return out
}

describe('adopt on the example with its access points removed', () => {
  it('drafts them back: validate passes, diff is clean, a second run adds nothing', async () => {
    const inv = example((f, doc) => {
      if (f === 'access-points.yaml') doc.set('access_points', doc.createNode([]))
    })
    const first = await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
    expect(first.nothing_to_add).toBe(false)
    expect(first.added.contacts).toEqual(['owner-to-confirm'])
    expect(first.added.zones).toEqual([])
    expect(first.files).toEqual([{file: 'access-points.yaml', created: false}, {file: 'contacts.yaml', created: false}])
    const {errors, left, report} = await check(inv)
    expect(errors).toEqual([])
    expect(left).toEqual([])
    // what is left is what the example had before adopt: the blocked SIEM flow
    expect(report.findings.map((f) => f.rule)).toEqual(['critical-flow-blocked'])
    const aps = drafted(inv)
    expect(aps.size).toBe(first.added.access_points.length)
    for (const {entry} of aps.values()) {
      expect(entry.owner).toBe('owner-to-confirm')
      expect(entry.review_by).toBe(REVIEW_BY)
    }
    // the contact exists for validate, and is never verified, so the contacts readiness check flags it
    const contacts = parse(readFileSync(join(inv, 'contacts.yaml'), 'utf8')).contacts
    expect(contacts.find((c: {id: string}) => c.id === 'owner-to-confirm')).toEqual({
      id: 'owner-to-confirm',
      team: 'Owner to confirm (created by irm-audit adopt)',
      role: 'network',
      channels: [{type: 'email', value: 'owner-to-confirm'}],
    })

    const {report: readiness} = await runPrepare({inventoryDir: inv, asOf: AS_OF, noGit: true, noDiff: true, displayBase: inv})
    const contactsCheck = readiness.checks.find((c) => c.id === 'IRM5-PREP-CONTACTS')!
    expect(contactsCheck.status).toBe('fail')
    expect(contactsCheck.findings.map((f) => f.message)).toEqual(['contact owner-to-confirm: no verified date recorded'])

    const before = snapshot(inv)
    const second = await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
    expect(second.nothing_to_add).toBe(true)
    expect(second.files).toEqual([])
    expect(snapshot(inv)).toEqual(before)
  })

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const inv = example((f, doc) => {
      if (f === 'access-points.yaml') doc.set('access_points', doc.createNode([]))
    })
    const before = snapshot(inv)
    const r = await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv, dryRun: true})
    expect(snapshot(inv)).toEqual(before)
    expect(r.dry_run).toBe(true)
    expect(r.patch).toMatch(/^={67}\n--- a\/access-points\.yaml\n\+\+\+ b\/access-points\.yaml\n@@ -1,\d+ \+1,\d+ @@\n/)
    expect(r.patch).toContain('\n-access_points: []\n+access_points:\n')
    expect(r.patch).toContain('\n+  - id: owner-to-confirm\n')
    // the same patch as the real run writes
    const real = await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
    expect(real.patch).toBe(r.patch)
  })
})

/** What each live config opens to untrusted zones, read from the configs (line → expected entry fields). */
const EXPECTED: Record<string, Record<number, Record<string, unknown>>> = {
  'gw-lyon': {
    // FORWARD rules with no -i and no -s: any source; the comment is the justification
    25: {from: ['any'], to: ['172.16.20.10/32'], services: ['tcp/443'], justification: 'ap-lyon-dmz-web: tracking portal', kind: 'firewall-opening'},
    29: {from: ['any'], to: ['172.16.20.40/32'], services: ['tcp/3389'], justification: 'TEMP vendor jump host', kind: 'firewall-opening'},
  },
  'fw-edge-1': {
    // outside maps (default route) to the internet and the partners. Static NAT of the DMZ hosts composed
    // with the outside_in rules that pass it (lines 91-94): one opening each, drafted at the NAT
    135: {kind: 'nat-forward', from: ['internet', 'partner-customs', 'partner-transco'], to: ['198.51.100.10/32'], services: ['tcp/80', 'tcp/443']},
    137: {kind: 'nat-forward', from: ['internet', 'partner-customs', 'partner-transco'], to: ['198.51.100.11/32'], services: ['tcp/25']},
    139: {kind: 'nat-forward', from: ['internet', 'partner-customs', 'partner-transco'], to: ['198.51.100.12/32'], services: ['tcp/53', 'udp/53']},
    // IPv6, no NAT: the partners have IPv4 ranges only
    95: {from: ['internet'], to: ['2001:db8:100::10/128'], services: ['tcp/443']},
    // guest_in: the guest Wi-Fi (trust internet) to anything but RFC 1918: the internet breakout
    108: {from: ['guest-wifi'], to: ['internet'], services: ['tcp/80', 'tcp/443'], kind: 'direct-internet'},
    109: {from: ['guest-wifi'], to: ['internet'], services: ['udp/53'], kind: 'direct-internet'},
    110: {from: ['guest-wifi'], to: ['internet'], services: ['udp/443'], kind: 'direct-internet'},
    // webvpn enable outside: AnyConnect on the outside address
    163: {from: ['internet', 'partner-customs', 'partner-transco'], to: ['198.51.100.2/32'], services: ['tcp/443', 'udp/443'], kind: 'vpn'},
  },
  'fgt-fra': {
    // config vpn ssl settings: port 10443 on wan2 (role wan: the internet and the partners)
    122: {from: ['internet', 'partner-customs', 'partner-transco'], to: ['198.51.100.131/32'], services: ['tcp/10443'], kind: 'vpn'},
  },
  'vpn-wg0': {
    // ListenPort = 51820 on every address
    5: {from: ['any'], to: ['any'], services: ['udp/51820'], kind: 'vpn'},
  },
  'aws-prod-account': {
    // api-public: 0.0.0.0/0 and ::/0 on tcp/443, its description the justification; the bastion group
    // admits only 198.51.100.66/32 (lyon-edge, ours): not untrusted
    35: {from: ['any'], to: ['10.100.1.21/32', '10.100.1.22/32'], services: ['tcp/443'], justification: 'tracking API over HTTPS (ap-aws-alb)'},
  },
}

/** The interface mappings adopt must find once a device's interfaces are removed. */
const INTERFACES: Record<string, string[]> = {
  // no addresses in iptables-save: the zones the rules bound to each interface admit sources of
  'gw-lyon': ['eth0→lyon-dmz', 'eth1→lyon-dc-servers', 'eth2→lyon-mgmt'],
  // connected subnets, and outside holds the default route (the internet, with the partners)
  'fw-edge-1': ['dmz→paris-dmz', 'guest→guest-wifi', 'inside→paris-users', 'mgmt→paris-mgmt', 'outside→internet', 'outside→partner-customs', 'outside→partner-transco'],
}

describe('adoption of each example device', () => {
  for (const device of ['fw-edge-1', 'pa-dc', 'gw-lyon', 'fgt-fra', 'vpn-wg0', 'aws-prod-account']) {
    it(`${device}: its interfaces and access points removed, adopt drafts them and the diff is clean`, async () => {
      const inv = example((f, doc) => {
        const aps = doc.get('access_points', true)
        if (isSeq(aps)) aps.items = aps.items.filter((i) => !(isMap(i) && i.get('device') === device))
        const devices = doc.get('devices', true)
        if (isSeq(devices)) for (const d of devices.items) if (isMap(d) && d.get('id') === device) d.delete('interfaces')
      })
      const r = await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
      const {errors, left} = await check(inv)
      expect(errors).toEqual([])
      expect(left.map((f) => f.message)).toEqual([])
      const mine = [...drafted(inv).values()].filter((a) => a.entry.device === device)
      expect(mine.length).toBeGreaterThan(0)
      for (const a of mine) expect(a.entry).toMatchObject({owner: 'owner-to-confirm', review_by: REVIEW_BY})
      const expected = EXPECTED[device]
      if (expected) {
        const byLine = Object.fromEntries(mine.map((a) => [Number(a.at.split(':').pop()), a.entry]))
        expect(Object.keys(byLine).map(Number).sort((a, b) => a - b)).toEqual(Object.keys(expected).map(Number))
        for (const [line, fields] of Object.entries(expected)) expect(byLine[Number(line)], `line ${line}`).toMatchObject(fields)
      }
      if (INTERFACES[device]) expect(r.added.interfaces.map((i) => i.replace(`${device}:`, '')).sort()).toEqual(INTERFACES[device])
      expect((await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})).nothing_to_add).toBe(true)
    })
  }

  it('pa-dc: a rule open only to a partner zone is a partner link from that zone', async () => {
    const inv = example((f, doc) => {
      const aps = doc.get('access_points', true)
      if (isSeq(aps)) aps.items = aps.items.filter((i) => !(isMap(i) && i.get('device') === 'pa-dc'))
    })
    await runAdopt({inventoryDir: inv, asOf: AS_OF, displayBase: inv})
    const as2 = [...drafted(inv).values()].filter((a) => a.entry.device === 'pa-dc' && (a.entry.to as string[]).includes('198.51.100.71/32'))
    // the destination NAT dnat-as2 composed with the security rule customs-as2 (source Customs-AS2,
    // 203.0.113.64/27): one opening, drafted at the NAT
    expect(as2.map((a) => a.at)).toEqual(['live/pa-dc.xml:1011'])
    expect(as2[0].entry).toMatchObject({kind: 'partner-link', from: ['partner-customs'], to: ['198.51.100.71/32'], services: ['tcp/443']})
    expect(readFileSync(join(inv, 'access-points.yaml'), 'utf8')).toMatch(/drafted from live\/pa-dc\.xml:1011 .*; passed by vsys1 security rule "customs-as2" at line 538\n/)
  })
})
