// The flake reference apply passes to nixos-rebuild, read by real Nix 2.8 offline: a repository
// whose path holds a space, #, %, &, +, quotes and non-ASCII letters, with the flake in a subdirectory
// whose name is as odd, evaluates the flake of exactly that commit. The reference apply built before
// (the path pasted in unencoded) is rejected by the same Nix.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { flakeReference, percentEncode } from '../../src/apply/flake-ref.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

const REV = '0123456789abcdef0123456789abcdef01234567';

test('the reference: every byte but unreserved characters percent-encoded, dir only below the top level', () => {
  assert.equal(flakeReference({ repoToplevel: '/srv/fleet', flakeDir: '', rev: REV }), `git+file:///srv/fleet?rev=${REV}`);
  assert.equal(flakeReference({ repoToplevel: '/srv/my fleet', flakeDir: 'generated', rev: REV }), `git+file:///srv/my%20fleet?rev=${REV}&dir=generated`);
  assert.equal(flakeReference({ repoToplevel: '/a#b?c&d=e%f+g', flakeDir: 'x/y z&dir=..', rev: REV }), `git+file:///a%23b%3Fc%26d%3De%25f%2Bg?rev=${REV}&dir=x%2Fy%20z%26dir%3D..`);
  assert.equal(percentEncode('café ü', true), 'caf%C3%A9%20%C3%BC');
  assert.throws(() => flakeReference({ repoToplevel: 'relative', flakeDir: '', rev: REV }), /must be absolute/);
  assert.throws(() => flakeReference({ repoToplevel: '/r', flakeDir: '../x', rev: REV }), /not a directory inside the repository/);
  assert.throws(() => flakeReference({ repoToplevel: '/r', flakeDir: '', rev: 'HEAD' }), /not a full commit id/);
});

test('Nix 2.8 evaluates the flake the reference names, in a repository path full of odd characters', (t) => {
  if (!requireTools(t, 'nix', 'unshare', 'git')) return;
  const base = tempDir(t);
  const repo = path.join(base, `my fleet #1 (ü) & co+50% "it's";=@`);
  const flakeDir = 'sub dir #2&x=y';
  mkdirSync(path.join(repo, flakeDir), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
  git('init', '-q');
  writeFileSync(path.join(repo, flakeDir, 'flake.nix'), '{ outputs = { self }: { answer = 42; }; }\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  const rev = git('rev-parse', 'HEAD');
  // A second commit the reference must not pick up: it pins the first.
  writeFileSync(path.join(repo, flakeDir, 'flake.nix'), '{ outputs = { self }: { answer = 43; }; }\n');
  git('commit', '-q', '-a', '-m', 'second');

  const env = { ...NIX_ENV, HOME: base, XDG_CACHE_HOME: path.join(base, 'cache') };
  const nix = (...args: string[]) => spawnSync('unshare', ['-n', 'nix', ...args], { env, encoding: 'utf8' });
  const reference = flakeReference({ repoToplevel: repo, flakeDir, rev });
  const evaluated = nix('eval', '--json', `${reference}#answer`);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.equal(evaluated.stdout.trim(), '42');
  const metadata = nix('flake', 'metadata', '--json', reference);
  assert.equal(metadata.status, 0, metadata.stderr);
  assert.equal((JSON.parse(metadata.stdout) as { revision: string }).revision, rev);

  const unencoded = nix('eval', '--json', `git+file://${repo}?dir=${flakeDir}&rev=${rev}#answer`);
  assert.notEqual(unencoded.status, 0, 'the old reference is not accepted');
});
