// flake.lock, written by fleetc build from fleet.yaml: the nodes Nix records, and real Nix 2.8
// reading it — offline, each github node found in the store by its narHash or not at all.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { pinFlakeInput } from '../../src/resolve/inputs.ts';
import { compileExample } from '../helpers/example.ts';
import { applyOverlay, compileFleet, makeFleet } from '../helpers/fleet.ts';
import { EXAMPLE_FLEET, EXAMPLE_ROOT } from '../helpers/paths.ts';
import { addDiskoToStore, requireNixSources, unpackNixSources } from '../helpers/nix-src.ts';
import { commitAll, exampleFlakeRepository } from '../helpers/flake-repo.ts';
import { tempDir } from '../helpers/tmp.ts';
import { standinDir } from '../nixos-standin/standin.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

const DISKO = { rev: 'de5708739256238fb912c62f03988815db89ec9a', narHash: 'sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=', lastModified: 1768920986 };

test('each kind of input gets the locked and original attributes Nix records for it', () => {
  const github = pinFlakeInput('nixpkgs', { url: 'github:NixOS/nixpkgs/nixos-26.05', rev: 'a'.repeat(40), narHash: `sha256-${'A'.repeat(43)}=`, lastModified: 1791426274 });
  assert.equal(github.pinned, `github:NixOS/nixpkgs/${'a'.repeat(40)}`);
  // The rev replaces the branch in flake.nix, so the lock's original names the rev too (Nix compares them).
  assert.deepEqual(github.lock, {
    original: { owner: 'NixOS', repo: 'nixpkgs', rev: 'a'.repeat(40), type: 'github' },
    locked: { owner: 'NixOS', repo: 'nixpkgs', rev: 'a'.repeat(40), type: 'github', narHash: `sha256-${'A'.repeat(43)}=`, lastModified: 1791426274 },
  });
  const subdir = pinFlakeInput('tools', { url: 'gitlab:team/tools?dir=nix&host=git.example.com', rev: 'b'.repeat(40), narHash: `sha256-${'B'.repeat(43)}=` });
  assert.equal(subdir.pinned, `gitlab:team/tools/${'b'.repeat(40)}?dir=nix&host=git.example.com`);
  assert.deepEqual(subdir.lock.original, { owner: 'team', repo: 'tools', type: 'gitlab', dir: 'nix', host: 'git.example.com', rev: 'b'.repeat(40) });
  const git = pinFlakeInput('platform', { url: 'git+https://git.example.com/photon/platform.git?ref=release', rev: 'c'.repeat(40), narHash: `sha256-${'C'.repeat(43)}=` });
  assert.equal(git.pinned, `git+https://git.example.com/photon/platform.git?ref=release&rev=${'c'.repeat(40)}`);
  assert.deepEqual(git.lock.original, { type: 'git', url: 'https://git.example.com/photon/platform.git', ref: 'release', rev: 'c'.repeat(40) });
  // A flake of the same repository: Nix >= 2.26 locks it by its path relative to the root flake
  // (src/libflake/flake.cc: `parent`, no narHash), as in public lock files written by Nix itself.
  const local = pinFlakeInput('platform', { url: 'path:./nix/platform', follows: { nixpkgs: 'nixpkgs' } });
  assert.deepEqual(local.lock, { original: { path: './nix/platform', type: 'path' }, locked: { path: './nix/platform', type: 'path' }, parent: [] });
  assert.deepEqual(pinFlakeInput('disko', { url: 'github:nix-community/disko', ...DISKO }).follows, { nixpkgs: 'nixpkgs' }, 'disko follows nixpkgs by default');
});

test('the example lock is what Nix writes: version 7, sorted keys, two-space indent, follows as input paths', async () => {
  const { artifacts } = await compileExample();
  const lock = artifacts!.find((a) => a.root && a.path === 'flake.lock')!;
  assert.equal(lock.contents, readFileSync(path.join(EXAMPLE_ROOT, 'flake.lock'), 'utf8'));
  const parsed = JSON.parse(lock.contents) as { version: number; root: string; nodes: Record<string, { inputs?: Record<string, unknown>; locked?: Record<string, unknown> }> };
  assert.equal(parsed.version, 7);
  assert.equal(lock.contents, `${JSON.stringify(sortDeep(parsed), null, 2)}\n`);
  assert.deepEqual(parsed.nodes.root!.inputs, { disko: 'disko', nixpkgs: 'nixpkgs', platform: 'platform' });
  assert.deepEqual(parsed.nodes.disko!.inputs, { nixpkgs: ['nixpkgs'] });
  assert.equal(parsed.nodes.disko!.locked!.narHash, DISKO.narHash);
});

test("disko's narHash is the NAR hash of the disko 1.13.0 release source", (t) => {
  if (!requireTools(t, 'nix', 'tar')) return;
  const sources = requireNixSources(t);
  if (!sources) return;
  const hash = execFileSync('nix', ['hash', 'path', unpackNixSources(t, sources).disko], { env: NIX_ENV, encoding: 'utf8' }).trim();
  assert.equal(hash, DISKO.narHash);
  const example = readFileSync(path.join(EXAMPLE_FLEET, 'fleet.yaml'), 'utf8');
  assert.ok(example.includes(`rev: ${DISKO.rev}`) && example.includes(`narHash: ${DISKO.narHash}`), 'the example pins this disko');
});

/**
 * A git repository holding a compiled fleet's flake, its generated/ and nix/, and real disko's source
 * added to the store under the name Nix gives a fetched tree ("source"): a github node whose narHash
 * is right is then found offline, and one whose narHash is wrong makes Nix try the network.
 */
async function flakeRepository(t: TestContext, sources: string, nixpkgsAsDisko: boolean): Promise<{ repo: string; storePath: string }> {
  const root = tempDir(t);
  const disko = `{ url: "github:nix-community/disko", rev: "${DISKO.rev}", narHash: "${DISKO.narHash}", lastModified: ${DISKO.lastModified} }`;
  // Only disko's source exists here; pinned as nixpkgs too, it lets Nix check both nodes without overrides.
  const nixpkgs = nixpkgsAsDisko ? `{ url: "github:nix-community/disko", rev: "${DISKO.rev}", narHash: "${DISKO.narHash}", lastModified: ${DISKO.lastModified} }` : undefined;
  const paths = makeFleet(root);
  let fleetYaml = readFileSync(path.join(paths.fleetDir, 'fleet.yaml'), 'utf8').replace(/^  disko: .*$/m, `  disko: ${disko}`);
  if (nixpkgs) fleetYaml = fleetYaml.replace(/^  nixpkgs: .*$/m, `  nixpkgs: ${nixpkgs}`);
  applyOverlay(paths.fleetDir, { 'fleet.yaml': fleetYaml });
  const result = await compileFleet({ ...paths, nixDir: path.join(root, 'nix') });
  assert.ok(result.artifacts, JSON.stringify(result.diagnostics));
  for (const artifact of result.artifacts) {
    const file = path.join(artifact.root ? root : paths.outDir, artifact.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, artifact.contents);
  }
  commitAll(root, 'fleet');
  const storePath = addDiskoToStore(t, sources);
  return { repo: root, storePath };
}

function archive(repo: string, ...extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('unshare', ['-n', 'nix', 'flake', 'archive', '--json', '--no-update-lock-file', '--no-write-lock-file', `git+file://${repo}`, ...extra], { env: NIX_ENV, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('Nix accepts the generated lock as up to date for flake.nix, and finds each github input offline by its narHash', async (t) => {
  if (!requireTools(t, 'nix', 'nix-store', 'unshare', 'git', 'tar')) return;
  const sources = requireNixSources(t);
  if (!sources) return;
  const { repo, storePath } = await flakeRepository(t, sources, true);
  // --no-update-lock-file: a lock that did not match flake.nix's inputs (their original, follows) is an error.
  const ok = archive(repo);
  assert.equal(ok.status, 0, ok.stderr);
  const inputs = (JSON.parse(ok.stdout) as { inputs: Record<string, { path: string }> }).inputs;
  assert.equal(inputs.disko!.path, storePath);
  assert.equal(inputs.nixpkgs!.path, storePath);

  // One character of disko's narHash wrong: the store has no such source, so Nix must download it.
  const lockFile = path.join(repo, 'flake.lock');
  writeFileSync(lockFile, readFileSync(lockFile, 'utf8').replaceAll(DISKO.narHash, DISKO.narHash.replace('CNzz', 'CNzy')));
  execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qam', 'wrong hash']);
  const bad = archive(repo);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /api\.github\.com|download/);
});

test('the example flake and its lock are read by Nix 2.8 with only nixpkgs replaced by a stand-in', async (t) => {
  if (!requireTools(t, 'nix', 'nix-store', 'unshare', 'git', 'tar')) return;
  const sources = requireNixSources(t);
  if (!sources) return;
  const { storePath } = await flakeRepository(t, sources, true); // puts disko's source in the store
  const { repo, relative } = exampleFlakeRepository(t);
  assert.deepEqual(relative, ['platform']);
  const run = archive(repo, '--override-input', 'nixpkgs', `path:${standinDir(t)}`, '--override-input', 'platform', `path:${repo}/nix/platform`);
  assert.equal(run.status, 0, run.stderr);
  const inputs = (JSON.parse(run.stdout) as { inputs: Record<string, { path: string }> }).inputs;
  assert.equal(inputs.disko!.path, storePath, "the example's disko node is the real disko 1.13.0 source");
});

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortDeep((value as Record<string, unknown>)[key])]));
}
