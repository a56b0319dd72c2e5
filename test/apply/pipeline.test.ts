// The deploy pipeline's commands against the real consumers that run here: the nix-eval-jobs
// expression evaluated by this machine's Nix against a flake at a commit, the dead-man timer's and
// the switch's systemd-run command lines parsed by the real systemd-run (and split by a real shell,
// as ssh's remote side does), and nix-eval-jobs' output format as its README shows it.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { confirmCommand, deadManCommand, setProfile, switchCommand } from '../../src/apply/activation.ts';
import { buildArgv, chunks, nixSystemOf } from '../../src/apply/closures.ts';
import { evaluationExpression, parseEvaluation } from '../../src/apply/evaluate.ts';
import { commitAll } from '../helpers/flake-repo.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

test('the evaluation expression gives each host its own config.system.build.toplevel, read by real Nix from the flake at the commit', (t) => {
  if (!requireTools(t, 'nix-instantiate', 'git')) return;
  const repo = tempDir(t);
  // A flake of two systems whose derivations differ by host (no nixpkgs here: builtins.derivation).
  writeFileSync(path.join(repo, 'flake.nix'), `{
  outputs = { self }: let system = name: { config.system.build.toplevel = derivation { name = "nixos-system-\${name}"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo \${name} > $out" ]; }; }; in {
    nixosConfigurations = { "cp-1" = system "cp-1"; "wk.1" = system "wk.1"; unused = throw "not evaluated"; };
  };
}
`);
  commitAll(repo, 'flake');
  const rev = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const file = path.join(tempDir(t), 'evaluate.nix');
  writeFileSync(file, evaluationExpression(`git+file://${repo}?rev=${rev}`, ['cp-1', 'wk.1']));
  execFileSync('nix-instantiate', ['--parse', file], { env: NIX_ENV, stdio: 'pipe' });
  const names = JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '--expr', `builtins.mapAttrs (host: toplevel: toplevel.name) (import ${file})`], { env: NIX_ENV, encoding: 'utf8' }));
  assert.deepEqual(names, { 'cp-1': 'nixos-system-cp-1', 'wk.1': 'nixos-system-wk.1' }, 'only the run\'s hosts, each its own system (the throwing one is never forced)');
});

test('nix-eval-jobs output: derivations, errors per host, and a host it never reported', () => {
  // Lines as nix-eval-jobs prints them (its README's example, nix-community/nix-eval-jobs).
  const stdout = [
    '{"attr":"cp-1","attrPath":["cp-1"],"drvPath":"/nix/store/8hq9f09xa5s6g9m02lw0sw59kkkvj57c-nixos-system-cp-1-26.05.drv","name":"nixos-system-cp-1-26.05","outputs":{"out":"/nix/store/dwf255bdbfvvbiqak941r83zlvxyipcs-nixos-system-cp-1-26.05"},"system":"x86_64-linux"}',
    '{"attr":"cp-2","attrPath":["cp-2"],"error":"error: attribute \'htop\' missing\\n\\n       at /nix/store/…/host.nix:3:5"}',
    'warning: some noise on stdout',
  ].join('\n');
  const evaluation = parseEvaluation(stdout, ['cp-1', 'cp-2', 'cp-3']);
  assert.deepEqual(evaluation.toplevels.get('cp-1'), { host: 'cp-1', drvPath: '/nix/store/8hq9f09xa5s6g9m02lw0sw59kkkvj57c-nixos-system-cp-1-26.05.drv', outPath: '/nix/store/dwf255bdbfvvbiqak941r83zlvxyipcs-nixos-system-cp-1-26.05', system: 'x86_64-linux' });
  assert.match(evaluation.errors.get('cp-2')!, /attribute 'htop' missing/);
  assert.match(evaluation.errors.get('cp-3')!, /did not report this host/);
});

test('nix build: the deployer\'s own platform may build locally; another builds only on builders; --builders passes through', () => {
  const settings = { localSystem: 'x86_64-linux', timeoutMs: 1 };
  assert.deepEqual(buildArgv(['/nix/store/a.drv'], 'x86_64-linux', settings), ['nix', '--extra-experimental-features', 'nix-command', 'build', '--no-link', '--print-out-paths', '/nix/store/a.drv^out']);
  assert.deepEqual(buildArgv(['/nix/store/b.drv'], 'aarch64-linux', { ...settings, builders: 'ssh-ng://arm1 aarch64-linux' }), ['nix', '--extra-experimental-features', 'nix-command', 'build', '--no-link', '--print-out-paths', '--builders', 'ssh-ng://arm1 aarch64-linux', '--max-jobs', '0', '/nix/store/b.drv^out']);
  assert.equal(nixSystemOf('arm64'), 'aarch64-linux');
  assert.equal(nixSystemOf('x64'), 'x86_64-linux');
  assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
});

test('the dead-man timer, the switch and the confirmation: the remote shell splits them into the words meant, real systemd-run accepts every option', (t) => {
  if (!requireTools(t, 'systemd-run', 'bash')) return;
  const previous = '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-nixos-system-cp-1-26.05';
  const armed = deadManCommand('20261201T120000-abc123', previous, 90);
  // ssh joins its arguments with spaces; the user's shell on the host splits them again.
  const words = execFileSync('bash', ['-c', `for w in ${armed.join(' ')}; do printf '%s\\n' "$w"; done`], { encoding: 'utf8' }).trimEnd().split('\n');
  assert.deepEqual(words, ['systemd-run', '--unit=fleetc-rollback-20261201T120000-abc123', '--description=fleetc: reactivate the previous generation unless apply confirms', '--on-active=90s', '--timer-property=AccuracySec=1s', '--collect', '/bin/sh', '-c', `nix-env -p /nix/var/nix/profiles/system --set ${previous} && ${previous}/bin/switch-to-configuration switch`]);
  execFileSync('sh', ['-n', '-c', words.at(-1)!]);
  assert.deepEqual(confirmCommand('20261201T120000-abc123'), ['systemctl', 'stop', 'fleetc-rollback-20261201T120000-abc123.timer']);
  assert.deepEqual(setProfile(previous), ['nix-env', '-p', '/nix/var/nix/profiles/system', '--set', previous]);
  // This machine runs no systemd: systemd-run parses its options, then fails to reach the bus (or,
  // for the switch, to find the system's switch-to-configuration, which it checks next). An option
  // it does not know stops it earlier, with "unrecognized option" / "Failed to parse".
  for (const argv of [words, switchCommand(previous, 'switch')]) {
    const run = spawnSync('systemd-run', argv.slice(1), { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' } });
    assert.notEqual(run.status, 0);
    assert.doesNotMatch(run.stderr, /unrecognized option|invalid option|Failed to parse|Unknown/i, run.stderr);
    assert.match(run.stderr, /bus|not been booted|connect|Failed to find executable .*\/bin\/switch-to-configuration/i, run.stderr);
  }
});
