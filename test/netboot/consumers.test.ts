// The example fleet's committed network boot output, checked by its real consumers: dhcpd -t,
// kea-dhcp4 -t (in a namespace that has the boot server interface the fleet names), and Nix for the
// PXE server module and the netboot images. Also: the manifest tags each host's DHCP and iPXE
// artifacts, so a change to boot settings alone shows up as a network-only change.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { compileFromDisk } from '../../src/compile/index.ts';
import { bootInterface } from '../../src/emit/boot-layout.ts';
import { KEA_CLASSES } from '../../src/emit/kea.ts';
import type { Manifest } from '../../src/emit/manifest.ts';
import { compareWithDisk } from '../../src/write/index.ts';
import { EXAMPLE_GENERATED, EXAMPLE_NIX, REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';
import { buildFleet, EXAMPLE_FLEET } from './support/build.ts';
import { Lab } from './support/lab.ts';

const GENERATED = EXAMPLE_GENERATED;

function run(command: string, args: string[], env: Record<string, string> = process.env as Record<string, string>): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env }) };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the example fleet network boot output', () => {
  test('generated/ is what fleetc build writes for fleet/', async () => {
    const result = await compileFromDisk({ fleetDir: EXAMPLE_FLEET, outDir: GENERATED, nixDir: EXAMPLE_NIX });
    assert.ok(result.artifacts);
    const changes = await compareWithDisk(GENERATED, result.artifacts);
    assert.deepEqual(changes, [], 'run npx fleetc build and commit generated/');
  });

  test('dhcpd -t accepts generated/dhcp/dhcpd.conf', (t) => {
    if (!requireTools(t, 'dhcpd')) return;
    const result = run('dhcpd', ['-t', '-4', '-cf', `${GENERATED}/dhcp/dhcpd.conf`]);
    assert.equal(result.status, 0, result.output);
  });

  test('kea-dhcp4 -t accepts generated/dhcp/kea-dhcp4.json on a machine that has the interfaces it names', (t) => {
    if (!requireTools(t, 'kea-dhcp4', 'ip')) return;
    const text = readFileSync(`${GENERATED}/dhcp/kea-dhcp4.json`, 'utf8');
    const config = JSON.parse(text) as { Dhcp4: { 'interfaces-config': { interfaces: string[] } } };
    const [iface] = config.Dhcp4['interfaces-config'].interfaces;
    assert.equal(iface, 'eno1');
    const lab = Lab.create({ bridge: iface!, serverCidr: '10.20.0.2/24' }, tempDir(t));
    t.after(() => lab.close());
    const result = run('ip', ['netns', 'exec', lab.server, 'kea-dhcp4', '-t', `${GENERATED}/dhcp/kea-dhcp4.json`]);
    assert.equal(result.status, 0, result.output);
    // …and, as CONSUMERS.md warns, the check really depends on the interface existing.
    const elsewhere = run('ip', ['netns', 'exec', lab.client, 'kea-dhcp4', '-t', `${GENERATED}/dhcp/kea-dhcp4.json`]);
    assert.notEqual(elsewhere.status, 0);
    assert.match(elsewhere.output, /interface 'eno1' doesn't exist/);
  });

  test('every boot NIC has its iPXE script, and every script belongs to a boot NIC', async () => {
    const result = await compileFromDisk({ fleetDir: EXAMPLE_FLEET, outDir: GENERATED, nixDir: EXAMPLE_NIX });
    const macs = result.fleet!.hosts.map((h) => `${bootInterface(h).mac}.ipxe`).sort();
    assert.deepEqual(readdirSync(`${GENERATED}/ipxe/hosts`).sort(), macs);
    for (const file of macs) assert.match(file, /^([0-9a-f]{2}:){5}[0-9a-f]{2}\.ipxe$/);
  });

  test('Nix parses the PXE server module and the netboot image, as build writes them into generated/fleetc/', (t) => {
    if (!requireTools(t, 'nix-instantiate')) return;
    for (const file of ['modules/pxe-server.nix', 'images/netboot.nix', 'images/netboot-ipxe.nix']) {
      const result = run('nix-instantiate', ['--parse', `${GENERATED}/fleetc/${file}`], NIX_ENV);
      assert.equal(result.status, 0, `${file}: ${result.output}`);
      assert.equal(readFileSync(`${GENERATED}/fleetc/${file}`, 'utf8'), readFileSync(`${REPO_ROOT}nix/${file}`, 'utf8'), `generated/fleetc/${file} is fleetc's own`);
    }
  });

  test('what the PXE server module reads from generated/netboot is there, as Nix reads it, and agrees with the DHCP configuration', (t) => {
    if (!requireTools(t, 'nix-instantiate')) return;
    const module = readFileSync(`${REPO_ROOT}nix/modules/pxe-server.nix`, 'utf8');
    for (const file of ['netboot/boot-server.json', 'netboot/installer.json']) assert.ok(module.includes(`lib.importJSON (cfg.generated + "/${file}")`), `the module reads ${file}`);
    // lib.importJSON is builtins.fromJSON of builtins.readFile (nixpkgs lib/trivial.nix).
    const read = (file: string) => {
      const result = run('nix-instantiate', ['--eval', '--strict', '--json', '--expr', `builtins.fromJSON (builtins.readFile ${GENERATED}/${file})`], NIX_ENV);
      assert.equal(result.status, 0, result.output);
      return JSON.parse(result.output) as Record<string, any>;
    };
    const server = read('netboot/boot-server.json');
    assert.deepEqual(server.http, { url: 'http://10.20.0.2:8080/boot', scheme: 'http', port: 8080, path: '/boot' });
    assert.deepEqual(server.dhcp, { interfaces: ['eno1'] });
    // The TFTP names the server serves are the boot files the DHCP servers hand out.
    const kea = JSON.parse(readFileSync(`${GENERATED}/dhcp/kea-dhcp4.json`, 'utf8')) as { Dhcp4: { 'client-classes': Array<{ name: string; 'boot-file-name': string }>; 'interfaces-config': { interfaces: string[] } } };
    const bootFile = (name: string) => kea.Dhcp4['client-classes'].find((c) => c.name === name)!['boot-file-name'];
    assert.deepEqual([server.ipxe.bios.file, server.ipxe.uefi.file, server.ipxe.arm64.file], [bootFile(KEA_CLASSES.bios), bootFile(KEA_CLASSES.uefiX64), bootFile(KEA_CLASSES.uefiArm64)]);
    assert.equal(bootFile(KEA_CLASSES.ipxe), `${server.http.url}/boot.ipxe`);
    assert.deepEqual(server.dhcp.interfaces, kea.Dhcp4['interfaces-config'].interfaces);
    const dhcpd = readFileSync(`${GENERATED}/dhcp/dhcpd.conf`, 'utf8');
    for (const kind of ['bios', 'uefi', 'arm64']) assert.ok(dhcpd.includes(`filename "${server.ipxe[kind].file}";`), `dhcpd hands out ${server.ipxe[kind].file}`);
    // The example fleet has BIOS, x86_64 UEFI and aarch64 UEFI hosts, and its installers its keys.
    assert.deepEqual([server.ipxe.bios.needed, server.ipxe.uefi.needed, server.ipxe.arm64.needed], [true, true, true]);
    const keys = (parse(readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8')) as { ssh: { authorizedKeys: string[] } }).ssh.authorizedKeys;
    assert.deepEqual(read('netboot/installer.json'), { authorizedKeys: keys, ssh: { ports: [22], users: ['root'] } });
  });

  test('the manifest records each host\'s DHCP and iPXE artifacts by kind', () => {
    const manifest = JSON.parse(readFileSync(`${GENERATED}/manifest.json`, 'utf8')) as Manifest;
    for (const [name, host] of Object.entries(manifest.hosts)) {
      const kinds = Object.fromEntries(Object.entries(host.artifacts).filter(([, e]) => e.kind === 'dhcp' || e.kind === 'ipxe').map(([path, e]) => [path.replace(/[0-9a-f:]{17}/, '<mac>'), e.kind]));
      assert.deepEqual(kinds, {
        [`dhcp/dhcpd.conf#${name}`]: 'dhcp',
        [`dhcp/kea-dhcp4.json#${name}`]: 'dhcp',
        [`ipxe/boot.ipxe#${name}`]: 'ipxe',
        'ipxe/hosts/<mac>.ipxe': 'ipxe',
      }, name);
      assert.ok(!Object.keys(host.nix).some((path) => path.startsWith('images/') || path === 'modules/pxe-server.nix'), `${name} does not depend on the boot server's Nix files`);
    }
  });

  test('a change of boot settings alone changes only dhcp and ipxe artifacts: a network-only change', async (t) => {
    const before = await buildFleet(tempDir(t));
    const fleetYaml = readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8');
    const after = await buildFleet(tempDir(t), { 'fleet.yaml': fleetYaml.replace('http: http://10.20.0.2:8080/boot', 'http: http://10.20.0.3:8080/pxe').replace('pool: { start: 10.20.0.200, end: 10.20.0.250 }', 'pool: { start: 10.20.0.200, end: 10.20.0.240 }\n      leaseSeconds: 600') });
    const read = (out: string) => JSON.parse(readFileSync(`${out}/manifest.json`, 'utf8')) as Manifest;
    const [a, b] = [read(before.out), read(after.out)];
    for (const host of Object.keys(a.hosts)) {
      const changed = Object.keys(b.hosts[host]!.artifacts).filter((path) => a.hosts[host]!.artifacts[path]?.sha256 !== b.hosts[host]!.artifacts[path]!.sha256);
      assert.ok(changed.length > 0, host);
      for (const path of changed) assert.ok(['dhcp', 'ipxe'].includes(b.hosts[host]!.artifacts[path]!.kind), `${host}: ${path} changed`);
    }
  });
});
