#!/bin/sh
# Entry point of the Baton services image: a service started beside the secrets a deployment made
# at its first start (packages/testkit/src/deploy-secrets.ts, mounted at /baton-secrets) takes its
# own from there: its NATS identity and its Temporal certificate by its service name, and, where
# it needs them, the task seal key, the payload keys, the console's session secret and the
# accounting webhook's secret. What is set explicitly in the environment wins. Without the folder
# nothing is changed.
set -eu
S=/baton-secrets
if [ -d "$S" ]; then
  if [ -z "${BATON_NATS_NKEY_SEED_FILE:-}" ] && [ -z "${BATON_NATS_NKEY_SEED:-}" ] && [ -f "$S/nats/${BATON_SERVICE:-none}.nk" ]; then
    export BATON_NATS_NKEY_SEED_FILE="$S/nats/$BATON_SERVICE.nk"
  fi
  # Its Temporal identity (gateway, orchestrator, console): a certificate made by temporal-certs.
  if [ -z "${BATON_TEMPORAL_TLS_CERT_FILE:-}" ] && [ -f "$S/temporal/${BATON_SERVICE:-none}.pem" ]; then
    export BATON_TEMPORAL_TLS_CERT_FILE="$S/temporal/$BATON_SERVICE.pem" BATON_TEMPORAL_TLS_KEY_FILE="$S/temporal/$BATON_SERVICE.key" \
      BATON_TEMPORAL_TLS_CA_FILE="$S/temporal/ca.pem"
  fi
  [ -z "${BATON_TASK_SEAL_KEY:-}${BATON_TASK_SEAL_KEY_FILE:-}" ] && [ -f "$S/task-seal.key" ] && export BATON_TASK_SEAL_KEY_FILE="$S/task-seal.key"
  [ -z "${BATON_PAYLOAD_KEYS:-}${BATON_PAYLOAD_KEY_FILE:-}" ] && [ -f "$S/payload-keys.json" ] && export BATON_PAYLOAD_KEY_FILE="$S/payload-keys.json"
  if [ -z "${BATON_CONSOLE_SESSION_SECRET:-}" ] && [ -f "$S/console-session.secret" ]; then
    BATON_CONSOLE_SESSION_SECRET="$(cat "$S/console-session.secret")"
    export BATON_CONSOLE_SESSION_SECRET
  fi
  if [ -z "${BATON_ACCOUNTING_WEBHOOK_SECRET:-}" ] && [ -f "$S/accounting-webhook.secret" ]; then
    BATON_ACCOUNTING_WEBHOOK_SECRET="$(cat "$S/accounting-webhook.secret")"
    export BATON_ACCOUNTING_WEBHOOK_SECRET
  fi
fi
exec "$@"
