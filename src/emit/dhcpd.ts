// dhcp/dhcpd.conf: the fleet's DHCP service as a complete ISC dhcpd configuration.
import { readFileSync } from 'node:fs';
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { bootScriptUrl, DHCP_DIR } from './boot-layout.ts';
import { dhcpSubnets, hostReservations } from './dhcp-model.ts';
import { dhcpdAddress, dhcpdAddresses, dhcpdComment, dhcpdMac, dhcpdName, dhcpdNumber, dhcpdString } from './dhcpd/quote.ts';
import { patchHostPieces, Pieces, sameNames, type HostPieces } from './pieces.ts';
import { compileTemplate, registerEscaper } from './templates.ts';
import { packageFile } from '../package-root.ts';

export const DHCPD_PATH = `${DHCP_DIR}/dhcpd.conf`;

registerEscaper('dhcpdString', (value) => dhcpdString(String(value)));
registerEscaper('dhcpdName', (value) => dhcpdName(String(value)));
registerEscaper('dhcpdAddress', (value) => dhcpdAddress(String(value)));
registerEscaper('dhcpdAddresses', (value) => dhcpdAddresses(value as string[]));
registerEscaper('dhcpdMac', (value) => dhcpdMac(String(value)));
registerEscaper('dhcpdNumber', (value) => dhcpdNumber(value as number));
registerEscaper('dhcpdComment', (value) => dhcpdComment(String(value)));

interface DhcpdContext {
  header: string;
  fleet: string;
  tftp: string;
  bootScript: string;
  bios: string;
  uefi: string;
  arm64: string;
  subnets: Array<{
    name: string;
    description: string | null;
    address: string;
    netmask: string;
    broadcast: string;
    gateway: string | null;
    dns: string[];
    domain: string;
    leaseSeconds: number;
    pool: { start: string; end: string } | null;
  }>;
}

interface ReservationsContext {
  reservations: Array<{ name: string; mac: string; address: string | null; hostName: string }>;
}

/** The file is the shared part (settings, subnets) followed by the host reservations. */
const renderShared = compileTemplate<DhcpdContext>('dhcpd.conf', readFileSync(packageFile('templates/dhcpd.conf.hbs'), 'utf8'));
const renderReservations = compileTemplate<ReservationsContext>('dhcpd-hosts', readFileSync(packageFile('templates/dhcpd-hosts.hbs'), 'utf8'));

export const emitDhcpd: Emitter = (fleet) => {
  const shared = renderSharedPart(fleet);
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const partKey = `\0${networks.join('\0')}`;
  // Reservations are global in dhcpd: a fixed-address applies in the subnet it lies in. They are
  // listed subnet by subnet, host by host; the template renders each one on its own, so a host's
  // reservations on a network are rendered once and kept (hostReservationsText).
  const all: string[] = [];
  for (const network of networks) for (const host of fleet.hosts) all.push(hostReservationsText(host, network));
  const artifact: Artifact = {
    path: DHCPD_PATH,
    kind: 'dhcp',
    contents: shared + all.join(''),
    // A host's part: the configuration as if it were the fleet's only host (shared settings + its reservations).
    fragmentBase: shared,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, hostReservationsText(host, networks, partKey)])),
  };
  return [artifact];
};

/**
 * emitDhcpd after only some hosts changed (fleetc watch): the file is the shared part, then for each
 * network each host's reservations there; those pieces are kept with the artifact, and a rebuild
 * replaces the changed hosts' pieces. The same artifact when nothing in it changed.
 */
emitDhcpd.patch = (previous, fleet, _context, changed) => {
  const old = previous[0];
  if (previous.length !== 1 || !old?.fragments) return undefined;
  const shared = renderSharedPart(fleet);
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const kept = dhcpdPieces.get(old) ?? piecesOf(old, fleet, shared, networks);
  if (kept) dhcpdPieces.set(old, kept);
  if (!kept || kept.shared !== shared || kept.networks.join('\0') !== networks.join('\0') || !sameNames(kept.hosts, fleet.hosts)) return undefined;
  const partKey = `\0${networks.join('\0')}`;
  const replaceHost = (host: Host, index: number, replace: Map<number, string>) => {
    networks.forEach((network, n) => replace.set(1 + n * fleet.hosts.length + index, hostReservationsText(host, network)));
    return true;
  };
  return patchHostPieces(old, kept, fleet, changed, replaceHost, (host) => hostReservationsText(host, networks, partKey), dhcpdPieces);
};

/** The pieces: the shared part, then network by network each host's reservations. */
interface DhcpdPieces extends HostPieces {
  shared: string;
  networks: string[];
}

const dhcpdPieces = new WeakMap<Artifact, DhcpdPieces>();

/** The pieces of a dhcpd.conf emitted in full; undefined when they do not make its text (then it is emitted again). */
function piecesOf(artifact: Artifact, fleet: Fleet, shared: string, networks: string[]): DhcpdPieces | undefined {
  const list = [shared];
  for (const network of networks) for (const host of fleet.hosts) list.push(hostReservationsText(host, network));
  const pieces = Pieces.of(list);
  if (pieces.text !== artifact.contents) return undefined;
  return { shared, networks, hosts: fleet.hosts, index: new Map(fleet.hosts.map((h, i) => [h.name, i])), pieces };
}

/**
 * Rendered reservations by host, and network (or list of networks: the host's part): a Host is
 * never changed, and an unchanged host keeps its object between rebuilds.
 */
const renderedReservations = new WeakMap<Host, Map<string, string>>();

function hostReservationsText(host: Host, networks: string | readonly string[], partKey?: string): string {
  let byKey = renderedReservations.get(host);
  if (!byKey) renderedReservations.set(host, (byKey = new Map()));
  const key = typeof networks === 'string' ? networks : partKey!;
  let text = byKey.get(key);
  if (text === undefined) {
    if (typeof networks !== 'string') text = networks.map((network) => hostReservationsText(host, network)).join('');
    else {
      const reservations = hostReservations(host, networks);
      text = reservations.length === 0 ? '' : renderReservations({ reservations: reservations.map((r) => ({ name: r.name, mac: r.mac, address: r.address ?? null, hostName: r.hostName })) });
    }
    byKey.set(key, text);
  }
  return text;
}

function renderSharedPart(fleet: Fleet): string {
  const subnets = dhcpSubnets(fleet, []);
  return renderShared({
    header: GENERATED_HEADER,
    fleet: fleet.name,
    tftp: fleet.boot.tftp,
    bootScript: bootScriptUrl(fleet),
    ...fleet.boot.ipxe,
    subnets: subnets.map((subnet) => ({
      name: subnet.network.name,
      description: subnet.network.description ?? null,
      address: subnet.address,
      netmask: subnet.network.netmask,
      broadcast: subnet.network.broadcast,
      gateway: subnet.network.gateway ?? null,
      dns: subnet.network.dns,
      domain: fleet.domain,
      leaseSeconds: subnet.leaseSeconds,
      pool: subnet.pool ?? null,
    })),
  });
}
