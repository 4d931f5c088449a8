/** `irm-audit isolate` on the bundled example (inventory/README.md): who borders each zone, what is kept, what is cut. */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadInventory} from '../../src/inventory/load.js'
import {isolateZone} from '../../src/isolate/run.js'
import {zoneBorder} from '../../src/isolate/border.js'
import {ciscoAsa} from '../../src/sources/cisco-asa.js'
import {fortios} from '../../src/sources/fortios.js'
import {iptables} from '../../src/sources/iptables.js'
import {cli} from '../helpers/cli.js'
import {ROOT} from '../helpers/sources.js'
import {describeLeak, lastUnparsed, leaks, reparse} from './proof.js'

const dir = join(ROOT, 'inventory')
const loaded = await loadInventory(dir, {displayBase: ROOT})
const plan = (zone: string) => isolateZone({inventory: loaded.inventory, dir: loaded.dir, zone})

describe('the zone border, from the device model', () => {
  it('lyon-dc-servers: pa-dc by its dc zone (alone), gw-lyon by eth1, fgt-fra by the shared to-lyon tunnel', () => {
    const b = zoneBorder(loaded.inventory, 'lyon-dc-servers')
    expect(b.map((d) => [d.device.id, d.faces])).toEqual([
      ['fgt-fra', []],
      ['gw-lyon', [{interface: 'eth1'}]],
      // the pci and hr zones are nested in lyon-dc-servers: their vendor zones face it too
      ['pa-dc', [{vendorZone: 'dc'}, {vendorZone: 'pci'}, {vendorZone: 'hr'}]],
    ])
    expect(b[0].links).toEqual([{interface: 'to-lyon', zone: 'lyon-dc-servers', exclusive: false}])
  })
})

describe('isolate on the example', () => {
  it('every zone: each bordering device gets rules or a reason', () => {
    for (const z of loaded.inventory.zones) {
      const r = plan(z.id)
      for (const d of r.devices) {
        if (d.status === 'rules') expect(d.rules!.apply.length, `${z.id} ${d.device}`).toBeGreaterThan(0)
        else expect(d.reason, `${z.id} ${d.device}`).toBeTruthy()
      }
      expect(r.isolatable).toBe(r.devices.length > 0 && r.devices.every((d) => d.status === 'rules'))
    }
  })

  it('lyon-dmz: iptables on gw-lyon, PAN-OS on pa-dc, and lb-lyon left to the documented method (audited by hand)', () => {
    const r = plan('lyon-dmz')
    expect(r.devices.map((d) => [d.device, d.status, d.syntax?.split(' ')[0]])).toEqual([
      ['gw-lyon', 'rules', 'iptables/ip6tables'],
      ['lb-lyon', 'unsupported', undefined],
      ['pa-dc', 'rules', 'PAN-OS'],
    ])
    expect(r.devices[1].reason).toMatch(/^audited by hand \(audit: manual\): F5 BIG-IP/)
    expect(r.isolatable).toBe(false)
    expect(r.devices[0].rules!.apply[0]).toBe('iptables -I INPUT 1 -i eth0 -m comment --comment "irm-isolate-lyon-dmz" -j DROP')
  })

  it('lyon-pci: the bastion is kept (restricted to the enclave), the payment flows are cut with their owner and contacts', () => {
    const r = plan('lyon-pci')
    expect(r.kept.map((k) => [k.id, k.partly])).toEqual([['ap-lyon-bastion', true]])
    const rules = r.devices.find((d) => d.device === 'pa-dc')!.rules!.apply
    expect(rules).toContain(
      'set rulebase security rules irm-isolate-lyon-pci-1 from any to any source 10.99.20.0/24 destination 10.20.50.0/24 application any service irm-isolate-lyon-pci-tcp-22 action allow description "irm-audit isolate lyon-pci: keep ap-lyon-bastion"',
    )
    // flows first, most critical first
    expect(r.cut.map((c) => c.id)).toEqual(['flow-payment', 'flow-pci-acquirer', 'flow-backup-aws', 'flow-rds-replication', 'ap-aws-rds-onprem', 'ap-lyon-pci-payment'])
    const payment = r.cut[0]
    expect(payment).toMatchObject({kind: 'flow', criticality: 'critical', owner: 'biz-finance', partly: false})
    expect(payment.contact?.channels.length).toBeGreaterThan(0)
  })

  it('aws-prod: the quarantine security group keeps the bastion SSH; pa-dc cuts the aws zone', () => {
    const r = plan('aws-prod')
    expect(r.isolatable).toBe(true)
    const aws = r.devices.find((d) => d.device === 'aws-prod-account')!.rules!.apply
    expect(aws.filter((l) => l.includes('modify-instance-attribute')).map((l) => l.split(' ')[4])).toEqual(['i-0api1', 'i-0api2', 'i-0bastion', 'i-0replica'])
    expect(aws.some((l) => l.includes('authorize-security-group-ingress') && l.includes('198.51.100.66/32'))).toBe(true)
  })

  it('internet (catch-all): pa-dc carries it only on shared zones, so it cannot be cut there', () => {
    const r = plan('internet')
    expect(r.devices.find((d) => d.device === 'pa-dc')).toMatchObject({status: 'unsupported', reason: 'the zone has no addresses (catch-all) and no vendor zone of the device carries it alone'})
    expect(r.devices.find((d) => d.device === 'fw-edge-1')!.status).toBe('rules')
  })

  it('an unknown zone is a usage error', () => {
    expect(() => plan('nowhere')).toThrow(/no zone 'nowhere' in the inventory/)
  })
})

describe('irm-audit isolate (CLI)', () => {
  // in-process (tests/helpers/cli.ts), but for one end-to-end run of the built binary
  const run = (args: string[]) => cli(['isolate', ...args])
  it('text, markdown and JSON; --json equals --format json; exit 0; a proposal only', async () => {
    const json = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'isolate', 'lyon-dmz', '--format', 'json'], {cwd: ROOT, encoding: 'utf8'})
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse((await run(['lyon-dmz', '--json'])).stdout))
    expect(JSON.parse(json.stdout).proposal).toBe(true)
    expect((await run(['lyon-dmz', '--no-color'])).stdout).toContain('PROPOSAL ONLY: irm-audit never applies these rules.')
    const md = (await run(['lyon-pci', '--format', 'markdown'])).stdout
    expect(md).toContain('### Cut by the isolation: tell these owners first')
    expect(md).toContain('```text\nset service irm-isolate-lyon-pci-tcp-22 protocol tcp port 22')
  })
  it('exit 2 on an inventory that does not validate, with file:line', async () => {
    const inv = mkdtempSync(join(tmpdir(), 'irm-isolate-'))
    try {
      cpSync(dir, inv, {recursive: true})
      const file = join(inv, 'devices.yaml')
      writeFileSync(file, readFileSync(file, 'utf8').replace('{name: eth1, zone: lyon-dc-servers}', '{name: eth1, zone: lyon-nowhere}'))
      const r = await run(['lyon-dmz', '--inventory', inv])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/the inventory does not validate \(1 error\)/)
      expect(r.stderr).toMatch(/devices\.yaml:\d+:\d+: .*lyon-nowhere/)
    } finally {
      rmSync(inv, {recursive: true, force: true})
    }
  })
  it('exit 2 with the zones listed for an unknown zone', async () => {
    const r = await run(['nowhere'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/no zone 'nowhere'/)
    expect(r.stderr).toMatch(/Zones: internet, guest-wifi/)
  })
})

describe('the JSON document', () => {
  it('validates against schemas/report.schema.json (isolateReport) for every zone of the example', async () => {
    const {Ajv2020} = await import('ajv/dist/2020.js')
    const ajv = new Ajv2020({strict: false, allErrors: true})
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8'))
    const validate = ajv.compile({...schema, anyOf: undefined, $ref: '#/$defs/isolateReport'})
    for (const z of loaded.inventory.zones) expect(validate(JSON.parse(JSON.stringify(plan(z.id)))), `${z.id} ${JSON.stringify(validate.errors)}`).toBe(true)
  })
})

describe("the example's own configs, isolated and read again by their parsers (#21 proof)", () => {
  // zone, device, parser, config: nothing of these zones is kept, so nothing may cross their border
  const cases = [
    ['paris-dmz', 'fw-edge-1', ciscoAsa, 'live/fw-edge-1.asa.cfg'],
    ['guest-wifi', 'fw-edge-1', ciscoAsa, 'live/fw-edge-1.asa.cfg'],
    ['fra-warehouse-wifi', 'fgt-fra', fortios, 'live/fgt-fra.conf'],
    ['fra-branch', 'fgt-fra', fortios, 'live/fgt-fra.conf'],
    ['lyon-dmz', 'gw-lyon', iptables, 'live/gw-lyon.iptables'],
  ] as const
  for (const [zone, device, parser, file] of cases) {
    it(`${zone} on ${device}: crossings before, none after, every generated line understood`, async () => {
      const r = plan(zone)
      expect(r.kept).toEqual([])
      const faces = zoneBorder(loaded.inventory, zone).find((b) => b.device.id === device)!.faces
      const text = readFileSync(join(dir, file), 'utf8')
      const before = await reparse(parser, text, [], file)
      expect(leaks(before, r.zone.addresses, faces, [], {outboundFilters: true}).length).toBeGreaterThan(0)
      const after = await reparse(parser, text, r.devices.find((d) => d.device === device)!.rules!.apply, file)
      expect(lastUnparsed).toEqual([])
      expect(leaks(after, r.zone.addresses, faces, [], {outboundFilters: true}).map(describeLeak)).toEqual([])
    })
  }
})
