// The first-boot NixOS module, evaluated with nixpkgs' real lib.evalModules under the NixOS stand-in
// (test/nixos-standin) inside every generated host of the example fleet: the units, their order,
// credentials, sandbox and restart policy, the timer that starts them, and the operator's command.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FirstBootConfig } from '../../src/emit/first-boot.ts';
import { CREDENTIALS_DIR } from '../../src/model/secrets.ts';
import { requireTools } from '../helpers/tools.ts';
import { compiledTree, hostExpr } from '../nixos-standin/hosts.ts';
import { evalJson, standinDir } from '../nixos-standin/standin.ts';
import { EXAMPLE_FLEET } from '../helpers/paths.ts';

interface Unit {
  wantedBy: string[];
  wants: string[];
  after: string[];
  requires: string[];
  startLimitIntervalSec: number;
  restartIfChanged: boolean;
  unitConfig: { ConditionPathExists: string };
  serviceConfig: Record<string, unknown> & { ExecStart: string; LoadCredential: string[] };
}

interface Evaluated {
  plan: FirstBootConfig;
  units: Record<string, Unit>;
  timer: { wantedBy: string[]; timerConfig: { OnActiveSec: string; Unit: string } };
  etc: string;
  command: string;
}

const READ = `let plan = builtins.fromJSON (builtins.readFile c.fleet.firstBoot.configFile); in {
  inherit plan;
  units = lib.genAttrs (map (s: s.unit) plan.steps) (name: let u = c.systemd.services.\${name}; in { inherit (u) wantedBy wants after requires startLimitIntervalSec restartIfChanged unitConfig serviceConfig; });
  timer = { inherit (c.systemd.timers.fleet-first-boot) wantedBy timerConfig; };
  etc = builtins.readFile c.environment.etc."fleet/first-boot.json".source;
  command = (lib.findFirst (p: p.name == "fleet-first-boot") null c.environment.systemPackages).text;
}`;

/** systemd.exec(5) directives every step must carry, with the value the docs promise. */
const SANDBOX = {
  DynamicUser: true, User: 'fleet-first-boot', StateDirectory: 'fleet-first-boot', NoNewPrivileges: true, ProtectSystem: 'strict', ProtectHome: true,
  PrivateTmp: true, PrivateDevices: true, CapabilityBoundingSet: [''], RestrictAddressFamilies: ['AF_UNIX', 'AF_INET', 'AF_INET6'], RestrictNamespaces: true,
};

describe('first-boot NixOS module', () => {
  test('every host: oneshot steps chained by Requires/After, restarted until they succeed, sandboxed, with exactly their credentials', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const dir = standinDir(t);
    let credentialed = 0;
    for (const host of tree.fleet.hosts) {
      const e = await evalJson<Evaluated>(dir, hostExpr(tree, host.name, READ));
      assert.equal(JSON.parse(e.etc).host, host.name, '/etc/fleet/first-boot.json is the host’s plan');
      assert.deepEqual(Object.keys(e.units).sort(), e.plan.steps.map((s) => s.unit).sort());
      for (const [i, step] of e.plan.steps.entries()) {
        const unit = e.units[step.unit]!;
        const previous = i > 0 ? [`${e.plan.steps[i - 1]!.unit}.service`] : [];
        assert.deepEqual(unit.requires, previous, `${host.name} ${step.unit} requires the step before it`);
        assert.ok(previous.every((p) => unit.after.includes(p)) && unit.after.includes('network-online.target'));
        assert.deepEqual(unit.wantedBy, [], 'no target waits for a step: the timer starts the chain');
        assert.equal(unit.unitConfig.ConditionPathExists, `!/var/lib/fleet-first-boot/${step.name}.done`);
        const sc = unit.serviceConfig;
        assert.equal(sc.Type, 'oneshot');
        assert.equal(sc.RemainAfterExit, true);
        assert.match(sc.ExecStart, new RegExp(`^/nix/store/[a-z0-9]{32}-nodejs/bin/node /nix/store/[a-z0-9]{32}-agent\\.mjs --config /etc/fleet/first-boot\\.json --step ${step.name} --state-dir /var/lib/fleet-first-boot$`));
        // Retry until the cluster forms (systemd.service(5)): restart on failure with backoff, never
        // through the failed state (RestartMode=direct), no start limit, exit 2 final.
        assert.deepEqual([sc.Restart, sc.RestartMode, sc.RestartSec, sc.RestartSteps, sc.RestartMaxDelaySec, sc.RestartPreventExitStatus], ['on-failure', 'direct', 10, 4, 120, 2]);
        assert.equal(unit.startLimitIntervalSec, 0);
        assert.equal(unit.restartIfChanged, false);
        for (const [key, value] of Object.entries(SANDBOX)) assert.deepEqual(sc[key], value, `${host.name} ${step.unit} ${key}`);
        assert.equal(sc.MemoryDenyWriteExecute, undefined, 'node’s JIT needs W+X memory');
        assert.equal(sc.EnvironmentFile, undefined, 'secrets never come through the environment');
        // Exactly the step's credentials, from the fixed delivery directory.
        assert.deepEqual(sc.LoadCredential, step.credentials.map((name) => `${name}:${CREDENTIALS_DIR}/${name}`));
        credentialed += step.credentials.length;
      }
      assert.deepEqual(e.timer.wantedBy, ['timers.target']);
      assert.equal(e.timer.timerConfig.Unit, `${e.plan.steps.at(-1)!.unit}.service`);
      assert.match(e.command, /exec systemd-run --quiet --pipe --wait --collect --service-type=exec '--property=DynamicUser=yes' '--property=User=fleet-first-boot'/);
    }
    assert.ok(credentialed > 20, `${credentialed} credentials loaded across the fleet`);
  });

  test('cp-1 (bootstrap) loads the IAM password in iam-initial-setup only; a worker’s health check needs no token', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const tree = await compiledTree(t);
    const dir = standinDir(t);
    const cp1 = await evalJson<Evaluated>(dir, hostExpr(tree, 'cp-1', READ));
    assert.deepEqual(cp1.units['iam-initial-setup']!.serviceConfig.LoadCredential, [`clusterJoinToken:${CREDENTIALS_DIR}/clusterJoinToken`, `iamAdminPassword:${CREDENTIALS_DIR}/iamAdminPassword`]);
    assert.deepEqual(cp1.units['chainfire-cluster-join']!.serviceConfig.LoadCredential, [`clusterJoinToken:${CREDENTIALS_DIR}/clusterJoinToken`]);
    assert.ok(cp1.units['chainfire-cluster-join']!.wants.includes('chainfire.service'));
    const wk1 = await evalJson<Evaluated>(dir, hostExpr(tree, 'wk-1', READ));
    assert.deepEqual(wk1.units['cluster-health-check']!.serviceConfig.LoadCredential, []);
    assert.deepEqual(wk1.units['cluster-health-check']!.wants, ['network-online.target', 'novanet.service', 'plasmavmc.service']);
    assert.deepEqual(Object.keys(wk1.units).sort(), ['chainfire-cluster-join', 'cluster-health-check', 'flaredb-cluster-join']);
  });

  test('a secret kept on the host by another tool ({ host: path }) is loaded from that path', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar')) return;
    const { readFileSync } = await import('node:fs');
    const fleetYaml = readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8').replace(/clusterJoinToken: \{[^}]*\}/, 'clusterJoinToken: { host: /run/agenix/join-token }');
    const tree = await compiledTree(t, { 'fleet.yaml': fleetYaml });
    const e = await evalJson<Evaluated>(standinDir(t), hostExpr(tree, 'cp-2', READ));
    assert.deepEqual(e.units['chainfire-cluster-join']!.serviceConfig.LoadCredential, ['clusterJoinToken:/run/agenix/join-token']);
    assert.deepEqual(e.plan.secrets.clusterJoinToken, { path: '/run/agenix/join-token', delivery: 'host' });
  });
});

describe('first-boot units read by systemd itself', () => {
  // Directives systemd 254 added (systemd.service(5)); Debian 12's systemd-analyze (252) reports them
  // as unknown. NixOS ships systemd 258 (pkgs/os-specific/linux/systemd/default.nix).
  const SINCE_254 = ['RestartMode', 'RestartSteps', 'RestartMaxDelaySec'];

  test('systemd-analyze verify accepts every step, the timer and the platform units of cp-1 and wk-1', async (t) => {
    if (!requireTools(t, 'nix-instantiate', 'tar', 'systemd-analyze')) return;
    const { execFile } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { renderUnit } = await import('../nixos-standin/unit-files.ts');
    const { tempDir } = await import('../helpers/tmp.ts');
    const tree = await compiledTree(t);
    const dir = standinDir(t);
    const read = `{
      services = lib.genAttrs (map (s: s.unit) (builtins.fromJSON (builtins.readFile c.fleet.firstBoot.configFile)).steps ++ c.fleet.host.services) (name: let u = c.systemd.services.\${name}; in { inherit (u) description wants requires after before unitConfig serviceConfig; } // lib.optionalAttrs (builtins.tryEval u.startLimitIntervalSec).success { startLimitIntervalSec = u.startLimitIntervalSec; });
      timer = { inherit (c.systemd.timers.fleet-first-boot) description timerConfig; };
    }`;
    for (const host of ['cp-1', 'wk-1']) {
      const e = await evalJson<{ services: Record<string, Record<string, unknown> & { serviceConfig: Record<string, unknown> }>; timer: Record<string, unknown> }>(dir, hostExpr(tree, host, read));
      const units = tempDir(t);
      const files: string[] = [];
      for (const [name, unit] of Object.entries(e.services)) {
        const serviceConfig = { ...unit.serviceConfig };
        for (const key of SINCE_254) delete serviceConfig[key];
        // The store paths do not exist here: verify checks that ExecStart= is executable.
        serviceConfig.ExecStart = String(serviceConfig.ExecStart).replace(/^\S+/, process.execPath);
        const file = path.join(units, `${name}.service`);
        writeFileSync(file, renderUnit({ ...unit, serviceConfig }));
        files.push(file);
      }
      const timer = path.join(units, 'fleet-first-boot.timer');
      writeFileSync(timer, renderUnit(e.timer));
      files.push(timer);
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile('systemd-analyze', ['verify', '--man=no', '--generators=no', '--recursive-errors=no', ...files], { cwd: units }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
      });
      assert.equal(output.trim(), '', `${host}: systemd-analyze verify says:\n${output}`);
      assert.equal(code, 0);
      const step = Object.values(e.services).find((u) => u.serviceConfig.RestartMode !== undefined)!;
      assert.deepEqual(SINCE_254.map((key) => step.serviceConfig[key] !== undefined), [true, true, true], 'the v254 directives are set (checked above against systemd.service(5))');
    }
  });
});
