#!/usr/bin/env bash
# `npm run bench [-- --smoke] [-- --only=capacity,latency]`: prepares the checkout like `npm test` does (the
# worker, the builds), then runs sfu/bench/main.ts. Results: a table on stdout, JSON in bench-results/.
# Needs ffmpeg and Chromium (sudo bash infra/scripts/install-system-deps.sh test). BENCH_CHURN_SECONDS
# shortens the churn scenario (default 600, 10 with --smoke).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
bash infra/scripts/setup.sh >&2
for tool in ffmpeg taskset "${CHROMIUM_PATH:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (sudo bash infra/scripts/install-system-deps.sh test)" >&2; exit 1; }
done
bash infra/scripts/test-host.sh >&2
exec node --import tsx sfu/bench/main.ts "$@"
