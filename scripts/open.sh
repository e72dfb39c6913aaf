#!/usr/bin/env bash
# Opens Peerwatch in a real VS Code (code-server, in your browser) on the examples/ folder.
#
#   bash scripts/open.sh            build, package, install, serve on 127.0.0.1:$PORT (default 8080;
#                                   a free port if that one is taken) until Ctrl+C
#   bash scripts/open.sh --check    the same, then verify HTTP 200 and that the extension is
#                                   installed, stop, and exit 0 (also PEERWATCH_OPEN_CHECK=1)
#
# code-server comes from scripts/setup-vscode.sh (cached in ~/.cache/peerwatch). The packaged
# extension is installed into its own extensions dir, ~/.cache/peerwatch/demo, so it never touches
# another VS Code's extensions; settings there turn off welcome pages, tips and telemetry.
# PEERWATCH_OPEN_VSIX=path.vsix installs that package instead of building one; PEERWATCH_EXAMPLES
# opens another folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PEERWATCH_CACHE:-$HOME/.cache/peerwatch}"
DEMO="$CACHE/demo"
EXT_DIR="$DEMO/extensions"
USER_DIR="$DEMO/user-data"
FOLDER="${PEERWATCH_EXAMPLES:-$ROOT/examples}"
CHECK="${PEERWATCH_OPEN_CHECK:-0}"
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[open] %s\n' "$*" >&2; }
cd "$ROOT"

if [ ! -d node_modules ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

BIN="$(bash scripts/setup-vscode.sh | tail -n 1)"
[ -x "$BIN" ] || { log "scripts/setup-vscode.sh did not give a code-server binary (got '$BIN')"; exit 1; }

if [ -n "${PEERWATCH_OPEN_VSIX:-}" ]; then
  VSIX="$(cd "$(dirname "$PEERWATCH_OPEN_VSIX")" && pwd)/$(basename "$PEERWATCH_OPEN_VSIX")"   # a prebuilt package
else
  log "building and packaging the extension (npm run package)"
  npm run --silent package >&2
  VSIX="$ROOT/dist/peerwatch.vsix"
fi
[ -f "$VSIX" ] || { log "npm run package did not produce $VSIX"; exit 1; }

mkdir -p "$EXT_DIR" "$USER_DIR"
[ -f "$EXT_DIR/extensions.json" ] || echo '[]' > "$EXT_DIR/extensions.json"
# The same quiet settings the tests use (no welcome page, tips, trust prompt, telemetry, chat).
node --input-type=module -e "
  import { writeUserSettings } from '$ROOT/scripts/vscode-server.mjs';
  writeUserSettings(process.argv[1]);
" "$USER_DIR"

log "installing $VSIX into $EXT_DIR"
"$BIN" --user-data-dir "$USER_DIR" --extensions-dir "$EXT_DIR" --install-extension "$VSIX" --force >&2

PORT="$(node --input-type=module -e "
  import { freePort } from '$ROOT/scripts/vscode-server.mjs';
  console.log(await freePort(Number(process.argv[1])));
" "${PORT:-8080}")"

# code-server in its own process group, so stopping it also stops its extension host and watchers.
setsid "$BIN" --auth none --bind-addr "127.0.0.1:$PORT" \
  --user-data-dir "$USER_DIR" --extensions-dir "$EXT_DIR" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$FOLDER" > "$DEMO/code-server.log" 2>&1 &
PID=$!
stop() {
  trap - INT TERM EXIT
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM -- "-$PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$PID" 2>/dev/null || true
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

URL="http://127.0.0.1:$PORT/?folder=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$FOLDER")"
status=000
for _ in $(seq 300); do
  kill -0 "$PID" 2>/dev/null || { log "code-server exited; its log:"; cat "$DEMO/code-server.log" >&2; exit 1; }
  status="$(curl -s -o /dev/null -w '%{http_code}' "$URL" || true)"
  [ "$status" = 200 ] && break
  sleep 0.2
done
[ "$status" = 200 ] || { log "code-server did not answer 200 on $URL (last status $status); its log:"; cat "$DEMO/code-server.log" >&2; exit 1; }

if [ "$CHECK" = 1 ]; then
  if ! "$BIN" --user-data-dir "$USER_DIR" --extensions-dir "$EXT_DIR" --list-extensions --show-versions | grep -q '^peerwatch\.peerwatch@'; then
    log "check FAILED: peerwatch.peerwatch is not installed in $EXT_DIR"
    exit 1
  fi
  log "check passed: $URL answered 200 and peerwatch.peerwatch is installed"
  exit 0
fi

cat <<EOF

  Peerwatch is running in VS Code (code-server $("$BIN" --version | head -n 1 | cut -d' ' -f1)):

      $URL

  Open that address in your browser. The examples/ folder is open; run logs (*.runlog.jsonl),
  Inspect logs (.eval), SWE-agent .traj files and the study's transcript_N.json open in Peerwatch
  directly, other .json files with "Peerwatch: Open in Peerwatch" (Command Palette, F1).
  Press Ctrl+C to stop.

EOF
wait "$PID"
