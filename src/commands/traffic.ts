import {Args, Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {failOnFlag, trustPolicyFlag} from '../cli/flags.js'
import type {TrafficReport} from '../logs/flows/analyze.js'
import {runTraffic} from '../logs/flows/run.js'
import {renderAs} from '../report/renderers.js'
import {TRAFFIC_RENDERERS} from '../report/traffic.js'

const RANK = {critical: 0, high: 1, medium: 2, low: 3, info: 4} as const

export default class Traffic extends BaseCommand {
  static override summary = 'Compare flow records (VPC Flow Logs, Zeek conn.log, nfdump) with the declared flows and baselines.'
  static override description =
    'Streams the flow logs (plain or gzip, any size) in one pass, maps every record to its zones, and reports traffic between zone ' +
    'pairs with no declared flow, critical flows that are silent or far from their baseline volume or hours, and accepted sessions ' +
    'to services no access point opens. The format is detected from the content; name it with FILE:format ' +
    '(aws-vpc-flow, zeek-conn, nfdump-csv, nfdump-csv-1.6, nfdump-text) when needed, and give headerless custom VPC Flow Logs ' +
    'their field order with --vpc-fields or FILE:aws-vpc?fields=….'

  static override strict = false
  static override examples = ['<%= config.bin %> traffic inventory/logs/vpc-flow.log.gz', '<%= config.bin %> traffic conn.log --format markdown']
  static override args = {file: Args.string({description: 'Flow log files (FILE or FILE:format).', required: true})}
  static override flags = {
    inventory: inventoryFlag,
    format: formatFlag(TRAFFIC_RENDERERS),
    output: outputFlag,
    'fail-on': failOnFlag('high'),
    policy: trustPolicyFlag,
    'deviation-factor': Flags.integer({summary: 'Observed/baseline ratio that counts as a deviation.', default: 3, min: 2}),
    'vpc-fields': Flags.string({summary: 'Field order of VPC Flow Logs without a header line (the LogFormat, e.g. "version account-id interface-id srcaddr dstaddr …").'}),
    'max-log-bytes': Flags.integer({summary: 'Decompressed bytes read from one log file at most (default 4 GiB).', min: 1}),
    'no-color': noColorFlag,
  }

  async run(): Promise<TrafficReport> {
    const {argv, flags} = await this.parse(Traffic)
    const report = await runTraffic({
      inventoryDir: flags.inventory,
      files: argv as string[],
      displayBase: process.cwd(),
      policy: {deviation_factor: flags['deviation-factor']},
      policyFiles: flags.policy,
      vpcFields: flags['vpc-fields'],
      maxLogBytes: flags['max-log-bytes'],
    })
    const rendered = await renderAs(TRAFFIC_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    const failOn = flags['fail-on'] as keyof typeof RANK | 'none'
    const failing = failOn === 'none' ? 0 : report.findings.filter((f) => RANK[f.severity] <= RANK[failOn]).length
    await this.emit(rendered, flags.output, [flags.inventory], failing ? `${failing} finding${failing === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn})` : undefined)
    return report
  }
}
