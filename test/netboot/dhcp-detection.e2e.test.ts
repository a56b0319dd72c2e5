// Every branch of the boot detection, against the real dhcpd and Kea running the example fleet's
// generated configuration in a namespace: a raw DHCP client sends DISCOVERs with option 93 = BIOS,
// x86_64 UEFI (7 and 9), arm64 UEFI or none, plain or as iPXE (user-class "iPXE", or option 175),
// from a known and an unknown MAC, and checks the address, next-server and boot file of each OFFER.
// QEMU's NIC ROM is already iPXE, so this is the only proof of the plain-PXE branches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ipv4ToInt } from '../../src/model/ipv4.ts';
import { bootInterface, bootScriptUrl } from '../../src/emit/boot-layout.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';
import { buildFleet } from './support/build.ts';
import { Lab } from './support/lab.ts';
import { probe, startDhcp, type DhcpServer } from './support/servers.ts';

const UNKNOWN_MAC = '52:54:00:99:99:01';

const ARCHES: Array<{ name: string; arch: number | undefined; file: 'bios' | 'uefi' | 'arm64' }> = [
  { name: 'BIOS (option 93 = 0)', arch: 0, file: 'bios' },
  { name: 'no option 93', arch: undefined, file: 'bios' },
  { name: 'x86_64 UEFI (option 93 = 7)', arch: 7, file: 'uefi' },
  { name: 'x86_64 UEFI (option 93 = 9)', arch: 9, file: 'uefi' },
  { name: 'arm64 UEFI (option 93 = 11)', arch: 11, file: 'arm64' },
];

const CLIENTS: Array<{ name: string; userClass?: string; ipxeEncap?: boolean }> = [
  { name: 'plain PXE' },
  { name: 'iPXE by user-class', userClass: 'iPXE' },
  { name: 'iPXE by option 175', ipxeEncap: true },
];

for (const server of ['dhcpd', 'kea'] as DhcpServer[]) {
  describe(`boot detection with ${server}`, () => {
    test('every arch × client × MAC gets the right address, next-server and boot file', { timeout: 120_000 }, async (t) => {
      if (!requireTools(t, 'ip', 'python3', server === 'dhcpd' ? 'dhcpd' : 'kea-dhcp4')) return;
      const root = tempDir(t, 'fleetc-detect-');
      const { fleet, out } = await buildFleet(root);
      const known = fleet.hosts.find((h) => h.name === 'cp-1')!;
      const knownNic = bootInterface(known);
      const prov = fleet.networks[knownNic.network]!;
      const lab = Lab.create({ bridge: fleet.boot.interfaces[0]!, serverCidr: `${fleet.boot.tftp}/${prov.prefixLength}` }, root);
      t.after(() => lab.close());
      await startDhcp(server, lab, out, `${root}/${server}`);

      const pool = prov.dhcp!.pool!;
      for (const mac of [knownNic.mac, UNKNOWN_MAC]) {
        for (const arch of ARCHES) {
          for (const client of CLIENTS) {
            const what = `${mac} ${arch.name} ${client.name}`;
            const offer = probe(lab, { mac, arch: arch.arch, userClass: client.userClass, ipxeEncap: client.ipxeEncap });
            assert.ok(offer, `${what}: no OFFER`);
            const ipxe = client.userClass !== undefined || client.ipxeEncap === true;
            assert.equal(offer.file, ipxe ? bootScriptUrl(fleet) : fleet.boot.ipxe[arch.file], `${what}: boot file`);
            assert.equal(offer.siaddr, fleet.boot.tftp, `${what}: next-server`);
            assert.equal(offer.serverId, fleet.boot.tftp, `${what}: server identifier`);
            assert.equal(offer.routers, prov.gateway, `${what}: router`);
            if (mac === knownNic.mac) {
              assert.equal(offer.yiaddr, knownNic.address, `${what}: the reservation`);
              assert.equal(offer.hostName, known.name, `${what}: host-name`);
            } else {
              const address = ipv4ToInt(offer.yiaddr);
              assert.ok(address >= ipv4ToInt(pool.start) && address <= ipv4ToInt(pool.end), `${what}: ${offer.yiaddr} is not in the pool`);
              assert.equal(offer.hostName, null, `${what}: no host-name for an unknown machine`);
            }
          }
        }
      }
      t.diagnostic(`${server}: ${2 * ARCHES.length * CLIENTS.length} DISCOVERs answered as expected`);
    });
  });
}
