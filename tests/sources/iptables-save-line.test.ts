/**
 * The save-line fast path (src/sources/iptables/save-line.ts) against the command reader, the authority:
 * a file read with the fast path gives the same ruleset, unparsed lines and counts as the file read by
 * the command reader alone, on the corpus, the fixtures and generated rules that mix the shapes the fast
 * path reads with every way off it (negations, unknown options, quotes, secrets, bad values).
 */
import {readFileSync} from 'node:fs'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {readIptables, WORD_SPECS} from '../../src/sources/iptables/read.js'
import {SaveLineReader} from '../../src/sources/iptables/save-line.js'
import {hasPrefilterWord} from '../../src/sources/redact.js'
import {corpusFiles, filesUnder, FIXTURES} from '../helpers/sources.js'

const bothWays = (text: string, file = 'rules') => ({fast: readIptables(text, file), full: readIptables(text, file, false)})

/** How many lines of `text` the fast path reads (the caches filled by a full read first). */
function fastLines(text: string): number {
  readIptables(text, 'rules', false)
  const reader = new SaveLineReader(WORD_SPECS)
  let n = 0
  let at = 0
  for (const line of text.split('\n')) {
    const body = line.trim()
    if (body.startsWith('-') && reader.read(at, body, 0, body.length)) n++
    at++
  }
  return n
}

const addresses = ['10.0.0.1', '10.0.0.0/8', '172.16.5.4/24', '172.16.5.4/16', '0.0.0.0/0', '1.2.3.4/33', '010.0.0.1', '2001:db8::1', 'host.example', '10.0.0.1,10.0.0.2', '1.2.3.4/0', '1.2.3.4/']
const ports = ['22', '0', '65535', '65536', '80:90', '90:80', '22,80,443', '8000:8100,22', 'ssh', '1:', ':1023', '22,ssh', '00022', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16', '22,', 'key']
const options = fc.oneof(
  fc.constantFrom('-s', '-d', '--src', '--destination', '! -s', '-d !').chain((o) => fc.constantFrom(...addresses).map((a) => `${o} ${a}`)),
  fc.constantFrom('-p tcp', '-p udp', '-p TCP', '-p icmp', '-p icmpv6', '-p ipv6-icmp', '-p 58', '-p bogus', '-p all', '! -p tcp', '-p'),
  fc.constantFrom('tcp', 'udp', 'multiport', 'conntrack', 'state', 'comment', 'limit', 'set', 'recent', 'icmp6', 'TCP', 'bogus', 'rpfilter', 'policy', '!', 'limit', 'owner', 'icmp6', 'icmpv6', 'mark', 'string').map((m) => `-m ${m}`),
  fc.constantFrom('--dport', '--dports', '--sport', '--sports', '--destination-port', '! --dport', '--ports').chain((o) => fc.constantFrom(...ports).map((p) => `${o} ${p}`)),
  fc.constantFrom('NEW', 'ESTABLISHED,RELATED', 'NEW,ESTABLISHED', 'INVALID', 'new', 'UNTRACKED', 'DNAT', '!').chain((s) => fc.constantFrom('--ctstate', '--state', '! --ctstate').map((o) => `${o} ${s}`)),
  fc.constantFrom('"app 1"', 'plain', '"password hunter2"', '"psk=abc123"', '"a\\"b"', "'single q'", '""', '"x"y', 'secret', '!', '"open', '"ta\tb"', '"key"').map((c) => `--comment ${c}`),
  fc.constantFrom('eth0', 'lo', '!', 'wg0', 'eth+', 'token0').chain((i) => fc.constantFrom('-i', '-o', '! -i').map((o) => `${o} ${i}`)),
  fc.constantFrom('ACCEPT', 'accept', 'DROP', 'svc_2', 'RETURN', 'DNAT', 'LOG', '-x', 'REJECT', 'MASQUERADE', 'pass_chain', '!').map((t) => `-j ${t}`),
  fc.constantFrom('--reject-with icmp-port-unreachable', '--reject-with tcp-reset', '--log-prefix "x "', '--log-prefix "password hunter2"', '--log-prefix key:', "--log-prefix 'a b'", '--log-level 4', '--set-xmark 0x1/0x1', '--limit-burst 5', '--hashlimit-name x', '--uid-owner 0', '--reject-with', '--log-prefix "x\\" y"'),
  fc.constantFrom('--to-destination 10.0.0.1:80', '--to-destination 10.0.0.1-10.0.0.9:80-81', '--to-destination [2001:db8::5]:8080', '--to-destination 2001:db8::5', '--to-destination :8080', '--to-destination bad', '--to-destination "10.0.0.2"', '--to-destination', '--log-prefix "x "', '--limit 5/min', '-g svc_1', '!', '[0:0]', '--dport', 'extra', '-f', '--syn', '-t nat', '-4', '-6'),
)
const chains = fc.constantFrom('INPUT', 'FORWARD', 'svc_1', 'DOCKER-USER', 'key_chain', '-X', 'a"b', 'PREROUTING')
const rule = fc
  .tuple(fc.constantFrom('-A', '-A', '-A', '-I', '--append'), chains, fc.array(options, {maxLength: 8}), fc.constantFrom(' ', ' ', '  ', '\t'))
  .map(([verb, chain, opts, blank]) => [verb, chain, ...opts].join(blank))

describe('iptables save-line fast path', () => {
  it('reads the options it knows by spellings that hold no prefilter word (so the prefilter clears them)', () => {
    for (const w of ['-A', '-s', '-d', '-p', '-m', '-j', '-i', '-o', '--dport', '--dports', '--sport', '--sports', '--state', '--ctstate', '--comment', '--to-destination']) {
      expect(hasPrefilterWord(w), w).toBe(false)
    }
  })

  it('gives the command reader result on generated rules', () => {
    fc.assert(
      fc.property(fc.array(rule, {minLength: 1, maxLength: 25}), fc.boolean(), (rules, header) => {
        // each rule twice: the second is read once the first has taught the caches its spellings
        const lines = [...rules, ...rules]
        const text = (header ? ['*filter', ':INPUT DROP [0:0]', ...lines, 'COMMIT'] : lines).join('\n')
        const {fast, full} = bothWays(text)
        expect(fast).toStrictEqual(full)
      }),
      {numRuns: 500},
    )
  })

  it('reads the common rule shapes itself', () => {
    const text = [
      '*filter',
      '-A svc_1 -s 172.16.5.4/24 -d 10.0.0.1/32 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',
      '-A svc_1 -d 10.0.0.2/32 -p tcp -m multiport --dports 22,80,8000:8100 -m comment --comment "app 1" -j ACCEPT',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -p udp -m udp --sport 53 -m state --state ESTABLISHED,RELATED -j DROP',
      '-A INPUT -p tcp -m limit --limit 5/min -j LOG --log-prefix "in: " --log-level 4',
      '-A INPUT -d 10.0.0.3/32 -j REJECT --reject-with icmp-port-unreachable',
      '-A INPUT -d 203.0.113.1/32 -i eth0 -p tcp -m tcp --dport 10000 -j DNAT --to-destination 10.0.0.5:8080',
      // values that hold a secret keyword: the command reader's, which redacts the line
      '-A INPUT -j LOG --log-prefix "password hunter2"',
      '-A INPUT -m comment --comment "psk=abc123" -j ACCEPT',
      'COMMIT',
    ].join('\n')
    expect(fastLines(text)).toBe(7)
    const {fast, full} = bothWays(text)
    expect(fast).toStrictEqual(full)
    expect(fast.ruleset.get('4 filter')?.chains.get('INPUT')?.rules.map((r) => r.text)).toContain('-A INPUT -j LOG --log-prefix "password <redacted>"')
  })

  it('gives the command reader result on every corpus and fixture file', () => {
    const files = [...corpusFiles('iptables'), ...filesUnder(`${FIXTURES}/iptables`), `${FIXTURES}/../nat/iptables.rules`]
    expect(files.length).toBeGreaterThan(5)
    let fast = 0
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      const both = bothWays(text, f)
      expect(both.fast, f).toStrictEqual(both.full)
      fast += fastLines(text)
    }
    // the path is worth having: real save files are mostly its shapes
    expect(fast).toBeGreaterThan(100)
  })
})
