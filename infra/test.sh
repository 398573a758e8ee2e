#!/usr/bin/env bash
# The test command (`npm test`): set-up, a fresh test stack on its own ports and state folder,
# typecheck, lint, unit, workflow (harness) and integration tests, then end-to-end tests against
# the real servers.
# Stops the stack after.
#
# The run always uses its own stack: BATON_* variables from the calling shell are cleared so a
# sourced demo profile can never point the tests at the demo servers. BATON_PROFILE=test-<name>
# with BATON_PORT_OFFSET=<n00> runs a second suite beside the first.
# BATON_TEST_FILES="a.test.ts b.test.ts" runs only those files.
# BATON_CHAOS_N=1000 sizes the chaos suite for a long run (`npm run chaos` does that).
# BATON_KEEP_STACK=1 leaves the test stack running afterwards (its logs: .baton/test/logs).
# BATON_TOPOLOGY=cluster runs the same suite on the production shape (infra/README.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keep="${BATON_KEEP_STACK:-0}"
# A second suite may run beside the first under its own test-* profile and port offset.
profile=test offset="" only="${BATON_TEST_FILES:-}"
case "${BATON_PROFILE:-}" in test-*) profile=$BATON_PROFILE offset=${BATON_PORT_OFFSET:-} ;; esac
# Suite settings (BATON_CHAOS_N, ...) and the topology pass through; addresses and ports never do.
for v in $(compgen -v BATON_); do case "$v" in BATON_CHAOS_* | BATON_CHROMIUM | BATON_TOPOLOGY) ;; *) unset "$v" ;; esac; done
export BATON_PROFILE=$profile
[ -n "$offset" ] && export BATON_PORT_OFFSET=$offset
# shellcheck source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"

bash "$HERE/bootstrap.sh"
# The bootstrap may have just obtained Node 24 into the tools folder: source env.sh again so it
# is first on PATH (and NODE) for everything below.
. "$HERE/env.sh"
bash "$HERE/chromium.sh"
echo "test: fresh test stack in $BATON_STATE_DIR"
bash "$HERE/stack.sh" stop >/dev/null 2>&1 || true
rm -rf "$BATON_STATE_DIR"
if [ "$keep" != 1 ]; then trap 'bash "$HERE/stack.sh" stop >/dev/null 2>&1 || true' EXIT; fi
bash "$HERE/stack.sh" start
# The test processes themselves connect as the admin identity (services get their own).
if [ "$BATON_NATS_AUTH" != off ]; then export BATON_NATS_NKEY_SEED_FILE="$BATON_STATE_DIR/identities/admin.nk"; fi

echo "test: typecheck"
"$HERE/pnpm.sh" exec tsc -p tsconfig.json --noEmit

echo "test: lint (eslint.config.js)"
"$HERE/pnpm.sh" exec eslint --max-warnings 0 .

shopt -s nullglob
if [ -n "$only" ]; then
  read -r -a files <<<"$only"
else
  files=(packages/*/test/*.unit.test.ts services/*/test/*.unit.test.ts workflows/*/test/*.unit.test.ts workflows/*/test/*.workflow.test.ts bench/test/*.unit.test.ts packages/*/test/*.int.test.ts services/*/test/*.int.test.ts tests/e2e/*.e2e.test.ts tests/browser/*.browser.test.ts tests/chaos/*.chaos.test.ts)
fi
echo "test: ${#files[@]} test files"
# One file at a time: the end-to-end files share the stack and kill services on purpose.
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout --test-reporter=./packages/testkit/src/slowest-files-reporter.ts --test-reporter-destination=stdout "${files[@]}"

