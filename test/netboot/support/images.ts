// Stand-in netboot images for the boot tests, published as nix/images/netboot.nix publishes one:
// netboot.ipxe written by nix/images/netboot-ipxe.nix itself (evaluated by Nix with nixpkgs' real
// lib), a real Linux kernel (Debian's, unpacked by scripts/install-test-tools.sh) and an initrd
// whose /init (busybox) writes /proc/cmdline to the serial port and powers the machine off. So a
// boot test reads the command line the kernel really got, on BIOS as on UEFI.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { REPO_ROOT } from '../../helpers/paths.ts';
import { NIX_ENV } from '../../helpers/tools.ts';

export const TEST_KERNEL = '/var/cache/fleetc-test/vmlinuz';
/** What the stand-in init prints before the command line. */
export const CMDLINE_MARKER = 'fleetc-stand-in /proc/cmdline: ';

/** The image's own settings: its stage 2 and kernel parameters, as a NixOS image would have them. */
export const IMAGE_INIT = '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-fleet-installer/init';
export const IMAGE_PARAMS = ['loglevel=4', 'fleet.test-image=stand-in'];

/** True when the kernel is there; otherwise fails (npm test) or skips, as requireTools does. */
export function requireTestKernel(t: TestContext): boolean {
  if (existsSync(TEST_KERNEL)) return true;
  const message = `missing ${TEST_KERNEL} (run scripts/install-test-tools.sh)`;
  if (process.env.FLEETC_REQUIRE_TOOLS === '1') throw new Error(message);
  t.skip(message);
  return false;
}

/** netboot.ipxe as the image's Nix writes it, from nixpkgs' real lib unpacked in `lib`. */
export function imageScript(lib: string, kernelFile: string): string {
  const args = `{ kernelFile = ${JSON.stringify(kernelFile)}; init = ${JSON.stringify(IMAGE_INIT)}; kernelParams = ${JSON.stringify(IMAGE_PARAMS).replace(/,/g, ' ')}; }`;
  const expression = `import ${REPO_ROOT}nix/images/netboot-ipxe.nix { lib = import ${lib}; } ${args}`;
  return JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expression], { encoding: 'utf8', env: NIX_ENV })) as string;
}

/** An initrd (newc cpio) of busybox whose /init reports the kernel command line on ttyS0. */
export function standInInitrd(workDir: string): string {
  const root = `${workDir}/initrd-root`;
  for (const dir of ['bin', 'dev', 'proc']) mkdirSync(`${root}/${dir}`, { recursive: true });
  copyFileSync(execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim(), `${root}/bin/busybox`);
  writeFileSync(
    `${root}/init`,
    [
      '#!/bin/busybox sh',
      '/bin/busybox mount -t proc proc /proc',
      '/bin/busybox mount -t devtmpfs dev /dev',
      `echo "${CMDLINE_MARKER}$(/bin/busybox cat /proc/cmdline)" > /dev/ttyS0`,
      '/bin/busybox poweroff -f',
      '',
    ].join('\n'),
  );
  chmodSync(`${root}/init`, 0o755);
  const initrd = `${workDir}/initrd`;
  execFileSync('sh', ['-c', `cd "$1" && find . | cpio --quiet -o -H newc > "$2"`, 'sh', root, initrd]);
  return initrd;
}

/** Publishes the x86_64 stand-in image of every profile under <httpRoot><urlPath>/images/ (QEMU boots x86_64). */
export function publishImages(httpRoot: string, urlPath: string, profiles: string[], lib: string, workDir: string): void {
  const initrd = standInInitrd(workDir);
  const script = imageScript(lib, 'bzImage');
  for (const profile of profiles) {
    const dir = `${httpRoot}${urlPath}/images/${profile}/x86_64-linux`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/netboot.ipxe`, script);
    symlinkSync(TEST_KERNEL, `${dir}/bzImage`);
    symlinkSync(initrd, `${dir}/initrd`);
  }
}

/** The command line the stand-in init reported on the serial console, as words; undefined if none yet. */
export function reportedCommandLine(serial: string): string[] | undefined {
  const line = serial.split('\n').find((l) => l.startsWith(CMDLINE_MARKER));
  return line === undefined ? undefined : line.slice(CMDLINE_MARKER.length).trim().split(/\s+/);
}
