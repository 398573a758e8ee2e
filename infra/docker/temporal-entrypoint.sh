#!/usr/bin/env bash
# Entry point of the Temporal image (infra/docker/temporal.Dockerfile) in docker-compose.yml and
# the Kubernetes notes. Usage: baton-temporal-entrypoint certs|schema|server|health|namespace|ui
#   certs      makes the CA and a certificate per Temporal identity in BATON_TEMPORAL_TLS_DIR
#              (kept when present: only what is missing is made); exits 0 when done
#   schema     creates Temporal's two PostgreSQL databases if missing and brings their schema to
#              the version the SQL tool carries (idempotent); exits 0 when done
#   server     runs baton-temporal (all four services, mutual TLS, Baton's authorizer) with
#              /etc/baton/temporal-server/baton.yaml; needs BATON_TEMPORAL_TLS_DIR
#   health     exits 0 when the frontend answers SERVING (as admin)
#   namespace  waits for the frontend, creates BATON_TEMPORAL_NAMESPACE and registers Baton's
#              search attributes (idempotent); exits 0 when done
#   ui         runs the Temporal web UI pointed at BATON_TEMPORAL_ADDRESS (as "ui", an operator),
#              behind the console's sign-in with BATON_TEMPORAL_UI_AUTH_URL and _LOGIN_URL
#              (`baton-temporal ui`), else the stock ui-server without one
# Settings are the BATON_* variables of infra/env.sh (see docker-compose.yml for the values). With
# BATON_TEMPORAL_TLS_DIR (docker-compose: the secrets volume) every client call uses the admin
# certificate there (the UI its own); without it (the Kubernetes Job, whose Temporal is the Helm
# chart's stock server) the calls go without TLS.
set -euo pipefail
: "${BATON_HOST:=0.0.0.0}"
: "${BATON_POSTGRES_HOST:=postgres}"
: "${BATON_POSTGRES_PORT:=5432}"
: "${BATON_POSTGRES_USER:=temporal}"
: "${BATON_POSTGRES_PASSWORD:?set BATON_POSTGRES_PASSWORD}"
: "${BATON_TEMPORAL_NAMESPACE:=default}"
: "${BATON_TEMPORAL_RETENTION:=72h}"
: "${BATON_TEMPORAL_ADDRESS:=temporal:7233}"
: "${BATON_TEMPORAL_HISTORY_SHARDS:=4}"
: "${BATON_TEMPORAL_PORT:=7233}" "${BATON_TEMPORAL_HTTP_PORT:=7243}" "${BATON_TEMPORAL_METRICS_PORT:=8000}"
: "${BATON_TEMPORAL_HISTORY_PORT:=7234}" "${BATON_TEMPORAL_MATCHING_PORT:=7235}" "${BATON_TEMPORAL_WORKER_PORT:=7239}"
: "${BATON_TEMPORAL_UI_PORT:=8233}" "${BATON_TEMPORAL_UI_URL:=http://localhost:8233}"
: "${BATON_TEMPORAL_DYNAMIC_CONFIG_FILE:=/etc/baton/temporal-server/dynamicconfig.yaml}"
export BATON_HOST BATON_POSTGRES_PORT BATON_POSTGRES_USER BATON_POSTGRES_PASSWORD BATON_TEMPORAL_NAMESPACE \
  BATON_TEMPORAL_HISTORY_SHARDS BATON_TEMPORAL_PORT BATON_TEMPORAL_HTTP_PORT BATON_TEMPORAL_METRICS_PORT \
  BATON_TEMPORAL_HISTORY_PORT BATON_TEMPORAL_MATCHING_PORT BATON_TEMPORAL_WORKER_PORT BATON_TEMPORAL_UI_PORT \
  BATON_TEMPORAL_UI_URL BATON_TEMPORAL_ADDRESS BATON_TEMPORAL_DYNAMIC_CONFIG_FILE
# The identities with a certificate: the same as infra/stack.sh's TEMPORAL_IDENTITIES.
TEMPORAL_IDENTITIES=(frontend internode system-worker admin gateway orchestrator console operator ui)
: "${BATON_TEMPORAL_TLS_DIR:=}"
tls=()
if [ -n "$BATON_TEMPORAL_TLS_DIR" ]; then
  export BATON_TEMPORAL_TLS_DIR
  tls=(--tls-ca-path "$BATON_TEMPORAL_TLS_DIR/ca.pem" --tls-cert-path "$BATON_TEMPORAL_TLS_DIR/admin.pem"
    --tls-key-path "$BATON_TEMPORAL_TLS_DIR/admin.key" --tls-server-name baton-temporal)
fi
t() { temporal "$@" --address "$BATON_TEMPORAL_ADDRESS" "${tls[@]}"; }
# The same search attributes infra/stack.sh registers.
SEARCH_ATTRIBUTES=(BatonState=Keyword BatonWorkflowType=Keyword BatonStateSince=Datetime BatonStuck=Bool BatonCustomer=Keyword)
say() { echo "baton-temporal: $*"; }

case "${1:-server}" in
  certs)
    : "${BATON_TEMPORAL_TLS_DIR:?set BATON_TEMPORAL_TLS_DIR (where the certificates are made)}"
    # Made in BATON_TEMPORAL_CA_DIR (a volume of this role alone, so the CA's key is in no other
    # container: whoever holds it can make an admin certificate), then copied without the CA key
    # to BATON_TEMPORAL_TLS_DIR. The server's certificate names baton-temporal (the name clients
    # check), localhost and the host names it is reached at (BATON_TEMPORAL_CERT_HOSTS).
    ca_dir="${BATON_TEMPORAL_CA_DIR:-$BATON_TEMPORAL_TLS_DIR}"
    baton-temporal certs --dir "$ca_dir" --hosts "${BATON_TEMPORAL_CERT_HOSTS:-temporal}" "${TEMPORAL_IDENTITIES[@]}" |
      while read -r line; do say "$line"; done
    [ "${PIPESTATUS[0]}" = 0 ]
    if [ "$ca_dir" != "$BATON_TEMPORAL_TLS_DIR" ]; then
      mkdir -p "$BATON_TEMPORAL_TLS_DIR" && chmod 700 "$BATON_TEMPORAL_TLS_DIR"
      for f in "$ca_dir"/*.pem "$ca_dir"/*.key; do
        [ "$(basename "$f")" = ca.key ] || cp -p "$f" "$BATON_TEMPORAL_TLS_DIR/"
      done
    fi ;;
  schema)
    export PGPASSWORD="$BATON_POSTGRES_PASSWORD" SQL_PASSWORD="$BATON_POSTGRES_PASSWORD"
    until pg_isready -q -h "$BATON_POSTGRES_HOST" -p "$BATON_POSTGRES_PORT"; do sleep 1; done
    for db in temporal temporal_visibility; do
      schema=postgresql/v12/temporal
      [ "$db" = temporal_visibility ] && schema=postgresql/v12/visibility
      sql=(temporal-sql-tool --plugin postgres12 --ep "$BATON_POSTGRES_HOST" -p "$BATON_POSTGRES_PORT" -u "$BATON_POSTGRES_USER" --db "$db")
      if [ "$(psql -h "$BATON_POSTGRES_HOST" -p "$BATON_POSTGRES_PORT" -U "$BATON_POSTGRES_USER" -d postgres -tAXc "select 1 from pg_database where datname = '$db'")" != 1 ]; then
        "${sql[@]}" create-database && "${sql[@]}" setup-schema -v 0.0
        say "created database $db"
      fi
      "${sql[@]}" update-schema --schema-name "$schema"
      say "database $db at schema version $(psql -h "$BATON_POSTGRES_HOST" -p "$BATON_POSTGRES_PORT" -U "$BATON_POSTGRES_USER" -d "$db" -tAXc 'select curr_version from schema_version')"
    done ;;
  server)
    # Bind every interface, announce the container's own address to the other services.
    : "${BATON_TEMPORAL_BROADCAST_ADDRESS:=$(hostname -i | awk '{print $1}')}"
    export BATON_TEMPORAL_BROADCAST_ADDRESS BATON_POSTGRES_HOST
    : "${BATON_TEMPORAL_TLS_DIR:?set BATON_TEMPORAL_TLS_DIR: baton-temporal serves no caller without a certificate (run the certs role first)}"
    # The workflow types the gateway may start: written beside the certificates from the
    # workflow registry (docker-compose.yml's baton-secrets), read again when it changes.
    exec baton-temporal start --config-dir /etc/baton/temporal-server --env baton --namespace "$BATON_TEMPORAL_NAMESPACE" \
      --task-queue baton-orchestrator --gateway-workflow-types "$BATON_TEMPORAL_TLS_DIR/gateway-workflow-types" ;;
  health)
    BATON_TEMPORAL_ADDRESS="127.0.0.1:$BATON_TEMPORAL_PORT"
    t operator cluster health --command-timeout 3s | grep -q SERVING ;;
  namespace)
    until t operator cluster health --command-timeout 3s 2>/dev/null | grep -q SERVING; do sleep 1; done
    t operator namespace describe --namespace "$BATON_TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
      { t operator namespace create --namespace "$BATON_TEMPORAL_NAMESPACE" --retention "$BATON_TEMPORAL_RETENTION" >/dev/null && say "created namespace $BATON_TEMPORAL_NAMESPACE"; }
    until t workflow list --namespace "$BATON_TEMPORAL_NAMESPACE" --limit 1 >/dev/null 2>&1; do sleep 1; done
    have="$(t operator search-attribute list --namespace "$BATON_TEMPORAL_NAMESPACE")"
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do
      grep -qE "^\s*${sa%%=*}\s" <<<"$have" ||
        { t operator search-attribute create --namespace "$BATON_TEMPORAL_NAMESPACE" --name "${sa%%=*}" --type "${sa#*=}" >/dev/null && say "registered ${sa%%=*}"; }
    done ;;
  ui)
    if [ -n "${BATON_TEMPORAL_UI_AUTH_URL:-}" ]; then
      # Behind the console's sign-in (operators only; infra/temporal/server/ui.go): the console's
      # check as this container reaches it, its sign-in page as the browser does.
      : "${BATON_TEMPORAL_TLS_DIR:?set BATON_TEMPORAL_TLS_DIR (the UI calls Temporal with its own certificate)}"
      : "${BATON_TEMPORAL_UI_LOGIN_URL:?set BATON_TEMPORAL_UI_LOGIN_URL (the console sign-in page, as a browser reaches it)}"
      exec baton-temporal ui --listen "$BATON_HOST:$BATON_TEMPORAL_UI_PORT" --frontend "$BATON_TEMPORAL_ADDRESS" \
        --namespace "$BATON_TEMPORAL_NAMESPACE" --codec-endpoint "${BATON_TEMPORAL_CODEC_ENDPOINT:-}" \
        --cert "$BATON_TEMPORAL_TLS_DIR/ui.pem" --key "$BATON_TEMPORAL_TLS_DIR/ui.key" --ca "$BATON_TEMPORAL_TLS_DIR/ca.pem" \
        --auth-url "$BATON_TEMPORAL_UI_AUTH_URL" --login-url "$BATON_TEMPORAL_UI_LOGIN_URL"
    fi
    # Without a sign-in check: the stock ui-server (no sign-in of its own; never publish it).
    exec ui-server --root /etc/baton --config temporal-ui --env baton start ;;
  *)
    echo "usage: baton-temporal-entrypoint certs|schema|server|health|namespace|ui" >&2
    exit 2 ;;
esac
