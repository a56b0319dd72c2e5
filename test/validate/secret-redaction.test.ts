// Whatever is written at a secret position — the secret itself by mistake, a malformed reference —
// never appears in fleetc's output, in any format: not in a message, not in the source excerpt
// (masked with '*', the caret still where it was), not in an unrelated diagnostic on the same line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runFleetc } from '../helpers/cli.ts';
import { makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { tempDir } from '../helpers/tmp.ts';

const SECRET = 'Hunter2-S3cr3t-Value';

const BMC = (password: string, rest = '') => `profile: worker
hardware:
  firmware: bios
  disks:
    a: { device: /dev/disk/by-id/ata-wk1a, size: 200G }
    b: { device: /dev/disk/by-id/ata-wk1b, size: 200G }
  layout: { kind: raid1, disks: [a, b], root: { fs: xfs } }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:21", network: prov, address: 10.0.0.21, boot: true }
bmc: { kind: redfish, address: 10.0.1.21, user: admin, password: ${password}${rest} }
`;

const CASES: Array<{ name: string; overlay?: FleetFiles; edit?: (fleetDir: string) => void; expected: string[] }> = [
  { name: 'an inline BMC password', overlay: { 'hosts/wk-1.yaml': BMC(SECRET) }, expected: ['fleet/hosts/wk-1.yaml:10:66 error SECRET_INLINE'] },
  // The file does not even parse: the excerpt of the other error on the line is masked all the same.
  { name: 'an inline password beside a duplicate key on the same line', overlay: { 'hosts/wk-1.yaml': BMC(SECRET, ', address: 10.0.1.22') }, expected: ['fleet/hosts/wk-1.yaml:10:88 error YAML_DUPLICATE_KEY'] },
  { name: 'a malformed env reference (SCHEMA_PATTERN)', overlay: { 'hosts/wk-1.yaml': BMC(`{ env: "${SECRET}" }`) }, expected: ['fleet/hosts/wk-1.yaml:10:73 error SCHEMA_PATTERN'] },
  { name: 'a relative file reference', overlay: { 'hosts/wk-1.yaml': BMC(`{ file: ${SECRET} }`) }, expected: ['fleet/hosts/wk-1.yaml:10:74 error SCHEMA_PATTERN'] },
  { name: 'the value beside a reference', overlay: { 'hosts/wk-1.yaml': BMC(`{ file: /run/secrets/x, value: ${SECRET} }`) }, expected: ['fleet/hosts/wk-1.yaml:10:66 error SCHEMA_INVALID', 'fleet/hosts/wk-1.yaml:10:66 error SCHEMA_UNKNOWN_PROPERTY'] },
  { name: 'the value as a key of the reference', overlay: { 'hosts/wk-1.yaml': BMC(`{ ${SECRET}: x }`) }, expected: ['fleet/hosts/wk-1.yaml:10:66 error SCHEMA_UNKNOWN_PROPERTY'] },
  {
    name: 'a fleet secret written as a block scalar',
    edit: (fleetDir) => {
      const file = path.join(fleetDir, 'fleet.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^secrets:\n.*\n/m, `secrets:\n  adminPassword: |\n    ${SECRET}\n    second line ${SECRET}\n`));
    },
    expected: ['fleet/fleet.yaml:23:18 error SECRET_INLINE'],
  },
];

describe('secrets are never printed', () => {
  for (const c of CASES) {
    test(c.name, async (t) => {
      const root = tempDir(t);
      const paths = makeFleet(root, c.overlay);
      c.edit?.(paths.fleetDir);
      const args = ['--fleet', 'fleet', '--nix', 'nix', '--no-cache'];
      for (const format of ['text', 'json', 'github']) {
        const r = await runFleetc(['validate', '--format', format, ...args], { cwd: root });
        assert.equal(r.exitCode, 1, r.stderr);
        assert.ok(!(r.stdout + r.stderr).includes(SECRET), `${format}: the secret is printed:\n${r.stdout}${r.stderr}`);
        assert.ok(!(r.stdout + r.stderr).includes(SECRET.slice(0, 12)), `${format}: part of the secret is printed`);
        if (format === 'json') {
          const located = (JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; line: number; column: number; severity: string; code: string }> }).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`);
          assert.deepEqual(located, c.expected);
        }
        if (format === 'text') assert.match(r.stdout, /^ {2}\d+ \| .*\*/m, 'the excerpt shows the masked value');
      }
      const build = await runFleetc(['build', ...args], { cwd: root });
      assert.equal(build.exitCode, 1);
      assert.ok(!(build.stdout + build.stderr).includes(SECRET));
    });
  }
});
