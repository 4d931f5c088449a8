/**
 * What iptables options and targets do to reach (iptables(8), iptables-extensions(8)): the tables the
 * reader consults. Options not listed here are reported as unparsed.
 */

/** Built-in targets that end the chain walk or that we model; a target in neither list nor a user chain is reported. */
export const VERDICTS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'REDIRECT', 'SNAT', 'MASQUERADE', 'NETMAP', 'NFQUEUE', 'QUEUE', 'TPROXY'])
/** Targets that only log, mark or tweak a packet and let it continue (iptables-extensions(8)). */
export const NON_TERMINATING = new Set([
  'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CONNSECMARK', 'SECMARK', 'CLASSIFY', 'TCPMSS', 'CT', 'NOTRACK', 'TRACE',
  'DSCP', 'TOS', 'TTL', 'HL', 'SET', 'AUDIT', 'CHECKSUM', 'ECN', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'TCPOPTSTRIP',
  'CLUSTERIP', 'HMARK', 'SYNPROXY', 'NFCT',
])

/** Target options and how many values follow each (iptables-extensions(8), TARGET EXTENSIONS). */
export const TARGET_OPTION_ARITY: Record<string, number> = {
  '--log-prefix': 1, '--log-level': 1, '--log-tcp-sequence': 0, '--log-tcp-options': 0, '--log-ip-options': 0,
  '--log-uid': 0, '--log-macdecode': 0, '--nflog-group': 1, '--nflog-prefix': 1, '--nflog-range': 1, '--nflog-size': 1,
  '--nflog-threshold': 1, '--ulog-prefix': 1, '--ulog-nlgroup': 1, '--ulog-cprange': 1, '--ulog-qthreshold': 1,
  '--reject-with': 1, '--to-destination': 1, '--to-source': 1, '--to-ports': 1, '--to': 1, '--random': 0,
  '--random-fully': 0, '--persistent': 0, '--set-mark': 1, '--set-xmark': 1, '--and-mark': 1, '--or-mark': 1,
  '--xor-mark': 1, '--save-mark': 0, '--restore-mark': 0, '--nfmask': 1, '--ctmask': 1, '--mask': 1,
  '--clamp-mss-to-pmtu': 0, '--set-mss': 1, '--notrack': 0, '--helper': 1, '--zone': 1, '--zone-orig': 1,
  '--zone-reply': 1, '--ctevents': 1, '--expevents': 1, '--timeout': 1, '--queue-num': 1, '--queue-balance': 1,
  '--queue-bypass': 0, '--queue-cpu-fanout': 0, '--fail-open': 0, '--set-class': 1, '--set-dscp': 1,
  '--set-dscp-class': 1, '--set-tos': 1, '--and-tos': 1, '--or-tos': 1, '--xor-tos': 1, '--ttl-set': 1, '--ttl-dec': 1,
  '--ttl-inc': 1, '--hl-set': 1, '--hl-dec': 1, '--hl-inc': 1, '--add-set': 2, '--del-set': 2, '--map-set': 2,
  '--exist': 0, '--on-port': 1, '--on-ip': 1, '--tproxy-mark': 1, '--checksum-fill': 0, '--type': 1, '--ecn-tcp-remove': 0,
  '--wscale': 1, '--timestamp': 0, '--sack-perm': 0, '--mss': 1, '--gateway': 1, '--selctx': 1, '--label': 1,
}

export type OptionEffect = 'harmless' | 'cond' | 'rate'
/**
 * Match options that neither the box nor the special cases below model: how many values they take and
 * what they do to reach. `cond` restricts traffic in a way the box cannot say (allow: a note; deny: it
 * shadows only the same condition); `rate` lets part of the traffic through (a deny with it shadows nothing).
 */
export const MATCH_OPTIONS: Record<string, [number, OptionEffect, string?]> = {
  '--mac-source': [1, 'cond', 'source MAC'], '--uid-owner': [1, 'cond', 'owner uid'], '--gid-owner': [1, 'cond', 'owner gid'],
  '--socket-exists': [0, 'cond', 'socket exists'], '--suppl-groups': [0, 'harmless'],
  '--physdev-in': [1, 'cond', 'bridge port in'], '--physdev-out': [1, 'cond', 'bridge port out'],
  '--physdev-is-in': [0, 'cond', 'bridged in'], '--physdev-is-out': [0, 'cond', 'bridged out'],
  '--physdev-is-bridged': [0, 'cond', 'bridged'], '--pkt-type': [1, 'cond', 'packet type'], '--length': [1, 'cond', 'length'],
  '--connlimit-upto': [1, 'cond', 'connlimit up to'], '--connlimit-above': [1, 'cond', 'connlimit above'],
  '--connlimit-mask': [1, 'harmless'], '--connlimit-saddr': [0, 'harmless'], '--connlimit-daddr': [0, 'harmless'],
  '--mark': [1, 'cond', 'mark'], '--timestart': [1, 'cond', 'time from'], '--timestop': [1, 'cond', 'time until'],
  '--days': [1, 'cond', 'days'], '--weekdays': [1, 'cond', 'weekdays'], '--monthdays': [1, 'cond', 'monthdays'],
  '--datestart': [1, 'cond', 'date from'], '--datestop': [1, 'cond', 'date until'], '--kerneltz': [0, 'harmless'],
  '--utc': [0, 'harmless'], '--localtz': [0, 'harmless'], '--contiguous': [0, 'harmless'],
  '--string': [1, 'cond', 'payload string'], '--hex-string': [1, 'cond', 'payload bytes'], '--algo': [1, 'harmless'],
  '--from': [1, 'harmless'], '--to': [1, 'harmless'], '--icase': [0, 'harmless'],
  '--limit': [1, 'rate'], '--limit-burst': [1, 'rate'], '--hashlimit': [1, 'rate'], '--hashlimit-upto': [1, 'rate'],
  '--hashlimit-above': [1, 'rate'], '--hashlimit-burst': [1, 'harmless'], '--hashlimit-mode': [1, 'harmless'],
  '--hashlimit-name': [1, 'harmless'], '--hashlimit-srcmask': [1, 'harmless'], '--hashlimit-dstmask': [1, 'harmless'],
  '--hashlimit-htable-size': [1, 'harmless'], '--hashlimit-htable-max': [1, 'harmless'],
  '--hashlimit-htable-expire': [1, 'harmless'], '--hashlimit-htable-gcinterval': [1, 'harmless'],
  '--hashlimit-rate-match': [0, 'harmless'], '--hashlimit-rate-interval': [1, 'harmless'],
  '--set': [0, 'harmless'], '--remove': [0, 'harmless'], '--rcheck': [0, 'cond', 'recent list hit'],
  '--update': [0, 'cond', 'recent list hit'], '--seconds': [1, 'harmless'], '--hitcount': [1, 'harmless'],
  '--name': [1, 'harmless'], '--mask': [1, 'harmless'], '--rsource': [0, 'harmless'], '--rdest': [0, 'harmless'], '--rttl': [0, 'harmless'],
  '--reap': [0, 'harmless'], '--src-type': [1, 'cond', 'source address type'],
  '--dst-type': [1, 'cond', 'destination address type'], '--limit-iface-in': [0, 'harmless'],
  '--limit-iface-out': [0, 'harmless'], '--tcp-option': [1, 'cond', 'tcp option'], '--loose': [0, 'harmless'],
  '--validmark': [0, 'harmless'], '--accept-local': [0, 'harmless'], '--invert': [0, 'harmless'],
  '--dir': [1, 'harmless'], '--pol': [1, 'cond', 'ipsec policy'], '--strict': [0, 'harmless'], '--reqid': [1, 'harmless'],
  '--spi': [1, 'harmless'], '--proto': [1, 'harmless'], '--mode': [1, 'harmless'], '--tunnel-src': [1, 'harmless'],
  '--tunnel-dst': [1, 'harmless'], '--next': [0, 'harmless'], '--helper': [1, 'cond', 'conntrack helper'],
  '--dscp': [1, 'cond', 'dscp'], '--dscp-class': [1, 'cond', 'dscp class'], '--tos': [1, 'cond', 'tos'],
  '--ttl-eq': [1, 'cond', 'ttl'], '--ttl-gt': [1, 'cond', 'ttl'], '--ttl-lt': [1, 'cond', 'ttl'],
  '--hl-eq': [1, 'cond', 'hop limit'], '--hl-gt': [1, 'cond', 'hop limit'], '--hl-lt': [1, 'cond', 'hop limit'],
  '--espspi': [1, 'cond', 'esp spi'], '--ahspi': [1, 'cond', 'ah spi'], '--src-group': [1, 'cond', 'device group'],
  '--dst-group': [1, 'cond', 'device group'], '--cgroup': [1, 'cond', 'cgroup'], '--path': [1, 'cond', 'cgroup'],
  '--transparent': [0, 'cond', 'transparent socket'], '--nowildcard': [0, 'harmless'], '--restore-skmark': [0, 'harmless'],
  '--u32': [1, 'cond', 'u32'], '--bytecode': [1, 'cond', 'bpf'], '--probability': [1, 'rate'], '--every': [1, 'rate'],
  '--packet': [1, 'harmless'], '--return-nomatch': [0, 'harmless'], '--update-counters': [0, 'harmless'],
  '--update-subcounters': [0, 'harmless'], '--packets-eq': [1, 'cond', 'set counters'],
  '--packets-lt': [1, 'cond', 'set counters'], '--packets-gt': [1, 'cond', 'set counters'],
  '--bytes-eq': [1, 'cond', 'set counters'], '--bytes-lt': [1, 'cond', 'set counters'],
  '--bytes-gt': [1, 'cond', 'set counters'], '--chunk-types': [2, 'cond', 'sctp chunk types'],
  '--dccp-types': [1, 'cond', 'dccp packet types'], '--dccp-option': [1, 'cond', 'dccp option'],
  '--ctstatus': [1, 'cond', 'conntrack status'], '--ctexpire': [1, 'cond', 'conntrack expiry'],
  '--ctdir': [1, 'cond', 'conntrack direction'], '--ctreplsrc': [1, 'cond', 'conntrack reply source'],
  '--ctrepldst': [1, 'cond', 'conntrack reply destination'], '--ctreplsrcport': [1, 'cond', 'conntrack reply source port'],
  '--ctrepldstport': [1, 'cond', 'conntrack reply destination port'], '--fragment-id': [1, 'cond', 'fragment'],
  '--ecn-tcp-cwr': [0, 'cond', 'ecn'], '--ecn-tcp-ece': [0, 'cond', 'ecn'], '--ecn-ip-ect': [1, 'cond', 'ecn'],
  '--realm': [1, 'cond', 'realm'], '--cluster-total-nodes': [1, 'cond', 'cluster'],
  '--cluster-local-node': [1, 'harmless'], '--cluster-local-nodemask': [1, 'harmless'], '--cluster-hash-seed': [1, 'harmless'],
}

/** Match modules whose mere presence restricts traffic (their options alone say nothing). */
export const MODULE_CONDITIONS: Record<string, string> = {
  rpfilter: 'reverse-path filter', policy: 'ipsec policy', statistic: 'statistic sample', quota: 'quota',
  osf: 'os fingerprint', geoip: 'geoip', ipvs: 'ipvs',
}
/** Match modules we know (a `-m` of anything else makes the rule's meaning unsure). */
export const KNOWN_MODULES = new Set([
  'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmp6', 'icmpv6', 'multiport', 'state', 'conntrack', 'iprange', 'comment',
  'set', 'addrtype', 'limit', 'hashlimit', 'recent', 'mac', 'owner', 'physdev', 'pkttype', 'length', 'connlimit', 'mark',
  'connmark', 'time', 'string', 'tcpmss', 'helper', 'dscp', 'tos', 'ttl', 'hl', 'esp', 'ah', 'devgroup', 'cgroup', 'socket',
  'u32', 'bpf', 'ecn', 'realm', 'cluster', 'frag', 'ipv6header', 'rt', 'hbh', 'dst', 'mh', 'eui64', 'cpu', 'nfacct', 'rateest',
  ...Object.keys(MODULE_CONDITIONS),
])
