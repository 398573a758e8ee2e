#!/usr/bin/env bash
# Usage: infra/check-deploy.sh
#
# Checks the deployment files with the real tools, where this machine has them, one line each:
#   docker-compose.yml   `docker compose config` (the Compose plugin; no Docker daemon needed)
#   infra/k8s            `kubectl kustomize` renders it, kubernetes-validate (PyPI, pinned, in
#                        .baton/tools/k8s-lint) checks every object against the Kubernetes schema
#                        in strict mode, and infra/k8s/check-secrets.py that every workload takes
#                        only its own secrets (NATS seed, Temporal certificate; the CA's key one Job)
#                        infra/k8s/check-identities-job.py runs the Temporal identities Job's role with
#                        the real baton-temporal (.baton/bin) against a stand-in Kubernetes API
#   infra/k8s/helm       the Helm values files parse as YAML (helm itself is not needed)
# A tool that is missing is reported and skipped (exit 0); a check that fails exits 1.
# BATON_COMPOSE_PLUGIN=path uses that docker-compose binary instead of `docker compose`.
# The compose check first proves that the file refuses to render without the two values a
# deployment must give (BATON_POSTGRES_PASSWORD, BATON_CONSOLE_USERS_FILE), then renders it with
# throwaway placeholders for them.
# BATON_K8S_VERSION (1.33.0) is the Kubernetes version the manifests are validated against.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
. "$HERE/env.sh"
cd "$BATON_ROOT"
: "${BATON_K8S_VERSION:=1.33.0}"
K8S_VALIDATE_VERSION=1.37.0
rc=0
tmp="$(mktemp -d "${TMPDIR:-/tmp}/baton-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# ---- docker-compose.yml ------------------------------------------------------------------------
compose=()
if [ -n "${BATON_COMPOSE_PLUGIN:-}" ]; then
  compose=("$BATON_COMPOSE_PLUGIN")
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif plugin="$("$HERE/obtain.sh" docker-compose 2>"$tmp/obtain.err")" && [ -x "$plugin" ]; then
  # No plugin here: obtain one like the servers (a release download, else a build from the Go
  # module proxy), so the check runs instead of being skipped.
  compose=("$plugin")
fi
printf '[]\n' >"$tmp/users.json"
export BATON_CHECK_PASSWORD; BATON_CHECK_PASSWORD="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
if [ ${#compose[@]} = 0 ]; then
  echo "compose: skipped (no docker compose plugin, and none could be obtained: $(tail -n 1 "$tmp/obtain.err"))"
elif env -u BATON_POSTGRES_PASSWORD -u BATON_CONSOLE_USERS_FILE "${compose[@]}" -f docker-compose.yml config -q >/dev/null 2>"$tmp/unset.err" ||
  ! grep -q 'BATON_POSTGRES_PASSWORD\|BATON_CONSOLE_USERS_FILE' "$tmp/unset.err"; then
  echo "compose: ERROR: docker-compose.yml renders without BATON_POSTGRES_PASSWORD and BATON_CONSOLE_USERS_FILE (it must refuse, naming them)" >&2
  rc=1
elif export BATON_POSTGRES_PASSWORD="$BATON_CHECK_PASSWORD" BATON_CONSOLE_USERS_FILE="$tmp/users.json" &&
  "${compose[@]}" -f docker-compose.yml config -q 2>"$tmp/compose.err" &&
  services="$("${compose[@]}" -f docker-compose.yml config --services 2>>"$tmp/compose.err" | wc -l)"; then
  echo "compose: docker-compose.yml is valid ($services services; $("${compose[@]}" version --short 2>/dev/null || echo '?')), and refuses to render without $(grep -o 'BATON_POSTGRES_PASSWORD\|BATON_CONSOLE_USERS_FILE' "$tmp/unset.err" | sort -u | tr '\n' ' ')"
else
  echo "compose: ERROR: docker-compose.yml: $(tr '\n' ' ' <"$tmp/compose.err")" >&2
  rc=1
fi

# ---- infra/k8s ---------------------------------------------------------------------------------
if ! command -v kubectl >/dev/null 2>&1; then
  echo "k8s: skipped (no kubectl to render infra/k8s with kustomize)"
elif ! kubectl kustomize infra/k8s >"$tmp/k8s.yaml" 2>"$tmp/kustomize.err"; then
  echo "k8s: ERROR: kubectl kustomize infra/k8s: $(tr '\n' ' ' <"$tmp/kustomize.err")" >&2
  rc=1
else
  objects="$(grep -c '^kind:' "$tmp/k8s.yaml")"
  venv="$BATON_HOME/tools/k8s-lint"
  if [ ! -x "$venv/bin/kubernetes-validate" ] || ! "$venv/bin/kubernetes-validate" --version 2>/dev/null | grep -q "$K8S_VALIDATE_VERSION"; then
    if python3 -m venv "$venv" >/dev/null 2>&1 &&
      "$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$K8S_VALIDATE_VERSION" >"$tmp/pip.log" 2>&1; then
      echo "k8s: installed kubernetes-validate $K8S_VALIDATE_VERSION into $venv"
    else
      echo "k8s: rendered $objects objects; schema check skipped (could not install kubernetes-validate: $(tail -n 1 "$tmp/pip.log" 2>/dev/null))"
      venv=""
    fi
  fi
  if [ -n "$venv" ]; then
    if "$venv/bin/kubernetes-validate" --strict --quiet -k "$BATON_K8S_VERSION" "$tmp/k8s.yaml" >"$tmp/validate.log" 2>&1; then
      echo "k8s: infra/k8s renders $objects objects, all valid against Kubernetes $BATON_K8S_VERSION (kubernetes-validate --strict)"
      "$venv/bin/python" infra/k8s/check-secrets.py "$tmp/k8s.yaml" || rc=1
    else
      echo "k8s: ERROR: infra/k8s does not validate against Kubernetes $BATON_K8S_VERSION:" >&2
      grep -v '^INFO' "$tmp/validate.log" >&2 || cat "$tmp/validate.log" >&2
      rc=1
    fi
  fi
fi

# The identities Job's own work (no cluster here: the API server is a stand-in, the rest real).
if [ ! -x "$BATON_BIN_DIR/baton-temporal" ]; then
  echo "k8s: the identities Job's role not tried (no $BATON_BIN_DIR/baton-temporal: bash infra/obtain.sh baton-temporal)"
elif ! command -v openssl >/dev/null 2>&1; then
  echo "k8s: the identities Job's role not tried (no openssl for the stand-in API's certificate)"
elif ! python3 infra/k8s/check-identities-job.py "$BATON_BIN_DIR/baton-temporal"; then
  rc=1
fi

# ---- infra/k8s/helm ----------------------------------------------------------------------------
py=python3
[ -x "$BATON_HOME/tools/k8s-lint/bin/python" ] && py="$BATON_HOME/tools/k8s-lint/bin/python" # has PyYAML
for f in infra/k8s/helm/*.yaml; do
  if ! "$py" -c 'import yaml' 2>/dev/null; then
    echo "helm: $f not checked (no PyYAML)"
  elif "$py" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>"$tmp/yaml.err"; then
    echo "helm: $f parses as YAML"
  else
    echo "helm: ERROR: $f: $(tail -n 1 "$tmp/yaml.err")" >&2
    rc=1
  fi
done
exit "$rc"
