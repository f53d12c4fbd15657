#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine (root, Node 20), then builds.
# Idempotent: installed pieces are skipped. Used by the README's test command and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in python3-numpy python3-pandas python3-matplotlib python3-ipykernel python3-jupyter-client python3-jupyter-server python3-psutil python3-debugpy libjemalloc2 procps util-linux; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund --loglevel=error

# The real VS Code (code-server), playwright-core and Debian's chromium for the E2E tests.
if [ -f scripts/setup-e2e.sh ]; then
  bash scripts/setup-e2e.sh
fi
