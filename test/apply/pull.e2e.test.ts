// apply through a binary cache, against real sshd hosts: one nix-eval-jobs pass for every host, one
// nix build per platform (aarch64 only on builders), one signed push to deploy.cache, each host
// pulling with nix copy --substitute-on-destination, then set profile, dead-man timer, switch,
// health, confirm. A configuration that stops sshd heals itself on the host's own timer.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { hasStackTrace, runFleetc, type CliResult } from '../helpers/cli.ts';
import { Lab } from '../helpers/lab.ts';
import { requireTools } from '../helpers/tools.ts';

type Ctx = TestContext;
const KEY_ENV = 'FLEETC_TEST_CACHE_KEY';

/** A lab fleet adopted at its first commit, then given deploy.cache (a file:// cache) and a change. */
async function cachedLab(t: Ctx, confirmTimeoutSeconds: number): Promise<{ lab: Lab; c1: string }> {
  // Stopped before its directory goes: the processes the fake hosts started are found from their pid files.
  const root = mkdtempSync(path.join(tmpdir(), 'fleetc-pull-'));
  const lab = new Lab(root);
  t.after(async () => {
    await lab.stop();
    rmSync(root, { recursive: true, force: true });
  });
  await lab.start();
  lab.repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('hardware:\n', 'hardware:\n  arch: aarch64\n'));
  lab.setFlag('wk-1', 'system', 'aarch64-linux');
  await lab.commit('fleet');
  const adopt = await apply(lab, '--base', 'HEAD');
  assert.equal(adopt.exitCode, 0, adopt.stderr + adopt.stdout);
  lab.repo.rewrite('fleet/fleet.yaml', (s) => s.replace('healthTimeoutSeconds: 3 }', `healthTimeoutSeconds: 3, confirmTimeoutSeconds: ${confirmTimeoutSeconds}, cache: { url: "file://${lab.dir}/cache", signingKey: { env: ${KEY_ENV} } } }`));
  lab.repo.rewrite('fleet/profiles/base.yaml', () => 'modules: [profiles/base.nix]\npackages: [htop]\n');
  return { lab, c1: await lab.commit('htop everywhere, through the cache') };
}

function apply(lab: Lab, ...args: string[]): Promise<CliResult> {
  const key = `fleet-cache-1:${randomBytes(64).toString('base64')}`;
  return runFleetc(['apply', '--identity', lab.clientKey, '--no-remote', '--log-dir', `${lab.dir}/runs`, ...args], { cwd: lab.repo.root, env: { ...lab.env, [KEY_ENV]: key } });
}

describe('fleetc apply with deploy.cache', () => {
  test('evaluate once, build per platform, push once signed, every host pulls; dead-man armed, then confirmed after health', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab, c1 } = await cachedLab(t, 30);
    const run = await apply(lab);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.ok(!hasStackTrace(run.stdout + run.stderr));

    const calls = lab.doubleCalls();
    assert.ok(!calls.some((c) => c.tool === 'nixos-rebuild'), 'no host is rebuilt on its own');
    const evaluations = calls.filter((c) => c.tool === 'nix-eval-jobs');
    assert.equal(evaluations.length, 1, 'one evaluation for the whole run');
    const [evaluation] = evaluations;
    assert.deepEqual(evaluation!.argv.slice(0, 5), ['--workers', '4', '--max-memory-size', '4096', '--gc-roots-dir']);
    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.match(evaluation!.expression!, new RegExp(`"?${host}"? = toplevel "${host}";`));
    assert.match(evaluation!.expression!, new RegExp(`builtins\\.getFlake "git\\+file://${lab.repo.root}\\?rev=${c1}"`));

    const nix = calls.filter((c) => c.tool === 'nix').map((c) => c.argv.slice(2));
    const builds = nix.filter((a) => a[0] === 'build');
    assert.equal(builds.length, 2, 'one build per platform');
    const x86 = builds.find((a) => !a.includes('--max-jobs'))!;
    const arm = builds.find((a) => a.includes('--max-jobs'))!;
    assert.deepEqual(x86.slice(0, 3), ['build', '--no-link', '--print-out-paths']);
    assert.equal(x86.filter((a) => a.endsWith('.drv^out')).length, 3);
    assert.deepEqual(arm.slice(0, 5), ['build', '--no-link', '--print-out-paths', '--max-jobs', '0'], 'aarch64 builds only on builders');
    assert.match(arm[5]!, /-nixos-system-wk-1-[0-9a-f]{40}\.drv\^out$/);

    const signs = nix.filter((a) => a[0] === 'store');
    assert.equal(signs.length, 1);
    const keyFile = signs[0]![signs[0]!.indexOf('--key-file') + 1]!;
    assert.ok(!existsSync(keyFile), 'the key written from the environment is removed after signing');
    assert.equal(signs[0]!.slice(signs[0]!.indexOf('--recursive') + 1).length, 4);
    const pushes = nix.filter((a) => a[0] === 'copy' && a[2]!.startsWith('file://'));
    assert.equal(pushes.length, 1, 'pushed once');
    assert.equal(pushes[0]!.length, 3 + 4);

    const pulls = calls.filter((c) => c.tool === 'nix' && c.argv[4]!.startsWith('ssh-ng://'));
    assert.deepEqual(pulls.map((c) => c.argv[4]), ['cp-1', 'cp-2', 'cp-3', 'wk-1'].map((h) => `ssh-ng://root@${lab.address(h)}`));
    for (const pull of pulls) {
      assert.deepEqual(pull.argv.slice(0, 4), ['--extra-experimental-features', 'nix-command', 'copy', '--to']);
      assert.equal(pull.argv[5], '--substitute-on-destination');
      const knownHosts = /UserKnownHostsFile=(\S+)/.exec(pull.NIX_SSHOPTS!)![1]!;
      assert.equal(pull.NIX_SSHOPTS, `-F /dev/null -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=10 -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -o IdentityFile=${lab.clientKey} -o IdentitiesOnly=yes`);
    }

    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) {
      assert.equal(lab.current(host), c1);
      const system = pulls.find((c) => c.argv[4]!.endsWith(`@${lab.address(host)}`))!.argv[6]!;
      const commands = lab.commandsOn(host).filter((c) => !c.startsWith('true') && !c.startsWith('systemctl is-active') && !c.startsWith('cat /proc'));
      const unit = /--unit=(fleetc-rollback-\S+)/.exec(commands.join('\n'))![1]!;
      assert.deepEqual(commands.slice(-6), [
        'readlink -f /run/current-system',
        `nix-env -p /nix/var/nix/profiles/system --set ${system}`,
        commands.at(-4)!,
        `systemd-run -E LOCALE_ARCHIVE -E NIXOS_INSTALL_BOOTLOADER --collect --no-ask-password --pipe --quiet --service-type=exec --unit=nixos-rebuild-switch-to-configuration --wait ${system}/bin/switch-to-configuration switch`,
        `systemctl stop ${unit}.timer`,
        'readlink -f /run/current-system',
      ]);
      assert.match(commands.at(-4)!, new RegExp(`^systemd-run --unit=${unit} '--description=fleetc: reactivate the previous generation unless apply confirms' --on-active=30s --timer-property=AccuracySec=1s --collect /bin/sh -c 'nix-env -p /nix/var/nix/profiles/system --set /nix/store/[0-9a-z]{32}-nixos-system-${host}-initial && /nix/store/[0-9a-z]{32}-nixos-system-${host}-initial/bin/switch-to-configuration switch'$`));
      assert.deepEqual(lab.eventsOn(host), [`${unit} armed for 30s`, `${unit} confirmed`]);
    }
  });

  test('a configuration that stops sshd heals itself: the host\'s timer reactivates the previous generation; apply reports it rolled back, halts, exit 4', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab, c1 } = await cachedLab(t, 10);
    lab.setFlag('cp-2', 'cut-off', c1);
    const run = await apply(lab);
    assert.equal(run.exitCode, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /cp-2: rolled-back .*the switch cut the SSH connection .*its dead-man timer reactivated the previous generation/);
    assert.match(run.stdout, /HALTED: cp-2 rolled-back: no further host is started/);
    assert.equal(lab.current('cp-1'), c1);
    assert.equal(lab.current('cp-2'), 'initial', 'cp-2 is back on its previous generation');
    const events = lab.eventsOn('cp-2');
    assert.equal(events.length, 4, events.join('\n'));
    assert.match(events[0]!, /^fleetc-rollback-\S+ armed for 10s$/);
    assert.equal(events[1], `activation of ${c1} stops sshd`);
    assert.match(events[2]!, /^fleetc-rollback-\S+ fired$/);
    assert.equal(events[3], 'sshd started again');
    assert.ok(!lab.commandsOn('cp-2').some((c) => c.startsWith('systemctl stop fleetc-rollback')), 'apply never confirmed cp-2');
    assert.ok(lab.commandsOn('cp-2').filter((c) => c === 'readlink -f /run/current-system').length >= 2, 'apply saw cp-2 answer again, on its previous generation');
    assert.ok(!lab.commandsOn('cp-3').some((c) => c.startsWith('nix-env')), 'cp-3 was never changed');
    assert.ok(!lab.commandsOn('wk-1').some((c) => c.startsWith('nix-env')), 'wk-1 was never changed');
    const status = await runFleetc(['status', '--no-remote', '--format', 'json'], { cwd: lab.repo.root, env: lab.env });
    const hosts = Object.fromEntries((JSON.parse(status.stdout).hosts as Array<{ host: string; pending: string; last?: { result: string } }>).map((h) => [h.host, h]));
    assert.equal(hosts['cp-2']!.last!.result, 'rolled-back');
    assert.equal(hosts['cp-2']!.pending, 'changes pending');
  });

  test('a host that answers but fails its health check: apply stops the timer and reactivates the previous generation itself', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab, c1 } = await cachedLab(t, 30);
    lab.setFlag('cp-1', 'unhealthy', c1);
    const run = await apply(lab);
    assert.equal(run.exitCode, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /cp-1: rolled-back .*health check failed/);
    assert.equal(lab.current('cp-1'), 'initial');
    const commands = lab.commandsOn('cp-1');
    const unit = /--unit=(fleetc-rollback-\S+)/.exec(commands.join('\n'))![1]!;
    const stopped = commands.indexOf(`systemctl stop ${unit}.timer`);
    assert.ok(stopped > 0 && commands[stopped + 1]!.startsWith("/bin/sh -c 'nix-env -p /nix/var/nix/profiles/system --set /nix/store/"), 'the timer is stopped before apply\'s own rollback');
    assert.deepEqual(lab.eventsOn('cp-1'), [`${unit} armed for 30s`, `${unit} confirmed`]);
    assert.ok(!lab.commandsOn('cp-2').some((c) => c.startsWith('nix-env')), 'cp-2 was never changed');
  });

  test('a change that needs a reboot goes through the cache too: pulled, made the boot entry, rebooted into', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab } = await cachedLab(t, 30);
    lab.repo.rewrite('fleet/hosts/cp-1.yaml', (s) => `${s}kernel: { params: [mitigations=auto] }\n`);
    const c2 = await lab.commit('kernel param on cp-1');
    const run = await apply(lab, '--only', 'cp-1');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.ok(!lab.doubleCalls().some((c) => c.tool === 'nixos-rebuild'));
    const [evaluation] = lab.doubleCalls().filter((c) => c.tool === 'nix-eval-jobs');
    assert.match(evaluation!.expression!, /toplevel "cp-1"/);
    const system = lab.doubleCalls().find((c) => c.tool === 'nix' && c.argv[4]?.startsWith('ssh-ng://'))!.argv[6]!;
    assert.deepEqual(lab.commandsOn('cp-1').filter((c) => !c.startsWith('systemctl is-active') && c !== 'true'), [
      'readlink -f /nix/var/nix/profiles/system',
      `nix-env -p /nix/var/nix/profiles/system --set ${system}`,
      `systemd-run -E LOCALE_ARCHIVE -E NIXOS_INSTALL_BOOTLOADER --collect --no-ask-password --pipe --quiet --service-type=exec --unit=nixos-rebuild-switch-to-configuration --wait ${system}/bin/switch-to-configuration boot`,
      'cat /proc/sys/kernel/random/boot_id',
      'systemctl reboot',
      'cat /proc/sys/kernel/random/boot_id',
    ]);
    assert.equal(lab.current('cp-1'), c2, 'the reboot activated the new boot entry');
  });

  test('--dry-run shows the whole pipeline in order and runs nothing', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab } = await cachedLab(t, 30);
    const run = await apply(lab, '--dry-run');
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(lab.doubleCalls(), [], 'nothing ran');
    const order = ['deployer: \\$ nix-eval-jobs --workers 4', 'build --no-link --print-out-paths --max-jobs 0 \'<wk-1\\.drv>\\^out\'', 'build --no-link --print-out-paths \'<cp-1\\.drv>\\^out\'', 'store sign --key-file \'<a private file holding \\$FLEETC_TEST_CACHE_KEY>\'', 'copy --to file://', 'cp-1: \\$ NIX_SSHOPTS=… nix --extra-experimental-features nix-command copy --to ssh-ng://', '--unit=fleetc-rollback-'];
    assert.match(run.stdout, new RegExp(order.join('[\\s\\S]*')));
  });

  test('an evaluation error stops the run before any host is touched', async (t) => {
    if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'git', 'python3')) return;
    const { lab } = await cachedLab(t, 30);
    lab.setFlag('wk-1', 'fail-eval');
    const run = await apply(lab);
    assert.equal(run.exitCode, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /evaluation failed for wk-1: error: attribute 'htop' missing .*; no host was changed/);
    assert.deepEqual(lab.doubleCalls().map((c) => c.tool), ['nix-eval-jobs']);
    for (const host of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) assert.equal(lab.current(host), 'initial');
  });
});
