#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs. Idempotent: packages already present are skipped.
# Usage: install-system-deps.sh [build|test|all]
#   build — what the offline mediasoup worker build needs (see build-mediasoup-worker.sh)
#   test  — build + the real servers and browser the tests drive (chromium, coturn, caddy, ffmpeg), and the
#           Docker engine, Compose v1 and debootstrap for the deployment test (see start-docker.sh)
set -euo pipefail

want=${1:-build}
build_pkgs=(build-essential pkg-config ninja-build python3 libssl-dev libuv1-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev nlohmann-json3-dev catch2 patchelf dpkg-dev)
test_pkgs=(chromium chromium-driver coturn caddy ffmpeg iproute2 procps docker.io docker-compose debootstrap)

pkgs=("${build_pkgs[@]}")
[[ $want == test || $want == all ]] && pkgs+=("${test_pkgs[@]}")

log() { printf '[system-deps] %s\n' "$*"; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# meson >= 1.1 is needed by the mediasoup worker; bookworm ships 1.0.1, bookworm-backports 1.7.
meson_ok() { command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1; }

# libsrtp is rebuilt from Debian's source package (on OpenSSL): apt needs a deb-src entry for bookworm.
src_ok() { apt-get source --print-uris libsrtp2 >/dev/null 2>&1; }

if [[ ${#missing[@]} -eq 0 ]] && meson_ok && src_ok; then
  log "all packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "missing Debian packages: ${missing[*]} $(meson_ok || echo 'meson>=1.1 (bookworm-backports)') $(src_ok || echo 'deb-src for bookworm')"
  log "install them as root: sudo bash $0 $want"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! meson_ok && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  log "adding the bookworm-backports suite (for meson >= 1.1)"
  cat >/etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if ! src_ok; then
  log "adding a deb-src entry for bookworm (libsrtp's source package)"
  cat >/etc/apt/sources.list.d/bookworm-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
log "apt-get update"
apt-get update -qq
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! meson_ok; then
  log "installing meson from bookworm-backports"
  apt-get install -y -qq --no-install-recommends -t bookworm-backports meson >/dev/null
fi
log "done"
