/** What each part of a pfSense/OPNsense config.xml is to us: modelled, ignored on purpose (why), or unknown. */
import type {IgnoredTable} from '../kit/ledger.js'

/** Top-level sections that cannot open access through the firewall, with the reason. */
export const IGNORED_SECTIONS: IgnoredTable = new Map(
  Object.entries({
    version: 'config schema version',
    lastchange: 'bookkeeping',
    revision: 'bookkeeping',
    theme: 'GUI',
    trigger_initial_wizard: 'GUI',
    widgets: 'dashboard',
    sysctl: 'kernel tunables',
    staticroutes: 'routing (rules decide reach)',
    gateways: 'routing (rules decide reach)',
    dhcpd: 'DHCP server',
    dhcpdv6: 'DHCPv6 server',
    dhcrelay: 'DHCP relay',
    dhcrelay6: 'DHCP relay',
    diag: 'diagnostics',
    syslog: 'logging',
    shaper: 'traffic shaping',
    dnshaper: 'traffic shaping',
    ezshaper: 'traffic shaping',
    cron: 'scheduled jobs',
    wol: 'wake-on-LAN',
    rrd: 'graphs',
    load_balancer: 'relayd health monitors',
    unbound: 'DNS resolver (reached only through the rules)',
    dnsmasq: 'DNS forwarder (reached only through the rules)',
    ntpd: 'time server (reached only through the rules)',
    ppps: 'PPP links',
    ca: 'certificate authorities',
    cert: 'certificates and keys',
    crl: 'revocation lists',
    vlans: 'VLAN devices',
    laggs: 'link aggregation',
    bridges: 'bridges',
    gifs: 'tunnel devices',
    gres: 'tunnel devices',
    qinqs: 'VLAN devices',
    wireless: 'wireless devices',
    switches: 'switch ports',
    ifgroups: 'interface groups',
    proxyarp: 'proxy ARP',
    dyndnses: 'dynamic DNS client',
    dnsupdates: 'RFC 2136 updates',
    igmpproxy: 'multicast proxy',
    installedpackages: 'packages (not modelled)',
    notifications: 'alerts',
    hasync: 'HA sync',
    schedules: 'schedules (rules that use one are noted)',
    captiveportal: 'captive portal',
    voucher: 'captive portal vouchers',
    snmpd: 'SNMP agent (modelled as a management service when enabled)',
    sysctl_tunables: 'kernel tunables',
    upnp: 'UPnP/NAT-PMP (opens ports at run time; not modelled)',
    ovpnserver: 'legacy OpenVPN',
    'openvpn-csc': 'OpenVPN client overrides',
    l2tp: 'L2TP server',
    pptpd: 'PPTP server',
    pppoes: 'PPPoE server',
    OPNsense: 'OPNsense MVC settings (aliases are read from it)',
    hostname: 'identity',
    netflowbackup: 'graphs',
    rrdbackup: 'graphs',
    dhcpbackup: 'DHCP',
    authserver: 'authentication servers',
    kea: 'DHCP server',
    mdns_repeater: 'mDNS',
    monit: 'monitoring',
    gateway_groups: 'routing',
    gateway_item: 'routing',
  }),
)

/** Children of `filter/rule` we read, and those that do not change what a rule matches. */
export const RULE_KEYS = new Set([
  'type', 'interface', 'ipprotocol', 'protocol', 'source', 'destination', 'disabled', 'floating', 'quick', 'direction',
  'descr', 'tracker', 'id', 'associated-rule-id', 'icmptype', 'icmp6-type', 'sched', 'tagged', 'nottagged', 'os',
  'tcpflags_any', 'tcpflags1', 'tcpflags2', 'dscp', 'vlanprio', 'vlanprioset', 'statetype', 'gateway', 'reply-to',
  'disablereplyto', 'log', 'tag', 'max', 'max-src-nodes', 'max-src-conn', 'max-src-states', 'max-src-conn-rate',
  'max-src-conn-rates', 'statetimeout', 'created', 'updated', 'allowopts', 'nosync', 'nopfsync', 'category', 'categories',
  'sequence', 'ackqueue', 'defaultqueue', 'dnpipe', 'pdnpipe', 'l7container', 'shaper', 'prio', 'set-prio', 'set-prio-low',
  'overload', 'adaptivestart', 'adaptiveend', 'divert-to', 'label', 'sloppy', 'nottagged', 'udp-first', 'udp-multiple',
  'udp-single', 'tcp-first', 'tcp-opening', 'tcp-established', 'tcp-closing', 'tcp-finwait', 'tcp-closed', 'icmp-first',
  'icmp-error', 'other-first', 'other-multiple', 'other-single', 'max-src-conn-rate', 'statepolicy', 'associated-rule',
  'dstport', 'srcport', 'uuid', 'enabled', 'sourcenot', 'destinationnot', 'evaluations', 'states', 'packets', 'bytes',
  'replyto', 'floating_direction', 'tos', 'interfacenot', 'noxmlrpc', 'poolopts', 'icmp6type', 'state-policy',
])

/** Rule children that narrow what a pass matches in a way we do not model: noted (and a block becomes opaque). */
/** Rule conditions we do not model: each narrows the rule (a doubt, `narrower`). */
export const RULE_CONDITIONS: Record<string, string> = {
  sched: 'active only on schedule',
  tagged: 'only for packets tagged',
  nottagged: 'only for packets not tagged',
  os: 'only for OS fingerprint',
  tcpflags1: 'only for TCP flags',
  tcpflags2: 'only for TCP flags',
  dscp: 'only for DSCP',
  vlanprio: 'only for VLAN priority',
  icmptype: 'only for ICMP types',
  'icmp6-type': 'only for ICMPv6 types',
  icmp6type: 'only for ICMPv6 types',
}

/** Children of `nat/rule` (port forwards). */
export const NAT_KEYS = new Set([
  'interface', 'ipprotocol', 'protocol', 'source', 'destination', 'target', 'local-port', 'disabled', 'nordr', 'nosync',
  'descr', 'associated-rule-id', 'created', 'updated', 'natreflection', 'poolopts', 'staticnatport', 'category', 'tag',
  'tagged', 'log', 'sequence', 'uuid', 'pass', 'natport', 'dstport', 'source_hash_key', 'sourceport', 'targetip',
  'targetip_subnet',
])

/** Secrets in XML elements: their text never leaves the parser. */
export const SECRET_ELEMENTS = new Set([
  'bcrypt-hash', 'md5-hash', 'sha512-hash', 'password', 'passwd', 'auth_pass', 'shared_key', 'tls', 'pre-shared-key',
  'prv', 'ipsecpsk', 'rocommunity', 'rwcommunity', 'authorizedkeys', 'key', 'psk', 'privatekey', 'private_key', 'secret',
  'radius_secret', 'ldap_bindpw', 'auth_user', 'proxy_passwd', 'pskey', 'apikey', 'api_key', 'otp_seed', 'pubkey',
])
