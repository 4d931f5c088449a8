/**
 * The fast XML scan (src/sources/xml-scan.ts) against saxes, the reader it stands in for (issue 19):
 * where the scan reads a document, saxes reads it too and gives the same events (tag names, attributes,
 * lines, the text of each element); where saxes refuses one, the scan gives up. Checked on every XML
 * file of the corpus and fixtures, on hand-made documents at the edges of what the scan takes, and on
 * random edits of a config.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {MAX_NESTING} from '../../src/core/limits.js'
import {scanXml} from '../../src/sources/xml-scan.js'
import {saxesXml, type XmlHandlers} from '../../src/sources/xml.js'
import {CORPUS, filesUnder, FIXTURES} from '../helpers/sources.js'

/** The events as one list; consecutive text pieces joined (saxes and the scan may cut text apart differently). */
function recorder(): {handlers: XmlHandlers; events: string[]} {
  const events: string[] = []
  let text: string | undefined
  const flush = () => {
    if (text !== undefined && text !== '') events.push(`text ${JSON.stringify(text)}`)
    text = undefined
  }
  return {
    events,
    handlers: {
      open(name, attrs, line) {
        flush()
        events.push(`open ${name} ${JSON.stringify(Object.entries(attrs))} ${line} ${Object.getPrototypeOf(attrs) === null}`)
      },
      text(t) {
        text = (text ?? '') + t
      },
      close() {
        flush()
        events.push('close')
      },
    },
  }
}

function viaScan(text: string, depth = MAX_NESTING): string[] | null {
  const r = recorder()
  return scanXml(text, r.handlers, depth) ? r.events : null
}

function viaSaxes(text: string): string[] | Error {
  const r = recorder()
  try {
    saxesXml(text, 'test.xml', r.handlers)
    return r.events
  } catch (e) {
    return e as Error
  }
}

/** The scan read it as saxes does, or gave up; `read` says it must have read it. */
function agrees(text: string, read = false): void {
  const scan = viaScan(text)
  if (read) expect(scan, 'the scan gave up').not.toBeNull()
  if (scan === null) return
  expect(scan).toEqual(viaSaxes(text))
}

const CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported -->
<pfsense>
\t<version>22.2</version>
\t<system><hostname>fw &amp; co</hostname><webgui><protocol>https</protocol></webgui></system>
\t<filter>
\t\t<rule>
\t\t\t<type>pass</type>
\t\t\t<source><any/></source>
\t\t\t<destination
\t\t\t   ><address>10.0.0.1</address><port>443</port></destination>
\t\t\t<descr><![CDATA[web <1> & "2"]]></descr>
\t\t</rule>
\t</filter>
\t<entry name="a&lt;b" uuid='x"y' >text<!-- c --> more</entry>
</pfsense>
`

describe('XML scan', () => {
  it('reads every XML file of the corpus and fixtures as saxes does', () => {
    let n = 0
    for (const root of [CORPUS, FIXTURES]) {
      for (const f of filesUnder(root)) {
        if (!f.endsWith('.xml')) continue
        const text = readFileSync(f, 'utf8')
        // an invalid file (hostile fixtures) only has to be given up on
        agrees(text, !(viaSaxes(text) instanceof Error) && !f.includes('hostile'))
        n++
      }
    }
    expect(n).toBeGreaterThan(10)
  })

  it('reads the common shape: declaration, entities, CDATA, comments, tags over several lines', () => {
    agrees(CONFIG, true)
    agrees(`<a b = "1"\n c='2'\n/>`, true)
    agrees(`<?xml version='1.0' standalone="yes"?><a>]]</a>`, true)
    agrees(`<a>&lt;&gt;&amp;&quot;&apos;</a>\n<!-- after -->\n`, true)
    agrees(`<a><![CDATA[]]><![CDATA[x\ny]]></a>`, true)
    agrees(`<a>é ü 中</a>`, true)
  })

  it('gives up on what it does not take, and on every error', () => {
    const hard = [
      '', ' ', 'text', '<a>', '</a>', '<a></b>', '<a><b></a></b>', '<a/><b/>', '<a/>x', '<a b="1" b="2"/>', '<a b=1/>',
      '<a b="<"/>', '<a>]]></a>', '<a>&nbsp;</a>', '<a>&#65;</a>', '<a>&lt</a>', '<a>&;</a>', '<a><!-- x -- y --></a>',
      '<a><!-- x ---></a>', '<!DOCTYPE a><a/>', '<?pi x?><a/>', '<a><?pi x?></a>', ' <?xml version="1.0"?><a/>',
      '<?xml version="1.1"?><a/>', '<?xml encoding="UTF-8"?><a/>', '\uFEFF<a/>', '<a>\r\n</a>', '<a>\u0001</a>',
      '<a b="\t"/>', '<a b="x\ny"/>', '<1a/>', '<a:b/>', '< a/>', '<a/ >', '<a b="1"c="2"/>', '<a><![CDATA[x</a>',
      '<![CDATA[x]]><a/>', '<a>\uD83D\uDE00</a>', '<a>\uFFFE</a>', '<a>x</a >', '<a', '<a b="1', '<a><!-- x',
    ]
    for (const text of hard) {
      const scan = viaScan(text)
      if (scan !== null) expect(scan, JSON.stringify(text)).toEqual(viaSaxes(text))
      if (viaSaxes(text) instanceof Error) expect(scan, JSON.stringify(text)).toBeNull()
    }
    expect(viaScan('<a>&nbsp;</a>')).toBeNull()
    expect(viaScan('<a b="1" b="2"/>')).toBeNull()
  })

  it('gives up past the nesting limit (saxes then reports it)', () => {
    const deep = `${'<a>'.repeat(5)}${'</a>'.repeat(5)}`
    expect(viaScan(deep, 5)).not.toBeNull()
    expect(viaScan(deep, 4)).toBeNull()
  })

  it('never reads an edited config differently from saxes', () => {
    const pieces = ['<', '>', '/', '"', "'", '&', ';', '=', ' ', '\n', '\t', '\r', ']]>', '<!--', '-->', '--', '<![CDATA[', '&amp;', '&foo;', 'a', 'é', '\u0000', '?']
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(CONFIG.length), fc.nat(3), fc.constantFrom(...pieces)), {minLength: 1, maxLength: 4}), (edits) => {
        let text = CONFIG
        for (const [at, cut, piece] of edits) text = text.slice(0, at) + piece + text.slice(Math.min(text.length, at + cut))
        const scan = viaScan(text)
        const saxes = viaSaxes(text)
        if (scan !== null) expect(scan).toEqual(saxes)
        if (saxes instanceof Error) expect(scan).toBeNull()
      }),
      {numRuns: 3000, seed: 19},
    )
  })
})
