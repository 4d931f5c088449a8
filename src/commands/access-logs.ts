import {Args, Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {asOfFlag, failOnFlag, readAsOf, trustPolicyFlag} from '../cli/flags.js'
import type {AccessReport} from '../logs/access/analyze.js'
import {runAccessLogs} from '../logs/access/run.js'
import {ACCESS_RENDERERS} from '../report/access-logs.js'
import {renderAs} from '../report/renderers.js'

const RANK = {critical: 0, high: 1, medium: 2, low: 3, info: 4} as const

export default class AccessLogs extends BaseCommand {
  static override summary = 'Look for VPN and cloud logins from rare locations in authentication logs.'
  static override description =
    'Reads OpenVPN logs and status files, strongSwan/charon logs, Cisco ASA AnyConnect/IKEv1/IKEv2/WebVPN syslog, FortiGate SSL-VPN event logs, ' +
    'AWS CloudTrail (ConsoleLogin, AssumeRole*) and Entra/Azure sign-in exports (JSON or the portal CSV; gzip too), learns the usual sources over the first ' +
    '--baseline-days, and flags logins from new networks, rare countries or AS, impossible travel, and VPN logins from outside the ' +
    "ranges the inventory's VPN access points declare. Locations come only from offline tables given with --geo (CSV " +
    'network,country,asn,org,latitude,longitude, or MaxMind .mmdb); without one, only the network checks run.'

  static override strict = false
  static override examples = ['<%= config.bin %> access-logs inventory/logs/openvpn.log --geo inventory/logs/geo.csv', '<%= config.bin %> access-logs cloudtrail.json.gz signins.json --format markdown']
  static override args = {file: Args.string({description: 'Authentication logs (FILE or FILE:format).', required: true})}
  static override flags = {
    inventory: inventoryFlag,
    geo: Flags.string({summary: 'Offline location table: CSV or MaxMind .mmdb (repeatable; the first that knows a field wins).', multiple: true}),
    'baseline-days': Flags.integer({summary: 'Days at the start of the logs that form the learning window.', default: 14, min: 0}),
    pseudonymize: Flags.boolean({summary: 'Replace user names with stable pseudonyms in the report.', default: false}),
    year: Flags.integer({summary: 'Year of log timestamps that have none (syslog, strongSwan time_format without %Y); default: the year of --as-of.', min: 1970, max: 9999}),
    'max-log-bytes': Flags.integer({summary: 'Decompressed bytes read from one log file at most (default 4 GiB).', min: 1}),
    'as-of': asOfFlag,
    format: formatFlag(ACCESS_RENDERERS),
    output: outputFlag,
    'fail-on': failOnFlag('high'),
    policy: trustPolicyFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<AccessReport> {
    const {argv, flags} = await this.parse(AccessLogs)
    const year = flags.year ?? Number(readAsOf(flags['as-of']).slice(0, 4))
    const report = await runAccessLogs({
      inventoryDir: flags.inventory,
      files: argv as string[],
      geo: flags.geo,
      displayBase: process.cwd(),
      year,
      policy: {baseline_days: flags['baseline-days']},
      policyFiles: flags.policy,
      pseudonymize: flags.pseudonymize,
      maxLogBytes: flags['max-log-bytes'],
    })
    const rendered = await renderAs(ACCESS_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    const failOn = flags['fail-on'] as keyof typeof RANK | 'none'
    const failing = failOn === 'none' ? 0 : report.findings.filter((f) => RANK[f.severity] <= RANK[failOn]).length
    await this.emit(rendered, flags.output, [flags.inventory], failing ? `${failing} finding${failing === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn})` : undefined)
    return report
  }
}
