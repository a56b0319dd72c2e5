// No secret reaches generated/: secret values are planted in every file and environment variable the
// example fleet references (fleet secrets, BMC passwords), fleetc build runs as an operator would,
// and no output file — nor the command's own output — contains any of them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runFleetc } from '../helpers/cli.ts';
import { makeFleet } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';
import { EXAMPLE_FLEET } from './support/build.ts';

type SecretRef = { file?: string; env?: string };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

test('secret values planted in referenced files and variables never reach generated/', async (t) => {
  const root = tempDir(t, 'fleetc-secrets-');
  const secretDir = path.join(root, 'secrets');
  mkdirSync(secretDir);
  const planted: string[] = [];
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  let n = 0;
  // Point every reference at a file or variable holding a fresh, recognisable value.
  const plant = (ref: SecretRef): SecretRef => {
    const value = `SECRET-${randomBytes(12).toString('hex')}`;
    planted.push(value);
    if (ref.env !== undefined) {
      env[ref.env] = value;
      return ref;
    }
    const file = path.join(secretDir, `secret-${n++}`);
    writeFileSync(file, `${value}\n`);
    return { file };
  };

  const overlay: Record<string, string> = {};
  const fleetText = readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8');
  const fleetData = parse(fleetText) as { secrets: Record<string, SecretRef> };
  let fleetOut = fleetText;
  for (const [name, ref] of Object.entries(fleetData.secrets)) {
    const planted = plant(ref);
    if (planted.file) fleetOut = fleetOut.replace(`${name}: { file: ${ref.file} }`, `${name}: { file: ${planted.file} }`);
  }
  overlay['fleet.yaml'] = fleetOut;
  for (const hostFile of readdirSync(`${EXAMPLE_FLEET}/hosts`)) {
    const text = readFileSync(`${EXAMPLE_FLEET}/hosts/${hostFile}`, 'utf8');
    const bmc = (parse(text) as { bmc?: { password: SecretRef } }).bmc;
    if (!bmc) continue;
    const ref = plant(bmc.password);
    overlay[`hosts/${hostFile}`] = ref.file ? text.replace(`file: ${bmc.password.file}`, `file: ${ref.file}`) : text;
  }
  assert.ok(planted.length >= 9, `planted ${planted.length} secrets`);

  const paths = makeFleet(root, overlay, EXAMPLE_FLEET);
  const result = await runFleetc(['build', '--fleet', paths.fleetDir, '--out', paths.outDir, '--nix', paths.nixDir], { cwd: root, env });
  assert.equal(result.exitCode, 0, result.stderr);

  const outputs = files(paths.outDir);
  assert.ok(outputs.some((f) => f.endsWith('.ipxe')) && outputs.some((f) => f.endsWith('dhcpd.conf')));
  for (const file of outputs) {
    const text = readFileSync(file, 'latin1');
    for (const value of planted) assert.ok(!text.includes(value), `${path.relative(paths.outDir, file)} contains a secret value`);
  }
  for (const value of planted) assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), 'fleetc printed a secret value');
  // The references themselves are kept (host.nix names where a BMC password lives).
  assert.ok(readFileSync(`${paths.outDir}/hosts/cp-1/host.nix`, 'utf8').includes(secretDir));
});
