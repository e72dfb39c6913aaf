#!/usr/bin/env bash
# Installs what the UI and extension-host tests need: Debian's Chromium, the build tools code-server's
# native modules want, and code-server itself. Idempotent: every step checks before it acts, and
# code-server is cached outside the clone ($PEERWATCH_CACHE, default ~/.cache/peerwatch) so a second
# run, or a fresh clone on the same machine, reuses it.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"   # VS Code 1.100.3; the last line that runs on Node 20
CACHE="${PEERWATCH_CACHE:-$HOME/.cache/peerwatch}"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"

log() { printf '[setup] %s\n' "$*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
for pkg in libkrb5-dev pkg-config python3 make g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
  log "code-server $CODE_SERVER_VERSION already installed in $PREFIX"
else
  log "installing code-server $CODE_SERVER_VERSION into $PREFIX (about a minute)"
  mkdir -p "$PREFIX"
  # @vscode/ripgrep downloads rg from GitHub unless its cache already holds the archive: hand it
  # Debian's rg under the name it looks for, for every ripgrep package version it may resolve.
  tmp="$(node -p 'require("os").tmpdir()')"
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  for v in 1.15.9 1.15.10 1.15.11 1.15.12 1.15.13 1.15.14 1.17.0 1.17.1 1.18.0; do
    dir="$tmp/vscode-ripgrep-cache-$v"
    mkdir -p "$dir"
    for t in ripgrep-v13.0.0-10-x86_64-unknown-linux-musl ripgrep-v13.0.0-13-x86_64-unknown-linux-musl ripgrep-v14.1.1-1-x86_64-unknown-linux-musl; do
      [ -f "$dir/$t.tar.gz" ] || tar -czf "$dir/$t.tar.gz" -C "$stage" rg
    done
  done
  rm -rf "$stage"
  [ -f "$PREFIX/package.json" ] || echo '{"name":"peerwatch-code-server","private":true}' > "$PREFIX/package.json"
  ( cd "$PREFIX" && npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" )
  "$BIN" --version >/dev/null
fi

echo "$BIN"
