#!/usr/bin/env bash
# Entry point of the Temporal image (infra/docker/temporal.Dockerfile) in docker-compose.yml and
# the Kubernetes notes. Usage: baton-temporal schema|server|namespace|ui
#   schema     creates Temporal's two PostgreSQL databases if missing and brings their schema to
#              the version the SQL tool carries (idempotent); exits 0 when done
#   server     runs the Temporal server (all four services) with /etc/baton/temporal-server/baton.yaml
#   namespace  waits for the frontend, creates BATON_TEMPORAL_NAMESPACE and registers Baton's
#              search attributes (idempotent); exits 0 when done
#   ui         runs the Temporal web UI pointed at BATON_TEMPORAL_ADDRESS
# Settings are the BATON_* variables of infra/env.sh (see docker-compose.yml for the values).
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
# The same search attributes infra/stack.sh registers.
SEARCH_ATTRIBUTES=(BatonState=Keyword BatonWorkflowType=Keyword BatonStateSince=Datetime BatonStuck=Bool BatonCustomer=Keyword)
say() { echo "baton-temporal: $*"; }

case "${1:-server}" in
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
    exec temporal-server --root /etc/baton --config temporal-server --env baton --allow-no-auth start ;;
  namespace)
    t() { temporal "$@" --address "$BATON_TEMPORAL_ADDRESS"; }
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
    exec ui-server --root /etc/baton --config temporal-ui --env baton start ;;
  *)
    echo "usage: baton-temporal schema|server|namespace|ui" >&2
    exit 2 ;;
esac
