#!/usr/bin/env bash
# `npm run record-histories`: the replay suite's fixtures from the real stack, in one command.
# Runs the end-to-end suites (every tests/e2e/*.e2e.test.ts and workflows/*/test/*.e2e.test.ts,
# or BATON_RECORD_FILES="a.test.ts b.test.ts") on a fresh test stack through infra/test.sh, keeps
# the stack up, exports one history per workflow type and path into workflows/<name>/histories/
# (scripts/export-histories.ts; a path that has a file keeps it unless BATON_RECORD_REPLACE=1),
# and stops the stack. Nothing is exported when a suite failed, unless BATON_RECORD_PARTIAL=1 (a
# loaded machine where a service missed its start deadline: every history the code wrote is a
# path it took, but check the list). Review the new files and commit them.
# Runs beside other suites under its own profile: BATON_PROFILE=test-<name> BATON_PORT_OFFSET=<n>
# (default test-record, offset 900).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$ROOT"
case "${BATON_PROFILE:-}" in test-*) ;; *) export BATON_PROFILE=test-record BATON_PORT_OFFSET=900 ;; esac
export BATON_PORT_OFFSET="${BATON_PORT_OFFSET:-900}"
# Like infra/test.sh: no address from the calling shell (a sourced demo profile) is ever used.
for v in $(compgen -v BATON_); do case "$v" in BATON_PROFILE | BATON_PORT_OFFSET | BATON_RECORD_FILES | BATON_RECORD_REPLACE | BATON_RECORD_PARTIAL | BATON_TOPOLOGY) ;; *) unset "$v" ;; esac; done
shopt -s nullglob
if [ -n "${BATON_RECORD_FILES:-}" ]; then
  files="$BATON_RECORD_FILES"
else
  # The deployment-file check and the upgrade test (it runs a test-only version of a workflow)
  # record no path of the registered code.
  files=""
  for f in tests/e2e/*.e2e.test.ts workflows/*/test/*.e2e.test.ts; do
    case "$f" in tests/e2e/deploy.e2e.test.ts | tests/e2e/upgrade.e2e.test.ts) ;; *) files="$files $f" ;; esac
  done
fi
stop() { bash infra/stack.sh stop >/dev/null 2>&1 || true; }
trap stop EXIT INT TERM
echo "record-histories: running $files"
suites=0
BATON_KEEP_STACK=1 BATON_TEST_FILES="$files" bash infra/test.sh || suites=$?
if [ "$suites" != 0 ]; then
  if [ "${BATON_RECORD_PARTIAL:-0}" != 1 ]; then
    echo "record-histories: a suite failed; nothing exported (BATON_RECORD_PARTIAL=1 exports what ran)" >&2
    exit "$suites"
  fi
  echo "record-histories: a suite failed; exporting what ran (BATON_RECORD_PARTIAL=1)" >&2
fi
# The kept stack's addresses, as infra/test.sh set them for this profile.
# shellcheck source=../../../infra/env.sh
. infra/env.sh
node --conditions=baton-source --import tsx packages/workflow-kit/scripts/export-histories.ts
