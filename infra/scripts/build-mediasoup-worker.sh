#!/usr/bin/env bash
# Builds the mediasoup C++ worker offline, from the npm package's own sources, against Debian 12's libraries.
#
# Why: `npm install mediasoup` downloads a prebuilt worker from GitHub, else builds with meson wraps that
# download every C/C++ dependency. Where only the npm registry and Debian's packages are reachable, both fail.
# mediasoup 3.12.16 is the newest release whose wraps ask for exactly what bookworm ships, so each wrap is
# replaced by a tiny meson.build that forwards to the system library (see ../shared notes, and docs in README).
#
# libsrtp: Debian's libsrtp2 is built on NSS, which costs ~1.4× the CPU per viewer of libsrtp on OpenSSL
# (README "Performance"). So libsrtp 2.5.0 is rebuilt from Debian's own source package with OpenSSL and
# shipped next to the worker (lib/libsrtp2.so.1), which finds it through its RUNPATH ($ORIGIN/lib). The
# worker still builds against Debian's headers (the same version), and LD_LIBRARY_PATH can point it back at
# Debian's library (the benchmark's "bare mediasoup" does).
#
# Output: the binary and its lib/ in a cache keyed by mediasoup version + this script's build recipe (the
# shims live here), and a copy at node_modules/mediasoup/worker/out/Release/ (mediasoup's default path) when
# that package is installed. The last line printed is `MEDIASOUP_WORKER_BIN=<path>`.
#
# Options (environment):
#   MEDIASOUP_VERSION   version to build (default: the exact pin in sfu/package.json)
#   WORKER_CACHE_DIR    where finished builds live (default: <repo>/.cache/mediasoup-worker)
#   WORKER_BUILD_JOBS   ninja -j (default: number of cores; -j4 on 2 cores was slower when measured)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log() { printf '[mediasoup-worker] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

version=${MEDIASOUP_VERSION:-$(node -p "require('$repo/sfu/package.json').dependencies.mediasoup")}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "mediasoup must be pinned to an exact version, got '$version'"
cache_root=${WORKER_CACHE_DIR:-$repo/.cache/mediasoup-worker}
# The key covers the shims and build flags (between the markers below), not comments elsewhere in this file.
key="$version-$(sed -n '/^# >>> build recipe/,/^# <<< build recipe/p' "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)"
cached_bin="$cache_root/$key/mediasoup-worker"
cached_srtp="$cache_root/$key/lib/libsrtp2.so.1"
default_bin="$repo/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
# Says that the worker at mediasoup's default path is one of ours (and which build), not a downloaded one.
default_marker="$(dirname "$default_bin")/.inclubit-build"

installed_version() { node -p "require('$repo/node_modules/mediasoup/package.json').version" 2>/dev/null || true; }

# Puts the cached binary where mediasoup looks by default, so nothing else needs MEDIASOUP_WORKER_BIN.
install_default() {
  if [[ -d $repo/node_modules/mediasoup && $(installed_version) == "$version" ]]; then
    mkdir -p "$(dirname "$default_bin")/lib"
    cp -f "$cached_bin" "$default_bin"
    cp -f "$cached_srtp" "$(dirname "$default_bin")/lib/"
    echo "$key" >"$default_marker"
    log "installed at $default_bin"
  fi
}

if [[ ${1:-} != --force ]]; then
  if [[ -x $cached_bin && -f $cached_srtp ]]; then
    log "reusing build $key"
    install_default
    echo "MEDIASOUP_WORKER_BIN=$cached_bin"
    exit 0
  fi
  if [[ -x $default_bin && ! -f $default_marker && $(installed_version) == "$version" ]]; then
    log "mediasoup's own worker is present (normal online install); nothing to build"
    echo "MEDIASOUP_WORKER_BIN=$default_bin"
    exit 0
  fi
fi

# --- preflight: the Debian packages the build needs, installed when missing (root or passwordless sudo) ------
# install-system-deps.sh names each missing package and why, or says the one command to run without root.
bash "$repo/infra/scripts/install-system-deps.sh" build || die "the build needs the Debian packages above"
# What the packages provide, checked once more: a half-finished install fails here with a name, not later.
missing=()
for tool in c++ pkg-config ninja python3 patchelf dpkg-source meson; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if command -v pkg-config >/dev/null; then
  for pc in libssl libuv libsrtp2 usrsctp absl_flat_hash_map nlohmann_json catch2; do
    pkg-config --exists "$pc" || missing+=("$pc.pc")
  done
fi
[[ ${#missing[@]} -eq 0 ]] || die "still missing after installing: ${missing[*]}"

# --- sources: from the npm package itself --------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [[ -f $repo/node_modules/mediasoup/worker/meson.build && $(installed_version) == "$version" ]]; then
  log "sources: node_modules/mediasoup/worker"
  cp -r "$repo/node_modules/mediasoup/worker" "$work/worker"
else
  log "sources: npm pack mediasoup@$version"
  (cd "$work" && npm pack --silent "mediasoup@$version" >/dev/null && tar xzf "mediasoup-$version.tgz")
  mv "$work/package/worker" "$work/worker"
fi
sub="$work/worker/subprojects"

# >>> build recipe (hashed into the cache key)
# Each wrap's `directory =` names the folder meson would download into; an existing folder is used as is.
wrap_dir() { sed -n 's/^directory *= *//p' "$sub/$1.wrap"; }
shim() { # shim <wrap> <meson.build body> [meson_options.txt body]
  local dir="$sub/$(wrap_dir "$1")"
  mkdir -p "$dir"
  printf "project('%s-system', 'c', 'cpp')\n%s\n" "$1" "$2" >"$dir/meson.build"
  [[ -z ${3:-} ]] || printf '%s\n' "$3" >"$dir/meson_options.txt"
}

shim openssl "
libcrypto_dep = dependency('libcrypto', allow_fallback: false)
libssl_dep = dependency('libssl', allow_fallback: false)
openssl_dep = declare_dependency(dependencies: [libcrypto_dep, libssl_dep])
libcrypto_lib = []
libssl_lib = []"
shim libuv "
libuv_dep = dependency('libuv', version: '>= 1.44.2', allow_fallback: false)
libuv = []" "
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"
# Debian installs <srtp2/srtp.h>; mediasoup includes <srtp.h>.
shim libsrtp2 "
srtp = dependency('libsrtp2', allow_fallback: false)
libsrtp2_dep = declare_dependency(dependencies: srtp,
  compile_args: '-I' + srtp.get_variable(pkgconfig: 'includedir') / 'srtp2')
libsrtp2 = []" "
option('crypto-library', type: 'combo', choices: ['none', 'openssl', 'nss', 'mbedtls'], value: 'none')
option('crypto-library-kdf', type: 'feature', value: 'auto')
option('tests', type: 'feature', value: 'auto')"
shim usrsctp "
usrsctp_dep = dependency('usrsctp', allow_fallback: false)
usrsctp = []" "
option('sctp_build_programs', type: 'boolean', value: false)"
absl=""
for m in base btree flat_hash_map flat_hash_set hash inlined_vector memory optional raw_hash_set strings \
  synchronization time; do absl+="dependency('absl_$m', allow_fallback: false), "; done
shim abseil-cpp "
absl_all = [$absl]
absl_container_dep = declare_dependency(dependencies: absl_all)
absl_strings_dep = declare_dependency(dependencies: absl_all)
absl_types_dep = declare_dependency(dependencies: absl_all)
absl_container_lib = []"
shim nlohmann_json "nlohmann_json_dep = dependency('nlohmann_json', allow_fallback: false)"
shim catch2 "catch2_dep = dependency('catch2', allow_fallback: false)"

# --- build -----------------------------------------------------------------------------------------------------
jobs=${WORKER_BUILD_JOBS:-$(nproc)}
log "meson setup (mediasoup $version, meson $(meson --version))"
(cd "$work/worker" && meson setup --buildtype release -Db_ndebug=true -Db_pie=true -Db_staticpic=true \
  --wrap-mode=nodownload "$work/build" >"$work/meson.log" 2>&1) || { cat "$work/meson.log" >&2; die "meson setup failed"; }
log "compiling with ninja -j$jobs (about 5 minutes on 2 cores)"
start=$SECONDS
ninja -C "$work/build" -j"$jobs" mediasoup-worker 2>&1 | while IFS= read -r line; do
  # ninja prints "[n/total] ..." per step; show every 25th so progress is visible without flooding.
  if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] && (( BASH_REMATCH[1] % 25 == 0 || BASH_REMATCH[1] == BASH_REMATCH[2] )); then
    log "  ${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
  elif [[ $line == *error* || $line == FAILED* ]]; then
    printf '%s\n' "$line" >&2
  fi
done
[[ -x $work/build/mediasoup-worker ]] || die "ninja did not produce mediasoup-worker"

# libsrtp on OpenSSL, from the source package of the version Debian ships (its patches applied).
log "libsrtp: Debian's source package, rebuilt with OpenSSL"
mkdir -p "$work/srtp-src"
(cd "$work/srtp-src" && apt-get source -qq --download-only libsrtp2 >/dev/null 2>&1) || die "apt-get source libsrtp2 failed"
# apt checked the files against the signed archive index; the .dsc signer's key is not on this machine.
dpkg-source --no-check -x -q "$work"/srtp-src/libsrtp2_*.dsc "$work/srtp" >/dev/null || die "dpkg-source -x failed"
(cd "$work/srtp" && ./configure -q --enable-openssl --disable-debug CFLAGS='-O2 -D_REENTRANT' \
  >"$work/srtp.log" 2>&1 && make -j"$jobs" shared_library >>"$work/srtp.log" 2>&1) \
  || { cat "$work/srtp.log" >&2; die "libsrtp build failed"; }
objdump -p "$work/srtp/libsrtp2.so.1" | grep -q 'NEEDED.*libcrypto' || die "libsrtp did not link OpenSSL"
# The worker looks next to itself first ($ORIGIN/lib), then where the system keeps libraries.
patchelf --set-rpath '$ORIGIN/lib' "$work/build/mediasoup-worker"
# <<< build recipe
mkdir -p "$(dirname "$cached_srtp")"
cp "$work/srtp/libsrtp2.so.1" "$cached_srtp"
cp "$work/build/mediasoup-worker" "$cached_bin.tmp" && mv "$cached_bin.tmp" "$cached_bin"
log "built in $((SECONDS - start)) s: $cached_bin ($(du -h "$cached_bin" | cut -f1))"
install_default
echo "MEDIASOUP_WORKER_BIN=$cached_bin"
