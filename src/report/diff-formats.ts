/** `diff --format`: one renderer per format, in one table (the flag's options are its keys). */
import type {DiffReport} from '../diff/run.js'
import type {LoadedInventory} from '../inventory/load.js'
import type {ReachReport} from '../paths/reach.js'
import {renderDiffMarkdown} from './diff-markdown.js'
import {renderDiffSarif} from './diff-sarif.js'
import {renderDiffText} from './diff-text.js'
import {makeLinker, renderDiffHtml} from './html.js'
import {SCHEMA_VERSION} from './json.js'
import {jsonChunks, LazyArray} from './json-stream.js'
import {renderDiffJunit} from './junit.js'
import {networkMap, renderMermaid} from './map.js'
import type {RendererTable, RenderOptions} from './renderers.js'

export interface DiffRenderOptions extends RenderOptions {
  maxLength?: number
  linkBase?: string
  output?: string
}

/** What a diff renderer gets, and what it gives: the whole text, or JSON's chunks. */
export type DiffRendererTable = RendererTable<{report: DiffReport; loaded: LoadedInventory}, DiffRenderOptions, string | Iterable<string>>

const TABLE = {
  text: ({report}, o) => renderDiffText(report, o.paint),
  // written as chunks: the reach section of a few hundred devices is longer than one string can be
  json: ({report}) => jsonChunks({schema_version: SCHEMA_VERSION, ...report, ...(report.reach ? {reach: onePathAtATime(report.reach)} : {})}),
  markdown: ({report, loaded}, o) => renderDiffMarkdown(report, renderMermaid(networkMap(loaded.inventory, report.findings)), {maxLength: o.maxLength}),
  sarif: ({report}, o) => JSON.stringify(renderDiffSarif(report, o.version), null, 2),
  junit: ({report}) => renderDiffJunit(report),
  html: ({report, loaded}, o) => renderDiffHtml(report, {link: makeLinker(o.linkBase, o.output, process.cwd()), map: networkMap(loaded.inventory, report.findings)}),
} satisfies DiffRendererTable

/** The reach section with its paths written one at a time: each makes its chains as it is written (paths/reach.ts). */
function onePathAtATime(reach: ReachReport): unknown {
  const {paths} = reach
  return {...reach, paths: new LazyArray(paths.length, (start, end) => paths.slice(start, end), 1)}
}

export type DiffFormat = keyof typeof TABLE

export const DIFF_RENDERERS: DiffRendererTable = TABLE

/** Formats whose renderer prints the reach section (the others never read it: the diff skips building it). */
export const READS_REACH: ReadonlySet<string> = new Set<DiffFormat>(['json'])
