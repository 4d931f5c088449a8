#!/usr/bin/env bash
# Run inside `unshare --net --mount`: the client ↔ ruleset ↔ server namespaces of netns-run.sh, a base
# ruleset, then the isolation's apply commands; probes from both sides (into and out of the zone behind
# lan0); then the undo commands and the same probes again under other ids. Prints the observer (nft JSON).
# Usage: isolate-run.sh DIR iptables|nftables
#   DIR holds ruleset.v4 + ruleset.v6 (iptables) or ruleset.nft, apply.sh, undo.sh, and
#   probes-client-1.json, probes-server-1.json (after apply), probes-client-2.json, probes-server-2.json (after undo)
set -euo pipefail
dir=$1 kind=$2
here=$(cd "$(dirname "$0")" && pwd)

. "$here/topology.sh"
make_topology ki
nsx "$r" sysctl -qw net.ipv4.conf.lan0.rp_filter=0
# a spoofed source from the zone side must still be routable back, or the kernel drops it before forward
nsx "$r" ip route add 10.9.9.0/24 dev lan0
nsx "$c" ip link set c0 up
nsx "$s" ip link set lo up
nsx "$s" ip link set s0 up

case "$kind" in
  iptables)
    nsx "$r" iptables-restore < "$dir/ruleset.v4"
    nsx "$r" ip6tables-restore < "$dir/ruleset.v6"
    ;;
  nftables) nsx "$r" nft -f "$dir/ruleset.nft" ;;
esac
nsx "$r" nft -f "$here/observer.nft"

nsx "$r" sh -e "$dir/apply.sh"
nsx "$c" python3 "$here/send-probes.py" c0 02:00:00:00:01:01 02:00:00:00:01:02 < "$dir/probes-client-1.json" > /dev/null
nsx "$s" python3 "$here/send-probes.py" s0 02:00:00:00:02:02 02:00:00:00:02:01 < "$dir/probes-server-1.json" > /dev/null
sleep 0.2
nsx "$r" sh -e "$dir/undo.sh"
nsx "$c" python3 "$here/send-probes.py" c0 02:00:00:00:01:01 02:00:00:00:01:02 < "$dir/probes-client-2.json" > /dev/null
nsx "$s" python3 "$here/send-probes.py" s0 02:00:00:00:02:02 02:00:00:00:02:01 < "$dir/probes-server-2.json" > /dev/null
sleep 0.2
# what is left of the isolation after undo (must be nothing)
case "$kind" in
  iptables) { nsx "$r" iptables-save; nsx "$r" ip6tables-save; } | grep -c 'irm-isolate' > "$dir/left" || true ;;
  nftables) nsx "$r" nft list ruleset | grep -c 'irm-isolate' > "$dir/left" || true ;;
esac
nsx "$r" nft -j list table inet kt_observer
echo
echo "LEFT $(cat "$dir/left")"
