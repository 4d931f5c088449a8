/**
 * `prepare --format`: one renderer per format, in one table (the flag's options are its keys). Each
 * renderer gets the whole run; with --no-diff the run has no diff and the renderers say so.
 */
import type {GateVerdict} from '../readiness/gate.js'
import type {PrepareRun} from '../readiness/run.js'
import {makeLinker, renderPrepareHtml} from './html.js'
import {renderJson} from './json.js'
import {networkMap, renderMermaid} from './map.js'
import {renderPrepareJunit, renderPrepareMarkdown, renderPrepareSarif, renderPrepareText} from './prepare.js'
import type {RendererTable, RenderOptions} from './renderers.js'

export interface PrepareRenderOptions extends RenderOptions {
  gate: GateVerdict
  maxLength?: number
  linkBase?: string
  output?: string
}


export const PREPARE_RENDERERS = {
  text: (run, o) => renderPrepareText(run.report, o.paint),
  json: (run) => renderJson(run.report),
  markdown: (run, o) => renderPrepareMarkdown(run.report, renderMermaid(networkMap(run.loaded.inventory, run.diff?.findings ?? [])), {diff: run.diff, gate: o.gate, maxLength: o.maxLength}),
  sarif: (run, o) => renderPrepareSarif(run.report, o.version),
  junit: (run) => renderPrepareJunit(run.report),
  html: (run, o) => renderPrepareHtml(run.report, run.diff, {link: makeLinker(o.linkBase, o.output, process.cwd()), map: networkMap(run.loaded.inventory, run.diff?.findings ?? [])}),
} satisfies RendererTable<PrepareRun, PrepareRenderOptions>

export type PrepareFormat = keyof typeof PREPARE_RENDERERS
