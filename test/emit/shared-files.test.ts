// The DHCP files are assembled from each host's rendered reservations (kept per host between
// rebuilds): kea-dhcp4.json must be exactly JSON.stringify of the Kea configuration (a host's part
// its reservations as lines of that file, which a plan shows), and dhcpd.conf
// must list the reservations subnet by subnet, host by host — with one or two DHCP networks, and
// when rendered again from the kept pieces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { compileRaw } from '../../src/compile/index.ts';
import { dhcpSubnets } from '../../src/emit/dhcp-model.ts';
import { emitDhcpd } from '../../src/emit/dhcpd.ts';
import { emitKea, keaConfig } from '../../src/emit/kea.ts';
import { installedLibrary } from '../../src/library/index.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const CONTEXT = { nixDir: '../nix', outDirFromRoot: 'generated', nixFiles: new Map<string, string>(), library: installedLibrary() };

function fleetOf(files: Record<string, string>, storageDhcp: boolean): Fleet {
  const fleetYaml = parse(files['fleet.yaml']!) as { networks: Record<string, Record<string, unknown>> };
  // A second network that fleetc's DHCP serves: its reservations come after the first network's.
  if (storageDhcp) fleetYaml.networks.storage!.dhcp = {};
  const compiled = compileRaw(rawOf({ ...files, 'fleet.yaml': stringify(fleetYaml) }), { nixDirFromOut: '../nix', outDirFromRoot: 'generated' });
  assert.ok(compiled.fleet, JSON.stringify(compiled.diagnostics.map((d) => d.code)));
  return compiled.fleet;
}

test('kea-dhcp4.json is JSON.stringify of the configuration, each host\'s part its reservations as the file\'s lines', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6 }), fc.boolean(), (files, storageDhcp) => {
      const fleet = fleetOf(files as Record<string, string>, storageDhcp);
      for (let round = 0; round < 2; round++) {
        const [kea] = emitKea(fleet, CONTEXT);
        assert.equal(kea!.contents, `${JSON.stringify(keaConfig(fleet), null, 2)}\n`);
        for (const host of fleet.hosts) {
          const reservations = (keaConfig(fleet, [host]) as { Dhcp4: { subnet4: Array<{ reservations: unknown[] }> } }).Dhcp4.subnet4.flatMap((s) => s.reservations);
          // The host's part is its reservations as the file holds them: those lines, at that indentation.
          const part = kea!.fragments![host.name]!;
          assert.deepEqual(JSON.parse(`[${part}]`), reservations);
          const fileLines = new Set(kea!.contents.split('\n'));
          for (const line of part.split('\n').filter((l) => l !== '')) assert.ok(fileLines.has(line) || fileLines.has(`${line},`), `${JSON.stringify(line)} is not a line of kea-dhcp4.json`);
        }
      }
    }),
    { numRuns: 30 },
  );
});

test('dhcpd.conf lists the reservations subnet by subnet, host by host; a host\'s part is its own', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6 }), fc.boolean(), (files, storageDhcp) => {
      const fleet = fleetOf(files as Record<string, string>, storageDhcp);
      const expected = dhcpSubnets(fleet).flatMap((s) => s.reservations.map((r) => r.name));
      for (let round = 0; round < 2; round++) {
        const [dhcpd] = emitDhcpd(fleet, CONTEXT);
        assert.deepEqual([...dhcpd!.contents.matchAll(/^host (\S+) \{$/gm)].map((m) => m[1]), expected);
        assert.ok(dhcpd!.contents.startsWith(dhcpd!.fragmentBase!));
        for (const host of fleet.hosts) {
          const own = dhcpSubnets(fleet, [host]).flatMap((s) => s.reservations.map((r) => r.name));
          assert.deepEqual([...dhcpd!.fragments![host.name]!.matchAll(/^host (\S+) \{$/gm)].map((m) => m[1]), own);
        }
      }
    }),
    { numRuns: 30 },
  );
});
