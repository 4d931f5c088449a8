/**
 * What every command shares: --format/--output/--no-color, and the one place where errors become exit
 * codes. Exit 1 means findings and nothing else; unusable input is 2 with file:line and a fix; an
 * unexpected error is 2 with "internal error" (stack only with DEBUG).
 */
import {Command, Flags} from '@oclif/core'

import {IrmError, isIrmError} from '../core/errors.js'
import {SCHEMA_VERSION} from '../report/json.js'
import {endWithNewline, paint, type Paint, useColor, writeAtomic, writeChunks} from '../report/output.js'
import {formatsOf, type RenderOptions} from '../report/renderers.js'

/** `--format`: its options are the keys of the report's renderer table (src/report/renderers.ts), in order. */
export const formatFlag = (renderers: object, defaultValue = 'text', summary = 'Output format.') =>
  Flags.string({
    char: 'f',
    summary,
    options: formatsOf(renderers),
    default: defaultValue,
  })

export const outputFlag = Flags.string({
  char: 'o',
  summary: 'Write the report to this file (atomically) instead of standard output.',
})

export const noColorFlag = Flags.boolean({
  summary: 'Disable colours (also when NO_COLOR is set or output is not a terminal).',
  default: false,
})

export const inventoryFlag = Flags.string({
  char: 'i',
  summary: 'Inventory folder.',
  default: 'inventory',
})

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  /** `--json` prints what `--format json` prints: the report with its `schema_version` first. */
  protected override toSuccessJson(result: unknown): unknown {
    return typeof result === 'object' && result !== null && !Array.isArray(result) ? {schema_version: SCHEMA_VERSION, ...result} : result
  }

  /**
   * A reader that stops early (`irm-audit parse … | head`) closes the pipe: the rest of the report has
   * nowhere to go, which is not an error. Stop quietly with the exit code the run has so far, as Unix
   * tools do, instead of an "internal error".
   */
  public override async init(): Promise<void> {
    await super.init()
    if (!process.stdout.listeners('error').includes(quitOnClosedPipe)) process.stdout.on('error', quitOnClosedPipe)
  }

  protected paint(noColor?: boolean): Paint {
    return paint(useColor(noColor, process.env, Boolean(process.stdout.isTTY)))
  }

  /** What every renderer of a report's table gets (src/report/renderers.ts). */
  protected renderOptions(noColor?: boolean): RenderOptions & {name: string} {
    return {paint: this.paint(noColor), version: this.config.version, name: this.config.name}
  }

  /**
   * Print or write a rendered report, whole or as chunks (written as they come, so a big report is
   * never one string), then the gate's verdict: with `failReason`, exit 1 and the reason as the last
   * line on stderr, so a CI log says why the step failed. The exit code is set before the first byte:
   * a reader that closes the pipe early (`| head`) still gets the verdict. Never this.exit(1): under
   * --json oclif prints the returned object instead, and must still print it.
   */
  protected async emit(content: string | Iterable<string>, output: string | undefined, protectedDirs: string[] = [], failReason?: string): Promise<void> {
    if (failReason) process.exitCode = 1
    if (!this.jsonEnabled()) {
      const body = typeof content === 'string' ? (content.endsWith('\n') ? content : `${content}\n`) : endWithNewline(content)
      if (output) await writeAtomic(output, body, protectedDirs)
      else if (typeof body === 'string') process.stdout.write(body)
      else await writeChunks(process.stdout, body)
    }
    if (failReason) process.stderr.write(`exit 1: ${failReason}\n`)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    if (isIrmError(err)) {
      if (this.jsonEnabled()) {
        this.logJson({error: {code: err.code, message: err.message, file: err.file, line: err.line, column: err.column, path: err.path, hint: err.hint}})
      } else {
        process.stderr.write(`irm-audit: ${err.describe()}\n`)
      }
      // the last line says why, even when a hint follows the message
      process.stderr.write(`exit 2: ${err.file ? `${err.file}: ` : ''}${err.message.split('\n')[0]}\n`)
      process.exitCode = 2
      return
    }
    if (isClosedPipe(err)) return
    // oclif's own parse errors (unknown flag, bad option value) are usage errors: exit 2
    const name = err?.constructor?.name ?? ''
    if (err?.oclif?.exit !== undefined && /Error/.test(name) && !/^ExitError$/.test(name)) {
      const usage = new IrmError('USAGE', err.message.split('\n')[0], {hint: `See '${this.config.bin} ${this.id ?? ''} --help'.`})
      return this.catch(usage)
    }
    if (err?.oclif?.exit !== undefined) throw err
    if (process.env.DEBUG) process.stderr.write(`${err?.stack ?? err}\n`)
    const internal = new IrmError('USAGE', `internal error (${err?.name ?? 'Error'}), please report it`, {
      hint: 'Run again with DEBUG=1 to see the stack trace.',
    })
    process.stderr.write(`irm-audit: ${internal.describe()}\nexit 2: ${internal.message}\n`)
    process.exitCode = 2
  }
}

function isClosedPipe(err: unknown): boolean {
  return (err as {code?: string} | undefined)?.code === 'EPIPE'
}

function quitOnClosedPipe(err: Error): void {
  if (!isClosedPipe(err)) throw err
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
}
