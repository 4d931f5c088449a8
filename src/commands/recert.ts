import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {asOfFlag, liveFlag, readAsOf} from '../cli/flags.js'
import {parseDue, type RecertReport, runRecert} from '../recert/run.js'
import {RECERT_RENDERERS} from '../report/recert.js'
import {renderAs} from '../report/renderers.js'

export default class Recert extends BaseCommand {
  static override summary = 'Access points due for review, per owner, with the live rule and traffic evidence of each.'
  static override description =
    'An access point is due at its review_by date, or, without one, its approval date plus recert.cadence_days of the policy pack (default 182, ' +
    'PCI DSS 1.2.7). Lists the overdue ones and those due within --due, grouped per owner, each with the live rule that provides it (file:line) ' +
    'and, with --traffic, the accepted flow records that matched it (before or after NAT). An overdue access point that no live rule provides, ' +
    'or that no traffic used, is proposed for decertification. Informational: exit 0.'

  static override examples = [
    '<%= config.bin %> recert --due 30d',
    '<%= config.bin %> recert --owner net-ops --format markdown --output recert.md',
    '<%= config.bin %> recert --traffic inventory/logs/lyon-dc-conn.log --format json',
  ]

  static override flags = {
    inventory: inventoryFlag,
    owner: Flags.string({summary: 'Only the access points of this owner team.'}),
    due: Flags.string({summary: 'Window: list those due within this many days (30d, 6w); overdue ones always.', default: '30d'}),
    traffic: Flags.string({summary: 'Flow logs: hits and last seen per access point (see traffic; repeatable).', multiple: true}),
    policy: Flags.string({summary: 'Policy pack merged over the default (recert.cadence_days; repeatable).', multiple: true}),
    live: liveFlag,
    format: formatFlag(RECERT_RENDERERS),
    output: outputFlag,
    'as-of': asOfFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<RecertReport> {
    const {flags} = await this.parse(Recert)
    const report = await runRecert({
      inventoryDir: flags.inventory,
      asOf: readAsOf(flags['as-of']),
      dueDays: parseDue(flags.due),
      owner: flags.owner,
      live: flags.live,
      traffic: flags.traffic,
      policyFiles: flags.policy,
      displayBase: process.cwd(),
    })
    const rendered = await renderAs(RECERT_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    await this.emit(rendered, flags.output, [flags.inventory])
    return report
  }
}
