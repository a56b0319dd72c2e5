// The key of a build's inputs is kept per raw fleet (a plan asks for each side's more than once):
// asking again gives the same key, and a fleet whose files, nix/ files, layout or library are other
// objects gets the key those give, computed afresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceKey } from '../../src/compile/source-key.ts';
import { installedLibrary, type Library } from '../../src/library/index.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const layout = { outDirFromRoot: 'generated', nixDirFromOut: '../nix' };

test('the key kept for a raw fleet is the key of what it holds now', () => {
  const raw = rawOf({ 'fleet.yaml': 'name: a\n', 'hosts/h.yaml': 'profile: p\n' });
  const library = installedLibrary();
  const key = sourceKey(raw, layout, library);
  assert.equal(sourceKey(raw, layout, library), key);
  assert.equal(sourceKey({ ...raw }, layout, library), key, 'the same inputs in another object');
  const edited = rawOf({ 'fleet.yaml': 'name: a\n', 'hosts/h.yaml': 'profile: q\n' });
  raw.files = edited.files;
  assert.notEqual(sourceKey(raw, layout, library), key, 'its files replaced');
  assert.equal(sourceKey(raw, layout, library), sourceKey({ ...edited, nixFiles: raw.nixFiles }, layout, library));
  raw.nixFiles = new Map([...raw.nixFiles, ['extra.nix', '0'.repeat(64)]]);
  assert.notEqual(sourceKey(raw, layout, library), sourceKey({ ...raw, nixFiles: edited.nixFiles }, layout, library), 'its nix/ files replaced');
  const before = sourceKey(raw, layout, library);
  assert.notEqual(sourceKey(raw, { ...layout, outDirFromRoot: 'out' }, library), before, 'another layout');
  const other: Library = { ...library, files: new Map([...library.files, ['modules/x.nix', '1'.repeat(64)]]) };
  assert.notEqual(sourceKey(raw, layout, other), before, 'another library');
  assert.equal(sourceKey(raw, layout, library), before);
});
