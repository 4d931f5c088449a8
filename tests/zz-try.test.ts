import {it} from 'vitest'
import {parseFixture} from './helpers/sources.js'
it('x', async () => {
  for (const [t, f] of JSON.parse(process.env.FX!)) {
    const r = await parseFixture(t, f)
    console.log(JSON.stringify({ex: r.exposures.map((e) => [e.line, e.rule, e.protocol, e.from.join(' '), e.to.join(' '), e.ports.join(' '), e.translated, e.notes]), un: r.unparsed.map((u) => [u.line, u.reason, u.text]), st: r.stats}, null, 0).replace(/\],\[/g, '],\n['))
  }
})
