// host.nix is the model: nix-instantiate --eval --strict --json on it gives back exactly the host's
// JSON, for the example fleet and for random fleets full of hostile strings.
import { installedLibrary } from '../../src/library/index.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { emitHostData } from '../../src/emit/host-data.ts';
import type { Host } from '../../src/model/fleet.ts';
import { nixString } from '../../src/emit/nix/printer.ts';
import { arbitraryFleet, hostileString } from '../helpers/arbitrary-fleet.ts';
import { compileFleet, makeFleet } from '../helpers/fleet.ts';
import { compileExample } from '../helpers/example.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

function nixEvalJson(file: string): unknown {
  return JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', file], { env: NIX_ENV, encoding: 'utf8' }));
}

test('nixString round-trips hostile strings through nix-instantiate', (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const dir = tempDir(t);
  // One Nix file holds a whole batch, so a run costs one nix-instantiate per batch, not per string.
  fc.assert(
    fc.property(fc.array(hostileString, { minLength: 1, maxLength: 40 }), (strings) => {
      const file = path.join(dir, 'strings.nix');
      writeFileSync(file, `[ ${strings.map(nixString).join(' ')} ]\n`);
      assert.deepEqual(nixEvalJson(file), strings);
    }),
    { numRuns: 25 },
  );
});

test('host.nix of every example host evaluates to the model', async (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const { fleet } = await compileExample();
  if (!fleet) return assert.fail('the example fleet does not compile');
  const dir = tempDir(t);
  for (const artifact of emitHostData(fleet, { nixDir: '../nix', outDirFromRoot: 'generated', nixFiles: new Map(), library: installedLibrary() })) {
    const file = path.join(dir, `${artifact.host}.nix`);
    writeFileSync(file, artifact.contents);
    const model: Host | undefined = fleet.hosts.find((candidate) => candidate.name === artifact.host);
    assert.deepEqual(nixEvalJson(file), JSON.parse(JSON.stringify(model)));
  }
});

test('host.nix round-trips random fleets with hostile labels and descriptions', async (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  await fc.assert(
    fc.asyncProperty(arbitraryFleet({ maxHosts: 4 }), async (files) => {
      const root = tempDir(t);
      const paths = makeFleet(root, files, null);
      const { fleet, diagnostics } = await compileFleet(paths);
      if (!fleet) return assert.fail(JSON.stringify(diagnostics.filter((d) => d.severity === 'error')));
      for (const artifact of emitHostData(fleet, { nixDir: '../nix', outDirFromRoot: 'generated', nixFiles: new Map(), library: installedLibrary() })) {
        const file = path.join(root, `${artifact.host}.nix`);
        writeFileSync(file, artifact.contents);
        assert.deepEqual(nixEvalJson(file), JSON.parse(JSON.stringify(fleet.hosts.find((h) => h.name === artifact.host))));
      }
    }),
    { numRuns: 15 },
  );
});
