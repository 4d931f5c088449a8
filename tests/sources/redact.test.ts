/**
 * redactLine: every vendor's secret forms are redacted, ordinary words that merely start like a secret
 * keyword are left alone. The property tests plant random secret values in each form.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {REDACTED, redactLine} from '../../src/sources/redact.js'

/** Secret forms, `§` standing for the secret value. */
const FORMS: Array<[string, string]> = [
  ['IOS enable secret', 'enable secret 5 §'],
  ['IOS username password type 7', 'username admin privilege 15 password 7 §'],
  ['IOS username secret', 'username admin secret §'],
  ['key 7 (tacacs/radius)', 'tacacs-server key 7 §'],
  ['crypto isakmp key', 'crypto isakmp key § address 203.0.113.1'],
  ['keyring pre-shared-key', ' pre-shared-key address 203.0.113.1 key §'],
  ['key-string', '  key-string 7 §'],
  ['ospf message-digest-key', ' ip ospf message-digest-key 1 md5 7 §'],
  ['ntp authentication-key', 'ntp authentication-key 1 md5 § 7'],
  ['snmp-server community', 'snmp-server community § RO 10'],
  ['snmp-server host positional', 'snmp-server host 10.1.1.1 §'],
  ['snmp-server host version 2c', 'snmp-server host 10.1.1.1 traps version 2c § udp-port 162'],
  ['snmp-server host version 3 priv', 'snmp-server host 10.1.1.1 version 3 priv §'],
  ['snmp-server user auth/priv', 'snmp-server user ops grp v3 auth sha § priv aes 128 §'],
  ['ASA snmp-server host community', 'snmp-server host inside 10.1.1.1 community § version 2c'],
  ['ASA ikev1 pre-shared-key', ' ikev1 pre-shared-key §'],
  ['ASA ikev2 remote-authentication', ' ikev2 remote-authentication pre-shared-key §'],
  ['VRRP authentication text', ' vrrp 1 authentication text §'],
  ['WPA psk', ' wpa-psk ascii 0 §'],
  ['Junos $9$', 'secret "$9$§";'],
  ['Junos pre-shared-key ascii-text', 'pre-shared-key ascii-text "§";'],
  ['Junos authentication-key', 'set protocols ospf area 0 interface ge-0/0/0 authentication md5 1 key §'],
  ['Junos snmp community', 'set snmp community § authorization read-only'],
  ['Junos encrypted-password', 'encrypted-password "§";'],
  ['FortiOS psksecret ENC', '        set psksecret ENC §'],
  ['FortiOS passwd ENC', '        set passwd ENC §'],
  ['FortiOS set key', '            set key §'],
  ['PAN-OS <key>', '<key>§</key>'],
  ['PAN-OS <phash>', '<phash>§</phash>'],
  ['PAN-OS <pre-shared-key>', '<pre-shared-key><key>§</key></pre-shared-key>'],
  ['pfSense <bcrypt-hash>', '<bcrypt-hash>§</bcrypt-hash>'],
  ['pfSense <ipsecpsk>', '<ipsecpsk>§</ipsecpsk>'],
  ['XML <password>', '<password>§</password>'],
  ['pfSense <rocommunity>', '<rocommunity>§</rocommunity>'],
  ['pfSense <ldap_bindpw>', '<ldap_bindpw>§</ldap_bindpw>'],
  ['OPNsense <privatekey>', '<privatekey>§</privatekey>'],
  ['OPNsense WireGuard <privkey>', '<privkey>§</privkey>'],
  ['JSON Azure sharedKey', '"sharedKey": "§",'],
  ['JSON storage connectionString', '"connectionString": "DefaultEndpointsProtocol=https;AccountKey=§"'],
  ['YAML secretKey', '  aws:secretKey: §'],
  ['WireGuard PrivateKey', 'PrivateKey = §'],
  ['WireGuard PresharedKey', 'PresharedKey=§'],
  ['strongSwan PSK', '%any 203.0.113.1 : PSK "§"'],
  ['ipsec.conf-like secret=', 'secret=§'],
  ['YAML password', '  password: §'],
  ['YAML client_secret', '  client_secret: §'],
  ['JSON private_key', '  "private_key": "§",'],
  ['JSON PreSharedKey', '{"PreSharedKey": "§"}'],
  ['keepalived auth_pass', '    auth_pass §'],
  ['api token', 'token §'],
]

const secretValue = fc.stringMatching(/^[A-Za-z0-9!@#%^&*+=.,_-]{6,24}$/).map((s) => `S3cr3t-PLANTED-${s}`)

describe('redactLine: secret forms', () => {
  it.each(FORMS)('%s', (_name, form) => {
    fc.assert(
      fc.property(secretValue, (secret) => {
        const out = redactLine(form.replaceAll('§', secret))
        expect(out).not.toContain('PLANTED')
        expect(out).toContain(REDACTED)
      }),
      {numRuns: 30},
    )
  })

  it('is idempotent: redacting a redacted line changes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMS.map(([, form]) => form)), secretValue, (form, secret) => {
        const once = redactLine(form.replaceAll('§', secret))
        expect(redactLine(once)).toBe(once)
      }),
      {numRuns: 200},
    )
  })

  it('keeps the words before the secret; after the keyword the whole rest of the value goes (#12)', () => {
    expect(redactLine('username admin privilege 15 password 7 0822455D0A16')).toBe(`username admin privilege 15 password ${REDACTED}`)
    expect(redactLine('        set psksecret ENC AbC123==')).toBe(`        set psksecret ${REDACTED}`)
    expect(redactLine('snmp-server host 10.1.1.1 version 2c PUBLIC udp-port 162')).toBe(`snmp-server host 10.1.1.1 version 2c ${REDACTED} udp-port 162`)
    expect(redactLine('pre-shared-key ascii-text "$9$abc";')).toBe(`pre-shared-key ${REDACTED};`)
    expect(redactLine('ntp authentication-key 1 md5 NtpKey 7')).toBe(`ntp authentication-key ${REDACTED}`)
    // qualifiers the patterns do not know are no longer taken for the secret
    expect(redactLine('set vpn ipsec phase1 pre-shared-key local S3cr3t')).toBe(`set vpn ipsec phase1 pre-shared-key ${REDACTED}`)
    expect(redactLine(' pre-shared-key remote 0 S3cr3t')).toBe(` pre-shared-key ${REDACTED}`)
    expect(redactLine('-A INPUT -m comment --comment "password reset portal" -j ACCEPT')).toBe(`-A INPUT -m comment --comment "password ${REDACTED}" -j ACCEPT`)
  })

  it('crypt hashes, $9$ and WireGuard keys anywhere on a line', () => {
    expect(redactLine('user x hash $6$salt$PLANTEDhash')).not.toContain('PLANTED')
    expect(redactLine('foo "$9$PLANTEDx" bar')).not.toContain('PLANTED')
    const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk='
    expect(redactLine(`peer ${key} endpoint`)).toBe(`peer ${REDACTED} endpoint`)
    // the public half is not a secret
    expect(redactLine(`PublicKey = ${key}`)).toBe(`PublicKey = ${key}`)
  })

  it('PEM blocks: inline, and body lines one by one', () => {
    const pem = '"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7PLANTED\\n-----END PRIVATE KEY-----"'
    expect(redactLine(pem)).toBe(`"-----BEGIN PRIVATE KEY-----${REDACTED}-----END PRIVATE KEY-----"`)
    expect(redactLine('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7')).toBe(REDACTED)
    expect(redactLine('  Xq3PLANTEDz9Lk==')).toBe(REDACTED)
    expect(redactLine('dGhpcyBpcyBQ1x')).toBe(REDACTED)
    // OpenVPN static key (tls-auth / tls-crypt): 16 lines of hex
    expect(redactLine('e3a9c07b5d1f8a2e4b6c9d0f1a2b3c4d')).toBe(REDACTED)
  })

  it('an XML element with children keeps them', () => {
    expect(redactLine('<hash><member>sha256</member></hash>')).toBe('<hash><member>sha256</member></hash>')
  })
})

describe('redactLine: ordinary words are untouched', () => {
  const ORDINARY = [
    '-A INPUT -p tcp --dport 22 -m hashlimit --hashlimit-upto 5/min --hashlimit-name ssh -j ACCEPT',
    'PostUp = mkdir -p /etc/wg-hub-secrets && chmod 700 /etc/wg-hub-secrets',
    'set secrets-dir /var/lib/secrets',
    'crypto ikev2 keyring KR-BRANCH',
    'crypto keyring KR1',
    'router ospf 1\n passive-interface default'.split('\n')[1],
    'load tokenizer module',
    'set authentication-algorithm hmac-md5-96;',
    'crypto key generate rsa modulus 2048',
    'key chain OSPF-KEYS',
    'access-list passwords-dept extended permit tcp any host 10.0.0.5 eq 443',
    'object-group network secretariat',
    'exit',
    'COMMIT',
    '-A INPUT -m comment --comment "tokens bucket" -j ACCEPT',
  ]
  it.each(ORDINARY)('%s', (line) => {
    expect(redactLine(line)).toBe(line)
  })

  it('a random line without a secret keyword passes unchanged', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/).filter(
      (w) => !/^(password|passwd2?|secret|passphrase|psk|psksecret|community|token|ciphertext|phash|hash|md5|key|keystring|privatekey|presharedkey|apikey|authkey|enc|hexadecimal)$/.test(w),
    )
    fc.assert(
      fc.property(fc.array(word, {minLength: 1, maxLength: 8}), (words) => {
        const line = words.join(' ')
        // a lone short token of mixed case and digits may read as a base64 body line; lowercase words never do
        expect(redactLine(line)).toBe(line)
      }),
      {numRuns: 300},
    )
  })
})
