#!/usr/bin/env bash
# Entry point of the Temporal image (infra/docker/temporal.Dockerfile) in docker-compose.yml and
# infra/k8s. Usage: baton-temporal-entrypoint certs|kubernetes-identities|schema|server|health|namespace|ui
#   certs      makes the CA and a certificate per Temporal identity in BATON_TEMPORAL_TLS_DIR
#              (kept when present: only what is missing is made); exits 0 when done
#   kubernetes-identities
#              the same identities as Kubernetes Secrets in the pod's namespace, one Secret per
#              holder (the CA alone in baton-temporal-ca), and the gateway's workflow types as the
#              ConfigMap baton-gateway-workflow-types (infra/k8s/temporal-identities.job.yaml)
#   schema     creates Temporal's two PostgreSQL databases if missing and brings their schema to
#              the version the SQL tool carries (idempotent); exits 0 when done
#   server     runs baton-temporal (all four services, mutual TLS, Baton's authorizer) with
#              /etc/baton/temporal-server/baton.yaml; needs BATON_TEMPORAL_TLS_DIR
#   health     exits 0 when the frontend answers SERVING
#   namespace  waits for the frontend, creates BATON_TEMPORAL_NAMESPACE and registers Baton's
#              search attributes (idempotent); exits 0 when done
#   ui         runs the Temporal web UI pointed at BATON_TEMPORAL_ADDRESS (as "ui", an operator),
#              behind the console's sign-in with BATON_TEMPORAL_UI_AUTH_URL and _LOGIN_URL
#              (`baton-temporal ui`), else the stock ui-server without one
# Settings are the BATON_* variables of infra/env.sh (see docker-compose.yml for the values). With
# BATON_TEMPORAL_TLS_DIR every client call (health, namespace) uses the certificate there of
# BATON_TEMPORAL_CLIENT_IDENTITY (default admin; the Kubernetes server pod, which is given no
# admin certificate, checks itself as its own worker service, "system-worker", an admin too);
# without it the calls go without TLS (a Temporal server without identities).
set -euo pipefail
: "${BATON_HOST:=0.0.0.0}"
: "${BATON_POSTGRES_HOST:=postgres}"
: "${BATON_POSTGRES_PORT:=5432}"
: "${BATON_POSTGRES_USER:=temporal}"
: "${BATON_POSTGRES_PASSWORD:=}" # needed by schema and server only (checked there)
: "${BATON_TEMPORAL_NAMESPACE:=default}"
: "${BATON_TEMPORAL_RETENTION:=72h}"
: "${BATON_TEMPORAL_ADDRESS:=temporal:7233}"
: "${BATON_TEMPORAL_HISTORY_SHARDS:=4}"
: "${BATON_TEMPORAL_PORT:=7233}" "${BATON_TEMPORAL_HTTP_PORT:=7240}" "${BATON_TEMPORAL_METRICS_PORT:=8000}"
: "${BATON_TEMPORAL_HISTORY_PORT:=7234}" "${BATON_TEMPORAL_MATCHING_PORT:=7235}" "${BATON_TEMPORAL_WORKER_PORT:=7239}"
: "${BATON_TEMPORAL_UI_PORT:=8233}" "${BATON_TEMPORAL_UI_URL:=http://localhost:8233}"
: "${BATON_TEMPORAL_DYNAMIC_CONFIG_FILE:=/etc/baton/temporal-server/dynamicconfig.yaml}"
# The HTTP port is not 7243: the frontend's membership port is its gRPC port + 10 (server.yaml),
# 7243 with the default 7233, and the two cannot share one.
export BATON_HOST BATON_POSTGRES_PORT BATON_POSTGRES_USER BATON_POSTGRES_PASSWORD BATON_TEMPORAL_NAMESPACE \
  BATON_TEMPORAL_HISTORY_SHARDS BATON_TEMPORAL_PORT BATON_TEMPORAL_HTTP_PORT BATON_TEMPORAL_METRICS_PORT \
  BATON_TEMPORAL_HISTORY_PORT BATON_TEMPORAL_MATCHING_PORT BATON_TEMPORAL_WORKER_PORT BATON_TEMPORAL_UI_PORT \
  BATON_TEMPORAL_UI_URL BATON_TEMPORAL_ADDRESS BATON_TEMPORAL_DYNAMIC_CONFIG_FILE
# The identities with a certificate: the same as infra/stack.sh's TEMPORAL_IDENTITIES.
TEMPORAL_IDENTITIES=(frontend internode system-worker admin gateway orchestrator console approver-notify operator ui)
: "${BATON_TEMPORAL_TLS_DIR:=}" "${BATON_TEMPORAL_CLIENT_IDENTITY:=admin}"
tls=()
if [ -n "$BATON_TEMPORAL_TLS_DIR" ]; then
  export BATON_TEMPORAL_TLS_DIR
  tls=(--tls-ca-path "$BATON_TEMPORAL_TLS_DIR/ca.pem" --tls-cert-path "$BATON_TEMPORAL_TLS_DIR/$BATON_TEMPORAL_CLIENT_IDENTITY.pem"
    --tls-key-path "$BATON_TEMPORAL_TLS_DIR/$BATON_TEMPORAL_CLIENT_IDENTITY.key" --tls-server-name baton-temporal)
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
  kubernetes-identities)
    # In the pod of infra/k8s/temporal-identities.job.yaml, whose ServiceAccount may read these
    # Secrets by name and create Secrets, and read, create and replace the one ConfigMap. Each
    # Secret holds the CA's certificate and the certificates and keys of one holder; the CA's key
    # is in baton-temporal-ca alone, which only this Job mounts (whoever holds it can make an
    # admin certificate). A Secret that exists is kept: delete one (and this Job) and apply again
    # to replace it; a new CA is made only where no baton-temporal-* Secret is left.
    # The pod's ServiceAccount token, namespace and the cluster's CA (BATON_KUBERNETES_SA_DIR
    # only to try this outside a pod).
    sa="${BATON_KUBERNETES_SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
    api="https://${KUBERNETES_SERVICE_HOST:?run this in a Kubernetes pod}:${KUBERNETES_SERVICE_PORT:-443}/api/v1/namespaces/$(cat "$sa/namespace")"
    ca_from="${BATON_TEMPORAL_CA_SECRET_DIR:-/var/run/baton-temporal-ca}"
    types="${BATON_GATEWAY_WORKFLOW_TYPES_FILE:-/var/run/baton-gateway-workflow-types/gateway-workflow-types}"
    work="$(mktemp -d)" # under /tmp, the pod's emptyDir: gone with the pod
    ca_dir="$work/ca"
    mkdir -m 700 "$ca_dir"
    # Secret baton-temporal-<holder> = the identities it holds.
    BUNDLES=("server=frontend internode system-worker" "admin=admin" "gateway=gateway" "orchestrator=orchestrator"
      "console=console" "approver-notify=approver-notify" "operator=operator" "ui=ui")
    kube() { curl -sS --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")" "$@"; }
    exists() { # exists secrets/NAME | configmaps/NAME
      local code
      code="$(kube -o /dev/null -w '%{http_code}' "$api/$1")"
      case "$code" in 200) return 0 ;; 404) return 1 ;; *) say "GET $1: HTTP $code"; exit 1 ;; esac
    }
    send() { # send METHOD PATH BODY-FILE EXPECTED-STATUS
      local code
      code="$(kube -o "$work/answer" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' --data-binary "@$3" "$api/$2")"
      [ "$code" = "$4" ] || { say "$1 $2: HTTP $code $(head -c 300 "$work/answer")"; exit 1; }
    }
    secret_json() { # secret_json NAME FILE...: a Secret whose keys are the files' base names
      local name="$1" sep="" f
      shift
      printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","labels":{"app.kubernetes.io/part-of":"baton"}},"data":{' "$name"
      for f in "$@"; do printf '%s"%s":"%s"' "$sep" "$(basename "$f")" "$(base64 -w0 <"$f")"; sep=,; done
      printf '}}\n'
    }
    new_ca=0
    if [ -s "$ca_from/ca.pem" ] && [ -s "$ca_from/ca.key" ]; then
      cp "$ca_from/ca.pem" "$ca_from/ca.key" "$ca_dir/"
    else
      if exists secrets/baton-temporal-ca; then
        say "Secret baton-temporal-ca was made after this pod started: failing, so that the next pod mounts it"
        exit 1
      fi
      for b in "${BUNDLES[@]}"; do
        if exists "secrets/baton-temporal-${b%%=*}"; then
          say "Secret baton-temporal-${b%%=*} exists, but not the CA that signed it (baton-temporal-ca): delete every baton-temporal-* Secret to start a new CA"
          exit 1
        fi
      done
      new_ca=1
    fi
    needed=() ids=()
    for b in "${BUNDLES[@]}"; do
      if ! exists "secrets/baton-temporal-${b%%=*}"; then
        needed+=("$b")
        read -ra more <<<"${b#*=}"
        ids+=("${more[@]}")
      fi
    done
    if [ ${#needed[@]} -gt 0 ]; then
      # The server's certificates name baton-temporal (the name clients check) and the Service.
      baton-temporal certs --dir "$ca_dir" --hosts "${BATON_TEMPORAL_CERT_HOSTS:-temporal-frontend}" "${ids[@]}" |
        while read -r line; do say "$line"; done
      # The CA's Secret first: a certificate whose CA was not kept would be useless.
      if [ "$new_ca" = 1 ]; then
        secret_json baton-temporal-ca "$ca_dir/ca.pem" "$ca_dir/ca.key" >"$work/body"
        send POST secrets "$work/body" 201
        say "created Secret baton-temporal-ca"
      fi
      for b in "${needed[@]}"; do
        files=("$ca_dir/ca.pem")
        for id in ${b#*=}; do files+=("$ca_dir/$id.pem" "$ca_dir/$id.key"); done
        secret_json "baton-temporal-${b%%=*}" "${files[@]}" >"$work/body"
        send POST secrets "$work/body" 201
        say "created Secret baton-temporal-${b%%=*} (${b#*=})"
      done
    fi
    # The workflow types the gateway may start, from the services image's workflow registry
    # (written by the Job's first container), replaced at every run of the Job.
    [ -s "$types" ] || { say "no list of the gateway's workflow types at $types"; exit 1; }
    data="$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' "$types" | awk '{ printf "%s\\n", $0 }')"
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"baton-gateway-workflow-types","labels":{"app.kubernetes.io/part-of":"baton"}},"data":{"gateway-workflow-types":"%s"}}\n' "$data" >"$work/body"
    if exists configmaps/baton-gateway-workflow-types; then
      send PUT configmaps/baton-gateway-workflow-types "$work/body" 200
    else
      send POST configmaps "$work/body" 201
    fi
    say "ConfigMap baton-gateway-workflow-types: the gateway may start $(grep -v '^#' "$types" | tr '\n' ' ')" ;;
  schema)
    : "${BATON_POSTGRES_PASSWORD:?set BATON_POSTGRES_PASSWORD}"
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
    : "${BATON_POSTGRES_PASSWORD:?set BATON_POSTGRES_PASSWORD}"
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
    echo "usage: baton-temporal-entrypoint certs|kubernetes-identities|schema|server|health|namespace|ui" >&2
    exit 2 ;;
esac
