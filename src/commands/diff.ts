import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {jobsFlag, linkBaseFlag, maxLengthFlag, passEnvFlag} from '../cli/flags.js'
import {passProgramEnv} from '../sources/pulumi-program.js'
import {IrmError} from '../core/errors.js'
import type {Severity} from '../diff/model.js'
import {type DiffReport, failReason, runDiff} from '../diff/run.js'
import {validateInventory} from '../inventory/validate.js'
import {DIFF_RENDERERS, READS_REACH} from '../report/diff-formats.js'
import {renderAs} from '../report/renderers.js'

export default class Diff extends BaseCommand {
  static override summary = 'Compare the live configs with the inventory: unwanted, drifted, stale and expired access points, blocked critical flows.'
  static override description =
    'Parses the live config of every device (devices[].config, or --live DEVICE=PATH[:type]) and reports every opening ' +
    'reachable from an untrusted source that no access point approves, every live rule broader than its access point, ' +
    'access points no rule provides, expired ones, devices that cannot be audited, and business-critical flows the rules block. ' +
    'irm-audit.policy.yaml and .irm-audit-ignore.yaml are read from the git top level of the inventory folder (else its parent); ' +
    'with --baseline they are read as they are at the baseline\'s revision (--policy-from), so a pull request cannot loosen its own gate. ' +
    'Exit 1 when a finding reaches --fail-on (in --baseline mode: a new finding), 2 on unusable input.'

  static override examples = [
    '<%= config.bin %> diff',
    '<%= config.bin %> diff --live fw-edge-1=exports/fw-edge-1.cfg:cisco-asa --format sarif --output diff.sarif',
    '<%= config.bin %> diff --baseline main-report.json --format markdown --as-of 2026-11-01',
  ]

  static override flags = {
    'pass-env': passEnvFlag,
    inventory: inventoryFlag,
    live: Flags.string({
      summary: 'Live config of a device, DEVICE=PATH[:type]; replaces its devices[].config. Repeat for several files of one device (iptables + ip6tables).',
      multiple: true,
    }),
    format: formatFlag(DIFF_RENDERERS),
    'link-base': linkBaseFlag,
    output: outputFlag,
    'fail-on': Flags.string({summary: 'Exit 1 when a finding has this severity or higher.', options: ['critical', 'high', 'medium', 'low', 'info', 'none'], default: 'high'}),
    baseline: Flags.string({summary: 'A previous `diff --format json` report: mark findings new/unchanged and list the fixed ones.'}),
    ignore: Flags.string({summary: 'Suppression file (default: .irm-audit-ignore.yaml at the git top level of the inventory folder).'}),
    'policy-from': Flags.string({summary: "Read the policy and suppression files as they are at this git revision (default with --baseline: the baseline's revision)."}),
    'as-of': Flags.string({summary: 'Day (YYYY-MM-DD) for expiry checks; default today (UTC).'}),
    policy: Flags.string({summary: 'Policy pack merged over the discovered irm-audit.policy.yaml (repeatable); its `diff:` section sets trusted zones, sensitive ports and severities.', multiple: true}),
    'max-length': maxLengthFlag,
    'no-color': noColorFlag,
    jobs: jobsFlag,
  }

  async run(): Promise<DiffReport> {
    const {flags} = await this.parse(Diff)
    passProgramEnv(flags['pass-env'] ?? [])
    const asOf = flags['as-of'] ?? new Date().toISOString().slice(0, 10)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
      throw new IrmError('USAGE', `--as-of '${asOf}' is not a date`, {hint: 'Write it as YYYY-MM-DD.'})
    }
    const {report, loaded} = await runDiff({
      inventoryDir: flags.inventory,
      live: flags.live,
      ignoreFile: flags.ignore,
      baselineFile: flags.baseline,
      policyFiles: flags.policy,
      policyFrom: flags['policy-from'],
      recordRevision: true,
      jobs: flags.jobs,
      // the reach section is printed only by the JSON document; the other formats never read it
      reach: READS_REACH.has(flags.format) || this.jsonEnabled(),
      asOf,
      displayBase: process.cwd(),
      validate: (inv) =>
        validateInventory(inv, {asOf: new Date(`${asOf}T00:00:00Z`)})
          .filter((i) => i.severity === 'error')
          .map((i) => `${i.file}:${i.line}:${i.column}: ${i.message} [${i.rule}]`),
    })
    const rendered = await renderAs(DIFF_RENDERERS, flags.format, {report, loaded}, {
      paint: this.paint(flags['no-color']),
      version: this.config.version,
      maxLength: flags['max-length'],
      linkBase: flags['link-base'],
      output: flags.output,
    })
    await this.emit(rendered, flags.output, [loaded.dir], failReason(report, flags['fail-on'] as Severity | 'none'))
    return report
  }
}
