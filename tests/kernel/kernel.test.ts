/**
 * The Linux kernel as the oracle (issue 16): seeded iptables-save and nftables rulesets are loaded into
 * network namespaces (client → ruleset host → server, inside `unshare --net --mount` so nothing outlives
 * a run), probes are sent at every rule's box corners, and the suite's own nftables table records what
 * each hook let through. Every probe point the kernel accepts must lie in an exposure of the same hook
 * (a missed exposure fails); exposures the kernel does not confirm are reported, not gated.
 *
 * KERNEL_SEED=<n> replays a run. Needs root, unshare, iproute2, nftables, iptables, ipset and python3.
 */
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {afterAll, describe, expect, it} from 'vitest'

import type {Exposure} from '../../src/model/exposure.js'
import {iptables} from '../../src/sources/iptables.js'
import {nftables} from '../../src/sources/nftables.js'
import type {ParseResult} from '../../src/sources/types.js'
import {FEATURES, type Generated, generateAll} from './generate.js'
import {compare, type Comparison, covering, probesFor, readObserver} from './probes.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const RUN = join(HERE, 'netns-run.sh')
const COUNT = 44
const SEED = process.env.KERNEL_SEED ? Number(process.env.KERNEL_SEED) : Math.floor(Math.random() * 2 ** 31)
const run = promisify(execFile)

/** Why namespaces cannot be made here, or null when they can. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN'
  for (const tool of ['unshare', 'ip', 'nft', 'iptables-restore', 'ip6tables-restore', 'ipset', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'})
    } catch {
      return `${tool} is not installed (apt-get install iptables nftables ipset iproute2 python3)`
    }
  }
  try {
    execFileSync('unshare', ['--net', '--mount', 'sh', '-c', 'ip link add kt0 type veth peer name kt1 && nft add table inet kt_probe'], {stdio: 'pipe'})
  } catch (e) {
    return `unshare --net --mount cannot make a network namespace here: ${String((e as {stderr?: Buffer}).stderr ?? e).trim()}`
  }
  return null
}

const reason = unavailable()
const rulesets = generateAll(SEED, COUNT)
const results = new Map<string, Comparison>()

function parse(g: Generated): ParseResult {
  const parser = g.format === 'iptables' ? iptables : nftables
  return parser.parse(g.text, {file: `${g.name}.${g.format === 'iptables' ? 'rules' : 'nft'}`}) as ParseResult
}

async function kernelRun(g: Generated, probesJson: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `irm-kernel-${process.pid}-`))
  try {
    for (const [name, text] of Object.entries(g.files)) writeFileSync(join(dir, name), text)
    writeFileSync(join(dir, 'probes.json'), probesJson)
    const {stdout} = await run('unshare', ['--net', '--mount', 'bash', RUN, dir, g.format], {timeout: 60_000, maxBuffer: 64 << 20})
    return stdout
  } catch (e) {
    const err = e as {stderr?: string; message: string}
    throw new Error(`${g.name}: the kernel run failed: ${(err.stderr || err.message).trim()}\n--- ruleset ---\n${g.text}`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

console.log(`kernel differential suite: seed ${SEED} (replay with KERNEL_SEED=${SEED}), ${COUNT} rulesets`)

describe('generated rulesets', () => {
  it(`are at least 40, and every feature appears in at least 5 (seed ${SEED})`, () => {
    expect(rulesets.length).toBeGreaterThanOrEqual(40)
    const counts = Object.fromEntries(FEATURES.map((f) => [f, rulesets.filter((g) => g.features.has(f)).length]))
    for (const f of FEATURES) expect(counts[f], `feature ${f}: ${counts[f]} rulesets`).toBeGreaterThanOrEqual(5)
  })

  it('parse without unparsed lines', () => {
    for (const g of rulesets) expect(parse(g).unparsed, g.name).toEqual([])
  })
})

if (reason && process.env.CI === '1') {
  describe('kernel differential suite', () => {
    it('can make network namespaces (required under CI=1)', () => {
      throw new Error(`the kernel suite cannot run: ${reason}`)
    })
  })
} else if (reason) {
  console.log(`kernel differential suite skipped: ${reason}`)
  describe.skip('kernel differential suite', () => {
    it('needs network namespaces', () => {})
  })
} else {
  describe('kernel differential suite', () => {
    afterAll(() => {
      const all = [...results.values()]
      const sum = (f: (c: Comparison) => number) => all.reduce((n, c) => n + f(c), 0)
      console.log(
        `kernel suite (seed ${SEED}): ${all.length} rulesets, ${sum((c) => c.probes)} probes, ${sum((c) => c.accepted)} accepted by the kernel (${sum((c) => c.translated)} after DNAT), ` +
          `${sum((c) => c.missed.length)} missed by the exposures, ${sum((c) => c.falseExposures.length)} listed but not accepted (reported, not gated)`,
      )
    })

    it.concurrent.each(rulesets.map((g, i) => [g.name, g, i] as const))('%s: every point the kernel accepts is in an exposure of its hook', async (_name, g, i) => {
      const exposures: Exposure[] = parse(g).exposures
      const probes = probesFor(g, SEED * 7 + i)
      const seen = readObserver(await kernelRun(g, JSON.stringify(probes)))
      const c = compare(exposures, probes, seen)
      results.set(g.name, c)
      if (c.falseExposures.length) console.log(`${g.name}: ${c.falseExposures.length} probe(s) listed in an exposure but not accepted by the kernel`)
      // KERNEL_VERBOSE=1: which rules list them
      if (process.env.KERNEL_VERBOSE) {
        for (const p of c.falseExposures) {
          const rules = covering(exposures, p.hook, p, p.dst, p.dport).map((e) => `${e.rule}${e.notes?.length ? ` (${e.notes.join('; ')})` : ''}`)
          console.log(`  ${p.hook} ${p.proto} ${p.src} → ${p.dst}${p.dport ? `:${p.dport}` : ''}: ${rules.join(', ')}`)
        }
      }
      const missed = c.missed.map((m) => `${m.hook} ${m.probe.proto} ${m.probe.src} → ${m.dst}${m.dport ? `:${m.dport}` : ''} (sent to ${m.probe.dst}${m.probe.dport ? `:${m.probe.dport}` : ''})`)
      expect(missed, `${g.name} (seed ${SEED}): points the kernel accepts that no exposure lists\n--- ruleset ---\n${g.text}`).toEqual([])
    })
  })
}
