#!/usr/bin/env bash
# `npm start`: everything needed on a fresh checkout — Debian packages when the worker must be built (as root
# or with passwordless sudo), npm packages, the worker, the builds — then the service in the foreground.
# `npm start -- --lan` is classroom mode (HTTPS on this machine's LAN addresses); see README.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$repo/infra/scripts/setup.sh"
cd "$repo"
exec node sfu/dist/main.js "$@"
