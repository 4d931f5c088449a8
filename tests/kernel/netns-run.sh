#!/usr/bin/env bash
# Run inside `unshare --net --mount`: build client ↔ ruleset ↔ server namespaces, load one ruleset and the
# observer table into the ruleset namespace, send the probes from the client, print what the observer saw
# (nft JSON). Everything lives in this private mount and network namespace: when it exits, nothing is left.
# Usage: netns-run.sh DIR iptables|nftables
#   DIR holds probes.json and ruleset.v4 / ruleset.v6 / ruleset.ipset (iptables) or ruleset.nft
set -euo pipefail
dir=$1 kind=$2
here=$(cd "$(dirname "$0")" && pwd)

. "$here/topology.sh"
make_topology kt
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
