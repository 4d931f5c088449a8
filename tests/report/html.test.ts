import {join} from 'node:path'

import {describe, expect, it, vi} from 'vitest'

import {runDiff} from '../../src/diff/run.js'
import {makeLinker, mapSvg, renderDiffHtml} from '../../src/report/html.js'
import {networkMap} from '../../src/report/map.js'
import {ROOT} from '../helpers/sources.js'

vi.setConfig({testTimeout: 120_000})

describe('html report', () => {
  it('links file:line relative to the report, or under --link-base with #L', () => {
    const rel = makeLinker(undefined, 'out/reports/r.html', '/repo')
    expect(rel('inventory/live/pa-dc.xml', 512)).toBe('../../inventory/live/pa-dc.xml')
    expect(makeLinker(undefined, undefined, '/repo')('inventory/a b.yaml')).toBe('inventory/a%20b.yaml')
    const web = makeLinker('https://git.example/org/inv/blob/abc123', undefined, '/repo')
    expect(web('inventory/live/pa-dc.xml', 512)).toBe('https://git.example/org/inv/blob/abc123/inventory/live/pa-dc.xml#L512')
  })

  it('diff --format html: sections, findings with links, no script and no external reference, byte-stable map', async () => {
    const {report, loaded} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: '2026-11-25', displayBase: ROOT})
    const map = networkMap(loaded.inventory, report.findings)
    const html = await renderDiffHtml(report, {link: makeLinker(undefined, undefined, ROOT), map})
    for (const id of ['summary', 'findings', 'crosswalk', 'map']) expect(html).toContain(`<section id="${id}">`)
    expect(html).toContain('<a class="loc" href="inventory/live/gw-lyon.iptables">inventory/live/gw-lyon.iptables:29</a>')
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i)
    // the only absolute URLs are the SVG namespaces, which are names, not requests
    expect([...new Set(html.match(/https?:\/\/[^"'\s)]+/g))].sort()).toEqual(['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg'])
    expect(html).toContain('pci-dss-4.0.1/1.4.2')
    const svg = await mapSvg(map)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(await mapSvg(map)).toBe(svg)
    // one node per zone of the example
    // Graphviz writes '-' as &#45; in titles
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1].replace(/&#45;/g, '-'))
    for (const z of loaded.inventory.zones) expect(titles).toContain(`z:${z.id}`)
  })
})

describe('prepare html with --framework', () => {
  it('shows the requirement view with not-covered rows and the weaker marking', async () => {
    const {runPrepare} = await import('../../src/readiness/run.js')
    const {renderPrepareHtml} = await import('../../src/report/html.js')
    const {report, diff} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: '2026-11-25', displayBase: ROOT, noGit: true, framework: 'pci', policyFiles: [join(ROOT, 'policies/retention-cis.yaml')]})
    const html = await renderPrepareHtml(report, diff, {link: makeLinker(undefined, undefined, ROOT)})
    expect(html).toContain('<h3 id="framework">PCI DSS 4.0.1 by requirement (sections 1, 10, 11.5, 12.10)</h3>')
    expect(html).toContain('<tr><td>PCI DSS 4.0.1 1.1.1<br><span class="muted">network security control policies documented and in use</span></td><td><span class="not-covered">not covered by this tool</span></td>')
    expect(html).toContain("weaker than the requirement: retention profile 'cis' asks 90 days, the requirement 365")
    for (const id of ['summary', 'checks', 'findings', 'crosswalk', 'map']) expect(html).toContain(`<section id="${id}">`)
  })
})
