/**
 * #21 proof: the iptables and nftables isolations of a zone, applied to a live kernel. The zone `lab`
 * (198.51.100.0/24, 2001:db8:2::/64) sits behind lan0 of the ruleset host; the base ruleset lets
 * everything through. After the generated commands, probes into and out of the zone (and a spoofed
 * source entering lan0) are dropped, except the kept jump-host SSH and syslog flows; after the undo
 * commands every probe passes again and no isolation rule is left.
 */
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {describe, expect, it} from 'vitest'

import {iptablesGenerator} from '../../src/isolate/vendors/iptables.js'
import {nftablesGenerator} from '../../src/isolate/vendors/nftables.js'
import {isRefusal, type IsolationRequest, type IsolationRules} from '../../src/isolate/types.js'
import {readObserver} from './probes.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

function unavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN'
  for (const tool of ['unshare', 'ip', 'nft', 'iptables-restore', 'ip6tables-restore', 'python3']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'})
    } catch {
      return `${tool} is not installed`
    }
  }
  return null
}
const reason = unavailable()

const IPTABLES_V4 = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -p tcp --dport 443 -j ACCEPT
COMMIT
`
const IPTABLES_V6 = IPTABLES_V4
const NFT = `table inet filter {
  chain input { type filter hook input priority filter; policy accept; ct state established,related accept; }
  chain forward { type filter hook forward priority filter; policy accept; ct state established,related accept; tcp dport 443 accept; }
  chain output { type filter hook output priority filter; policy accept; }
}
`

const REQUEST: IsolationRequest = {
  zone: 'lab',
  device: 'gw',
  tag: 'irm-isolate-lab',
  addresses: ['198.51.100.0/24', '2001:db8:2::/64'],
  faces: [{interface: 'lan0'}],
  keep: [
    {id: 'ap-jump-ssh', from: ['192.0.2.50/32'], to: ['198.51.100.0/24'], services: [{protocol: 'tcp', ports: [[22, 22]]}]},
    {id: 'flow-syslog', from: ['198.51.100.0/24'], to: ['192.0.2.60/32'], services: [{protocol: 'udp', ports: [[514, 514]]}]},
  ],
}

interface P {
  name: string
  side: 'client' | 'server'
  v: 4 | 6
  src: string
  dst: string
  proto: 'tcp' | 'udp'
  dport: number
  hook: 'input' | 'forward'
  /** Passes while the zone is isolated. */
  kept: boolean
}

// ground truth, written before the run
const PROBES: P[] = [
  {name: 'internet → zone tcp/443', side: 'client', v: 4, src: '192.0.2.9', dst: '198.51.100.2', proto: 'tcp', dport: 443, hook: 'forward', kept: false},
  {name: 'jump host → zone tcp/22 (kept)', side: 'client', v: 4, src: '192.0.2.50', dst: '198.51.100.2', proto: 'tcp', dport: 22, hook: 'forward', kept: true},
  {name: 'jump host → zone tcp/23', side: 'client', v: 4, src: '192.0.2.50', dst: '198.51.100.2', proto: 'tcp', dport: 23, hook: 'forward', kept: false},
  {name: 'internet → zone v6 tcp/443', side: 'client', v: 6, src: '2001:db8:1::9', dst: '2001:db8:2::2', proto: 'tcp', dport: 443, hook: 'forward', kept: false},
  {name: 'internet → gateway tcp/22 (not the zone)', side: 'client', v: 4, src: '192.0.2.9', dst: '192.0.2.1', proto: 'tcp', dport: 22, hook: 'input', kept: true},
  {name: 'zone → collector udp/514 (kept)', side: 'server', v: 4, src: '198.51.100.2', dst: '192.0.2.60', proto: 'udp', dport: 514, hook: 'forward', kept: true},
  {name: 'zone → other host udp/514', side: 'server', v: 4, src: '198.51.100.2', dst: '192.0.2.61', proto: 'udp', dport: 514, hook: 'forward', kept: false},
  {name: 'zone → gateway tcp/22', side: 'server', v: 4, src: '198.51.100.2', dst: '198.51.100.1', proto: 'tcp', dport: 22, hook: 'input', kept: false},
  {name: 'zone → internet v6 udp/53', side: 'server', v: 6, src: '2001:db8:2::2', dst: '2001:db8:1::9', proto: 'udp', dport: 53, hook: 'forward', kept: false},
  {name: 'spoofed source entering lan0', side: 'server', v: 4, src: '10.9.9.9', dst: '192.0.2.9', proto: 'tcp', dport: 80, hook: 'forward', kept: false},
]

function probeFile(side: 'client' | 'server', phase: 1 | 2): string {
  return JSON.stringify(PROBES.flatMap((p, i) => (p.side === side ? [{id: phase * 1000 + i, v: p.v, src: p.src, dst: p.dst, proto: p.proto, dport: p.dport}] : [])))
}

async function kernel(kind: 'iptables' | 'nftables', rules: IsolationRules): Promise<{seen: Set<number>; left: number}> {
  const dir = mkdtempSync(join(tmpdir(), `irm-isolate-${process.pid}-`))
  try {
    if (kind === 'iptables') {
      writeFileSync(join(dir, 'ruleset.v4'), IPTABLES_V4)
      writeFileSync(join(dir, 'ruleset.v6'), IPTABLES_V6)
    } else writeFileSync(join(dir, 'ruleset.nft'), NFT)
    writeFileSync(join(dir, 'apply.sh'), rules.apply.join('\n') + '\n')
    writeFileSync(join(dir, 'undo.sh'), rules.undo.join('\n') + '\n')
    for (const side of ['client', 'server'] as const) for (const phase of [1, 2] as const) writeFileSync(join(dir, `probes-${side}-${phase}.json`), probeFile(side, phase))
    const {stdout} = await run('unshare', ['--net', '--mount', 'bash', join(HERE, 'isolate-run.sh'), dir, kind], {timeout: 60_000, maxBuffer: 16 << 20})
    const [json, leftLine] = stdout.trim().split('\n\n')
    const seen = new Set(readObserver(json).map((s) => s.id))
    return {seen, left: Number(/LEFT (\d+)/.exec(leftLine ?? '')?.[1] ?? -1)}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

describe.skipIf(reason !== null)(`isolation in the kernel${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const kind of ['iptables', 'nftables'] as const) {
    it(`${kind}: only kept traffic crosses the border; undo restores everything`, async () => {
      const g = kind === 'iptables' ? iptablesGenerator : nftablesGenerator
      const rules = g.generate(kind === 'nftables' ? {...REQUEST, config: {text: NFT, file: 'ruleset.nft'}} : REQUEST)
      if (isRefusal(rules)) throw new Error(rules.refused)
      const {seen, left} = await kernel(kind, rules)
      const isolated = Object.fromEntries(PROBES.map((p, i) => [p.name, seen.has(1000 + i)]))
      const restored = Object.fromEntries(PROBES.map((p, i) => [p.name, seen.has(2000 + i)]))
      expect(isolated).toEqual(Object.fromEntries(PROBES.map((p) => [p.name, p.kept])))
      expect(restored).toEqual(Object.fromEntries(PROBES.map((p) => [p.name, true])))
      expect(left).toBe(0)
    })
  }
})
