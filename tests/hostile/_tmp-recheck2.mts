import {check} from 'recheck'
import {regexSources} from './regex-sources.js'
const all = regexSources(process.cwd())
const t = Date.now()
const res = [] as any[]; for (let i = 0; i < all.length; i += 8) res.push(...await Promise.all(all.slice(i, i + 8).map((r) => check(r.source, r.flags.replace(/[^gimsuy]/g, ""), {timeout: 10000}).then((x) => ({r, x})))))
for (const {r, x} of res) if (x.status !== 'safe') console.log(x.status, x.status === 'vulnerable' ? x.complexity.summary : '', `${r.file}:${r.line}`, r.source.slice(0, 100))
console.log('ms', Date.now() - t, res.filter((y) => y.x.status !== 'safe').length)
