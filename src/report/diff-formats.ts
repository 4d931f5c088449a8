/** `diff --format`: one renderer per format, in one table (the flag's options are its keys). */
import type {DiffReport} from '../diff/run.js'
import type {LoadedInventory} from '../inventory/load.js'
import {renderDiffMarkdown} from './diff-markdown.js'
import {renderDiffSarif} from './diff-sarif.js'
import {renderDiffText} from './diff-text.js'
import {makeLinker, renderDiffHtml} from './html.js'
import {SCHEMA_VERSION} from './json.js'
import {jsonChunks} from './json-stream.js'
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
  json: ({report}) => jsonChunks({schema_version: SCHEMA_VERSION, ...report}),
  markdown: ({report, loaded}, o) => renderDiffMarkdown(report, renderMermaid(networkMap(loaded.inventory, report.findings)), {maxLength: o.maxLength}),
  sarif: ({report}, o) => JSON.stringify(renderDiffSarif(report, o.version), null, 2),
  junit: ({report}) => renderDiffJunit(report),
  html: ({report, loaded}, o) => renderDiffHtml(report, {link: makeLinker(o.linkBase, o.output, process.cwd()), map: networkMap(loaded.inventory, report.findings)}),
} satisfies DiffRendererTable

export type DiffFormat = keyof typeof TABLE

export const DIFF_RENDERERS: DiffRendererTable = TABLE

/** Formats whose renderer prints the reach section (the others never read it: the diff skips building it). */
export const READS_REACH: ReadonlySet<string> = new Set<DiffFormat>(['json'])
