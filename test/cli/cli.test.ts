// The fleetc binary as operators and CI use it: formats, exit codes, help, build and build --check.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';

const BROKEN_MAC = { 'hosts/wk-1.yaml': readFileSync(new URL('../fixtures/diagnostics/mac-duplicate/hosts/wk-1.yaml', import.meta.url), 'utf8') };

function workspace(t: Parameters<typeof tempDir>[0], overlay = {}) {
  const root = tempDir(t);
  makeFleet(root, overlay);
  return { root, args: ['--fleet', 'fleet', '--out', 'generated', '--nix', 'nix'] };
}

describe('fleetc validate', () => {
  test('a valid fleet: exit 0, summary on stderr', async (t) => {
    const { root, args } = workspace(t);
    const r = await runFleetc(['validate', ...args], { cwd: root });
    assert.equal(r.exitCode, 0);
    assert.match(r.stderr, /fleet: valid \(4 hosts, 3 profiles; 0 errors, 0 warnings\)/);
  });

  test('text format: file:line:col: error CODE: message, the source line, a caret and the hint', async (t) => {
    const { root, args } = workspace(t, BROKEN_MAC);
    const r = await runFleetc(['validate', ...args], { cwd: root });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /^fleet\/hosts\/wk-1\.yaml:9:24: error MAC_DUPLICATE: MAC 52:54:00:00:00:11 is already used by cp-1 eno1 in fleet\/hosts\/cp-1\.yaml$/m);
    assert.match(r.stdout, /^ {2}9 \| {3}- \{ name: eno1, mac: "52-54-00-00-00-11"/m);
    assert.match(r.stdout, /^ {4}\| {24}\^{19}$/m);
    assert.match(r.stdout, /^ {2}hint: /m);
    assert.ok(!hasStackTrace(r.stdout + r.stderr));
  });

  test('json format: located diagnostics under a format version', async (t) => {
    const { root, args } = workspace(t, BROKEN_MAC);
    const r = await runFleetc(['validate', '--format', 'json', ...args], { cwd: root });
    assert.equal(r.exitCode, 1);
    const output = JSON.parse(r.stdout) as { formatVersion: number; errors: number; diagnostics: Array<Record<string, unknown>> };
    assert.equal(output.formatVersion, 1);
    assert.equal(output.errors, 1);
    const diagnostics = output.diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.code, d.file, d.line, d.column]), [['error', 'MAC_DUPLICATE', 'fleet/hosts/wk-1.yaml', 9, 24]]);
    assert.equal(typeof diagnostics[0]!.hint, 'string');
  });

  test('github format: workflow commands with escaped data', async (t) => {
    const { root, args } = workspace(t, BROKEN_MAC);
    const r = await runFleetc(['validate', '--format', 'github', ...args], { cwd: root });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /^::error file=fleet\/hosts\/wk-1\.yaml,line=9,col=24,endLine=9,endColumn=43,title=MAC_DUPLICATE::MAC 52%3A|^::error file=fleet\/hosts\/wk-1\.yaml,line=9,col=24,endLine=9,endColumn=43,title=MAC_DUPLICATE::MAC 52:54/m);
    assert.match(r.stdout, /%0Ahint: /);
    assert.equal(r.stdout.trim().split('\n').length, 1);
  });

  test('warnings alone exit 0', async (t) => {
    const { root, args } = workspace(t, { 'hosts/cp-3.yaml': null });
    const r = await runFleetc(['validate', ...args], { cwd: root });
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /warning RAFT_EVEN_VOTERS/);
  });

  test('usage errors exit 2', async (t) => {
    const { root } = workspace(t);
    assert.equal((await runFleetc(['validate', '--format', 'xml'], { cwd: root })).exitCode, 2);
    assert.equal((await runFleetc(['validate', '--no-such-flag'], { cwd: root })).exitCode, 2);
    assert.equal((await runFleetc(['frobnicate'], { cwd: root })).exitCode, 2);
  });

  test('bare fleetc prints the usage on stderr and exits with the usage code', async (t) => {
    const r = await runFleetc([], { cwd: tempDir(t) });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: fleetc/);
  });

  test('with --detailed-exitcode a usage error exits 1, never 2 (which means "changes" there)', async (t) => {
    const { root } = workspace(t);
    for (const args of [['plan', '--base', 'HEAD', '--detailed-exitcode', '--format', 'xml'], ['plan', '--detailed-exitcode', '--no-such-flag'], ['plan', '--detailed-exitcode']]) {
      const r = await runFleetc(args, { cwd: root });
      assert.equal(r.exitCode, 1, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('help and version', () => {
  test('--help on every command, --version', async (t) => {
    const root = tempDir(t);
    for (const args of [['--help'], ['validate', '--help'], ['build', '--help'], ['help', 'build']]) {
      const r = await runFleetc(args, { cwd: root });
      assert.equal(r.exitCode, 0, args.join(' '));
      assert.match(r.stdout, /Usage: fleetc/);
    }
    const version = await runFleetc(['--version'], { cwd: root });
    assert.equal(version.exitCode, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('fleetc build', () => {
  test('writes the output, then reports it up to date; --check finds an edit and writes nothing', async (t) => {
    const { root, args } = workspace(t);
    const first = await runFleetc(['build', ...args], { cwd: root });
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stderr, /wrote generated: \d+ added, 0 modified, 0 removed/);
    const again = await runFleetc(['build', '--check', ...args], { cwd: root });
    assert.equal(again.exitCode, 0);
    assert.match(again.stderr, /generated is up to date/);

    const hostFile = path.join(root, 'fleet/hosts/wk-1.yaml');
    writeFileSync(hostFile, readFileSync(hostFile, 'utf8').replace('root: { fs: xfs }', 'root: { fs: ext4 }'));
    const before = readFileSync(path.join(root, 'generated/hosts/wk-1/disko.nix'), 'utf8');
    const check = await runFleetc(['build', '--check', ...args], { cwd: root });
    assert.equal(check.exitCode, 1);
    assert.match(check.stderr, /modified +generated\/hosts\/wk-1\/disko\.nix/);
    assert.match(check.stderr, /modified +generated\/manifest\.json/);
    assert.equal(readFileSync(path.join(root, 'generated/hosts/wk-1/disko.nix'), 'utf8'), before, '--check writes nothing');

    const rebuild = await runFleetc(['build', ...args], { cwd: root });
    assert.equal(rebuild.exitCode, 0);
    assert.match(readFileSync(path.join(root, 'generated/hosts/wk-1/disko.nix'), 'utf8'), /format = "ext4"/);
  });

  test('refuses to replace a directory fleetc did not write, and an --out that overlaps the fleet', async (t) => {
    const { root, args } = workspace(t);
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'docs/notes.txt'), 'keep me');
    const r = await runFleetc(['build', ...args.slice(0, 2), '--out', 'docs', ...args.slice(4)], { cwd: root });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /not written by fleetc/);
    assert.equal(readFileSync(path.join(root, 'docs/notes.txt'), 'utf8'), 'keep me');
    const overlap = await runFleetc(['build', ...args.slice(0, 2), '--out', 'fleet', ...args.slice(4)], { cwd: root });
    assert.equal(overlap.exitCode, 2);
    assert.match(overlap.stderr, /--out fleet and --fleet fleet overlap/);
    assert.ok(readFileSync(path.join(root, 'fleet/fleet.yaml'), 'utf8').includes('name: mini'));
  });
});

describe('the fleet repository root', () => {
  test('is found upward by fleetc.json: build from a subdirectory writes the root\'s flake and generated/', async (t) => {
    const root = tempDir(t);
    makeFleet(root);
    writeFileSync(path.join(root, 'fleetc.json'), '{ "fleet": "fleet", "nix": "nix", "out": "generated" }\n');
    const r = await runFleetc(['build'], { cwd: path.join(root, 'fleet', 'hosts') });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /^wrote \.\.\/\.\.\/generated: /m);
    assert.ok(readFileSync(path.join(root, 'flake.nix'), 'utf8').includes('./generated/hosts/cp-1'));
    assert.equal((await runFleetc(['build', '--check'], { cwd: path.join(root, 'nix') })).exitCode, 0);
  });

  test('names other directories: they are taken from fleetc.json, relative to the root', async (t) => {
    const root = tempDir(t);
    const paths = makeFleet(root);
    mkdirSync(path.join(root, 'infra'));
    renameSync(paths.fleetDir, path.join(root, 'infra/machines'));
    renameSync(paths.nixDir, path.join(root, 'infra/nix'));
    writeFileSync(path.join(root, 'fleetc.json'), '{ "fleet": "infra/machines", "nix": "infra/nix", "out": "infra/out" }\n');
    const r = await runFleetc(['build'], { cwd: root });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(readFileSync(path.join(root, 'flake.nix'), 'utf8').includes('./infra/out/hosts/cp-1'));
    assert.match(readFileSync(path.join(root, 'infra/out/hosts/cp-1/default.nix'), 'utf8'), /\.\.\/\.\.\/\.\.\/nix\/profiles\/base\.nix/);
  });

  test('a fleetc.json that is not what fleetc writes is a usage error, without a stack trace', async (t) => {
    const root = tempDir(t);
    makeFleet(root);
    for (const text of ['{ "fleet": ', '[]', '{ "fleet": "../elsewhere" }', '{ "flet": "fleet" }']) {
      writeFileSync(path.join(root, 'fleetc.json'), text);
      const r = await runFleetc(['validate'], { cwd: root });
      assert.equal(r.exitCode, 2, `${text}: ${r.stderr}`);
      assert.match(r.stderr, /fleetc\.json/);
      assert.ok(!hasStackTrace(r.stderr));
    }
  });
});
