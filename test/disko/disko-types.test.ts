// Every generated disko.nix (the example fleet and the disk-layouts fixture fleet) is accepted by
// disko 1.13.0's own types — its lib/default.nix toplevel type under lib.evalModules, declared the
// way its module.nix declares disko.devices, with nixpkgs' real lib — and its _create, _mount and
// _config evaluate. The scripts pass shellcheck as disko's writeCheckedBash runs it. And disko's
// types do reject what they should: an unknown attribute, a wrong type.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { evalDisko, unpackNixSources, type NixSources } from '../helpers/disko.ts';
import { compiledLayoutHosts, DISK_LAYOUTS_FLEET, exampleLayoutHosts, type LayoutHost } from '../helpers/layout-fleets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

let sources: NixSources;
let hosts: LayoutHost[];
const suite = { after: (fn: () => void) => process.on('exit', fn) };

before(async () => {
  sources = unpackNixSources(suite);
  hosts = [...(await exampleLayoutHosts()), ...(await compiledLayoutHosts(suite, DISK_LAYOUTS_FLEET))];
});

test('every generated disko.nix passes disko\'s types and its _create, _mount and _config evaluate', async (t) => {
  if (!requireTools(t, 'nix-instantiate', 'shellcheck')) return;
  assert.ok(hosts.length >= 18);
  const work = tempDir(t);
  for (const host of hosts) {
    const result = await evalDisko(sources, path.join(host.dir, 'disko.nix'));
    assert.ok(result.ok, `${host.dir}: ${result.ok ? '' : result.stderr}`);
    const { create, mount, config, partitions } = result.value;
    // disko's _config: a file system for every mount point of the plan, the ESPs and /boot included.
    const fileSystems = JSON.stringify(config.fileSystems);
    for (const disk of host.plan.disks) {
      assert.deepEqual(Object.keys(partitions[disk.name]!).sort(), disk.partitions.map((p) => p.name).sort(), `${host.dir}: partitions of ${disk.name}`);
      for (const p of disk.partitions) if ('mount' in p.content) assert.ok(fileSystems.includes(JSON.stringify(p.content.mount)), `${host.dir}: ${p.content.mount} in _config`);
    }
    // As disko's writeCheckedBash checks its scripts: `shellcheck -e SC2034,SC2054` on a bash script.
    for (const [name, body] of Object.entries({ create, mount })) {
      const file = path.join(work, `${host.name}-${name}`);
      writeFileSync(file, `#!/usr/bin/env bash\n${body}`);
      try {
        execFileSync('shellcheck', ['-e', 'SC2034,SC2054', file], { encoding: 'utf8' });
      } catch (error) {
        assert.fail(`${host.dir}: shellcheck of _${name}:\n${(error as { stdout?: string }).stdout}`);
      }
    }
  }
});

/** The example's cp-1 disko.nix with one edit, evaluated through disko's types. */
async function evalEdited(t: { after: (fn: () => void) => void }, from: string, to: string) {
  const original = readFileSync(path.join(hosts.find((h) => h.name === 'cp-1')!.dir, 'disko.nix'), 'utf8');
  assert.ok(original.includes(from), `cp-1's disko.nix has ${from}`);
  const file = path.join(tempDir(t), 'disko.nix');
  writeFileSync(file, original.replace(from, to));
  return evalDisko(sources, file);
}

test('disko\'s types reject an unknown attribute', async (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const result = await evalEdited(t, 'priority = 1;', 'priority = 1;\n              bootable = true;');
  assert.ok(!result.ok);
  assert.match(result.stderr, /The option `disko\.devices\.disk\.main\.content\.partitions\.ESP\.bootable' does not exist/);
  const misspelled = await evalEdited(t, 'type = "gpt";', 'type = "gpt";\n          partition = { };');
  assert.ok(!misspelled.ok);
  assert.match(misspelled.stderr, /partition' does not exist/);
});

test('disko\'s types reject a wrong type', async (t) => {
  if (!requireTools(t, 'nix-instantiate')) return;
  const priority = await evalEdited(t, 'priority = 1;', 'priority = "1";');
  assert.ok(!priority.ok);
  assert.match(priority.stderr, /partitions\.ESP\.priority' is not of type `signed integer'/);
  const size = await evalEdited(t, 'size = "1G";', 'size = "1 GiB";');
  assert.ok(!size.ok);
  assert.match(size.stderr, /partitions\.ESP\.size' is not of type/);
  const format = await evalEdited(t, 'type = "gpt";', 'type = "mbr";');
  assert.ok(!format.ok);
});
