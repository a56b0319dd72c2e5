// The apply action's secret files: written with mode 0600 (directories 0700) from the environment's
// secrets, never over a file that exists, and removed again, exactly those it wrote.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCRIPT = path.join(REPO_ROOT, 'actions/apply/secrets.mjs');
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

function secrets(command: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [SCRIPT, command], { env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
}

test('secret files: 0600 for the job, refused over an existing file, removed whatever the job did', (t) => {
  const root = tempDir(t);
  const temp = path.join(root, 'runner-temp');
  mkdirSync(temp);
  const env = { RUNNER_TEMP: temp, SSH_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----', SECRETS: JSON.stringify({ BMC_CP1: 'pw-1', github_token: 'ghs_x' }), SECRET_FILES: `BMC_CP1=${root}/run/bmc/cp-1\n` };
  const written = secrets('write', env);
  assert.equal(written.status, 0, written.stderr);
  const key = path.join(temp, 'fleetc-secrets/ssh-key');
  assert.deepEqual([mode(key), mode(`${root}/run/bmc/cp-1`), mode(`${root}/run/bmc`), mode(path.join(temp, 'fleetc-secrets'))], ['600', '600', '700', '700']);
  assert.equal(readFileSync(`${root}/run/bmc/cp-1`, 'utf8'), 'pw-1\n');
  assert.ok(!written.stdout.includes('pw-1') && !written.stderr.includes('pw-1'));
  const removed = secrets('remove', env);
  assert.equal(removed.status, 0, removed.stderr);
  assert.ok(!existsSync(key) && !existsSync(`${root}/run/bmc/cp-1`));

  // A file the job did not write is never overwritten (nor removed).
  writeFileSync(`${root}/run/bmc/cp-1`, 'the runner\'s own\n');
  const clash = secrets('write', env);
  assert.equal(clash.status, 1);
  assert.match(clash.stderr, /exists already/);
  assert.equal(secrets('remove', env).status, 0);
  assert.equal(readFileSync(`${root}/run/bmc/cp-1`, 'utf8'), 'the runner\'s own\n');
  // A name the environment does not have is an error that says which.
  const missing = secrets('write', { ...env, SECRET_FILES: `NOPE=${root}/x\n` });
  assert.match(missing.stderr, /the environment has no secret NOPE/);
  secrets('remove', env);
});
