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
      /^\s*dev\s+(tun|tap)\w*\s*$/m,
      /^\s*proto\s+(udp|tcp)[46]?(-server|-client)?\s*$/m,
      /^\s*remote\s+\S+(\s+\d+)?(\s+(udp|tcp)\S*)?\s*$/m,
      /^\s*server\s+\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+/m,
      /^\s*push\s+"/m,
      /^\s*<(ca|cert|key|tls-auth|tls-crypt)>\s*$/m,
      /^\s*(persist-tun|persist-key|nobind)\s*$/m,
      /^\s*(client|tls-client|tls-server)\s*$/m,
      /^\s*(remote-cert-tls|ifconfig-pool-persist|keepalive|verb|tls-auth|data-ciphers)\s+\S/m,
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
  const read = readDirectives(text, file)
  const {model, understood} = buildModel(read.directives, read.inline, read.unparsed)
  return {
    exposures: toExposures(model).flatMap(matchFamilies),
    unparsed: read.unparsed,
    stats: {lines: read.count, understood: read.understood + understood},
    device: describeDevice(model, listensOn(model)),
  }
}
