# Stand-in for coturn/coturn:4.6: Debian's coturn at /usr/bin/turnserver, runs as nobody.
FROM inclubit-local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends coturn && rm -rf /var/lib/apt/lists/*
USER nobody:nogroup
ENTRYPOINT ["turnserver"]
