// The boot server and the netboot installers it builds, evaluated with nixpkgs' real lib: the
// server's NixOS module (nix/modules/pxe-server.nix) on generated/ output, through the NixOS
// stand-ins of test/netboot/nixos-stand-in/, down to the derivations it would build. Checked
// against NixOS/nixpkgs as read: pkgs/build-support/kernel/make-initrd-ng.nix and its tool's
// StoreInput (make-initrd-ng/src/main.rs), nixos/modules/installer/netboot/netboot.nix,
// nixos/lib/eval-config.nix and nixos/modules/misc/nixpkgs.nix, pkgs/by-name/ip/ipxe/package.nix,
// nixos/modules/services/networking/ssh/sshd.nix. (The image's iPXE script in real iPXE, with a
// real kernel: boot.e2e.test.ts.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { parse } from 'yaml';
import type { BootServerData } from '../../src/emit/netboot.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';
import { buildFleet, EXAMPLE_FLEET } from './support/build.ts';
import { closure, evaluateBootServer, producerOf, standInNixpkgs, type BootServerEvaluation, type Derivation } from './support/nixos-eval.ts';
import { MINIMAL_FLEET } from '../helpers/paths.ts';
import type { FleetFiles } from '../helpers/fleet.ts';

const EXAMPLE_KEYS = (parse(readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8')) as { ssh: { authorizedKeys: string[] } }).ssh.authorizedKeys;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJq0k4QmVbS5xv8d2nR1uP7yT3wE6aZ9cF0hG2iK4lMn ops@mini';

interface Image {
  name: string;
  tree: Derivation;
  entries: Array<{ name: string; path: string }>;
  system: Derivation;
}

async function bootServer(t: TestContext, serverSystem: string, overlay: FleetFiles = {}, fixture = EXAMPLE_FLEET, settings = ''): Promise<{ evaluation: BootServerEvaluation; data: BootServerData; images: Image[] }> {
  const nixpkgs = standInNixpkgs(t);
  const built = await buildFleet(tempDir(t), overlay, fixture);
  const evaluation = evaluateBootServer(nixpkgs, built.out, serverSystem, settings);
  const data = JSON.parse(readFileSync(`${built.out}/netboot/boot-server.json`, 'utf8')) as BootServerData;
  // images/<profile>/<system> links in the HTTP tree, each to the image's published tree.
  const images = [...evaluation.http.env.buildCommand!.matchAll(/^ln -s (\S+) \$out\/images\/'?([^'\s]+)'?$/gm)].map(([, path, name]) => {
    const tree = producerOf(evaluation.derivations, path!);
    const system = closure(evaluation.derivations, tree).find((d) => d.name === 'nixos-system');
    assert.ok(system, `${name}: no NixOS system in the image`);
    return { name: name!, tree, entries: JSON.parse(tree.env.entries!) as Image['entries'], system };
  });
  assert.ok(images.length > 0, 'the HTTP tree serves images');
  return { evaluation, data, images };
}

/** The iPXE binaries in the TFTP tree: file name → the iPXE derivation it comes from and the file in it. */
function tftpBinaries(evaluation: BootServerEvaluation): Record<string, { ipxe: Derivation; file: string }> {
  return Object.fromEntries(
    [...evaluation.tftp.env.buildCommand!.matchAll(/^install -D -m 0444 (\S+)\/([^/\s]+) \$out\/'?([^'\s]+)'?$/gm)].map(([, out, file, name]) => [name!, { ipxe: producerOf(evaluation.derivations, out!), file: file! }]),
  );
}

const withKeys = (fixture: string, extra = ''): FleetFiles => ({ 'fleet.yaml': `${readFileSync(`${fixture}/fleet.yaml`, 'utf8')}ssh:\n  authorizedKeys: [${JSON.stringify(KEY)}]\n${extra}` });

describe('the netboot installers the boot server builds', () => {
  test('publish NixOS\'s own ramdisk, whose make-initrd-ng entries are StoreInputs ({ source; target; })', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { evaluation, images } = await bootServer(t, 'x86_64-linux');
    for (const image of images) {
      const initrd = image.entries.find((e) => e.name === 'initrd');
      assert.ok(initrd, `${image.name} publishes an initrd`);
      const ramdisk = producerOf(evaluation.derivations, initrd.path);
      // Every makeInitrdNG call of the image: the Rust tool parses `contents` as Vec<StoreInput>.
      for (const call of closure(evaluation.derivations, image.tree).filter((d) => d.env.contents !== undefined)) {
        const entries = JSON.parse(call.env.contents!) as Array<Record<string, unknown>>;
        for (const entry of entries) {
          assert.equal(typeof entry.source, 'string', `${image.name}: make-initrd-ng entry ${JSON.stringify(entry)} has no source: the tool fails with "missing field \`source\`"`);
          assert.ok(entry.target === undefined || entry.target === null || typeof entry.target === 'string', JSON.stringify(entry));
        }
      }
      // It is NixOS's netbootRamdisk: stage 1 prepended, the store's squashfs at /nix-store.squashfs.
      assert.deepEqual(JSON.parse(ramdisk.env.contents!).map((e: { target: string }) => e.target), ['/nix-store.squashfs'], image.name);
    }
  });

  test('let the fleet\'s keys in — the keys of fleet.yaml, through generated/netboot/installer.json — with passwords off', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { images } = await bootServer(t, 'x86_64-linux');
    for (const image of images) {
      const env = image.system.env;
      assert.deepEqual(JSON.parse(env.authorizedKeysD!), { root: EXAMPLE_KEYS }, `${image.name}: /etc/ssh/authorized_keys.d`);
      const sshd = JSON.parse(env.sshdConfig!) as Record<string, unknown>;
      assert.deepEqual(sshd.Port, [22]);
      assert.equal(sshd.PasswordAuthentication, false);
      assert.equal(sshd.KbdInteractiveAuthentication, false);
      assert.equal(sshd.PermitRootLogin, 'prohibit-password', 'root logs in with a key only');
    }
  });

  test('listen where apply reaches each host: its ssh.port and ssh.user', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const wk1 = readFileSync(`${MINIMAL_FLEET}/hosts/wk-1.yaml`, 'utf8');
    const { images } = await bootServer(t, 'x86_64-linux', { ...withKeys(MINIMAL_FLEET), 'hosts/wk-1.yaml': `${wk1}ssh: { port: 2222, user: deploy }\n` }, MINIMAL_FLEET);
    for (const image of images) {
      assert.deepEqual(JSON.parse(image.system.env.sshdConfig!).Port, [22, 2222]);
      assert.deepEqual(JSON.parse(image.system.env.authorizedKeysD!), { deploy: [KEY], root: [KEY] });
      assert.deepEqual(JSON.parse(image.system.env.users!).deploy, { isNormalUser: true, extraGroups: ['wheel'] }, 'deploy can sudo (installation-device.nix: wheel needs no password)');
    }
  });

  test('are refused when the fleet has no keys: nobody could log in', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    await assert.rejects(bootServer(t, 'x86_64-linux', {}, MINIMAL_FLEET), /fleet\.netboot\.authorizedKeys is empty/);
  });

  test('carry their own iPXE script: init= of their stage 2, their boot.kernelParams, then ${cmdline}', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { evaluation, images } = await bootServer(t, 'x86_64-linux');
    for (const image of images) {
      const kernelFile = image.name.endsWith('aarch64-linux') ? 'Image' : 'bzImage';
      assert.deepEqual(image.entries.map((e) => e.name).sort(), [kernelFile, 'initrd', 'netboot.ipxe'].sort(), image.name);
      const script = producerOf(evaluation.derivations, image.entries.find((e) => e.name === 'netboot.ipxe')!.path).env.text!;
      assert.equal(script, `#!ipxe\nkernel ${kernelFile} init=${image.system.env.out}/init initrd=initrd loglevel=4 \${cmdline}\ninitrd initrd\nimgstat\nboot\n`, image.name);
      const kernel = image.entries.find((e) => e.name === kernelFile)!.path;
      assert.equal(kernel, `${producerOf(evaluation.derivations, kernel).env.out}/${kernelFile}`, 'the kernel package\'s image');
    }
  });

  test('are evaluated for their platform through nixpkgs.hostPlatform, not eval-config\'s legacy system argument', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { images } = await bootServer(t, 'x86_64-linux');
    assert.deepEqual(images.map((i) => i.name).sort(), ['all-in-one/x86_64-linux', 'control-plane/x86_64-linux', 'worker/aarch64-linux', 'worker/x86_64-linux']);
    for (const image of images) {
      assert.equal(image.system.env.platformSetBy, 'nixpkgs.hostPlatform', image.name);
      assert.equal(image.system.env.standInFor, image.name.split('/')[1], `${image.name} is built for its own system`);
    }
  });
});

describe('the boot server\'s TFTP and HTTP trees', () => {
  test('an x86_64 server: native x86 iPXE, a cross-built arm64 iPXE only because an aarch64 host exists', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { evaluation } = await bootServer(t, 'x86_64-linux');
    const binaries = tftpBinaries(evaluation);
    assert.deepEqual(Object.keys(binaries).sort(), ['ipxe-arm64.efi', 'ipxe.efi', 'undionly.kpxe']);
    for (const [name, { ipxe, file }] of Object.entries(binaries)) {
      assert.ok(ipxe.env.files!.split(' ').includes(file), `${name}: ${file} is one of the files the ${ipxe.env.standInFor} iPXE package builds`);
      assert.equal(ipxe.system, 'x86_64-linux', `${name} is built on the server`);
    }
    assert.equal(binaries['undionly.kpxe']!.ipxe.env.standInFor, 'x86_64-linux');
    assert.equal(binaries['ipxe.efi']!.ipxe.env.standInFor, 'x86_64-linux');
    assert.equal(binaries['ipxe-arm64.efi']!.ipxe.env.standInFor, 'aarch64-linux');
  });

  test('a fleet without aarch64 or BIOS hosts: the server builds neither of their iPXE binaries', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const wk1 = readFileSync(`${MINIMAL_FLEET}/hosts/wk-1.yaml`, 'utf8').replace('firmware: bios', 'firmware: uefi');
    const { evaluation, data } = await bootServer(t, 'x86_64-linux', { ...withKeys(MINIMAL_FLEET), 'hosts/wk-1.yaml': wk1 }, MINIMAL_FLEET);
    assert.deepEqual(data.ipxe, { bios: { file: 'undionly.kpxe', needed: false }, uefi: { file: 'ipxe.efi', needed: true }, arm64: { file: 'ipxe-arm64.efi', needed: false } });
    assert.deepEqual(Object.keys(tftpBinaries(evaluation)), ['ipxe.efi']);
    const built = closure(evaluation.derivations, evaluation.tftp).filter((d) => d.name === 'ipxe');
    assert.deepEqual(built.map((d) => d.env.standInFor), ['x86_64-linux'], 'no aarch64 iPXE is even evaluated into the tree');
  });

  test('an aarch64 server: native arm64 iPXE, cross-built x86 iPXE, each with the files its platform has', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { evaluation } = await bootServer(t, 'aarch64-linux');
    const binaries = tftpBinaries(evaluation);
    assert.deepEqual(Object.keys(binaries).sort(), ['ipxe-arm64.efi', 'ipxe.efi', 'undionly.kpxe']);
    for (const [name, { ipxe, file }] of Object.entries(binaries)) {
      assert.ok(ipxe.env.files!.split(' ').includes(file), `${name}: the ${ipxe.env.standInFor} iPXE package has no ${file}`);
      assert.equal(ipxe.system, 'aarch64-linux', `${name} is built on the server`);
    }
    assert.equal(binaries['undionly.kpxe']!.ipxe.env.standInFor, 'x86_64-linux');
    assert.equal(binaries['ipxe-arm64.efi']!.ipxe.env.standInFor, 'aarch64-linux');
  });

  test('HTTP serves generated/ipxe and the images the hosts boot, and no first-boot files', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'nix')) return;
    const { evaluation, data, images } = await bootServer(t, 'x86_64-linux');
    assert.deepEqual(images.map((i) => i.name).sort(), data.images);
    assert.doesNotMatch(evaluation.http.env.buildCommand!, /first-boot/);
    // More images for the menu of unknown machines are one setting away.
    const more = await bootServer(t, 'x86_64-linux', {}, EXAMPLE_FLEET, 'images = [ "base/x86_64-linux" ];');
    assert.deepEqual(more.images.map((i) => i.name), ['base/x86_64-linux']);
  });
});
