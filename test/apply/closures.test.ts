// plan --closures: closures compared from the real `nix path-info --json --recursive --closure-size`
// of store paths made by this machine's Nix (2.8: the array format; newer Nix: an object by path),
// and `fleetc plan --closures` end to end with the nix-eval-jobs and nix build doubles.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { closureOf, diffClosures, parsePathInfo, parseStoreName } from '../../src/apply/closure-diff.ts';
import { runFleetc } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

/** A system made of text files in the real store: each package a builtins.toFile, referenced by the system. */
function realSystem(name: string, packages: string[]): string {
  const refs = packages.map((p, i) => `(builtins.toFile "${p}" "${p} ${i}")`).join(' ');
  return JSON.parse(execFileSync('nix-instantiate', ['--read-write-mode', '--eval', '--json', '-E', `builtins.toFile "${name}" (builtins.concatStringsSep " " [ ${refs} ])`], { env: NIX_ENV, encoding: 'utf8' }));
}

function pathInfo(...paths: string[]): string {
  return execFileSync('nix', ['path-info', '--json', '--recursive', '--closure-size', ...paths], { env: NIX_ENV, encoding: 'utf8' });
}

describe('closure diffs', () => {
  test('store names split as Nix splits them (names.cc: the version starts at the first dash before a non-letter)', (t) => {
    assert.deepEqual(parseStoreName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-openssl-3.0.13'), { name: 'openssl', version: '3.0.13' });
    assert.deepEqual(parseStoreName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-cp-1-26.05'), { name: 'nixos-system-cp', version: '1-26.05' });
    assert.deepEqual(parseStoreName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-unit-chainfire.service'), { name: 'unit-chainfire.service', version: '' });
    // builtins.parseDrvName, the same rule in Nix itself:
    if (!requireTools(t, 'nix-instantiate')) return;
    const nix = JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', 'map builtins.parseDrvName [ "openssl-3.0.13" "nixos-system-cp-1-26.05" "unit-chainfire.service" ]'], { env: NIX_ENV, encoding: 'utf8' }));
    assert.deepEqual(nix, [{ name: 'openssl', version: '3.0.13' }, { name: 'nixos-system-cp', version: '1-26.05' }, { name: 'unit-chainfire.service', version: '' }]);
  });

  test('packages changed, added, removed and the closure size, from real nix path-info', (t) => {
    if (!requireTools(t, 'nix', 'nix-instantiate')) return;
    const base = realSystem('nixos-system-cp-1-26.05', ['openssl-3.0.13', 'systemd-255.4', 'nano-7.2', 'etc']);
    const head = realSystem('nixos-system-cp-1-26.05', ['openssl-3.0.14', 'systemd-255.4', 'htop-3.3.0', 'etc-new']);
    const infos = parsePathInfo(pathInfo(base, head));
    assert.equal(closureOf(head, infos).size, 5);
    const diff = diffClosures('cp-1', base, head, infos);
    assert.deepEqual(diff.packages, [
      { kind: 'added', name: 'htop', to: ['3.3.0'] },
      { kind: 'removed', name: 'nano', from: ['7.2'] },
      { kind: 'changed', name: 'openssl', from: ['3.0.13'], to: ['3.0.14'] },
    ]);
    assert.equal(diff.otherPathsChanged, 2, 'etc and etc-new');
    assert.equal(diff.headSize, infos.get(head)!.closureSize, 'the size is Nix\'s own closureSize');
    // Newer Nix prints an object keyed by path: the same diff.
    const byPath = Object.fromEntries([...infos].map(([p, i]) => [p, { narSize: i.narSize, closureSize: i.closureSize, references: i.references }]));
    assert.deepEqual(diffClosures('cp-1', base, head, parsePathInfo(JSON.stringify(byPath))), diff);
  });

  test('fleetc plan --closures: one evaluation per revision, each changed host\'s system, packages and closure size in the plan and the PR comment', async (t) => {
    if (!requireTools(t, 'nix', 'nix-instantiate', 'git', 'python3', 'ssh-keygen')) return;
    const lab = new Lab(tempDir(t));
    t.after(() => lab.stop());
    const c0 = await lab.commit('fleet');
    lab.repo.rewrite('fleet/profiles/worker.yaml', () => 'extends: base\nservices: [novanet]\npackages: [htop]\n');
    const c1 = await lab.commit('htop on workers');
    const before = realSystem('nixos-system-wk-1-26.05', ['openssl-3.0.13', 'novanet-1.0']);
    const after = realSystem('nixos-system-wk-1-26.05', ['openssl-3.0.13', 'novanet-1.0', 'htop-3.3.0']);
    writeFileSync(`${lab.dir}/toplevels.json`, JSON.stringify({ [`wk-1:${c0}`]: before, [`wk-1:${c1}`]: after }));
    const text = await runFleetc(['plan', '--base', c0, '--head', c1, '--closures'], { cwd: lab.repo.root, env: lab.env });
    assert.equal(text.exitCode, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Closures \\(evaluated and built with Nix\\):\\nwk-1: ${before} → ${after}\\n  \\[A\\] htop 3\\.3\\.0\\n  closure: [\\d.]+ B → [\\d.]+ B \\(\\+\\d+ B\\)\\n`));
    const evaluations = lab.doubleCalls().filter((c) => c.tool === 'nix-eval-jobs');
    assert.equal(evaluations.length, 2, 'one pass at head, one at base');
    assert.ok(evaluations.every((e) => !/toplevel "cp-/.test(e.expression!)), 'hosts whose system does not change are not evaluated');
    const markdown = await runFleetc(['plan', '--base', c0, '--head', c1, '--closures', '--format', 'markdown'], { cwd: lab.repo.root, env: lab.env });
    assert.match(markdown.stdout, /### Closures\n\n<details><summary><code>wk-1<\/code>: 1 package change\(s\), closure [\d.]+ B → [\d.]+ B<\/summary>\n\n```\nwk-1: /);
  });
});
