/** `diff --format`: one renderer per format, in one table (the flag's options are its keys). */
import type {DiffReport} from '../diff/run.js'
import type {LoadedInventory} from '../inventory/load.js'
import {renderDiffMarkdown} from './diff-markdown.js'
import {renderDiffSarif} from './diff-sarif.js'
import {renderDiffText} from './diff-text.js'
import {makeLinker, renderDiffHtml} from './html.js'
import {renderJson} from './json.js'
import {renderDiffJunit} from './junit.js'
import {networkMap, renderMermaid} from './map.js'
import type {RendererTable, RenderOptions} from './renderers.js'

export interface DiffRenderOptions extends RenderOptions {
  maxLength?: number
  linkBase?: string
  output?: string
}

export const DIFF_RENDERERS = {
  text: ({report}, o) => renderDiffText(report, o.paint),
  json: ({report}) => renderJson(report),
  markdown: ({report, loaded}, o) => renderDiffMarkdown(report, renderMermaid(networkMap(loaded.inventory, report.findings)), {maxLength: o.maxLength}),
  sarif: ({report}, o) => JSON.stringify(renderDiffSarif(report, o.version), null, 2),
  junit: ({report}) => renderDiffJunit(report),
  html: ({report, loaded}, o) => renderDiffHtml(report, {link: makeLinker(o.linkBase, o.output, process.cwd()), map: networkMap(loaded.inventory, report.findings)}),
} satisfies RendererTable<{report: DiffReport; loaded: LoadedInventory}, DiffRenderOptions>

export type DiffFormat = keyof typeof DIFF_RENDERERS

/** Formats whose renderer prints the reach section (the others never read it: the diff skips building it). */
export const READS_REACH: ReadonlySet<string> = new Set<DiffFormat>(['json'])
