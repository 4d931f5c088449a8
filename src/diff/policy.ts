/** The `diff:` section of a policy pack: trusted trust levels, sensitive ports, severities. */
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'

import {IrmError} from '../core/errors.js'
import {PortSet} from '../net/number-set.js'
import {SEVERITIES, type Severity} from '../core/severity.js'
import {TRUSTS, type Trust} from '../core/trust.js'
import {FINDING_KINDS, type RatedRule} from './kinds.js'
import type {DiffPolicy} from './model.js'

/** `policies/irm5-preparation.yaml` of this package (from src/ or dist/src/). */
export function defaultPolicyPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'policies', 'irm5-preparation.yaml')
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  throw new IrmError('POLICY_INVALID', 'the default policy pack policies/irm5-preparation.yaml is missing from the installation')
}

/**
 * The default pack's `diff:` section, with a user pack's section merged over it (mappings key by key,
 * lists replaced), so a pack may change one severity without repeating the rest.
 */
export function loadDiffPolicy(file?: string, display = file): DiffPolicy {
  const defaults = readDiffSection(defaultPolicyPath(), 'policies/irm5-preparation.yaml')
  if (!file) return diffPolicyFrom(defaults, 'policies/irm5-preparation.yaml')
  const shown = display ?? file
  return diffPolicyFrom(mergeDeep(defaults, readDiffSection(file, shown)), shown)
}

function readDiffSection(file: string, display: string): Record<string, unknown> {
  let doc: unknown
  try {
    doc = parse(readFileSync(file, 'utf8'), {maxAliasCount: 100, resolveKnownTags: false})
  } catch (e) {
    throw new IrmError('POLICY_INVALID', `cannot read the policy pack: ${(e as Error).message.split('\n')[0]}`, {file: display})
  }
  const section = (doc as {diff?: unknown} | null)?.diff
  return isObject(section) ? section : {}
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...base}
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? mergeDeep(out[k] as Record<string, unknown>, v) : v
  return out
}

export function diffPolicyFrom(section: unknown, display: string): DiffPolicy {
  const fail = (path: string, what: string): never => {
    throw new IrmError('POLICY_INVALID', `${what}`, {file: display, path: `/diff${path}`, hint: 'See policies/irm5-preparation.yaml for the expected shape.'})
  }
  if (!isObject(section)) return fail('', 'the policy pack has no `diff:` section')
  const trusted = section.trusted_trust
  if (!Array.isArray(trusted) || !trusted.every((t) => TRUSTS.includes(t as Trust))) {
    fail('/trusted_trust', `trusted_trust must list trust levels among ${TRUSTS.join(', ')}`)
  }
  const ports = section.sensitive_ports
  if (!Array.isArray(ports)) return fail('/sensitive_ports', 'sensitive_ports must be a list of ports or ranges')
  let sensitive = PortSet.EMPTY
  ports.forEach((p, i) => {
    const set = PortSet.parse(String(p))
    if (!set) fail(`/sensitive_ports/${i}`, `'${String(p)}' is not a port or a range`)
    else sensitive = sensitive.union(set)
  })
  const sev = section.severity
  if (!isObject(sev)) return fail('/severity', 'severity must be a mapping')
  const level = (value: unknown, path: string): Severity => {
    if (!SEVERITIES.includes(value as Severity)) fail(`/severity${path}`, `severity must be one of ${SEVERITIES.join(', ')}`)
    return value as Severity
  }
  const exposure = isObject(sev.exposure) ? sev.exposure : fail('/severity/exposure', 'severity.exposure must be a mapping')
  const row = (reach: 'internet' | 'partner') => {
    const r = isObject(exposure[reach]) ? exposure[reach] : fail(`/severity/exposure/${reach}`, `severity.exposure.${reach} must be a mapping`)
    return {
      all: level(r.all, `/exposure/${reach}/all`),
      sensitive: level(r.sensitive, `/exposure/${reach}/sensitive`),
      other: level(r.other, `/exposure/${reach}/other`),
      // optional: ICMP-only openings rank as `other` unless the pack says otherwise
      icmp: r.icmp === undefined ? level(r.other, `/exposure/${reach}/other`) : level(r.icmp, `/exposure/${reach}/icmp`),
    }
  }
  // a kind the pack does not rate keeps the table's default (src/diff/kinds.ts)
  const rated = Object.fromEntries(
    FINDING_KINDS.filter((k) => k.policyKey !== 'exposure').map((k) => [k.id, sev[k.policyKey] === undefined ? k.defaultSeverity : level(sev[k.policyKey], `/${k.policyKey}`)]),
  ) as Record<RatedRule, Severity>
  return {
    trustedTrust: trusted as Trust[],
    sensitivePorts: sensitive,
    severity: {exposure: {internet: row('internet'), partner: row('partner')}, rated},
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
