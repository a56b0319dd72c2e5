// dhcp/kea-dhcp4.json: the same DHCP service as dhcpd.conf, as a complete Kea DHCPv4 configuration.
// JSON is data, so the configuration is built as an object and serialised: nothing to escape by hand.
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { bootScriptUrl, DHCP_DIR } from './boot-layout.ts';
import { dhcpSubnets, hostReservations, IPXE_ENCAP_OPTION, IPXE_USER_CLASS, PXE_ARCH, type Reservation } from './dhcp-model.ts';
import { patchHostPieces, Pieces, sameNames, type HostPieces } from './pieces.ts';

export const KEA_PATH = `${DHCP_DIR}/kea-dhcp4.json`;

/** Client classes, evaluated in order; each later class excludes the earlier ones, so exactly one matches. */
export const KEA_CLASSES = { ipxe: 'ipxe', uefiX64: 'pxe-uefi-x64', uefiArm64: 'pxe-uefi-arm64', bios: 'pxe-bios' } as const;

export const emitKea: Emitter = (fleet) => {
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const fragmentKey = `\0${networks.join('\0')}`;
  const artifact: Artifact = {
    path: KEA_PATH,
    kind: 'dhcp',
    contents: renderKea(fleet, networks),
    // A host's part: the configuration without reservations, then the host's reservations as the
    // file holds them (the very lines a plan shows added, changed or removed).
    fragmentBase: `${JSON.stringify(keaConfig(fleet, []), null, 2)}\n`,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, hostFragment(host, networks, fragmentKey)])),
  };
  return [artifact];
};

/**
 * emitKea after only some hosts changed (fleetc watch): each subnet's reservations are the hosts'
 * items in order, kept as pieces with the artifact; a rebuild replaces the changed hosts' items.
 * Undefined (emitted in full) when a host's item appears or disappears, which moves the commas.
 */
emitKea.patch = (previous, fleet, _context, changed) => {
  const old = previous[0];
  if (previous.length !== 1 || !old?.fragments) return undefined;
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const skeleton = keaSkeleton(fleet);
  const kept = keaPieces.get(old) ?? keaPiecesOf(old, fleet, networks, skeleton);
  if (kept) keaPieces.set(old, kept);
  if (!kept || kept.skeleton !== skeleton || kept.networks.join('\0') !== networks.join('\0') || !sameNames(kept.hosts, fleet.hosts)) return undefined;
  const fragmentKey = `\0${networks.join('\0')}`;
  const replaceHost = (host: Host, index: number, replace: Map<number, string>) => {
    for (const { key, first } of kept.subnets) {
      const at = first + index;
      const before = kept.pieces.pieces[at]!;
      const item = hostItems(host, key);
      if ((item === '') !== (before === '')) return false;
      if (item !== '') replace.set(at, (before.startsWith(',') ? ',\n' : '\n') + item);
    }
    return true;
  };
  return patchHostPieces(old, kept, fleet, changed, replaceHost, (host) => hostFragment(host, networks, fragmentKey), keaPieces);
};

interface KeaPieces extends HostPieces {
  /** The configuration with a placeholder for each subnet's reservations. */
  skeleton: string;
  networks: string[];
  /** Per subnet: its items' key (hostItems) and the index of its first host's piece. */
  subnets: Array<{ key: string; first: number }>;
  /** Around and in each reservations list: the text before it, its opening, one piece per host ("" for none, else the separator and its item), its end. */
  pieces: Pieces;
}

const keaPieces = new WeakMap<Artifact, KeaPieces>();

function keaSkeleton(fleet: Fleet): string {
  const config = keaConfig(fleet, []) as { Dhcp4: { subnet4: Array<{ reservations: unknown }> } };
  config.Dhcp4.subnet4.forEach((subnet, i) => (subnet.reservations = `${PLACEHOLDER}${i}`));
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The pieces of a Kea configuration emitted in full (as renderKea writes it); undefined when they do not make its text, or a list is empty. */
function keaPiecesOf(artifact: Artifact, fleet: Fleet, networks: readonly string[], skeleton: string): KeaPieces | undefined {
  const list: string[] = [];
  const subnets: KeaPieces['subnets'] = [];
  const placeholder = /^( *)"reservations": "\\u0000reservations:(\d+)"/gm;
  let from = 0;
  for (let match = placeholder.exec(skeleton); match; match = placeholder.exec(skeleton)) {
    const [whole, indent, index] = match as unknown as [string, string, string];
    list.push(skeleton.slice(from, match.index), `${indent}"reservations": [`);
    const key = `${networks[Number(index)]!}\0${indent}  `;
    subnets.push({ key, first: list.length });
    let seen = false;
    for (const host of fleet.hosts) {
      const item = hostItems(host, key);
      list.push(item === '' ? '' : (seen ? ',\n' : '\n') + item);
      seen ||= item !== '';
    }
    if (!seen) return undefined;
    list.push(`\n${indent}]`);
    from = match.index + whole.length;
  }
  list.push(skeleton.slice(from));
  const pieces = Pieces.of(list);
  if (pieces.text !== artifact.contents) return undefined;
  return { skeleton, networks: [...networks], hosts: fleet.hosts, index: new Map(fleet.hosts.map((h, i) => [h.name, i])), subnets, pieces };
}

function keaReservation(r: Reservation): Record<string, string> {
  return { 'hw-address': r.mac, ...(r.address !== undefined ? { 'ip-address': r.address } : {}), hostname: r.hostName };
}

/** NUL cannot be in fleet data (load refuses it): a placeholder no value can spell. */
const PLACEHOLDER = '\u0000reservations:';

/**
 * JSON.stringify(keaConfig(fleet), null, 2), with each subnet's reservations spliced in from the
 * hosts' rendered reservations (kept per host: a rebuild renders only the hosts that changed).
 */
function renderKea(fleet: Fleet, networks: readonly string[]): string {
  const config = keaConfig(fleet, []) as { Dhcp4: { subnet4: Array<{ reservations: unknown }> } };
  config.Dhcp4.subnet4.forEach((subnet, i) => (subnet.reservations = `${PLACEHOLDER}${i}`));
  const text = `${JSON.stringify(config, null, 2)}\n`;
  return text.replace(/^( *)"reservations": "\\u0000reservations:(\d+)"/gm, (_, indent: string, index: string) => {
    const key = `${networks[Number(index)]!}\0${indent}  `;
    const items = fleet.hosts.map((host) => hostItems(host, key)).filter((item) => item !== '');
    return items.length === 0 ? `${indent}"reservations": []` : `${indent}"reservations": [\n${items.join(',\n')}\n${indent}]`;
  });
}

/**
 * A host's reservations on a network as array items at an indentation (',\n'-separated), by host
 * and "<network>\0<indent>"; and its part, by "\0" and the networks. A Host never changes.
 */
const renderedItems = new WeakMap<Host, Map<string, string>>();

function kept(host: Host, key: string, render: () => string): string {
  let byKey = renderedItems.get(host);
  if (!byKey) renderedItems.set(host, (byKey = new Map()));
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = render()));
  return text;
}

function hostItems(host: Host, key: string): string {
  return kept(host, key, () => {
    const [network, indent] = key.split('\0') as [string, string];
    return hostReservations(host, network).map((r) => indent + JSON.stringify(keaReservation(r), null, 2).replace(/\n/g, `\n${indent}`)).join(',\n');
  });
}

/** Where a subnet's reservations are in the file: Dhcp4 → subnet4 → a subnet → its reservations. */
const ITEM_INDENT = ' '.repeat(10);

function hostFragment(host: Host, networks: readonly string[], key: string): string {
  return kept(host, key, () => {
    const items = networks.map((network) => hostItems(host, `${network}\0${ITEM_INDENT}`)).filter((item) => item !== '');
    return items.length === 0 ? '' : `${items.join(',\n')}\n`;
  });
}

export function keaConfig(fleet: Fleet, hosts: readonly Host[] = fleet.hosts): Record<string, unknown> {
  const hex = (value: number) => `0x${value.toString(16).padStart(4, '0')}`;
  const notIpxe = `not member('${KEA_CLASSES.ipxe}')`;
  return {
    Dhcp4: {
      comment: `${GENERATED_HEADER} Kea DHCPv4 configuration of fleet ${fleet.name}; check with kea-dhcp4 -t.`,
      'interfaces-config': { interfaces: fleet.boot.interfaces },
      // Kea's default lease file (/var/lib/kea/kea-leases4.csv); the lease file cleanup runs hourly.
      'lease-database': { type: 'memfile', persist: true, 'lfc-interval': 3600 },
      authoritative: true,
      'next-server': fleet.boot.tftp,
      'client-classes': [
        {
          name: KEA_CLASSES.ipxe,
          test: `option[${IPXE_ENCAP_OPTION}].exists or option[77].hex == '${IPXE_USER_CLASS}'`,
          'boot-file-name': bootScriptUrl(fleet),
        },
        {
          name: KEA_CLASSES.uefiX64,
          test: `${notIpxe} and (${PXE_ARCH.uefiX64.map((arch) => `option[93].hex == ${hex(arch)}`).join(' or ')})`,
          'boot-file-name': fleet.boot.ipxe.uefi,
        },
        {
          name: KEA_CLASSES.uefiArm64,
          test: `${notIpxe} and option[93].hex == ${hex(PXE_ARCH.uefiArm64)}`,
          'boot-file-name': fleet.boot.ipxe.arm64,
        },
        {
          name: KEA_CLASSES.bios,
          test: `${notIpxe} and not member('${KEA_CLASSES.uefiX64}') and not member('${KEA_CLASSES.uefiArm64}')`,
          'boot-file-name': fleet.boot.ipxe.bios,
        },
      ],
      subnet4: dhcpSubnets(fleet, hosts).map((subnet) => ({
        id: subnet.id,
        subnet: subnet.network.cidr,
        comment: `network ${subnet.network.name}${subnet.network.description !== undefined ? `: ${subnet.network.description}` : ''}`,
        'valid-lifetime': subnet.leaseSeconds,
        pools: subnet.pool ? [{ pool: `${subnet.pool.start} - ${subnet.pool.end}` }] : [],
        'option-data': [
          ...(subnet.network.gateway !== undefined ? [{ name: 'routers', data: subnet.network.gateway }] : []),
          ...(subnet.network.dns.length > 0 ? [{ name: 'domain-name-servers', data: subnet.network.dns.join(', ') }] : []),
          { name: 'domain-name', data: fleet.domain },
        ],
        reservations: subnet.reservations.map(keaReservation),
      })),
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'INFO' }],
    },
  };
}
