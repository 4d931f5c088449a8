import {at} from '../evidence.js'
import type {Evidence, ReadinessCheck} from '../types.js'
import {plural} from '../../core/plural.js'

export const timeSource: ReadinessCheck = {
  id: 'IRM5-PREP-TIME-SOURCE',
  item: 'Make sure all devices use one time source, so logs can be correlated (IRM #2/#7/#18)',
  section: 'Preparation/Logs-People',
  severity: 'medium',
  crosswalk: {pci: ['10.6.1', '10.6.2'], cis: ['8.4'], dora: ['12(3)']},
  rationale: 'Timelines across firewall, VPN and EDR logs are worthless when clocks disagree.',
  remediation: 'Point every device at the same NTP servers and record them under devices[].ntp.',
  run(ctx) {
    const devices = ctx.inventory.devices.filter((d) => d.role !== 'cloud-account')
    if (devices.length === 0) return {status: 'not-applicable', summary: 'no devices in the inventory', findings: []}
    const findings: Evidence[] = []
    const sets = new Map<string, string[]>()
    for (const d of devices) {
      if (!d.ntp || d.ntp.length === 0) {
        findings.push(at(ctx, d, undefined, `device ${d.id}: no NTP source recorded`))
        continue
      }
      const key = [...d.ntp].sort().join(', ')
      sets.set(key, [...(sets.get(key) ?? []), d.id])
    }
    if (sets.size > ctx.policy.max_ntp_sources) {
      for (const [key, ids] of [...sets].sort((a, b) => b[1].length - a[1].length).slice(1)) {
        const d = devices.find((x) => x.id === ids[0])!
        findings.push(at(ctx, d, 'ntp', `devices ${ids.join(', ')} use ${key}, not the common time source`))
      }
    }
    for (const l of ctx.inventory.log_sources) if (l.ntp_synced === false) findings.push(at(ctx, l, 'ntp_synced', `log source ${l.id}: clock not synchronised`))
    return findings.length
      ? {status: 'fail', summary: `${findings.length} time-source problems`, findings}
      : {status: 'pass', summary: `${plural(devices.length, 'device')} ${devices.length === 1 ? 'uses' : 'share'} one time source`, findings}
  },
}
