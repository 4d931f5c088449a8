import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

const RULES = new Set(['unwanted-access-point', 'access-point-drift', 'device-unaudited', 'unaudited-rules', 'interface-unmapped'])

export const unwantedAccessPoints: ReadinessCheck = {
  id: 'IRM5-PREP-UNWANTED-ACCESS-POINTS',
  item: 'Look for potential unwanted network access points regularly and close them',
  section: 'Preparation/Network',
  severity: 'critical',
  crosswalk: {pci: ['1.2.5', '1.4.2'], cis: ['13.4', '13.5'], csf: ['ID.AM-03'], nis2: ['21(2)(i)']},
  rationale: 'An opening nobody declared is the first thing an attacker finds and the last thing responders look at.',
  remediation: "Close each unwanted opening, or declare it as an access point with an owner and justification; run 'irm-audit diff' in CI.",
  run(ctx) {
    if (!ctx.diff.available) return {status: 'warn', summary: `live diff not run: ${ctx.diff.reason}`, findings: []}
    if (ctx.diff.audited.length === 0) return {status: 'warn', summary: 'no device has a live config to compare: unwanted access points cannot be looked for', findings: []}
    // info: a device audited by hand (devices[].audit) within its review date
    const relevant = ctx.diff.findings.filter((f) => RULES.has(f.rule) && f.severity !== 'info')
    const findings: Evidence[] = relevant.map((f) => ({message: `${f.rule}: ${f.message}`, file: f.file, line: f.line}))
    if (findings.length === 0) return {status: 'pass', summary: `live configs of ${plural(ctx.diff.audited.length, 'device')} match the inventory`, findings}
    return {status: 'fail', summary: `${findings.length} live openings not (fully) in the inventory or not audited`, findings}
  },
}
