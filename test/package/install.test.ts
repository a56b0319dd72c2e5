// fleetc as a fleet repository installs it: `npm pack`, the tarball installed into a new repository
// with its install scripts not run, `fleetc init`, then validate, build, plan against a second commit
// and apply --dry-run — all through the installed package, which has no src/ and no tsx.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

const GIT = ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t'];

test('the committed bundle is what the sources build to', () => {
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build-cli.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('a packed fleetc installed without its install scripts: init, validate, build, plan against a second commit, apply --dry-run', async (t) => {
  if (!requireTools(t, 'npm', 'git')) return;
  const work = tempDir(t);
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  const packed = execFileSync('tar', ['-tzf', path.join(work, tarball)], { encoding: 'utf8' }).split('\n');
  assert.ok(packed.includes('package/dist/fleetc.cjs') && packed.includes('package/templates/init/fleet.yaml.hbs') && packed.includes('package/nix/modules/first-boot.nix'));
  assert.ok(!packed.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), 'no sources, no tests');

  const repo = path.join(work, 'my-fleet');
  execFileSync('git', ['init', '-q', repo]);
  execFileSync('npm', ['init', '-y'], { cwd: repo, stdio: 'pipe' });
  // --ignore-scripts: the package must start without its install scripts (npm may not run them).
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', path.join(work, tarball)], { cwd: repo, stdio: 'pipe' });
  assert.equal(existsSync(path.join(repo, 'node_modules/tsx')), false, 'tsx is a development dependency only');
  const fleetc = (...args: string[]) => spawnSync('npx', ['--no-install', 'fleetc', ...args], { cwd: repo, encoding: 'utf8' });

  const init = fleetc('init');
  assert.equal(init.status, 0, init.stderr);
  assert.match(readFileSync(path.join(repo, 'fleet/fleet.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/node_modules\/fleetc\/schema\/fleet\.schema\.json$/m);
  assert.match(readFileSync(path.join(repo, '.github/workflows/pr.yml'), 'utf8'), /uses: \.\/node_modules\/fleetc\/actions\/plan/);
  assert.equal(fleetc('validate').status, 0);
  const build = fleetc('build');
  assert.equal(build.status, 0, build.stderr);
  assert.ok(existsSync(path.join(repo, 'flake.nix')) && existsSync(path.join(repo, 'generated/fleetc/modules/first-boot.nix')));
  execFileSync('git', [...GIT, 'add', '-A'], { cwd: repo });
  execFileSync('git', [...GIT, 'commit', '-qm', 'a new fleet'], { cwd: repo });
  assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }), '', 'nothing fleetc wrote is left untracked or unignored');

  appendFileSync(path.join(repo, 'fleet/hosts/node-1.yaml'), 'labels: { rack: r1 }\n');
  assert.equal(fleetc('build').status, 0);
  execFileSync('git', [...GIT, 'commit', '-qam', 'a label'], { cwd: repo });
  const plan = fleetc('plan', '--base', 'HEAD~1', '--head', 'HEAD', '--no-diff');
  assert.equal(plan.status, 0, plan.stderr);
  assert.match(plan.stdout, /node-1: update/);
  const apply = fleetc('apply', '--dry-run', '--first-contact', 'accept-new');
  assert.equal(apply.status, 0, apply.stderr);
  assert.match(apply.stdout + apply.stderr, /node-1: provision/);
});
