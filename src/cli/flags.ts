/** Flags and flag readers shared by the report commands (diff, prepare). */
import {Flags} from '@oclif/core'

import {IrmError} from '../core/errors.js'

export const SEVERITY_OPTIONS = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const

export const asOfFlag = Flags.string({summary: 'Treat this day (YYYY-MM-DD) as today, so a run is reproducible.'})

export const failOnFlag = (defaultValue: (typeof SEVERITY_OPTIONS)[number]) =>
  Flags.string({summary: 'Exit 1 when a finding (or failing check) is at or above this severity; none disables.', options: [...SEVERITY_OPTIONS], default: defaultValue})

export const maxLengthFlag = Flags.integer({
  summary: 'Markdown: fit the report in this many characters (a PR comment holds 65,536): findings that do not fit are counted on a "more in the artifact" line.',
  min: 2000,
})

export const linkBaseFlag = Flags.string({summary: 'HTML: link file:line to this URL (e.g. a repository browser at the commit) instead of relative to the report.'})

export const jobsFlag = Flags.integer({
  summary: 'Parse up to this many device configs at once, on worker threads (default: the number of cores, when the configs are big enough to gain from it).',
  min: 1,
})

export const liveFlag = Flags.string({
  summary: 'Live config for a device: DEVICE=PATH[:type] (repeatable); adds to or overrides devices[].config.',
  multiple: true,
})

/** `--as-of` → YYYY-MM-DD; today (UTC) when absent. */
export function readAsOf(text: string | undefined, now: Date = new Date()): string {
  if (text === undefined) return now.toISOString().slice(0, 10)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const d = m ? new Date(`${text}T00:00:00Z`) : undefined
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new IrmError('USAGE', `--as-of '${text}' is not a date`, {hint: 'Write it as YYYY-MM-DD, e.g. --as-of 2026-06-30.'})
  }
  return text
}

/** `--policy` of the commands that only need the trust model (which zones are untrusted) from the packs. */
export const trustPolicyFlag = Flags.string({
  summary: "Policy pack merged over the discovered irm-audit.policy.yaml (repeatable); its `diff.trusted_trust` decides which zones are untrusted, as in diff.",
  multiple: true,
})

export const passEnvFlag = Flags.string({
  summary: 'Let a pulumi-program see this environment variable (repeatable); it otherwise gets only PATH, HOME, LANG, TMPDIR and PULUMI_*.',
  multiple: true,
})
