#!/usr/bin/env bash
# Usage: infra/pnpm.sh [pnpm args...]   runs pnpm 10 (e.g. `infra/pnpm.sh -r build`)
#        infra/pnpm.sh --path           prints the path of that pnpm and exits
#
# Uses `pnpm` on PATH when its major version is 10; otherwise the copy in
# $BATON_HOME/tools (installed here with npm on first use, pinned to PNPM_VERSION).
# Corepack is deliberately not used (its signature check fails on some Node 20 builds).
set -euo pipefail

PNPM_VERSION=10.34.8
PNPM_MAJOR="${PNPM_VERSION%%.*}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
TOOLS_DIR="$BATON_HOME/tools"
LOCAL_PNPM="$TOOLS_DIR/node_modules/.bin/pnpm"

resolve() {
  local p v
  if p="$(command -v pnpm 2>/dev/null)" && [ -n "$p" ] && [ "$p" != "$LOCAL_PNPM" ]; then
    # --version outside the repo, so a packageManager field cannot make pnpm switch versions.
    v="$(cd / && "$p" --version 2>/dev/null || true)"
    if [ "${v%%.*}" = "$PNPM_MAJOR" ]; then
      echo "$p"
      return 0
    fi
    echo "pnpm: ignoring $p on PATH (version ${v:-unknown}, need $PNPM_MAJOR.x)" >&2
  fi
  if [ -x "$LOCAL_PNPM" ] && [ "$(cd / && "$LOCAL_PNPM" --version 2>/dev/null || true)" = "$PNPM_VERSION" ]; then
    echo "$LOCAL_PNPM"
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "pnpm: ERROR: npm not found; install Node.js >= 22" >&2; return 1; }
  echo "pnpm: installing pnpm@$PNPM_VERSION into $TOOLS_DIR" >&2
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
  [ -x "$LOCAL_PNPM" ] || { echo "pnpm: ERROR: $LOCAL_PNPM missing after npm install" >&2; return 1; }
  echo "$LOCAL_PNPM"
}

PNPM="$(resolve)"
if [ "${1:-}" = --path ]; then
  echo "$PNPM"
  exit 0
fi
exec "$PNPM" "$@"
