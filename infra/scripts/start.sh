#!/usr/bin/env bash
# `npm start`: everything needed on a fresh checkout, then the service in the foreground.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$repo/infra/scripts/setup.sh"
cd "$repo"
exec node sfu/dist/main.js
