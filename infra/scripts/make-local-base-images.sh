#!/usr/bin/env bash
# Builds local stand-ins for the three upstream images compose.yaml starts from, for a Docker engine that
# cannot reach a registry (this project's CI; an air-gapped school server). Everything comes from Debian's
# own packages and this machine's Node.js:
#   inclubit-local/debian:bookworm          debootstrap --variant=minbase bookworm, imported
#   inclubit-local/node:20-bookworm-slim    + this machine's node and npm (stand-in for node:20-bookworm-slim)
#   inclubit-local/caddy:2                  + Debian's caddy, laid out like the official caddy:2 image
#   inclubit-local/coturn:4.6               + Debian's coturn, laid out like the official coturn/coturn image
#   inclubit-local/redis:7                  + Debian's redis-server (stand-in for redis:7-bookworm)
# Use them with: docker compose -f compose.yaml -f infra/docker/compose.local-base.yaml up -d --build
# This machine's own extra CA certificates (/usr/local/share/ca-certificates, e.g. a TLS-inspecting proxy's) are
# trusted inside the stand-ins too, so that npm and apt inside `docker build` work wherever they work here.
# Idempotent: an image whose recipe (this script + infra/docker/local-base/) has not changed is kept.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log() { printf '[local-base] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker engine is not running (start dockerd)"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
extra_cas=/usr/local/share/ca-certificates
recipe=$(cat "${BASH_SOURCE[0]}" "$repo"/infra/docker/local-base/* $(find "$extra_cas" -name '*.crt' 2>/dev/null | sort) |
  sha256sum | cut -c1-12)

current() { # the image exists and was built from this recipe
  [[ $(docker image inspect -f '{{index .Config.Labels "inclubit.recipe"}}' "$1" 2>/dev/null) == "$recipe" ]]
}

started=$SECONDS
if current inclubit-local/debian:bookworm; then
  log "inclubit-local/debian:bookworm is current"
else
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  [[ $(id -u) -eq 0 ]] || die "debootstrap needs root"
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/inclubit-rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; die "debootstrap failed"; }
  rm -f "$rootfs.log"
  if compgen -G "$extra_cas/*.crt" >/dev/null; then
    cp "$extra_cas"/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
    log "trusting this machine's extra CAs: $(cd "$extra_cas" && echo *.crt)"
  fi
  # Like Debian's official image: no package caches, apt sources in the deb822 format.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --change "LABEL inclubit.recipe=$recipe" \
    --change 'CMD ["bash"]' - inclubit-local/debian:bookworm >/dev/null
  log "imported inclubit-local/debian:bookworm in $((SECONDS - started)) s"
fi

build() { # name dockerfile [context]
  local name=$1 file=$2 context=${3:-$repo/infra/docker/local-base}
  if current "$name"; then
    log "$name is current"
    return
  fi
  local t=$SECONDS
  local out
  out=$(docker build -q --label "inclubit.recipe=$recipe" -t "$name" -f "$file" "$context" 2>&1) ||
    { printf '%s\n' "$out" >&2; die "building $name failed"; }
  log "built $name in $((SECONDS - t)) s"
}

# node: this machine's Node.js, so the stand-in matches what the tests run on.
if ! current inclubit-local/node:20-bookworm-slim; then
  ctx=$(mktemp -d "${TMPDIR:-/tmp}/inclubit-node.XXXXXX")
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(npm root -g)/npm
  [[ $(node -p 'process.versions.node.split(".")[0]') == 20 ]] || die "node 20 is needed for the node:20 stand-in"
  cp "$node_bin" "$ctx/node"
  cp -r "$npm_dir" "$ctx/npm"
  cp "$repo/infra/docker/local-base/node.Dockerfile" "$ctx/"
  build inclubit-local/node:20-bookworm-slim "$ctx/node.Dockerfile" "$ctx"
  rm -rf "$ctx"
else
  log "inclubit-local/node:20-bookworm-slim is current"
fi
build inclubit-local/caddy:2 "$repo/infra/docker/local-base/caddy.Dockerfile"
build inclubit-local/coturn:4.6 "$repo/infra/docker/local-base/coturn.Dockerfile"
build inclubit-local/redis:7 "$repo/infra/docker/local-base/redis.Dockerfile"
log "done in $((SECONDS - started)) s"
