// One error in one file is reported in that file only: a file that fails is left out of the
// cross-file checks, and a check that needs what that file would have said does not guess (the
// example fleet's wk-3 carries enp1s0 untagged and tagged; without fleet.yaml's VLANs it looked
// like "enp1s0 twice"). Every file of the example fleet, damaged in several ways, in turn.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compileFromDisk } from '../../src/compile/index.ts';
import { EXAMPLE_FLEET, EXAMPLE_NIX } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const DAMAGES: Array<[string, (text: string) => string]> = [
  ['an unknown property', (text) => `${text}\nbogus: 1\n`],
  ['a YAML syntax error', (text) => `${text}\nbroken: [\n`],
  ['a wrong type at the top', (text) => text.replace(/^(name|profile|extends|domain):.*$/m, '$1: 42')],
  ['a removed required section', (text) => text.replace(/^(networks|interfaces|hardware):/m, 'x-$1:')],
];

test('a damaged file gets every diagnostic of the run: no cascade into untouched files', async (t) => {
  const root = tempDir(t);
  const fleet = path.join(root, 'fleet');
  cpSync(EXAMPLE_FLEET, fleet, { recursive: true });
  const files = ['fleet.yaml', ...['profiles', 'hosts'].flatMap((dir) => readdirSync(path.join(fleet, dir)).map((f) => `${dir}/${f}`))];
  const paths = { fleetDir: fleet, outDir: path.join(root, 'generated'), nixDir: EXAMPLE_NIX };
  const stray: string[] = [];
  for (const file of files) {
    const original = readFileSync(path.join(fleet, file), 'utf8');
    for (const [what, damage] of DAMAGES) {
      const damaged = damage(original);
      if (damaged === original) continue;
      writeFileSync(path.join(fleet, file), damaged);
      const result = await compileFromDisk(paths, { validateOnly: true });
      assert.ok(result.diagnostics.some((d) => d.severity === 'error'), `${file}, ${what}: an error`);
      for (const d of result.diagnostics) if (path.relative(fleet, d.file) !== file) stray.push(`${file} with ${what}: ${path.relative(fleet, d.file)} ${d.code} ${d.message}`);
    }
    writeFileSync(path.join(fleet, file), original);
  }
  assert.deepEqual(stray, []);
});
