/**
 * OpenVPN configs (server and client `.conf`/`.ovpn`): the listener, the routes the server offers its
 * clients, the management socket and port-share forwarding.
 *
 * Who listens (openvpn(8)): a server (`server`, `server-bridge`, `mode server`) and a point-to-point peer
 * bind `local`:`lport` (default all addresses, 1194/udp). A client does not when `nobind` is set, over
 * TCP (it connects out), or without an explicit `lport`: the usual client binds only to receive its
 * server's replies, so no listener is listed then (documented choice). A peer that names `remote`
 * peers without `float` only accepts packets from them: the listener's source is those peers.
 *
 * Routes (vpn-route) go from the client pool (`server`, `server-ipv6`, `ifconfig-pool`, `server-bridge`)
 * to each network the server pushes (`push "route …"`, `push "route-ipv6 …"`, `redirect-gateway` = any);
 * server-side `route` networks sit behind a client (its `iroute` lives in client-config-dir, not given)
 * and reach what the VPN serves. Inline key material (`<key>`, `<tls-auth>`, `<secret>`…) is never echoed.
 */
import type {ParseResult, SourceParser} from '../types.js'
import {matchFamilies} from '../vpn-common.js'
import {ParseLedger} from '../kit/ledger.js'
import {describeDevice} from './device.js'
import {listensOn, toExposures} from './exposures.js'
import {buildModel} from './model.js'
import {readDirectives} from './read.js'

export const openvpn: SourceParser = {
  type: 'openvpn',
  description: 'OpenVPN server/client config: listener, pushed routes, client pool, management socket',
  detection: 'three or more OpenVPN directives (dev tun/tap, proto, remote, server, push "route", <ca> …)',
  extensions: ['.conf', '.ovpn'],
  detect(head) {
    const signs = [
      /^[ \t]*dev[ \t]+(tun|tap)\w*[ \t\r]*$/m,
      /^[ \t]*proto[ \t]+(udp|tcp)[46]?(-server|-client)?[ \t\r]*$/m,
      /^[ \t]*remote[ \t]+\S+([ \t]+\d+)?([ \t]+(udp|tcp)\S*)?[ \t\r]*$/m,
      /^[ \t]*server[ \t]+\d+\.\d+\.\d+\.\d+[ \t]+\d+\.\d+\.\d+\.\d+/m,
      /^[ \t]*push[ \t]+"/m,
      /^[ \t]*<(ca|cert|key|tls-auth|tls-crypt)>[ \t\r]*$/m,
      /^[ \t]*(persist-tun|persist-key|nobind)[ \t\r]*$/m,
      /^[ \t]*(client|tls-client|tls-server)[ \t\r]*$/m,
      /^[ \t]*(remote-cert-tls|ifconfig-pool-persist|keepalive|verb|tls-auth|data-ciphers)[ \t]+\S/m,
    ]
    const hits = signs.filter((re) => re.test(head)).length
    if (hits >= 3) return 0.85
    return hits === 2 && signs[0].test(head) ? 0.6 : 0
  },
  parse(text, {file}) {
    return parseOpenvpn(text, file)
  },
}

function parseOpenvpn(text: string, file: string): ParseResult {
  const ledger = new ParseLedger()
  const read = readDirectives(text, file, ledger)
  const model = buildModel(read.directives, read.inline, ledger)
  const {unparsed, stats, status} = ledger.finish()
  return {exposures: toExposures(model).flatMap(matchFamilies), unparsed, stats, status, device: describeDevice(model, listensOn(model))}
}
