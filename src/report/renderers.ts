/**
 * Every report is rendered through one table, format → renderer. A command's `--format` options are the
 * keys of its table, in the table's order, so the help text, the flag's validation and the dispatch read
 * the same list and cannot drift apart.
 */
import {IrmError} from '../core/errors.js'
import type {Paint} from './output.js'

/** What every renderer may use; a report that needs more (diff, prepare) extends it. */
export interface RenderOptions {
  paint: Paint
  /** The tool's version, for SARIF's `tool.driver.version`. */
  version: string
}

/** A renderer gives the whole text, or (`T = Iterable<string>`) chunks written as they come. */
export type Renderer<R, O = RenderOptions, T = string> = (report: R, o: O) => T | Promise<T>

export type RendererTable<R, O = RenderOptions, T = string> = Record<string, Renderer<R, O, T>>

/** The formats of a table, in its order: the options of `--format`. */
export function formatsOf(table: object): string[] {
  return Object.keys(table)
}

/** Render `report` as `format`; a format outside the table is a usage error (oclif refuses it first). */
export async function renderAs<R, O, T = string>(table: RendererTable<R, O, T>, format: string, report: R, o: O): Promise<T> {
  if (!Object.hasOwn(table, format)) {
    throw new IrmError('USAGE', `--format ${format}: not a format of this report`, {hint: `Use one of: ${formatsOf(table).join(', ')}.`})
  }
  return table[format](report, o)
}
