#!/usr/bin/env bash
# Installs what the VS Code end-to-end run (test/vscode/runServer.ts) needs on a fresh Debian
# machine that has only Node/npm/python3/make/g++/apt:
#   - Debian's chromium and ripgrep (apt),
#   - the VS Code server shipped inside the npm package code-server@4.99.4 (= Code 1.99.3),
#     with only the native modules the server needs built from source (no prebuilt downloads).
# code-server lives in a cache folder OUTSIDE the repository's node_modules so `npm ci` stays fast:
#   ${ISOLA_E2E_HOME:-$HOME/.cache/isola-e2e}/code-server
# A stamp file makes a second run a no-op. See shared/notes/vscode-e2e.md for why each step exists.
set -euo pipefail

CODE_SERVER_VERSION=4.99.4
E2E_HOME="${ISOLA_E2E_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/isola-e2e}"
PREFIX="$E2E_HOME/code-server"
VSCODE_DIR="$PREFIX/node_modules/code-server/lib/vscode"
# Native modules are built against this Node: a different ABI needs a rebuild.
STAMP_TEXT="code-server@$CODE_SERVER_VERSION node-abi-$(node -p process.versions.modules) $(uname -m)"
STAMP="$PREFIX/.isola-e2e-stamp"

log() { echo "[isola-e2e setup] $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root for: $*"; return 1
  fi
}

# --- apt: chromium + ripgrep ---------------------------------------------------------------
if command -v chromium >/dev/null 2>&1 && command -v rg >/dev/null 2>&1; then
  log "chromium and ripgrep present"
else
  log "installing chromium and ripgrep with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium ripgrep
fi

# --- code-server's VS Code server -----------------------------------------------------------
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] \
  && [ -f "$VSCODE_DIR/out/server-main.js" ] \
  && [ -x "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $PREFIX"
  exit 0
fi

mkdir -p "$E2E_HOME"
# Serialise concurrent setups on one machine.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$E2E_HOME/.setup.lock"
  flock 9
  # Another run may have finished while we waited.
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ]; then
    log "code-server $CODE_SERVER_VERSION installed by a concurrent run"
    exit 0
  fi
fi

start=$(date +%s)
log "installing code-server@$CODE_SERVER_VERSION into $PREFIX"
# Start clean: a half-finished earlier attempt leaves no reliable state.
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
echo '{ "name": "isola-e2e-code-server", "private": true }' >"$PREFIX/package.json"

NPM_QUIET=(--no-audit --no-fund --loglevel=error)
# --ignore-scripts: code-server's install scripts would download ripgrep from the internet.
( cd "$PREFIX" && npm install "${NPM_QUIET[@]}" --ignore-scripts "code-server@$CODE_SERVER_VERSION" )

log "npm install --omit=dev in lib/vscode"
( cd "$VSCODE_DIR" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts )
log "npm install --omit=dev in lib/vscode/extensions"
( cd "$VSCODE_DIR/extensions" && npm install "${NPM_QUIET[@]}" --omit=dev --ignore-scripts )
( cd "$VSCODE_DIR" && ln -sfn node_modules node_modules.asar )

log "building native modules (@vscode/spdlog native-watchdog node-pty)"
# npm_config_yes: node-pty's install step runs `npx node-gyp`.
( cd "$VSCODE_DIR" && JOBS=2 npm_config_yes=true npm rebuild "${NPM_QUIET[@]}" --ignore-scripts=false \
    @vscode/spdlog native-watchdog node-pty )

log "using Debian's rg for @vscode/ripgrep"
mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"
chmod +x "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"

# Smoke check: the native modules load in this Node.
( cd "$VSCODE_DIR" && node -e '
  for (const m of ["@vscode/spdlog", "native-watchdog", "node-pty"]) require(m);
' )

echo "$STAMP_TEXT" >"$STAMP"
log "done in $(( $(date +%s) - start )) s"
