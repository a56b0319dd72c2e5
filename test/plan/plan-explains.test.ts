// A plan a reviewer can trust (issue 15, "plan diffs that mislead"): a new or removed host shows the
// lines that really change in the real shared files (compared here with the diff of the real files
// of both builds), every reason is in fleet terms (never a file name), a first-boot data change on
// running hosts is marked harmless, and a provision says how apply installs the machine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffLines } from 'diff';
import { renderPlan } from '../../src/cli/commands/plan.ts';
import { compileFromDisk } from '../../src/compile/index.ts';
import { FIRST_BOOT_DATA_NOTE } from '../../src/plan/explain.ts';
import { computePlan } from '../../src/plan/revisions.ts';
import type { HostPlan, Plan } from '../../src/plan/types.ts';
import { FleetRepo, MINIMAL_NEW_WORKER } from '../helpers/git-repo.ts';
import { tempDir } from '../helpers/tmp.ts';

async function plan(repo: FleetRepo): Promise<Plan> {
  const outcome = await computePlan({ base: 'HEAD~1', head: 'HEAD', paths: repo.paths, allowInvalidBase: false, cwd: repo.root });
  if (!outcome.ok) assert.fail(outcome.reason);
  return outcome.plan;
}

const host = (p: Plan, name: string): HostPlan => p.hosts.find((h) => h.name === name)!;

/** The texts of the real shared files, as fleetc build writes them from the working tree. */
async function realFiles(repo: FleetRepo): Promise<Map<string, string>> {
  const compiled = await compileFromDisk(repo.paths);
  assert.ok(compiled.artifacts, JSON.stringify(compiled.diagnostics.map((d) => d.code)));
  return new Map(compiled.artifacts.map((a) => [a.path, a.contents]));
}

/**
 * Lines added and removed, as sorted lists, a trailing comma aside: JSON puts one on the item before
 * a new last one, and a diff may pair the lines of neighbouring items either way.
 */
function changedLines(added: string[], removed: string[]): { added: string[]; removed: string[] } {
  const bare = (l: string) => l.replace(/,$/, '');
  const a = added.map(bare).sort();
  const r = removed.map(bare).sort();
  const minus = (xs: string[], ys: string[]) => {
    const rest = [...ys];
    return xs.filter((x) => {
      const i = rest.indexOf(x);
      if (i < 0) return true;
      rest.splice(i, 1);
      return false;
    });
  };
  return { added: minus(a, r), removed: minus(r, a) };
}

function realChange(before: string, after: string): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.added) added.push(...lines);
    else if (part.removed) removed.push(...lines);
  }
  return changedLines(added, removed);
}

function shownChange(diff: string): { added: string[]; removed: string[] } {
  const body = diff.split('\n').slice(2);
  assert.ok(body.every((l) => !l.startsWith(' ')), 'no line of the shared part is shown as context');
  return changedLines(body.filter((l) => l.startsWith('+')).map((l) => l.slice(1)), body.filter((l) => l.startsWith('-')).map((l) => l.slice(1)));
}


const voter = (n: number) => `profile: control-plane
hardware:
  disks: { main: { device: /dev/disk/by-id/nvme-cp${n}, size: 100G } }
  layout: { kind: single, disk: main }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:1${n}", network: prov, address: 10.0.0.1${n}, boot: true }
  - { name: eno2, mac: "52:54:00:00:01:1${n}", network: storage, address: 10.1.0.1${n} }
`;

/** A bare file name where a reason should say what changed in the fleet. */
const FILE_REASON = /(^|\s)[\w.-]+(\/[\w.:-]+)+(#[\w-]+)?\s+(added|modified|removed)\b/;

function assertFleetTerms(p: Plan): void {
  for (const h of p.hosts.filter((x) => x.action !== 'unchanged')) {
    assert.ok(h.reasons.length > 0, `${h.name} has no reason`);
    for (const reason of h.reasons) assert.doesNotMatch(reason, FILE_REASON, `${h.name}: "${reason}" names a file`);
  }
}

describe('plan diffs that mislead', () => {
  test('a new host shows its own lines of dhcpd.conf and the Kea config, its iPXE script, and nothing of boot.ipxe', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    const before = await realFiles(repo);
    repo.edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER }).commit('add wk-2');
    const after = await realFiles(repo);
    const wk2 = host(await plan(repo), 'wk-2');
    for (const file of ['dhcp/dhcpd.conf', 'dhcp/kea-dhcp4.json']) {
      const part = wk2.artifacts.find((a) => a.path === `${file}#wk-2`);
      assert.ok(part, `${file}#wk-2 is listed`);
      const real = realChange(before.get(file)!, after.get(file)!);
      assert.ok(real.added.length > 0 && real.removed.length === 0);
      assert.deepEqual(shownChange(part.diff), real, `${file}: the lines shown are the lines the real file gains`);
    }
    assert.equal(before.get('ipxe/boot.ipxe'), after.get('ipxe/boot.ipxe'), 'boot.ipxe does not change');
    assert.ok(!wk2.artifacts.some((a) => a.path.startsWith('ipxe/boot.ipxe')), 'nothing of boot.ipxe is shown');
    const script = wk2.artifacts.find((a) => a.kind === 'ipxe' && a.path.startsWith('ipxe/hosts/'));
    assert.equal(script?.change, 'added', 'its own iPXE script is shown');
    const text = renderPlan(await plan(repo), 'text', { diffs: true });
    assert.match(text, /dhcp\/dhcpd\.conf: wk-2's lines added/);
    assert.doesNotMatch(text, /added dhcp\/dhcpd\.conf#wk-2/);
  });

  test('a removed host shows the lines the real shared files lose', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    const before = await realFiles(repo);
    repo.edit({ 'hosts/wk-1.yaml': null }).commit('remove wk-1');
    const after = await realFiles(repo);
    const wk1 = host(await plan(repo), 'wk-1');
    assert.equal(wk1.action, 'decommission');
    for (const file of ['dhcp/dhcpd.conf', 'dhcp/kea-dhcp4.json']) {
      const real = realChange(before.get(file)!, after.get(file)!);
      assert.ok(real.removed.length > 0 && real.added.length === 0);
      assert.deepEqual(shownChange(wk1.artifacts.find((a) => a.path === `${file}#wk-1`)!.diff), real, file);
    }
    assert.ok(!wk1.artifacts.some((a) => a.path.startsWith('ipxe/boot.ipxe')));
  });

  test('a fleet-wide network change is a reason in fleet terms on every host it reaches, with what the boot server does', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace('end: 10.0.0.250', 'end: 10.0.0.240')).commit('shrink the pool');
    const p = await plan(repo);
    assertFleetTerms(p);
    for (const name of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) {
      assert.equal(host(p, name).action, 'network-only');
      assert.deepEqual(host(p, name).reasons, ['network prov: dhcp.pool.end 10.0.0.250 → 10.0.0.240', `nothing runs on ${name}: the boot server at 10.0.0.2 (not a host of this fleet) serves the new DHCP and iPXE files once it is given them`]);
    }
  });

  test('with the boot server a host of the fleet, it is the one redeployed, and says for whom', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace('boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }', 'boot: { http: "http://10.0.0.11:8080/boot", tftp: 10.0.0.11, server: cp-1 }')).commit('fleet');
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace('end: 10.0.0.250', 'end: 10.0.0.240')).edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER }).commit('shrink the pool, add wk-2');
    const p = await plan(repo);
    assertFleetTerms(p);
    const server = host(p, 'cp-1');
    assert.equal(server.action, 'update');
    assert.ok(server.reasons.includes('network prov: dhcp.pool.end 10.0.0.250 → 10.0.0.240'), server.reasons.join('\n'));
    assert.ok(server.reasons.includes('the boot server: serves the new DHCP and iPXE files of cp-2, cp-3, wk-1, wk-2 (provision); it is redeployed first, in a wave of its own'), server.reasons.join('\n'));
    assert.ok(host(p, 'wk-1').reasons.includes('nothing runs on wk-1: the boot server cp-1 is redeployed first with the new DHCP and iPXE files, and wk-1 is recorded once it serves them'));
  });

  test('a new host alone: the boot server says it serves the new host\'s files, and nothing else', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.rewrite('fleet/fleet.yaml', (s) => s.replace('boot: { http: "http://10.0.0.2:8080/boot", tftp: 10.0.0.2 }', 'boot: { http: "http://10.0.0.11:8080/boot", tftp: 10.0.0.11, server: cp-1 }')).commit('fleet');
    repo.edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER }).commit('add wk-2');
    const p = await plan(repo);
    assertFleetTerms(p);
    assert.deepEqual(host(p, 'cp-1').reasons, ['the boot server: serves the new DHCP and iPXE files of wk-2 (provision); it is redeployed first, in a wave of its own']);
  });

  test('two new voters: every running host\'s first-boot data changes, marked harmless, in fleet terms', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    repo.edit({ 'hosts/cp-4.yaml': voter(4), 'hosts/cp-5.yaml': voter(5) }).commit('two more voters');
    const p = await plan(repo);
    assertFleetTerms(p);
    for (const name of ['cp-1', 'cp-2', 'cp-3', 'wk-1']) {
      const h = host(p, name);
      assert.equal(h.action, 'update', name);
      assert.equal(h.impact, 'first-boot-data', name);
      assert.ok(h.artifacts.every((a) => a.kind === 'first-boot'), name);
      assert.ok(h.reasons.some((r) => r.startsWith('cluster core Raft: chainfire.voters +cp-4 +cp-5')), h.reasons.join('\n'));
      assert.ok(h.reasons.includes(FIRST_BOOT_DATA_NOTE));
    }
    assert.equal(host(p, 'cp-4').action, 'provision');
    assert.equal(host(p, 'cp-4').impact, undefined);
    assert.match(renderPlan(p, 'text', { diffs: false }), /to update \(all first-boot data only, harmless\)/);
    assert.match(renderPlan(p, 'text', { diffs: false }), /~ cp-1: update, first-boot data only \(harmless\)/);
  });

  test('a first-boot change that adds a step is not marked harmless', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    repo.rewrite('fleet/fleet.yaml', (s) => `${s}firstBoot: { iam: { service: flaredb, adminPassword: adminPassword } }\n`).commit('IAM setup');
    const p = await plan(repo);
    assertFleetTerms(p);
    const withStep = p.hosts.filter((h) => h.artifacts.some((a) => a.kind === 'first-boot' && a.diff.includes('iam-setup')));
    assert.ok(withStep.length > 0, 'the bootstrap host gains the IAM step');
    for (const h of withStep) assert.equal(h.impact, undefined, `${h.name} gains a step that will run`);
  });

  test('a provision says how apply installs the machine: BMC network boot, first contact, nixos-anywhere', async (t) => {
    const repo = new FleetRepo(tempDir(t));
    repo.commit('fleet');
    repo.edit({ 'hosts/wk-2.yaml': MINIMAL_NEW_WORKER, 'hosts/cp-4.yaml': voter(4) }).commit('add wk-2 and cp-4');
    const p = await plan(repo);
    const wk2 = host(p, 'wk-2');
    assert.deepEqual(wk2.install, [
      'BMC (ipmi, 10.0.1.22): one-time boot from the network, then power on (or power cycle)',
      "it PXE-boots fleetc's installer (DHCP reservation for 52:54:00:00:00:22, its iPXE script, served from http://10.0.0.2:8080/boot)",
      "first contact: the installer's SSH host key cannot be known in advance; the fleet's deploy.firstContact is refuse, so apply installs only when run with --first-contact accept-new (otherwise the host is refused and skipped)",
      'nixos-anywhere over SSH to 10.0.0.22:22: erases and partitions main /dev/disk/by-id/nvme-wk2 (single), installs NixOS, with a new SSH host key pair that apply generates, pins and records, and the first-boot credentials',
      'apply waits for the installed system (pinned to its new key) and its health checks; its first-boot steps run on the first boot',
    ]);
    const cp4 = host(p, 'cp-4');
    assert.match(cp4.install![0]!, /^no BMC: power the machine on and boot it from the network yourself/);
    assert.match(cp4.install!.at(-1)!, /then until it is a member of core\/chainfire, core\/flaredb \(new voters are installed one at a time\)/);
    const text = renderPlan(p, 'text', { diffs: false });
    assert.match(text, /how apply installs it:\n {6}1\. BMC \(ipmi, 10\.0\.1\.22\)/);
    assert.match(renderPlan(p, 'markdown'), /How apply installs it:\n\n1\. BMC \\\(ipmi, 10\.0\.1\.22\\\)/);
  });
});
