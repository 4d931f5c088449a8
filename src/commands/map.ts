import {Flags} from '@oclif/core'

import {BaseCommand, inventoryFlag, outputFlag} from '../cli/base-command.js'
import {IrmError} from '../core/errors.js'
import {loadInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {networkMap, type NetworkMap, renderDot, renderMermaid} from '../report/map.js'

export default class MapCommand extends BaseCommand {
  static override summary = 'Draw the network map: zones by trust, devices, access points from untrusted zones, critical flows.'
  static override description =
    'Prints a Mermaid flowchart (for READMEs and pull-request comments) or a Graphviz DOT graph of the inventory. ' +
    'Untrusted sources (internet, partner zones, outside addresses) point at the device that lets them in; ' +
    'business-critical flows join their zones with thick arrows.'

  static override examples = ['<%= config.bin %> map', '<%= config.bin %> map --format dot --output map.dot && dot -Tsvg map.dot > map.svg']

  static override flags = {
    inventory: inventoryFlag,
    format: Flags.string({char: 'f', summary: 'Diagram format.', options: ['mermaid', 'dot'], default: 'mermaid'}),
    output: outputFlag,
  }

  async run(): Promise<NetworkMap> {
    const {flags} = await this.parse(MapCommand)
    const loaded = await loadInventory(flags.inventory)
    // a map of an invalid inventory would be wrong or fail half-way: the first error, as validate says it
    const error = validateInventory(loaded).find((i) => i.severity === 'error' && i.rule === 'schema')
    if (error) {
      throw new IrmError('INVENTORY_INVALID', error.message, {file: error.file, line: error.line, column: error.column, path: error.path, hint: "Run 'irm-audit validate' for every problem."})
    }
    const map = networkMap(loaded.inventory)
    await this.emit(flags.format === 'dot' ? renderDot(map) : renderMermaid(map), flags.output, [loaded.dir])
    return map
  }
}
