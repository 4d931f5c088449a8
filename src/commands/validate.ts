import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {IrmError} from '../core/errors.js'
import {loadInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {renderAs} from '../report/renderers.js'
import {VALIDATE_RENDERERS, validateReport, type ValidateReport} from '../report/validate-report.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check the inventory: JSON Schema, references, ids, CIDRs, zone overlaps, ports, dates.'
  static override description =
    'Reads every *.yaml, *.yml and *.json under the inventory folder (except live/ and logs/), checks it against the JSON Schemas ' +
    'in schemas/ and runs the semantic checks. Every finding has file:line:column, a JSON path and a fix. ' +
    'Exit 0 when valid, 1 when there are findings, 2 when the inventory cannot be read.'

  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --inventory ./inventory --format sarif --output validate.sarif',
    '<%= config.bin %> validate --format markdown --as-of 2026-06-30',
  ]

  static override flags = {
    inventory: inventoryFlag,
    format: formatFlag(VALIDATE_RENDERERS),
    output: outputFlag,
    'as-of': Flags.string({summary: 'Treat this day (YYYY-MM-DD) as today for date checks.'}),
    'no-color': noColorFlag,
  }

  async run(): Promise<ValidateReport> {
    const {flags} = await this.parse(Validate)
    const asOf = flags['as-of'] === undefined ? undefined : parseDay(flags['as-of'])
    const loaded = await loadInventory(flags.inventory)
    const report = validateReport(validateInventory(loaded, {asOf}), loaded.files.map((f) => f.file))
    const rendered = await renderAs(VALIDATE_RENDERERS, flags.format, report, this.renderOptions(flags['no-color']))
    const n = report.errors.filter((e) => e.severity === 'error').length
    await this.emit(rendered, flags.output, [loaded.dir], report.valid ? undefined : `the inventory does not validate (${n} error${n === 1 ? '' : 's'})`)
    return report
  }
}

function parseDay(text: string): Date {
  const d = new Date(`${text}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new IrmError('USAGE', `--as-of '${text}' is not a date`, {hint: 'Write it as YYYY-MM-DD, e.g. --as-of 2026-06-30.'})
  }
  return d
}
