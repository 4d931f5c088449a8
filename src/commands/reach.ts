import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {asOfFlag, liveFlag, readAsOf} from '../cli/flags.js'
import {IrmError} from '../core/errors.js'
import {loadPathSpace} from '../paths/load.js'
import {reachFrom, reachReport, type ReachReport, untrustedZones} from '../paths/reach.js'
import {REACH_RENDERERS} from '../report/paths.js'
import {renderAs} from '../report/renderers.js'

export default class Reach extends BaseCommand {
  static override summary = 'What an untrusted zone reaches end to end across chained devices, with the rule chain of each path.'
  static override description =
    'Composes the permits of every audited device along the zone graph (zones joined by the devices whose interfaces the inventory ' +
    'maps to them; NAT on a hop changes what the next hop filters), up to 6 devices, and lists each zone of ours that traffic from ' +
    '--from arrives in, with the services, destinations and the rule of each device on the way. Paths do not cross another untrusted ' +
    'zone. Routing tables are not read. Default --from: every zone of internet or partner trust. Exit 0; 2 on unusable input.'

  static override examples = ['<%= config.bin %> reach --from internet', '<%= config.bin %> reach --from partner-transco --format json']

  static override flags = {
    inventory: inventoryFlag,
    live: liveFlag,
    from: Flags.string({summary: 'Zone to start from (repeatable); default every internet or partner zone.', multiple: true}),
    policy: Flags.string({summary: 'Policy pack merged over the discovered irm-audit.policy.yaml (repeatable).', multiple: true}),
    format: formatFlag(REACH_RENDERERS),
    output: outputFlag,
    'as-of': asOfFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<ReachReport> {
    const {flags} = await this.parse(Reach)
    const {space, loaded} = await loadPathSpace({inventoryDir: flags.inventory, live: flags.live, policyFiles: flags.policy, asOf: readAsOf(flags['as-of']), displayBase: process.cwd()})
    const from = flags.from?.length ? [...new Set(flags.from)] : untrustedZones(space)
    const unknown = from.find((z) => !space.zone(z))
    if (unknown) throw new IrmError('USAGE', `--from ${unknown}: no such zone`, {hint: `Zones: ${space.input.zones.map((z) => z.id).join(', ')}.`})
    const report = reachReport(space, from, from.flatMap((z) => reachFrom(space, z)))
    const rendered = await renderAs(REACH_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    await this.emit(rendered, flags.output, [loaded.dir])
    return report
  }
}
