#!/usr/bin/env bash
# A network namespace that silently drops TCP connections ("no answer (blocked?)" tests and
# probe benchmarks), without touching the host's own firewall.
#
#   scripts/netns-blackhole.sh up [--drop-ports 25,587]   (re)creates it, prints KEY=VALUE lines
#   scripts/netns-blackhole.sh down
#
# `up` creates the namespace portolan-blackhole, linked to the host by a veth pair
# on 198.18.0.0/30 (the benchmarking range, RFC 2544): host side 198.18.0.1, namespace side
# 198.18.0.2. An nftables table inside the namespace drops every incoming TCP packet, or only
# those for --drop-ports; other ports then answer as usual: refused when nothing listens, or
# served by something started inside with `ip netns exec portolan-blackhole …`. The namespace has no
# default route, so nothing in it can reach beyond the host.
# Printed: PORTOLAN_BLACKHOLE_NS, PORTOLAN_BLACKHOLE_IP (the address to connect to) and
# PORTOLAN_BLACKHOLE_HOST_IP.
set -euo pipefail

die() {
	echo "netns-blackhole: $*" >&2
	exit 1
}

cmd=${1:-}
shift || true
drop_ports=
while (($#)); do
	case $1 in
	--drop-ports) drop_ports=${2:?}; shift 2 ;;
	*) die "unknown argument $1" ;;
	esac
done
[[ -z $drop_ports || $drop_ports =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--drop-ports takes a list like 25,587"

name=portolan-blackhole
host_if=pbh0
ns_if=pbh1
host_ip=198.18.0.1
ns_ip=198.18.0.2

down() {
	if ip netns list | grep -qw -- "$name"; then
		ip netns delete "$name"
	fi
	# Deleting the namespace removes both ends of the pair; this covers a half-made one.
	ip link delete "$host_if" 2>/dev/null || true
}

up() {
	command -v ip >/dev/null || die "'ip' is missing: apt-get install iproute2"
	command -v nft >/dev/null || die "'nft' is missing: apt-get install nftables"
	[[ $(id -u) -eq 0 ]] || die "must run as root"
	down
	ip netns add "$name"
	ip link add "$host_if" type veth peer name "$ns_if"
	ip link set "$ns_if" netns "$name"
	ip addr add "$host_ip/30" dev "$host_if"
	ip link set "$host_if" up
	ip -n "$name" addr add "$ns_ip/30" dev "$ns_if"
	ip -n "$name" link set "$ns_if" up
	ip -n "$name" link set lo up
	local match="tcp dport { $drop_ports }"
	[[ -n $drop_ports ]] || match="meta l4proto tcp"
	ip netns exec "$name" nft -f - <<EOF
table inet portolan_blackhole {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$ns_if" $match drop
	}
}
EOF
	echo "PORTOLAN_BLACKHOLE_NS=$name"
	echo "PORTOLAN_BLACKHOLE_IP=$ns_ip"
	echo "PORTOLAN_BLACKHOLE_HOST_IP=$host_ip"
}

case $cmd in
up) up ;;
down) down ;;
*) die "usage: $0 up [--drop-ports 25,587] | down" ;;
esac
