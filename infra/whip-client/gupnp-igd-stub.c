/*
 * Stand-in for libgupnp-igd-1.0.so.4, loaded only into Debian 12's `whip-client` (simple-whip-client).
 * That client links libsoup 2.4; Debian's libnice links gupnp-igd, whose gupnp 1.6 links libsoup 3, and libsoup
 * aborts a process that holds both ("libsoup2 symbols detected"). libnice uses gupnp-igd only to ask a home
 * router for UPnP port mappings, and treats a NULL from gupnp_simple_igd_thread_new() as "no UPnP"
 * (agent.c, priv_add_upnp_discovery), so these four symbols are all it needs. Nothing else changes.
 */
void *gupnp_simple_igd_thread_new(void) { return 0; }
unsigned long gupnp_simple_igd_get_type(void) { return 0; }
void gupnp_simple_igd_add_port(void) {}
void gupnp_simple_igd_remove_port_local(void) {}
