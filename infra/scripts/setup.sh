#!/usr/bin/env bash
# Makes a checkout runnable: npm dependencies, the mediasoup worker, the web and sfu builds.
# Each step is skipped when its output is already up to date, so `npm start` stays quick after the first run.
# `setup.sh deps` stops after the dependencies (the Dockerfile caches that layer before copying sources).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
log() { printf '[setup] %s\n' "$*" >&2; }
worker_script=infra/scripts/build-mediasoup-worker.sh
stamp=node_modules/.inclubit-install-stamp
lock_hash=$(cat package.json sfu/package.json web/package.json e2e/package.json package-lock.json | sha256sum | cut -c1-16)

cached_worker() { # prints the cached offline build's path, if there is one
  local key
  key=$(sed -n '/^# >>> build recipe/,/^# <<< build recipe/p' "$worker_script" | sha256sum | cut -c1-12)
  local bin="${WORKER_CACHE_DIR:-$repo/.cache/mediasoup-worker}/$(node -p "require('./sfu/package.json').dependencies.mediasoup")-$key/mediasoup-worker"
  [[ -x $bin ]] && echo "$bin"
}

if [[ $(cat "$stamp" 2>/dev/null) != "$lock_hash" ]]; then
  if bin=${MEDIASOUP_WORKER_BIN:-$(cached_worker)} && [[ -n $bin ]]; then
    log "npm ci (mediasoup worker: $bin)"
    MEDIASOUP_WORKER_BIN=$bin npm ci --no-audit --no-fund --loglevel=error
  else
    # The normal path first: mediasoup's postinstall downloads its prebuilt worker where there is internet.
    log "npm ci"
    if ! npm ci --no-audit --no-fund --loglevel=error >/tmp/inclubit-npm-ci.log 2>&1; then
      if grep -q mediasoup /tmp/inclubit-npm-ci.log; then
        log "mediasoup could not download or build its worker (offline?); building it from Debian's libraries"
        bin=$(bash "$worker_script" | sed -n 's/^MEDIASOUP_WORKER_BIN=//p')
        MEDIASOUP_WORKER_BIN=$bin npm ci --no-audit --no-fund --loglevel=error
      else
        cat /tmp/inclubit-npm-ci.log >&2
        exit 1
      fi
    fi
  fi
  echo "$lock_hash" >"$stamp"
fi

# Puts an offline-built worker at mediasoup's default path (a no-op after a normal online install).
bash "$worker_script" >/dev/null
[[ ${1:-} == deps ]] && exit 0

if [[ ! -f web/dist/index.html ]] || [[ -n $(find web/src web/index.html web/vite.config.ts sfu/src/protocol -newer web/dist/index.html -print -quit) ]]; then
  log "building web app"
  npm run build -w web --silent
fi
if [[ ! -f sfu/dist/main.js ]] || [[ -n $(find sfu/src -newer sfu/dist/main.js -print -quit) ]]; then
  log "building sfu"
  npm run build -w sfu --silent
fi
