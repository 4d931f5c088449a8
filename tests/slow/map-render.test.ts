/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * #18: the map a reviewer reads is legible. The example's Mermaid map (with the diff's findings) is
 * rendered by mermaid 11 from node_modules in headless Chromium at 1200 px, as a pull-request page
 * would; the smallest rendered text must be at least 10 px. The PNG is written for review
 * (tests/slow/out/example-map.png, not committed).
 */
import {existsSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'

import {chromium} from 'playwright-core'
import {describe, expect, it} from 'vitest'

import {runDiff} from '../../src/diff/run.js'
import {networkMap, renderMermaid} from '../../src/report/map.js'
import {ROOT} from '../helpers/sources.js'

const WIDTH = 1200
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const MERMAID = join(createRequire(import.meta.url).resolve('mermaid/package.json'), '../dist/mermaid.min.js')

/** Rendered size of every text of the SVG: computed font size × the scale of its SVG ancestor. */
async function render(text: string, png: string): Promise<{minPx: number; minText: string; width: number; labels: string[]}> {
  expect(CHROMIUM, 'Debian package chromium (apt-get install chromium; .ci/run installs it)').toBeDefined()
  const browser = await chromium.launch({executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : []})
  try {
    const page = await browser.newPage({viewport: {width: WIDTH, height: 900}})
    await page.setContent(`<!doctype html><html><body style="margin:0"><div id="map" style="width:${WIDTH}px"></div></body></html>`)
    await page.addScriptTag({path: MERMAID})
    const result = await page.evaluate(async (source) => {
      const m = (globalThis as unknown as {mermaid: {initialize(c: object): void; render(id: string, s: string): Promise<{svg: string}>}}).mermaid
      m.initialize({startOnLoad: false})
      const {svg} = await m.render('irm-map', source)
      const host = document.getElementById('map')!
      host.innerHTML = svg
      const root = host.querySelector('svg')!
      const scaleOf = (n: Element) => {
        let g: Element | null = n
        while (g && !(g instanceof SVGGraphicsElement)) g = g.parentElement
        return g ? (g as SVGGraphicsElement).getScreenCTM()!.a : 1
      }
      let minPx = Infinity
      let minText = ''
      const labels: string[] = []
      for (const n of root.querySelectorAll('span, p, div, text, tspan')) {
        const own = [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent!.trim())
        if (!own) continue
        labels.push(n.textContent!.trim())
        const px = parseFloat(getComputedStyle(n).fontSize) * scaleOf(n)
        if (px < minPx) {
          minPx = px
          minText = n.textContent!.slice(0, 60)
        }
      }
      return {minPx, minText, width: root.getBoundingClientRect().width, height: root.getBoundingClientRect().height, labels}
    }, text)
    await page.setViewportSize({width: Math.ceil(Math.max(WIDTH, result.width)), height: Math.ceil(result.height)})
    await page.screenshot({path: png, fullPage: true})
    return result
  } finally {
    await browser.close()
  }
}

describe('the example map rendered by Mermaid in Chromium', () => {
  it('has no text under 10 px at 1200 px, shows the blocked zone pair and the findings, and writes a PNG', async () => {
    const {report, loaded} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: '2026-11-25', displayBase: ROOT})
    const out = join(ROOT, 'tests/slow/out')
    mkdirSync(out, {recursive: true})
    const png = join(out, 'example-map.png')
    const r = await render(renderMermaid(networkMap(loaded.inventory, report.findings)), png)
    expect(r.minPx, `smallest text "${r.minText}"`).toBeGreaterThanOrEqual(10)
    expect(existsSync(png)).toBe(true)
    // what a reviewer must find on it: the RDP opening, the drift, the blocked SIEM flow (Frankfurt only)
    const all = r.labels.join('\n')
    expect(all).toContain('UNWANTED: tcp/3389')
    expect(all).toContain('DRIFT ap-lyon-edi-sftp: tcp/22')
    expect(r.labels.filter((l) => l.startsWith('BLOCKED Device logs to the SIEM collector'))).toHaveLength(1)
    expect(r.labels.filter((l) => l.startsWith('Device logs to the SIEM collector'))).toHaveLength(1)
  })
})
