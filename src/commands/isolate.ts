import {Args} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {displayPath} from '../diff/live.js'
import {isolateZone, type IsolationReport} from '../isolate/run.js'
import {IrmError} from '../core/errors.js'
import {plural} from '../core/plural.js'
import {loadInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {ISOLATE_RENDERERS} from '../report/isolate.js'
import {SCHEMA_VERSION} from '../report/json.js'
import {renderAs} from '../report/renderers.js'

export default class Isolate extends BaseCommand {
  static override summary = 'Containment playbook of a zone: the vendor rules that cut it off, their undo, and the flows the isolation cuts.'
  static override description =
    'For each device that borders ZONE (devices[].interfaces, devices[].zones), the rules in the vendor\'s own syntax that cut all traffic into ' +
    'and out of the zone except the flows and access points marked keep_during_isolation: true, placed where the vendor evaluates them first, ' +
    'with the commands that undo them; then the flows and access points the isolation cuts, with their owners and contacts. Supported: iptables, ' +
    'nftables, cisco-asa, cisco-ios, junos, panos, fortios, pfsense, aws/pulumi (quarantine security group), azure (NSG), gcp. A bordering ' +
    'device without a supported format, or audited by hand, is listed with the reason. A proposal only: nothing is applied. Exit 0.'

  static override examples = [
    '<%= config.bin %> isolate lyon-dmz',
    '<%= config.bin %> isolate lyon-pci --format markdown --output isolate-lyon-pci.md',
    '<%= config.bin %> isolate aws-prod --format json',
  ]

  static override args = {zone: Args.string({description: 'Inventory zone id to isolate.', required: true})}

  static override flags = {
    inventory: inventoryFlag,
    format: formatFlag(ISOLATE_RENDERERS),
    output: outputFlag,
    'no-color': noColorFlag,
  }

  async run(): Promise<IsolationReport & {schema_version: string}> {
    const {args, flags} = await this.parse(Isolate)
    const loaded = await loadInventory(flags.inventory, {displayBase: process.cwd()})
    // rules written from an inventory that does not validate would cut the wrong addresses
    const errors = validateInventory(loaded).filter((i) => i.severity === 'error')
    if (errors.length) {
      const lines = errors.slice(0, 50).map((i) => `${i.file}:${i.line}:${i.column}: ${i.message} [${i.rule}]`)
      throw new IrmError('INVENTORY_INVALID', `the inventory does not validate (${plural(errors.length, 'error')}):\n  ${lines.join('\n  ')}`, {
        file: flags.inventory,
        hint: 'Run `irm-audit validate` and fix the errors first.',
      })
    }
    const report = isolateZone({inventory: loaded.inventory, dir: loaded.dir, zone: args.zone, display: (abs) => displayPath(abs, process.cwd())})
    const rendered = await renderAs(ISOLATE_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    await this.emit(rendered, flags.output, [flags.inventory])
    // --json prints what run() returns: the same document as --format json
    return {schema_version: SCHEMA_VERSION, ...report}
  }
}
