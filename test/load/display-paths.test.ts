// The paths diagnostics show: joinDisplay's appending (read-dir.ts) is path.posix.join's joining, for
// every kind of display directory the user may name and every path, walked or not.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { joinDisplay } from '../../src/load/read-dir.ts';

test('joinDisplay appends a walked path as path.posix.join joins it, for any display directory', () => {
  const dirs = ['', '.', './', 'fleet', 'fleet/', './fleet', '../fleet', '/', '/abs/fleet', 'a/..', 'a/../b/', '..', 'a//b', 'a/./b'];
  const rels = ['fleet.yaml', 'hosts/x.yaml', 'hosts/c001/c001-w-1.yaml', 'a/../b.yaml', './x.yaml', '.', '..', 'a//b.yaml', 'x/', '/abs.yaml', ''];
  for (const dir of dirs) for (const rel of rels) assert.equal(joinDisplay(dir, rel), path.posix.join(dir, rel), `${dir} + ${rel}`);
});
