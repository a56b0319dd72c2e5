// A deploy user other than root (ssh.user): a real sshd on loopback, a real system user and a real sudo
// with the rule fleetc's fleet.nix gives that user on NixOS (NOPASSWD: ALL). What apply sends runs as
// root — a script of several commands all of it, its redirections included — and root's commands
// are sent unchanged.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { ProcessRunner } from '../../src/apply/transports/command.ts';
import { asRoot, Ssh, type SshTarget } from '../../src/apply/transports/ssh.ts';
import { NixDeployer } from '../../src/apply/transports/nix.ts';
import { requireTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').on('connect', function (this: net.Socket) { this.end(); resolve(true); }).on('error', () => resolve(false)));
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

/** The argv nixos-rebuild gets for a switch as `user`. */
async function rebuildArgv(user: string): Promise<string[]> {
  let argv: string[] = [];
  const runner = { dryRun: true, run: async (spec: { argv: string[] }) => ((argv = spec.argv), { ok: true, exitCode: 0, stdout: '', stderr: '', timedOut: false }) };
  const ssh = new Ssh(runner as never, { knownHostsFile: '/dev/null', connectTimeoutSeconds: 5 });
  await new NixDeployer(runner as never, ssh, { flake: 'git+file:///repo?rev=0', timeoutMs: 1000 }).rebuild({ host: 'h', address: '10.0.0.1', port: 22, user, trust: { kind: 'pinned' } }, 'switch');
  return argv;
}

test('root’s commands go unchanged; another user’s run through sudo -n as one script, nixos-rebuild with --use-remote-sudo', async () => {
  assert.deepEqual(asRoot({ user: 'root' }, ['readlink', '-f', '/run/current-system']), ['readlink', '-f', '/run/current-system']);
  assert.deepEqual(asRoot({ user: 'deploy' }, ['systemctl', 'reboot']), ['sudo', '-n', '--', '/bin/sh', '-c', "'systemctl reboot'"]);
  assert.ok(!(await rebuildArgv('root')).includes('--use-remote-sudo'));
  assert.ok((await rebuildArgv('deploy')).includes('--use-remote-sudo'));
});

test('a deploy user with the NixOS sudo rule: what apply sends runs as root over a real sshd', async (t) => {
  if (!requireTools(t, 'sshd', 'ssh', 'ssh-keygen', 'sudo', 'visudo', 'useradd', 'userdel')) return;
  if (process.getuid?.() !== 0) return t.skip('needs root: creates a user and a sudoers rule');
  const dir = tempDir(t, 'fleetc-ssh-user-');
  chmodSync(dir, 0o755);
  const user = `fleetc-d${process.pid % 100000}`;
  const sudoers = `/etc/sudoers.d/fleetc-test-${process.pid}`;
  execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', user]);
  t.after(() => execFileSync('userdel', [user]));
  // sshd without PAM refuses an account whose password field is locked ("!"); "*" is no password.
  execFileSync('usermod', ['-p', '*', user]);
  // security.sudo.extraRules = [ { users = [ user ]; commands = [ { command = "ALL"; options = [ "NOPASSWD" ]; } ]; } ]
  // becomes this line (nixos/modules/security/sudo.nix writes `<user>\tALL=(ALL:ALL)\tNOPASSWD: ALL`).
  writeFileSync(`${dir}/sudoers`, `${user}\tALL=(ALL:ALL)\tNOPASSWD: ALL\n`, { mode: 0o440 });
  execFileSync('visudo', ['-cf', `${dir}/sudoers`]);
  writeFileSync(sudoers, readFileSync(`${dir}/sudoers`), { mode: 0o440 });
  t.after(() => rmSync(sudoers, { force: true }));

  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/host_key`]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/client_key`]);
  writeFileSync(`${dir}/authorized_keys`, readFileSync(`${dir}/client_key.pub`), { mode: 0o644 });
  const port = await freePort();
  writeFileSync(`${dir}/sshd_config`, [`ListenAddress 127.0.0.1:${port}`, `HostKey ${dir}/host_key`, `PidFile ${dir}/sshd.pid`, `AuthorizedKeysFile ${dir}/authorized_keys`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'LogLevel ERROR', ''].join('\n'));
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', `${dir}/sshd_config`], { stdio: 'ignore' });
  t.after(() => sshd.kill());
  await waitForPort(port);
  const [type, key] = readFileSync(`${dir}/host_key.pub`, 'utf8').split(' ');
  writeFileSync(`${dir}/known_hosts`, `[127.0.0.1]:${port} ${type} ${key}\n`);

  const ssh = new Ssh(new ProcessRunner(() => {}), { knownHostsFile: `${dir}/known_hosts`, identityFile: `${dir}/client_key`, connectTimeoutSeconds: 10 });
  const target: SshTarget = { host: 'h', address: '127.0.0.1', port, user, trust: { kind: 'pinned' } };
  const uid = await ssh.run(target, ['id', '-u']);
  assert.ok(uid.ok, uid.stderr);
  assert.equal(uid.stdout.trim(), '0', 'the command ran as root');
  // A script of several commands, as apply's credential delivery sends it: every part runs as root.
  const out = path.join(dir, 'out');
  const script = await ssh.run(target, [`umask 077 && id -u > ${out} && stat -c %U:%a ${out}`], 30_000);
  assert.ok(script.ok, script.stderr);
  assert.equal(script.stdout.trim(), 'root:600');
  assert.equal(readFileSync(out, 'utf8').trim(), '0');
  // stdin reaches the command under sudo (credentials are sent on stdin).
  const input = await ssh.run(target, ['cat'], 30_000, 'a secret\n');
  assert.equal(input.stdout, 'a secret', 'execa drops the final newline');
});
