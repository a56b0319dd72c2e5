// fleetc's own flake (flake.nix, package.nix at the repository root), evaluated by Nix offline with a
// stand-in nixpkgs on nixpkgs' real lib: it cannot be built here (no nixpkgs, no network), so the
// test reads what it would build — the package's recipe, the app and the development shell. The
// repository is read as git reads it (its tracked files), as `nix run github:…` would.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { requireNixSources, unpackNixSources } from '../helpers/nix-src.ts';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

test('fleetc\'s flake: packages.default is the npm package of this repository, the app runs its fleetc, the shell has Node.js and the test tools', (t) => {
  if (!requireTools(t, 'nix', 'unshare', 'git')) return;
  const sources = requireNixSources(t);
  if (!sources) return;
  const stub = path.join(tempDir(t), 'nixpkgs');
  cpSync(path.join(FIXTURES, 'stub-flakes/nixpkgs-packaging'), stub, { recursive: true });
  cpSync(unpackNixSources(t, sources).nixpkgsLib, path.join(stub, 'nixpkgs-lib'), { recursive: true });
  const evaluate = (attr: string, apply: string) => JSON.parse(execFileSync('unshare', ['-n', 'nix', 'eval', '--json', '--no-write-lock-file', `git+file://${REPO_ROOT}#${attr}`, '--override-input', 'nixpkgs', `path:${stub}`, '--apply', apply], { env: NIX_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));

  const recipe = evaluate('packages.x86_64-linux.default', `p: { inherit (p) name; inherit (p.recipe) pname version dontNpmBuild npmFlags; deps = p.recipe.npmDeps.importedFrom != null; hook = p.recipe.npmConfigHook; main = p.recipe.meta.mainProgram; files = builtins.attrNames (builtins.readDir p.recipe.src); }`);
  assert.deepEqual(recipe.files.sort(), ['README.md', 'actions', 'bin', 'dist', 'docs', 'examples', 'nix', 'package-lock.json', 'package.json', 'schema', 'templates']);
  assert.equal(recipe.pname, 'fleetc');
  assert.equal(recipe.version, JSON.parse(execFileSync('node', ['-p', `JSON.stringify(require('${REPO_ROOT}package.json').version)`], { encoding: 'utf8' })));
  assert.equal(recipe.dontNpmBuild, true, 'the committed bundle runs; nothing is built');
  assert.deepEqual(recipe.npmFlags, ['--ignore-scripts']);
  assert.equal(recipe.hook, 'importNpmLock.npmConfigHook');
  assert.equal(recipe.main, 'fleetc');

  assert.equal(evaluate('apps.aarch64-linux.default', 'a: a.type'), 'app');
  assert.match(evaluate('apps.x86_64-linux.default', 'a: a.program'), /-fleetc-[0-9.]+\/bin\/fleetc$/);
  assert.ok(evaluate('devShells.x86_64-linux.default', 's: s.shellPackages').includes('nodejs'));
});
