#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh Debian machine (root, Node 20; only the npm
# registry and Debian's apt reachable): Debian's chromium, ripgrep, the Python kernel stack, and
# code-server 4.100.3 (VS Code 1.100.3 with a real Node extension host, the last release that runs
# on Node 20) plus playwright-core, into .e2e/code-server/ with its own package.json so the
# project's lockfile stays untouched. The recipe, and why each step is there:
# ../shared/guide/e2e.md. Idempotent: a marker written after a successful install skips it all.
#   bash scripts/setup-e2e.sh           # install what is missing
#   KMW_E2E_REINSTALL=1 bash scripts/setup-e2e.sh   # throw .e2e/code-server away and start over
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
project="$PWD"
dir="$project/.e2e/code-server"
marker="$dir/.installed"
started=$SECONDS
step_started=$SECONDS
say() { echo "setup-e2e: $*"; }
step() { step_started=$SECONDS; say "$*"; }
took() { say "  ... $(( SECONDS - step_started )) s"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  say "warning: Node $(node -v); code-server $CODE_SERVER_VERSION is built for Node 20 (4.103+ need 22)"
fi
# Native modules are built for one Node ABI: a different Node means a different install.
stamp="code-server@$CODE_SERVER_VERSION node-abi-$(node -p process.versions.modules)"

# 1. Debian packages (each checked, so a warm machine does not even run apt-get update).
apt_packages=(
  chromium ripgrep
  python3 python3-ipykernel python3-jupyter-client python3-debugpy python3-pandas python3-numpy libjemalloc2
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential
)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  took
else
  say "apt packages already installed (${#apt_packages[@]})"
fi

# 2. code-server and playwright-core, unless a previous run finished.
entry="$dir/node_modules/code-server/out/node/entry.js"
if [ -z "${KMW_E2E_REINSTALL:-}" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$stamp" ] && [ -f "$entry" ]; then
  say "code-server $CODE_SERVER_VERSION already installed in .e2e/code-server ($stamp)"
else
  if [ -d "$dir/node_modules" ]; then
    say "removing an unfinished or outdated install in .e2e/code-server"
    rm -rf "$dir/node_modules" "$marker"
  fi
  mkdir -p "$dir"
  cd "$dir"
  echo '{ "name": "kmw-e2e-code-server", "private": true, "description": "Installed by scripts/setup-e2e.sh; not part of the project" }' > package.json
  # The same playwright-core as the project pins, so both copies drive chromium alike.
  playwright_spec=$(node -p "require('$project/package.json').devDependencies?.['playwright-core'] ?? 'latest'")
  # Headers for node-gyp from Debian's nodejs package when present (nodejs.org is not reachable).
  [ -f /usr/include/node/node.h ] && export npm_config_nodedir=/usr

  step "npm install code-server@$CODE_SERVER_VERSION playwright-core@$playwright_spec (scripts off: code-server's postinstall downloads from GitHub)"
  npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" "playwright-core@$playwright_spec"
  took

  cd node_modules/code-server/lib/vscode
  step "VS Code's own dependencies (lib/vscode)"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
  took
  say "ripgrep from Debian instead of @vscode/ripgrep's GitHub download"
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  step "native rebuild: node-pty @vscode/spdlog native-watchdog @vscode/deviceid kerberos"
  npm_config_yes=true npm rebuild --loglevel=error node-pty @vscode/spdlog native-watchdog @vscode/deviceid kerberos
  took
  ln -sfn node_modules node_modules.asar
  step "built-in extensions' dependencies (lib/vscode/extensions)"
  (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  took
  cd "$dir"
  step "native rebuild: argon2"
  npm rebuild --loglevel=error argon2
  took

  node "$entry" --version >/dev/null
  echo "$stamp" > "$marker"
  say "installed $(du -sh "$dir" | cut -f1) into .e2e/code-server"
fi

# test/e2e/harness.ts (the first E2E tests) looks for .e2e/node_modules/code-server: point it at
# this install unless an older install already sits there.
if [ ! -e "$project/.e2e/node_modules" ]; then
  ln -s code-server/node_modules "$project/.e2e/node_modules"
  say "linked .e2e/node_modules -> code-server/node_modules (for test/e2e/harness.ts)"
fi

say "ready in $(( SECONDS - started )) s"
