#!/usr/bin/env bash
# Usage: infra/temporal-cli.sh ARGS...   (e.g. infra/temporal-cli.sh workflow list)
#
# The Temporal CLI against the profile's Temporal as admin: the address and the admin
# certificate of the profile's CA (made by infra/stack.sh in $BATON_TEMPORAL_TLS_DIR) added to
# ARGS. Temporal refuses any caller without a certificate (docs/secure.md, "Temporal identities").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
cli="$("$HERE/obtain.sh" temporal)"
exec "$cli" "$@" --address "$BATON_TEMPORAL_ADDRESS" --tls-server-name baton-temporal --tls-ca-path "$BATON_TEMPORAL_TLS_DIR/ca.pem" \
  --tls-cert-path "$BATON_TEMPORAL_TLS_DIR/admin.pem" --tls-key-path "$BATON_TEMPORAL_TLS_DIR/admin.key"
