/**
 * `traffic --policy` and `access-logs --policy`: the packs go through the one loader (src/policy/pack.ts)
 * into the one trust model the diff uses, so a pack that distrusts one more zone changes the verdict, and
 * a bad pack is exit 2 at its file:line, in-process (tests/helpers/cli.ts).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {TrafficReport} from '../../src/logs/flows/analyze.js'
import {cli} from '../helpers/cli.js'

const INVENTORY = ['--inventory', 'tests/fixtures/logs/inventory']
const work = mkdtempSync(join(tmpdir(), 'irm-logs-policy-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

function pack(name: string, text: string): string {
  const file = join(work, name)
  writeFileSync(file, text)
  return file
}

// the default pack trusts internal, restricted, management, dmz and cloud; this one no longer trusts internal (the LAN)
const LAN_UNTRUSTED = pack('lan-untrusted.yaml', 'diff:\n  trusted_trust: [restricted, management, dmz, cloud]\n')
// a typo in the diff section: refused where written (line 3, column 3)
const TYPO = pack('typo.yaml', 'diff:\n  trusted_trust: [internal]\n  sensitve_ports: [22]\n')

const traffic = async (...more: string[]) => {
  const r = await cli(['traffic', 'tests/fixtures/logs/flows/conn.log', ...INVENTORY, '--format', 'json', '--fail-on', 'none', ...more])
  expect(r.status, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as TrafficReport).findings.map((f) => `${f.severity} ${f.id}`)
}

describe('the log commands take --policy', () => {
  it('traffic: a pack that distrusts the LAN turns its undeclared session to the DMZ into traffic no access point covers', async () => {
    const byDefault = await traffic()
    expect(byDefault).toContain('medium traffic-undeclared-zone-pair:lan>dmz')
    expect(byDefault.some((f) => f.includes('192.0.2.30'))).toBe(false)
    const distrusting = await traffic('--policy', LAN_UNTRUSTED)
    expect(distrusting).toContain('high traffic-without-access-point:192.0.2.30:tcp/8080')
    expect(distrusting).not.toContain('medium traffic-undeclared-zone-pair:lan>dmz')
  })

  it.each([
    ['traffic', 'tests/fixtures/logs/flows/conn.log'],
    ['access-logs', 'tests/fixtures/logs/access/openvpn.log'],
  ])('%s: a bad pack is exit 2 at its file:line, with no report', async (command, log) => {
    const r = await cli([command, log, ...INVENTORY, '--format', 'json', '--policy', TYPO])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`${TYPO}:3:3 (/diff/sensitve_ports): unknown key 'sensitve_ports' in /diff`)
  })

  it('access-logs: a good pack is read and the report is unchanged (no access-logs rule depends on trust)', async () => {
    const run = async (...more: string[]) => {
      const r = await cli(['access-logs', 'tests/fixtures/logs/access/openvpn.log', ...INVENTORY, '--format', 'json', '--baseline-days', '7', '--fail-on', 'none', ...more])
      expect(r.status, r.stderr).toBe(0)
      return r.stdout
    }
    expect(await run('--policy', LAN_UNTRUSTED)).toBe(await run())
  })
})
