#!/usr/bin/env bash
# The test command. `npm test` runs every tier, as CI does; `npm run test:fast` (--fast) only the
# first, which needs no servers:
#   1. fast: typecheck and lint side by side, then the unit tests (in one process) beside the
#      workflow tests (each workflow's paths on Temporal's test server with time skipping,
#      @baton/workflow-kit/testing; a process per file, two at a time);
#   2. a fresh test stack on its own ports and state folder (nats-server, Baton's Temporal server,
#      Zipkin, Prometheus), then the end-to-end and browser files that share one set of
#      services (every workflow's, started once by tests/shared-services.setup.ts);
#   3. from the start, beside 1-2, on a second stack of their own: the files that start services
#      of their own (first line `// test-tier: own-services (why)`: they set their services'
#      environment, or stop and kill them), and the chaos suites;
#   4. from the start too, on a third stack: the integration tests, then the own-services files
#      that mostly wait on timeouts they provoke and would alone make the second track the longest
#      (first line `// test-tier: own-services, own stack (why)`).
# The three tracks overlap because the second and third spend most of their time waiting; their
# output is printed when they end. Stops the stacks after. Prints the ten slowest files of each
# group at its end, and of the whole run last.
#
# The run always uses its own stack: BATON_* variables from the calling shell are cleared so a
# sourced demo profile can never point the tests at the demo servers. BATON_PROFILE=test-<name>
# with BATON_PORT_OFFSET=<n00> runs a second suite beside the first (its tracks use the offset
# plus 50 and plus 150: the next free hundred is then the offset plus 200).
# BATON_TEST_FILES="a.test.ts b.test.ts" runs only those files (each in its own group).
# BATON_CHAOS_N=1000 sizes the chaos suite for a long run (`npm run chaos` does that).
# BATON_KEEP_STACK=1 leaves the test stack running afterwards (its logs: .baton/test/logs).
# BATON_TOPOLOGY=cluster runs the same suite on the production shape (infra/README.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fast=0
case "${1:-}" in
  --fast) fast=1 ;;
  "") ;;
  *) echo "usage: infra/test.sh [--fast]" >&2; exit 2 ;;
esac
keep="${BATON_KEEP_STACK:-0}"
# A second suite may run beside the first under its own test-* profile and port offset.
profile=test offset="" only="${BATON_TEST_FILES:-}"
case "${BATON_PROFILE:-}" in test-*) profile=$BATON_PROFILE offset=${BATON_PORT_OFFSET:-} ;; esac
# Suite settings (BATON_CHAOS_N, ...) and the topology pass through; addresses and ports never do.
for v in $(compgen -v BATON_); do case "$v" in BATON_CHAOS_* | BATON_CHROMIUM | BATON_TOPOLOGY | BATON_TEST_LOG | BATON_TEST_TRACK | BATON_TEST_TIMES | BATON_TEST_SERVERS) ;; *) unset "$v" ;; esac; done
# BATON_TEST_TRACK=own: this run is the second track of another (below); it skips the bootstrap.
track="${BATON_TEST_TRACK:-}"
unset BATON_TEST_TRACK
# Every group of every track adds its files' wall times here (the slowest-files reporter); the
# main run prints the ten slowest of them all at its end.
if [ -z "$track" ]; then
  export BATON_TEST_TIMES="${TMPDIR:-/tmp}/baton-test-times.$$"
  : >"$BATON_TEST_TIMES"
fi
export BATON_PROFILE=$profile
[ -n "$offset" ] && export BATON_PORT_OFFSET=$offset
# shellcheck source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"
started=$SECONDS

if [ "$track" = own ]; then
  : # the first track bootstrapped
elif [ "$fast" = 1 ]; then
  BATON_SKIP_SERVERS=1 bash "$HERE/bootstrap.sh"
  "$HERE/obtain.sh" temporal-test-server >/dev/null
else
  bash "$HERE/bootstrap.sh"
fi
# The bootstrap may have just obtained Node 24 into the tools folder: source env.sh again so it
# is first on PATH (and NODE) for everything below.
. "$HERE/env.sh"

shopt -s nullglob
unit_files=(packages/*/test/*.unit.test.ts services/*/test/*.unit.test.ts workflows/*/test/*.unit.test.ts bench/test/*.unit.test.ts)
workflow_files=(workflows/*/test/*.workflow.test.ts packages/*/test/*.workflow.test.ts)
int_files=(packages/*/test/*.int.test.ts services/*/test/*.int.test.ts)
stack_files=(tests/e2e/*.e2e.test.ts tests/browser/*.browser.test.ts tests/chaos/*.chaos.test.ts)
if [ -n "$only" ]; then
  read -r -a chosen <<<"$only"
  in_list() { local f="$1"; shift; for c in "$@"; do [ "$c" = "$f" ] && return 0; done; return 1; }
  pick() { local f; for f in "$@"; do in_list "$f" "${chosen[@]}" && echo "$f"; done; return 0; }
  mapfile -t unit_files < <(pick "${unit_files[@]}")
  mapfile -t workflow_files < <(pick "${workflow_files[@]+"${workflow_files[@]}"}")
  mapfile -t int_files < <(pick "${int_files[@]}")
  mapfile -t stack_files < <(pick "${stack_files[@]}")
fi
shared_files=() own_files=() own_stack_files=() alone_files=()
for f in "${stack_files[@]+"${stack_files[@]}"}"; do
  case "$(head -n1 "$f")" in
    "// test-tier: own-services, own stack"*) own_stack_files+=("$f") ;;
    "// test-tier: own-services, alone"*) alone_files+=("$f") ;;
    "// test-tier: own-services"*) own_files+=("$f") ;;
    *) shared_files+=("$f") ;;
  esac
done

# One reporter for people (spec) and one for the slowest files. A group that fails does not stop
# the next one: the run reports every failing group and exits non-zero at the end.
failed=()
run_tests() { # label, node --test options..., -- files...
  local label="$1" opts=() t0=$SECONDS
  shift
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  [ $# -gt 0 ] || return 0
  echo "test: $label: $# files"
  local rc=0
  # --test-force-exit: a file whose tests have all ended exits even if a handle it forgot keeps its
  # event loop alive (seen once: the chaos file's process lived on after its last test and hook).
  # The slowest-files report goes to stderr (merged below): on stdout beside the spec reporter it
  # was lost when the runner exited.
  node --conditions=baton-source --import tsx --test --test-force-exit "${opts[@]}" --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./packages/testkit/src/slowest-files-reporter.ts --test-reporter-destination=stderr "$@" 2>&1 || rc=$?
  if [ "$rc" = 0 ]; then echo "test: $label: $((SECONDS - t0)) s"; else echo "test: $label: $((SECONDS - t0)) s, FAILED (exit $rc)"; fi
  [ "$rc" = 0 ] || failed+=("$label")
}
# Waits for a part of the run started in the background, prints its output under a header, and
# records its failure.
collect() { # pid, label, output file
  local rc=0
  wait "$1" || rc=$?
  if [ -s "$3" ]; then echo "test: ---- $2 ----"; cat "$3"; fi
  rm -f "$3"
  [ "$rc" = 0 ] || failed+=("$2")
}
wait_tracks() {
  local i
  for i in "${!track_pids[@]}"; do collect "${track_pids[$i]}" "track ${track_names[$i]}" "${track_logs[$i]}"; done
  track_pids=()
}
finish() {
  wait_tracks
  if [ -z "$track" ] && [ -s "$BATON_TEST_TIMES" ]; then
    echo "test: the ten slowest files of the run (wall, seconds):"
    sort -t$'\t' -k1,1 -rn "$BATON_TEST_TIMES" | head -n 10 | awk -F'\t' '{ printf "%9.1f  %s\n", $1 / 1000, $2 }'
  fi
  [ -n "$track" ] || rm -f "$BATON_TEST_TIMES"
  echo "test: done in $((SECONDS - started)) s"
  if [ ${#failed[@]} -gt 0 ]; then
    echo "test: FAILED: $(IFS=';'; echo "${failed[*]}")" >&2
    exit 1
  fi
}

# The second and third tracks (header): each a run of this script on a stack of its own, started
# now so their waiting overlaps the fast tier and the shared group; printed at the end. A track
# runs only when the main run has other files too (else its files run here, on the main stack).
track_pids=() track_logs=() track_names=()
# The tracks (their stacks and services too) run at a lower CPU priority: they mostly wait, and the
# main track (the fast tier, then the shared group) is the run's critical path. On 2 cores the fast
# tier took 77 s alone, 240 s beside the tracks at the same priority, 146 s beside them at niceness
# 10; at 19 the own-services track starved (its chaos file took minutes more).
TRACK_NICENESS=10
start_track() { # name, port offset above this run's, the servers its files need, files...
  local name="$1" plus="$2" servers="$3" log="${TMPDIR:-/tmp}/baton-test-$1.$$"
  shift 3
  echo "test: track $name: $# files on profile $BATON_PROFILE-$name ($servers), beside the rest (output at the end)"
  BATON_TEST_TRACK=own BATON_PROFILE="$BATON_PROFILE-$name" BATON_PORT_OFFSET=$((BATON_PORT_OFFSET + plus)) BATON_TEST_FILES="$*" \
    BATON_TEST_SERVERS="$servers" BATON_KEEP_STACK="$keep" nice -n "$TRACK_NICENESS" bash "$HERE/test.sh" >"$log" 2>&1 &
  track_pids+=($!) track_logs+=("$log") track_names+=("$name")
}
if [ -z "$track" ] && [ "$fast" = 0 ]; then
  bash "$HERE/chromium.sh"
  # The workflow bundle every orchestrator of the run reads, built once here rather than by the
  # first orchestrator of each track at the same time.
  node services/orchestrator/dist/prebuild.js
  main_files=$(( ${#shared_files[@]} + ${#unit_files[@]} + ${#workflow_files[@]} ))
  long=("${int_files[@]+"${int_files[@]}"}" "${own_stack_files[@]+"${own_stack_files[@]}"}")
  if [ ${#own_files[@]} -gt 0 ] && [ $((main_files + ${#long[@]})) -gt 0 ]; then
    # Prometheus only where a file reads it (the shared group's); Zipkin where one reads traces
    # (agents.e2e, own track): each costs CPU for the whole run (Prometheus scrapes every service).
    start_track own 50 "nats temporal zipkin" "${own_files[@]}"
    own_files=()
  fi
  if [ ${#own_stack_files[@]} -gt 0 ] && [ "$main_files" -gt 0 ]; then
    start_track long 150 "nats temporal" "${long[@]}"
    int_files=() own_stack_files=()
  fi
fi
# A track's own-stack files run with its own-services files.
own_files+=("${own_stack_files[@]+"${own_stack_files[@]}"}")
if [ ${#track_pids[@]} -gt 0 ]; then
  trap 'kill "${track_pids[@]}" 2>/dev/null || true' EXIT
fi

# This run's own stack starts now too (servers only), while the fast tier runs.
# The shared services of a run whose runner died before its teardown (tests/shared-services.setup.ts).
stop_shared() { [ -f "$BATON_STATE_DIR/shared-services.pids" ] && xargs -r kill <"$BATON_STATE_DIR/shared-services.pids" 2>/dev/null; rm -f "$BATON_STATE_DIR/shared-services.pids"; }
stack_pid="" stack_log="${TMPDIR:-/tmp}/baton-test-stack.$$"
if [ "$fast" = 0 ] && [ $(( ${#int_files[@]} + ${#shared_files[@]} + ${#own_files[@]} + ${#alone_files[@]} )) -gt 0 ]; then
  if [ "$keep" != 1 ]; then trap 'stop_shared || true; bash "$HERE/stack.sh" stop >/dev/null 2>&1 || true; [ ${#track_pids[@]} -eq 0 ] || kill "${track_pids[@]}" 2>/dev/null || true' EXIT; fi
  (
    echo "test: fresh test stack in $BATON_STATE_DIR"
    stop_shared || true
    bash "$HERE/stack.sh" stop >/dev/null 2>&1 || true
    rm -rf "$BATON_STATE_DIR"
    # shellcheck disable=SC2086 # a list of server names
    bash "$HERE/stack.sh" start ${BATON_TEST_SERVERS:-}
  ) >"$stack_log" 2>&1 &
  stack_pid=$!
fi

# Typecheck, lint, the unit tests (one process: they share no state between files) and the workflow
# tests (a process per file, two at a time, each with its own test server: in one long-lived
# process the Temporal test server's gRPC connections are closed for "excess pings" after a few
# minutes, and a call in flight then can hang; a test that hangs anyway fails after 2 minutes with
# its name) all run at once; the others' output is printed after the workflow tests'.
check_out="${TMPDIR:-/tmp}/baton-test-checks.$$" unit_out="${TMPDIR:-/tmp}/baton-test-unit.$$"
check_pid=""
if [ -z "$only" ]; then
  (
    t0=$SECONDS rc=0
    "$HERE/pnpm.sh" exec tsc -p tsconfig.json --noEmit >"$check_out.tsc" 2>&1 &
    tsc_pid=$!
    "$HERE/pnpm.sh" exec eslint --max-warnings 0 . || { echo "test: lint failed (eslint.config.js)"; rc=1; }
    fmt=$("$HERE/pnpm.sh" exec biome format . 2>&1) || { echo "$fmt" | head -40; echo "test: files not formatted (biome.json): npm run format"; rc=1; }
    wait "$tsc_pid" || { cat "$check_out.tsc"; echo "test: typecheck failed"; rc=1; }
    rm -f "$check_out.tsc"
    echo "test: typecheck and lint: $((SECONDS - t0)) s"
    exit "$rc"
  ) >"$check_out" 2>&1 &
  check_pid=$!
fi
(failed=(); run_tests "unit tests" --test-isolation=none -- "${unit_files[@]+"${unit_files[@]}"}"; [ ${#failed[@]} -eq 0 ]) >"$unit_out" 2>&1 &
unit_pid=$!
run_tests "workflow tests" --test-concurrency=2 --test-timeout=120000 -- "${workflow_files[@]+"${workflow_files[@]}"}"
[ -z "$check_pid" ] || collect "$check_pid" "typecheck and lint" "$check_out"
collect "$unit_pid" "unit tests" "$unit_out"
if [ "$fast" = 1 ] || [ $(( ${#int_files[@]} + ${#shared_files[@]} + ${#own_files[@]} + ${#alone_files[@]} )) -eq 0 ]; then
  finish
  exit 0
fi

stack_rc=0
wait "$stack_pid" || stack_rc=$?
cat "$stack_log"
rm -f "$stack_log"
[ "$stack_rc" = 0 ] || { echo "test: the test stack did not start" >&2; failed+=("test stack"); finish; }
# The test processes themselves connect as the admin identity (services get their own).
if [ "$BATON_NATS_AUTH" != off ]; then export BATON_NATS_NKEY_SEED_FILE="$BATON_STATE_DIR/identities/admin.nk"; fi

# One file at a time from here on: the files share the stack, and some kill services on purpose.
run_tests "integration tests" --test-concurrency=1 -- "${int_files[@]+"${int_files[@]}"}"
run_tests "end-to-end files on the shared services" --test-concurrency=1 --test-global-setup=./tests/shared-services.setup.ts -- "${shared_files[@]+"${shared_files[@]}"}"
stop_shared || true
run_tests "files with services of their own" --test-concurrency=1 -- "${own_files[@]+"${own_files[@]}"}"
# Files that change the working tree (a scaffolded workflow folder, which the typecheck, the unit
# tests and every service set read) run alone: after the shared group and every track.
if [ ${#alone_files[@]} -gt 0 ]; then
  wait_tracks
  run_tests "files with services of their own, alone" --test-concurrency=1 -- "${alone_files[@]}"
fi
finish
