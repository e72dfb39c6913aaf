#!/usr/bin/env bash
# Runs every test Peerwatch has, on a fresh clone or a warm one:
#   1. installs npm dependencies when they are missing or stale;
#   2. installs Chromium and code-server (scripts/setup-vscode.sh; cached in ~/.cache/peerwatch);
#   3. type-checks everything (core, host, webview, CLI, tests) and, at the same time, builds the
#      bundles and tests;
#   4. unit tests (mocha in plain Node), the extension-host suite inside code-server (in its Node
#      extension host, then the web suite in its web worker extension host), the UI tests
#      (Playwright + Chromium against code-server), and a check that `npm start` (scripts/open.sh)
#      packages, installs and serves Peerwatch.
# Set PEERWATCH_TIERS="unit host web ui open" (any subset) to run fewer tiers while developing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

# The run must leave the work tree as it found it (ignored files such as out/, dist/ and test-results/
# aside): what `git status --porcelain` shows now is compared with what it shows at the end.
in_git=0
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git=1
  tree_before="$(git status --porcelain --untracked-files=all)"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dependencies"
  npm ci --no-audit --no-fund
fi

tiers="${PEERWATCH_TIERS:-unit host web ui open}"

case " $tiers " in *" host "*|*" web "*|*" ui "*|*" open "*)
  step "setting up code-server and Chromium"
  bash scripts/setup-vscode.sh >/dev/null ;;
esac

# tsc only reads the sources and esbuild only writes dist/ and out/, so they run side by side; each
# one's output is kept and shown after both end, so the two do not interleave.
step "type-checking and building (side by side)"
tsc_log="$(mktemp)"; build_log="$(mktemp)"
npx tsc --noEmit -p tsconfig.json >"$tsc_log" 2>&1 & tsc_pid=$!
node scripts/build.mjs --tests >"$build_log" 2>&1 & build_pid=$!
tsc_status=0; build_status=0
wait "$tsc_pid" || tsc_status=$?
wait "$build_pid" || build_status=$?
cat "$tsc_log" "$build_log"
rm -f "$tsc_log" "$build_log"
if [ "$tsc_status" != 0 ]; then echo "type-checking failed (npx tsc --noEmit -p tsconfig.json)" >&2; exit "$tsc_status"; fi
if [ "$build_status" != 0 ]; then echo "building failed (node scripts/build.mjs --tests)" >&2; exit "$build_status"; fi
export PEERWATCH_NO_BUILD=1   # the runners below use this build

status=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Each tier's output is shown as it runs and kept, so the totals below count every mocha test.
run() { "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }
open_failed=0
# The unit tests (plain Node, CPU-bound) run beside the two extension-host suites (mostly waiting on
# code-server) when both are asked for: about a minute less. Their output is kept apart and shown,
# whole, once they end, before the UI tests (which are timed, so they run alone).
unit_pid=""
unit_log=""
case " $tiers " in *" unit "*" host "*|*" unit "*" web "*)
  unit_log="$(mktemp)"
  step "unit tests (mocha, plain Node), beside the extension-host suites; their output follows those"
  npx mocha --config .mocharc.json --parallel --jobs 2 >"$unit_log" 2>&1 & unit_pid=$! ;;
esac
finish_unit() {
  if [ -n "$unit_pid" ]; then
    wait "$unit_pid" || status=1
    unit_pid=""
    step "unit tests (mocha, plain Node): their output"
    tee -a "$log" <"$unit_log"
    rm -f "$unit_log"
  fi
}
for tier in $tiers; do
  case "$tier" in
    unit) if [ -z "$unit_log" ]; then step "unit tests (mocha, plain Node)"; run npx mocha --config .mocharc.json || status=1; fi ;;
    ui|open) finish_unit ;;&
    host) step "extension-host tests (mocha inside code-server)"; run node scripts/run-host-tests.mjs || status=1 ;;
    web)  step "web extension-host tests (mocha in code-server's web worker extension host, as on vscode.dev)"; run node scripts/run-host-tests.mjs --web || status=1 ;;
    ui)   step "UI tests (Playwright + Chromium against code-server)"; run node scripts/run-ui-tests.mjs || status=1 ;;
    open) step "npm start: package, install into code-server, serve the examples (--check)"; bash scripts/open.sh --check || { status=1; open_failed=1; } ;;
    *) echo "unknown tier: $tier" >&2; exit 2 ;;
  esac
done
finish_unit
# Mocha's own summary lines ("N passing", "N failing"), once per tier; the host runner echoes its
# log with timestamps, so only lines that are exactly mocha's are counted.
passed=$(awk '/^  [0-9]+ passing/ {s+=$1} END {print s+0}' "$log")
failed=$(awk '/^  [0-9]+ failing/ {s+=$1} END {print s+0}' "$log")
case " $tiers " in *" open "*) if [ "$open_failed" = 1 ]; then failed=$((failed+1)); else passed=$((passed+1)); fi ;; esac
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi   # a tier that crashed before mocha's summary
if [ "$in_git" = 1 ]; then
  new_changes="$(comm -13 <(printf '%s\n' "$tree_before" | sort) <(git status --porcelain --untracked-files=all | sort) | sed '/^$/d')"
  if [ -n "$new_changes" ]; then
    printf '\n=== FAILED: the tests changed the work tree (git status --porcelain, new since the run began):\n%s\n' "$new_changes" >&2
    printf 'Tests must write only to ignored folders (out/, test-results/, a temporary folder); docs/screenshot.png is rewritten by `npm run screenshot`.\n' >&2
    status=1
    failed=$((failed+1))
  fi
fi
printf '\n%s passed, %s failed\n' "$passed" "$failed"
exit $status
