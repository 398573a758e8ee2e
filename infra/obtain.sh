#!/usr/bin/env bash
# Usage: infra/obtain.sh nats-server|temporal|baton-temporal|temporal-server|temporal-sql-tool|ui-server|postgres|docker-compose|zipkin|prometheus|temporal-test-server
#
# baton-temporal (the Temporal server of both topologies, with Baton's authorizer and mutual TLS)
# is built here from infra/temporal/server with go build (its modules from the Go module cache,
# else the proxy); it is rebuilt whenever that folder's source changes (a hash in its stamp).
# Prints (on stdout, alone) the path of a usable binary for NAME; progress goes to stderr.
# Order: (a) $BATON_BIN_DIR/NAME, (b) NAME on PATH (same major line as the pin),
#        (c) the official release archive (curl), (d) `go install` of the pinned module.
# BATON_OBTAIN_NO_PATH=1 skips (b); BATON_OBTAIN_NO_DOWNLOAD=1 skips (c).
# The cluster topology (BATON_TOPOLOGY=cluster) also needs temporal-server and
# temporal-sql-tool (one release archive holds both), ui-server (the Temporal web UI for a
# non-dev server) and postgres. PostgreSQL is no single binary: `postgres` prints the path of
# the server binary of an installed PostgreSQL >= 12 (on PATH, `pg_config --bindir`, or
# Debian's /usr/lib/postgresql/N/bin), else installs Debian's `postgresql` package when run as
# root where apt-get exists. docker-compose (the Compose v2 CLI plugin, for infra/check-deploy.sh
# only; no daemon needed) is obtained like the servers.
# zipkin (the local stack's one trace backend and its UI) is Zipkin's server, one executable jar from Maven
# Central (io.zipkin:zipkin-server, classifier exec), run with Java >= 17: `zipkin` prints the
# path of $BATON_BIN_DIR/zipkin-server.jar, obtained with mvn (which honours a settings.xml
# mirror) or else curl from $BATON_MAVEN_BASE_URL, its SHA-1 checked against the repository's.
# temporal-test-server (the workflow test harness's time-skipping server, @baton/workflow-kit/testing)
# is Temporal's Java test server from Maven Central (io.temporal:temporal-test-server and its
# runtime dependencies, copied with mvn into $BATON_BIN_DIR/temporal-test-server.lib), started by
# the wrapper script $BATON_BIN_DIR/temporal-test-server with Java >= 17. Temporal publishes a
# native build of the same server only as a download from its own site, which this project cannot
# reach; the Java build is the same code.
# prometheus: $BATON_BIN_DIR/prometheus, else one on PATH (any 2.x or 3.x), else Debian's
# `prometheus` package when run as root where apt-get exists (its classic web UI included), else
# the release archive (web UI embedded), else `go install` from the Go module proxy, which builds
# a Prometheus without its web UI (the React UI is built with npm and is not in the Go module):
# scraping, the query API and /targets' JSON (/api/v1/targets) work, the pages do not.
set -euo pipefail

# ---- pins ----------------------------------------------------------------------------------
NATS_VERSION=2.14.5
TEMPORAL_CLI_VERSION=1.5.1
TEMPORAL_SERVER_VERSION=1.29.2 # temporal-server and temporal-sql-tool (cluster topology)
BATON_TEMPORAL_SERVER_VERSION=1.29.1 # go.temporal.io/server in infra/temporal/server/go.mod (= the CLI's)
TEMPORAL_UI_VERSION=2.42.1     # ui-server (cluster topology)
POSTGRES_MIN_MAJOR=12          # Temporal's postgres12 SQL plugin
COMPOSE_VERSION=5.6.0          # docker-compose, to check docker-compose.yml (its Go module is .../v5)
TEMPORAL_TEST_SERVER_VERSION=1.38.0 # io.temporal:temporal-test-server (Java 17+)
SLF4J_NOP_VERSION=1.7.36            # its log binding (the server's SLF4J line)
ZIPKIN_VERSION=3.6.1           # zipkin: io.zipkin:zipkin-server:<version>:jar:exec (Java 17+)
PROMETHEUS_VERSION=3.16.0      # release archive; its Go module version is v0.316.0
PROMETHEUS_GO_PKG=github.com/prometheus/prometheus/cmd/prometheus
NATS_GO_PKG=github.com/nats-io/nats-server/v2
TEMPORAL_GO_PKG=github.com/temporalio/cli/cmd/temporal
TEMPORAL_SERVER_GO_PKG=go.temporal.io/server/cmd/server
TEMPORAL_SQL_TOOL_GO_PKG=go.temporal.io/server/cmd/tools/sql
TEMPORAL_UI_GO_PKG=github.com/temporalio/ui-server/v2/cmd/server
COMPOSE_GO_PKG=github.com/docker/compose/v5/cmd
GO_MIN_VERSION=1.26 # the Go the module builds here were checked with; nats-server and temporal need 1.25
: "${BATON_DOWNLOAD_MAX_TIME:=60}"
: "${BATON_RELEASES_BASE_URL:=https://github.com}" # or a mirror with the same layout
: "${BATON_MAVEN_BASE_URL:=https://repo1.maven.org/maven2}" # or a mirror with Maven's layout

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
  baton-temporal) PIN="$BATON_TEMPORAL_SERVER_VERSION" ;;
  temporal-server | temporal-sql-tool) PIN="$TEMPORAL_SERVER_VERSION" ;;
  ui-server) PIN="$TEMPORAL_UI_VERSION" ;;
  postgres) PIN="$POSTGRES_MIN_MAJOR" ;;
  docker-compose) PIN="$COMPOSE_VERSION" ;;
  zipkin) PIN="$ZIPKIN_VERSION" ;;
  temporal-test-server) PIN="$TEMPORAL_TEST_SERVER_VERSION" ;;
  prometheus) PIN="$PROMETHEUS_VERSION" ;;
  *) NAME=""; die "usage: $0 nats-server|temporal|baton-temporal|temporal-server|temporal-sql-tool|ui-server|postgres|docker-compose|zipkin|prometheus|temporal-test-server" ;;
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
    temporal-server | temporal-sql-tool | ui-server) out="$("$bin" --version 2>/dev/null || true)" ;; # temporal version 1.29.2
    docker-compose) out="$("$bin" version --short 2>/dev/null || true)" ;;                             # 5.6.0
    prometheus) out="$("$bin" --version 2>/dev/null | head -n1 || true)" ;;                            # prometheus, version 3.16.0 (...)
  esac
  echo "$out" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1 | grep -v '^0\.0\.0$' || true
}

found() { # path, how
  say "$2: $1${3:+ ($3)}"
  echo "$1"
  exit 0
}

# ---- PostgreSQL: an installed server, else Debian's package -------------------------------
pg_major_ok() { # path of a postgres binary: prints it and exits if its major version is enough
  local v r
  # Resolved, so that its folder holds initdb, pg_ctl and pg_isready too (not a symlink farm).
  r="$(readlink -f "$1" 2>/dev/null || true)"
  [ -n "$r" ] && [ -x "$r" ] && set -- "$r" "$2"
  v="$("$1" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)?' | head -n1)"
  if [ -n "$v" ] && [ "${v%%.*}" -ge "$POSTGRES_MIN_MAJOR" ] 2>/dev/null; then
    found "$1" "$2" "PostgreSQL $v"
  fi
  [ -z "$v" ] || say "ignoring $1: PostgreSQL $v is older than $POSTGRES_MIN_MAJOR"
}
find_postgres() {
  local p d
  if [ "${BATON_OBTAIN_NO_PATH:-0}" != 1 ] && p="$(command -v postgres 2>/dev/null)" && [ -n "$p" ]; then
    pg_major_ok "$p" "on PATH"
  fi
  if p="$(pg_config --bindir 2>/dev/null)" && [ -x "$p/postgres" ]; then pg_major_ok "$p/postgres" "pg_config --bindir"; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    [ -x "$d/postgres" ] && pg_major_ok "$d/postgres" "Debian's PostgreSQL"
  done
  return 0
}
if [ "$NAME" = postgres ]; then
  find_postgres
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's postgresql package (apt-get; the server is not started by the package)"
    # policy-rc.d 101: the package's scripts must not start a cluster of their own on 5432.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; } || rc=$?
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    [ "$rc" = 0 ] || die "apt-get install postgresql failed"
    find_postgres
  fi
  die "no PostgreSQL >= $POSTGRES_MIN_MAJOR: install it (Debian: apt-get install postgresql; macOS: brew install postgresql@16) and put its bin folder on PATH"
fi

# ---- Zipkin: one jar from Maven Central ---------------------------------------------------
if [ "$NAME" = zipkin ]; then
  jar="$BATON_BIN_DIR/zipkin-server.jar"
  command -v java >/dev/null 2>&1 || die "java not found: Zipkin's server needs Java >= 17 (Debian: apt-get install openjdk-17-jre-headless)"
  jv="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [ "${jv:-0}" -ge 17 ] 2>/dev/null || die "java ${jv:-of unknown version} is older than 17, which Zipkin $PIN needs"
  [ -s "$jar" ] && found "$jar" "already present" "$(cat "$STAMP" 2>/dev/null || echo "origin unknown")"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$BATON_BIN_DIR/.$NAME.lock"
    flock -n 9 || { say "another obtain of $NAME is running; waiting for it"; flock 9; }
    [ -s "$jar" ] && found "$jar" "obtained by a concurrent run" "$(cat "$STAMP" 2>/dev/null || true)"
  fi
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/baton-obtain.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  coords="io.zipkin:zipkin-server:$PIN:jar:exec"
  rel="io/zipkin/zipkin-server/$PIN/zipkin-server-$PIN-exec.jar"
  got=""
  if [ "${BATON_OBTAIN_NO_DOWNLOAD:-0}" = 1 ]; then
    say "download skipped (BATON_OBTAIN_NO_DOWNLOAD=1)"
  elif command -v mvn >/dev/null 2>&1; then
    say "mvn dependency:copy $coords (about 135 MB)"
    if mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$tmp" >&2; then
      got="$tmp/zipkin-server-$PIN-exec.jar" how="Maven Central via mvn ($coords)"
    else
      say "mvn failed; trying curl"
    fi
  fi
  if [ -z "$got" ] && [ "${BATON_OBTAIN_NO_DOWNLOAD:-0}" != 1 ] && command -v curl >/dev/null 2>&1; then
    say "downloading $BATON_MAVEN_BASE_URL/$rel (about 135 MB)"
    if curl -fsSL --connect-timeout 10 --max-time "$((BATON_DOWNLOAD_MAX_TIME * 5))" -o "$tmp/z.jar" "$BATON_MAVEN_BASE_URL/$rel" &&
      sum="$(curl -fsSL --connect-timeout 10 --max-time 30 "$BATON_MAVEN_BASE_URL/$rel.sha1" | cut -c1-40)"; then
      have="$( (sha1sum "$tmp/z.jar" 2>/dev/null || shasum -a 1 "$tmp/z.jar") | cut -c1-40)"
      [ "$have" = "$sum" ] || die "SHA-1 of the downloaded jar ($have) is not the repository's ($sum)"
      got="$tmp/z.jar" how="Maven Central ($BATON_MAVEN_BASE_URL/$rel, SHA-1 checked)"
    else
      say "download failed"
    fi
  fi
  [ -n "$got" ] && [ -s "$got" ] || die "no Zipkin server jar: put one at $jar, or give this machine mvn or curl access to Maven Central"
  mv -f "$got" "$jar.partial.$$" && mv -f "$jar.partial.$$" "$jar" || die "could not install $jar"
  echo "$how" >"$STAMP"
  found "$jar" "installed" "$how"
fi

# ---- Temporal's test server: Maven Central's jars and a wrapper that starts them -----------
if [ "$NAME" = temporal-test-server ]; then
  lib="$BATON_BIN_DIR/temporal-test-server.lib"
  command -v java >/dev/null 2>&1 || die "java not found: Temporal's test server needs Java >= 17 (Debian: apt-get install openjdk-17-jre-headless)"
  [ -x "$TARGET" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$PIN+$SLF4J_NOP_VERSION+cds" ] && found "$TARGET" "already present" "version $PIN"
  command -v mvn >/dev/null 2>&1 || die "mvn not found: it copies io.temporal:temporal-test-server:$PIN and its dependencies from Maven Central (Debian: apt-get install maven)"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$BATON_BIN_DIR/.$NAME.lock"
    flock -n 9 || { say "another obtain of $NAME is running; waiting for it"; flock 9; }
    [ -x "$TARGET" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$PIN+$SLF4J_NOP_VERSION+cds" ] && found "$TARGET" "obtained by a concurrent run" "version $PIN"
  fi
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/baton-obtain.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # A throwaway project whose one dependency is the test server: mvn copies its runtime closure.
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.baton</groupId><artifactId>temporal-test-server-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$PIN</version></dependency>
    <!-- The server logs through SLF4J 1.7; without a binding it prints a warning at every start. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>$SLF4J_NOP_VERSION</version></dependency>
  </dependencies>
</project>
POM
  say "mvn dependency:copy-dependencies io.temporal:temporal-test-server:$PIN (about 40 MB)"
  (cd "$tmp" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >&2) || die "mvn could not copy io.temporal:temporal-test-server:$PIN from Maven Central"
  rm -rf "$lib.partial.$$" && mv "$tmp/lib" "$lib.partial.$$" && rm -rf "$lib" && mv "$lib.partial.$$" "$lib" || die "could not install $lib"
  # The SDK's harness starts `<this> <port>` and locks and unlocks time skipping itself (the
  # server starts locked: time moves only while a test waits for a result or sleeps).
  cat >"$TARGET.partial.$$" <<'WRAP'
#!/usr/bin/env bash
# Temporal's Java test server (written by infra/obtain.sh temporal-test-server): <port> [args].
# Client JVM settings: a test server lives for one test file, so start-up counts, not peak speed.
# The class-data archive made at install (when there) makes start-up 2-4x faster; a JVM that
# cannot use it (another Java since) starts without it, silently.
lib="$(dirname "$0")/temporal-test-server.lib"
cds=()
[ -f "$lib/classes.jsa" ] && cds=(-XX:SharedArchiveFile="$lib/classes.jsa" -Xlog:disable)
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto "${cds[@]}" -cp "$lib/*" io.temporal.testserver.TestServer "$@"
WRAP
  chmod +x "$TARGET.partial.$$" && mv -f "$TARGET.partial.$$" "$TARGET" || die "could not install $TARGET"
  # A dynamic class-data archive of one start (Java's AppCDS): the SDK gives the test server five
  # seconds to listen, which a JVM loading grpc and netty from jars can miss on a busy machine.
  # Best effort: without it the wrapper starts the plain way.
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || true)"
  if [ -n "$port" ]; then
    java -XX:ArchiveClassesAtExit="$lib/classes.jsa" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xlog:disable -cp "$lib/*" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
    jvm=$!
    for _ in $(seq 1 600); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; kill -0 "$jvm" 2>/dev/null || break; sleep 0.1; done
    kill -TERM "$jvm" 2>/dev/null; wait "$jvm" 2>/dev/null || true
    [ -s "$lib/classes.jsa" ] && say "class-data archive for faster starts: $lib/classes.jsa" || say "no class-data archive (the test server starts the plain way)"
  fi
  echo "$PIN+$SLF4J_NOP_VERSION+cds" >"$STAMP"
  found "$TARGET" "installed" "Maven Central via mvn, version $PIN"
fi

# ---- Prometheus: an installed one (any 2.x/3.x), else Debian's package -----------------------
if [ "$NAME" = prometheus ] && [ ! -x "$TARGET" ]; then
  if [ "${BATON_OBTAIN_NO_PATH:-0}" != 1 ] && p="$(command -v prometheus 2>/dev/null)" && [ -n "$p" ]; then
    v="$(version_of "$p")"
    case "${v%%.*}" in 2 | 3) found "$p" "on PATH" "version $v" ;; *) say "ignoring $p on PATH: version ${v:-unknown}" ;; esac
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${BATON_OBTAIN_NO_DOWNLOAD:-0}" != 1 ]; then
    say "installing Debian's prometheus package (apt-get; the package's own service is not started)"
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus >&2; } || rc=$?
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    if [ "$rc" = 0 ] && [ -x /usr/bin/prometheus ]; then found /usr/bin/prometheus "Debian's package" "version $(version_of /usr/bin/prometheus)"; fi
    say "apt-get install prometheus failed; trying the release archive"
  fi
fi

# ---- baton-temporal: built from this repository's infra/temporal/server ------------------------
if [ "$NAME" = baton-temporal ]; then
  src="$BATON_ROOT/infra/temporal/server"
  sum="$(cat "$src"/*.go "$src/go.mod" "$src/go.sum" | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16)"
  [ -x "$TARGET" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "source $sum" ] && found "$TARGET" "already present" "source $sum"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$BATON_BIN_DIR/.$NAME.lock"
    flock -n 9 || { say "another obtain of $NAME is running; waiting for it"; flock 9; }
    [ -x "$TARGET" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "source $sum" ] && found "$TARGET" "built by a concurrent run" "source $sum"
  fi
  command -v go >/dev/null 2>&1 || die "go not found: baton-temporal is built from $src (Go >= 1.25)"
  say "go build in $src (the Temporal server and UI: about 10 s with a warm build cache, several minutes cold)"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TARGET.partial.$$" .) >&2 || die "go build in $src failed"
  mv -f "$TARGET.partial.$$" "$TARGET" || die "could not install $TARGET"
  echo "source $sum" >"$STAMP"
  found "$TARGET" "built" "source $sum"
fi

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
  # One archive holds temporal-server, temporal-sql-tool, tdbg and the Cassandra tool.
  temporal-server | temporal-sql-tool) url="$BATON_RELEASES_BASE_URL/temporalio/temporal/releases/download/v$PIN/temporal_${PIN}_${os}_${arch}.tar.gz" ;;
  ui-server) url="$BATON_RELEASES_BASE_URL/temporalio/ui-server/releases/download/v$PIN/ui-server_${PIN}_${os}_${arch}.tar.gz" ;;
  # A bare binary, not an archive.
  docker-compose) url="$BATON_RELEASES_BASE_URL/docker/compose/releases/download/v$PIN/docker-compose-$os-$(uname -m)" ;;
  prometheus) url="$BATON_RELEASES_BASE_URL/prometheus/prometheus/releases/download/v$PIN/prometheus-$PIN.$os-$arch.tar.gz" ;;
esac

tmp="$(mktemp -d "${TMPDIR:-/tmp}/baton-obtain.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

install_bin() { # src, description
  # Checked step by step: this runs inside `if`, where `set -e` does not stop on a failure.
  [ -f "$1" ] || die "the build left no binary at $1"
  chmod +x "$1" && mv -f "$1" "$TARGET.partial.$$" && mv -f "$TARGET.partial.$$" "$TARGET" || die "could not install $1 as $TARGET"
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
    [ "$NAME" = docker-compose ] && install_bin "$tmp/archive.tar.gz" "release binary $url"
    mkdir -p "$tmp/x"
    tar -xzf "$tmp/archive.tar.gz" -C "$tmp/x"
    bin="$(find "$tmp/x" -type f -name "$NAME" | head -n1)"
    [ -n "$bin" ] || die "archive $url has no file named $NAME"
    # The archive's sibling (temporal-sql-tool beside temporal-server) saves a second download.
    for sib in temporal-server temporal-sql-tool; do
      case "$NAME" in temporal-server | temporal-sql-tool) ;; *) break ;; esac
      [ "$sib" != "$NAME" ] && [ ! -x "$BATON_BIN_DIR/$sib" ] && s="$(find "$tmp/x" -type f -name "$sib" | head -n1)" && [ -n "$s" ] &&
        chmod +x "$s" && mv -f "$s" "$BATON_BIN_DIR/$sib" && echo "release archive $url" >"$BATON_BIN_DIR/.$sib.source" &&
        say "also installed $BATON_BIN_DIR/$sib from the same archive"
    done
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
  # The binary is named after the package's last element ("server" for cmd/server), or the one
  # before a major-version suffix ("nats-server" for github.com/nats-io/nats-server/v2), as Go does.
  local built="${1%@*}"
  [[ "$built" =~ /v[0-9]+$ ]] && built="${built%/*}"
  built="${built##*/}"
  if GOBIN="$tmp/gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w $2" "$1" >&2; then
    install_bin "$tmp/gobin/$built" "$3"
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
    temporal-server)
      go_install "$TEMPORAL_SERVER_GO_PKG@v$PIN" "" \
        "go install $TEMPORAL_SERVER_GO_PKG@v$PIN" || true ;;
    temporal-sql-tool)
      go_install "$TEMPORAL_SQL_TOOL_GO_PKG@v$PIN" "" "go install $TEMPORAL_SQL_TOOL_GO_PKG@v$PIN" || true ;;
    ui-server)
      go_install "$TEMPORAL_UI_GO_PKG@v$PIN" "" "go install $TEMPORAL_UI_GO_PKG@v$PIN" || true ;;
    prometheus)
      # Prometheus 3.x's Go module versions are v0.3xx.y (3.16.0 = v0.316.0).
      gv="v0.$((${PIN%%.*} * 100 + $(echo "$PIN" | cut -d. -f2))).$(echo "$PIN" | cut -d. -f3)"
      say "NOTE: a Prometheus built from the Go module has no web UI (its React UI is built with npm, not shipped in the module)"
      go_install "$PROMETHEUS_GO_PKG@$gv" "" "go install $PROMETHEUS_GO_PKG@$gv (no web UI)" || true ;;
    docker-compose)
      # Its go.mod has exclude directives, so `go install pkg@version` refuses it: build it as the
      # main module from the module cache.
      mod="${COMPOSE_GO_PKG%/cmd}"
      if dir="$(go mod download -json "$mod@v$PIN" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" && [ -n "$dir" ]; then
        say "go build ./cmd in $dir (this can take several minutes)"
        if (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$tmp/gobin/docker-compose" \
          -ldflags "-s -w -X $mod/internal.Version=v$PIN" ./cmd >&2); then
          install_bin "$tmp/gobin/docker-compose" "go build $mod@v$PIN ./cmd"
        fi
      fi
      say "go build of $mod@v$PIN failed" ;;
  esac
else
  say "go not found"
fi

die "no usable $NAME: put a $NAME $PIN_MAJOR.x on PATH or into $BATON_BIN_DIR, get internet access (for $url), or install Go >= $GO_MIN_VERSION with access to the Go module proxy"
