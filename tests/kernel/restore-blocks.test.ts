/**
 * The kernel decides what a save file with the same table twice leaves in effect: `iptables-restore`
 * flushes a table each time a block starts it. The file is restored in a fresh network namespace, read
 * back with `iptables-save`, and both texts must give the same exposures.
 */
import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {exposureToJson} from '../../src/model/exposure.js'
import {iptables} from '../../src/sources/iptables.js'
import type {ParseResult} from '../../src/sources/types.js'

const TWO_BLOCKS = [
  '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':ADMIN - [0:0]',
  '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j ADMIN', '-A ADMIN -p tcp -m tcp --dport 8443 -j ACCEPT', 'COMMIT',
  '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', 'COMMIT',
  '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
  '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 443 -j ACCEPT', 'COMMIT', '',
].join('\n')

function canRestore(): string | null {
  if (process.getuid?.() !== 0) return 'not root'
  try {
    execFileSync('sh', ['-c', 'command -v iptables-restore && command -v unshare'], {stdio: 'ignore'})
    execFileSync('unshare', ['--net', 'true'], {stdio: 'ignore'})
  } catch {
    return 'iptables-restore or unshare --net unavailable'
  }
  return null
}

const skip = canRestore()
const rows = (text: string, file: string) =>
  (iptables.parse(text, {file}) as ParseResult).exposures.flatMap(exposureToJson).map((e) => {
    const {line: _line, text: _text, ...rest} = e as unknown as Record<string, unknown>
    return rest
  })

describe.skipIf(skip !== null && !process.env.CI)('iptables-restore: a table started twice', () => {
  it('keeps what the kernel keeps (the last block of each table)', () => {
    const saved = execFileSync('unshare', ['--net', 'sh', '-c', 'iptables-restore && iptables-save'], {input: TWO_BLOCKS, encoding: 'utf8'})
    expect(saved).not.toMatch(/dport 22|ADMIN/)
    const ours = rows(TWO_BLOCKS, 'two-blocks.rules')
    expect(ours).toEqual(rows(saved, 'saved.rules'))
    expect(ours.map((e) => [e.rule, e.ports])).toEqual([['INPUT#1', ['443']], ['OUTPUT policy ACCEPT', []]])
  })
})
