import {spawn} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/sources.js'

/** An iptables-save whose JSON report is megabytes: far more than a pipe buffer holds. */
function bigRuleset(rules: number): string {
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]']
  for (let i = 0; i < rules; i++) lines.push(`-A INPUT -s 198.51.${i >> 8 & 255}.${i & 255}/32 -p tcp -m tcp --dport ${1 + (i % 60000)} -j ACCEPT`)
  lines.push('COMMIT', '')
  const file = join(mkdtempSync(join(tmpdir(), 'irm-pipe-')), 'big.rules')
  writeFileSync(file, lines.join('\n'))
  return file
}

/** Runs the built CLI with its stdout read for `keep` bytes, then closed, as `| head -c keep` would. */
function runClosedEarly(args: string[], keep: number): Promise<{code: number | null; stderr: string; read: string}> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let read = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => {
      if (read.length >= keep) return
      read += b.toString('utf8')
      if (read.length >= keep) child.stdout.destroy()
    })
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')))
    child.on('close', (code) => resolveRun({code, stderr, read}))
  })
}

describe('a reader that closes the pipe early (`| head`)', () => {
  it('stops quietly: no "internal error", the exit code of the run so far (built CLI)', async () => {
    const file = bigRuleset(20_000)
    const r = await runClosedEarly(['parse', '--type', 'iptables', '--format', 'json', file], 100)
    expect(r.read.startsWith('{\n  "schema_version"')).toBe(true)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  }, 60_000)

  it('keeps the gate: diff with findings over the threshold still exits 1 (built CLI)', async () => {
    // the example inventory (4 high findings) with a gateway config big enough that the JSON report
    // outgrows the pipe: the reader stops after 100 bytes, long before the verdict would be printed
    const inv = join(mkdtempSync(join(tmpdir(), 'irm-pipe-')), 'inventory')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    const config = join(inv, 'live/gw-lyon.iptables')
    const extra = Array.from({length: 3000}, (_, i) => `-A FORWARD -s 10.99.20.0/24 -d 172.16.20.${1 + (i % 250)}/32 -i eth2 -p tcp -m tcp --dport ${2000 + i} -j ACCEPT`)
    writeFileSync(config, readFileSync(config, 'utf8').replace('-A FORWARD -j LOG_DROP', [...extra, '-A FORWARD -j LOG_DROP'].join('\n')))
    const r = await runClosedEarly(['diff', '-i', inv, '--format', 'json', '--jobs', '1'], 100)
    expect(r.read.startsWith('{')).toBe(true)
    expect(r.code).toBe(1)
    expect(r.stderr).not.toContain('internal error')
  }, 120_000)
})
