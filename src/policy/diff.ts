/** The `diff:` section of a policy pack: trusted trust levels, sensitive ports, severities. */
import {readFileSync} from 'node:fs'

import {IrmError} from '../core/errors.js'
import {PortSet} from '../net/number-set.js'
import {SEVERITIES, type Severity} from '../core/severity.js'
import {TRUSTS, type Trust} from '../core/trust.js'
import {FINDING_KINDS, type RatedRule} from '../diff/kinds.js'
import type {DiffPolicy} from '../diff/model.js'
import {DEFAULT_NAME, DEFAULT_POLICY, parsePolicyText} from './pack.js'

/** The bundled default pack's `diff:` section, read synchronously (tests, `parse --inventory`). */
export function defaultDiffPolicy(): DiffPolicy {
  const text = readFileSync(DEFAULT_POLICY, 'utf8')
  return diffPolicyFrom(parsePolicyText(text, DEFAULT_NAME).diff, DEFAULT_NAME)
}

/**
 * The merged packs' `diff:` section as the diff uses it. Each file was checked by the schema already
 * (unknown keys, severities, port syntax, at file:line); this checks what only the merge can say.
 */
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
