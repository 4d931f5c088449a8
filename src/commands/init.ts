import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {readAsOf} from '../cli/flags.js'
import {scaffold, type ScaffoldResult} from '../inventory/scaffold.js'

export default class Init extends BaseCommand {
  static override summary = 'Scaffold an inventory repository: inventory, policy, suppression file and CI workflow.'
  static override description =
    'Writes inventory/inventory.yaml (a small valid inventory with comments), irm-audit.policy.yaml, .irm-audit-ignore.yaml and ' +
    '.github/workflows/irm-audit.yml (validate, diff against the target branch, prepare and changes on every pull request, one PR comment ' +
    'updated in place, SARIF to code scanning). The starter inventory\'s dates are the day of the run (--as-of), so a fresh ' +
    'repository passes its own readiness gate; replace them with the days you really verified each item. Existing files are never ' +
    'overwritten unless --force is given.'

  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init network-inventory --as-of 2026-11-01']

  static override args = {
    dir: Args.string({description: 'Folder to scaffold (created when missing).', default: '.'}),
  }

  static override flags = {
    force: Flags.boolean({summary: 'Overwrite existing files.', default: false}),
    'as-of': Flags.string({summary: 'Day (YYYY-MM-DD) written for the starter inventory\'s review and test dates; default today (UTC).'}),
  }

  async run(): Promise<ScaffoldResult> {
    const {args, flags} = await this.parse(Init)
    const result = await scaffold(args.dir, {force: flags.force, asOf: readAsOf(flags['as-of'])})
    if (!this.jsonEnabled()) {
      for (const f of result.written) process.stdout.write(`created ${f}\n`)
      for (const f of result.skipped) process.stdout.write(`kept    ${f} (exists; --force to overwrite)\n`)
      process.stdout.write(`\nNext: edit ${result.dir}/inventory, then run 'irm-audit validate --inventory ${result.dir}/inventory'.\n`)
    }
    return result
  }
}
