/**
 * #12 item 6: every secret form, with qualifiers in random order and keywords in mixed case, never comes
 * out: redactLine, then parse (text and JSON), diff and prepare on an inventory whose live config holds
 * them, and the error path of a config given the wrong type.
 */
import {appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, describe, expect, it, vi} from 'vitest'

import {paint} from '../../src/report/output.js'
import {parseReport} from '../../src/report/parse-report.js'
import {renderParseText} from '../../src/report/parse-text.js'
import {parseText} from '../../src/sources/load.js'
import {REDACTED, redactLine} from '../../src/sources/redact.js'
import {ROOT} from '../helpers/sources.js'
import {cli} from '../helpers/cli.js'

vi.setConfig({testTimeout: 300_000})

/** `{kw}` is the keyword (its case is varied), `{q}` a run of qualifiers, `§` the secret. */
const FORMS: Array<[string, string]> = [
  ['pre-shared-key local', ' {kw} {q} §'],
  ['IOS key config-key password-encrypt', 'key config-key password-encrypt §'],
  ['HSRP standby authentication', ' standby 1 authentication {q} §'],
  ['NHRP authentication', ' ip nhrp authentication §'],
  ['FortiOS set authpasswd', '        set authpasswd {q} §'],
  ['FortiOS set md5-keys', '        set md5-keys {q} §'],
  ['strongSwan : RSA file', ': RSA file "§"'],
  ['strongSwan : P12', ': P12 cert.p12 "§"'],
  ['strongSwan : PIN', ': PIN %smartcard:4 "§"'],
  ['strongSwan : EAP', 'carol : EAP "§"'],
  ['strongSwan : XAUTH', 'dave : XAUTH "§"'],
  ['swanctl pin =', '    pin = §'],
  ['XML <pre_shared_key>', '<pre_shared_key>§</pre_shared_key>'],
  ['XML <radiuskey>', '<radiuskey>§</radiuskey>'],
  ['XML <ddnsdomainkey>', '<ddnsdomainkey>§</ddnsdomainkey>'],
  ['XML <auth_pass>', '<auth_pass>§</auth_pass>'],
  ['XML <otp_seed>', '<otp_seed>§</otp_seed>'],
  ['XML <serverauthkey>', '<serverauthkey>§</serverauthkey>'],
  ['XML CDATA', '<password><![CDATA[§]]></password>'],
  ['Azure AccountKey=', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=§;EndpointSuffix=core.windows.net'],
  ['SAS sig=', 'https://x.blob.core.windows.net/c?sv=2022-11-02&sig=§&se=2026'],
  ['aws_secret_access_key =', 'aws_secret_access_key = §'],
  ['--password=', 'ExecStart=/usr/bin/agent --password=§ --verbose'],
  ['-password', 'agent -password § -v'],
  ['URL userinfo', 'url https://user:§@host.example/path'],
  ['Authorization: Bearer', 'Authorization: Bearer §'],
  ['ASA snmp-server host community', 'snmp-server host outside 192.0.2.9 §'],
  ['ASA snmp-server host poll', 'snmp-server host inside 10.1.1.1 poll §'],
  ['Pulumi plaintext', '"plaintext": "\\"§\\""'],
  ['keyword then qualifiers', '{kw} {q} §'],
  // a secret word glued to letters or digits (session 6: `9secret=` and `clientsecret` came out whole)
  ['glued to a digit', '-A INPUT -m comment --comment "9secret=§" -j ACCEPT'],
  ['OAuth clientsecret', 'clientsecret = {q} §'],
  ['glued token', 'mytoken=§'],
  ['glued token, JSON-ish', 'accessToken: §'],
  ['glued passphrase', 'wifipassphrase: §'],
]

const KEYWORDS = ['password', 'secret', 'pre-shared-key', 'key-string', 'community', 'psksecret']
const QUALIFIERS = ['local', 'remote', '0', '7', 'md5', 'ascii-text', 'hex', 'encrypted', 'sha256', '8']

const mixedCase = (word: string) => fc.array(fc.boolean(), {minLength: word.length, maxLength: word.length}).map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''))
const secret = fc.stringMatching(/^[A-Za-z0-9!%^*+.,_-]{6,20}$/).map((s) => `S3cr3t-PLANTED-${s}`)
const qualifiers = fc.shuffledSubarray(QUALIFIERS, {minLength: 0, maxLength: 3}).map((q) => q.join(' '))
const line = (form: string) =>
  fc.tuple(fc.constantFrom(...KEYWORDS).chain(mixedCase), qualifiers, secret).map(([kw, q, s]) => form.replace('{kw}', kw).replace('{q}', q).replace('  ', ' ').replaceAll('§', s))

const work = mkdtempSync(join(tmpdir(), 'irm-hostile-secrets-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('#12 redactLine: every form, qualifiers in any order, any case', () => {
  it.each(FORMS)('%s', (_name, form) => {
    fc.assert(
      fc.property(line(form), (text) => {
        const out = redactLine(text)
        expect(out).not.toContain('PLANTED')
        expect(out).toContain(REDACTED)
      }),
      {numRuns: 60},
    )
  })
})

/** One sample line per form, the same for every run of a test (seeded). */
const samples = (seed: number) => FORMS.map(([, form]) => fc.sample(line(form), {numRuns: 1, seed})[0])

describe('#12 planted secrets through parse, diff, prepare and errors', () => {
  const plain = paint(false)

  it('parse, text and JSON, for the formats that echo lines', async () => {
    const lines = samples(12)
    const configs: Array<[string, string]> = [
      ['cisco-ios', `version 15.2\nhostname r1\n${lines.join('\n')}\n`],
      ['cisco-asa', `ASA Version 9.8(4)\nhostname fw\n${lines.join('\n')}\n`],
      ['fortios', `config system interface\n    edit "port1"\n${lines.map((l) => `        ${l.trim()}`).join('\n')}\n    next\nend\n`],
      ['strongswan', `${lines.join('\n')}\n`],
      ['wireguard', `[Interface]\nListenPort = 51820\n${lines.join('\n')}\n`],
      ['junos', `${lines.map((l) => `set system ${l.trim()}`).join('\n')}\n`],
    ]
    for (const [type, text] of configs) {
      // detected=true: the planted lines are most of each file, and the format is this test's choice (no betterType refusal)
      const report = parseReport(await parseText(text, `planted.${type}`, type, true))
      const out = JSON.stringify(report) + renderParseText(report, plain)
      expect(out, type).not.toMatch(/PLANTED/)
    }
  })

  // in-process (tests/helpers/cli.ts): stdout and stderr are what the binary would print
  it('diff and prepare, every format of report', async () => {
    const inv = join(work, 'inv')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    appendFileSync(join(inv, 'live/fw-edge-1.asa.cfg'), `${samples(7).join('\n')}\n`)
    for (const args of [
      ['diff', '--inventory', inv, '--as-of', '2026-11-25', '--format', 'json'],
      ['diff', '--inventory', inv, '--as-of', '2026-11-25', '--format', 'sarif'],
      ['prepare', '--inventory', inv, '--as-of', '2026-11-25', '--no-git', '--format', 'markdown'],
      // #21: isolate reads the same configs for names and positions
      ['isolate', 'paris-dmz', '--inventory', inv, '--format', 'markdown'],
      ['isolate', 'paris-dmz', '--inventory', inv, '--format', 'json'],
      // #20/#22: the deciding rule's text and the drafted justifications come from the same configs
      ['why', 'internet', '172.16.10.30', 'tcp/443', '--inventory', inv, '--as-of', '2026-11-25', '--format', 'json'],
      ['reach', '--from', 'internet', '--inventory', inv, '--as-of', '2026-11-25', '--format', 'markdown'],
      ['adopt', '--inventory', inv, '--as-of', '2026-11-25', '--dry-run'],
    ]) {
      const r = await cli(args, {cwd: work})
      expect([0, 1], `${args[0]} ${r.stderr.slice(0, 300)}`).toContain(r.status)
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/PLANTED/)
    }
  })

  it('error messages: the planted config given a type it is not', async () => {
    const file = join(work, 'planted.cfg')
    writeFileSync(file, `${samples(3).join('\n')}\n`)
    for (const type of ['panos', 'pfsense', 'aws', 'nftables', 'iptables']) {
      const r = await cli(['parse', `${file}:${type}`], {cwd: work})
      expect([0, 2]).toContain(r.status)
      expect(r.stdout + r.stderr, type).not.toMatch(/PLANTED/)
    }
  })
})
