/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * #23: `prepare --format html` on the example is one self-contained file: opened in headless Chromium at
 * 1200 px it requests nothing but file: and data: URLs, logs no console error, has every section, a map
 * node for every zone of the inventory, and no text under 10 px. The screenshot is written for review
 * (tests/slow/out/example-report.png, not committed).
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {chromium} from 'playwright-core'
import {describe, expect, it} from 'vitest'

import {loadInventory} from '../../src/inventory/load.js'
import {ROOT} from '../helpers/sources.js'

const WIDTH = 1200
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const SECTIONS = ['summary', 'checks', 'findings', 'crosswalk', 'map']

describe('prepare --format html in Chromium', () => {
  it('loads with zero network requests, every section, one map node per zone, text >= 10 px, no console error; screenshot', async () => {
    const out = join(ROOT, 'tests/slow/out')
    mkdirSync(out, {recursive: true})
    const html = join(out, 'report.html')
    const run = (file: string) => spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'prepare', '--as-of', '2026-11-25', '--format', 'html', '-o', file], {cwd: ROOT, encoding: 'utf8'})
    const r = run(html)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // byte-stable: a second run writes the same bytes (the Graphviz layout included)
    expect(run(join(out, 'report-again.html')).status).toBe(0)
    expect(readFileSync(join(out, 'report-again.html'), 'utf8')).toBe(readFileSync(html, 'utf8'))
    const zones = (await loadInventory(join(ROOT, 'inventory'), {displayBase: ROOT})).inventory.zones.map((z) => `z:${z.id}`)

    expect(CHROMIUM, 'Debian package chromium (apt-get install chromium; .ci/run installs it)').toBeDefined()
    const browser = await chromium.launch({executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : []})
    try {
      const page = await browser.newPage({viewport: {width: WIDTH, height: 900}})
      const requests: string[] = []
      const errors: string[] = []
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      page.on('pageerror', (e) => errors.push(e.message))
      await page.route('**/*', (route) => {
        const url = route.request().url()
        requests.push(url)
        return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort()
      })
      await page.goto(pathToFileURL(html).href, {waitUntil: 'load'})
      const facts = await page.evaluate(() => {
        const scaleOf = (n: Element) => {
          let g: Element | null = n
          while (g && !(g instanceof SVGGraphicsElement)) g = g.parentElement
          return g ? (g as SVGGraphicsElement).getScreenCTM()!.a : 1
        }
        let minPx = Infinity
        let minText = ''
        for (const n of document.body.querySelectorAll('*')) {
          if (![...n.childNodes].some((c) => c.nodeType === 3 && c.textContent!.trim())) continue
          const px = parseFloat(getComputedStyle(n).fontSize) * scaleOf(n)
          if (px < minPx) {
            minPx = px
            minText = n.textContent!.trim().slice(0, 60)
          }
        }
        return {
          ids: [...document.querySelectorAll('section[id]')].map((s) => s.id),
          nodes: [...document.querySelectorAll('#map svg g.node > title')].map((t) => t.textContent),
          minPx,
          minText,
          links: [...document.querySelectorAll('a.loc')].map((a) => a.getAttribute('href')),
        }
      })
      await page.screenshot({path: join(out, 'example-report.png'), fullPage: true})
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([])
      expect(requests).toEqual([pathToFileURL(html).href])
      expect(errors).toEqual([])
      expect(facts.ids).toEqual(expect.arrayContaining(SECTIONS))
      for (const z of zones) expect(facts.nodes, z).toContain(z)
      expect(facts.minPx, `smallest text "${facts.minText}"`).toBeGreaterThanOrEqual(10)
      // file:line links relative to the report (tests/slow/out → the example inventory)
      expect(facts.links).toContain('../../../inventory/live/gw-lyon.iptables')
      expect(existsSync(join(out, 'example-report.png'))).toBe(true)
    } finally {
      await browser.close()
    }
  })
})
