#!/usr/bin/env bash
# Installs what the end-to-end tests need: Debian's chromium, and code-server 4.100.3 (VS Code
# 1.100.3 with a real Node extension host, the last release that runs on Node 20),
# into .e2e/ so the project's own lockfile stays untouched. Idempotent.
# The recipe (and why each step is there) is in ../shared/guide/e2e.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.e2e"
marker="$root/.installed-4.100.3"
if [ -f "$marker" ] && [ -x /usr/bin/chromium ]; then
  echo "setup-e2e: code-server and chromium already installed"
  exit 0
fi
start=$(date +%s)

need_apt=()
for pkg in chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-e2e: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$root"
cd "$root"
[ -f package.json ] || echo '{"name":"kmw-e2e","private":true}' > package.json
echo "setup-e2e: npm install code-server@4.100.3 (scripts off: they download from GitHub)"
npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error code-server@4.100.3

cd node_modules/code-server/lib/vscode
echo "setup-e2e: VS Code's own dependencies"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
echo "setup-e2e: native rebuild (node-pty, spdlog, watchdog, deviceid, kerberos)"
npm_config_yes=true npm rebuild --loglevel=error node-pty @vscode/spdlog native-watchdog @vscode/deviceid kerberos
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
cd "$root"
npm rebuild --loglevel=error argon2

touch "$marker"
echo "setup-e2e: done in $(( $(date +%s) - start )) s"
