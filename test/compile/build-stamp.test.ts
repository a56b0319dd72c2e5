// A build with nothing to do is recognised from the stamp of the last clean build; any change to the
// inputs, to fleetc, or to the output files makes the next build compile and repair the output.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';

test('the stamp skips a no-change build, and every kind of change makes the build compile again', async (t) => {
  const root = tempDir(t);
  makeFleet(root);
  const args = ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];
  const build = () => runFleetc(args, { cwd: root });
  const cache = path.join(root, '.fleetc-cache');
  const parseCache = path.join(cache, 'parse.bin');
  const hostModule = path.join(root, 'generated/hosts/wk-1/default.nix');

  assert.equal((await build()).exitCode, 0);
  assert.ok(existsSync(path.join(cache, 'build-stamp.json')));
  const original = readFileSync(hostModule, 'utf8');

  // Nothing changed: the stamp answers; the compile (which would write the parse cache again) never runs.
  rmSync(parseCache);
  const noop = await build();
  assert.equal(noop.exitCode, 0);
  assert.match(noop.stderr, /generated is up to date/);
  assert.equal(existsSync(parseCache), false, 'no compile ran');

  // A hand edit of an output file is repaired.
  appendFileSync(hostModule, '# hand edit\n');
  const repaired = await build();
  assert.match(repaired.stderr, /wrote generated: 0 added, 1 modified, 0 removed/);
  assert.equal(readFileSync(hostModule, 'utf8'), original);
  assert.ok(existsSync(parseCache), 'this build compiled');

  // A missing output file and a stray one.
  rmSync(hostModule);
  writeFileSync(path.join(root, 'generated/stray.txt'), 'x');
  assert.match((await build()).stderr, /wrote generated: 1 added, 0 modified, 1 removed/);

  // An edit of the fleet.
  const host = path.join(root, 'fleet/hosts/wk-1.yaml');
  writeFileSync(host, readFileSync(host, 'utf8').replace('root: { fs: xfs }', 'root: { fs: ext4 }'));
  assert.match((await build()).stderr, /wrote generated: 0 added, 3 modified/, 'disko.nix, host.nix and the manifest');

  // A damaged stamp is no stamp.
  writeFileSync(path.join(cache, 'build-stamp.json'), '{ not json');
  rmSync(parseCache);
  assert.match((await build()).stderr, /generated is up to date/);
  assert.ok(existsSync(parseCache), 'a damaged stamp means a real build');

  // --no-cache never uses the stamp.
  rmSync(parseCache);
  assert.match((await runFleetc([...args, '--no-cache'], { cwd: root })).stderr, /generated is up to date/);
});

test('a build with warnings is not stamped: the warnings show on every build', async (t) => {
  const root = tempDir(t);
  makeFleet(root, { 'hosts/cp-3.yaml': null });
  const args = ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];
  const first = await runFleetc(args, { cwd: root });
  assert.match(first.stdout, /warning RAFT_EVEN_VOTERS/);
  const second = await runFleetc(args, { cwd: root });
  assert.match(second.stdout, /warning RAFT_EVEN_VOTERS/);
  assert.equal(existsSync(path.join(root, '.fleetc-cache/build-stamp.json')), false);
});
