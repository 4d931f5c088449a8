import {afterAll, describe, expect, it} from 'vitest'

import {loadInventory} from '../../src/inventory/load.js'
import {validateInventory} from '../../src/inventory/validate.js'
import {ROOT} from '../helpers/sources.js'
import {AS_OF, BASE, cleanTemp, issuesOf, positionOf, where} from './helpers.js'

afterAll(cleanTemp)

/** BASE plus one access-points file. */
function withAccessPoints(yaml: string): Record<string, string> {
  return {...BASE, 'access-points.yaml': `access_points:\n${yaml}`}
}

const ap = (fields: string) => `  - id: ap1
    kind: firewall-opening
    device: fw1
    from: [any]
    owner: net
${fields}`

describe('validateInventory', () => {
  it('the bundled example is clean', async () => {
    const loaded = await loadInventory(`${ROOT}/inventory`, {displayBase: ROOT})
    expect(validateInventory(loaded, {asOf: AS_OF})).toEqual([])
    expect(loaded.inventory.access_points.length).toBeGreaterThanOrEqual(25)
    expect(loaded.inventory.zones.length).toBeGreaterThanOrEqual(10)
    expect(loaded.inventory.flows.filter((f) => f.baseline).length).toBeGreaterThanOrEqual(10)
  })

  it('the BASE inventory of these tests is clean', async () => {
    expect(await issuesOf(BASE)).toEqual([])
  })

  describe('schema', () => {
    it('maps ajv errors to the YAML node, with readable messages', async () => {
      const yaml = ap(`    to: dmz
    services: [tcp/443, http]
    srevices: []
    kind2: x
    approved: {by: CISO, date: 2026-02-30}
    ticket: 12345
`)
      const files = withAccessPoints(yaml)
      const issues = await issuesOf(files)
      const text = files['access-points.yaml']
      const at = (needle: string) => `access-points.yaml:${positionOf(text, needle).line}:${positionOf(text, needle).column} schema`
      expect(where(issues)).toEqual([
        at('dmz\n'),
        at('http'),
        at('srevices'),
        at('kind2'),
        at('2026-02-30'),
        at('12345'),
      ])
      expect(issues.map((i) => i.message)).toEqual([
        'expected a list, got a string. Write it as a list: [dmz].',
        expect.stringMatching(/^"http" is not valid here; expected protocol and destination ports: `tcp\/443`/),
        "unknown field 'srevices'; did you mean 'services'?",
        expect.stringMatching(/^unknown field 'kind2'; did you mean 'kind'\?/),
        '"2026-02-30" is not a valid date; write YYYY-MM-DD (e.g. 2026-03-31).',
        "expected text, got a number. Quote it: '12345'.",
      ])
      expect(issues[0].path).toBe('/access_points/0/to')
    })

    it('a missing required field points at the entry and says what it is for', async () => {
      const issues = await issuesOf({...BASE, 'z.yaml': 'zones:\n  - id: x\n    trust: dmz\n'})
      expect(where(issues)).toEqual(['z.yaml:2:5 schema'])
      expect(issues[0].message).toBe("missing required field 'name' (Human name of the zone); add it.")
    })

    it('enums list the allowed values', async () => {
      const issues = await issuesOf({...BASE, 'z.yaml': 'zones:\n  - id: x\n    name: X\n    trust: trusted\n'})
      expect(issues[0]).toMatchObject({rule: 'schema', line: 4, column: 12, path: '/zones/0/trust'})
      expect(issues[0].message).toMatch(/use one of: internet, partner, dmz, internal, restricted, management, cloud/)
    })

    it('a malformed id says which characters ids may use', async () => {
      const issues = await issuesOf({...BASE, 'z.yaml': 'zones:\n  - {id: "my zone", name: X, trust: dmz, owner: net}\n'})
      expect(issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
        '2:10 "my zone" is not valid here; expected an id: letters, digits and . _ : - (starting with a letter or digit)',
      ])
    })

    it('a value the schema rejects is not reported again by a semantic rule', async () => {
      const issues = await issuesOf({...BASE, 'z.yaml': 'zones:\n  - id: x\n    name: X\n    trust: dmz\n    cidrs: [10.1.0/16]\n'})
      expect(where(issues)).toEqual(['z.yaml:5:13 schema'])
    })
  })

  describe('duplicate-id', () => {
    it('names both places, across files and collections', async () => {
      const issues = await issuesOf({...BASE, 'more.yaml': 'zones:\n  - {id: dc, name: Again, trust: dmz}\nsensors:\n  - {id: fw1, type: ids, covers: [dc]}\n'})
      // files load in sorted order, so more.yaml's zone comes first and zones.yaml's is the duplicate
      expect(where(issues)).toEqual(['more.yaml:4:10 duplicate-id', 'zones.yaml:5:9 duplicate-id'])
      expect(issues[0].message).toBe("duplicate id 'fw1': already defined at devices.yaml:2:9 (in devices); rename one of them.")
      expect(issues[1].message).toBe("duplicate id 'dc': already defined at more.yaml:2:10; rename one of them.")
    })

    it('organization defined twice', async () => {
      const issues = await issuesOf({...BASE, 'a.yaml': 'organization: {name: A}\n', 'b.yaml': 'organization: {name: B}\n'})
      expect(where(issues)).toEqual(['b.yaml:1:1 duplicate-id'])
      expect(issues[0].message).toMatch(/already defined at a\.yaml:1:1/)
    })
  })

  describe('unknown-reference', () => {
    it('device, zone, sensor and owner references, with a suggestion', async () => {
      const files = withAccessPoints(`  - id: ap1
    kind: vpn
    device: fw2
    from: [internett]
    to: [dmz]
    services: [udp/500]
    owner: nett
    monitored_by: [ids-1]
`)
      const issues = await issuesOf(files)
      expect(where(issues)).toEqual([
        'access-points.yaml:4:13 unknown-reference',
        'access-points.yaml:5:12 unknown-reference',
        'access-points.yaml:8:12 unknown-reference',
        'access-points.yaml:9:20 unknown-reference',
      ])
      expect(issues.map((i) => i.message)).toEqual([
        "unknown device 'fw2'; did you mean 'fw1'?",
        "unknown zone 'internett'; did you mean 'internet'?",
        "unknown owner (contact) 'nett'; did you mean 'net'?",
        "unknown sensor 'ids-1'; define it in `sensors` or fix the id.",
      ])
    })

    it('devices[].interfaces zone ids, and the interface/vendor_zone shape', async () => {
      const issues = await issuesOf({
        ...BASE,
        'x.yaml': `devices:
  - id: fw9
    role: firewall
    interfaces:
      - {name: outside, zone: internett}
      - {vendor_zone: trust, zone: dmz}
      - {zone: dmz}
`,
      })
      expect(issues.filter((i) => i.rule === 'unknown-reference').map((i) => [i.file, i.line, i.message])).toEqual([['x.yaml', 5, "unknown zone 'internett'; did you mean 'internet'?"]])
      // neither name nor vendor_zone: the schema refuses the entry
      expect(issues.some((i) => i.rule !== 'unknown-reference' && i.line === 7)).toBe(true)
    })

    it("zones' parent and owner, devices' zones, flows' zones and via, sensors, log sources, contacts, procedures, reviews, trainings", async () => {
      const issues = await issuesOf({
        ...BASE,
        'x.yaml': `zones:
  - {id: z1, name: Z1, trust: dmz, parent: nowhere, owner: nobody}
devices:
  - {id: fw9, role: firewall, zones: [dc, nozone]}
flows:
  - {id: f1, name: F, from: [dc], to: [nozone2], services: [tcp/1], criticality: low, via: [fw7]}
sensors:
  - {id: s1, type: ids, covers: [dc, fw1, ghost]}
log_sources:
  - {id: l1, type: firewall, source: ghost2, retention: {online_days: 1}}
contacts:
  - {id: c1, team: T, role: cert, channels: [{type: email, value: a@b}], escalation: [ghost3]}
procedures:
  - {id: p1, type: isolation, document: d, owner: net, participants: [ghost4]}
reviews:
  - {id: r1, type: access-points, date: 2026-01-01, by: ghost5}
trainings:
  - {team: ghost6, tool: s1, date: 2026-01-01}
`,
      })
      expect(issues.every((i) => i.rule === 'unknown-reference')).toBe(true)
      expect(issues.map((i) => i.path)).toEqual([
        '/zones/0/parent',
        '/zones/0/owner',
        '/devices/0/zones/1',
        '/flows/0/to/0',
        '/flows/0/via/0',
        '/sensors/0/covers/2',
        '/log_sources/0/source',
        '/contacts/0/escalation/0',
        '/procedures/0/participants/0',
        '/reviews/0/by',
        '/trainings/0/team',
      ])
    })
  })

  describe('CIDRs', () => {
    it('non-canonical-cidr says what was meant', async () => {
      const files = {...BASE, 'z.yaml': 'zones:\n  - {id: x, name: X, trust: dmz, cidrs: [192.0.2.1/24, 2001:db8:1::1/48]}\n'}
      const issues = await issuesOf(files)
      expect(where(issues)).toEqual(['z.yaml:2:42 non-canonical-cidr', 'z.yaml:2:56 non-canonical-cidr'])
      expect(issues.map((i) => i.message)).toEqual(['192.0.2.1/24: host bits set; did you mean 192.0.2.0/24?', '2001:db8:1::1/48: host bits set; did you mean 2001:db8:1::/48?'])
    })

    it('invalid-cidr for an address that is not one (the pattern only checks the shape)', async () => {
      const issues = await issuesOf(withAccessPoints(ap('    to: [10.20.0.300/32, 10.20.0.0/33]\n    services: [tcp/22]\n')))
      expect(where(issues)).toEqual(['access-points.yaml:7:10 invalid-cidr', 'access-points.yaml:7:26 invalid-cidr'])
      expect(issues[0].message).toMatch(/'10\.20\.0\.300\/32' is not a valid IPv4\/IPv6 address or CIDR/)
    })

    it('a zone id that looks like an address is still a zone id', async () => {
      const files = withAccessPoints(ap('    to: [ca:fe]\n    services: [tcp/443]\n'))
      files['z2.yaml'] = 'zones:\n  - {id: "ca:fe", name: Cafe, trust: dmz, cidrs: [192.0.2.0/24]}\n'
      expect(await issuesOf(files)).toEqual([])
    })

    it('management addresses may be interface addresses (host bits allowed)', async () => {
      expect(await issuesOf({...BASE, 'd.yaml': 'devices:\n  - {id: r1, role: router, management_addresses: [10.20.0.1/24]}\n'})).toEqual([])
    })
  })

  describe('zone-overlap', () => {
    it('overlapping zones not declared nested are reported once, at the later one', async () => {
      const files = {...BASE, 'z.yaml': 'zones:\n  - {id: lab, name: Lab, trust: internal, cidrs: [10.20.128.0/17]}\n  - {id: lab6, name: Lab6, trust: internal, cidrs: [2001:db8:20:1::/64]}\n'}
      const issues = await issuesOf(files)
      expect(where(issues)).toEqual(['z.yaml:2:51 zone-overlap', 'z.yaml:3:53 zone-overlap'])
      expect(issues[0].message).toBe(
        "zone 'lab' (10.20.128.0/17) overlaps zone 'dc' (10.20.0.0/16, zones.yaml:8:13); declare `parent: dc` if 'lab' is nested in it, or fix the CIDR.",
      )
    })

    it('declared nesting (even two levels deep) is fine; siblings that overlap are not', async () => {
      const issues = await issuesOf({
        ...BASE,
        'z.yaml': `zones:
  - {id: pci-web, name: W, trust: restricted, parent: pci, cidrs: [10.20.50.0/25]}
  - {id: pci-db, name: D, trust: restricted, parent: pci, cidrs: [10.20.50.64/26]}
`,
      })
      expect(where(issues)).toEqual(['z.yaml:3:67 zone-overlap'])
    })

    it('a catch-all zone (no cidrs, or 0.0.0.0/0) overlaps nothing', async () => {
      expect(await issuesOf({...BASE, 'z.yaml': 'zones:\n  - {id: world, name: W, trust: internet, cidrs: [0.0.0.0/0, "::/0"]}\n'})).toEqual([])
    })
  })

  describe('zone-parent', () => {
    it('a nested zone outside its parent', async () => {
      const issues = await issuesOf({...BASE, 'z.yaml': 'zones:\n  - {id: hr, name: HR, trust: restricted, parent: dc, cidrs: [10.20.60.0/24, 10.30.60.0/24]}\n'})
      expect(where(issues)).toEqual(['z.yaml:2:78 zone-parent'])
      expect(issues[0].message).toBe("10.30.60.0/24 is not inside parent zone 'dc' (10.20.0.0/16, 2001:db8:20::/48); fix the CIDR or the parent.")
    })

    it('a parent cycle, reported once', async () => {
      const issues = await issuesOf({
        ...BASE,
        'z.yaml': `zones:
  - {id: a, name: A, trust: internal, parent: c, cidrs: [10.1.0.0/16]}
  - {id: b, name: B, trust: internal, parent: a, cidrs: [10.1.1.0/24]}
  - {id: c, name: C, trust: internal, parent: b, cidrs: [10.1.2.0/24]}
`,
      })
      expect(where(issues)).toEqual(['z.yaml:2:47 zone-parent'])
      expect(issues[0].message).toBe('zones nest in a cycle (a → c → b → a); remove `parent` from one of them.')
    })

    it('an aggregate parent without cidrs of its own holds anything', async () => {
      expect(await issuesOf({...BASE, 'z.yaml': 'zones:\n  - {id: sites, name: S, trust: internal}\n  - {id: s1, name: S1, trust: internal, parent: sites, cidrs: [10.5.0.0/16]}\n'})).toEqual([])
    })
  })

  describe('config-outside-inventory', () => {
    it.each(['/etc/fw.cfg', '../other/fw.cfg', 'live/../../fw.cfg', 'C:\\configs\\fw.cfg', '~/fw.cfg'])('%s', async (path) => {
      const issues = await issuesOf({...BASE, 'd.yaml': `devices:\n  - id: fw2\n    role: firewall\n    config: '${path}'\n`})
      expect(where(issues)).toEqual(['d.yaml:4:13 config-outside-inventory'])
    })

    it('a relative path inside the folder is fine', async () => {
      expect(await issuesOf({...BASE, 'd.yaml': 'devices:\n  - {id: fw2, role: firewall, config: live/sub/fw2.cfg}\n'})).toEqual([])
    })
  })

  describe('temporary-without-review', () => {
    it('a temporary access point needs review_by', async () => {
      const issues = await issuesOf(withAccessPoints(ap('    to: [dmz]\n    services: [tcp/443]\n    temporary: true\n')))
      expect(where(issues)).toEqual(['access-points.yaml:9:16 temporary-without-review'])
    })

    it('with review_by it is fine', async () => {
      expect(await issuesOf(withAccessPoints(ap('    to: [dmz]\n    services: [tcp/443]\n    temporary: true\n    review_by: 2026-12-31\n')))).toEqual([])
    })
  })

  it('sensors may cover access points', async () => {
    const files = withAccessPoints(ap('    to: [dmz]\n    services: [tcp/443]\n'))
    files['s.yaml'] = 'sensors:\n  - {id: s1, type: ids, covers: [ap1, fw1, dc]}\n'
    expect(await issuesOf(files)).toEqual([])
  })

  describe('invalid-port', () => {
    it('ports above 65535, port 0 and reversed ranges', async () => {
      const issues = await issuesOf(withAccessPoints(ap('    to: [dmz]\n    services: [tcp/70000, udp/0, tcp/9000-8000, tcp/65535]\n')))
      expect(where(issues)).toEqual(['access-points.yaml:8:16 invalid-port', 'access-points.yaml:8:27 invalid-port', 'access-points.yaml:8:34 invalid-port'])
      expect(issues[0].message).toBe('tcp/70000: port 70000 is out of range; ports are 1-65535 and a range reads low-high (e.g. tcp/8000-8080).')
    })
  })

  describe('date-in-future', () => {
    it('dates of past events after asOf; review_by may be in the future', async () => {
      const issues = await issuesOf({
        ...withAccessPoints(ap('    to: [dmz]\n    services: [tcp/443]\n    approved: {by: CISO, date: 2026-11-26}\n    review_by: 2030-01-01\n')),
        'c.yaml': 'contacts:\n  - {id: c2, team: T, role: cert, channels: [{type: email, value: a@b}], verified: 2027-01-01}\n',
      })
      expect(where(issues)).toEqual(['access-points.yaml:9:32 date-in-future', 'c.yaml:2:84 date-in-future'])
      expect(issues[0].message).toBe('approved.date 2026-11-26 is after 2026-11-25: it records a past event; fix the date (or pass --as-of).')
    })

    it('today itself is not in the future', async () => {
      expect(await issuesOf(withAccessPoints(ap('    to: [dmz]\n    services: [tcp/443]\n    approved: {by: CISO, date: 2026-11-25}\n')))).toEqual([])
    })
  })

  describe('access-point-outside-zones', () => {
    it('a destination CIDR in no zone; zones and any are fine; partly inside is said so', async () => {
      const issues = await issuesOf(withAccessPoints(ap('    to: [192.0.2.10/32, dmz, 10.20.1.0/24, 10.20.0.0/15]\n    services: [tcp/443]\n')))
      expect(where(issues)).toEqual(['access-points.yaml:7:10 access-point-outside-zones', 'access-points.yaml:7:44 access-point-outside-zones'])
      expect(issues[0].message).toBe("192.0.2.10/32 is in no zone; add it to a zone's cidrs or fix the address.")
      expect(issues[1].message).toMatch(/only partly inside the zones/)
    })
  })

  it('an inventory full of wrong types yields findings, never a throw', async () => {
    const issues = await issuesOf({
      'x.yaml': `zones: {id: a}
devices: [1, "two", null, [3]]
access_points:
  - {id: [1], from: 3, to: {a: b}, services: tcp/443, owner: 4, monitored_by: x}
flows: 7
sensors: [{covers: 3}]
contacts: [{escalation: {}}]
`,
    })
    expect(issues.length).toBeGreaterThan(5)
    expect(issues.every((i) => i.rule === 'schema')).toBe(true)
  })
})
