import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {type ChangesReport, inventoryChanges} from '../git/changes.js'
import {CHANGES_RENDERERS} from '../report/changes.js'
import {renderAs} from '../report/renderers.js'

export default class Changes extends BaseCommand {
  static override summary = 'Semantic diff of the inventory between two git revisions, for PR review.'
  static override description =
    'Compares the inventory at --base with --head (default: the working tree): access points, flows, zones, devices, sensors, log ' +
    'sources, contacts and procedures added, removed, renamed or changed field by field, each with the commit and author that made it. ' +
    'In a shallow CI clone, fetch the base first (actions/checkout with fetch-depth: 0).'

  static override examples = ['<%= config.bin %> changes --base origin/main', '<%= config.bin %> changes --base HEAD~1 --head HEAD --format markdown']

  static override flags = {
    base: Flags.string({summary: 'Base revision (branch, tag or commit).', required: true}),
    head: Flags.string({summary: 'Head revision; the working tree when omitted.'}),
    inventory: inventoryFlag,
    format: formatFlag(CHANGES_RENDERERS),
    output: outputFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<ChangesReport> {
    const {flags} = await this.parse(Changes)
    const report = await inventoryChanges({inventoryDir: flags.inventory, base: flags.base, head: flags.head, displayBase: process.cwd()})
    const rendered = await renderAs(CHANGES_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    await this.emit(rendered, flags.output, [flags.inventory])
    return report
  }
}
