# Sourced by netns-run.sh and isolate-run.sh, inside `unshare --net --mount`: a private /run/netns, the
# client ↔ ruleset ↔ server namespaces joined by veths (client c0 ↔ wan0, lan0 ↔ server s0, fixed MACs
# for the raw-socket sender) and the ruleset namespace's router addresses. Only the ruleset namespace
# forwards; documentation ranges only, and no route leaves them.
# Usage: make_topology PREFIX → sets c, r, s (namespace names) and defines nsx NS CMD...
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

make_topology() {
  mount --make-rprivate /
  mkdir -p /run/netns
  mount -t tmpfs kt /run/netns
  local p="$1$$"
  c="${p}c" r="${p}r" s="${p}s"
  for n in "$c" "$r" "$s"; do ip netns add "$n"; done
  ip link add c0 netns "$c" address 02:00:00:00:01:01 type veth peer name wan0 netns "$r" address 02:00:00:00:01:02
  ip link add lan0 netns "$r" address 02:00:00:00:02:01 type veth peer name s0 netns "$s" address 02:00:00:00:02:02
  nsx "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  nsx "$r" ip link set lo up
  nsx "$r" ip addr add 192.0.2.1/24 dev wan0
  nsx "$r" ip addr add 198.51.100.1/24 dev lan0
  nsx "$r" ip -6 addr add 2001:db8:1::1/64 dev wan0 nodad
  nsx "$r" ip -6 addr add 2001:db8:2::1/64 dev lan0 nodad
  nsx "$r" ip link set wan0 up
  nsx "$r" ip link set lan0 up
  nsx "$r" sysctl -qw net.ipv4.conf.wan0.rp_filter=0
}
