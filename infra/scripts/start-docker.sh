#!/usr/bin/env bash
# Makes sure a Docker engine answers: starts Debian's dockerd in the background when none runs (CI machines
# have no init system to do it). Idempotent. Logs go to ${DOCKERD_LOG:-/var/log/inclubit-dockerd.log}.
set -euo pipefail
log() { printf '[docker] %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1; then
  log "engine running ($(docker info --format '{{.ServerVersion}}'))"
  exit 0
fi
command -v dockerd >/dev/null || { log "dockerd not installed: sudo bash infra/scripts/install-system-deps.sh test"; exit 1; }
if [[ $(id -u) -eq 0 ]]; then sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n)
else log "starting dockerd needs root: sudo bash $0"; exit 1; fi
logfile=${DOCKERD_LOG:-/var/log/inclubit-dockerd.log}
log "starting dockerd (log: $logfile)"
"${sudo[@]}" nohup sh -c "exec dockerd >>'$logfile' 2>&1" >/dev/null 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine running ($(docker info --format '{{.ServerVersion}}'))"
    exit 0
  fi
  sleep 1
done
log "dockerd did not answer within 60 s; last lines of $logfile:"
tail -n 20 "$logfile" >&2
exit 1
