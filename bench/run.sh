#!/usr/bin/env bash
# The bench command (`npm run bench`): set-up, a fresh bench stack on its own ports (profile
# "bench", +200 from the demo), every Baton service plus the echo agent and the floor worker, the
# measurements, the tables, and results-<time>.json in the stack's state folder (.baton/bench).
# Stops the stack afterwards. Settings (BATON_BENCH_SCALE, ...) are listed in bench/README.md.
#
# Like the test command it clears other BATON_* variables, so a shell that sourced the demo
# profile cannot point the bench at the demo servers. BATON_PROFILE=bench-<name> (or test-bench)
# with BATON_PORT_OFFSET=<n00> runs beside another stack. BATON_KEEP_STACK=1 leaves the stack up
# (its Zipkin keeps the run's traces).
#
# BATON_TOPOLOGY=cluster measures on the production shape (three NATS nodes, the Temporal server
# on PostgreSQL; see infra/README.md). BATON_BENCH_TOPOLOGIES=dev,cluster runs the whole bench
# once per topology, one after the other on the same machine, then prints both side by side
# (bench/src/topologies.ts); BATON_KEEP_STACK applies to the last one.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keep="${BATON_KEEP_STACK:-0}"
profile=bench offset=""
topologies="${BATON_BENCH_TOPOLOGIES:-${BATON_TOPOLOGY:-dev}}"
case "${BATON_PROFILE:-}" in bench-* | test-bench*) profile=$BATON_PROFILE offset=${BATON_PORT_OFFSET:-} ;; esac
for v in $(compgen -v BATON_); do
  case "$v" in BATON_BENCH_*) ;; *) unset "$v" ;; esac
done
export BATON_PROFILE=$profile
[ -n "$offset" ] && export BATON_PORT_OFFSET=$offset
IFS=, read -r -a wanted <<<"$topologies"
for t in "${wanted[@]}"; do
  case "$t" in dev | cluster) ;; *) echo "bench: BATON_BENCH_TOPOLOGIES: '$t' is not dev or cluster" >&2; exit 2 ;; esac
done
# shellcheck source=../infra/env.sh
. "$HERE/../infra/env.sh"
cd "$BATON_ROOT"

results=()
run_one() { # topology
  export BATON_TOPOLOGY="$1"
  # env.sh derives the NATS URL and replicas from the topology: derive them afresh.
  unset BATON_NATS_URL BATON_NATS_REPLICAS
  # shellcheck source=../infra/env.sh
  . "$HERE/../infra/env.sh"
  bash infra/bootstrap.sh
  # shellcheck source=../infra/env.sh
  . "$HERE/../infra/env.sh" # again: the bootstrap may have just obtained Node 24
  echo "bench: fresh $BATON_PROFILE stack ($BATON_TOPOLOGY topology) in $BATON_STATE_DIR"
  bash infra/stack.sh stop >/dev/null 2>&1 || true
  # Earlier results-*.json stay; the servers' data, logs and pid files start empty, so every run
  # measures the same thing (Temporal's database does not carry the previous run's history).
  rm -rf "$BATON_STATE_DIR/data" "$BATON_STATE_DIR/logs" "$BATON_STATE_DIR/run"
  bash infra/stack.sh start
  local before after rc=0
  before="$(ls -t "$BATON_STATE_DIR"/results-*.json 2>/dev/null | head -n1 || true)"
  node --conditions=baton-source --import tsx bench/src/main.ts || rc=$?
  after="$(ls -t "$BATON_STATE_DIR"/results-*.json 2>/dev/null | head -n1 || true)"
  [ -n "$after" ] && [ "$after" != "$before" ] && results+=("$after")
  return "$rc"
}

stop_stack() { bash infra/stack.sh stop >/dev/null 2>&1 || true; }
trap stop_stack EXIT
for i in "${!wanted[@]}"; do
  last=$((${#wanted[@]} - 1))
  [ "$i" = "$last" ] && [ "$keep" = 1 ] && trap - EXIT
  run_one "${wanted[$i]}"
  [ "$i" = "$last" ] || stop_stack
done
if [ ${#wanted[@]} -gt 1 ] && [ ${#results[@]} -gt 1 ]; then
  node --conditions=baton-source --import tsx bench/src/topologies.ts "${results[@]}"
fi
echo "bench: done in ${SECONDS} s (set-up and stack included)"
