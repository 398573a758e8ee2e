#!/usr/bin/env bash
# Usage: tests/chaos/partitions.sh [partitions|fsync|cleanup]
#
# The network-fault reports of issue 32 on the hosts topology (infra/hosts.sh: every server in a
# network namespace of its own, on one bridge, addresses of the profile's private /24). As root.
#   partitions (npm run partitions): the stack, Baton's services, then each network fault in turn
#     during a load of reservations and support escalations, one report per fault
#     (tests/chaos/partitions.report.ts)
#   fsync (npm run fsync-check): JetStream sync_interval default vs always, NATS only
#     (tests/chaos/fsync.report.ts)
#   cleanup: removes whatever a crashed run left (faults, servers, namespaces); idempotent
# Whatever it makes is removed on exit (a trap), whether the run passed or not. Neither is part
# of `npm test`. Profile and ports: BATON_PROFILE (partitions) and BATON_PORT_OFFSET (1300,
# which also picks the network: 10.87.13.0/24).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export BATON_PROFILE="${BATON_PROFILE:-partitions}" BATON_PORT_OFFSET="${BATON_PORT_OFFSET:-1300}" BATON_TOPOLOGY=hosts
# shellcheck source=../../infra/env.sh
. "$ROOT/infra/env.sh"
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "partitions: needs root (network namespaces, nftables)" >&2; exit 1; }

cleanup() {
  bash infra/hosts.sh heal >/dev/null 2>&1 || true
  bash infra/stack.sh stop >/dev/null 2>&1 || true
  bash infra/hosts.sh down || true
}

what="${1:-partitions}"
case "$what" in
  cleanup) cleanup; exit 0 ;;
  partitions | fsync) ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
trap cleanup EXIT
trap 'exit 130' INT TERM
bash infra/bootstrap.sh
. infra/env.sh
tsx=(node --conditions=baton-source --import tsx)
if [ "$what" = fsync ]; then
  bash infra/hosts.sh exec "${tsx[@]}" tests/chaos/fsync.report.ts
else
  bash infra/stack.sh start
  bash infra/hosts.sh exec "${tsx[@]}" tests/chaos/partitions.report.ts
fi
