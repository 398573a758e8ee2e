# Ports, hosts and folders of the local stack, in one place. Sourced by every infra script and
# by the demo and test entry points; TypeScript config reads the same BATON_* variables and
# falls back to the same loopback defaults (the "demo" profile).
#
# BATON_PROFILE=test shifts every port by +100 and uses its own state folder, so a test run
# never touches a demo stack (or anything else, such as a NATS already on 4222). Any other
# profile name (e.g. test-bench, to run a second suite side by side) needs BATON_PORT_OFFSET.
#
# BATON_TOPOLOGY=dev (default) runs the development servers: one nats-server and the Temporal
# CLI's dev server on SQLite. BATON_TOPOLOGY=cluster runs the production shape on the same
# profile's ports: three nats-server processes forming one JetStream cluster (streams with three
# replicas), the Temporal server on PostgreSQL and the Temporal web UI as its own process.
# BATON_TOPOLOGY=hosts runs the cluster topology with every server in a network namespace of its
# own (infra/hosts.sh, root only).
: "${BATON_PROFILE:=demo}"
: "${BATON_TOPOLOGY:=dev}"
case "$BATON_TOPOLOGY" in
  dev | cluster | hosts) ;;
  *)
    echo "env: BATON_TOPOLOGY=$BATON_TOPOLOGY: must be dev, cluster or hosts" >&2
    return 1 2>/dev/null || exit 1
    ;;
esac
BATON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$BATON_PROFILE" in
  demo) : "${BATON_PORT_OFFSET:=0}" ;;
  test) : "${BATON_PORT_OFFSET:=100}" ;;
  bench) : "${BATON_PORT_OFFSET:=200}" ;;
  *)
    if [ -z "${BATON_PORT_OFFSET:-}" ]; then
      echo "env: BATON_PROFILE=$BATON_PROFILE needs BATON_PORT_OFFSET (a multiple of 100 other than 0, 100 and 200)" >&2
      return 1 2>/dev/null || exit 1
    fi
    ;;
esac
_off=$BATON_PORT_OFFSET
export BATON_PORT_OFFSET
# BATON_TOPOLOGY=hosts: the cluster topology with each server in a network namespace of its own
# (infra/hosts.sh), on the profile's private /24; BATON_HOST is then the services' host (svc).
if [ "$BATON_TOPOLOGY" = hosts ]; then
  : "${BATON_HOSTS_NET:=10.87.$((_off / 100 % 256))}"
  : "${BATON_HOST:=$BATON_HOSTS_NET.30}"
  : "${BATON_POSTGRES_HOST:=$BATON_HOSTS_NET.20}"
  : "${BATON_TEMPORAL_BROADCAST_ADDRESS:=$BATON_HOSTS_NET.21}"
  export BATON_HOSTS_NET BATON_POSTGRES_HOST BATON_TEMPORAL_BROADCAST_ADDRESS
fi
: "${BATON_HOST:=127.0.0.1}"
: "${BATON_HOME:=$BATON_ROOT/.baton}"
: "${BATON_BIN_DIR:=$BATON_HOME/bin}"
# The Node that infra/bootstrap.sh obtains when the machine's is older than 22: first on PATH,
# so every script, pnpm, and every service the tests start run on it. A no-op until it exists.
case ":$PATH:" in *":$BATON_HOME/tools/node/bin:"*) ;; *) PATH="$BATON_HOME/tools/node/bin:$PATH" ;; esac
export PATH
hash -r 2>/dev/null || true
# `npm run` names the node it started under; tools that honour these must see the same one.
if [ -x "$BATON_HOME/tools/node/bin/node" ]; then
  if [ -n "${NODE:-}" ]; then export NODE="$BATON_HOME/tools/node/bin/node"; fi
  if [ -n "${npm_node_execpath:-}" ]; then export npm_node_execpath="$BATON_HOME/tools/node/bin/node"; fi
fi
: "${BATON_STATE_DIR:=$BATON_HOME/$BATON_PROFILE}"
: "${BATON_NATS_PORT:=$((4322 + _off))}"
: "${BATON_NATS_MONITOR_PORT:=$((8222 + 100 + _off))}"
: "${BATON_TEMPORAL_PORT:=$((7322 + _off))}"
: "${BATON_TEMPORAL_UI_PORT:=$((8233 + 100 + _off))}"
: "${BATON_TEMPORAL_HTTP_PORT:=$((7324 + _off))}"
: "${BATON_TEMPORAL_METRICS_PORT:=$((7325 + _off))}"
: "${BATON_GATEWAY_PORT:=$((8340 + _off))}"
: "${BATON_POS_PORT:=$((8341 + _off))}"
: "${BATON_MESSAGING_PORT:=$((8342 + _off))}"
: "${BATON_PAYMENT_PORT:=$((8343 + _off))}"
: "${BATON_CONSOLE_PORT:=$((8344 + _off))}"
# The one trace backend (Zipkin's server: every service exports to it, its UI shows the traces
# and the test kit reads them) and Prometheus of the local stack.
: "${BATON_ZIPKIN_PORT:=$((8352 + _off))}"
: "${BATON_PROMETHEUS_PORT:=$((8353 + _off))}"
export BATON_ZIPKIN_PORT BATON_PROMETHEUS_PORT
: "${BATON_CRM_PORT:=$((8345 + _off))}"
: "${BATON_ORDERS_PORT:=$((8346 + _off))}"
: "${BATON_TICKETING_PORT:=$((8347 + _off))}"
: "${BATON_RECORDS_PORT:=$((8354 + _off))}"
: "${BATON_WEATHER_PORT:=$((8348 + _off))}"
: "${BATON_RATES_PORT:=$((8349 + _off))}"
: "${BATON_ACCOUNTING_PORT:=$((8350 + _off))}"
# Prometheus endpoints of the services the test kit starts: base + the service's index.
: "${BATON_METRICS_BASE_PORT:=$((9460 + _off))}"
: "${BATON_TEMPORAL_NAMESPACE:=default}"
# NATS identities (docs/secure.md): on, every service connects as its own nkey user with its
# least permissions and nats-server refuses anonymous clients. off: the dev opt-out, no
# authorization at all (anything that reaches the port may do anything); never on a shared host.
: "${BATON_NATS_AUTH:=on}"
case "$BATON_NATS_AUTH" in
  on | off) ;;
  *)
    echo "env: BATON_NATS_AUTH=$BATON_NATS_AUTH: must be on or off" >&2
    return 1 2>/dev/null || exit 1
    ;;
esac
# The cluster topology's extra ports, in the same scheme. NATS node n (1..3) listens on
# BATON_NATS_PORT+n-1 (clients), BATON_NATS_MONITOR_PORT+n-1 (monitoring) and
# BATON_NATS_CLUSTER_PORT+n-1 (routes); node 1's ports are the dev topology's.
: "${BATON_NATS_CLUSTER_PORT:=$((6222 + 100 + _off))}"
: "${BATON_POSTGRES_PORT:=$((5432 + 100 + _off))}"
# The Temporal server's internal services (the dev server picks these itself): gRPC ports, and
# each service's membership (ringpop) port at its gRPC port + 10.
: "${BATON_TEMPORAL_HISTORY_PORT:=$((7326 + _off))}"
: "${BATON_TEMPORAL_MATCHING_PORT:=$((7327 + _off))}"
: "${BATON_TEMPORAL_WORKER_PORT:=$((7328 + _off))}"
export BATON_PROFILE BATON_ROOT BATON_HOST BATON_HOME BATON_BIN_DIR BATON_STATE_DIR \
  BATON_NATS_PORT BATON_NATS_MONITOR_PORT BATON_TEMPORAL_PORT BATON_TEMPORAL_UI_PORT \
  BATON_TEMPORAL_HTTP_PORT BATON_TEMPORAL_METRICS_PORT \
  BATON_GATEWAY_PORT BATON_POS_PORT BATON_MESSAGING_PORT BATON_PAYMENT_PORT BATON_CONSOLE_PORT BATON_CRM_PORT BATON_ORDERS_PORT BATON_TICKETING_PORT BATON_METRICS_BASE_PORT BATON_TEMPORAL_NAMESPACE \
  BATON_GATEWAY_PORT BATON_POS_PORT BATON_MESSAGING_PORT BATON_PAYMENT_PORT BATON_CONSOLE_PORT BATON_WEATHER_PORT BATON_RATES_PORT BATON_ACCOUNTING_PORT BATON_METRICS_BASE_PORT BATON_TEMPORAL_NAMESPACE \
  BATON_TOPOLOGY BATON_NATS_CLUSTER_PORT BATON_POSTGRES_PORT BATON_TEMPORAL_HISTORY_PORT BATON_TEMPORAL_MATCHING_PORT BATON_TEMPORAL_WORKER_PORT
# Derived addresses the services read. Each can be preset to use a server outside this stack
# (e.g. BATON_NATS_URL=nats://nats.example:4222); infra/stack.sh still manages only its own.
# In the cluster topology the services get all three NATS URLs (comma-separated), and every
# stream, KV bucket and object store Baton creates gets BATON_NATS_REPLICAS replicas.
if [ "$BATON_TOPOLOGY" = cluster ]; then
  : "${BATON_NATS_URL:=nats://$BATON_HOST:$BATON_NATS_PORT,nats://$BATON_HOST:$((BATON_NATS_PORT + 1)),nats://$BATON_HOST:$((BATON_NATS_PORT + 2))}"
  : "${BATON_NATS_REPLICAS:=3}"
elif [ "$BATON_TOPOLOGY" = hosts ]; then
  : "${BATON_NATS_URL:=nats://$BATON_HOSTS_NET.11:$BATON_NATS_PORT,nats://$BATON_HOSTS_NET.12:$((BATON_NATS_PORT + 1)),nats://$BATON_HOSTS_NET.13:$((BATON_NATS_PORT + 2))}"
  : "${BATON_NATS_REPLICAS:=3}"
else
  : "${BATON_NATS_URL:=nats://$BATON_HOST:$BATON_NATS_PORT}"
  : "${BATON_NATS_REPLICAS:=1}"
fi
: "${BATON_TEMPORAL_ADDRESS:=${BATON_TEMPORAL_BROADCAST_ADDRESS:-$BATON_HOST}:$BATON_TEMPORAL_PORT}"
: "${BATON_TEMPORAL_UI_URL:=http://$BATON_HOST:$BATON_TEMPORAL_UI_PORT}"
export BATON_NATS_AUTH BATON_NATS_URL BATON_NATS_REPLICAS BATON_TEMPORAL_ADDRESS BATON_TEMPORAL_UI_URL
# BATON_OTLP_ENDPOINT is deliberately not set: the services export their spans once, to Zipkin
# (BATON_ZIPKIN_URL below). Set it (OTLP/HTTP base URL of your collector) and they export there
# instead, and only there (packages/telemetry/src/tracing.ts).
# Temporal identities (infra/temporal/server): the profile's CA and a certificate per identity,
# made by infra/stack.sh at Temporal's first start. A shell that sources this file acts as an
# operator (read only: `baton pending`, `baton status`, schedules); the test kit gives every
# service its own identity and uses admin itself. The `temporal` CLI as admin: infra/temporal-cli.sh.
: "${BATON_TEMPORAL_TLS_DIR:=$BATON_STATE_DIR/identities/temporal}"
: "${BATON_TEMPORAL_TLS_CA_FILE:=$BATON_TEMPORAL_TLS_DIR/ca.pem}"
: "${BATON_TEMPORAL_TLS_CERT_FILE:=$BATON_TEMPORAL_TLS_DIR/operator.pem}"
: "${BATON_TEMPORAL_TLS_KEY_FILE:=$BATON_TEMPORAL_TLS_DIR/operator.key}"
export BATON_TEMPORAL_TLS_DIR BATON_TEMPORAL_TLS_CA_FILE BATON_TEMPORAL_TLS_CERT_FILE BATON_TEMPORAL_TLS_KEY_FILE
: "${BATON_ZIPKIN_URL:=http://$BATON_HOST:$BATON_ZIPKIN_PORT}"
: "${BATON_PROMETHEUS_URL:=http://$BATON_HOST:$BATON_PROMETHEUS_PORT}"
export BATON_ZIPKIN_URL BATON_PROMETHEUS_URL
unset _off
export BATON_POS_URL="http://$BATON_HOST:$BATON_POS_PORT"
export BATON_MESSAGING_URL="http://$BATON_HOST:$BATON_MESSAGING_PORT"
export BATON_PAYMENT_URL="http://$BATON_HOST:$BATON_PAYMENT_PORT"
export BATON_GATEWAY_URL="http://$BATON_HOST:$BATON_GATEWAY_PORT"
export BATON_CONSOLE_URL="http://$BATON_HOST:$BATON_CONSOLE_PORT"
export BATON_CRM_URL="http://$BATON_HOST:$BATON_CRM_PORT"
export BATON_ORDERS_URL="http://$BATON_HOST:$BATON_ORDERS_PORT"
export BATON_TICKETING_URL="http://$BATON_HOST:$BATON_TICKETING_PORT"
export BATON_RECORDS_PORT BATON_RECORDS_URL="http://$BATON_HOST:$BATON_RECORDS_PORT"
export BATON_WEATHER_URL="http://$BATON_HOST:$BATON_WEATHER_PORT"
export BATON_RATES_URL="http://$BATON_HOST:$BATON_RATES_PORT"
export BATON_ACCOUNTING_URL="http://$BATON_HOST:$BATON_ACCOUNTING_PORT"
# Temporal payload encryption: the keys (BATON_PAYLOAD_KEYS, or this file, which infra/stack.sh
# writes on first start) and the console's codec endpoint the Temporal UI decodes through.
: "${BATON_PAYLOAD_KEY_FILE:=$BATON_STATE_DIR/payload-keys.json}"
: "${BATON_TEMPORAL_CODEC_ENDPOINT:=$BATON_CONSOLE_URL/codec}"
export BATON_PAYLOAD_KEY_FILE BATON_TEMPORAL_CODEC_ENDPOINT
