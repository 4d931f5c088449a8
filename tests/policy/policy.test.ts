/**
 * The one policy loader (src/policy/pack.ts) and the one trust model (src/policy/trust.ts): every pack
 * is checked by the schema where it is written, the `diff:` section included; the trust a pack declares
 * reaches the diff, the readiness checks and the log analyses alike; the enumerations the schemas and
 * the code share are the same lists.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Diff from '../../src/commands/diff.js'
import {SEVERITIES} from '../../src/core/severity.js'
import {TRUSTS} from '../../src/core/trust.js'
import {isIrmError} from '../../src/core/errors.js'
import {FINDING_KINDS} from '../../src/diff/kinds.js'
import {loadInventory} from '../../src/inventory/load.js'
import {ZoneLocator} from '../../src/logs/zones.js'
import {loadPolicy} from '../../src/policy/pack.js'
import {TrustModel} from '../../src/policy/trust.js'
import {ZoneView} from '../../src/readiness/zones.js'
import {allParsers} from '../../src/sources/registry.js'

const ROOT = join(import.meta.dirname, '../..')
const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8'))

let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-policy-'))
})
afterEach(() => {
  process.chdir(ROOT)
  rmSync(work, {recursive: true, force: true})
  process.exitCode = undefined
})

function pack(text: string): string {
  const file = join(work, 'pack.yaml')
  writeFileSync(file, text)
  return file
}

async function refusal(text: string) {
  try {
    await loadPolicy([pack(text)])
  } catch (e) {
    if (isIrmError(e)) return {code: e.code, message: e.message, line: e.line, column: e.column, path: e.path, hint: e.hint}
    throw e
  }
  throw new Error('the pack was accepted')
}

describe('policy loader: the diff section is schema-checked at file:line', () => {
  it('an unknown key (a typo) is refused at its own line, with the key it resembles', async () => {
    const r = await refusal('name: mine\ndiff:\n  trusted_trust: [internal]\n  sensitve_ports: [22]\n')
    expect(r).toMatchObject({code: 'POLICY_INVALID', message: "unknown key 'sensitve_ports' in /diff", line: 4, column: 3, path: '/diff/sensitve_ports'})
    expect(r.hint).toMatch(/^Did you mean 'sensitive_ports'\?/)
  })

  it('an unknown key under diff.severity, and a severity that does not exist, are refused where written', async () => {
    expect(await refusal('diff:\n  severity:\n    stale-acces-point: low\n')).toMatchObject({message: "unknown key 'stale-acces-point' in /diff/severity", line: 3, column: 5})
    const bad = await refusal('diff:\n  severity:\n    exposure:\n      internet: {all: huge}\n')
    expect(bad).toMatchObject({line: 4, path: '/diff/severity/exposure/internet/all'})
    expect(bad.message).toBe('policy /diff/severity/exposure/internet/all must be equal to one of the allowed values: critical, high, medium, low, info')
  })

  it('a trust level that does not exist and a port that is not one are refused', async () => {
    expect(await refusal('diff:\n  trusted_trust: [internal, inside]\n')).toMatchObject({line: 2, path: '/diff/trusted_trust/1'})
    expect(await refusal('diff:\n  sensitive_ports: [22, "ssh"]\n')).toMatchObject({line: 2, path: '/diff/sensitive_ports/1'})
  })

  it('a pack may rate one kind and keep every other default (the finding table)', async () => {
    const p = await loadPolicy([pack('diff:\n  severity:\n    interface-unmapped: high\n')])
    const defaults = Object.fromEntries(FINDING_KINDS.filter((k) => k.policyKey !== 'exposure').map((k) => [k.id, k.defaultSeverity]))
    expect(defaults).toMatchObject({'stale-access-point': 'low', 'interface-unmapped': 'medium', 'device-unaudited': 'medium'})
    expect(p.diff.severity.rated).toEqual({...defaults, 'interface-unmapped': 'high'})
    expect(p.diff.trustedTrust).toEqual(['internal', 'restricted', 'management', 'dmz', 'cloud'])
  })

  it('irm-audit diff --policy with the typo: exit 2, file:line on stderr, no report', async () => {
    cpSync(join(ROOT, 'inventory'), join(work, 'inventory'), {recursive: true})
    process.chdir(work)
    writeFileSync(join(work, 'typo.yaml'), 'diff:\n  sensitve_ports: [22]\n')
    process.exitCode = undefined
    const r = await captureOutput(() => Diff.run(['--inventory', 'inventory', '--as-of', '2026-11-25', '--policy', 'typo.yaml'], ROOT))
    expect(Number(process.exitCode)).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('typo.yaml:2:3')
    expect(r.stderr).toContain("unknown key 'sensitve_ports' in /diff")
  })
})

describe('one trust model for the diff, readiness and logs', () => {
  const zones = [
    {id: 'internet', trust: 'internet' as const},
    {id: 'acme', trust: 'partner' as const},
    {id: 'lan', trust: 'internal' as const},
  ]

  it('the policy names the trusted levels; a zone is untrusted by its level; an unknown id is neither', () => {
    const t = new TrustModel(['internal'], zones)
    expect(['internet', 'acme', 'lan', 'nowhere'].map((z) => [t.isUntrustedZone(z), t.isTrustedZone(z)])).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, false],
    ])
    const partnersTrusted = new TrustModel(['internal', 'partner'], zones)
    expect(partnersTrusted.isUntrustedZone('acme')).toBe(false)
  })

  it('a pack that trusts partners changes readiness (perimeter zones) and the log analyses alike', async () => {
    const loaded = await loadInventory(join(ROOT, 'inventory'))
    const inv = loaded.inventory
    const partner = inv.zones.find((z) => z.trust === 'partner')!.id
    const byDefault = TrustModel.of((await loadPolicy()).diff, inv)
    const trusting = TrustModel.of((await loadPolicy([pack('diff:\n  trusted_trust: [internal, restricted, management, dmz, cloud, partner]\n')])).diff, inv)

    expect(new ZoneView(inv, byDefault).isUntrustedZone(partner)).toBe(true)
    expect(new ZoneView(inv, trusting).isUntrustedZone(partner)).toBe(false)
    expect(new ZoneView(inv, byDefault).isUntrustedSource(partner)).toBe(true)
    expect(new ZoneView(inv, trusting).isUntrustedSource(partner)).toBe(false)

    expect(new ZoneLocator(inv, byDefault).isUntrusted(partner)).toBe(true)
    expect(new ZoneLocator(inv, trusting).isUntrusted(partner)).toBe(false)
    // an address in no zone stays untrusted for the logs whatever the pack trusts
    expect(new ZoneLocator(inv, trusting).isUntrusted('(no zone)')).toBe(true)
  })
})

describe('shared enumerations', () => {
  it("the inventory schema's config formats are the parser registry's", () => {
    const formats = schema('devices.schema.json').items.properties.format.enum as string[]
    expect([...formats].sort()).toEqual(allParsers().map((p) => p.type).sort())
  })

  it("the zones schema's trust levels are Trust's, and the policy's trusted_trust allows exactly those", () => {
    const levels = schema('zones.schema.json').items.properties.trust.enum as string[]
    expect(levels).toEqual([...TRUSTS])
    expect(schema('policy.schema.json').properties.diff.properties.trusted_trust.items.enum).toEqual([...TRUSTS])
  })

  it('every severity enum of the schemas is Severity', () => {
    expect(schema('policy.schema.json').$defs.severity.enum).toEqual([...SEVERITIES])
    expect(schema('report.schema.json').$defs.severity.enum).toEqual([...SEVERITIES])
  })
})
