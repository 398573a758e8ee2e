#!/usr/bin/env bash
# The bench command (`npm run bench`): set-up, a fresh bench stack on its own ports (profile
# "bench", +200 from the demo), every Baton service plus the echo agent and the floor worker, the
# measurements, the tables, and results-<time>.json in the stack's state folder (.baton/bench).
# Stops the stack afterwards. Settings (BATON_BENCH_SCALE, ...) are listed in bench/README.md.
#
# Like the test command it clears other BATON_* variables, so a shell that sourced the demo
# profile cannot point the bench at the demo servers. BATON_PROFILE=bench-<name> (or test-bench)
# with BATON_PORT_OFFSET=<n00> runs beside another stack. BATON_KEEP_STACK=1 leaves the stack up
# (its Jaeger keeps the run's traces).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keep="${BATON_KEEP_STACK:-0}"
profile=bench offset=""
case "${BATON_PROFILE:-}" in bench-* | test-bench*) profile=$BATON_PROFILE offset=${BATON_PORT_OFFSET:-} ;; esac
for v in $(compgen -v BATON_); do
  case "$v" in BATON_BENCH_*) ;; *) unset "$v" ;; esac
done
export BATON_PROFILE=$profile
[ -n "$offset" ] && export BATON_PORT_OFFSET=$offset
# shellcheck source=../infra/env.sh
. "$HERE/../infra/env.sh"
cd "$BATON_ROOT"

bash infra/bootstrap.sh
echo "bench: fresh $BATON_PROFILE stack in $BATON_STATE_DIR"
bash infra/stack.sh stop >/dev/null 2>&1 || true
# Earlier results-*.json stay; the servers' data, logs and pid files start empty, so every run
# measures the same thing (Temporal's SQLite database does not carry the previous run's history).
rm -rf "$BATON_STATE_DIR/data" "$BATON_STATE_DIR/logs" "$BATON_STATE_DIR/run"
if [ "$keep" != 1 ]; then trap 'bash infra/stack.sh stop >/dev/null 2>&1 || true' EXIT; fi
bash infra/stack.sh start

node --import tsx bench/src/main.ts
echo "bench: done in ${SECONDS} s (set-up and stack included)"
