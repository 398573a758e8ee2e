#!/usr/bin/env bash
# Usage: infra/obtain.sh nats-server|temporal|jaeger
#
# Prints (on stdout, alone) the path of a usable binary for NAME; progress goes to stderr.
# Order: (a) $BATON_BIN_DIR/NAME, (b) NAME on PATH (same major line as the pin),
#        (c) the official release archive (curl), (d) `go install` of the pinned module.
# BATON_OBTAIN_NO_PATH=1 skips (b); BATON_OBTAIN_NO_DOWNLOAD=1 skips (c).
set -euo pipefail

# ---- pins ----------------------------------------------------------------------------------
NATS_VERSION=2.14.5
TEMPORAL_CLI_VERSION=1.5.1
JAEGER_VERSION=2.20.0
NATS_GO_PKG=github.com/nats-io/nats-server/v2
TEMPORAL_GO_PKG=github.com/temporalio/cli/cmd/temporal
JAEGER_GO_PKG=github.com/jaegertracing/jaeger/cmd/jaeger
# Jaeger's Go module has no /v2 suffix, so the tag v2.20.0 is not a valid module version:
# `go install ...@v2.20.0` can never work. The commit the tag points at can (the proxy turns it
# into a pseudo-version) where the proxy has it.
JAEGER_GO_COMMIT=798e4b0fcf22609e381df764a01461affd813e1e
# Last resort: the newest Jaeger release that also carries a v1 module tag (v1.76.0 = Jaeger
# v2.13.0). Its go.mod has a replace directive, so it is built as a main module rather than with
# `go install`. infra/jaeger/config.yaml works with both versions.
JAEGER_FALLBACK_MODULE_VERSION=v1.76.0
JAEGER_FALLBACK_VERSION=2.13.0
GO_MIN_VERSION=1.26 # jaeger v2.20.0 needs go 1.26; nats-server and temporal need 1.25
: "${BATON_DOWNLOAD_MAX_TIME:=60}"
: "${BATON_RELEASES_BASE_URL:=https://github.com}" # or a mirror with the same layout

# ---- setup ---------------------------------------------------------------------------------
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"

say() { echo "obtain: $NAME: $*" >&2; }
die() { echo "obtain: ${NAME:-?}: ERROR: $*" >&2; exit 1; }

NAME="${1:-}"
case "$NAME" in
  nats-server) PIN="$NATS_VERSION" ;;
  temporal) PIN="$TEMPORAL_CLI_VERSION" ;;
  jaeger) PIN="$JAEGER_VERSION" ;;
  *) NAME=""; die "usage: $0 nats-server|temporal|jaeger" ;;
esac
PIN_MAJOR="${PIN%%.*}"
mkdir -p "$BATON_BIN_DIR"
TARGET="$BATON_BIN_DIR/$NAME"
STAMP="$BATON_BIN_DIR/.$NAME.source" # how the binary in BATON_BIN_DIR was obtained

# Version printed by a binary ("" when it does not say, e.g. a go-built dev version).
version_of() {
  local bin="$1" out=""
  case "$NAME" in
    nats-server) out="$("$bin" --version 2>/dev/null || true)" ;;          # nats-server: v2.14.5
    temporal) out="$("$bin" --version 2>/dev/null || true)" ;;             # temporal version 1.5.1 (Server ...)
    jaeger) out="$("$bin" version 2>/dev/null | tr ',' '\n' | grep -i gitVersion || true)" ;; # {"gitVersion":"v2.20.0",...}
  esac
  echo "$out" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 | grep -v '^0\.0\.0$' || true
}

found() { # path, how
  say "$2: $1${3:+ ($3)}"
  echo "$1"
  exit 0
}

# ---- (a) already in BATON_BIN_DIR ----------------------------------------------------------
if [ -x "$TARGET" ]; then
  found "$TARGET" "already present" "$(cat "$STAMP" 2>/dev/null || echo "origin unknown")"
fi

# Serialise concurrent obtains of the same binary (e.g. demo and test stacks started together).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BATON_BIN_DIR/.$NAME.lock"
  if ! flock -n 9; then
    say "another obtain of $NAME is running; waiting for it"
    flock 9
  fi
  [ -x "$TARGET" ] && found "$TARGET" "obtained by a concurrent run" "$(cat "$STAMP" 2>/dev/null || true)"
fi

# ---- (b) on PATH ---------------------------------------------------------------------------
if [ "${BATON_OBTAIN_NO_PATH:-0}" != 1 ] && p="$(command -v "$NAME" 2>/dev/null)" && [ -n "$p" ]; then
  v="$(version_of "$p")"
  if [ -z "$v" ]; then
    found "$p" "on PATH" "version unknown; pinned $PIN"
  elif [ "${v%%.*}" = "$PIN_MAJOR" ]; then
    found "$p" "on PATH" "version $v; pinned $PIN"
  else
    say "ignoring $p on PATH: version $v is not on the pinned major line $PIN_MAJOR.x"
  fi
fi

# ---- (c) official release archive ----------------------------------------------------------
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac
case "$NAME" in
  nats-server) url="$BATON_RELEASES_BASE_URL/nats-io/nats-server/releases/download/v$PIN/nats-server-v$PIN-$os-$arch.tar.gz" ;;
  temporal) url="$BATON_RELEASES_BASE_URL/temporalio/cli/releases/download/v$PIN/temporal_cli_${PIN}_${os}_${arch}.tar.gz" ;;
  jaeger) url="$BATON_RELEASES_BASE_URL/jaegertracing/jaeger/releases/download/v$PIN/jaeger-$PIN-$os-$arch.tar.gz" ;;
esac

tmp="$(mktemp -d "${TMPDIR:-/tmp}/baton-obtain.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

install_bin() { # src, description
  chmod +x "$1"
  mv -f "$1" "$TARGET.partial.$$"
  mv -f "$TARGET.partial.$$" "$TARGET"
  echo "$2" >"$STAMP"
  found "$TARGET" "installed" "$2"
}

if [ "${BATON_OBTAIN_NO_DOWNLOAD:-0}" = 1 ]; then
  say "download skipped (BATON_OBTAIN_NO_DOWNLOAD=1)"
elif [ "$os" != linux ] && [ "$os" != darwin ] || [ "$arch" != amd64 ] && [ "$arch" != arm64 ]; then
  say "no release archive for $os/$arch; skipping download"
elif ! command -v curl >/dev/null 2>&1; then
  say "curl not found; skipping download"
else
  say "downloading $url"
  if curl -fsSL --connect-timeout 10 --max-time "$BATON_DOWNLOAD_MAX_TIME" -o "$tmp/archive.tar.gz" "$url" 2>"$tmp/curl.err"; then
    mkdir -p "$tmp/x"
    tar -xzf "$tmp/archive.tar.gz" -C "$tmp/x"
    bin="$(find "$tmp/x" -type f -name "$NAME" | head -n1)"
    [ -n "$bin" ] || die "archive $url has no file named $NAME"
    install_bin "$bin" "release archive $url"
  else
    say "download failed: $(tr '\n' ' ' <"$tmp/curl.err")"
  fi
fi

# ---- (d) go install of the pinned module ---------------------------------------------------
ver_ge() { # a b: version a >= version b (numeric, dot-separated; no `sort -V` on older macOS)
  local IFS=. i
  local -a a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  for i in 0 1 2; do
    [ "${a[i]:-0}" -gt "${b[i]:-0}" ] 2>/dev/null && return 0
    [ "${a[i]:-0}" -lt "${b[i]:-0}" ] 2>/dev/null && return 1
  done
  return 0
}

go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local have
  have="$(go env GOVERSION 2>/dev/null | sed 's/^go//; s/[^0-9.].*//')"
  # GOTOOLCHAIN=auto lets an older go fetch the toolchain a module needs; so only warn.
  ver_ge "$have" "$GO_MIN_VERSION" ||
    say "go $have is older than $GO_MIN_VERSION; trying anyway (GOTOOLCHAIN=$(go env GOTOOLCHAIN))"
  return 0
}

go_install() { # pkg@version, ldflags-extra, description
  say "go install $1 (this can take several minutes)"
  if GOBIN="$tmp/gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w $2" "$1" >&2; then
    install_bin "$tmp/gobin/$NAME" "$3"
  fi
  say "go install $1 failed"
  return 1
}

if go_ok; then
  cd "$tmp" # outside any go.mod / go.work of the caller
  case "$NAME" in
    nats-server)
      go_install "$NATS_GO_PKG@v$PIN" "" "go install $NATS_GO_PKG@v$PIN" || true ;;
    temporal)
      go_install "$TEMPORAL_GO_PKG@v$PIN" "-X github.com/temporalio/cli/temporalcli.Version=$PIN" \
        "go install $TEMPORAL_GO_PKG@v$PIN" || true ;;
    jaeger)
      vflag="-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$PIN"
      vflag="$vflag -X github.com/jaegertracing/jaeger/internal/version.commitSHA=$JAEGER_GO_COMMIT"
      go_install "$JAEGER_GO_PKG@$JAEGER_GO_COMMIT" "$vflag" "go install $JAEGER_GO_PKG@$JAEGER_GO_COMMIT (v$PIN)" || true
      # Fallback: build the module version the proxy always has, as a main module.
      say "falling back to Jaeger v$JAEGER_FALLBACK_VERSION (module github.com/jaegertracing/jaeger@$JAEGER_FALLBACK_MODULE_VERSION)"
      if dir="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_FALLBACK_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" && [ -n "$dir" ]; then
        say "go build ./cmd/jaeger in $dir (this can take several minutes)"
        if (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$tmp/gobin/jaeger" \
          -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_FALLBACK_VERSION" ./cmd/jaeger >&2); then
          say "WARNING: installed Jaeger v$JAEGER_FALLBACK_VERSION, not the pinned v$PIN"
          install_bin "$tmp/gobin/jaeger" "go build github.com/jaegertracing/jaeger@$JAEGER_FALLBACK_MODULE_VERSION (v$JAEGER_FALLBACK_VERSION fallback)"
        fi
      fi
      say "go build of the fallback failed" ;;
  esac
else
  say "go not found"
fi

die "no usable $NAME: put a $NAME $PIN_MAJOR.x on PATH or into $BATON_BIN_DIR, get internet access (for $url), or install Go >= $GO_MIN_VERSION with access to the Go module proxy"
