#!/usr/bin/env bash
# `npm run dev [-- --workflows a,b]`: set-up, the local stack of the profile (BATON_PROFILE, demo by
# default; another profile needs BATON_PORT_OFFSET, see env.sh), and Baton's services running until
# Ctrl-C, so that events can be sent by hand (`baton events send`, as dev prints) and the workflows
# watched in the console, the Temporal UI and the trace UI. The servers keep running afterwards;
# `bash infra/stack.sh stop` ends them.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"
bash "$HERE/bootstrap.sh"
# The bootstrap may have just obtained Node 24: source env.sh again so it is first on PATH.
. "$HERE/env.sh"
bash "$HERE/stack.sh" start
exec node --conditions=baton-source --import tsx demo/dev.ts "$@"
