#!/usr/bin/env bash
# Usage: infra/stack.sh start|stop|status|restart [nats|temporal|jaeger ...]   (default: all three)
#
# Runs the local servers of the BATON_PROFILE (demo|test) stack, detached, with state in
# $BATON_STATE_DIR: run/NAME.pid, logs/NAME.log, data/ (NATS JetStream store, Temporal SQLite),
# jaeger.yaml (generated from infra/jaeger/config.yaml). Every port comes from infra/env.sh.
# Idempotent: start skips a healthy server, stop skips a stopped one. `restart nats` keeps data.
# status exits 1 if any named server is down.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"

: "${BATON_START_TIMEOUT:=60}" # seconds to wait for a started server to become healthy
: "${BATON_STOP_TIMEOUT:=15}"  # seconds between SIGTERM and SIGKILL
RUN_DIR="$BATON_STATE_DIR/run"
LOG_DIR="$BATON_STATE_DIR/logs"
DATA_DIR="$BATON_STATE_DIR/data"
H="$BATON_HOST"

say() { echo "$1: ${*:2}"; }
now() { date +%s; }
now_ms() { # milliseconds, where the shell can tell (bash >= 5), else whole seconds
  local t="${EPOCHREALTIME:-}"
  if [ -n "$t" ]; then t="${t//[.,]/}"; echo $((10#$t / 1000)); else echo $(($(date +%s) * 1000)); fi
}
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%01ds' $((d / 1000)) $((d % 1000 / 100)); }

# ---- per-server definitions ----------------------------------------------------------------
bin_name() {
  case "$1" in nats) echo nats-server ;; *) echo "$1" ;; esac
}

ports_of() { # every fixed port the server binds
  case "$1" in
    nats) echo "$BATON_NATS_PORT $BATON_NATS_MONITOR_PORT" ;;
    temporal) echo "$BATON_TEMPORAL_PORT $BATON_TEMPORAL_UI_PORT $BATON_TEMPORAL_HTTP_PORT $BATON_TEMPORAL_METRICS_PORT" ;;
    jaeger) echo "$BATON_OTLP_GRPC_PORT $BATON_OTLP_HTTP_PORT $BATON_JAEGER_UI_PORT $BATON_JAEGER_QUERY_GRPC_PORT $BATON_JAEGER_HEALTH_PORT $BATON_JAEGER_METRICS_PORT" ;;
  esac
}

address_of() {
  case "$1" in
    nats) echo "nats://$H:$BATON_NATS_PORT (monitor http://$H:$BATON_NATS_MONITOR_PORT, JetStream in $DATA_DIR/nats)" ;;
    temporal) echo "$H:$BATON_TEMPORAL_PORT namespace $BATON_TEMPORAL_NAMESPACE (UI http://$H:$BATON_TEMPORAL_UI_PORT, db $DATA_DIR/temporal.db)" ;;
    jaeger) echo "OTLP http://$H:$BATON_OTLP_HTTP_PORT grpc $H:$BATON_OTLP_GRPC_PORT (query/UI http://$H:$BATON_JAEGER_UI_PORT)" ;;
  esac
}

temporal_bin() { # the temporal binary of the running/started server, for the health check
  cat "$RUN_DIR/temporal.bin" 2>/dev/null || "$HERE/obtain.sh" temporal 2>/dev/null
}

# The dev server's defaults poll its one history shard's transfer queue 20 times a second, which
# adds ~50 ms to every workflow task; these settings make the local floor honest (see bench/).
DEV_DYNAMIC_CONFIG=(history.transferProcessorMaxPollRPS=1000 matching.numTaskqueueReadPartitions=1 matching.numTaskqueueWritePartitions=1)

# Baton's Temporal search attributes. start-dev registers them only when it creates its
# database, so ensure_search_attributes also adds any missing to an existing one.
SEARCH_ATTRIBUTES=(BatonState=Keyword BatonWorkflowType=Keyword BatonStateSince=Datetime BatonStuck=Bool BatonCustomer=Keyword)

ensure_search_attributes() {
  local have sa name
  have="$("$(temporal_bin)" operator search-attribute list --address "$H:$BATON_TEMPORAL_PORT" \
    --namespace "$BATON_TEMPORAL_NAMESPACE" --command-timeout 5s 2>/dev/null)" || return 1
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    name="${sa%%=*}"
    if ! grep -qE "^\s*$name\s" <<<"$have"; then
      "$(temporal_bin)" operator search-attribute create --address "$H:$BATON_TEMPORAL_PORT" \
        --namespace "$BATON_TEMPORAL_NAMESPACE" --name "$name" --type "${sa#*=}" >/dev/null 2>&1 &&
        say temporal "registered search attribute $name (${sa#*=})"
    fi
  done
}

healthy() { # exit 0 if the server answers its health check
  case "$1" in
    nats)
      curl -fsS --max-time 2 "http://$H:$BATON_NATS_MONITOR_PORT/healthz?js-enabled-only=true" >/dev/null 2>&1 ;;
    temporal)
      curl -fsS --max-time 2 -o /dev/null "http://$H:$BATON_TEMPORAL_UI_PORT/" 2>/dev/null &&
        "$(temporal_bin)" operator cluster health --address "$H:$BATON_TEMPORAL_PORT" \
          --command-timeout 3s 2>/dev/null | grep -q SERVING ;;
    jaeger)
      curl -fsS --max-time 2 "http://$H:$BATON_JAEGER_UI_PORT/api/services" 2>/dev/null | grep -q '"data"' &&
        curl -fsS --max-time 2 -o /dev/null "http://$H:$BATON_JAEGER_HEALTH_PORT/status" 2>/dev/null ;;
  esac
}

launch() { # name, bin: start detached, print the pid
  local name="$1" bin="$2" log="$LOG_DIR/$1.log"
  local -a args
  case "$name" in
    nats)
      mkdir -p "$DATA_DIR/nats"
      args=(-js -sd "$DATA_DIR/nats" -a "$H" -p "$BATON_NATS_PORT" -m "$BATON_NATS_MONITOR_PORT"
        --server_name "baton-$BATON_PROFILE") ;;
    temporal)
      mkdir -p "$DATA_DIR"
      args=(server start-dev --ip "$H" --port "$BATON_TEMPORAL_PORT" --ui-port "$BATON_TEMPORAL_UI_PORT"
        --http-port "$BATON_TEMPORAL_HTTP_PORT" --metrics-port "$BATON_TEMPORAL_METRICS_PORT"
        --db-filename "$DATA_DIR/temporal.db" --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL
        --log-level warn)
      for dc in "${DEV_DYNAMIC_CONFIG[@]}"; do args+=(--dynamic-config-value "$dc"); done
      for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
      # "default" is always created; naming it again is an error.
      [ "$BATON_TEMPORAL_NAMESPACE" = default ] || args+=(--namespace "$BATON_TEMPORAL_NAMESPACE") ;;
    jaeger)
      cp "$HERE/jaeger/config.yaml" "$BATON_STATE_DIR/jaeger.yaml"
      args=(--config "file:$BATON_STATE_DIR/jaeger.yaml") ;;
  esac
  echo "=== $(date '+%Y-%m-%dT%H:%M:%S%z') start: $bin ${args[*]}" >>"$log"
  # setsid: own session, so the server survives the calling shell and its Ctrl-C; nohup: no HUP.
  # In a non-interactive shell the background child is no process-group leader, so setsid
  # exec()s in place and $! is the server's pid.
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup "$bin" "${args[@]}" >>"$log" 2>&1 </dev/null &
  else
    nohup "$bin" "${args[@]}" >>"$log" 2>&1 </dev/null &
  fi
  echo $!
}

# ---- pid files -----------------------------------------------------------------------------
alive() { # pid: the process exists and is not a zombie waiting to be reaped
  local st
  st="$(ps -p "$1" -o stat= 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

pid_of() { # prints the pid if the pid file names a live process running our binary
  local name="$1" pid cmd
  pid="$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 1
  alive "$pid" || return 1
  cmd="$(ps -p "$pid" -o args= 2>/dev/null || true)"
  case "$cmd" in *"$(bin_name "$name")"*) echo "$pid" ;; *) return 1 ;; esac
}

port_busy() { # host port: something accepts connections there
  (exec 3<>"/dev/tcp/$H/$1") 2>/dev/null
}

# ---- actions -------------------------------------------------------------------------------
do_start() {
  local name="$1" pid bin t0 p busy=""
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR"
  if pid="$(pid_of "$name")"; then
    if healthy "$name"; then
      say "$name" "already running (pid $pid) at $(address_of "$name")"
      [ "$name" = temporal ] && ensure_search_attributes
      return 0
    fi
    say "$name" "running (pid $pid) but not healthy yet; waiting up to ${BATON_START_TIMEOUT}s"
    if wait_healthy "$name" "$pid"; then
      say "$name" "healthy (pid $pid) at $(address_of "$name")"
      return 0
    fi
    say "$name" "still unhealthy; restarting it"
    do_stop "$name"
  elif [ -f "$RUN_DIR/$name.pid" ]; then
    say "$name" "removing stale pid file (pid $(cat "$RUN_DIR/$name.pid"))"
    rm -f "$RUN_DIR/$name.pid"
  fi
  for p in $(ports_of "$name"); do port_busy "$p" && busy="$busy $p"; done
  if [ -n "$busy" ]; then
    say "$name" "ERROR: port(s)$busy on $H already in use by another process (not this $BATON_PROFILE stack's pid file); stop it or change the BATON_*_PORT variables" >&2
    return 1
  fi
  bin="$("$HERE/obtain.sh" "$(bin_name "$name")")" || { say "$name" "ERROR: no binary (see above)" >&2; return 1; }
  t0="$(now_ms)"
  pid="$(launch "$name" "$bin")"
  echo "$pid" >"$RUN_DIR/$name.pid"
  [ "$name" = temporal ] && echo "$bin" >"$RUN_DIR/temporal.bin"
  say "$name" "started (pid $pid), waiting for health (up to ${BATON_START_TIMEOUT}s); log $LOG_DIR/$name.log"
  local rc=0
  wait_healthy "$name" "$pid" || rc=$?
  if [ "$rc" != 0 ]; then
    if [ "$rc" = 2 ]; then
      say "$name" "ERROR: exited during start-up; last 30 lines of $LOG_DIR/$name.log:" >&2
    else
      say "$name" "ERROR: not healthy after ${BATON_START_TIMEOUT}s; last 30 lines of $LOG_DIR/$name.log:" >&2
    fi
    tail -n 30 "$LOG_DIR/$name.log" >&2 || true
    do_stop "$name" >&2 || true
    return 1
  fi
  say "$name" "healthy in $(secs_since "$t0") (pid $pid) at $(address_of "$name")"
  [ "$name" = temporal ] && ensure_search_attributes
  return 0
}

wait_healthy() { # name pid: 0 once healthy, 1 on timeout, 2 if the process exited
  local name="$1" pid="$2" deadline=$(($(now) + BATON_START_TIMEOUT))
  while [ "$(now)" -lt "$deadline" ]; do
    alive "$pid" || return 2
    healthy "$name" && return 0
    sleep 0.2
  done
  return 1
}

do_stop() {
  local name="$1" pid i
  if ! pid="$(pid_of "$name")"; then
    if [ -f "$RUN_DIR/$name.pid" ]; then
      rm -f "$RUN_DIR/$name.pid"
      say "$name" "not running (removed stale pid file)"
    else
      say "$name" "not running"
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < BATON_STOP_TIMEOUT * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
    say "$name" "killed (pid $pid) after ${BATON_STOP_TIMEOUT}s without exiting on SIGTERM"
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
usage() { echo "usage: $0 start|stop|status|restart [nats|temporal|jaeger ...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
action="$1"
shift
names=()
for n in "${@:-nats temporal jaeger}"; do
  for n1 in $n; do
    case "$n1" in
      nats | nats-server) names+=(nats) ;;
      temporal | jaeger) names+=("$n1") ;;
      *) usage ;;
    esac
  done
done

echo "stack: profile $BATON_PROFILE, state $BATON_STATE_DIR"
rc=0
case "$action" in
  start) for n in "${names[@]}"; do do_start "$n" || rc=1; done ;;
  stop) for ((i = ${#names[@]} - 1; i >= 0; i--)); do do_stop "${names[$i]}" || rc=1; done ;;
  restart) for n in "${names[@]}"; do do_stop "$n" && do_start "$n" || rc=1; done ;;
  status) for n in "${names[@]}"; do do_status "$n" || rc=1; done ;;
  *) usage ;;
esac
exit "$rc"
