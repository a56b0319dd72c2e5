// Real fleetc processes at the same time on one output directory: builds of different fleets, and
// a build beside a running watch. The output lock serialises them:
// the tree always ends exactly as one reference build, and build --check agrees.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { FLEETC_BIN } from '../helpers/paths.ts';
import { referenceTree } from '../helpers/reference-build.ts';
import { tempDir } from '../helpers/tmp.ts';
import { entriesOf, treeHash } from '../helpers/tree-hash.ts';

/** Fleet variants that differ in many output files: a kernel parameter of every host, and a label. */
function variants(root: string, count: number): string[] {
  const base = makeFleet(root).fleetDir;
  return Array.from({ length: count }, (_, i) => {
    const dir = path.join(root, `fleet-${i}`);
    cpSync(base, dir, { recursive: true });
    const profile = path.join(dir, 'profiles/base.yaml');
    writeFileSync(profile, readFileSync(profile, 'utf8').replace('params: [console=tty0]', `params: [console=tty0, loglevel=${i}]`));
    const host = path.join(dir, 'hosts/wk-1.yaml');
    writeFileSync(host, `${readFileSync(host, 'utf8')}labels: { variant: v${i} }\n`);
    return `fleet-${i}`;
  });
}

const build = (root: string, fleet: string, out: string, ...extra: string[]) => runFleetc(['build', '--fleet', fleet, '--out', out, '--nix', 'nix', ...extra], { cwd: root });

describe('concurrent fleetc processes', () => {
  test('six builds of three fleets at once: the tree is exactly one fleet\'s reference build, and --check agrees', async (t) => {
    const root = tempDir(t);
    const fleets = variants(root, 3);
    const references = new Map<string, string>();
    for (const fleet of fleets) references.set(await referenceTree(root, fleet, `ref-${fleet}`), fleet);
    assert.equal((await build(root, fleets[0]!, 'generated')).exitCode, 0);
    for (let round = 0; round < 2; round++) {
      const order = [...fleets, ...fleets].sort(() => Math.random() - 0.5);
      const results = await Promise.all(order.map((fleet) => build(root, fleet, 'generated', '--no-cache')));
      for (const result of results) {
        assert.equal(result.exitCode, 0, result.stderr);
        assert.ok(!hasStackTrace(result.stderr + result.stdout), result.stderr);
      }
      const winner = references.get(treeHash(path.join(root, 'generated')));
      assert.ok(winner, `round ${round}: the tree is no fleet's reference build (a mix)`);
      const check = await build(root, winner, 'generated', '--check');
      assert.equal(check.exitCode, 0, check.stderr);
      assert.deepEqual(entriesOf(root).filter((n) => n.startsWith('.generated')), [], 'no lock, journal or staging left');
    }
  });

  test('a build beside a running watch: the watch notices the foreign write and never mixes', async (t) => {
    const root = tempDir(t);
    const [a, b] = variants(root, 2) as [string, string];
    const referenceOfA = await referenceTree(root, a, `ref-${a}`);
    const referenceOfB = await referenceTree(root, b, `ref-${b}`);
    const watch = execa(process.execPath, [FLEETC_BIN, 'watch', '--fleet', a, '--out', 'generated', '--nix', 'nix', '--debounce', '20'], { cwd: root, reject: false });
    t.after(() => watch.kill('SIGKILL'));
    const lines: string[] = [];
    watch.stdout!.on('data', (chunk: Buffer) => lines.push(...String(chunk).split('\n').filter(Boolean)));
    const waitFor = async (pattern: RegExp, after = 0): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        if (lines.slice(after).some((l) => pattern.test(l))) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`watch never printed ${pattern}: ${lines.join('\n')}`);
    };
    await waitFor(/built generated: 4 hosts/);
    // Another fleetc writes fleet b into the watched output; then the watched fleet changes.
    assert.equal((await build(root, b, 'generated')).exitCode, 0);
    assert.equal(treeHash(path.join(root, 'generated')), referenceOfB);
    const seen = lines.length;
    const host = path.join(root, a, 'hosts/cp-1.yaml');
    const original = readFileSync(host, 'utf8');
    writeFileSync(host, `${original}labels: { rack: r7 }\n`);
    await waitFor(/generated: \d+ files? changed/, seen);
    writeFileSync(host, original);
    await waitFor(/generated: \d+ files? changed/, seen + 1);
    // The watched fleet is back as it was: the tree is fleet a's reference build, not a mix with b.
    assert.equal(treeHash(path.join(root, 'generated')), referenceOfA);
    watch.kill('SIGINT');
    assert.equal((await watch).exitCode, 0);
  });
});
