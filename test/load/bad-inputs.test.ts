// Bad inputs never crash fleetc: each gives located diagnostics, exit 1, no stack trace, and the
// previously built output directory stays exactly as it was.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import path from 'node:path';
import { describe, test } from 'node:test';
import { listFiles } from '../../src/write/index.ts';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { FLEETC_BIN, EXAMPLE_NIX } from '../helpers/paths.ts';
import { requireTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

interface BadInput {
  name: string;
  /** Damages the fleet in <root>/fleet. */
  damage: (fleetDir: string) => void;
  /** Expected "file:line:col severity CODE" lines (file relative to the working directory). */
  expected: string[];
}

const wk1 = (fleetDir: string) => path.join(fleetDir, 'hosts/wk-1.yaml');

const CASES: BadInput[] = [
  { name: 'malformed YAML', damage: (d) => writeFileSync(wk1(d), 'profile: worker\nhardware: {disks: [\n'), expected: ['fleet/hosts/wk-1.yaml:3:1 error YAML_SYNTAX', 'fleet/hosts/wk-1.yaml:3:1 error YAML_SYNTAX'] },
  { name: 'wrong types', damage: (d) => writeFileSync(wk1(d), 'profile: 42\nhardware: yes\ninterfaces: {}\n'), expected: ['fleet/hosts/wk-1.yaml:1:10 error SCHEMA_TYPE', 'fleet/hosts/wk-1.yaml:2:11 error SCHEMA_TYPE', 'fleet/hosts/wk-1.yaml:3:13 error SCHEMA_TYPE'] },
  { name: 'a 5 MB file', damage: (d) => writeFileSync(wk1(d), `profile: worker\n${'# padding\n'.repeat(520_000)}`), expected: ['fleet/hosts/wk-1.yaml:1:1 error FILE_TOO_LARGE'] },
  { name: 'an empty file', damage: (d) => writeFileSync(wk1(d), ''), expected: ['fleet/hosts/wk-1.yaml:1:1 error FILE_EMPTY'] },
  { name: 'a binary file', damage: (d) => writeFileSync(wk1(d), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe])), expected: ['fleet/hosts/wk-1.yaml:1:1 error FILE_BINARY'] },
  { name: 'invalid UTF-8 without NUL bytes', damage: (d) => writeFileSync(wk1(d), Buffer.from('profile: w\xe9rker\n', 'latin1')), expected: ['fleet/hosts/wk-1.yaml:1:1 error FILE_BINARY'] },
  { name: 'a directory named x.yaml', damage: (d) => mkdirSync(path.join(d, 'hosts/x.yaml')), expected: ['fleet/hosts/x.yaml:1:1 error FILE_NOT_REGULAR'] },
  // Read without waiting for a writer: fleetc must not hang on it.
  { name: 'a FIFO named x.yaml', damage: (d) => execFileSync('mkfifo', [path.join(d, 'hosts/x.yaml')]), expected: ['fleet/hosts/x.yaml:1:1 error FILE_NOT_REGULAR'] },
  { name: 'a symlink loop', damage: (d) => symlinkSync('loop.yaml', path.join(d, 'hosts/loop.yaml')), expected: ['fleet/hosts/loop.yaml:1:1 error FILE_SYMLINK'] },
  { name: 'a directory symlink back into the fleet', damage: (d) => symlinkSync('..', path.join(d, 'hosts/again')), expected: ['fleet/hosts/again:1:1 error FILE_SYMLINK'] },
  { name: 'a dangling symlink', damage: (d) => symlinkSync('nowhere.yaml', path.join(d, 'hosts/gone.yaml')), expected: ['fleet/hosts/gone.yaml:1:1 error FILE_SYMLINK'] },
  // Git stores a link as a link: plan, reading commits, would not see its target; build must not either.
  { name: 'a symlink to a file inside the fleet', damage: (d) => symlinkSync('wk-1.yaml', path.join(d, 'hosts/wk-9.yaml')), expected: ['fleet/hosts/wk-9.yaml:1:1 error FILE_SYMLINK'] },
  { name: 'a symlink that leaves the repository (/etc/passwd)', damage: (d) => symlinkSync('/etc/passwd', path.join(d, 'hosts/evil.yaml')), expected: ['fleet/hosts/evil.yaml:1:1 error FILE_SYMLINK'] },
  { name: 'a symlinked directory that leaves the repository', damage: (d) => symlinkSync('/etc', path.join(d, 'profiles/etc')), expected: ['fleet/profiles/etc:1:1 error FILE_SYMLINK'] },
  { name: 'fleet.yml beside fleet.yaml', damage: (d) => writeFileSync(path.join(d, 'fleet.yml'), readFileSync(path.join(d, 'fleet.yaml'), 'utf8').replace('name: mini', 'name: other')), expected: ['fleet/fleet.yml:1:1 error FILE_DUPLICATE_KIND'] },
];

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await listFiles(dir);
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('bad inputs', () => {
  for (const c of CASES) {
    test(c.name, async (t) => {
      const root = tempDir(t);
      const paths = makeFleet(root);
      const args = ['--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'];
      assert.equal((await runFleetc(['build', ...args], { cwd: root })).exitCode, 0);
      const before = await snapshot(path.join(root, 'generated'));
      c.damage(paths.fleetDir);

      const build = await runFleetc(['build', ...args], { cwd: root });
      assert.equal(build.exitCode, 1, build.stderr);
      assert.ok(!hasStackTrace(build.stdout + build.stderr), build.stdout + build.stderr);
      assert.doesNotMatch(build.stdout + build.stderr, /root:x:0:0/, 'nothing behind a link is read, let alone printed');
      assert.match(build.stderr, /invalid; generated left untouched/);
      assert.deepEqual(await snapshot(path.join(root, 'generated')), before, 'generated/ is untouched');

      const validate = await runFleetc(['validate', '--format', 'json', ...args], { cwd: root });
      assert.equal(validate.exitCode, 1);
      const located = (JSON.parse(validate.stdout) as { diagnostics: Array<{ file: string; line: number; column: number; severity: string; code: string }> }).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`);
      assert.deepEqual(located, c.expected);
    });
  }

  test('a file this user may not read', async (t) => {
    if (!requireTools(t, 'setpriv')) return;
    const root = tempDir(t);
    const paths = makeFleet(root);
    chmodSync(root, 0o755);
    // nobody must reach fleetc itself: a checkout in a private directory (mktemp -d) gets o+x on its
    // ancestors for the test, restored after it.
    for (const dir of ancestors(FLEETC_BIN)) {
      const mode = statSync(dir).mode & 0o7777;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        t.after(() => chmodSync(dir, mode));
      }
    }
    chmodSync(path.join(paths.fleetDir, 'hosts/wk-1.yaml'), 0o000);
    // As an unprivileged user (root reads anything): nobody.
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, FLEETC_BIN, 'validate', '--format', 'json', '--no-cache', '--nix', EXAMPLE_NIX], { cwd: root, reject: false });
    assert.equal(r.exitCode, 1, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; file: string; line: number; column: number }> }).diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [['FILE_UNREADABLE', 'fleet/hosts/wk-1.yaml', 1, 1]]);
  });

  test('a missing fleet directory', async (t) => {
    const root = tempDir(t);
    const r = await runFleetc(['validate', '--format', 'json', '--fleet', 'nope'], { cwd: root });
    assert.equal(r.exitCode, 1);
    assert.deepEqual((JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; file: string; line: number; column: number }> }).diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [['FLEET_DIR_MISSING', 'nope', 1, 1]]);
  });
});

/** The directories above a file, nearest first, up to /. */
function ancestors(file: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === path.dirname(dir)) return dirs;
  }
}
