#!/usr/bin/env bash
# Usage: infra/hosts.sh up|down|status|exec CMD...|exec-on HOST CMD...|cut A B|oneway FROM TO|loss A B PCT [DELAY_MS]|heal
#
# The "hosts" of BATON_TOPOLOGY=hosts: one network namespace per server of the cluster topology
# (nats-1 nats-2 nats-3 postgres temporal) and one for Baton's services, the test runner, Zipkin
# and Prometheus (svc), each with one veth leg on a bridge that lives in a namespace of its own
# (switch), and a second services host (svc2) for a process the tests cut off on its own. Addresses
# are the profile's private /24, 10.87.<BATON_PORT_OFFSET/100>.0/24 (nats-N .1N, postgres .20,
# temporal .21, svc .30, svc2 .31); nothing is created in, or routed to, the machine's own
# namespace, and nothing outside this machine is ever addressed. Root only.
#
#   up       makes the namespaces, the bridge and the legs (idempotent)
#   down     removes all of them (idempotent: also cleans up after a crashed run)
#   status   lists them and any fault in force
#   exec     runs CMD in the svc namespace (bringing the network up first): infra/stack.sh
#            re-executes itself this way, and so do the partitions and fsync scripts
#   exec-on HOST CMD...  runs CMD in HOST's namespace
#   cut A B  drops every packet between hosts A and B, both ways
#   oneway FROM TO   drops packets from FROM to TO only (TO hears nothing from FROM, FROM still
#            hears TO)
#   loss A B PCT [DELAY_MS]  drops PCT % of the packets between A and B each way (nftables), and
#            adds DELAY_MS each way with tc netem where the kernel has it (says so when it has not)
#   heal     removes every fault
# Faults are an nftables table "baton_fault" (and a netem qdisc) inside the hosts' namespaces.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
BATON_TOPOLOGY=hosts . "$HERE/env.sh"

HOSTS=(nats-1 nats-2 nats-3 postgres temporal svc svc2)
PREFIX="baton-$BATON_PROFILE"
SWITCH="$PREFIX-switch"

ns_of() { echo "$PREFIX-$1"; }
ip_of() {
  case "$1" in
    nats-[123]) echo "$BATON_HOSTS_NET.1${1#nats-}" ;;
    postgres) echo "$BATON_HOSTS_NET.20" ;;
    temporal) echo "$BATON_HOSTS_NET.21" ;;
    svc) echo "$BATON_HOSTS_NET.30" ;;
    svc2) echo "$BATON_HOSTS_NET.31" ;;
    *) echo "hosts: unknown host $1 (one of ${HOSTS[*]})" >&2; return 1 ;;
  esac
}
leg_of() { # the bridge-side leg's name (at most 15 characters)
  case "$1" in nats-[123]) echo "leg-n${1#nats-}" ;; postgres) echo leg-pg ;; temporal) echo leg-tp ;; svc) echo leg-svc ;; svc2) echo leg-svc2 ;; esac
}
have_ns() { ip netns list 2>/dev/null | grep -qE "^$1( |$)"; }

need_root() { [ "$(id -u)" = 0 ] || { echo "hosts: needs root (network namespaces)" >&2; exit 1; }; }

up() {
  need_root
  if ! command -v nft >/dev/null 2>&1; then # the faults' packet filter: Debian's nftables
    command -v apt-get >/dev/null 2>&1 || { echo "hosts: needs nft (nftables)" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >/dev/null || { echo "hosts: could not install nftables" >&2; exit 1; }
  fi
  local h ns leg
  have_ns "$SWITCH" || {
    ip netns add "$SWITCH"
    ip -n "$SWITCH" link set lo up
    ip -n "$SWITCH" link add br0 type bridge
    ip -n "$SWITCH" link set br0 up
  }
  for h in "${HOSTS[@]}"; do
    ns="$(ns_of "$h")"
    leg="$(leg_of "$h")"
    have_ns "$ns" || { ip netns add "$ns"; ip -n "$ns" link set lo up; }
    if ! ip -n "$SWITCH" link show "$leg" >/dev/null 2>&1; then
      # Both ends are made inside the namespaces: the machine's own never sees them.
      ip -n "$SWITCH" link add "$leg" type veth peer name eth0 netns "$ns"
      ip -n "$SWITCH" link set "$leg" master br0 up
      ip -n "$ns" addr add "$(ip_of "$h")/24" dev eth0
      ip -n "$ns" link set eth0 up
    fi
  done
}

down() {
  need_root
  local h
  for h in "${HOSTS[@]}"; do have_ns "$(ns_of "$h")" && ip netns del "$(ns_of "$h")"; done
  have_ns "$SWITCH" && ip netns del "$SWITCH"
  echo "hosts: network of profile $BATON_PROFILE removed"
}

status() {
  local h ns
  for h in "${HOSTS[@]}"; do
    ns="$(ns_of "$h")"
    if have_ns "$ns"; then
      echo "$h: $ns $(ip_of "$h")$(ip netns exec "$ns" nft list table inet baton_fault >/dev/null 2>&1 && echo ' (fault in force)')"
    else
      echo "$h: down"
    fi
  done
}

fault_table() { # host: the host's fault table, made when missing
  local ns
  ns="$(ns_of "$1")"
  ip netns exec "$ns" nft list table inet baton_fault >/dev/null 2>&1 && return 0
  ip netns exec "$ns" nft -f - <<'EOF'
table inet baton_fault {
  chain in { type filter hook input priority -10; policy accept; }
  chain out { type filter hook output priority -10; policy accept; }
}
EOF
}

drop_rule() { # host chain (in|out) peer [extra nft expression]
  local addr=saddr
  [ "$2" = out ] && addr=daddr
  fault_table "$1"
  ip netns exec "$(ns_of "$1")" nft add rule inet baton_fault "$2" ip "$addr" "$(ip_of "$3")" ${4:-} drop
}

netem() { # host peer delay_ms: delay on the host's egress towards the peer
  local ns dev=eth0
  ns="$(ns_of "$1")"
  if ! ip netns exec "$ns" tc qdisc show dev "$dev" | grep -q "netem" && {
    ! ip netns exec "$ns" tc qdisc replace dev "$dev" root handle 1: prio >/dev/null 2>&1 ||
      ! ip netns exec "$ns" tc qdisc replace dev "$dev" parent 1:3 handle 30: netem delay "${3}ms" >/dev/null 2>&1
  }; then
    ip netns exec "$ns" tc qdisc del dev "$dev" root >/dev/null 2>&1 || true
    echo "hosts: this kernel has no tc netem (sch_prio/sch_netem): no delay added, loss only" >&2
    return 0
  fi
  ip netns exec "$ns" tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 match ip dst "$(ip_of "$2")/32" flowid 1:3
}

heal() {
  local h ns
  for h in "${HOSTS[@]}"; do
    ns="$(ns_of "$h")"
    have_ns "$ns" || continue
    ip netns exec "$ns" nft delete table inet baton_fault >/dev/null 2>&1 || true
    ip netns exec "$ns" tc qdisc del dev eth0 root >/dev/null 2>&1 || true
  done
}

action="${1:-}"
shift || true
case "$action" in
  up) up ;;
  down) down ;;
  status) status ;;
  exec)
    [ $# -ge 1 ] || { echo "usage: $0 exec CMD..." >&2; exit 2; }
    up
    exec ip netns exec "$(ns_of svc)" "$@" ;;
  exec-on) # host CMD...: runs CMD on another host (the network must be up)
    h="${1:?host}"; shift
    exec ip netns exec "$(ns_of "$h")" "$@" ;;
  ns) echo "$(ns_of "${1:?host}")" ;;
  ip) ip_of "${1:?host}" ;;
  cut)
    drop_rule "$1" out "$2"; drop_rule "$1" in "$2"
    drop_rule "$2" out "$1"; drop_rule "$2" in "$1" ;;
  oneway) drop_rule "$2" in "$1" ;;
  loss)
    drop_rule "$1" out "$2" "numgen random mod 100 < $3"
    drop_rule "$2" out "$1" "numgen random mod 100 < $3"
    if [ -n "${4:-}" ]; then netem "$1" "$2" "$4"; netem "$2" "$1" "$4"; fi ;;
  heal) heal ;;
  *)
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2 ;;
esac
