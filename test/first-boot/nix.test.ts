// The first-boot NixOS module and the generated host modules that import it, checked by real Nix.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { compileFleet, makeFleet } from '../helpers/fleet.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';

const run = promisify(execFile);
const MODULE = `${REPO_ROOT}nix/modules/first-boot.nix`;
const STUB = `${REPO_ROOT}test/first-boot/module-stub.nix`;

interface Unit {
  description: string;
  wantedBy: string[];
  wants: string[];
  after: string[];
  requires: string[];
  unitConfig: { ConditionPathExists: string };
  serviceConfig: { Type: string; RemainAfterExit: boolean; ExecStart: string; StateDirectory: string; EnvironmentFile: string[] };
}

async function evalModule(configFile: string): Promise<{ options: string[]; units: Record<string, Unit>; etc: string[]; command: string }> {
  // --readonly-mode: the agent's store path is computed, nothing is written to the store.
  const { stdout } = await run('nix-instantiate', ['--readonly-mode', '--eval', '--strict', '--json', STUB, '--arg', 'module', MODULE, '--arg', 'configFile', configFile], { env: NIX_ENV });
  return JSON.parse(stdout);
}

describe('first-boot Nix', () => {
  test('nix/modules/first-boot.nix and every generated host module parse', async (t) => {
    if (!requireTools(t, 'nix-instantiate')) return;
    await run('nix-instantiate', ['--parse', MODULE], { env: NIX_ENV });
    const root = tempDir(t);
    const result = await compileFleet(makeFleet(root, {}, `${REPO_ROOT}fleet`));
    const modules = result.artifacts!.filter((a) => a.path.endsWith('/default.nix'));
    assert.equal(modules.length, 7);
    for (const artifact of modules) {
      assert.match(artifact.contents, /^    \.\.\/[^\n]*\/nix\/modules\/first-boot\.nix$/m);
      assert.match(artifact.contents, /firstBoot\.configFile = \.\/first-boot\.json;/);
      const file = path.join(root, 'out', artifact.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, artifact.contents);
      await run('nix-instantiate', ['--parse', file], { env: NIX_ENV });
    }
  });

  test('the module reads first-boot.json into oneshot units chained by After/Requires and guarded by markers', async (t) => {
    if (!requireTools(t, 'nix-instantiate')) return;
    const cp1 = await evalModule(`${REPO_ROOT}generated/hosts/cp-1/first-boot.json`);
    assert.deepEqual(cp1.options, ['configFile', 'enable', 'environmentFile', 'package']);
    assert.deepEqual(cp1.etc, ['fleet/first-boot.json']);
    assert.equal(cp1.command, 'fleet-first-boot');
    assert.deepEqual(Object.keys(cp1.units).sort(), ['chainfire-cluster-join', 'cluster-health-check', 'flaredb-cluster-join', 'iam-initial-setup']);
    const chain: Array<[string, string, string | undefined]> = [
      ['chainfire-cluster-join', 'chainfire-join', undefined],
      ['flaredb-cluster-join', 'flaredb-join', 'chainfire-cluster-join.service'],
      ['iam-initial-setup', 'iam-setup', 'flaredb-cluster-join.service'],
      ['cluster-health-check', 'health-check', 'iam-initial-setup.service'],
    ];
    for (const [unitName, step, previous] of chain) {
      const unit = cp1.units[unitName]!;
      assert.equal(unit.serviceConfig.Type, 'oneshot');
      assert.equal(unit.serviceConfig.RemainAfterExit, true);
      assert.equal(unit.serviceConfig.StateDirectory, 'fleet-first-boot');
      assert.equal(unit.unitConfig.ConditionPathExists, `!/var/lib/fleet-first-boot/${step}.done`);
      assert.match(unit.serviceConfig.ExecStart, new RegExp(`^'/nix/store/[^']+-nodejs/bin/node' '/nix/store/[a-z0-9]{32}-agent\\.mjs' '--config' '/etc/fleet/first-boot\\.json' '--step' '${step}' '--state-dir' '/var/lib/fleet-first-boot'$`));
      assert.deepEqual(unit.serviceConfig.EnvironmentFile, ['-/run/secrets/first-boot.env']);
      assert.deepEqual(unit.wantedBy, ['multi-user.target']);
      assert.deepEqual(unit.requires, previous ? [previous] : []);
      assert.ok(unit.after.includes('network-online.target'));
      if (previous) assert.ok(unit.after.includes(previous));
    }
    assert.ok(cp1.units['chainfire-cluster-join']!.wants.includes('chainfire.service'));
    assert.ok(cp1.units['chainfire-cluster-join']!.after.includes('chainfire.service'));

    // A worker registers as a client: no local Raft service to wait for, no IAM step.
    const wk1 = await evalModule(`${REPO_ROOT}generated/hosts/wk-1/first-boot.json`);
    assert.deepEqual(Object.keys(wk1.units).sort(), ['chainfire-cluster-join', 'cluster-health-check', 'flaredb-cluster-join']);
    assert.deepEqual(wk1.units['chainfire-cluster-join']!.wants, ['network-online.target']);
    assert.deepEqual(wk1.units['cluster-health-check']!.wants, ['network-online.target', 'novanet.service', 'plasmavmc.service']);
  });
});
