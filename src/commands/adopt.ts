import {Flags} from '@oclif/core'

import {BaseCommand, inventoryFlag, noColorFlag} from '../cli/base-command.js'
import {asOfFlag, readAsOf} from '../cli/flags.js'
import {type AdoptReport, runAdopt} from '../adopt/run.js'
import {renderAdoptText} from '../report/adopt.js'

export default class Adopt extends BaseCommand {
  static override summary = 'Draft the inventory from the live configs (and NetBox): devices, interface mappings, zones, one access point per live rule.'
  static override description =
    'Reads the live config of every device (devices[].config, or --live DEVICE=PATH[:type], which may name a device the inventory lacks) ' +
    'and drafts what `diff` would otherwise report: interface mappings it infers (marked "to confirm"), zones for interfaces nothing maps, ' +
    'and one access point per live rule reachable from an untrusted zone (owner: owner-to-confirm, review_by: --as-of + 90 days, a comment ' +
    'with the rule\'s file:line). --netbox adds zones from prefixes (one per site and role), owners from tenants, devices with their ' +
    'interfaces, and services; a URL is read with the token in NETBOX_TOKEN. New entries are merged into the files that hold most of ' +
    'their collection, every existing byte kept; a second run adds nothing. --dry-run prints the change as a unified diff and writes nothing.'

  static override examples = [
    '<%= config.bin %> adopt --dry-run',
    '<%= config.bin %> adopt --live fw-new=exports/fw-new.cfg:cisco-asa --as-of 2026-12-01',
    '<%= config.bin %> adopt --netbox https://netbox.example.com --dry-run',
    '<%= config.bin %> adopt --netbox netbox-export/ --dry-run',
  ]

  static override flags = {
    inventory: inventoryFlag,
    live: Flags.string({summary: 'Live config of a device, DEVICE=PATH[:type] (repeatable); a device the inventory lacks is drafted.', multiple: true}),
    netbox: Flags.string({summary: 'NetBox 4.x: a folder of saved API pages (ipam/prefixes.json …) or the NetBox URL (token in NETBOX_TOKEN).'}),
    'netbox-timeout': Flags.integer({summary: 'Seconds to wait for each NetBox request.', default: 30, min: 1}),
    'dry-run': Flags.boolean({summary: 'Print the change as a unified diff; write nothing.', default: false}),
    'as-of': asOfFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<AdoptReport> {
    const {flags} = await this.parse(Adopt)
    const report = await runAdopt({
      inventoryDir: flags.inventory,
      live: flags.live,
      netbox: flags.netbox,
      netboxToken: process.env.NETBOX_TOKEN,
      netboxTimeoutMs: flags['netbox-timeout'] * 1000,
      dryRun: flags['dry-run'],
      asOf: readAsOf(flags['as-of']),
      displayBase: process.cwd(),
    })
    await this.emit(renderAdoptText(report), undefined)
    return report
  }
}
