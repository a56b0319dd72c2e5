// Random fleets (fast-check, a bounded number of runs): whatever validate accepts, the real dhcpd and
// Kea accept too, and every iPXE script reads, word for word, as fleetc meant it. Descriptions,
// labels and kernel parameters are drawn with quotes, backslashes, line breaks, #, ;, ${, control
// and non-ASCII characters; some fleets are invalid on purpose, and those must get diagnostics
// rather than an exception.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileFromDisk } from '../../src/compile/index.ts';
import { hasErrors } from '../../src/diagnostics/diagnostic.ts';
import { ipxeWordProblem } from '../../src/emit/ipxe/quote.ts';
import { intToIpv4 } from '../../src/model/ipv4.ts';
import { writeOutput } from '../../src/write/index.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';
import { Lab } from './support/lab.ts';

const RUNS = 25;
const SERVER_INTERFACES = ['eno1', 'eth0', 'br-prov'];

// ---- YAML text from plain data, every string double-quoted with YAML escapes -------------------

function yamlString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function yaml(value: unknown): string {
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(yaml).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{ ${entries.map(([k, v]) => `${yamlString(k)}: ${yaml(v)}`).join(', ')} }`;
}

// ---- arbitraries ----------------------------------------------------------------------------------

const nasty = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom('"', "'", '\\', '\n', '\r\n', '\t', '#', ';', '${', '}', '{', '$', '|', '||', '&&', ' ', '—', 'é', '日本', '\u2028', '\u007f', '\u0085', '\u0001', '%', '`') },
  ),
  maxLength: 40,
});
// Mostly parameters iPXE can carry (with ; # $ { } | & inside), sometimes one it cannot.
const anyParam = fc.stringMatching(/^[A-Za-z0-9=,.:;#$%&|{}/+_-]{1,16}$/);
const kernelParam = fc.oneof({ weight: 12, arbitrary: anyParam.filter((p) => ipxeWordProblem(p) === undefined) }, { weight: 1, arbitrary: anyParam });
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const mac = fc.tuple(fc.integer({ min: 0, max: 127 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 })).map(([first, rest]) => [first * 2, ...rest].map((b) => b.toString(16).padStart(2, '0')).join(':'));

interface FleetCase {
  files: Record<string, string>;
  interfaces: string[];
}

const fleetCase: fc.Arbitrary<FleetCase> = fc
  .record({
    networkCount: fc.integer({ min: 1, max: 3 }),
    prefixes: fc.array(fc.constantFrom(16, 20, 24), { minLength: 3, maxLength: 3 }),
    secondDhcp: fc.boolean(),
    secondVlan: fc.option(fc.integer({ min: 1, max: 4094 }), { nil: undefined }),
    pool: fc.boolean(),
    gateway: fc.boolean(),
    leaseSeconds: fc.option(fc.integer({ min: 60, max: 86400 }), { nil: undefined }),
    descriptions: fc.array(fc.option(nasty, { nil: undefined }), { minLength: 3, maxLength: 3 }),
    port: fc.integer({ min: 1, max: 65535 }),
    urlPath: fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){0,2}$/),
    interfaces: fc.option(fc.subarray(SERVER_INTERFACES, { minLength: 1 }), { nil: undefined }),
    ipxe: fc.option(fc.record({ bios: fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,10}\.kpxe$/), arm64: fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,6}(\/[a-z0-9_][a-z0-9_.-]{0,6})?\.efi$/) }), { nil: undefined }),
    profiles: fc.uniqueArray(fc.record({ name: fc.constantFrom('base', 'control-plane', 'worker', 'edge'), description: fc.option(nasty, { nil: undefined }), params: fc.array(kernelParam, { maxLength: 3 }) }), { minLength: 1, maxLength: 3, selector: (p) => p.name }),
    hosts: fc.uniqueArray(
      fc.record({
        name: dnsLabel,
        mac,
        mac2: mac,
        machine: fc.constantFrom(['x86_64', 'uefi'], ['x86_64', 'bios'], ['aarch64', 'uefi']),
        profile: fc.nat(),
        staticBoot: fc.boolean(),
        second: fc.boolean(),
        labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), nasty, { maxKeys: 3 }),
        params: fc.array(kernelParam, { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 6, selector: (h) => h.name },
    ),
  })
  .map((c): FleetCase => {
    const networks: Record<string, unknown> = {};
    const names = ['prov', 'stor', 'mgmt'].slice(0, c.networkCount);
    const base = (i: number) => (10 << 24) + ((i + 1) << 16);
    names.forEach((name, i) => {
      const net = base(i);
      const boot = i === 0;
      networks[name] = {
        description: c.descriptions[i],
        cidr: `${intToIpv4(net)}/${c.prefixes[i]}`,
        gateway: c.gateway ? intToIpv4(net + 1) : undefined,
        dns: [intToIpv4(net + 2)],
        vlan: boot || c.secondVlan === undefined ? undefined : ((c.secondVlan + i) % 4094) + 1,
        dhcp: boot || c.secondDhcp ? { pool: boot && c.pool ? { start: intToIpv4(net + 100), end: intToIpv4(net + 150) } : undefined, leaseSeconds: c.leaseSeconds } : undefined,
      };
    });
    const tftp = intToIpv4(base(0) + 2);
    const files: Record<string, string> = {
      'fleet.yaml': yaml({
        name: 'prop',
        domain: 'prop.test',
        inputs: { nixpkgs: { url: 'github:NixOS/nixpkgs/nixos-26.05', rev: '7c8764b7c7b09b34f632464276218ef9090eaa11', narHash: 'sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=', lastModified: 1791426274 }, disko: { url: 'github:nix-community/disko', rev: 'de5708739256238fb912c62f03988815db89ec9a', narHash: 'sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=', lastModified: 1768920986 } },
        networks,
        boot: { http: `http://${tftp}:${c.port}${c.urlPath}`, tftp, interfaces: c.interfaces, ipxe: c.ipxe },
      }),
    };
    for (const profile of c.profiles) files[`profiles/${profile.name}.yaml`] = yaml({ description: profile.description, kernel: { params: profile.params } });
    c.hosts.forEach((host, i) => {
      const interfaces: unknown[] = [{ name: 'eno1', mac: host.mac, network: 'prov', address: host.staticBoot || !c.pool ? intToIpv4(base(0) + 10 + i) : undefined, boot: true }];
      if (host.second && names.length > 1) interfaces.push({ name: 'eno2', mac: host.mac2, network: 'stor', address: intToIpv4(base(1) + 10 + i) });
      files[`hosts/${host.name}.yaml`] = yaml({
        profile: c.profiles[host.profile % c.profiles.length]!.name,
        hardware: { arch: host.machine[0], firmware: host.machine[1], disks: { main: { device: `/dev/disk/by-id/nvme-${host.name}`, size: '100G' } }, layout: { kind: 'single', disk: 'main' } },
        interfaces,
        labels: host.labels,
        kernel: { params: host.params },
      });
    });
    return { files, interfaces: c.interfaces ?? ['*'] };
  });

// ---- the model of iPXE's command line (src/core/exec.c): words split at whitespace ------------

const OWN_SETTINGS = new Set(['${netX/mac}', '${fleet-system}', '${buildarch}', '${fleet-choice}']);

function checkIpxeScript(file: string, text: string): void {
  const lines = text.split('\n');
  assert.equal(lines[0], '#!ipxe', file);
  lines.forEach((line, index) => {
    const words = line.split(/\s+/).filter(Boolean);
    if (words.length === 0 || words[0]!.startsWith('#') || words[0]!.startsWith(':')) return;
    // A # word starts a comment: nothing fleetc writes on a command line may be one.
    assert.ok(!words.some((w) => w.startsWith('#')), `${file}: a word starts a comment in: ${line}`);
    for (const match of line.matchAll(/\$\{[^}]*\}/g)) assert.ok(OWN_SETTINGS.has(match[0]), `${file}: unexpected expansion ${match[0]} in: ${line}`);
    const separators = words.filter((w) => w === '||' || w === '&&' || w === ';');
    assert.ok(separators.every((w) => w === '||' || w === '&&'), `${file}: ; in: ${line}`);
    if (words[0] === 'set' && words[1] === 'cmdline') {
      // Every word after the setting's name is one kernel parameter, written as is; the next line
      // hands them to the image's own script, which returns here when it fails.
      for (const word of words.slice(2)) assert.equal(ipxeWordProblem(word.replace(/\$\{netX\/mac\}/g, 'x')), undefined, `${file}: ${word}`);
      const next = lines[index + 1]!.split(' ');
      assert.equal(next[0], 'chain', `${file}: ${line} is not followed by chain`);
      assert.match(next[1]!, /\/images\/[^/]+\/[^/]+\/netboot\.ipxe$/, `${file}: ${lines[index + 1]}`);
      assert.deepEqual(next.slice(2), ['||', 'goto', 'failed'], `${file}: ${lines[index + 1]}`);
    }
  });
  if (file.startsWith('hosts/')) assert.ok(lines.some((line) => line.startsWith('set cmdline systemd.hostname=')), `${file} sets the host's command line`);
}

test('whatever validate accepts, dhcpd, Kea and the iPXE word rules accept', { timeout: 300_000 }, async (t) => {
  if (!requireTools(t, 'dhcpd', 'kea-dhcp4', 'ip')) return;
  const root = tempDir(t, 'fleetc-prop-');
  const lab = Lab.create({ bridge: SERVER_INTERFACES[0]!, serverCidr: '10.1.0.2/16' }, root);
  t.after(() => lab.close());
  for (const name of SERVER_INTERFACES.slice(1)) execFileSync('ip', ['-n', lab.server, 'link', 'add', name, 'type', 'bridge']);

  let valid = 0;
  let invalid = 0;
  const refusals = new Map<string, number>();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fleetCase, async ({ files }) => {
      const dir = path.join(root, `case-${run++}`);
      rmSync(dir, { recursive: true, force: true });
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, 'fleet', rel)), { recursive: true });
        writeFileSync(path.join(dir, 'fleet', rel), text);
      }
      const paths = { fleetDir: path.join(dir, 'fleet'), outDir: path.join(dir, 'generated'), nixDir: EXAMPLE_NIX };
      const result = await compileFromDisk(paths);
      if (hasErrors(result.diagnostics)) {
        invalid++;
        for (const d of result.diagnostics) if (d.severity === 'error') refusals.set(d.code, (refusals.get(d.code) ?? 0) + 1);
        assert.equal(result.artifacts, undefined);
        return;
      }
      valid++;
      await writeOutput(paths.outDir, result.artifacts!);
      const dhcpd = (() => {
        try {
          execFileSync('dhcpd', ['-t', '-4', '-cf', `${paths.outDir}/dhcp/dhcpd.conf`], { stdio: 'pipe' });
          return '';
        } catch (error) {
          return String((error as { stderr?: Buffer }).stderr);
        }
      })();
      assert.equal(dhcpd, '', `dhcpd rejected what validate accepted:\n${dhcpd}\n${readFileSync(`${paths.outDir}/dhcp/dhcpd.conf`, 'utf8')}`);
      const keaText = readFileSync(`${paths.outDir}/dhcp/kea-dhcp4.json`, 'utf8');
      JSON.parse(keaText);
      let kea = '';
      try {
        lab.run(['kea-dhcp4', '-t', `${paths.outDir}/dhcp/kea-dhcp4.json`]);
      } catch (error) {
        kea = String((error as { stdout?: string }).stdout) + String((error as { stderr?: string }).stderr);
      }
      assert.equal(kea, '', `Kea rejected what validate accepted:\n${kea}\n${keaText}`);
      for (const file of ['boot.ipxe', ...readdirSync(`${paths.outDir}/ipxe/hosts`).map((f) => `hosts/${f}`)]) {
        checkIpxeScript(file, readFileSync(`${paths.outDir}/ipxe/${file}`, 'utf8'));
      }
      rmSync(dir, { recursive: true, force: true });
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${valid} valid fleets checked by dhcpd -t and kea-dhcp4 -t, ${invalid} refused by validate (${[...refusals].map(([code, n]) => `${code} ×${n}`).join(', ')})`);
  assert.ok(valid >= RUNS / 2, `too few valid fleets (${valid} of ${RUNS}): the generator needs fixing`);
});
