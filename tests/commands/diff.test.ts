/**
 * `irm-audit diff` in-process (the command class, with oclif's config from the package root): exit
 * codes, --live, --baseline, suppressions, bad input. Each test works on a copy of the example.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Diff from '../../src/commands/diff.js'
import type {DiffReport} from '../../src/diff/run.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = ['--as-of', '2026-11-25']

let work: string
let inventory: string

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-diff-'))
  inventory = join(work, 'inventory')
  cpSync(join(ROOT, 'inventory'), inventory, {recursive: true})
  // report paths are relative to the working directory
  process.chdir(work)
  process.exitCode = undefined
})

afterEach(() => {
  process.chdir(ROOT)
  rmSync(work, {recursive: true, force: true})
  process.exitCode = undefined
})

async function diff(...argv: string[]): Promise<{report?: DiffReport; stdout: string; stderr: string; exitCode: number}> {
  const r = await captureOutput<DiffReport>(() => Diff.run(['--inventory', inventory, ...AS_OF, ...argv], ROOT))
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {report: r.result as DiffReport | undefined, stdout: r.stdout, stderr: r.stderr, exitCode}
}

/** Insert `line` into a copied live config after the line that matches `after`. */
function addRule(file: string, after: RegExp, line: string): number {
  const lines = readFileSync(file, 'utf8').split('\n')
  const i = lines.findIndex((l) => after.test(l))
  lines.splice(i + 1, 0, line)
  writeFileSync(file, lines.join('\n'))
  return i + 2
}

describe('irm-audit diff', () => {
  it('prints the JSON report and exits 1 on the example (findings at or above high)', async () => {
    const {stdout, exitCode} = await diff('--format', 'json')
    const report = JSON.parse(stdout) as DiffReport
    expect(report.summary.total).toBe(7)
    expect(report.findings.map((f) => f.rule)).toEqual([
      'access-point-drift',
      'unwanted-access-point',
      'critical-flow-blocked',
      'device-unaudited',
      'access-point-expired',
      'stale-access-point',
      'device-unaudited',
    ])
    expect(exitCode).toBe(1)
  })

  it('--json prints the same document as --format json', async () => {
    const a = await diff('--format', 'json')
    const b = await diff('--json')
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout))
    // the reach section is built only for the JSON document, and both ways of asking get it
    expect((JSON.parse(b.stdout) as DiffReport).reach?.paths.length).toBeGreaterThan(0)
  })

  it('--fail-on none exits 0; --fail-on critical still exits 1', async () => {
    expect((await diff('--fail-on', 'none', '--format', 'json')).exitCode).toBe(0)
    expect((await diff('--fail-on', 'critical', '--format', 'json')).exitCode).toBe(1)
  })

  it('a tcp/3389-from-anywhere rule added to a live config is one new critical unwanted finding naming file and line', async () => {
    const base = join(work, 'base.json')
    await diff('--format', 'json', '--output', base)
    const asa = join(inventory, 'live/fw-edge-1.asa.cfg')
    const line = addRule(asa, /^access-list outside_in extended permit tcp any6/, 'access-list outside_in extended permit tcp any object WEB-REAL eq 3389')
    const {report, exitCode} = await diff('--baseline', base, '--format', 'json')
    const fresh = report!.findings.filter((f) => f.status === 'new')
    // #16: WEB-REAL is published by its object NAT: the opening is the NAT (its line), passed by the new ACE (in `also`)
    const nat = readFileSync(asa, 'utf8').split('\n').indexOf(' nat (dmz,outside) static WEB-PUBLIC') + 1
    expect(fresh.map((f) => [f.rule, f.device, f.file, f.line, f.also])).toEqual([['unwanted-access-point', 'fw-edge-1', 'inventory/live/fw-edge-1.asa.cfg', nat, [{file: 'inventory/live/fw-edge-1.asa.cfg', line}]]])
    expect(['high', 'critical']).toContain(fresh[0].severity)
    // destination as it arrives (the public address), source class and the ACL's name (not its line): docs/finding-ids.md
    expect(fresh[0].id).toBe('unwanted-access-point:fw-edge-1:tcp/3389:198.51.100.10/32:any:outside_in')
    expect(report!.summary).toMatchObject({new: 1, fixed: 0})
    expect(exitCode).toBe(1)
  })

  it('the same in a FortiOS config given with --live DEVICE=PATH:type', async () => {
    const conf = join(work, 'fgt-fra.conf')
    cpSync(join(inventory, 'live/fgt-fra.conf'), conf)
    const text = readFileSync(conf, 'utf8').replace(
      /(config firewall policy\n)/,
      '$1    edit 5\n        set name "rdp-in"\n        set srcintf "wan1"\n        set dstintf "internal"\n        set action accept\n        set srcaddr "all"\n        set dstaddr "branch-net"\n        set schedule "always"\n        set service "RDP"\n    next\n',
    )
    writeFileSync(conf, text)
    const {report} = await diff('--live', `fgt-fra=${conf}:fortios`, '--format', 'json')
    const unwanted = report!.findings.filter((f) => f.rule === 'unwanted-access-point' && f.device === 'fgt-fra')
    expect(unwanted.map((f) => [f.service, f.severity, f.line])).toEqual([['tcp/3389', 'critical', text.split('\n').findIndex((l) => l.includes('edit 5')) + 1]])
    expect(unwanted[0].file).toMatch(/fgt-fra\.conf$/)
  })

  // untrust is mapped to the internet and the partners (devices[].interfaces): the bastion entry (tcp/3389
  // from lyon-mgmt) approves nothing that enters there, so the rule is unwanted, the bastion its nearest entry
  it('the same in PAN-OS XML (unwanted from untrust; the bastion entry, tcp/3389 from lyon-mgmt only, is the nearest) and in a Pulumi stack export', async () => {
    const base = join(work, 'base.json')
    await diff('--format', 'json', '--output', base)
    const xml = join(inventory, 'live/pa-dc.xml')
    const rdp =
      '                <entry name="rdp-test"><from><member>untrust</member></from><to><member>dc</member></to>' +
      '<source><member>any</member></source><destination><member>ERP-web</member></destination><source-user><member>any</member></source-user>' +
      '<application><member>any</member></application><service><member>rdp-svc</member></service><action>allow</action></entry>'
    addRule(xml, /^\s*<\/address-group>\s*$/, '          <service>\n            <entry name="rdp-svc"><protocol><tcp><port>3389</port></tcp></protocol></entry>\n          </service>')
    const xmlLine = addRule(xml, /^\s*<rules>\s*$/, rdp)
    const stack = join(inventory, 'live/aws-prod.pulumi.json')
    const doc = JSON.parse(readFileSync(stack, 'utf8'))
    const sg = doc.deployment.resources.find((r: {id?: string}) => r.id === 'sg-0api')
    sg.outputs.ingress.push({...sg.outputs.ingress[0], fromPort: 3389, toPort: 3389, ipv6CidrBlocks: [], description: 'rdp test'})
    writeFileSync(stack, JSON.stringify(doc, null, 2))
    const {report} = await diff('--baseline', base, '--format', 'json')
    const fresh = report!.findings.filter((f) => f.status === 'new')
    expect(fresh.map((f) => [f.rule, f.device, f.service, f.file]).sort()).toEqual([
      ['unwanted-access-point', 'aws-prod-account', 'tcp/3389', 'inventory/live/aws-prod.pulumi.json'],
      ['unwanted-access-point', 'pa-dc', 'tcp/3389', 'inventory/live/pa-dc.xml'],
    ])
    expect(fresh.find((f) => f.device === 'pa-dc')!.access_point).toBeNull()
    expect(fresh.find((f) => f.device === 'pa-dc')!.access_points).toContain('ap-lyon-bastion')
    expect(fresh.find((f) => f.device === 'pa-dc')!.line).toBe(xmlLine)
    for (const f of fresh) expect(['high', 'critical']).toContain(f.severity)
  })

  it('baseline mode: a fixed finding is listed, unchanged ones do not fail the run', async () => {
    const base = join(work, 'base.json')
    await diff('--format', 'json', '--output', base)
    addRule(join(inventory, 'live/gw-lyon.iptables'), /TEMP vendor jump host/, '')
    const lines = readFileSync(join(inventory, 'live/gw-lyon.iptables'), 'utf8').split('\n').filter((l) => !l.includes('TEMP vendor jump host'))
    writeFileSync(join(inventory, 'live/gw-lyon.iptables'), lines.join('\n'))
    const {report, exitCode} = await diff('--baseline', base, '--format', 'json')
    expect(report!.fixed!.map((f) => f.id)).toEqual(['unwanted-access-point:gw-lyon:tcp/3389:172.16.20.40/32:any'])
    expect(report!.findings.every((f) => f.status === 'unchanged')).toBe(true)
    expect(exitCode).toBe(0)
  })

  it('a missing config is a device-unaudited finding, unparsed lines an unaudited-rules finding', async () => {
    rmSync(join(inventory, 'live/vpn-wg0.conf'))
    addRule(join(inventory, 'live/gw-lyon.iptables'), /^:LOG_DROP/, '-A FORWARD -m frobnicate --foo bar -j ACCEPT')
    const {report} = await diff('--format', 'json')
    const byRule = (rule: string) => report!.findings.filter((f) => f.rule === rule)
    // the inventory's config is missing: a finding (high: vpn-wg0 carries internet access points), not exit 2
    expect(byRule('device-unaudited').map((f) => [f.id, f.severity])).toEqual([
      ['device-unaudited:azure-corp-subscription', 'high'],
      ['device-unaudited:vpn-wg0', 'high'],
      ['device-unaudited:lb-lyon', 'info'],
    ])
    expect(byRule('unaudited-rules').map((f) => [f.id, f.severity, f.line])).toEqual([['unaudited-rules:gw-lyon:inventory/live/gw-lyon.iptables', 'medium', 16]])
  })

  it('suppressions: an entry hides its finding until it expires, then the expiry is a finding', async () => {
    writeFileSync(
      join(work, '.irm-audit-ignore.yaml'),
      [
        'suppressions:',
        '  - pattern: "stale-access-point:fw-edge-1:*"',
        '    reason: captive portal rule comes back with the new Wi-Fi (NET-4411)',
        '    expires: 2026-12-31',
        '  - id: unwanted-access-point:gw-lyon:tcp/3389:0.0.0.0/0',
        '    reason: vendor jump host accepted until the migration',
        '    expires: 2026-11-01',
      ].join('\n'),
    )
    const {report} = await diff('--format', 'json')
    const stale = report!.findings.find((f) => f.rule === 'stale-access-point')!
    expect(stale).toMatchObject({suppressed: true, suppression: {expires: '2026-12-31', line: 2}})
    expect(report!.findings.find((f) => f.rule === 'unwanted-access-point')!.suppressed).toBe(false)
    expect(report!.findings.filter((f) => f.rule === 'suppression-expired').map((f) => [f.id, f.line])).toEqual([
      ['suppression-expired:unwanted-access-point:gw-lyon:tcp/3389:0.0.0.0/0', 5],
    ])
    expect(report!.summary).toMatchObject({stale: 0, suppressed: 1, 'suppression-expired': 1})
  })

  it('an invalid suppression file is exit 2 naming file and line', async () => {
    writeFileSync(join(work, '.irm-audit-ignore.yaml'), 'suppressions:\n  - id: x\n    expires: 2027-01-01\n')
    const {stderr, exitCode} = await diff()
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/\.irm-audit-ignore\.yaml:2 .*required property 'reason'/)
  })

  it('an inventory that does not validate is exit 2 with the validation errors', async () => {
    const file = join(inventory, 'access-points.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('device: gw-lyon', 'device: gw-lyonn'))
    const {stderr, exitCode} = await diff()
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/does not validate/)
    expect(stderr).toMatch(/access-points\.yaml:\d+:\d+: .*gw-lyonn/)
  })

  it('--live for an unknown device, and a bad --as-of, are usage errors (exit 2)', async () => {
    expect((await diff('--live', 'nope=x.cfg')).exitCode).toBe(2)
    expect((await diff('--as-of', '2026-13-45')).exitCode).toBe(2)
  })

  it("another vendor's file as a --live config of a named type is exit 2 (as parse), never a crash", async () => {
    const wrong = await diff('--live', `fw-edge-1=${join(inventory, 'live/pa-dc.xml')}:cisco-asa`, '--format', 'json')
    expect(wrong.exitCode).toBe(2)
    expect(wrong.stderr).toMatch(/pa-dc\.xml/)
    expect(wrong.stderr).not.toMatch(/internal error/)
  })

  describe('#11: a --live file that cannot be used is exit 2 naming the file, as in parse', () => {
    it.each([
      ['missing', () => 'gw-lyon=missing.rules', /missing\.rules: cannot read the config: ENOENT/],
      ['a directory', () => `gw-lyon=${work}`, /not a regular file/],
      ['binary', () => (writeFileSync(join(work, 'junk.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), `gw-lyon=${join(work, 'junk.bin')}`), /binary file/],
      ['of an unknown type (a typo)', () => `gw-lyon=${join(inventory, 'live/gw-lyon.iptables')}:iptable`, /unknown config type 'iptable'[\s\S]*Did you mean 'iptables'/],
    ])('%s', async (_what, flag, message) => {
      for (const failOn of ['high', 'critical', 'none']) {
        const {stderr, stdout, exitCode} = await diff('--live', flag(), '--fail-on', failOn, '--format', 'json')
        expect(exitCode, failOn).toBe(2)
        expect(stdout).toBe('')
        expect(stderr).toMatch(message)
        // the reason is the last line
        expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^exit 2: /)
      }
    })

    it('a file named a:b that exists is a path, not a type', async () => {
      const odd = join(work, 'edge:v2')
      cpSync(join(inventory, 'live/gw-lyon.iptables'), odd)
      const {report, exitCode} = await diff('--live', `gw-lyon=${odd}`, '--format', 'json')
      expect(exitCode).toBe(1)
      expect(report!.devices.find((d) => d.id === 'gw-lyon')).toMatchObject({status: 'audited', type: 'iptables'})
    })
  })

  it('#11: every non-zero exit says why on its last line', async () => {
    const {stderr} = await diff('--format', 'json')
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('exit 1: 4 findings at or above high (--fail-on high)')
  })

  it('--live PATH:type without a device names the device whose config it is', async () => {
    const {report} = await diff('--live', `${join(inventory, 'live/gw-lyon.iptables')}:iptables`, '--format', 'json')
    expect(report!.devices.find((d) => d.id === 'gw-lyon')).toMatchObject({status: 'audited', type: 'iptables'})
  })

  it('never runs a program named by the inventory (pulumi-program): the device is unaudited', async () => {
    const file = join(inventory, 'devices.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('format: pulumi\n', 'format: pulumi-program\n'))
    const {report} = await diff('--format', 'json')
    expect(report!.findings.find((f) => f.rule === 'device-unaudited')!.message).toMatch(/runs code/)
  })

  it('never prints a planted secret, in any format', async () => {
    for (const format of ['text', 'json', 'markdown', 'sarif', 'junit']) {
      const {stdout} = await diff('--format', format, '--no-color')
      expect(stdout, format).not.toMatch(/S3cr3t|PLANTED/)
    }
  })
})
