// The machine's addresses on the local network: what classroom mode (`--lan`) serves on and announces.
// A LAN address is a non-internal IPv4 address of a real interface: container bridges and veth ends (Docker,
// libvirt, podman) are not where headsets are. IPv6 is left out on purpose: a headset types or scans an
// IPv4 address, and link-local IPv6 needs a zone the browser cannot carry in a URL.
import os from 'node:os';

export type Interfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

/** Interfaces that are bridges to containers or VMs on this machine, not the network headsets use. */
const virtual = /^(docker|br-|veth|virbr|vnet|podman|cni|flannel|lxc|lxd)/;

export function lanAddresses(interfaces: Interfaces = os.networkInterfaces()): string[] {
  const found: string[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    if (virtual.test(name)) continue;
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      if (info.address.startsWith('169.254.')) continue; // link-local: no DHCP answered
      found.push(info.address);
    }
  }
  return [...new Set(found)];
}

/** Every address of this machine (any interface, loopback included): what the service may be reached at. */
export function ownAddresses(interfaces: Interfaces = os.networkInterfaces()): Set<string> {
  const all = new Set<string>();
  for (const infos of Object.values(interfaces))
    for (const info of infos ?? []) all.add(info.address.toLowerCase());
  return all;
}
