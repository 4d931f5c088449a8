import {Args, Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {asOfFlag, liveFlag, readAsOf} from '../cli/flags.js'
import {loadPathSpace} from '../paths/load.js'
import {why, type WhyReport} from '../paths/why.js'
import {WHY_RENDERERS} from '../report/paths.js'
import {renderAs} from '../report/renderers.js'

export default class Why extends BaseCommand {
  static override summary = 'Can SRC reach DST on SERVICE, through which devices, and which rule decides on each.'
  static override description =
    'Follows every loop-free zone path (up to 6 devices) from the zones of SRC to the zones of DST, and to where a NAT on the way ' +
    'sends DST, through the devices whose interfaces the inventory maps to those zones. On each path, device by device: the rule that ' +
    'decides (file:line, rule name, text), the NAT it applies, and the verdict permit, deny, partial (with the permitted and denied ' +
    'sub-ranges) or depends (a state, schedule or user condition, an unparsed line, a parser doubt). Routing tables are not read. ' +
    'SRC and DST are addresses, CIDRs or zone ids; SERVICE is tcp/443, udp/53, icmp or any. Exit 0 whatever the verdict; 2 on unusable input.'

  static override examples = [
    '<%= config.bin %> why internet 198.51.100.70 tcp/22',
    '<%= config.bin %> why fra-branch 10.99.20.20 tcp/6514 --format markdown',
  ]

  static override args = {
    src: Args.string({description: 'Source: address, CIDR or zone id.', required: true}),
    dst: Args.string({description: 'Destination: address, CIDR or zone id.', required: true}),
    service: Args.string({description: 'Service: tcp/443, udp/53, icmp, any.', required: true}),
  }

  static override flags = {
    inventory: inventoryFlag,
    live: liveFlag,
    policy: Flags.string({summary: 'Policy pack merged over the discovered irm-audit.policy.yaml (repeatable).', multiple: true}),
    format: formatFlag(WHY_RENDERERS),
    output: outputFlag,
    'as-of': asOfFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<WhyReport> {
    const {args, flags} = await this.parse(Why)
    const {space, loaded} = await loadPathSpace({inventoryDir: flags.inventory, live: flags.live, policyFiles: flags.policy, asOf: readAsOf(flags['as-of']), displayBase: process.cwd()})
    const report = why(space, args.src, args.dst, args.service)
    const rendered = await renderAs(WHY_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    await this.emit(rendered, flags.output, [loaded.dir])
    return report
  }
}
