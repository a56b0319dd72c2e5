// manifest.json is rendered in pieces (and per host from a memo): its text must be exactly what
// JSON.stringify(manifest, null, 2) prints for the manifest object built the plain way, for random
// fleets (with a boot server among the hosts or not) and for host names that JavaScript orders first (array indices such as "10" and "2"); it
// records its inputs' key exactly when the build had no diagnostics.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw } from '../../src/compile/index.ts';
import { sourceKey } from '../../src/compile/source-key.ts';
import type { Artifact } from '../../src/emit/artifact.ts';
import { BOOT_SERVER_KINDS, MANIFEST_PATH, MANIFEST_VERSION, nixDependencies, type Manifest } from '../../src/emit/manifest.ts';
import { installedLibrary } from '../../src/library/index.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import { arbitraryFleet } from '../helpers/arbitrary-fleet.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The manifest as an object, built the straightforward way (what fleetc's manifest always was). */
function referenceManifest(fleet: Fleet, artifacts: readonly Artifact[], nixFiles: Map<string, string>, library: Map<string, string>, source: string | undefined): Manifest {
  const sortedNix = [...nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const server = fleet.boot.server !== undefined && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : undefined;
  const manifest: Manifest = { generator: 'fleetc', version: MANIFEST_VERSION, fleet: fleet.name, ...(source !== undefined ? { source } : {}), files: {}, nix: Object.fromEntries(sortedNix), library: Object.fromEntries(library), ...(server ? { bootServer: server } : {}), hosts: {} };
  for (const host of fleet.hosts) manifest.hosts[host.name] = { profile: host.profile, artifacts: {}, nix: nixDependencies(host, sortedNix, host.name === server) };
  for (const artifact of artifacts) {
    const entry = { kind: artifact.kind, sha256: sha256(artifact.contents) };
    manifest.files[artifact.path] = entry;
    if (artifact.host) manifest.hosts[artifact.host]!.artifacts[artifact.path] = entry;
    if (server && BOOT_SERVER_KINDS.has(artifact.kind)) manifest.hosts[server]!.artifacts[artifact.path] = entry;
    const base = artifact.fragmentBase === undefined ? '' : `${sha256(artifact.fragmentBase)}\n`;
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) manifest.hosts[host]!.artifacts[`${artifact.path}#${host}`] = { kind: artifact.kind, sha256: sha256(base + fragment) };
  }
  for (const host of Object.values(manifest.hosts)) host.artifacts = Object.fromEntries(Object.entries(host.artifacts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return manifest;
}

function checkManifest(files: Record<string, string>): void {
  const raw = rawOf(files);
  const layout = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
  const compiled = compileRaw(raw, layout);
  assert.ok(compiled.artifacts && compiled.fleet, JSON.stringify(compiled.diagnostics.map((d) => d.code)));
  const manifest = compiled.artifacts.find((a) => a.path === MANIFEST_PATH)!;
  const others = compiled.artifacts.filter((a) => a !== manifest);
  assert.equal(manifest.contents, `${JSON.stringify(referenceManifest(compiled.fleet, others, raw.nixFiles, installedLibrary().files, compiled.diagnostics.length === 0 ? sourceKey(raw, layout, installedLibrary()) : undefined), null, 2)}\n`);
}

test('manifest.json is JSON.stringify of the manifest, for random fleets', () => {
  fc.assert(fc.property(arbitraryFleet({ maxHosts: 6, bootServer: true }), (files) => checkManifest(files as Record<string, string>)), { numRuns: 30 });
});

test('hosts named like array indices come first, in numeric order, as JSON.stringify orders them', () => {
  fc.assert(
    fc.property(arbitraryFleet({ maxHosts: 4 }), fc.uniqueArray(fc.constantFrom('2', '10', '0', '7', '123'), { minLength: 2, maxLength: 4 }), (files, names) => {
      const hostFiles = Object.keys(files).filter((f) => f.startsWith('hosts/'));
      const renamed: Record<string, string> = {};
      for (const [file, text] of Object.entries(files)) {
        const index = hostFiles.indexOf(file);
        if (index >= 0 && index < names.length) renamed[`hosts/${names[index]}.yaml`] = text!;
        else renamed[file] = text!;
      }
      checkManifest(renamed);
    }),
    { numRuns: 15 },
  );
});
