// A build with nothing to do is recognised from the stamp of the last clean build; any change to the
// inputs, to fleetc, or to the output files makes the next build compile and repair the output.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { outputMatches, readStamp, writeStamp, type BuildStamp } from '../../src/compile/build-stamp.ts';
import { inputSnapshot, sameInputs } from '../../src/compile/input-stamp.ts';
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

test('a same-size edit that keeps the modification time is still noticed, by build and by --check', async (t) => {
  const root = tempDir(t);
  makeFleet(root);
  const args = ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];
  assert.equal((await runFleetc(args, { cwd: root })).exitCode, 0);
  const hostModule = path.join(root, 'generated/hosts/wk-1/default.nix');
  const original = readFileSync(hostModule, 'utf8');
  // A time utimes can give back exactly, recorded by the next (no-change) build's stamp.
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  utimesSync(hostModule, second, second);
  assert.equal((await runFleetc(args, { cwd: root })).exitCode, 0);
  // The edit a same-tick write makes: the same size, the same modification time.
  writeFileSync(hostModule, original.replace('networking', 'NETWORKING'));
  utimesSync(hostModule, second, second);
  assert.equal(statSync(hostModule).size, Buffer.byteLength(original));

  const check = await runFleetc([...args, '--check'], { cwd: root });
  assert.equal(check.exitCode, 1, '--check never trusts the stamp');
  assert.match(check.stderr, /modified +generated\/hosts\/wk-1\/default\.nix/);
  const repaired = await runFleetc(args, { cwd: root });
  assert.match(repaired.stderr, /wrote generated: 0 added, 1 modified, 0 removed/);
  assert.equal(readFileSync(hostModule, 'utf8'), original);
});

test('a file not older than the stamp is checked by its content', async (t) => {
  const root = tempDir(t);
  const out = path.join(root, 'generated');
  mkdirSync(out);
  const file = path.join(out, 'a.nix');
  writeFileSync(file, 'one');
  // A time not older than the stamp's: what a write in the stamp's own clock tick gets.
  const soon = new Date(Date.now() + 60_000);
  utimesSync(file, soon, soon);
  const cache = path.join(root, 'cache');
  writeStamp(cache, 'key', 1, out, [{ path: 'a.nix', kind: 'nixos', contents: 'one' }]);
  const stamp = readStamp(cache)!;
  const entry = stamp.files['a.nix']!;
  assert.equal(entry.length, 5, 'a racy file carries its content hash');
  assert.ok(outputMatches(stamp, out));
  // An edit in that same tick: same size, and (the stamp is made to record the times it leaves) the
  // same times and inode. Only the content tells.
  writeFileSync(file, 'two');
  utimesSync(file, soon, soon);
  const now = statSync(file);
  const sameTimes = [now.size, now.mtimeMs, now.ctimeMs, now.ino] as const;
  assert.equal(outputMatches({ ...stamp, files: { 'a.nix': [...sameTimes] } }, out), true, 'times alone would miss it');
  assert.equal(outputMatches({ ...stamp, files: { 'a.nix': [...sameTimes, entry[4]!] } }, out), false, 'the content hash catches it');
});

test('the stamp covers the root files: a changed or missing root file is not up to date', async (t) => {
  const root = tempDir(t);
  const out = path.join(root, 'generated');
  mkdirSync(out);
  writeFileSync(path.join(out, 'manifest.json'), '{}');
  writeFileSync(path.join(root, 'flake.nix'), '# root flake\n');
  const cache = path.join(root, 'cache');
  writeStamp(cache, 'key', 1, out, [{ path: 'manifest.json', kind: 'manifest', contents: '{}' }, { path: 'flake.nix', root: true, kind: 'flake', contents: '# root flake\n' }], root);
  const stamp = readStamp(cache)!;
  assert.deepEqual(Object.keys(stamp.root), ['flake.nix']);
  assert.ok(outputMatches(stamp, out, root));
  appendFileSync(path.join(root, 'flake.nix'), '# edited\n');
  assert.equal(outputMatches(stamp, out, root), false);
  rmSync(path.join(root, 'flake.nix'));
  assert.equal(outputMatches(stamp, out, root), false);
});

test('a warm build trusts the inputs by their times only when every entry is as recorded, and records them again after a touch', async (t) => {
  const root = tempDir(t);
  makeFleet(root);
  const args = ['build', '--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];
  const build = () => runFleetc(args, { cwd: root });
  const stampFile = path.join(root, '.fleetc-cache/build-stamp.json');
  const inputs = () => (JSON.parse(readFileSync(stampFile, 'utf8')) as BuildStamp).inputs!;
  const host = path.join(root, 'fleet/hosts/wk-1.yaml');
  assert.equal((await build()).exitCode, 0);
  const first = inputs();
  assert.ok(first.files['fleet/hosts/wk-1.yaml'] && first.files['nix/profiles/base.nix'], 'fleet and nix/ entries recorded');
  assert.match((await build()).stderr, /generated is up to date/);

  // The same bytes under new times (a checkout): up to date by content, and the new times recorded.
  const later = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
  utimesSync(host, later, later);
  assert.match((await build()).stderr, /generated is up to date/);
  assert.equal(inputs().files['fleet/hosts/wk-1.yaml']![1], statSync(host).mtimeMs);

  // A new file that no build reads (notes beside the hosts), then its removal: entries both ways.
  writeFileSync(path.join(root, 'fleet/hosts/NOTES.txt'), 'racks 3 and 4\n');
  assert.match((await build()).stderr, /generated is up to date/);
  assert.ok('fleet/hosts/NOTES.txt' in inputs().files);
  rmSync(path.join(root, 'fleet/hosts/NOTES.txt'));
  assert.match((await build()).stderr, /generated is up to date/);
  assert.equal('fleet/hosts/NOTES.txt' in inputs().files, false);

  // An edit that keeps the size, the modification time and the inode still moves the change time.
  const text = readFileSync(host, 'utf8');
  const mtime = statSync(host).mtime;
  writeFileSync(host, text.replace('ata-wk1b', 'ata-wk1c'));
  utimesSync(host, mtime, mtime);
  assert.equal(statSync(host).size, Buffer.byteLength(text));
  assert.match((await build()).stderr, /wrote generated: 0 added, [1-9]\d* modified/);
});

test('an input not older than the snapshot is never trusted by its times', async (t) => {
  const root = tempDir(t);
  mkdirSync(path.join(root, 'fleet'));
  mkdirSync(path.join(root, 'nix'));
  writeFileSync(path.join(root, 'fleet/fleet.yaml'), 'name: a\n');
  writeFileSync(path.join(root, 'nix/a.nix'), '{ }\n');
  // Older than the snapshot: written a few clock ticks (Linux's file times are coarse) before it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const soon = new Date(Date.now() + 60_000);
  utimesSync(path.join(root, 'nix/a.nix'), soon, soon);
  const cache = path.join(root, 'cache');
  const snapshot = inputSnapshot(path.join(root, 'fleet'), path.join(root, 'nix'), cache)!;
  assert.equal(snapshot['nix/a.nix'], null, 'a racy entry');
  assert.notEqual(snapshot['fleet/fleet.yaml'], null);
  assert.equal(sameInputs(snapshot, snapshot), false, 'a racy entry never matches');
  const settled = inputSnapshot(path.join(root, 'fleet'), path.join(root, 'nix'), cache)!;
  delete settled['nix/a.nix'];
  assert.equal(sameInputs(settled, { ...settled }), true);
  assert.equal(sameInputs(settled, { ...settled, 'fleet/hosts/b.yaml': [1, 1, 1, 1] }), false, 'an entry more');
  assert.deepEqual(readdirSync(cache), [], 'the clock probe is gone');
});
