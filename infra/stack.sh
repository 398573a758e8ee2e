#!/usr/bin/env bash
# Usage: infra/stack.sh start|stop|status|restart [NAME ...]
#
# Runs the local servers of one BATON_PROFILE, detached, with state in $BATON_STATE_DIR:
# run/NAME.pid, logs/NAME.log, data/, and the configs each server runs with. Every port comes
# from infra/env.sh. Idempotent: start skips a healthy server, stop skips a stopped one.
# status exits 1 if any named server is down.
#
# BATON_TOPOLOGY=dev (default): nats, temporal (baton-temporal, infra/temporal/server: the Temporal
#   server with mutual TLS and Baton's authorizer, on SQLite, the web UI built in),
#   zipkin (the one trace backend: Zipkin's server on Java; every service exports its spans to it,
#   its UI shows them and the test kit reads them through its API),
#   prometheus (scrapes every Baton service the test kit starts, and Temporal).
#   `restart nats` keeps the JetStream data.
# BATON_TOPOLOGY=hosts: the cluster topology with every server in a network namespace of its own
#   on one bridge (infra/hosts.sh: nats-1..3, postgres, temporal; this script, temporal-ui, zipkin,
#   prometheus and the services in "svc"); run as root, the script re-executes itself in svc.
# BATON_TOPOLOGY=cluster: nats-1 nats-2 nats-3 (one JetStream cluster; `nats` names all three),
#   postgres (initialised on first start, run as an unprivileged user), temporal (baton-temporal
#   on PostgreSQL; its databases, schema, namespace and search attributes are set up at
#   start), temporal-ui (`baton-temporal ui`: the web UI pointed at it, as an operator, behind
#   the console's sign-in), zipkin, prometheus.
# Temporal accepts no caller without a certificate of the profile's CA: the CA and one certificate
# per identity are made at its first start in $BATON_TEMPORAL_TLS_DIR (never committed); this
# script's own `temporal` commands run as admin.
# Without names, stop and status cover every server of the profile of either topology.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
# The hosts topology is run from inside its svc namespace, the one that reaches every host.
if [ "$BATON_TOPOLOGY" = hosts ] && [ "$(ip netns identify $$ 2>/dev/null)" != "baton-$BATON_PROFILE-svc" ]; then
  exec "$HERE/hosts.sh" exec bash "${BASH_SOURCE[0]}" "$@"
fi

: "${BATON_START_TIMEOUT:=60}" # seconds to wait for a started server to become healthy
: "${BATON_STOP_TIMEOUT:=15}"  # seconds between SIGTERM and SIGKILL
# Cluster topology settings (see "Tuning" in infra/README.md).
: "${BATON_TEMPORAL_HISTORY_SHARDS:=4}" # fixed when the database is created
: "${BATON_TEMPORAL_DYNAMIC_CONFIG:=$HERE/temporal/dynamicconfig.yaml}"
: "${BATON_POSTGRES_CONFIG:=$HERE/postgres/postgresql.conf}"
: "${BATON_POSTGRES_USER:=temporal}"     # the database role Temporal uses (also its superuser)
: "${BATON_POSTGRES_PASSWORD:=temporal}" # loopback only; set your own for anything else
: "${BATON_TEMPORAL_LOG_LEVEL:=warn}"
: "${BATON_TEMPORAL_RETENTION:=72h}" # of the namespace the cluster topology creates
export BATON_TEMPORAL_HISTORY_SHARDS BATON_POSTGRES_USER BATON_POSTGRES_PASSWORD BATON_TEMPORAL_LOG_LEVEL
RUN_DIR="$BATON_STATE_DIR/run"
LOG_DIR="$BATON_STATE_DIR/logs"
DATA_DIR="$BATON_STATE_DIR/data"
H="$BATON_HOST"
CLUSTER=""
HOSTS=""
[ "$BATON_TOPOLOGY" = cluster ] && CLUSTER=1
[ "$BATON_TOPOLOGY" = hosts ] && CLUSTER=1 && HOSTS=1

host_of() { # name: the address the server binds and is reached at (BATON_HOST but in the hosts topology)
  if [ -z "$HOSTS" ]; then echo "$H"; return; fi
  case "$1" in
    nats-[123]) echo "$BATON_HOSTS_NET.1${1#nats-}" ;;
    postgres) echo "$BATON_POSTGRES_HOST" ;;
    temporal) echo "$BATON_TEMPORAL_BROADCAST_ADDRESS" ;;
    *) echo "$H" ;;
  esac
}
netns_of() { # name: the network namespace it runs in (hosts topology), else nothing
  [ -n "$HOSTS" ] || return 0
  case "$1" in nats-[123] | postgres | temporal) echo "baton-$BATON_PROFILE-$1" ;; esac
}

say() { echo "$1: ${*:2}"; }
now() { date +%s; }
now_ms() { # milliseconds, where the shell can tell (bash >= 5), else whole seconds
  local t="${EPOCHREALTIME:-}"
  if [ -n "$t" ]; then t="${t//[.,]/}"; echo $((10#$t / 1000)); else echo $(($(date +%s) * 1000)); fi
}
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%01ds' $((d / 1000)) $((d % 1000 / 100)); }

# ---- per-server definitions ----------------------------------------------------------------
node_of() { echo "${1#nats-}"; } # nats-2 -> 2

bin_name() {
  case "$1" in
    nats | nats-[123]) echo nats-server ;;
    temporal) echo baton-temporal ;;
    temporal-ui) echo baton-temporal ;; # its `ui` command: the web UI behind the console's sign-in
    *) echo "$1" ;;
  esac
}

nats_port() { # node kind: the node's client|monitor|cluster port
  local n=$(($1 - 1))
  case "$2" in
    client) echo $((BATON_NATS_PORT + n)) ;;
    monitor) echo $((BATON_NATS_MONITOR_PORT + n)) ;;
    cluster) echo $((BATON_NATS_CLUSTER_PORT + n)) ;;
  esac
}

ports_of() { # every fixed port the server binds
  local p
  case "$1" in
    nats) echo "$BATON_NATS_PORT $BATON_NATS_MONITOR_PORT" ;;
    nats-[123]) for p in client monitor cluster; do echo -n "$(nats_port "$(node_of "$1")" $p) "; done ;;
    temporal)
      for p in "$BATON_TEMPORAL_PORT" "$BATON_TEMPORAL_HISTORY_PORT" "$BATON_TEMPORAL_MATCHING_PORT" "$BATON_TEMPORAL_WORKER_PORT"; do
        echo -n "$p $((p + 10)) "
      done
      echo "$BATON_TEMPORAL_HTTP_PORT $BATON_TEMPORAL_METRICS_PORT"
      [ -n "$CLUSTER" ] || echo "$BATON_TEMPORAL_UI_PORT" ;;
    temporal-ui) echo "$BATON_TEMPORAL_UI_PORT" ;;
    postgres) echo "$BATON_POSTGRES_PORT" ;;
    zipkin) echo "$BATON_ZIPKIN_PORT" ;;
    prometheus) echo "$BATON_PROMETHEUS_PORT" ;;
  esac
}

address_of() {
  local n
  case "$1" in
    nats) echo "nats://$H:$BATON_NATS_PORT (monitor http://$H:$BATON_NATS_MONITOR_PORT, JetStream in $DATA_DIR/nats)" ;;
    nats-[123])
      n="$(node_of "$1")"
      echo "nats://$(host_of "$1"):$(nats_port "$n" client) (monitor http://$(host_of "$1"):$(nats_port "$n" monitor), routes $(host_of "$1"):$(nats_port "$n" cluster), JetStream in $DATA_DIR/$1)" ;;
    temporal)
      if [ -n "$CLUSTER" ]; then
        echo "$(host_of temporal):$BATON_TEMPORAL_PORT namespace $BATON_TEMPORAL_NAMESPACE ($BATON_TEMPORAL_HISTORY_SHARDS history shards, PostgreSQL $(host_of postgres):$BATON_POSTGRES_PORT, metrics http://$(host_of temporal):$BATON_TEMPORAL_METRICS_PORT/metrics)"
      else
        echo "$H:$BATON_TEMPORAL_PORT namespace $BATON_TEMPORAL_NAMESPACE (mutual TLS, certificates in $BATON_TEMPORAL_TLS_DIR; UI http://$H:$BATON_TEMPORAL_UI_PORT; db $DATA_DIR/temporal.db)"
      fi ;;
    temporal-ui) echo "http://$H:$BATON_TEMPORAL_UI_PORT (Temporal at $(host_of temporal):$BATON_TEMPORAL_PORT)" ;;
    postgres) echo "$(host_of postgres):$BATON_POSTGRES_PORT user $BATON_POSTGRES_USER (data $DATA_DIR/postgres, run as $(pg_os_user))" ;;
    zipkin) echo "trace UI $BATON_ZIPKIN_URL/zipkin/ (spans in at $BATON_ZIPKIN_URL/api/v2/spans, kept in memory; one trace at $BATON_ZIPKIN_URL/api/v2/trace/<id>)" ;;
    prometheus) echo "$BATON_PROMETHEUS_URL (targets $BATON_PROMETHEUS_URL/targets; config $BATON_STATE_DIR/prometheus.yml)" ;;
  esac
}

temporal_cli() { # the Temporal CLI (obtain.sh temporal), remembered for the profile
  local b
  b="$(cat "$RUN_DIR/temporal-cli.bin" 2>/dev/null || true)"
  if [ -z "$b" ] || [ ! -x "$b" ]; then
    b="$("$HERE/obtain.sh" temporal 2>/dev/null)" || return 1
    mkdir -p "$RUN_DIR" && echo "$b" >"$RUN_DIR/temporal-cli.bin"
  fi
  echo "$b"
}

# The CLI as admin: the only identity allowed to manage namespaces and search attributes.
tcli() {
  "$(temporal_cli)" "$@" --address "$(host_of temporal):$BATON_TEMPORAL_PORT" --tls-ca-path "$BATON_TEMPORAL_TLS_DIR/ca.pem" \
    --tls-cert-path "$BATON_TEMPORAL_TLS_DIR/admin.pem" --tls-key-path "$BATON_TEMPORAL_TLS_DIR/admin.key" --tls-server-name baton-temporal
}

# The identities with a Temporal certificate: the server's own (frontend, internode, the system
# worker), admin (this script, the test kit, the bench), the four services that talk to Temporal,
# operator (people's tools: the `baton` CLI) and ui (the web UI, an operator too).
TEMPORAL_IDENTITIES=(frontend internode system-worker admin gateway orchestrator console approver-notify operator ui)
ensure_temporal_certs() {
  local bin
  bin="$("$HERE/obtain.sh" baton-temporal)" || return 1
  mkdir -p "$(dirname "$BATON_TEMPORAL_TLS_DIR")" && chmod 700 "$(dirname "$BATON_TEMPORAL_TLS_DIR")"
  "$bin" certs --dir "$BATON_TEMPORAL_TLS_DIR" --hosts "$H${BATON_TEMPORAL_BROADCAST_ADDRESS:+,$BATON_TEMPORAL_BROADCAST_ADDRESS}" "${TEMPORAL_IDENTITIES[@]}" |
    while read -r line; do say temporal "$line"; done
  [ "${PIPESTATUS[0]}" = 0 ] || { say temporal "ERROR: could not make the Temporal certificates in $BATON_TEMPORAL_TLS_DIR" >&2; return 1; }
}

# The workflow types the gateway's identity may start (policy.go): those an event route of the
# workflow registry starts, written at every `start` of Temporal, running or not (the server reads
# the file again when it changes, so a workflow added needs no restart).
write_gateway_start_types() {
  local f="$BATON_TEMPORAL_TLS_DIR/gateway-workflow-types"
  (cd "$BATON_ROOT" && node --conditions=baton-source --import tsx services/gateway/src/print-start-types.ts) >"$f.tmp" 2>>"$LOG_DIR/temporal.log" &&
    mv "$f.tmp" "$f" ||
    { say temporal "ERROR: could not list the workflow types the gateway may start; see $LOG_DIR/temporal.log" >&2; return 1; }
}

# Baton's Temporal search attributes. The Temporal server never registers them itself, so
# ensure_search_attributes adds any missing (after every start: a no-op when all are there).
SEARCH_ATTRIBUTES=(BatonState=Keyword BatonWorkflowType=Keyword BatonStateSince=Datetime BatonStuck=Bool BatonCustomer=Keyword)

ensure_search_attributes() {
  local have sa name
  have="$(tcli operator search-attribute list --namespace "$BATON_TEMPORAL_NAMESPACE" --command-timeout 5s 2>/dev/null)" || return 1
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    name="${sa%%=*}"
    if ! grep -qE "^\s*$name\s" <<<"$have"; then
      if tcli operator search-attribute create --namespace "$BATON_TEMPORAL_NAMESPACE" --name "$name" --type "${sa#*=}" >/dev/null 2>&1; then
        say temporal "registered search attribute $name (${sa#*=})"
      else
        say temporal "ERROR: could not register search attribute $name" >&2
        return 1
      fi
    fi
  done
}

# The Temporal server creates no namespace by itself on PostgreSQL (baton-temporal does on SQLite).
ensure_namespace() {
  local deadline=$(($(now) + BATON_START_TIMEOUT))
  if ! tcli operator namespace describe --namespace "$BATON_TEMPORAL_NAMESPACE" --command-timeout 5s >/dev/null 2>&1; then
    tcli operator namespace create --namespace "$BATON_TEMPORAL_NAMESPACE" --retention "$BATON_TEMPORAL_RETENTION" \
      --command-timeout 10s >/dev/null || { say temporal "ERROR: could not create namespace $BATON_TEMPORAL_NAMESPACE" >&2; return 1; }
    say temporal "created namespace $BATON_TEMPORAL_NAMESPACE (retention $BATON_TEMPORAL_RETENTION)"
  fi
  # A new namespace reaches every service's namespace cache within a few seconds.
  until tcli workflow list --namespace "$BATON_TEMPORAL_NAMESPACE" --limit 1 --command-timeout 3s >/dev/null 2>&1; do
    [ "$(now)" -lt "$deadline" ] || { say temporal "ERROR: namespace $BATON_TEMPORAL_NAMESPACE not usable after ${BATON_START_TIMEOUT}s" >&2; return 1; }
    sleep 0.5
  done
}

after_start() { # name: what a healthy server still needs before it is ready for Baton
  case "$1" in
    temporal)
      ensure_namespace || return 1
      ensure_search_attributes ;;
  esac
}

healthy() { # exit 0 if the server answers its health check
  local n
  case "$1" in
    nats)
      curl -fsS --max-time 2 "http://$H:$BATON_NATS_MONITOR_PORT/healthz?js-enabled-only=true" >/dev/null 2>&1 ;;
    nats-[123])
      # The full check: JetStream current with a meta leader, every stream and consumer current.
      n="$(node_of "$1")"
      curl -fsS --max-time 2 "http://$(host_of "$1"):$(nats_port "$n" monitor)/healthz" >/dev/null 2>&1 ;;
    temporal)
      if [ -z "$CLUSTER" ]; then
        # /healthz: every other page of the UI wants a console session (ui.go).
        curl -fsS --max-time 2 -o /dev/null "http://$H:$BATON_TEMPORAL_UI_PORT/healthz" 2>/dev/null || return 1
      fi
      tcli operator cluster health --command-timeout 3s 2>/dev/null | grep -q SERVING ;;
    temporal-ui)
      curl -fsS --max-time 2 -o /dev/null "http://$H:$BATON_TEMPORAL_UI_PORT/healthz" 2>/dev/null ;;
    postgres)
      "$(pg_bin)/pg_isready" -q -h "$(host_of postgres)" -p "$BATON_POSTGRES_PORT" -t 2 >/dev/null 2>&1 ;;
    zipkin)
      curl -fsS --max-time 2 "http://$H:$BATON_ZIPKIN_PORT/health" 2>/dev/null | grep -q '"UP"' ;;
    prometheus)
      curl -fsS --max-time 2 -o /dev/null "http://$H:$BATON_PROMETHEUS_PORT/-/ready" 2>/dev/null ;;
  esac
}

# Up enough to be left to its peers: a cluster node answers with JetStream enabled (the full
# check needs a quorum of nodes, so it is made once all of them run).
started() {
  local n
  case "$1" in
    nats-[123])
      n="$(node_of "$1")"
      curl -fsS --max-time 2 "http://$(host_of "$1"):$(nats_port "$n" monitor)/healthz?js-enabled-only=true" >/dev/null 2>&1 ;;
    *) healthy "$1" ;;
  esac
}

# ---- NATS cluster nodes ----------------------------------------------------------------------
write_nats_config() { # node: $BATON_STATE_DIR/nats-N.conf
  local n="$1" i routes=""
  for i in 1 2 3; do routes="$routes\"nats-route://$(host_of "nats-$i"):$(nats_port $i cluster)\", "; done
  cat >"$BATON_STATE_DIR/nats-$n.conf" <<EOF
# Written by infra/stack.sh for profile $BATON_PROFILE (cluster topology); rewritten at each start.
server_name: "baton-$BATON_PROFILE-n$n"
host: "$(host_of "nats-$n")"
port: $(nats_port "$n" client)
http: "$(host_of "nats-$n"):$(nats_port "$n" monitor)"
jetstream {
  store_dir: "$DATA_DIR/nats-$n"${BATON_NATS_SYNC_INTERVAL:+
  sync_interval: $BATON_NATS_SYNC_INTERVAL}
}
cluster {
  name: "baton-$BATON_PROFILE"
  host: "$(host_of "nats-$n")"
  port: $(nats_port "$n" cluster)
  routes: [ ${routes%, } ]
}
$(nats_auth_include)
EOF
}

# ---- NATS identities -------------------------------------------------------------------------
# One nkey user per service with its least subject permissions (docs/secure.md), generated by
# the test kit from the discovered services: seeds on first start, the server's authorization
# block (public keys only) rewritten at every start, into $BATON_STATE_DIR/identities.
# BATON_NATS_AUTH=off (dev only) starts the server without authorization: anonymous clients.
write_nats_identities() {
  [ "$BATON_NATS_AUTH" = off ] && return 0
  (cd "$BATON_ROOT" && node --conditions=baton-source --import tsx packages/testkit/scripts/nats-identities.ts) >>"$LOG_DIR/nats-identities.log" 2>&1 ||
    { say nats "ERROR: could not write the NATS identities; see $LOG_DIR/nats-identities.log" >&2; tail -n 15 "$LOG_DIR/nats-identities.log" >&2; return 1; }
}

nats_auth_include() { # the config line that applies the identities (none with BATON_NATS_AUTH=off)
  if [ "$BATON_NATS_AUTH" = off ]; then echo "# BATON_NATS_AUTH=off: no authorization, anonymous clients accepted (dev only)"; else echo 'include "identities/auth.conf"'; fi
}

# ---- PostgreSQL ------------------------------------------------------------------------------
pg_bin() { # the folder of the PostgreSQL server binaries
  local b
  b="$(cat "$RUN_DIR/postgres.bin" 2>/dev/null || true)"
  if [ -z "$b" ] || [ ! -x "$b" ]; then
    b="$("$HERE/obtain.sh" postgres)" || return 1
    mkdir -p "$RUN_DIR" && echo "$b" >"$RUN_DIR/postgres.bin"
  fi
  dirname "$b"
}

# PostgreSQL refuses to run as root: as root, run it as "postgres" (Debian's package creates
# it) or a system user "baton-pg" made here; otherwise as the calling user.
pg_os_user() {
  if [ "$(id -u)" != 0 ]; then id -un; elif id postgres >/dev/null 2>&1; then echo postgres; else echo baton-pg; fi
}

as_pg() { # command...: run as pg_os_user, in place (exec, same pid)
  if [ "$(id -u)" != 0 ]; then
    "$@"
  else
    local u
    u="$(pg_os_user)"
    setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"
  fi
}

init_postgres() { # initdb on first start; prints one line when it does something
  local dir="$DATA_DIR/postgres" u pw
  [ -f "$dir/PG_VERSION" ] && return 0
  u="$(pg_os_user)"
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null 2>&1 || { say postgres "ERROR: setpriv (util-linux) is needed to run PostgreSQL as $u" >&2; return 1; }
    if ! id "$u" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$u" || { say postgres "ERROR: could not create user $u" >&2; return 1; }
      say postgres "created system user $u to run PostgreSQL"
    fi
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  pw="$BATON_STATE_DIR/postgres.pw"
  (umask 077 && printf '%s\n' "$BATON_POSTGRES_PASSWORD" >"$pw")
  if [ "$(id -u)" = 0 ]; then chown "$u:$(id -g "$u")" "$dir" "$pw"; fi
  chmod 700 "$dir"
  if ! as_pg test -w "$dir"; then
    say postgres "ERROR: $u cannot write $dir (every folder above it must be searchable by $u)" >&2
    rm -f "$pw"
    return 1
  fi
  if ! as_pg "$(pg_bin)/initdb" -D "$dir" -U "$BATON_POSTGRES_USER" --pwfile="$pw" --auth-host=scram-sha-256 \
    --auth-local=peer --encoding=UTF8 --locale=C --no-instructions >>"$LOG_DIR/postgres.log" 2>&1; then
    rm -f "$pw"
    say postgres "ERROR: initdb failed; last lines of $LOG_DIR/postgres.log:" >&2
    tail -n 15 "$LOG_DIR/postgres.log" >&2
    return 1
  fi
  rm -f "$pw"
  # The tuned settings live beside the data (copied from infra/postgres at every start).
  echo "include_if_exists = '../../postgres.conf'" >>"$dir/postgresql.conf"
  say postgres "initialised $dir (PostgreSQL $(as_pg "$(pg_bin)/postgres" --version | grep -oE '[0-9]+(\.[0-9]+)?' | head -n1), superuser $BATON_POSTGRES_USER, run as $u)"
}

# The hosts topology reaches PostgreSQL from the profile's /24, not loopback: one pg_hba line.
allow_hosts_net() {
  [ -n "$HOSTS" ] || return 0
  local f="$DATA_DIR/postgres/pg_hba.conf" line="host all all $BATON_HOSTS_NET.0/24 scram-sha-256"
  grep -qxF "$line" "$f" || echo "$line" >>"$f"
}

psql_q() { # sql: one value from the server's "postgres" database
  PGPASSWORD="$BATON_POSTGRES_PASSWORD" "$(pg_bin)/psql" -h "$(host_of postgres)" -p "$BATON_POSTGRES_PORT" -U "$BATON_POSTGRES_USER" \
    -d postgres -tAX -c "$1" 2>/dev/null
}

# Temporal's two databases with their schema, by Temporal's own SQL tool: created once, then
# brought to the newest schema version the tool carries (a no-op when already there).
ensure_temporal_schema() {
  local tool db schema before after
  tool="$("$HERE/obtain.sh" temporal-sql-tool)" || return 1
  healthy postgres || { say temporal "ERROR: PostgreSQL is not running on $(host_of postgres):$BATON_POSTGRES_PORT (infra/stack.sh start postgres)" >&2; return 1; }
  for db in temporal temporal_visibility; do
    schema=postgresql/v12/temporal
    [ "$db" = temporal_visibility ] && schema=postgresql/v12/visibility
    local -a sql=("$tool" --plugin postgres12 --ep "$(host_of postgres)" -p "$BATON_POSTGRES_PORT" -u "$BATON_POSTGRES_USER" --db "$db")
    if [ "$(psql_q "select 1 from pg_database where datname = '$db'")" != 1 ]; then
      SQL_PASSWORD="$BATON_POSTGRES_PASSWORD" "${sql[@]}" create-database >>"$LOG_DIR/temporal.log" 2>&1 &&
        SQL_PASSWORD="$BATON_POSTGRES_PASSWORD" "${sql[@]}" setup-schema -v 0.0 >>"$LOG_DIR/temporal.log" 2>&1 ||
        { say temporal "ERROR: could not create database $db; see $LOG_DIR/temporal.log" >&2; return 1; }
      say temporal "created database $db"
      [ "$db" = temporal ] && echo "$BATON_TEMPORAL_HISTORY_SHARDS" >"$DATA_DIR/temporal-shards"
    fi
    before="$(db_schema_version "$db")"
    SQL_PASSWORD="$BATON_POSTGRES_PASSWORD" "${sql[@]}" update-schema --schema-name "$schema" >>"$LOG_DIR/temporal.log" 2>&1 ||
      { say temporal "ERROR: schema update of $db failed; see $LOG_DIR/temporal.log" >&2; return 1; }
    after="$(db_schema_version "$db")"
    [ "$before" = "$after" ] || say temporal "database $db: schema $schema version ${before:-none} -> $after"
  done
  local shards
  shards="$(cat "$DATA_DIR/temporal-shards" 2>/dev/null || echo "$BATON_TEMPORAL_HISTORY_SHARDS")"
  if [ "$shards" != "$BATON_TEMPORAL_HISTORY_SHARDS" ]; then
    say temporal "ERROR: the database was created with $shards history shards, BATON_TEMPORAL_HISTORY_SHARDS is $BATON_TEMPORAL_HISTORY_SHARDS; the count cannot change: stop the stack and delete $BATON_STATE_DIR (or unset the variable)" >&2
    return 1
  fi
}

db_schema_version() { # db
  PGPASSWORD="$BATON_POSTGRES_PASSWORD" "$(pg_bin)/psql" -h "$(host_of postgres)" -p "$BATON_POSTGRES_PORT" -U "$BATON_POSTGRES_USER" \
    -d "$1" -tAX -c "select curr_version from schema_version" 2>/dev/null || true
}

# ---- Prometheus ------------------------------------------------------------------------------
# The local stack's scrape config: the Baton services by file discovery (their metrics ports are
# the test kit's: BATON_METRICS_BASE_PORT + the service's index, written by
# packages/testkit/scripts/prometheus-targets.ts), and the Temporal server. docker-compose.yml
# has its own, infra/prometheus/prometheus.yml.
write_prometheus_config() {
  mkdir -p "$BATON_STATE_DIR/prometheus"
  (cd "$BATON_ROOT" && node --conditions=baton-source --import tsx packages/testkit/scripts/prometheus-targets.ts) >"$BATON_STATE_DIR/prometheus/services.json.tmp" &&
    mv -f "$BATON_STATE_DIR/prometheus/services.json.tmp" "$BATON_STATE_DIR/prometheus/services.json"
  cat >"$BATON_STATE_DIR/prometheus.yml" <<EOF
# Written by infra/stack.sh for profile $BATON_PROFILE; rewritten at each start.
global:
  scrape_interval: ${BATON_PROMETHEUS_SCRAPE_INTERVAL:-5s}
  scrape_timeout: 4s
rule_files: ["$BATON_ROOT/infra/prometheus/alerts.yml"]
scrape_configs:
  - job_name: baton
    file_sd_configs:
      - files: ["$BATON_STATE_DIR/prometheus/services.json"]
        refresh_interval: 30s
  - job_name: temporal
    static_configs:
      - targets: ["$(host_of temporal):$BATON_TEMPORAL_METRICS_PORT"]
EOF
}

# ---- Temporal payload keys -------------------------------------------------------------------
# Every Baton client and worker encrypts Temporal payloads (packages/temporal-codec). Unless
# BATON_PAYLOAD_KEYS is set, the profile's key file is written once, readable by its owner only.
ensure_payload_keys() {
  local f="$BATON_PAYLOAD_KEY_FILE"
  [ -z "${BATON_PAYLOAD_KEYS:-}" ] || return 0
  [ -s "$f" ] && return 0
  mkdir -p "$(dirname "$f")"
  (umask 077 && printf '[{"id":"%s","key":"%s"}]\n' "local-$(date +%Y%m%d%H%M%S)" "$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >"$f")
  say stack "wrote a Temporal payload key to $f"
}

# ---- launching -------------------------------------------------------------------------------
before_launch() { # name: set-up a server needs before its process starts
  case "$1" in
    nats | nats-[123]) write_nats_identities ;;
    postgres) init_postgres && allow_hosts_net ;;
    temporal) ensure_temporal_certs && write_gateway_start_types || return 1; [ -z "$CLUSTER" ] || ensure_temporal_schema ;;
    temporal-ui) ensure_temporal_certs ;;
    *) return 0 ;;
  esac
}

launch() { # name, bin: start detached, print the pid
  local name="$1" bin="$2" log="$LOG_DIR/$1.log" n dc sa
  local -a args pre=()
  case "$name" in
    nats)
      mkdir -p "$DATA_DIR/nats"
      # Everything in the file, none as flags: a reload (SIGHUP, when a new service gets its
      # identity) re-reads the file alone and refuses to drop a setting given as a flag.
      cat >"$BATON_STATE_DIR/nats.conf" <<EOF
# Written by infra/stack.sh for profile $BATON_PROFILE (dev topology); rewritten at each start.
server_name: "baton-$BATON_PROFILE"
host: "$H"
port: $BATON_NATS_PORT
http: "$H:$BATON_NATS_MONITOR_PORT"
jetstream {
  store_dir: "$DATA_DIR/nats"
}
$(nats_auth_include)
EOF
      args=(-c "$BATON_STATE_DIR/nats.conf") ;;
    nats-[123])
      n="$(node_of "$name")"
      mkdir -p "$DATA_DIR/$name"
      write_nats_config "$n"
      args=(-c "$BATON_STATE_DIR/$name.conf") ;;
    temporal)
      mkdir -p "$DATA_DIR" "$BATON_STATE_DIR/temporal-server"
      # One dynamic config for both topologies (see "Tuning" in infra/README.md).
      cp "$BATON_TEMPORAL_DYNAMIC_CONFIG" "$BATON_STATE_DIR/temporal-server/dynamicconfig.yaml"
      export BATON_TEMPORAL_DYNAMIC_CONFIG_FILE="$BATON_STATE_DIR/temporal-server/dynamicconfig.yaml" BATON_TEMPORAL_TLS_DIR
      args=(start --config-dir "$BATON_STATE_DIR/temporal-server" --namespace "$BATON_TEMPORAL_NAMESPACE" --task-queue baton-orchestrator
        --gateway-workflow-types "$BATON_TEMPORAL_TLS_DIR/gateway-workflow-types")
      if [ -n "$CLUSTER" ]; then
        cp "$HERE/temporal/server.yaml" "$BATON_STATE_DIR/temporal-server/baton.yaml"
        args+=(--env baton)
      else
        cp "$HERE/temporal/server-dev.yaml" "$BATON_STATE_DIR/temporal-server/dev.yaml"
        export BATON_TEMPORAL_SQLITE_FILE="$DATA_DIR/temporal.db"
        # The web UI in the same process, on loopback, calling Temporal as "ui" (an operator: it
        # reads, it changes nothing); payloads are decoded by the console's codec endpoint. It
        # serves only a person the console says is a signed-in operator (ui.go).
        args+=(--env dev --ui-listen "$H:$BATON_TEMPORAL_UI_PORT" --ui-codec-endpoint "$BATON_TEMPORAL_CODEC_ENDPOINT"
          --ui-cert "$BATON_TEMPORAL_TLS_DIR/ui.pem" --ui-key "$BATON_TEMPORAL_TLS_DIR/ui.key" --ui-ca "$BATON_TEMPORAL_TLS_DIR/ca.pem"
          --ui-auth-url "$BATON_CONSOLE_URL/auth/temporal-ui" --ui-login-url "$BATON_CONSOLE_URL/login")
      fi ;;
    temporal-ui)
      # The same gated UI as the dev topology's (infra/temporal/server/ui.go), as its own process.
      args=(ui --listen "$H:$BATON_TEMPORAL_UI_PORT" --frontend "$(host_of temporal):$BATON_TEMPORAL_PORT" --namespace "$BATON_TEMPORAL_NAMESPACE"
        --codec-endpoint "$BATON_TEMPORAL_CODEC_ENDPOINT"
        --cert "$BATON_TEMPORAL_TLS_DIR/ui.pem" --key "$BATON_TEMPORAL_TLS_DIR/ui.key" --ca "$BATON_TEMPORAL_TLS_DIR/ca.pem"
        --auth-url "$BATON_CONSOLE_URL/auth/temporal-ui" --login-url "$BATON_CONSOLE_URL/login") ;;
    postgres)
      cp "$BATON_POSTGRES_CONFIG" "$BATON_STATE_DIR/postgres.conf"
      chmod 644 "$BATON_STATE_DIR/postgres.conf"
      # No Unix socket: TCP on the profile's loopback port only.
      args=(-D "$DATA_DIR/postgres" -c "listen_addresses=$(host_of postgres)" -c "port=$BATON_POSTGRES_PORT" -c "unix_socket_directories=")
      if [ "$(id -u)" = 0 ]; then
        local u
        u="$(pg_os_user)"
        pre=(setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups --)
      fi ;;
    zipkin)
      # $bin is the jar (infra/obtain.sh zipkin). In-memory storage, bounded; loopback only.
      pre=(env "MEM_MAX_SPANS=${BATON_ZIPKIN_MAX_SPANS:-200000}" java ${BATON_ZIPKIN_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} -jar)
      args=("--armeria.ports[0].ip=$H" "--armeria.ports[0].port=$BATON_ZIPKIN_PORT" "--armeria.ports[0].protocols=http") ;;
    prometheus)
      write_prometheus_config
      mkdir -p "$DATA_DIR/prometheus"
      args=(--config.file="$BATON_STATE_DIR/prometheus.yml" --storage.tsdb.path="$DATA_DIR/prometheus"
        --storage.tsdb.retention.time=2d --web.listen-address="$H:$BATON_PROMETHEUS_PORT") ;;
  esac
  # The hosts topology: into the server's namespace (ip netns exec execs in place: same pid),
  # with BATON_HOST its own address (server.yaml binds Temporal's ports to it).
  local ns
  ns="$(netns_of "$name")"
  [ -z "$ns" ] || pre=(ip netns exec "$ns" env "BATON_HOST=$(host_of "$name")" "${pre[@]}")
  echo "=== $(date '+%Y-%m-%dT%H:%M:%S%z') start: ${pre[*]:+${pre[*]} }$bin ${args[*]}" >>"$log"
  # setsid: own session, so the server survives the calling shell and its Ctrl-C; nohup: no HUP.
  # In a non-interactive shell the background child is no process-group leader, so setsid
  # exec()s in place and $! is the server's pid (setpriv execs in place too).
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup "${pre[@]}" "$bin" "${args[@]}" >>"$log" 2>&1 </dev/null &
  else
    nohup "${pre[@]}" "$bin" "${args[@]}" >>"$log" 2>&1 </dev/null &
  fi
  echo $!
}

obtain_bin() { # name: path of the server's binary
  case "$1" in
    postgres) echo "$(pg_bin)/postgres" ;;
    *) "$HERE/obtain.sh" "$(bin_name "$1")" ;;
  esac
}

# ---- pid files -----------------------------------------------------------------------------
alive() { # pid: the process exists and is not a zombie waiting to be reaped
  local st
  st="$(ps -p "$1" -o stat= 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

pid_of() { # prints the pid if the pid file names a live process running our binary
  local name="$1" pid cmd want
  pid="$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 1
  alive "$pid" || return 1
  cmd="$(ps -p "$pid" -o args= 2>/dev/null || true)"
  want="$(bin_name "$name")"
  [ "$name" = temporal ] && want=temporal # either topology's server
  case "$cmd" in *"$want"*) echo "$pid" ;; *) return 1 ;; esac
}

port_busy() { # port [host]: something accepts connections there
  (exec 3<>"/dev/tcp/${2:-$H}/$1") 2>/dev/null
}

# ---- actions -------------------------------------------------------------------------------
# A profile runs one topology at a time: both use the same ports and state folder.
check_topology() {
  local other n
  other="$(cat "$RUN_DIR/topology" 2>/dev/null || echo dev)"
  [ "$other" = "$BATON_TOPOLOGY" ] && return 0
  # cluster and hosts run the same servers on the same data: only the network differs.
  case "$other$BATON_TOPOLOGY" in clusterhosts | hostscluster) return 0 ;; esac
  for n in "${ALL_NAMES[@]}"; do
    if pid_of "$n" >/dev/null; then
      say stack "ERROR: profile $BATON_PROFILE runs the $other topology ($n is up); stop it first: BATON_TOPOLOGY=$other infra/stack.sh stop" >&2
      return 1
    fi
  done
}

do_launch() { # name: start it unless healthy; 0 once launched (or running), health not awaited
  local name="$1" pid bin p busy=""
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"
  if pid="$(pid_of "$name")"; then
    if started "$name"; then
      say "$name" "already running (pid $pid) at $(address_of "$name")"
      echo "$pid" >"$RUN_DIR/$name.already"
      # A workflow added since Temporal started: the server reads the rewritten list at once.
      [ "$name" != temporal ] || write_gateway_start_types
      return 0
    fi
    say "$name" "running (pid $pid) but not healthy yet; waiting up to ${BATON_START_TIMEOUT}s"
    if wait_for started "$name" "$pid"; then return 0; fi
    say "$name" "still unhealthy; restarting it"
    do_stop "$name"
  elif [ -f "$RUN_DIR/$name.pid" ]; then
    say "$name" "removing stale pid file (pid $(cat "$RUN_DIR/$name.pid"))"
    rm -f "$RUN_DIR/$name.pid"
  fi
  # A server stopped a moment ago (a restart) may still be closing its last listener on a loaded
  # machine (seen: Temporal's metrics port, at load 40): its ports get ten seconds to come free.
  local tries
  for ((tries = 0; tries < 100; tries++)); do
    busy=""
    for p in $(ports_of "$name"); do port_busy "$p" "$(host_of "$name")" && busy="$busy $p"; done
    [ -n "$busy" ] || break
    sleep 0.1
  done
  if [ -n "$busy" ]; then
    say "$name" "ERROR: port(s)$busy on $H already in use by another process (not this $BATON_PROFILE stack's pid file); stop it or change the BATON_*_PORT variables" >&2
    return 1
  fi
  bin="$(obtain_bin "$name")" || { say "$name" "ERROR: no binary (see above)" >&2; return 1; }
  before_launch "$name" || return 1
  now_ms >"$RUN_DIR/$name.t0"
  pid="$(launch "$name" "$bin")"
  echo "$pid" >"$RUN_DIR/$name.pid"
  say "$name" "started (pid $pid), waiting for health (up to ${BATON_START_TIMEOUT}s); log $LOG_DIR/$name.log"
  local rc=0
  wait_for started "$name" "$pid" || rc=$?
  if [ "$rc" != 0 ]; then
    launch_failed "$name" "$rc"
    return 1
  fi
}

launch_failed() { # name rc
  if [ "$2" = 2 ]; then
    say "$1" "ERROR: exited during start-up; last 30 lines of $LOG_DIR/$1.log:" >&2
  else
    say "$1" "ERROR: not healthy after ${BATON_START_TIMEOUT}s; last 30 lines of $LOG_DIR/$1.log:" >&2
  fi
  tail -n 30 "$LOG_DIR/$1.log" >&2 || true
  do_stop "$1" >&2 || true
}

do_ready() { # name: after do_launch (of it and its peers): full health, then after_start
  local name="$1" pid rc=0 t0
  pid="$(pid_of "$name")" || { say "$name" "ERROR: not running" >&2; return 1; }
  if [ -f "$RUN_DIR/$name.already" ]; then
    rm -f "$RUN_DIR/$name.already"
    if ! healthy "$name"; then wait_for healthy "$name" "$pid" || rc=$?; fi
    [ "$rc" = 0 ] || { launch_failed "$name" "$rc"; return 1; }
  else
    wait_for healthy "$name" "$pid" || rc=$?
    [ "$rc" = 0 ] || { launch_failed "$name" "$rc"; return 1; }
    t0="$(cat "$RUN_DIR/$name.t0" 2>/dev/null || now_ms)"
    say "$name" "healthy in $(secs_since "$t0") (pid $pid) at $(address_of "$name")"
  fi
  rm -f "$RUN_DIR/$name.t0"
  after_start "$name"
}

do_start() { # name: launch and wait for full health (a single server, or the last of a group)
  do_launch "$1" && do_ready "$1"
}

wait_for() { # check name pid: 0 once `check name` passes, 1 on timeout, 2 if the process exited
  local check="$1" name="$2" pid="$3" deadline=$(($(now) + BATON_START_TIMEOUT))
  while [ "$(now)" -lt "$deadline" ]; do
    alive "$pid" || return 2
    "$check" "$name" && return 0
    sleep 0.2
  done
  return 1
}

stop_signal() { # PostgreSQL's TERM waits for every client to leave ("smart"); INT is "fast".
  case "$1" in postgres) echo INT ;; *) echo TERM ;; esac
}

do_stop() {
  local name="$1" pid i
  if ! pid="$(pid_of "$name")"; then
    if [ -f "$RUN_DIR/$name.pid" ]; then
      rm -f "$RUN_DIR/$name.pid"
      say "$name" "not running (removed stale pid file)"
    elif [ -z "${QUIET_STOPPED:-}" ]; then
      say "$name" "not running"
    fi
    return 0
  fi
  kill -"$(stop_signal "$name")" "$pid" 2>/dev/null || true
  for ((i = 0; i < BATON_STOP_TIMEOUT * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
    say "$name" "killed (pid $pid) after ${BATON_STOP_TIMEOUT}s without exiting on SIG$(stop_signal "$name")"
  else
    say "$name" "stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

do_status() {
  local name="$1" pid
  if pid="$(pid_of "$name")"; then
    if healthy "$name"; then
      say "$name" "running, healthy (pid $pid) at $(address_of "$name")"
    else
      say "$name" "running, NOT healthy (pid $pid); see $LOG_DIR/$name.log"
      return 1
    fi
  else
    say "$name" "stopped"
    return 1
  fi
}

# ---- main ----------------------------------------------------------------------------------
# Start order; stop runs it backwards.
DEV_NAMES=(nats temporal zipkin prometheus)
CLUSTER_NAMES=(nats-1 nats-2 nats-3 postgres temporal temporal-ui zipkin prometheus)
# jaeger is no server of this stack any more; it stays here only so that `stop` without names
# also ends a Jaeger an older version of this script started for the profile (its pid file).
ALL_NAMES=(nats nats-1 nats-2 nats-3 postgres temporal temporal-ui jaeger zipkin prometheus)
usage() {
  echo "usage: $0 start|stop|status|restart [NAME ...]" >&2
  echo "  names (BATON_TOPOLOGY=dev): nats temporal zipkin prometheus" >&2
  echo "  names (BATON_TOPOLOGY=cluster or hosts): nats (= nats-1 nats-2 nats-3) postgres temporal temporal-ui zipkin prometheus" >&2
  exit 2
}
[ $# -ge 1 ] || usage
action="$1"
shift
names=()
if [ $# = 0 ]; then
  if [ -n "$CLUSTER" ]; then names=("${CLUSTER_NAMES[@]}"); else names=("${DEV_NAMES[@]}"); fi
  # stop without names: every server of the profile that has a pid file, of either topology.
  if [ "$action" = stop ]; then
    ordered=()
    for n in "${ALL_NAMES[@]}"; do [ -f "$RUN_DIR/$n.pid" ] && ordered+=("$n"); done
    [ ${#ordered[@]} = 0 ] || names=("${ordered[@]}")
  fi
else
  for n in "$@"; do
    for n1 in $n; do
      case "$n1" in
        nats | nats-server) if [ -n "$CLUSTER" ]; then names+=(nats-1 nats-2 nats-3); else names+=(nats); fi ;;
        temporal | zipkin | prometheus) names+=("$n1") ;;
        nats-[123] | postgres | temporal-ui)
          [ -n "$CLUSTER" ] || { echo "stack: $n1 exists in the cluster topology only (BATON_TOPOLOGY=cluster)" >&2; exit 2; }
          names+=("$n1") ;;
        *) usage ;;
      esac
    done
  done
fi

start_names() { # names...: NATS cluster nodes are launched together, then awaited together
  local n m rc=0
  local -a nodes=()
  for n in "$@"; do
    case "$n" in
      nats-[123]) do_launch "$n" && nodes+=("$n") || rc=1 ;;
      *)
        for m in "${nodes[@]}"; do do_ready "$m" || rc=1; done
        nodes=()
        [ "$rc" = 0 ] || return 1 # nothing more on a broken foundation
        do_start "$n" || rc=1 ;;
    esac
  done
  for m in "${nodes[@]}"; do do_ready "$m" || rc=1; done
  return "$rc"
}

echo "stack: profile $BATON_PROFILE, topology $BATON_TOPOLOGY, state $BATON_STATE_DIR"
rc=0
case "$action" in
  start)
    mkdir -p "$RUN_DIR"
    check_topology || exit 1
    echo "$BATON_TOPOLOGY" >"$RUN_DIR/topology"
    ensure_payload_keys
    start_names "${names[@]}" || rc=1 ;;
  stop) for ((i = ${#names[@]} - 1; i >= 0; i--)); do do_stop "${names[$i]}" || rc=1; done ;;
  restart)
    mkdir -p "$RUN_DIR"
    check_topology || exit 1
    echo "$BATON_TOPOLOGY" >"$RUN_DIR/topology"
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do do_stop "${names[$i]}" || rc=1; done
    ensure_payload_keys
    start_names "${names[@]}" || rc=1 ;;
  status) for n in "${names[@]}"; do do_status "$n" || rc=1; done ;;
  *) usage ;;
esac
exit "$rc"
