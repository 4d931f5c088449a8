/**
 * `device-unaudited`: a device that should be audited and is not is a finding, never silence (DESIGN §6).
 * Should: it carries access points, or the baseline audited it. Is not: no config, a config that cannot
 * be read, one with no rule of its type (an empty export), or a device gone from the inventory.
 * `devices[].audit` (manual audit) lowers the finding to `info` until its `review_by`; never for a device
 * the baseline still audited, so dropping a config and marking the device manual in one pull request
 * does not pass the gate.
 */
import type {Exposure} from '../model/exposure.js'
import type {DiffDevice, DiffInput, Finding, LiveConfig, Severity} from './model.js'

type Parsed = Extract<LiveConfig, {exposures: Exposure[]}>

/** A parsed config with no rule at all: an empty or truncated export, or another device's file. */
export function isEmptyConfig(live: Parsed): boolean {
  return live.exposures.length === 0 && live.stats.understood === 0
}

interface Case {
  device: string
  file?: string
  line?: number
  reason: string
  hint?: string
}

/**
 * One finding per unaudited config or device. `internetFacing(device)` says whether the device carries
 * an access point reachable from the internet (then the finding is at least high). A diff run per
 * device (src/diff/live-diff.ts) asks for the two halves apart: `configs`, the cases of the configs in
 * `input.live`; `missing`, the devices with no config (`withConfig`: the devices that have one).
 */
export function unauditedFindings(input: DiffInput, internetFacing: (device: string) => boolean, scope: {only?: 'configs' | 'missing'; withConfig?: ReadonlySet<string>} = {}): Finding[] {
  const cases: Case[] = []
  const withConfig = new Set<string>(scope.withConfig)
  for (const live of input.live) {
    withConfig.add(live.device)
    if (scope.only === 'missing') continue
    if ('error' in live) cases.push({device: live.device, file: live.file, reason: live.error, hint: live.hint})
    else if (isEmptyConfig(live)) {
      cases.push({
        device: live.device,
        file: live.file,
        reason: live.stats.lines === 0 ? `its ${live.type} config is empty` : `no line of its config reads as ${live.type} rules`,
        hint: 'Export the config again (a failed export leaves an empty file) and check devices[].format.',
      })
    }
  }
  const baseline = new Set(input.baseline?.audited ?? [])
  if (scope.only === 'configs') return cases.map((c) => toFinding(c, input, internetFacing(c.device) || (input.baseline?.internet ?? []).includes(c.device)))
  const withAccessPoints = new Set(input.accessPoints.map((ap) => ap.device).filter(Boolean))
  for (const d of input.devices) {
    if (withConfig.has(d.id)) continue
    if (baseline.has(d.id)) {
      cases.push({device: d.id, reason: 'it has no live config (devices[].config), though the baseline audited it: its openings are not re-checked', hint: 'Restore devices[].config or pass --live.'})
    } else if (withAccessPoints.has(d.id)) {
      cases.push({device: d.id, reason: 'it carries access points but has no live config (devices[].config)', hint: 'Export its config under the inventory folder and set devices[].config, or declare devices[].audit: {manual: true, reason, review_by}.'})
    }
  }
  const known = new Set(input.devices.map((d) => d.id))
  for (const id of [...baseline].filter((d) => !known.has(d)).sort()) {
    cases.push({device: id, reason: 'the baseline audited it and it is no longer in the inventory: its openings are not re-checked', hint: 'Keep the device (with its config) until its openings are closed.'})
  }
  return cases.map((c) => toFinding(c, input, internetFacing(c.device) || (input.baseline?.internet ?? []).includes(c.device)))
}

function toFinding(c: Case, input: DiffInput, internet: boolean): Finding {
  const device: DiffDevice | undefined = input.devices.find((d) => d.id === c.device)
  const policy = input.policy.severity.rated['device-unaudited']
  let severity: Severity = internet && rank(policy) > rank('high') ? 'high' : policy
  let note = internet ? '; it carries internet access points' : ''
  const manual = device?.audit
  if (manual && !(input.baseline?.audited ?? []).includes(c.device)) {
    if (manual.reviewBy >= input.asOf) {
      severity = 'info'
      note = `; audited by hand until ${manual.reviewBy} (${manual.reason})`
    } else {
      note += `; its manual audit was to be renewed by ${manual.reviewBy} (${manual.reason})`
    }
  }
  return {
    id: `device-unaudited:${c.device}`,
    rule: 'device-unaudited',
    severity,
    device: c.device,
    access_point: null,
    file: c.file ?? device?.source.file,
    line: c.file ? c.line : device?.source.line,
    ...(c.file && device ? {inventory: device.source} : {}),
    message: `${c.device} is not audited: ${c.reason}${note}${c.hint && severity !== 'info' ? ` (${c.hint})` : ''}`,
    suppressed: false,
  }
}

function rank(s: Severity): number {
  return ['critical', 'high', 'medium', 'low', 'info'].indexOf(s)
}
