// Every generated host module of the example fleet, evaluated by nixpkgs' real lib.evalModules under the
// NixOS stand-in (test/nixos-standin), with what a real machine then does modelled from its source:
// which .link file udev applies (systemd.link(5): the first matching file in lexical order), which
// ports the firewall opens on which device, the platform units' capabilities, journald.conf.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Fleet, Host } from '../../src/model/fleet.ts';
import { EXAMPLE_FLEET } from '../helpers/paths.ts';
import { requireTools } from '../helpers/tools.ts';
import { compiledTree, hostExpr, type CompiledTree } from '../nixos-standin/hosts.ts';
import { evalJson, standinDir } from '../nixos-standin/standin.ts';

interface LinkFile {
  matchConfig: Record<string, string>;
  linkConfig: Record<string, string>;
}

interface Evaluated {
  links: Record<string, LinkFile>;
  interfaces: Record<string, { mtu: number | null }>;
  firewall: { allowedTCPPorts: number[]; allowedUDPPorts: number[]; interfaces: Record<string, { allowedTCPPorts: number[]; allowedUDPPorts: number[] }> };
  units: Record<string, { ambient: string[]; bounding: string[] }>;
  journald: string;
}

const READ = `{
  links = c.systemd.network.links;
  interfaces = builtins.mapAttrs (_: i: { inherit (i) mtu; }) c.networking.interfaces;
  firewall = { inherit (c.networking.firewall) allowedTCPPorts allowedUDPPorts; interfaces = c.networking.firewall.interfaces; };
  units = lib.genAttrs c.fleet.host.services (name: let sc = c.systemd.services.\${name}.serviceConfig; in { ambient = lib.toList (sc.AmbientCapabilities or [ ]); bounding = lib.toList (sc.CapabilityBoundingSet or [ ]); });
  journald = c.environment.etc."systemd/journald.conf".text;
}`;

async function evaluateAll(t: Parameters<typeof standinDir>[0], tree: CompiledTree): Promise<Map<string, Evaluated>> {
  const dir = standinDir(t);
  const results = await Promise.all(tree.fleet.hosts.map(async (h) => [h.name, await evalJson<Evaluated>(dir, hostExpr(tree, h.name, READ))] as const));
  return new Map(results);
}

/**
 * The .link file udev applies to a device: the first in lexical order whose [Match] matches
 * (systemd.link(5)). Besides fleetc's files, NixOS's scripted networking writes 40-<name>.link with
 * OriginalName=<name> and MTUBytes= for every networking.interfaces.<name>.mtu
 * (nixos/modules/tasks/network-interfaces-scripted.nix). A VLAN device has no permanent MAC address.
 */
function appliedLink(evaluated: Evaluated, device: { name: string; permanentMac?: string }): LinkFile | undefined {
  const files: Record<string, LinkFile> = { ...evaluated.links };
  for (const [name, iface] of Object.entries(evaluated.interfaces)) {
    files[`40-${name}`] ??= { matchConfig: { OriginalName: name }, linkConfig: iface.mtu === null ? {} : { MTUBytes: String(iface.mtu) } };
  }
  const matches = (m: Record<string, string>) =>
    Object.entries(m).every(([key, value]) => (key === 'PermanentMACAddress' ? value === device.permanentMac : key === 'OriginalName' ? value === device.name : false));
  const first = Object.keys(files).sort().find((name) => matches(files[name]!.matchConfig));
  return first === undefined ? undefined : files[first];
}

/** The MTU each device must run at: its network's (or the interface's own), a NIC its untagged network's or its largest VLAN's. */
function expectedMtus(host: Host): Map<string, { mtu: number; permanentMac?: string }> {
  const devices = new Map<string, { mtu: number; permanentMac?: string }>();
  for (const nic of host.interfaces) devices.set(nic.device, { mtu: nic.mtu ?? 1500, ...(nic.vlan === undefined ? { permanentMac: nic.mac } : {}) });
  for (const nic of host.interfaces) {
    if (nic.vlan === undefined || host.interfaces.some((other) => other.name === nic.name && other.vlan === undefined)) continue;
    const parent = devices.get(nic.name) ?? { mtu: 0, permanentMac: nic.mac };
    devices.set(nic.name, { mtu: Math.max(parent.mtu, nic.mtu ?? 1500), permanentMac: nic.mac });
  }
  return devices;
}

/** Per device and protocol, the ports fleet.yaml says a host's services listen on there. */
function expectedPorts(fleet: Fleet, host: Host): Map<string, { tcp: Set<number>; udp: Set<number> }> {
  const open = new Map<string, { tcp: Set<number>; udp: Set<number> }>();
  for (const nic of host.interfaces) open.set(nic.device, { tcp: new Set(), udp: new Set() });
  for (const name of host.services) {
    for (const spec of Object.values(fleet.services[name]!.ports)) {
      for (const nic of host.interfaces) {
        if (spec.networks && !spec.networks.includes(nic.network)) continue;
        for (const protocol of spec.protocols) open.get(nic.device)![protocol].add(spec.port);
      }
    }
  }
  return open;
}

interface SshEvaluated {
  enable: boolean;
  ports: number[];
  openTcp: number[];
  users: Record<string, { keys: string[]; isNormalUser: boolean; extraGroups: string[] }>;
  sudo: { users: string[]; commands: { command: string; options: string[] }[] }[];
  trusted: string[];
}

const READ_SSH = `{
  inherit (c.services.openssh) enable ports;
  openTcp = c.networking.firewall.allowedTCPPorts;
  users = builtins.mapAttrs (_: u: { keys = u.openssh.authorizedKeys.keys; inherit (u) isNormalUser extraGroups; }) c.users.users;
  sudo = map (r: { inherit (r) users commands; }) c.security.sudo.extraRules;
  trusted = c.nix.settings.trusted-users;
}`;

describe('generated host modules under nixpkgs’ evalModules', () => {
  test('the installed system lets apply in where the installer did: sshd on ssh.port, the keys for ssh.user, sudo for a user other than root', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const hostFile = 'hosts/wk-1.yaml';
    const original = readFileSync(path.join(EXAMPLE_FLEET, hostFile), 'utf8');
    const tree = await compiledTree(t, { [hostFile]: original.replace(/^ssh:\n/m, 'ssh:\n  port: 2222\n  user: deploy\n') });
    const dir = standinDir(t);
    const wk1 = tree.fleet.hosts.find((h) => h.name === 'wk-1')!;
    assert.deepEqual([wk1.ssh.port, wk1.ssh.user], [2222, 'deploy'], 'the overlay took');
    for (const host of tree.fleet.hosts) {
      const e = await evalJson<SshEvaluated>(dir, hostExpr(tree, host.name, READ_SSH));
      assert.equal(e.enable, true, `${host.name}: sshd runs`);
      assert.ok(e.ports.includes(host.ssh.port) && e.openTcp.includes(host.ssh.port), `${host.name}: sshd listens on ${host.ssh.port} and the firewall lets it through (${e.ports}; ${e.openTcp})`);
      assert.deepEqual(e.users[host.ssh.user]?.keys, host.authorizedKeys, `${host.name}: ${host.ssh.user} takes the fleet's keys`);
      if (host.ssh.user === 'root') {
        assert.deepEqual(e.sudo, [], `${host.name}: root needs no sudo rule`);
        continue;
      }
      assert.equal(e.users.root?.keys.length ?? 0, 0, `${host.name}: root takes no keys when apply logs in as ${host.ssh.user}`);
      assert.deepEqual([e.users[host.ssh.user]!.isNormalUser, e.users[host.ssh.user]!.extraGroups], [true, ['wheel']]);
      assert.deepEqual(e.sudo, [{ users: [host.ssh.user], commands: [{ command: 'ALL', options: ['NOPASSWD'] }] }], `${host.name}: sudo -n works for ${host.ssh.user}`);
      assert.ok(e.trusted.includes('root') && e.trusted.includes(host.ssh.user), `${host.name}: nix copy to ${host.ssh.user} is trusted, root still is (${e.trusted})`);
    }
  });

  test('every device runs at its MTU: fleetc’s own .link file, matched first, carries MTUBytes', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const evaluated = await evaluateAll(t, tree);
    let jumbo = 0;
    for (const host of tree.fleet.hosts) {
      for (const [device, want] of expectedMtus(host)) {
        const link = appliedLink(evaluated.get(host.name)!, { name: device, ...(want.permanentMac ? { permanentMac: want.permanentMac } : {}) });
        assert.equal(Number(link?.linkConfig.MTUBytes ?? 1500), want.mtu, `${host.name} ${device}: the first matching .link file sets MTUBytes=${link?.linkConfig.MTUBytes}`);
        if (want.mtu > 1500) jumbo++;
      }
    }
    assert.ok(jumbo >= 6, `the example runs jumbo frames on ${jumbo} devices`);
    // cp-1's second NIC carries only the storage VLAN: the NIC itself must be raised to 9000.
    assert.equal(evaluated.get('cp-1')!.links['10-eno2']!.linkConfig.MTUBytes, '9000');
  });

  test('ports open per device and protocol, only on their networks; UDP 53 for flashdns; Raft only on storage', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const evaluated = await evaluateAll(t, tree);
    for (const host of tree.fleet.hosts) {
      const firewall = evaluated.get(host.name)!.firewall;
      const servicePorts = new Set(host.services.flatMap((s) => Object.values(tree.fleet.services[s]!.ports).map((p) => p.port)));
      assert.deepEqual(firewall.allowedTCPPorts.filter((p) => servicePorts.has(p)), [], `${host.name}: no service port is open on every interface`);
      assert.deepEqual(firewall.allowedUDPPorts.filter((p) => servicePorts.has(p)), []);
      for (const [device, want] of expectedPorts(tree.fleet, host)) {
        const got = firewall.interfaces[device] ?? { allowedTCPPorts: [], allowedUDPPorts: [] };
        assert.deepEqual(got.allowedTCPPorts, [...want.tcp].sort((a, b) => a - b), `${host.name} ${device} TCP`);
        assert.deepEqual(got.allowedUDPPorts, [...want.udp].sort((a, b) => a - b), `${host.name} ${device} UDP`);
      }
    }
    const cp1 = evaluated.get('cp-1')!.firewall.interfaces;
    assert.ok(cp1.eno1!.allowedUDPPorts.includes(53) && cp1.eno1!.allowedTCPPorts.includes(53), 'DNS over UDP and TCP on the provisioning network');
    assert.ok(!cp1.eno1!.allowedTCPPorts.includes(2380) && cp1['eno2.30']!.allowedTCPPorts.includes(2380), 'chainfire raft only on storage');
  });

  test('a unit gets CAP_NET_BIND_SERVICE exactly when one of its ports is below 1024', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const evaluated = await evaluateAll(t, tree);
    for (const host of tree.fleet.hosts) {
      for (const [name, unit] of Object.entries(evaluated.get(host.name)!.units)) {
        const privileged = Object.values(tree.fleet.services[name]!.ports).some((p) => p.port < 1024);
        assert.deepEqual(unit.ambient, privileged ? ['CAP_NET_BIND_SERVICE'] : [], `${host.name} ${name} AmbientCapabilities`);
        assert.deepEqual(unit.bounding, privileged ? ['CAP_NET_BIND_SERVICE'] : [''], `${host.name} ${name} CapabilityBoundingSet`);
      }
    }
    assert.ok(tree.fleet.hosts.some((h) => h.services.includes('flashdns')));
  });

  test('journald.conf says Storage= once, from services.journald.storage', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const evaluated = await evaluateAll(t, tree);
    for (const [name, e] of evaluated) {
      const lines = e.journald.split('\n').filter((l) => l.startsWith('Storage='));
      assert.deepEqual(lines, ['Storage=persistent'], `${name}: ${JSON.stringify(e.journald)}`);
    }
  });
});
