#!/usr/bin/env bash
# Runs Debian 12's `whip-client` (package simple-whip-client), a WHIP client on GStreamer and libnice, with its
# arguments unchanged: e.g.  bash infra/scripts/whip-client.sh -u http://localhost:3000/whip/demo -t TOKEN -V ...
# Debian's build aborts at its first connection (libsoup 2 and 3 in one process, through libnice's UPnP
# support); a four-function stand-in for libgupnp-igd (infra/whip-client/gupnp-igd-stub.c) is built once into
# .cache and loaded in its place. See that file for why this is safe.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v whip-client >/dev/null || { echo "whip-client not found: apt-get install simple-whip-client" >&2; exit 127; }
src=$repo/infra/whip-client/gupnp-igd-stub.c
dir=$repo/.cache/whip-client
lib=$dir/libgupnp-igd-1.0.so.4
if [[ ! -f $lib || $src -nt $lib ]]; then
  mkdir -p "$dir"
  cc -shared -fPIC -O2 -Wl,-soname,libgupnp-igd-1.0.so.4 -o "$lib.tmp" "$src"
  mv "$lib.tmp" "$lib"
fi
export LD_LIBRARY_PATH=$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
exec whip-client "$@"
