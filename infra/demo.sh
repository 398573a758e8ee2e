#!/usr/bin/env bash
# The demo command (`npm run demo`): set-up, the local stack (NATS, Temporal with its UI, Zipkin),
# every Baton service, and four requests through them. The stack stays up afterwards so the
# workflows and traces can be inspected; `bash infra/stack.sh stop` ends it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export BATON_PROFILE=demo
# shellcheck source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"
bash "$HERE/bootstrap.sh"
# The bootstrap may have just obtained Node 24 into the tools folder: source env.sh again so it
# is first on PATH (and NODE) for everything below.
. "$HERE/env.sh"
bash "$HERE/stack.sh" start
node --conditions=baton-source --import tsx demo/run.ts
