import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, outputFlag} from '../cli/base-command.js'
import {asOfFlag, readAsOf} from '../cli/flags.js'
import {IrmError} from '../core/errors.js'
import {loadInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {MAP_RENDERERS, networkMap, type NetworkMap} from '../report/map.js'
import {renderAs} from '../report/renderers.js'
import {plural} from '../core/plural.js'

export default class MapCommand extends BaseCommand {
  static override summary = 'Draw the network map: zones by site and trust, devices, access points from untrusted zones, critical flows.'
  static override description =
    'Prints a Mermaid flowchart (for READMEs and pull-request comments) or a Graphviz DOT graph of the inventory, which must ' +
    'validate first (exit 2 otherwise). Zones are grouped by site, then by trust. Untrusted sources (internet, partner zones, ' +
    'outside addresses) point at the device that lets them in; business-critical flows join their zones with thick arrows. An edge ' +
    'prints three labels and counts the others ("+N more"). --zone and --site draw only those zones or sites and what links to them.'

  static override examples = [
    '<%= config.bin %> map',
    '<%= config.bin %> map --site lyon-dc',
    '<%= config.bin %> map --format dot --output map.dot && dot -Tsvg map.dot > map.svg',
  ]

  static override flags = {
    inventory: inventoryFlag,
    format: formatFlag(MAP_RENDERERS, 'mermaid', 'Diagram format.'),
    output: outputFlag,
    zone: Flags.string({summary: 'Draw only this zone and what links to it (repeatable).', multiple: true}),
    site: Flags.string({summary: 'Draw only the zones and devices of this site and what links to them (repeatable).', multiple: true}),
    'as-of': asOfFlag,
  }

  async run(): Promise<NetworkMap> {
    const {flags} = await this.parse(MapCommand)
    const loaded = await loadInventory(flags.inventory, {displayBase: process.cwd()})
    const errors = validateInventory(loaded, {asOf: new Date(`${readAsOf(flags['as-of'])}T00:00:00Z`)}).filter((i) => i.severity === 'error')
    // schema errors first: the others (unknown zones, addresses in no zone) often follow from them
    errors.sort((a, b) => Number(a.rule !== 'schema') - Number(b.rule !== 'schema'))
    if (errors.length) {
      const lines = errors.slice(0, 50).map((i) => `${i.file}:${i.line}:${i.column}: ${i.message} [${i.rule}]`)
      throw new IrmError('INVENTORY_INVALID', `the inventory does not validate (${plural(errors.length, 'error')}):\n  ${lines.join('\n  ')}`, {
        file: flags.inventory,
        hint: 'Run `irm-audit validate` and fix the errors first: a map of an invalid inventory would be wrong.',
      })
    }
    const inv = loaded.inventory
    const unknownZone = (flags.zone ?? []).find((z) => !inv.zones.some((x) => x.id === z))
    if (unknownZone) throw new IrmError('USAGE', `--zone ${unknownZone}: no such zone`, {hint: `Zones: ${inv.zones.map((z) => z.id).join(', ')}.`})
    const sites = [...new Set([...inv.zones, ...inv.devices].map((x) => x.site).filter((s): s is string => s !== undefined))].sort()
    const unknownSite = (flags.site ?? []).find((s) => !sites.includes(s))
    if (unknownSite) throw new IrmError('USAGE', `--site ${unknownSite}: no zone or device names this site`, {hint: sites.length ? `Sites: ${sites.join(', ')}.` : 'No zone or device has a site.'})
    const map = networkMap(inv, [], {zones: flags.zone, sites: flags.site})
    await this.emit(await renderAs(MAP_RENDERERS, flags.format, map, this.renderOptions()), flags.output, [loaded.dir])
    return map
  }
}
