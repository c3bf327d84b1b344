# Stand-in for redis:7-bookworm: Debian's redis-server 7.0 and redis-cli on the PATH, runs as redis.
FROM inclubit-local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*
USER redis
CMD ["redis-server"]
