#!/usr/bin/env bash
# `npm test`: prepares the checkout like `npm start` does, then runs every suite — lint and format, type
# checks, the SFU's integration tests (real mediasoup), web unit tests, and the browser end-to-end tests
# (real Chromium against the real service). Ends with one line: "N passed, N failed".
# Installs what the tests need first (Debian packages, as root or with passwordless sudo; the Docker engine
# started when it is not running), so on a fresh machine this one command is all.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
out="$repo/test-results"
rm -rf "$out" && mkdir -p "$out"
log() { printf '\n[test] %s\n' "$*"; }

if ! bash infra/scripts/install-system-deps.sh test || ! bash infra/scripts/setup.sh; then
  echo "0 passed, 1 failed" | tee "$out/summary.txt"
  exit 1
fi

# A check that is not a vitest suite counts as one test.
check() {
  local name=$1
  shift
  log "$name"
  if "$@"; then echo pass >"$out/check-$name"; else echo fail >"$out/check-$name"; fi
}

suite() {
  local name=$1 dir=$2
  shift 2
  log "$name"
  (cd "$dir" && npx vitest run --reporter=default --reporter=json --outputFile="$out/$name.json" "$@")
  # A suite that crashed before writing its report is a failure, never a silent zero.
  [[ -s $out/$name.json ]] || echo '{"numPassedTests":0,"numFailedTests":1}' >"$out/$name.json"
}

bash infra/scripts/test-host.sh

# The deployment test needs a Docker engine; start Debian's when it is installed but not running (the test
# itself fails with the reason when there is none).
bash infra/scripts/start-docker.sh || log "no Docker engine: the deployment test will fail"

check lint bash -c 'npx eslint . && npx prettier --check . >/dev/null'
check typecheck npm run typecheck --silent
suite sfu sfu
suite web web --passWithNoTests
if [[ -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]]; then
  suite e2e e2e
else
  log "e2e: Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium} (sudo bash infra/scripts/install-system-deps.sh test)"
  echo '{"numPassedTests":0,"numFailedTests":1}' >"$out/e2e.json"
fi

node - "$out" <<'JS' | tee "$out/summary.txt"
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
let passed = 0;
let failed = 0;
for (const f of fs.readdirSync(dir)) {
  const file = path.join(dir, f);
  if (f.endsWith('.json')) {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // Files that failed to load report no tests; count each as a failure.
    for (const t of r.testResults ?? []) if (t.status === 'failed' && (t.assertionResults ?? []).length === 0) failed++;
  } else if (f.startsWith('check-')) {
    fs.readFileSync(file, 'utf8').trim() === 'pass' ? passed++ : failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
JS
grep -q ' 0 failed$' "$out/summary.txt"
