import {Flags} from '@oclif/core'

import {BaseCommand, formatFlag, inventoryFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {passProgramEnv} from '../sources/pulumi-program.js'
import {asOfFlag, failOnFlag, jobsFlag, linkBaseFlag, liveFlag, maxLengthFlag, passEnvFlag, readAsOf, SEVERITY_OPTIONS} from '../cli/flags.js'
import {type PrepareReport, runPrepare} from '../readiness/run.js'
import {PREPARE_RENDERERS} from '../report/prepare-formats.js'
import {renderAs} from '../report/renderers.js'
import type {FrameworkId} from '../readiness/frameworks.js'
import {preparationFailReason, preparationGate} from '../readiness/gate.js'

export default class Prepare extends BaseCommand {
  static override summary = 'Score the inventory against the IRM #5 Preparation items (validate + diff + readiness checks).'
  static override description =
    'Runs every readiness check of the policy pack (log retention, restore tests, monitoring coverage and freshness, isolation, contacts, ' +
    'alert process, inventory and map freshness from git, unwanted access points from the live diff, baselines and critical flows) and ' +
    'prints a scored report. The inventory must validate (exit 2 otherwise). Exit 1 when the score is under --fail-under or a failing ' +
    'check is at or above --fail-on; by default the report is informational (exit 0).'

  static override examples = [
    '<%= config.bin %> prepare',
    '<%= config.bin %> prepare --as-of 2026-11-01 --format markdown --output readiness.md',
    '<%= config.bin %> prepare --policy policies/retention-pci.yaml --fail-under 80 --fail-on high',
    '<%= config.bin %> prepare --framework pci --format markdown --output pci.md',
  ]

  static override flags = {
    'pass-env': passEnvFlag,
    inventory: inventoryFlag,
    policy: Flags.string({summary: 'Policy pack merged over the default and the discovered irm-audit.policy.yaml (repeatable, applied in order).', multiple: true}),
    'fail-under': Flags.integer({summary: 'Exit 1 when the score is below this (0–100).', min: 0, max: 100}),
    'fail-on': failOnFlag('none'),
    'fail-on-new': Flags.string({
      summary: 'Exit 1 when the live diff has a finding at or above this severity that is new since --baseline (without --baseline: any finding).',
      options: [...SEVERITY_OPTIONS],
      default: 'none',
    }),
    baseline: Flags.string({summary: 'A previous `diff --format json` report (e.g. of the target branch): the live-diff findings are marked new or unchanged.'}),
    'max-length': maxLengthFlag,
    format: formatFlag(PREPARE_RENDERERS),
    'link-base': linkBaseFlag,
    output: outputFlag,
    'as-of': asOfFlag,
    live: liveFlag,
    ignore: Flags.string({summary: 'Suppression file for the live diff (default: .irm-audit-ignore.yaml at the git top level of the inventory).'}),
    'no-diff': Flags.boolean({summary: 'Do not parse live configs (the checks that need the diff warn).', default: false}),
    'no-git': Flags.boolean({summary: 'Do not read git history (the versioning check warns).', default: false}),
    'access-logs': Flags.string({summary: 'Authentication logs for the rare-locations check (see access-logs; repeatable).', multiple: true}),
    geo: Flags.string({summary: 'Offline location table for --access-logs: CSV or MaxMind .mmdb (repeatable).', multiple: true}),
    traffic: Flags.string({summary: 'Flow logs for the baseline check (see traffic; repeatable).', multiple: true}),
    framework: Flags.string({
      summary: 'Present the results by the requirements of a framework (pci also applies the pci retention profile unless a --policy file names one).',
      options: ['cis', 'csf', 'dora', 'nis2', 'pci'],
    }),
    'no-color': noColorFlag,
    jobs: jobsFlag,
  }

  async run(): Promise<PrepareReport> {
    const {flags} = await this.parse(Prepare)
    passProgramEnv(flags['pass-env'] ?? [])
    const {report, loaded, policy, diff} = await runPrepare({
      inventoryDir: flags.inventory,
      jobs: flags.jobs,
      policyFiles: flags.policy,
      asOf: readAsOf(flags['as-of']),
      live: flags.live,
      ignoreFile: flags.ignore,
      noDiff: flags['no-diff'],
      noGit: flags['no-git'],
      displayBase: process.cwd(),
      accessLogs: flags['access-logs'],
      geo: flags.geo,
      traffic: flags.traffic,
      baselineFile: flags.baseline,
      framework: flags.framework as FrameworkId | undefined,
    })
    const gate = preparationGate(report, {failUnder: flags['fail-under'] ?? policy.scoring.fail_under, failOn: flags['fail-on'] as never, failOnNew: flags['fail-on-new'] as never}, diff)
    const rendered = await renderAs(PREPARE_RENDERERS, flags.format, {report, loaded, policy, diff}, {
      gate,
      paint: this.paint(flags['no-color']),
      version: this.config.version,
      maxLength: flags['max-length'],
      linkBase: flags['link-base'],
      output: flags.output,
    })
    const failUnder = flags['fail-under'] ?? policy.scoring.fail_under
    const reason = gate.fails ? (preparationFailReason(report, failUnder, flags['fail-on'] as never) ?? gate.reasons.join('; ')) : undefined
    await this.emit(rendered, flags.output, [loaded.dir], reason)
    return report
  }
}
