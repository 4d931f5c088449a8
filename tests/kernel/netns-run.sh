#!/usr/bin/env bash
# Run inside `unshare --net --mount`: build client ↔ ruleset ↔ server namespaces, load one ruleset and the
# observer table into the ruleset namespace, send the probes from the client, print what the observer saw
# (nft JSON). Everything lives in this private mount and network namespace: when it exits, nothing is left.
# Usage: netns-run.sh DIR iptables|nftables
#   DIR holds probes.json and ruleset.v4 / ruleset.v6 / ruleset.ipset (iptables) or ruleset.nft
set -euo pipefail
dir=$1 kind=$2
here=$(cd "$(dirname "$0")" && pwd)

mount --make-rprivate /
mkdir -p /run/netns
mount -t tmpfs kt /run/netns
p="kt$$"
c="${p}c" r="${p}r" s="${p}s"
for n in "$c" "$r" "$s"; do ip netns add "$n"; done
ip link add c0 netns "$c" address 02:00:00:00:01:01 type veth peer name wan0 netns "$r" address 02:00:00:00:01:02
ip link add lan0 netns "$r" address 02:00:00:00:02:01 type veth peer name s0 netns "$s" address 02:00:00:00:02:02
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# only the ruleset namespace forwards; documentation ranges only, and no route leaves them
nsx "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
nsx "$r" ip link set lo up
nsx "$r" ip addr add 192.0.2.1/24 dev wan0
nsx "$r" ip addr add 198.51.100.1/24 dev lan0
nsx "$r" ip -6 addr add 2001:db8:1::1/64 dev wan0 nodad
nsx "$r" ip -6 addr add 2001:db8:2::1/64 dev lan0 nodad
nsx "$r" ip link set wan0 up
nsx "$r" ip link set lan0 up
nsx "$r" sysctl -qw net.ipv4.conf.wan0.rp_filter=0
# 203.0.113.0/24 and 2001:db8:f::/64 are the ruleset host's own (input hook); 198.51.100.0/24 and
# 2001:db8:2::/64 are behind it (forward hook)
nsx "$r" ip route add local 203.0.113.0/24 dev lo
nsx "$r" ip -6 route add local 2001:db8:f::/64 dev lo
nsx "$c" ip link set c0 up
nsx "$s" ip link set lo up
nsx "$s" ip addr add 198.51.100.2/24 dev s0
nsx "$s" ip -6 addr add 2001:db8:2::2/64 dev s0 nodad
nsx "$s" ip link set s0 up

case "$kind" in
  iptables)
    [ -s "$dir/ruleset.ipset" ] && nsx "$r" ipset restore -exist < "$dir/ruleset.ipset"
    [ -s "$dir/ruleset.v4" ] && nsx "$r" iptables-restore < "$dir/ruleset.v4"
    [ -s "$dir/ruleset.v6" ] && nsx "$r" ip6tables-restore < "$dir/ruleset.v6"
    ;;
  nftables) nsx "$r" nft -f "$dir/ruleset.nft" ;;
esac
nsx "$r" nft -f "$here/observer.nft"

nsx "$c" python3 "$here/send-probes.py" c0 02:00:00:00:01:01 02:00:00:00:01:02 < "$dir/probes.json" > /dev/null
sleep 0.2
nsx "$r" nft -j list table inet kt_observer
