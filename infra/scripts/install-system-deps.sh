#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs; `npm start` and `npm test` call it themselves.
# Idempotent: a machine that has everything goes straight on ("all packages present"), nothing is installed
# twice. Each package that is missing is named with why it is needed, one line each, before apt runs.
# Runs apt as root, or through passwordless sudo; otherwise it stops (exit 1) with the exact command to run.
# Usage: install-system-deps.sh [run|build|test|all]
#   run   — what the service runs besides itself: ffmpeg (the RTMP/SRT ingest bridge, the recorder), srt-tools
#           (SRT), mkvtoolnix (a recording's 360 metadata)
#   build — what the offline mediasoup worker build needs (see build-mediasoup-worker.sh)
#   test  — run + build + the real servers, clients and browser the tests drive (chromium, coturn, caddy, ffmpeg,
#           simple-whip-client, redis-server), and the Docker engine, Compose v1 and debootstrap for the deployment test
#           (see start-docker.sh)
set -euo pipefail

want=${1:-build}
[[ $want =~ ^(run|build|test|all)$ ]] || { echo "usage: $0 [run|build|test|all]" >&2; exit 2; }
script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

# package → why (printed when it is missing)
declare -A why=(
  [build-essential]='C++ compiler for the mediasoup worker (offline build)'
  [pkg-config]='finds the system libraries the worker links to'
  [ninja-build]='builds the worker (meson backend)'
  [python3]='runs meson'
  [libssl-dev]='OpenSSL headers: DTLS in the worker, and libsrtp rebuilt on OpenSSL'
  [libuv1-dev]='libuv headers: the worker event loop'
  [libsrtp2-dev]='libsrtp headers: SRTP in the worker'
  [libusrsctp-dev]='usrsctp headers: data channels in the worker'
  [libabsl-dev]='abseil headers: the worker containers'
  [nlohmann-json3-dev]='JSON headers: the worker channel'
  [catch2]='test framework the worker build declares'
  [patchelf]='points the worker at its own libsrtp (RUNPATH)'
  [dpkg-dev]="unpacks libsrtp's Debian source package"
  [chromium]='the real browser the end-to-end tests drive'
  [chromium-driver]="Chromium's headless support files"
  [coturn]='the real TURN server the relay tests use'
  [caddy]='the HTTPS proxy the deployment tests use'
  [ffmpeg]='bridges RTMP and SRT cameras into rooms; records them; makes the benchmark and test media'
  [mkvtoolnix]='mkvpropedit writes the 360 projection and stereo mode into recordings'
  [srt-tools]='srt-live-transmit: receives SRT cameras'
  [simple-whip-client]='a real WHIP client (GStreamer + libnice) that publishes to the service in the ingest tests'
  [gstreamer1.0-plugins-good]='VP8 and RTP payloaders for the WHIP client'
  [gstreamer1.0-plugins-ugly]='x264 (H264) for the WHIP client'
  [redis-server]='the real Redis the multi-node tests coordinate through'
  [iptables]='random packet loss between test hosts (this kernel has no netem)'
  [iproute2]='network namespaces and veth links for network tests'
  [procps]='process tools the tests use'
  [docker.io]='the Docker engine for the deployment test'
  [docker-compose]='Compose, which the deployment test drives'
  [debootstrap]='builds the base images locally (no registry)'
)
build_pkgs=(build-essential pkg-config ninja-build python3 libssl-dev libuv1-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev nlohmann-json3-dev catch2 patchelf dpkg-dev)
run_pkgs=(ffmpeg srt-tools mkvtoolnix)
test_pkgs=(chromium chromium-driver coturn caddy simple-whip-client gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly redis-server iptables iproute2 procps docker.io docker-compose debootstrap)

pkgs=("${run_pkgs[@]}")
[[ $want != run ]] && pkgs+=("${build_pkgs[@]}")
[[ $want == test || $want == all ]] && pkgs+=("${test_pkgs[@]}")

log() { printf '[system-deps] %s\n' "$*" >&2; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# meson >= 1.1 is needed by the mediasoup worker; bookworm ships 1.0.1, bookworm-backports 1.7.
meson_ok() { command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1; }

# libsrtp is rebuilt from Debian's source package (on OpenSSL): apt needs a deb-src entry for bookworm.
src_ok() { apt-get source --print-uris libsrtp2 >/dev/null 2>&1; }

need_meson=false
need_src=false
if [[ $want != run ]]; then
  meson_ok || need_meson=true
  src_ok || need_src=true
fi
if [[ ${#missing[@]} -eq 0 && $need_meson == false && $need_src == false ]]; then
  log "all packages present ($want)"
  exit 0
fi

for p in "${missing[@]}"; do log "missing $p — ${why[$p]:-needed}"; done
$need_meson && log 'missing meson >= 1.1 (bookworm-backports) — configures the worker build'
$need_src && log "missing a deb-src entry for bookworm — libsrtp's source package is rebuilt on OpenSSL"

# Root runs apt itself; otherwise passwordless sudo; otherwise the user is told the one command to run.
if [[ $(id -u) -eq 0 ]]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root() { sudo -n "$@"; }
  log "installing through sudo"
else
  log "installing needs root: run  sudo bash $script $want  and then this command again"
  exit 1
fi
write_root() { as_root tee "$1" >/dev/null; }

export DEBIAN_FRONTEND=noninteractive
if $need_meson && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  log "adding the bookworm-backports suite (for meson >= 1.1)"
  write_root /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if $need_src; then
  log "adding a deb-src entry for bookworm (libsrtp's source package)"
  write_root /etc/apt/sources.list.d/bookworm-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
log "apt-get update"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || { log "apt-get update failed"; exit 1; }
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { log "apt-get install failed: ${missing[*]}"; exit 1; }
fi
if $need_meson && ! meson_ok; then
  log "installing meson from bookworm-backports"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports meson >/dev/null \
    || { log "apt-get install meson failed"; exit 1; }
fi
log "done"
