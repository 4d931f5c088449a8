/**
 * strongSwan: swanctl.conf, legacy ipsec.conf and ipsec.secrets, told apart by content. Each
 * connection gives an IKE listener (udp/500,4500 and esp, from its remote addresses to its local ones)
 * and one vpn-route per CHILD_SA (from the remote traffic selectors or virtual-IP pool to the local
 * ones). Secrets (PSKs, private keys, EAP/XAUTH passwords) are understood and never echoed.
 */
import {IrmError} from '../../core/errors.js'
import type {ParseResult, SourceParser} from '../types.js'
import {parseIpsecConf} from './ipsec-conf.js'
import {parseIpsecSecrets} from './secrets.js'
import {parseSwanctl} from './swanctl.js'

type Flavor = 'swanctl' | 'ipsec-conf' | 'ipsec-secrets'

const SWANCTL = /^[ \t]*(connections|secrets|pools|authorities)[ \t]*\{/m
const SWANCTL_KEYS = /^[ \t]*(local_addrs|remote_addrs|local_ts|remote_ts|children[ \t]*\{|ike[\w-]*[ \t]*\{|addrs)\b/m
const IPSEC_CONF = /^conn[ \t]+\S+[ \t\r]*$/m
const IPSEC_CONF_KEYS = /^[ \t]+(left|right)(subnet|id|sourceip|auth|cert)?[ \t]*=/m
const SECRETS_TYPE = /(?:^|[ \t]):[ \t]*(?:PSK|RSA|ECDSA|EAP|XAUTH|NTLM|P12|PIN)[ \t]/

/** An ipsec.secrets line: `ids : TYPE …`, with no `#`, `{`, `}` or `=` before the colon. */
function hasSecretsLine(text: string): boolean {
  return text.split('\\n').some((line) => {
    const m = SECRETS_TYPE.exec(line)
    return m !== null && !/[#{}=]/.test(line.slice(0, m.index))
  })
}

function flavorOf(text: string, fileName: string): Flavor | undefined {
  if (SWANCTL.test(text) && SWANCTL_KEYS.test(text)) return 'swanctl'
  if (IPSEC_CONF.test(text) && IPSEC_CONF_KEYS.test(text)) return 'ipsec-conf'
  if (hasSecretsLine(text) || /ipsec\.secrets$/.test(fileName)) return 'ipsec-secrets'
  if (/^config[ \t]+setup[ \t\r]*$/m.test(text) || IPSEC_CONF.test(text)) return 'ipsec-conf'
  if (SWANCTL.test(text)) return 'swanctl'
  return undefined
}

export const strongswan: SourceParser = {
  type: 'strongswan',
  description: 'strongSwan swanctl.conf, ipsec.conf and ipsec.secrets: IKE listeners, CHILD_SA routes, pools',
  detection: 'swanctl sections (connections { … local_addrs/children }), ipsec.conf conn sections with left/right, or ": PSK" secrets lines',
  extensions: ['.conf', '.secrets'],
  detect(head, fileName) {
    const flavor = flavorOf(head, fileName)
    if (!flavor) return 0
    if (flavor === 'ipsec-secrets') return /ipsec\.secrets$/.test(fileName) ? 0.95 : 0.8
    return SWANCTL_KEYS.test(head) || IPSEC_CONF_KEYS.test(head) ? 0.9 : 0.5
  },
  parse(text, {file}): ParseResult {
    const flavor = flavorOf(text, file)
    if (flavor === 'swanctl') return parseSwanctl(text)
    if (flavor === 'ipsec-conf') return parseIpsecConf(text)
    if (flavor === 'ipsec-secrets') return parseIpsecSecrets(text)
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not a strongSwan config: no swanctl section, conn section or secrets line', {
      file,
      hint: 'strongSwan files are swanctl.conf (connections { … }), ipsec.conf (conn NAME) or ipsec.secrets; check --type.',
    })
  },
}
