// The boot server as a host of the fleet (boot.server): its generated module is fleetc's PXE server
// module fed by the output directory itself, its manifest entry holds the DHCP, iPXE and netboot
// files and the library's boot-server files, and a DHCP-only change updates it while the other hosts
// are network-only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Manifest } from '../../src/emit/manifest.ts';
import { compileFleet, makeFleet } from '../helpers/fleet.ts';
import { MINIMAL_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

const PXE_HOST = [
  'profile: base',
  'hardware:',
  '  disks: { main: { device: /dev/disk/by-id/nvme-pxe1, size: 100G } }',
  '  layout: { kind: single, disk: main }',
  'interfaces:',
  '  - { name: eno1, mac: "52:54:00:00:00:02", network: prov, address: 10.0.0.2, boot: true }',
  '',
].join('\n');

function fleetYaml(): string {
  return readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8').replace('tftp: 10.0.0.2 }', 'tftp: 10.0.0.2, server: pxe-1 }');
}

test('the boot server host imports the PXE server module on generated/, and owns the boot files', async (t) => {
  if (!requireTools(t, 'nix')) return;
  const root = tempDir(t);
  const result = await compileFleet(makeFleet(root, { 'fleet.yaml': fleetYaml(), 'hosts/pxe-1.yaml': PXE_HOST }));
  assert.ok(result.artifacts, result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  const module = result.artifacts.find((a) => a.path === 'hosts/pxe-1/default.nix')!.contents;
  assert.match(module, /\.\.\/\.\.\/fleetc\/modules\/pxe-server\.nix/);
  assert.match(module, /services\.fleet-pxe = \{\n\s+enable = true;\n\s+generated = \.\.\/\.\.;\n\s+\};/);
  for (const other of ['cp-1', 'wk-1']) assert.doesNotMatch(result.artifacts.find((a) => a.path === `hosts/${other}/default.nix`)!.contents, /pxe-server|fleet-pxe/);
  const file = path.join(root, 'pxe-1.nix');
  writeFileSync(file, module);
  execFileSync('nix-instantiate', ['--parse', file], { env: NIX_ENV, stdio: 'ignore' });

  const manifest = JSON.parse(result.artifacts.find((a) => a.path === 'manifest.json')!.contents) as Manifest;
  assert.equal(manifest.bootServer, 'pxe-1');
  const owned = Object.keys(manifest.hosts['pxe-1']!.artifacts);
  for (const path of ['dhcp/dhcpd.conf', 'dhcp/kea-dhcp4.json', 'ipxe/boot.ipxe', 'netboot/boot-server.json', 'netboot/installer.json', 'ipxe/hosts/52:54:00:00:00:11.ipxe']) assert.ok(owned.includes(path), `pxe-1 owns ${path}`);
  assert.ok(!Object.keys(manifest.hosts['cp-1']!.artifacts).includes('dhcp/kea-dhcp4.json'));
});
