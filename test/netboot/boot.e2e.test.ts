// Real network boots of the example fleet: a namespace with a bridge and a tap, the real DHCP server
// (dhcpd, then Kea) from generated/dhcp, TFTP with Debian's iPXE binaries, an HTTP server serving
// generated/ipxe, and QEMU with a host's MAC. A boot passes when iPXE fetched boot.ipxe, then the
// host's hosts/<mac>.ipxe, then the image's own netboot.ipxe and the kernel and initrd it names,
// and the kernel really got the image's own command line followed by the host's identity: the
// stand-in images (support/images.ts) carry the netboot.ipxe nix/images/netboot-ipxe.nix writes, a
// real Linux kernel, and an initrd that prints /proc/cmdline on the serial console.
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { bootInterface, hostKernelArguments, hostScriptPath } from '../../src/emit/boot-layout.ts';
import type { Fleet, Host } from '../../src/model/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';
import { buildFleet, EXAMPLE_FLEET, type Built } from './support/build.ts';
import { Lab, waitFor } from './support/lab.ts';
import { IMAGE_INIT, IMAGE_PARAMS, publishImages, reportedCommandLine, requireTestKernel } from './support/images.ts';
import { unpackNixpkgsLib } from './support/nixos-eval.ts';
import { IPXE_FILES, serialText, startQemu, type Firmware, type QemuRun } from './support/qemu.ts';
import { httpRequests, startDhcp, startHttp, startTftp, type DhcpServer } from './support/servers.ts';

const BOOT_TIMEOUT_MS = 150_000;
const UNKNOWN_MAC = '52:54:00:99:99:02';

interface Environment {
  lab: Lab;
  root: string;
  built: Built;
  urlPath: string;
}

/** Starts the whole boot server of a built fleet in a fresh lab; the lab is closed after the test. */
async function bootServer(t: TestContext, root: string, built: Built, server: DhcpServer, machines = 1, failFirst: (urlPath: string) => string[] = () => []): Promise<Environment> {
  const { fleet, out } = built;
  const prov = fleet.networks[bootInterface(fleet.hosts[0]!).network]!;
  const lab = Lab.create({ bridge: fleet.boot.interfaces[0]!, serverCidr: `${fleet.boot.tftp}/${prov.prefixLength}`, taps: machines }, root);
  t.after(() => lab.close());
  const url = new URL(fleet.boot.http);
  const urlPath = url.pathname.replace(/\/$/, '');
  // The HTTP tree: generated/ipxe under the URL's path, and stand-in images for every profile.
  const httpRoot = `${root}/http`;
  cpSync(`${out}/ipxe`, `${httpRoot}${urlPath}`, { recursive: true });
  publishImages(httpRoot, urlPath, Object.keys(fleet.profiles), unpackNixpkgsLib(t), root);
  await startDhcp(server, lab, out, `${root}/${server}`);
  await startTftp(lab, fleet.boot.tftp, { [fleet.boot.ipxe.bios]: IPXE_FILES.bios, [fleet.boot.ipxe.uefi]: IPXE_FILES.uefi }, `${root}/tftp-work`);
  await startHttp(lab, url.hostname, Number(url.port || 80), httpRoot, failFirst(urlPath));
  return { lab, root, built, urlPath };
}

/** Asserts a complete chain boot.ipxe → hosts/<mac>.ipxe → netboot.ipxe → kernel → initrd (all 200), fetched by iPXE. */
function assertHostChain(env: Environment, host: Host): void {
  const requests = httpRequests(env.lab);
  const base = env.urlPath;
  const image = imagePath(env, host);
  const wanted = [`${base}/boot.ipxe`, `${base}/${hostScriptPath(bootInterface(host).mac)}`, `${image}/netboot.ipxe`, `${image}/bzImage`, `${image}/initrd`];
  // The chain of one attempt: each file requested after the previous one, answered 200.
  const attempt = (start: number): number[] | undefined => {
    const found: number[] = [];
    let from = start;
    for (const path of wanted) {
      const index = requests.findIndex((r, i) => i >= from && r.path === path && r.status === 200);
      if (index < 0) return undefined;
      found.push(index);
      from = index + 1;
    }
    return found;
  };
  const chain = requests.map((r, i) => (r.path === wanted[0] ? attempt(i) : undefined)).find((c) => c !== undefined);
  const seen = requests.map((r) => `${r.status} ${r.path}`).join('\n');
  assert.ok(chain, `iPXE did not follow the chain of ${host.name}; the HTTP server saw:\n${seen}`);
  for (const index of chain) assert.match(requests[index]!.userAgent, /^iPXE\//, 'the request comes from iPXE');
}

function imagePath(env: Environment, host: Host): string {
  return `${env.urlPath}/images/${host.profile}/${host.system}`;
}

/**
 * The kernel got the image's own command line (init=, its parameters), then the host's identity and
 * parameters. On UEFI, iPXE passes an EFI image its own name first, as argv[0] (efi_image_cmdline in
 * iPXE's src/image/efi_image.c), and Linux's EFI stub keeps it.
 */
function assertCommandLine(run: QemuRun, host: Host): void {
  const serial = serialText(run);
  const words = reportedCommandLine(serial);
  assert.ok(words, `the stand-in initrd did not report /proc/cmdline:\n${serial.slice(-4000)}`);
  const argv0 = host.firmware === 'uefi' ? ['bzImage'] : [];
  assert.deepEqual(words, [...argv0, `init=${IMAGE_INIT}`, 'initrd=initrd', ...IMAGE_PARAMS, ...hostKernelArguments(host)]);
}

/** Waits until the stand-in init reported the command line (it then powers the machine off). */
async function waitForCommandLine(run: QemuRun): Promise<number> {
  await waitFor('the kernel command line on the serial console', () => reportedCommandLine(serialText(run)) !== undefined || run.process.child.exitCode !== null, BOOT_TIMEOUT_MS, 500);
  return Date.now() - run.startedAt;
}

/** The DHCP server's own log shows it leased the host its reservation. */
function assertReservation(env: Environment, server: DhcpServer, host: Host): void {
  const nic = bootInterface(host);
  const log = env.lab.log(server);
  if (server === 'dhcpd') assert.ok(log.includes(`DHCPACK on ${nic.address} to ${nic.mac}`), `dhcpd did not ACK ${nic.address} to ${nic.mac}:\n${log.slice(-3000)}`);
  else assert.ok(new RegExp(`DHCP4_LEASE_ALLOC .*${nic.mac}.*lease ${(nic.address ?? '').replace(/\./g, '\\.')} has been allocated`).test(log), `Kea did not allocate ${nic.address} to ${nic.mac}:\n${log.slice(-3000)}`);
}

async function waitForRequest(env: Environment, run: QemuRun, path: string, count = 1): Promise<number> {
  await waitFor(`iPXE to request ${path} (${count}x)`, () => httpRequests(env.lab).filter((r) => r.path === path).length >= count || run.process.child.exitCode !== null, BOOT_TIMEOUT_MS, 500);
  assert.equal(run.process.child.exitCode, null, `QEMU exited early:\n${env.lab.log(run.process.name)}`);
  return Date.now() - run.startedAt;
}

function exampleHost(fleet: Fleet, firmware: Firmware): Host {
  // cp-3 boots with BIOS, cp-1 with UEFI (both x86_64).
  return fleet.hosts.find((h) => h.name === (firmware === 'bios' ? 'cp-3' : 'cp-1'))!;
}

for (const firmware of ['bios', 'uefi'] as Firmware[]) {
  for (const server of ['dhcpd', 'kea'] as DhcpServer[]) {
    describe(`${firmware.toUpperCase()} network boot with ${server}`, () => {
      test('the example fleet host boots to its identity', { timeout: BOOT_TIMEOUT_MS + 60_000 }, async (t) => {
        if (!requireTools(t, 'ip', 'qemu-system-x86_64', 'dnsmasq', 'nix-instantiate', 'busybox', 'cpio', server === 'dhcpd' ? 'dhcpd' : 'kea-dhcp4') || !requireTestKernel(t)) return;
        const root = tempDir(t, `fleetc-boot-${firmware}-${server}-`);
        const built = await buildFleet(root);
        const host = exampleHost(built.fleet, firmware);
        assert.equal(host.firmware, firmware);
        const env = await bootServer(t, root, built, server);
        const run = startQemu(env.lab, 'qemu', firmware, bootInterface(host).mac, root);
        const ms = await waitForCommandLine(run);
        t.diagnostic(`${host.name}: QEMU start to the kernel's command line on the console in ${(ms / 1000).toFixed(1)} s`);
        await env.lab.stop(run.process);
        assertHostChain(env, host);
        assertReservation(env, server, host);
        assertCommandLine(run, host);
        if (firmware === 'uefi') {
          // Full chain on the serial console: OVMF's PXE fetched ipxe.efi over TFTP, iPXE asked DHCP again.
          const nic = bootInterface(host);
          assert.ok(env.lab.log('tftp').includes(`sent ${env.root}/tftp-work/tftp/${built.fleet.boot.ipxe.uefi} to ${nic.address}`), `TFTP did not send iPXE:\n${env.lab.log('tftp')}`);
          const serial = serialText(run);
          for (const expected of ['iPXE initialising devices', `Next server: ${built.fleet.boot.tftp}`, `Filename: ${built.fleet.boot.http}/boot.ipxe`]) {
            assert.ok(serial.includes(expected), `serial console lacks ${JSON.stringify(expected)}:\n${serial.slice(-4000)}`);
          }
        }
      });
    });
  }
}

describe('UEFI network boot of values that need escaping, and of an unknown machine', () => {
  test('kernel parameters with ; # $ and a leading - reach the command line unchanged, an HTTP error is retried, an unknown MAC reaches the menu and retries', { timeout: 2 * BOOT_TIMEOUT_MS }, async (t) => {
    if (!requireTools(t, 'ip', 'qemu-system-x86_64', 'dnsmasq', 'nix-instantiate', 'busybox', 'cpio', 'dhcpd') || !requireTestKernel(t)) return;
    const root = tempDir(t, 'fleetc-boot-escaping-');
    const params = ['fleet.test=a;b', 'x#y=1', 'dollar=$HOME', 'braces=}{', 'amp=a&&b', 'pipe=a||b', 'pct=%41', '-v'];
    const overlay = {
      'fleet.yaml': readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8').replace('  interfaces: [eno1]\n', '  interfaces: [eno1]\n  menuTimeoutSeconds: 2\n'),
      'hosts/cp-1.yaml': readFileSync(`${EXAMPLE_FLEET}/hosts/cp-1.yaml`, 'utf8').replace('params: ["console=ttyS0,115200"]', `params: ${JSON.stringify(['console=ttyS0,115200', ...params])}`),
      'profiles/worker.yaml': readFileSync(`${EXAMPLE_FLEET}/profiles/worker.yaml`, 'utf8').replace(/^description: .*$/m, 'description: "Workers #1 ${x} a;b || c && d\\nsecond line"'),
    };
    const built = await buildFleet(root, overlay);
    const host = built.fleet.hosts.find((h) => h.name === 'cp-1')!;
    assert.deepEqual(host.kernel.params.slice(-params.length), params);
    // The first kernel request of cp-1 fails with 503: its script must retry, not stop.
    const kernelPath = (urlPath: string) => `${urlPath}/images/${host.profile}/${host.system}/bzImage`;
    const env = await bootServer(t, root, built, 'dhcpd', 2, (urlPath) => [kernelPath(urlPath)]);

    // Two machines at once: the registered one with the odd parameters, and one nobody registered.
    const known = startQemu(env.lab, 'qemu-known', 'uefi', bootInterface(host).mac, root);
    const unknown = startQemu(env.lab, 'qemu-unknown', 'uefi', UNKNOWN_MAC, root, env.lab.taps[1]);
    const unknownScript = `${env.urlPath}/hosts/${UNKNOWN_MAC}.ipxe`;
    const msKnown = await waitForCommandLine(known);
    t.diagnostic(`cp-1 with odd parameters: the kernel's command line on the console after ${(msKnown / 1000).toFixed(1)} s`);
    // The menu times out after 2 s and retries: a second request for the unknown script.
    const msUnknown = await waitForRequest(env, unknown, unknownScript, 2);
    t.diagnostic(`unknown machine: menu shown and boot script retried after ${(msUnknown / 1000).toFixed(1)} s`);
    await Promise.all([env.lab.stop(known.process), env.lab.stop(unknown.process)]);

    const kernelRequests = httpRequests(env.lab).filter((r) => r.path === kernelPath(env.urlPath)).map((r) => r.status);
    assert.deepEqual(kernelRequests.slice(0, 2), [503, 200], 'after the HTTP error the script retried');
    const afterError = httpRequests(env.lab).slice(httpRequests(env.lab).findIndex((r) => r.status === 503));
    assert.ok(afterError.some((r) => r.path === `${env.urlPath}/boot.ipxe`), 'the retry went back through boot.ipxe');
    assertHostChain(env, host);
    assertCommandLine(known, host);
    assert.deepEqual(reportedCommandLine(serialText(known))!.slice(-params.length), params, 'iPXE passed every parameter as written');

    const requests = httpRequests(env.lab).filter((r) => r.path === unknownScript);
    assert.ok(requests.every((r) => r.status === 404));
    const unknownSerial = serialText(unknown);
    for (const expected of [`no boot script for ${UNKNOWN_MAC}`, 'worker: Workers ?1 ?(x) a/b // c // d second line', 'control-plane: Raft voters', 'Retry the boot server']) {
      assert.ok(unknownSerial.includes(expected), `the menu lacks ${JSON.stringify(expected)}:\n${unknownSerial.slice(-4000)}`);
    }
  });
});
