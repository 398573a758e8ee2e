#!/usr/bin/env bash
# Makes sure a Chromium for the browser tests is there: BATON_CHROMIUM, or chromium on PATH, or
# (as root on Debian/Ubuntu) Debian's chromium package. Test tools' own browser downloads are
# not used: they fetch from outside the package registries.
set -euo pipefail
if [ -n "${BATON_CHROMIUM:-}" ]; then
  [ -x "$BATON_CHROMIUM" ] || { echo "chromium: ERROR: BATON_CHROMIUM=$BATON_CHROMIUM is not executable" >&2; exit 1; }
  echo "chromium: $BATON_CHROMIUM (BATON_CHROMIUM)"
  exit 0
fi
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$name")"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium package (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "chromium: $(command -v chromium)"
  exit 0
fi
echo "chromium: ERROR: no Chromium found; install one (Debian: apt-get install chromium) or set BATON_CHROMIUM" >&2
exit 1
