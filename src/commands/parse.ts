import {statSync} from 'node:fs'

import {Args, Flags, ux} from '@oclif/core'

import {BaseCommand, formatFlag, noColorFlag, outputFlag} from '../cli/base-command.js'
import {passEnvFlag} from '../cli/flags.js'
import {passProgramEnv} from '../sources/pulumi-program.js'
import {IrmError} from '../core/errors.js'
import {attachmentZones} from '../diff/attachment-zones.js'
import {parseReport, type ParseReport} from '../report/parse-report.js'
import {PARSE_RENDERERS} from '../report/parse-formats.js'
import {renderAs} from '../report/renderers.js'
import {DEFAULT_MAX_CONFIG_BYTES, loadConfig} from '../sources/load.js'

export default class Parse extends BaseCommand {
  static override summary = 'Show the normalized exposures of one live config (for debugging a parser).'
  static override description =
    'Parses FILE with the parser named by --type (or detected from its content) and prints every effective permit, ' +
    'and every line the parser did not understand, with its line number. Secrets are redacted.'

  static override examples = [
    '<%= config.bin %> parse inventory/live/gw-lyon.iptables',
    '<%= config.bin %> parse edge.cfg --type cisco-asa --format json',
    '<%= config.bin %> parse inventory/live/fw-edge-1.asa.cfg --inventory inventory --device fw-edge-1 --format json',
  ]

  static override args = {
    file: Args.string({description: 'Config file (FILE or FILE:type).', required: true}),
  }

  static override flags = {
    'pass-env': passEnvFlag,
    type: Flags.string({char: 't', summary: "Config format (see 'irm-audit sources'); detected when omitted."}),
    format: formatFlag(PARSE_RENDERERS),
    output: outputFlag,
    'no-color': noColorFlag,
    'max-config-bytes': Flags.integer({summary: 'Refuse configs larger than this.', default: DEFAULT_MAX_CONFIG_BYTES}),
    inventory: Flags.string({char: 'i', summary: 'Inventory folder: fill ingress/egress inventory_zones as the diff maps them (with --device).'}),
    device: Flags.string({summary: 'Device id in the inventory whose interfaces this config describes (with --inventory).'}),
    'include-root': Flags.directory({
      summary: "Folder absolute 'include' paths (nftables, strongSwan) are read under; nothing outside it is read. Default: the config's folder.",
      exists: true,
    }),
  }

  async run(): Promise<ParseReport | void> {
    const {args, flags} = await this.parse(Parse)
    passProgramEnv(flags['pass-env'] ?? [])
    let path = args.file
    let type = flags.type
    // FILE:type, unless the colon belongs to a Windows drive letter
    const m = /^(.+):([a-z][a-z0-9-]*)$/.exec(path)
    if (!type && m && !/^[A-Za-z]$/.test(m[1])) {
      path = m[1]
      type = m[2]
    }
    // a spinner on a terminal for big files; never in CI logs, pipes or --json
    const big = process.stderr.isTTY && !this.jsonEnabled() && (statSync(path, {throwIfNoEntry: false})?.size ?? 0) > 8 << 20
    if (big) ux.action.start(`parsing ${path}`, undefined, {stdout: false})
    const loaded = await loadConfig(path, {type, maxBytes: flags['max-config-bytes'], includeRoot: flags['include-root']}).finally(() => big && ux.action.stop())
    if (!flags.inventory !== !flags.device) {
      throw new IrmError('USAGE', '--inventory and --device go together', {hint: 'Name the inventory folder and the device id this config belongs to: --inventory inventory --device fw-edge-1.'})
    }
    const zonesOf = flags.inventory && flags.device ? await attachmentZones(flags.inventory, flags.device, loaded.device) : undefined
    // under --json oclif prints the returned report object
    if (this.jsonEnabled()) return parseReport(loaded, zonesOf)
    const rendered = await renderAs(PARSE_RENDERERS, flags.format, {loaded, zonesOf}, this.renderOptions(flags['no-color']))
    // the default inventory folder and the config itself are never overwritten by the report
    await this.emit(rendered, flags.output, ['inventory', path, ...(flags.inventory ? [flags.inventory] : [])])
  }
}
