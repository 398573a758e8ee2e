#!/usr/bin/env bash
# Usage: infra/bootstrap.sh
#
# Everything a fresh machine needs; idempotent and fast when warm:
#   1. Node.js >= 20.9 (ESLint 9, run by the tests, needs it)
#   2. pnpm 10 (see infra/pnpm.sh; its path is printed)
#   3. `pnpm install` when node_modules is missing or older than the lockfile/manifests
#   4. the nats-server, temporal and jaeger binaries (infra/obtain.sh); with
#      BATON_TOPOLOGY=cluster also temporal-server, temporal-sql-tool, ui-server and PostgreSQL
# BATON_SKIP_SERVERS=1 skips step 4.
set -euo pipefail

NODE_MIN=20.9.0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"

# ---- 1. node -------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  echo "node: ERROR: node not found; install Node.js >= $NODE_MIN (e.g. from nodejs.org or your package manager)" >&2
  exit 1
fi
node_version="$(node -p 'process.versions.node')"
if ! node -e '
  const want = process.argv[1].split(".").map(Number), have = process.versions.node.split(".").map(Number);
  for (let i = 0; i < 3; i++) { if (have[i] !== want[i]) process.exit(have[i] > want[i] ? 0 : 1); }' "$NODE_MIN"; then
  echo "node: ERROR: node $node_version is too old; Baton needs Node.js >= $NODE_MIN" >&2
  exit 1
fi
echo "node: $node_version ($(command -v node))"

# ---- 2. pnpm -------------------------------------------------------------------------------
PNPM="$("$HERE/pnpm.sh" --path)"
echo "pnpm: $("$PNPM" --version) ($PNPM; run it as infra/pnpm.sh)"

# ---- 3. node_modules -----------------------------------------------------------------------
stamp=node_modules/.modules.yaml
if [ ! -f package.json ]; then
  echo "pnpm install: skipped (no package.json at the repo root yet)"
else
  reason=""
  if [ ! -f "$stamp" ]; then
    reason="node_modules missing"
  else
    for f in pnpm-lock.yaml package.json pnpm-workspace.yaml; do
      if [ -f "$f" ] && [ "$f" -nt "$stamp" ]; then reason="$f newer than node_modules"; break; fi
    done
  fi
  if [ -z "$reason" ]; then
    echo "pnpm install: up to date"
  elif [ -f pnpm-lock.yaml ]; then
    echo "pnpm install --frozen-lockfile ($reason)"
    "$PNPM" install --frozen-lockfile
    touch "$stamp" # pnpm leaves it alone when nothing changed
  else
    echo "pnpm install ($reason; no pnpm-lock.yaml yet, creating it)"
    "$PNPM" install
    touch "$stamp"
  fi
fi

# ---- 4. servers ----------------------------------------------------------------------------
if [ "${BATON_SKIP_SERVERS:-0}" = 1 ]; then
  echo "servers: skipped (BATON_SKIP_SERVERS=1)"
else
  servers=(nats-server temporal jaeger)
  [ "$BATON_TOPOLOGY" = cluster ] && servers+=(temporal-server temporal-sql-tool ui-server postgres)
  for name in "${servers[@]}"; do
    # obtain.sh reports on stderr (one line when the binary is already there).
    "$HERE/obtain.sh" "$name" >/dev/null
  done
fi
echo "bootstrap: done"
