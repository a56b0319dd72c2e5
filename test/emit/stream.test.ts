// A streamed emit (emit/stream.ts) gives what emitFleet gives, byte for byte, whatever the chunk of
// hosts: the example fleet (a boot server host among them), a bench fleet of two clusters whose
// chunks cut through clusters (first boot lists the voters of another chunk), random fleets with
// clusters and a boot server; the manifest's pieces join to emitFleet's manifest and the records
// it keeps are each file's path, kind and sha256. Two files at one path, or a per-host emitter
// giving a shared file, throw.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, emitContext } from '../../src/compile/index.ts';
import type { Artifact, ArtifactInPieces, Emitter } from '../../src/emit/artifact.ts';
import { EMITTERS, emitFleet } from '../../src/emit/index.ts';
import { FleetStream } from '../../src/emit/stream.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import type { RawFleet } from '../../src/load/types.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import { generateFleet } from '../../bench/generate.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const CHUNKS = [1, 2, 3, 50, 128];

function compiled(raw: RawFleet): { fleet: Fleet; context: ReturnType<typeof emitContext> } {
  const result = compileRaw(raw, { ...LAYOUT, validateOnly: true });
  assert.ok(result.fleet, JSON.stringify(result.diagnostics.map((d) => d.message)));
  return { fleet: result.fleet, context: emitContext(raw, LAYOUT, result.diagnostics) };
}

const textOf = (a: Artifact | ArtifactInPieces): string => ('contents' in a ? a.contents : [...a.pieces()].join(''));
const listing = (artifacts: ReadonlyArray<Artifact | ArtifactInPieces>) =>
  JSON.stringify([...artifacts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((a) => [a.path, a.kind, a.root ?? false, textOf(a)]));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function assertSameStreamed(raw: RawFleet): void {
  const { fleet, context } = compiled(raw);
  const whole = emitFleet(fleet, context);
  const expected = listing(whole);
  const records = JSON.stringify(whole.map((a) => [a.path, a.kind, sha(a.contents)]).sort());
  for (const chunk of CHUNKS) {
    const stream = new FleetStream(fleet, context, chunk);
    const streamed = [...stream];
    assert.equal(streamed.at(-1)!.path, 'manifest.json', 'the manifest comes last');
    assert.equal(listing(streamed), expected, `chunks of ${chunk} hosts`);
    assert.equal(stream.count, whole.length);
    assert.equal(JSON.stringify(stream.written().map((r) => [r.path, r.kind, r.sha256]).sort()), records, 'path, kind and sha256 of every file');
  }
}

test('the example fleet: the same artifacts and manifest streamed as emitFleet gives', () => {
  assertSameStreamed(readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX));
});

test('a bench fleet of 150 hosts in two clusters: the same artifacts, whatever chunk cuts the clusters', () => {
  assertSameStreamed(rawOf(Object.fromEntries(generateFleet(150, 7).files)));
});

test('random fleets with clusters and a boot server host: the same artifacts streamed', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 8, clusters: true, bootServer: true }), (files) => assertSameStreamed(rawOf(files as Record<string, string>))),
    { numRuns: 25 },
  );
});

test('two artifacts at one path, or a per-host emitter giving a shared file, throw before the manifest is given', () => {
  const { fleet, context } = compiled(readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX));
  const twice: Emitter = () => [{ path: 'README.md', kind: 'doc', contents: 'again' }];
  assert.throws(() => [...new FleetStream(fleet, context, 2, [...EMITTERS, twice])], /two artifacts at README\.md/);
  const shared: Emitter = Object.assign(() => [{ path: 'x.conf', kind: 'dhcp' as const, contents: '' }], { perHost: true as const });
  assert.throws(() => [...new FleetStream(fleet, context, 2, [...EMITTERS, shared])], /x\.conf is not a host's own file/);
  const unsafe: Emitter = () => [{ path: '../x', kind: 'doc', contents: '' }];
  assert.throws(() => [...new FleetStream(fleet, context, 2, [unsafe])], /unsafe artifact path \.\.\/x/);
});
