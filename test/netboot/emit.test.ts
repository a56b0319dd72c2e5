// The DHCP and iPXE emitters on small fleets: exact text where it matters, and the per-host
// fragments the manifest hashes. Real consumers check the same output in consumers.test.ts.
import { installedLibrary } from '../../src/library/index.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { emitDhcpd } from '../../src/emit/dhcpd.ts';
import { emitIpxe, emitIpxeHosts } from '../../src/emit/ipxe.ts';
import { emitKea, KEA_CLASSES } from '../../src/emit/kea.ts';
import { emitNetboot } from '../../src/emit/netboot.ts';
import type { Artifact, EmitContext } from '../../src/emit/artifact.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import { compileFleet, makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { MINIMAL_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { fragmentText } from '../../src/plan/build.ts';

const CONTEXT: EmitContext = { nixDir: '../nix', outDirFromRoot: 'generated', nixFiles: new Map(), library: installedLibrary() };

async function minimal(t: TestContext, overlay: FleetFiles = {}): Promise<Fleet> {
  const result = await compileFleet(makeFleet(tempDir(t), overlay));
  assert.ok(result.fleet, JSON.stringify(result.diagnostics.map((d) => `${d.code} ${d.message}`)));
  return result.fleet;
}

function only(fleet: Fleet, ...names: string[]): Fleet {
  return { ...fleet, hosts: fleet.hosts.filter((h) => names.includes(h.name)) };
}

function byPath(artifacts: Artifact[], path: string): Artifact {
  const artifact = artifacts.find((a) => a.path === path);
  assert.ok(artifact, `no artifact ${path}`);
  return artifact;
}

describe('dhcpd.conf', () => {
  test('one host: a reservation with its address and name', async (t) => {
    const fleet = await minimal(t);
    const [artifact] = emitDhcpd(only(fleet, 'wk-1'), CONTEXT);
    assert.equal(artifact!.kind, 'dhcp');
    assert.ok(artifact!.contents.endsWith('\nhost wk-1.eno1 {\n  hardware ethernet 52:54:00:00:00:21;\n  fixed-address 10.0.0.21;\n  option host-name "wk-1";\n}\n'), artifact!.contents);
    assert.match(artifact!.contents, /\n  range 10\.0\.0\.200 10\.0\.0\.250;\n/);
    assert.match(artifact!.contents, /\nnext-server 10\.0\.0\.2;\n/);
  });

  test('only networks with dhcp get a subnet; the storage VLAN has none', async (t) => {
    const fleet = await minimal(t);
    const [artifact] = emitDhcpd(fleet, CONTEXT);
    assert.match(artifact!.contents, /\nsubnet 10\.0\.0\.0 netmask 255\.255\.255\.0 \{\n/);
    assert.doesNotMatch(artifact!.contents, /subnet 10\.1\.0\.0/);
    assert.doesNotMatch(artifact!.contents, /52:54:00:00:01:11/, 'no reservation on the storage network');
  });

  test('each host fragment is the file as if that host were alone', async (t) => {
    const fleet = await minimal(t);
    const [artifact] = emitDhcpd(fleet, CONTEXT);
    const [alone] = emitDhcpd(only(fleet, 'cp-2'), CONTEXT);
    assert.equal(fragmentText(artifact!, artifact!.fragments!['cp-2']!), alone!.contents);
    assert.deepEqual(Object.keys(artifact!.fragments!).sort(), ['cp-1', 'cp-2', 'cp-3', 'wk-1']);
  });

  test('a network without a pool has no range; an interface without an address has no fixed-address', async (t) => {
    const minimalFleet = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
    const noPool = await minimal(t, {
      'fleet.yaml': minimalFleet.replace('  storage: { cidr: 10.1.0.0/24, vlan: 30 }', '  storage: { cidr: 10.1.0.0/24, vlan: 30, dhcp: { leaseSeconds: 600 } }'),
      'hosts/cp-1.yaml': readFileSync(`${MINIMAL_FLEET}/hosts/cp-1.yaml`, 'utf8').replace(', address: 10.1.0.11 }', ' }'),
    });
    const [artifact] = emitDhcpd(only(noPool, 'cp-1'), CONTEXT);
    const storage = /\nsubnet 10\.1\.0\.0 netmask 255\.255\.255\.0 \{\n[^}]*\}\n/.exec(artifact!.contents)?.[0] ?? '';
    assert.ok(storage.includes('  default-lease-time 600;\n'), artifact!.contents);
    assert.ok(!storage.includes('range'), storage);
    assert.ok(artifact!.contents.includes('\nhost cp-1.eno2.30 {\n  hardware ethernet 52:54:00:00:01:11;\n  option host-name "cp-1";\n}\n'), artifact!.contents);
  });
});

describe('kea-dhcp4.json', () => {
  test('parses as JSON, with the same subnets, reservations and detection as dhcpd', async (t) => {
    const fleet = await minimal(t);
    const [artifact] = emitKea(fleet, CONTEXT);
    const config = JSON.parse(artifact!.contents) as { Dhcp4: Record<string, any> };
    const dhcp4 = config.Dhcp4;
    assert.deepEqual(dhcp4['interfaces-config'], { interfaces: ['*'] });
    assert.equal(dhcp4['next-server'], '10.0.0.2');
    assert.deepEqual(dhcp4['client-classes'].map((c: { name: string }) => c.name), [KEA_CLASSES.ipxe, KEA_CLASSES.uefiX64, KEA_CLASSES.uefiArm64, KEA_CLASSES.bios]);
    assert.deepEqual(dhcp4['client-classes'].map((c: { 'boot-file-name': string }) => c['boot-file-name']), ['http://10.0.0.2:8080/boot/boot.ipxe', 'ipxe.efi', 'ipxe-arm64.efi', 'undionly.kpxe']);
    assert.equal(dhcp4.subnet4.length, 1);
    const [subnet] = dhcp4.subnet4;
    // The subnet id is the first address as an integer: it stays when networks are added or renamed.
    assert.equal(subnet.id, 10 * 2 ** 24 + 1);
    assert.deepEqual(subnet.pools, [{ pool: '10.0.0.200 - 10.0.0.250' }]);
    assert.deepEqual(subnet.reservations[0], { 'hw-address': '52:54:00:00:00:11', 'ip-address': '10.0.0.11', hostname: 'cp-1' });
    assert.equal(subnet.reservations.length, 4);
  });

  test('the listening interfaces and iPXE file names come from the fleet', async (t) => {
    const minimalFleet = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
    const fleet = await minimal(t, {
      'fleet.yaml': minimalFleet.replace('boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }', 'boot: { http: "http://boot.mini.test/", tftp: 10.0.0.2, interfaces: [eno1, eno2], ipxe: { bios: pxe/undionly.kpxe, arm64: snp-arm64.efi } }'),
    });
    const dhcp4 = (JSON.parse(emitKea(fleet, CONTEXT)[0]!.contents) as { Dhcp4: Record<string, any> }).Dhcp4;
    assert.deepEqual(dhcp4['interfaces-config'].interfaces, ['eno1', 'eno2']);
    assert.deepEqual(dhcp4['client-classes'].map((c: { 'boot-file-name': string }) => c['boot-file-name']), ['http://boot.mini.test/boot.ipxe', 'ipxe.efi', 'snp-arm64.efi', 'pxe/undionly.kpxe']);
  });
});

describe('iPXE scripts', () => {
  test('one script per boot NIC, named by its MAC: it sets the host identity as the image\'s extra command line and chains to the image\'s script', async (t) => {
    const fleet = await minimal(t);
    const artifacts = [...emitIpxe(fleet, CONTEXT), ...emitIpxeHosts(fleet, CONTEXT)];
    assert.deepEqual(artifacts.map((a) => a.path).sort(), ['ipxe/boot.ipxe', 'ipxe/hosts/52:54:00:00:00:11.ipxe', 'ipxe/hosts/52:54:00:00:00:12.ipxe', 'ipxe/hosts/52:54:00:00:00:13.ipxe', 'ipxe/hosts/52:54:00:00:00:21.ipxe']);
    const script = byPath(artifacts, 'ipxe/hosts/52:54:00:00:00:21.ipxe');
    assert.equal(script.host, 'wk-1');
    assert.equal(script.kind, 'ipxe');
    assert.equal(
      script.contents,
      [
        '#!ipxe',
        '# Generated by fleetc. Do not edit: change the fleet YAML and run `fleetc build`.',
        '# Host wk-1: profile worker, x86_64-linux, bios firmware; boot NIC eno1 (52:54:00:00:00:21).',
        "# Boots the profile's netboot image through the image's own script, which passes the image's own",
        "# command line (init=, its kernel parameters) and then the setting set here: the host's identity",
        '# and kernel parameters. The command line is world-readable on the booted machine: names only,',
        '# never a secret.',
        '',
        ':boot',
        'echo fleetc: wk-1 boots the installer of profile worker',
        'set cmdline systemd.hostname=wk-1 fleet.host=wk-1 fleet.profile=worker fleet.mac=52:54:00:00:00:21 console=tty0',
        'chain http://10.0.0.2:8080/boot/images/worker/x86_64-linux/netboot.ipxe || goto failed',
        '',
        ':failed',
        'echo fleetc: could not fetch or boot the image of wk-1, retrying in 10 seconds',
        'imgfree',
        'sleep 10',
        'chain --autofree --replace http://10.0.0.2:8080/boot/boot.ipxe || goto failed',
        '',
      ].join('\n'),
    );
  });

  test('boot.ipxe chains by MAC and offers every profile in its fallback menu', async (t) => {
    const fleet = await minimal(t);
    const boot = byPath(emitIpxe(fleet, CONTEXT), 'ipxe/boot.ipxe');
    assert.match(boot.contents, /^#!ipxe\n/);
    assert.ok(boot.contents.includes('\nchain --autofree http://10.0.0.2:8080/boot/hosts/${netX/mac}.ipxe || goto unknown\n'));
    assert.ok(boot.contents.includes('\nchoose --timeout 30000 --default retry fleet-choice || goto retry\n'));
    for (const profile of ['base', 'control-plane', 'worker']) {
      assert.ok(boot.contents.includes(`\nitem profile-${profile} ${profile}\n`), profile);
      assert.ok(boot.contents.includes(`\n:profile-${profile}\nset cmdline fleet.profile=${profile} fleet.mac=\${netX/mac} console=tty0\nchain http://10.0.0.2:8080/boot/images/${profile}/\${fleet-system}/netboot.ipxe || goto failed\n`), profile);
    }
    // A host's part of boot.ipxe is the chain logic, without the menu of profiles.
    const fragment = fragmentText(boot, boot.fragments!['cp-1']!);
    assert.ok(fragment.includes('chain --autofree'));
    assert.ok(!fragment.includes('item profile-'));
  });
});

describe('netboot/installer.json and netboot/boot-server.json', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJq0k4QmVbS5xv8d2nR1uP7yT3wE6aZ9cF0hG2iK4lMn ops@mini';
  const fleetYaml = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');

  test('the installers carry the fleet\'s authorized keys and listen on every host\'s SSH port, for every host\'s SSH user', async (t) => {
    const fleet = await minimal(t, {
      'fleet.yaml': `${fleetYaml}ssh: { authorizedKeys: [${JSON.stringify(KEY)}] }\n`,
      'hosts/wk-1.yaml': `${readFileSync(`${MINIMAL_FLEET}/hosts/wk-1.yaml`, 'utf8')}ssh: { port: 2222, user: deploy }\n`,
    });
    const artifacts = emitNetboot(fleet, CONTEXT);
    assert.deepEqual(artifacts.map((a) => [a.path, a.kind, a.host]), [['netboot/installer.json', 'netboot', undefined], ['netboot/boot-server.json', 'netboot', undefined]]);
    assert.deepEqual(JSON.parse(byPath(artifacts, 'netboot/installer.json').contents), { authorizedKeys: [KEY], ssh: { ports: [22, 2222], users: ['deploy', 'root'] } });
  });

  test('the boot server learns the URL, and which images and iPXE binaries the hosts need', async (t) => {
    const x86 = await minimal(t, { 'fleet.yaml': fleetYaml.replace('boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }', 'boot: { http: "http://boot.mini.test/", tftp: 10.0.0.2, interfaces: [eno1] }') });
    assert.deepEqual(JSON.parse(byPath(emitNetboot(x86, CONTEXT), 'netboot/boot-server.json').contents), {
      http: { url: 'http://boot.mini.test', scheme: 'http', port: 80, path: '' },
      dhcp: { interfaces: ['eno1'] },
      ipxe: { bios: { file: 'undionly.kpxe', needed: true }, uefi: { file: 'ipxe.efi', needed: true }, arm64: { file: 'ipxe-arm64.efi', needed: false } },
      images: ['control-plane/x86_64-linux', 'worker/x86_64-linux'],
    });
    const arm = await minimal(t, { 'hosts/cp-3.yaml': readFileSync(`${MINIMAL_FLEET}/hosts/cp-3.yaml`, 'utf8').replace('hardware:\n', 'hardware:\n  arch: aarch64\n') });
    const data = JSON.parse(byPath(emitNetboot(arm, CONTEXT), 'netboot/boot-server.json').contents) as { ipxe: { arm64: { needed: boolean } }; images: string[] };
    assert.equal(data.ipxe.arm64.needed, true);
    assert.deepEqual(data.images, ['control-plane/aarch64-linux', 'control-plane/x86_64-linux', 'worker/x86_64-linux']);
  });
});
