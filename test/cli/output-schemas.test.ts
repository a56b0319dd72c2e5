// The JSON that validate, status and apply print is versioned and described: real outputs of the
// real binary validate against schema/validate-output, status-output and apply-output (every line),
// with ajv in strict mode.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { runFleetc } from '../helpers/cli.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

function schema(name: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(`${REPO_ROOT}schema/${name}.schema.json`, 'utf8')));
}

function valid(validate: ReturnType<typeof schema>, value: unknown): void {
  assert.ok(validate(value), `${JSON.stringify(value).slice(0, 400)}\n${JSON.stringify(validate.errors, null, 2)}`);
}

test('validate --format json (and build --format json): formatVersion 1, valid against schema/validate-output.schema.json', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  const check = schema('validate-output');
  const good = await runFleetc(['validate', '--format', 'json'], { cwd: repo.root });
  assert.equal(good.exitCode, 0, good.stderr);
  valid(check, JSON.parse(good.stdout));
  repo.rewrite('fleet/hosts/wk-1.yaml', (s) => s.replace('profile: worker', 'profile: wroker'));
  for (const command of ['validate', 'build']) {
    const bad = await runFleetc([command, '--format', 'json'], { cwd: repo.root });
    assert.equal(bad.exitCode, 1);
    const output = JSON.parse(bad.stdout) as { formatVersion: number; errors: number; diagnostics: Array<{ code: string }> };
    valid(check, output);
    assert.equal(output.formatVersion, 1);
    assert.ok(output.errors >= 1 && output.diagnostics.some((d) => d.code === 'PROFILE_UNKNOWN'));
  }
});

test('status --format json and every line of apply --output json validate against their schemas', async (t) => {
  const repo = new FleetRepo(tempDir(t));
  assert.equal((await runFleetc(['build'], { cwd: repo.root })).exitCode, 0);
  repo.commit('the fleet');
  const status = await runFleetc(['status', '--format', 'json', '--no-remote'], { cwd: repo.root });
  assert.equal(status.exitCode, 0, status.stderr);
  const statusJson = JSON.parse(status.stdout) as { formatVersion: number; hosts: Array<{ pending: string }> };
  valid(schema('status-output'), statusJson);
  assert.equal(statusJson.formatVersion, 1);
  assert.ok(statusJson.hosts.every((h) => h.pending === 'never deployed'));

  const check = schema('apply-output');
  // Refused (no first-contact policy): only the result line.
  const refused = await runFleetc(['apply', '--dry-run', '--no-remote', '--output', 'json'], { cwd: repo.root });
  assert.equal(refused.exitCode, 7);
  const refusedLines = refused.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; exitCode?: number });
  for (const line of refusedLines) valid(check, line);
  assert.deepEqual(refusedLines.at(-1), { ...refusedLines.at(-1), type: 'result', status: 'refused', exitCode: 7 });
  // A dry run through every host: run, waves, hosts, steps, commands, and the result.
  const dry = await runFleetc(['apply', '--dry-run', '--no-remote', '--output', 'json', '--first-contact', 'accept-new'], { cwd: repo.root });
  assert.equal(dry.exitCode, 0, dry.stderr);
  const lines = dry.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  for (const line of lines) valid(check, line);
  assert.deepEqual([...new Set(lines.map((l) => l.type))].sort(), ['command', 'host-finished', 'host-started', 'result', 'run-finished', 'run-started', 'step', 'wave-started']);
});
