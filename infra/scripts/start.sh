#!/usr/bin/env bash
# `npm start`: everything needed on a fresh checkout — Debian packages (the build's when the worker must be
# built; ffmpeg and srt-tools for ingest; as root or with passwordless sudo), npm packages, the worker, the
# builds — then the service in the foreground.
# `npm start -- --lan` is classroom mode (HTTPS on this machine's LAN addresses); see README.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$repo/infra/scripts/setup.sh"
# ffmpeg and srt-tools bridge RTMP/SRT cameras; without them everything else still runs.
bash "$repo/infra/scripts/install-system-deps.sh" run \
  || echo "[start] RTMP/SRT ingest needs ffmpeg and srt-tools (see above); starting without them" >&2
cd "$repo"
exec node sfu/dist/main.js "$@"
