#!/bin/sh
# Starts coturn for compose.yaml, with TURNS on the certificate Caddy obtains for $DOMAIN.
# Caddy keeps its keys readable by root only, so this script (root) copies the certificate into a directory
# of turnserver's own user, starts turnserver (which drops to nobody), and watches for renewals: a renewed
# certificate is copied again and SIGUSR2 makes coturn reload it without dropping allocations. Until Caddy has
# a certificate, coturn runs without TLS and is restarted once one appears.
set -eu
: "${DOMAIN:?set DOMAIN in .env}" "${PUBLIC_IP:?set PUBLIC_IP in .env}" "${TURN_SECRET:?set TURN_SECRET in .env}"
# Relays leave from the server's own address: the SFU on this host answers from the address it was sent to,
# so relaying from another local address (coturn's default) would see every answer as from a stranger.
# Behind 1:1 NAT (cloud VMs) PUBLIC_IP is not on any interface: PRIVATE_IP is, and coturn maps one to the other.
relay_ip=${PRIVATE_IP:-$PUBLIC_IP}
external_ip=$PUBLIC_IP${PRIVATE_IP:+/$PRIVATE_IP}
certs=/tmp/coturn-certs
mkdir -p "$certs" && chown nobody:nogroup "$certs" && chmod 700 "$certs"

find_cert() { # Caddy's layout: certificates/<issuer>/<name>/<name>.crt
  for crt in /caddy-data/caddy/certificates/*/"$DOMAIN"/"$DOMAIN".crt; do
    [ -f "$crt" ] && [ -f "${crt%.crt}.key" ] && { echo "$crt"; return 0; }
  done
  return 1
}
copy_cert() {
  cp "$1" "$certs/cert.pem" && cp "${1%.crt}.key" "$certs/key.pem"
  chown nobody:nogroup "$certs/cert.pem" "$certs/key.pem" && chmod 600 "$certs/key.pem"
}
stamp() { [ -n "$1" ] && stat -c %Y "$1" || echo none; }

pid=
start() {
  tls=
  if crt=$(find_cert); then copy_cert "$crt"; tls="--cert=$certs/cert.pem --pkey=$certs/key.pem"; fi
  [ -n "$tls" ] || echo "start.sh: no certificate for $DOMAIN from Caddy yet; TURNS (TLS) is off until there is one" >&2
  # shellcheck disable=SC2086 # $tls is two words or none
  turnserver -c /etc/coturn/turnserver.conf --proc-user=nobody --proc-group=nogroup \
    --listening-port="${TURN_UDP_PORT:-3478}" --tls-listening-port="${TURN_TLS_PORT:-5349}" \
    --realm="$DOMAIN" --relay-ip="$relay_ip" --external-ip="$external_ip" --allowed-peer-ip="$PUBLIC_IP" \
    --userdb="$certs/turndb" --static-auth-secret="$TURN_SECRET" $tls &
  pid=$!
  seen=$(stamp "${crt:-}")
}
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
# Caddy starts alongside: give it a moment to get the certificate before starting without TLS.
i=0
while ! find_cert >/dev/null && [ "$i" -lt "${CERT_WAIT_S:-30}" ]; do sleep 1; i=$((i + 1)); done
start
while kill -0 "$pid" 2>/dev/null; do
  sleep "${CERT_CHECK_S:-30}" &
  wait $! || true
  crt=$(find_cert) || crt=
  now=$(stamp "$crt")
  [ "$now" = "$seen" ] && continue
  if [ -n "$tls" ]; then
    echo "start.sh: certificate renewed; reloading" >&2
    copy_cert "$crt" && kill -USR2 "$pid" && seen=$now
  else
    echo "start.sh: certificate available; restarting with TURNS" >&2
    kill -TERM "$pid"; wait "$pid" || true
    start
  fi
done
wait "$pid"
