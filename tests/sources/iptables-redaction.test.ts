/**
 * Issue 19: the iptables reader runs the redaction prefilter in its word pass (the line is never
 * scanned on its own). A line it clears keeps its text; every other goes through redactRule. Secrets
 * planted where a rule carries text (comment, log prefix, payload match, an unknown option, a long
 * line) never reach a report, and a rule's text is what redactRule gives for its line, whatever the line.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseReport, parseReportJson} from '../../src/report/parse-report.js'
import {readIptables, redactRule} from '../../src/sources/iptables/read.js'
import {parseText} from '../../src/sources/load.js'
import {MAX_ECHO} from '../../src/sources/redact.js'

const SECRET = 'hunter2x'

const PLANTED = [
  `-A INPUT -p tcp --dport 22 -m comment --comment "password ${SECRET}" -j ACCEPT`,
  `-A INPUT -s 10.0.0.0/8 -m comment --comment 'PASSWORD=${SECRET}' -j ACCEPT`,
  `-A INPUT\t-p tcp\t-m comment\t--comment\t"token:${SECRET}"\t-j ACCEPT`,
  `-A INPUT -m comment --comment "psk \\"${SECRET}\\"" -j ACCEPT`,
  `-A INPUT -m comment --comment 9-secret=${SECRET} -j ACCEPT`,
  `-A INPUT -p tcp -j LOG --log-prefix "secret ${SECRET} "`,
  `-A FORWARD -m string --string "${SECRET}" --algo bm -j DROP`,
  `-A FORWARD -m string --hex-string "|${Buffer.from(SECRET).toString('hex')}|" --algo kmp -j DROP`,
  `-A INPUT -p tcp --bogus-option password ${SECRET} -j ACCEPT`,
  `-A INPUT -s 10.0.0.1 -m comment --comment "${'x'.repeat(MAX_ECHO)}" -m comment --comment "key ${SECRET}" -j ACCEPT`,
  `[0:0] -A INPUT -p udp -m comment --comment "secret ${SECRET}" -j ACCEPT`,
]

function rulesOf(text: string) {
  const out: Array<{line: number; text: string}> = []
  for (const t of readIptables(text).ruleset.values()) for (const c of t.chains.values()) for (const r of c.rules) out.push(r)
  return out.sort((a, b) => a.line - b.line)
}

describe('iptables reader redaction (prefilter in the word pass)', () => {
  it('redacts secrets planted in comments, log prefixes, payload matches, unknown options and long lines, in every output', async () => {
    for (const line of PLANTED) {
      const text = `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n${line}\nCOMMIT\n`
      const loaded = await parseText(text, 'planted.rules', 'iptables')
      const json = [...parseReportJson(loaded)].join('')
      expect(json, line).not.toContain(SECRET)
      expect(json, line).not.toContain(Buffer.from(SECRET).toString('hex'))
      expect(JSON.stringify(parseReport(loaded)), line).not.toContain(SECRET)
      // the rule's text is there, redacted or cut (the line was not cleared)
      const [rule] = rulesOf(text)
      expect(rule.text, line).toBe(redactRule(line))
      expect(rule.text.includes('<redacted>') || rule.text.endsWith('…'), line).toBe(true)
      expect(rule.text, line).not.toBe(line)
    }
  })

  it('keeps a rule line the prefilter clears as it is written', () => {
    const line = '-A INPUT -s 172.16.0.0/12 -d 10.0.0.1/32 -p tcp -m multiport --dports 22,443,8000:8100 -m comment --comment "web 7" -j ACCEPT'
    expect(rulesOf(`*filter\n${line}\nCOMMIT\n`)[0].text).toBe(line)
  })

  it('gives each rule the text redactRule gives its line, on generated lines', () => {
    const words = [
      '-A', 'INPUT', '-s', '10.0.0.1/32', '1.2.3.4://x', '10:20/30', '-p', 'tcp', '--dport', '22', '-m', 'comment', '--comment',
      '"a b"', "'c d'", '"x\\"y"', 'a\\ b', '-j', 'ACCEPT', 'LOG', '--log-prefix', '--string', '--hex-string', 'pass', 'Secret',
      'PSK', 'key', 'token=1', '$1$x', '9md5', 'enc', 'https://u:p@h', '-----', 'ascii-text', 'ſecret', 'K', '\u00a0', '=',
      'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg=',
      // values the reader parses or looks up (and so clears of the prefilter), next to ones it must not clear
      '-d', '--dports', '--sport', '22,80', '8000:8100', '22:/', '1:2://', '-i', 'keyif', 'eth0', '--ctstate', 'NEW', 'NEW,token',
      '-A', 'passchain', 'svc_1', '-j', 'SECRET', 'DROP', '-m', 'tcp', 'md5mod', '-p', 'TCP', 'Psk', '!', '[0:0]', '--hashlimit',
    ]
    const line = fc
      .tuple(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({maxLength: 6})), {minLength: 1, maxLength: 12}), fc.constantFrom(' ', '\t', '  ', ' \t'))
      .map(([ws, sep]) => `-A INPUT${sep}${ws.join(sep)}`)
    fc.assert(
      fc.property(line, (l) => {
        // one line of input: no line ends inside it
        fc.pre(!/[\r\n\u2028\u2029]/.test(l) && !/\\\s*$/.test(l))
        const rules = rulesOf(`*filter\n${l}\nCOMMIT\n`)
        for (const r of rules) expect(r.text).toBe(redactRule(l.trim()))
      }),
      {numRuns: 6000},
    )
  })
})
