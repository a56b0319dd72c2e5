// Values with quotes, spaces, #, ;, ${ and line breaks: each either comes out correctly quoted for
// every format that carries it, proved by that format's consumer, or validate refuses it with a
// diagnostic at its location. (The same values through real iPXE: boot.e2e.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { compileFleet, diagnosticLines, makeFleet } from '../helpers/fleet.ts';
import { MINIMAL_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { NIX_ENV, requireTools } from '../helpers/tools.ts';
import { buildFleet, EXAMPLE_FLEET } from './support/build.ts';
import { Lab } from './support/lab.ts';

const LABELS = { note: 'a "quoted" value; with # and ${x}\nand a second line', rack: "it's r1 \\ #2", empty: '' };
const PARAMS = ['a;b', 'x#y', '$HOME', 'p=}{', 'q=a||b', 'café=ü'];
const DESCRIPTION = 'provisioning "lab" #1; ${not} expanded\nsecond line — ünïcode';

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('escaping', () => {
  test('labels, kernel parameters and descriptions with special characters, read back by each consumer', async (t) => {
    if (!requireTools(t, 'dhcpd', 'kea-dhcp4', 'nix-instantiate', 'ip')) return;
    const root = tempDir(t, 'fleetc-escaping-');
    const host = read(`${EXAMPLE_FLEET}/hosts/cp-1.yaml`)
      .replace('labels: { rack: r1, unit: u10 }', `labels: ${JSON.stringify(LABELS)}`)
      .replace('params: ["console=ttyS0,115200"]', `params: ${JSON.stringify(PARAMS)}`);
    const fleet = read(`${EXAMPLE_FLEET}/fleet.yaml`).replace('description: provisioning and management; PXE boots here', `description: ${JSON.stringify(DESCRIPTION)}`);
    const { out } = await buildFleet(root, { 'hosts/cp-1.yaml': host, 'fleet.yaml': fleet });

    // Nix: host.nix evaluates back to the exact labels and parameters.
    const evaluated = JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', `${out}/hosts/cp-1/host.nix`], { encoding: 'utf8', env: NIX_ENV })) as { labels: Record<string, string>; kernel: { params: string[] } };
    assert.deepEqual(evaluated.labels, { ...LABELS, 'managed-by': 'fleetc', tier: 'control' });
    assert.deepEqual(evaluated.kernel.params.slice(-PARAMS.length), PARAMS);

    // dhcpd: the description stays inside its comment line, and dhcpd accepts the file.
    const dhcpd = read(`${out}/dhcp/dhcpd.conf`);
    assert.ok(dhcpd.includes('\n# Network prov: provisioning "lab" #1; ${not} expanded second line — ünïcode\nsubnet 10.20.0.0'), dhcpd);
    execFileSync('dhcpd', ['-t', '-4', '-cf', `${out}/dhcp/dhcpd.conf`], { stdio: 'pipe' });

    // Kea: JSON round-trips the description exactly, and Kea accepts the file.
    const kea = JSON.parse(read(`${out}/dhcp/kea-dhcp4.json`)) as { Dhcp4: { subnet4: Array<{ comment: string }> } };
    assert.equal(kea.Dhcp4.subnet4[0]!.comment, `network prov: ${DESCRIPTION}`);
    const lab = Lab.create({ bridge: 'eno1', serverCidr: '10.20.0.2/24' }, root);
    t.after(() => lab.close());
    lab.run(['kea-dhcp4', '-t', `${out}/dhcp/kea-dhcp4.json`]);

    // iPXE: every parameter is one word of the command line the script sets, written as is; labels are not carried.
    const script = read(`${out}/ipxe/hosts/52:54:00:20:00:11.ipxe`);
    const cmdline = script.split('\n').find((line) => line.startsWith('set cmdline '))!;
    assert.deepEqual(cmdline.split(' ').slice(-PARAMS.length), PARAMS);
    for (const file of [script, dhcpd, read(`${out}/dhcp/kea-dhcp4.json`), read(`${out}/ipxe/boot.ipxe`)]) {
      assert.ok(!file.includes('quoted'), 'labels stay out of the DHCP and iPXE files');
    }
  });

  test('what no format can carry is refused at its location', async (t) => {
    const paths = makeFleet(tempDir(t), {
      'profiles/worker.yaml': 'extends: base\nservices: [novanet]\nkernel:\n  params: ["root=${dev}", "#quiet", "||"]\n',
      'hosts/cp-1.yaml': read(`${MINIMAL_FLEET}/hosts/cp-1.yaml`) + 'kernel:\n  params: ["a b", "say \\"hi\\"", "line\\nbreak", "tab\\tx"]\n',
    });
    const result = await compileFleet(paths);
    assert.deepEqual(diagnosticLines(result, paths.fleetDir).sort(), [
      'hosts/cp-1.yaml:11:12 error SCHEMA_PATTERN',
      'hosts/cp-1.yaml:11:19 error SCHEMA_PATTERN',
      'hosts/cp-1.yaml:11:33 error SCHEMA_PATTERN',
      'hosts/cp-1.yaml:11:48 error SCHEMA_PATTERN',
      'profiles/worker.yaml:4:12 error KERNEL_PARAM_UNSAFE',
      'profiles/worker.yaml:4:27 error KERNEL_PARAM_UNSAFE',
      'profiles/worker.yaml:4:37 error KERNEL_PARAM_UNSAFE',
    ]);
    assert.equal(result.artifacts, undefined, 'nothing is emitted');
  });
});
