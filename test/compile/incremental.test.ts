// fleetc watch's incremental compile gives byte-identical output (artifacts and diagnostics) to a full
// build, whatever the sequence of edits: whole files taken from another fleet (hosts changed, added,
// removed, profiles and fleet.yaml changed, broken files), the small edits of one host that the
// incremental stages keep everything else for — a label, an address (of a Raft voter too), a MAC, a
// BMC, the cluster, the profile, a duplicate of another host, a removal — and edits of what every
// host reads (networks, domain, clusters, defaults, profiles, Raft), over two clusters; and the edits
// aimed at what watch patches in place (watch-edits.ts: addresses free, taken and a BMC's, a second
// reservation, BMCs taken and dropped, host keys, SSH ports, firmware, the boot network, a host added
// or renamed, ports and health checks), with the first difference named when there is one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, type Compilation } from '../../src/compile/index.ts';
import { IncrementalCompiler } from '../../src/compile/incremental.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { applyEdit, fleetEdit, type Files } from '../helpers/fleet-edits.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawKeeping, rawOf } from '../helpers/raw-fleet.ts';
import { applyWatchEdit, watchEdit } from '../helpers/watch-edits.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const output = (c: Compilation) => JSON.stringify({ artifacts: c.artifacts?.map((a) => [a.path, a.contents]), diagnostics: c.diagnostics });

test('incremental compiles equal full compiles over random edit sequences', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6, clusters: true, bootServer: true }), fc.array(fleetEdit, { minLength: 1, maxLength: 8 }), (initial, steps) => {
      const compiler = new IncrementalCompiler(LAYOUT);
      let files: Files = { ...(initial as Files) };
      // The unchanged files stay the same objects from one compile to the next, as in fleetc watch.
      let raw = rawKeeping(undefined, files);
      assert.equal(output(compiler.compile(raw)), output(compileRaw(rawOf(files), LAYOUT)));
      for (const edit of steps) {
        files = applyEdit(files, edit);
        raw = rawKeeping(raw, files);
        assert.equal(output(compiler.compile(raw)), output(compileRaw(rawOf(files), LAYOUT)));
      }
    }),
    { numRuns: 60 },
  );
});

/** The first artifact (or the diagnostics) where two compilations differ, with the text around it. */
function firstDifference(a: Compilation, b: Compilation): string | undefined {
  const after = new Map(b.artifacts?.map((x) => [x.path, x.contents]));
  const paths = new Set([...(a.artifacts ?? []).map((x) => x.path), ...after.keys()]);
  for (const artifact of a.artifacts ?? []) {
    paths.delete(artifact.path);
    const other = after.get(artifact.path);
    if (other === artifact.contents) continue;
    let i = 0;
    while (other !== undefined && artifact.contents[i] === other[i]) i++;
    return `${artifact.path} at ${i}: ${JSON.stringify(artifact.contents.slice(Math.max(0, i - 80), i + 80))} ≠ ${JSON.stringify(other?.slice(Math.max(0, i - 80), i + 80))}`;
  }
  if (paths.size > 0) return `only in the full build: ${[...paths].join(', ')}`;
  const diagnostics = (c: Compilation) => JSON.stringify(c.diagnostics);
  return diagnostics(a) === diagnostics(b) ? undefined : `diagnostics: ${diagnostics(a)} ≠ ${diagnostics(b)}`;
}

test('the in-place paths (artifacts replaced, shared files and the manifest patched, claims and ports kept, primed or not) equal full compiles', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 6, clusters: true, bootServer: true }), fc.array(fc.tuple(watchEdit, fc.boolean()), { minLength: 1, maxLength: 10 }), (initial, steps) => {
      const compiler = new IncrementalCompiler(LAYOUT);
      let files: Files = { ...(initial as Files) };
      let raw = rawKeeping(undefined, files);
      compiler.compile(raw);
      for (const [edit, primed] of steps) {
        // watch primes the shared files' pieces after each rebuild, before the next edit.
        if (primed) compiler.prime();
        files = applyWatchEdit(files, edit);
        raw = rawKeeping(raw, files);
        const difference = firstDifference(compiler.compile(raw), compileRaw(rawOf(files), LAYOUT));
        assert.equal(difference, undefined, `after ${JSON.stringify(edit)}`);
      }
    }),
    { numRuns: 150 },
  );
});

test('a label edit replaces only that host\'s files and the manifest: the shared files keep their objects', () => {
  const compiler = new IncrementalCompiler(LAYOUT);
  const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);
  compiler.compile(raw);
  const edit = (from: string, to: string) => raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace(from, to)) } : f));
  const label = compiler.compile({ ...raw, files: edit('unit: u20', 'unit: u21') });
  assert.deepEqual(label.delta?.touched.map((a) => a.path), ['hosts/wk-1/host.nix', 'manifest.json', 'flake.lock', 'flake.nix']);
  assert.deepEqual(label.delta?.removed, []);
  const address = compiler.compile({ ...raw, files: edit('10.20.0.21', '10.20.0.177') });
  assert.ok(address.delta?.touched.some((a) => a.path === 'dhcp/dhcpd.conf') && address.delta.touched.some((a) => a.path === 'dhcp/kea-dhcp4.json'), 'an address edit patches both DHCP configurations');
  assert.equal(firstDifference(address, compileRaw({ ...raw, files: edit('10.20.0.21', '10.20.0.177') }, LAYOUT)), undefined);
});

test('a one-host edit emits only that host again', () => {
  const compiler = new IncrementalCompiler(LAYOUT);
  const raw = readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX);
  const first = compiler.compile(raw);
  assert.equal(first.emittedHosts.length, 7);
  const files = raw.files.map((f) => (f.relPath === 'hosts/wk-1.yaml' ? { ...f, bytes: new TextEncoder().encode(new TextDecoder().decode(f.bytes).replace('unit: u20', 'unit: u21')) } : f));
  const second = compiler.compile({ ...raw, files });
  assert.deepEqual(second.emittedHosts, ['wk-1']);
  assert.equal(output(second), output(compileRaw({ ...raw, files }, LAYOUT)));
  const profileEdit = files.map((f) => (f.relPath === 'profiles/worker.yaml' ? { ...f, bytes: new TextEncoder().encode(`${new TextDecoder().decode(f.bytes)}\npackages: [jq]\n`) } : f));
  assert.equal(compiler.compile({ ...raw, files: profileEdit }).emittedHosts.length, 7, 'a profile edit emits every host again');
});
