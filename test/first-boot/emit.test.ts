// The first-boot.json emitter: per-host content from the model, determinism, and the JSON Schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Compilation } from '../../src/compile/index.ts';
import { firstBootJson, type FirstBootConfig, type Peer } from '../../src/emit/first-boot.ts';
import { addFormats, readSchema } from '../../src/validate/schemas.ts';
import { compileFleet, makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { EXAMPLE_FLEET, EXAMPLE_GENERATED, MINIMAL_FLEET } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { testFleetYaml } from './harness.ts';


function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv, ['ipv4']);
  return ajv.compile(readSchema('first-boot.schema.json'));
}

function firstBootFiles(result: Compilation): Map<string, { text: string; config: FirstBootConfig }> {
  assert.ok(result.artifacts, result.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  const files = new Map<string, { text: string; config: FirstBootConfig }>();
  for (const artifact of result.artifacts) {
    const match = /^hosts\/([^/]+)\/first-boot\.json$/.exec(artifact.path);
    if (!match) continue;
    assert.equal(artifact.kind, 'first-boot');
    assert.equal(artifact.host, match[1]);
    files.set(match[1]!, { text: artifact.contents, config: JSON.parse(artifact.contents) as FirstBootConfig });
  }
  return files;
}

async function compile(t: Parameters<typeof tempDir>[0], overlay: FleetFiles = {}, fixture = MINIMAL_FLEET) {
  return firstBootFiles(await compileFleet(makeFleet(tempDir(t), overlay, fixture)));
}

const stepNames = (config: FirstBootConfig) => config.steps.map((s) => s.name);

describe('first-boot.json', () => {
  test('the example fleet: every host has one, and each validates against schema/first-boot.schema.json', async (t) => {
    const files = await compile(t, {}, EXAMPLE_FLEET);
    assert.deepEqual([...files.keys()].sort(), ['cp-1', 'cp-2', 'cp-3', 'edge-1', 'wk-1', 'wk-2', 'wk-3']);
    const validate = validator();
    for (const [host, { config }] of files) assert.ok(validate(config), `${host}: ${JSON.stringify(validate.errors)}`);
    const roles = Object.fromEntries([...files].map(([host, { config }]) => [host, `${config.cluster}/${config.role}: ${stepNames(config).join(' → ')}`]));
    assert.deepEqual(roles, {
      'cp-1': 'core/bootstrap: chainfire-join → flaredb-join → iam-setup → health-check',
      'cp-2': 'core/join: chainfire-join → flaredb-join → health-check',
      'cp-3': 'core/join: chainfire-join → flaredb-join → health-check',
      'edge-1': 'edge-1/bootstrap: chainfire-join → flaredb-join → iam-setup → health-check',
      'wk-1': 'core/join: chainfire-join → flaredb-join → health-check',
      'wk-2': 'core/join: chainfire-join → flaredb-join → health-check',
      'wk-3': 'core/join: chainfire-join → flaredb-join → health-check',
    });
    const cp2 = files.get('cp-2')!.config;
    assert.deepEqual(cp2.raft.map((g) => [g.service, g.mode, g.bootstrap, g.peers.map((p) => `${p.name}=${p.address}:${p.ports.api}/${p.ports.raft}@${p.network}`)]), [
      ['chainfire', 'voter', 'cp-1', ['cp-1=10.30.0.11:2379/2380@storage', 'cp-2=10.30.0.12:2379/2380@storage', 'cp-3=10.30.0.13:2379/2380@storage']],
      ['flaredb', 'voter', 'cp-1', ['cp-1=10.30.0.11:2479/2480@storage', 'cp-2=10.30.0.12:2479/2480@storage', 'cp-3=10.30.0.13:2479/2480@storage']],
    ]);
    assert.deepEqual(cp2.retry, { attempts: 5, delaySeconds: 10, backoff: 2, maxDelaySeconds: 120, timeoutSeconds: 10 });
    assert.equal(cp2.joinToken, 'clusterJoinToken');
    assert.deepEqual(cp2.secrets, { clusterJoinToken: { path: '/var/lib/fleetc/credentials/clusterJoinToken', delivery: 'fleetc-apply' } });
    assert.deepEqual(cp2.restart, { delaySeconds: 10, maxDelaySeconds: 120, steps: 4 });
    assert.equal(cp2.iam, undefined, 'only the bootstrap host sets up IAM');
    assert.deepEqual(files.get('cp-1')!.config.iam, { service: 'flaredb', address: '10.30.0.11', port: 2479, adminUser: 'admin', adminPassword: 'iamAdminPassword' });
    assert.deepEqual(files.get('wk-1')!.config.raft.map((g) => g.mode), ['client', 'client']);
    assert.deepEqual(files.get('edge-1')!.config.raft.map((g) => g.peers.map((p) => p.name)), [['edge-1'], ['edge-1']]);
    assert.deepEqual(files.get('cp-1')!.config.steps.map((s) => [s.unit, s.after, s.localServices.length]), [
      ['chainfire-cluster-join', [], 1],
      ['flaredb-cluster-join', ['chainfire-join'], 1],
      ['iam-initial-setup', ['flaredb-join'], 1],
      ['cluster-health-check', ['iam-setup'], 8],
    ]);
  });

  test('is deterministic JSON: 2-space indent, trailing newline, the same bytes on every build', async (t) => {
    const first = await compile(t, {}, EXAMPLE_FLEET);
    const second = await compile(t, {}, EXAMPLE_FLEET);
    for (const [host, { text, config }] of first) {
      assert.equal(text, `${JSON.stringify(config, null, 2)}\n`);
      assert.equal(second.get(host)!.text, text);
    }
  });

  test('firstBootJson prints what JSON.stringify(config, null, 2) prints, peers shared between configs or not', () => {
    // Strings that could pass for the text around "raft" or for a replacement pattern, among any others.
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\n  "raft": 0', '"raft": 0', '$&', '$1', '\\"', '\n'));
    const peer = fc.record({ name: text, address: text, network: text, ports: fc.record({ api: fc.nat(65535), raft: fc.nat(65535) }) });
    const peerLists = fc.array(fc.array(peer, { maxLength: 4 }), { minLength: 1, maxLength: 3 });
    const config = (lists: Peer[][]) =>
      fc.record(
        {
          version: fc.constant(2),
          fleet: text,
          host: text,
          cluster: text,
          role: fc.constantFrom('bootstrap', 'join'),
          bootstrapHost: text,
          address: text,
          retry: fc.record({ attempts: fc.nat(), delaySeconds: fc.nat(), backoff: fc.nat(), maxDelaySeconds: fc.nat(), timeoutSeconds: fc.nat() }),
          secrets: fc.dictionary(text, fc.record({ file: text })),
          raft: fc.array(fc.record({ service: text, mode: fc.constantFrom('voter', 'client'), bootstrap: text, peers: fc.constantFrom(...lists) }), { maxLength: 3 }),
          health: fc.array(fc.record({ service: text, kind: fc.constantFrom('http', 'tcp'), address: text, port: fc.nat(65535) }), { maxLength: 2 }),
          steps: fc.array(fc.record({ name: text, after: fc.array(text, { maxLength: 2 }) }), { maxLength: 3 }),
        },
        { requiredKeys: ['version', 'fleet', 'host', 'cluster', 'role', 'retry', 'secrets', 'raft', 'health', 'steps'] },
      );
    const configs = peerLists.chain((lists) => fc.array(config(lists), { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(configs, (list) => {
        const cache = new WeakMap<Peer[], string>();
        for (const c of list) assert.equal(firstBootJson(c as unknown as FirstBootConfig, cache), JSON.stringify(c, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  test('the committed generated/ holds exactly what the emitter writes', async (t) => {
    for (const [host, { text }] of await compile(t, {}, EXAMPLE_FLEET)) {
      assert.equal(readFileSync(`${EXAMPLE_GENERATED}/hosts/${host}/first-boot.json`, 'utf8'), text, `generated/hosts/${host}/first-boot.json is stale: run fleetc build`);
    }
  });

  test('peers are reached on firstBoot.network when both hosts have it, else on the boot interface', async (t) => {
    // Minimal fleet: the control plane has storage addresses, wk-1 only a prov (boot) interface.
    const files = await compile(t);
    const peers = (host: string) => files.get(host)!.config.raft[0]!.peers.map((p) => `${p.address}@${p.network}`);
    assert.deepEqual(peers('cp-2'), ['10.1.0.11@storage', '10.1.0.12@storage', '10.1.0.13@storage']);
    assert.deepEqual(peers('wk-1'), ['10.0.0.11@prov', '10.0.0.12@prov', '10.0.0.13@prov']);
    assert.equal(files.get('wk-1')!.config.address, '10.0.0.21');
    assert.equal(files.get('wk-1')!.config.network, 'prov');
    // Another network name moves everyone to the boot interface.
    const prov = await compile(t, { 'fleet.yaml': `${readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8')}firstBoot: { network: prov }\n` });
    assert.deepEqual(prov.get('cp-2')!.config.raft[0]!.peers.map((p) => p.address), ['10.0.0.11', '10.0.0.12', '10.0.0.13']);
  });

  test('the bootstrap host: first voter by name, or named in fleet.yaml, or claimed by a host file', async (t) => {
    const role = (files: Map<string, { config: FirstBootConfig }>) => Object.fromEntries([...files].map(([h, { config }]) => [h, config.role]));
    const byDefault = await compile(t);
    assert.deepEqual(role(byDefault), { 'cp-1': 'bootstrap', 'cp-2': 'join', 'cp-3': 'join', 'wk-1': 'join' });
    const minimal = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
    const named = await compile(t, { 'fleet.yaml': minimal.replace('core: {}', 'core: { bootstrap: cp-3 }') });
    assert.deepEqual(role(named), { 'cp-1': 'join', 'cp-2': 'join', 'cp-3': 'bootstrap', 'wk-1': 'join' });
    assert.ok(named.get('cp-1')!.config.raft.every((g) => g.bootstrap === 'cp-3'));
    const claimed = await compile(t, { 'hosts/cp-2.yaml': `${readFileSync(`${MINIMAL_FLEET}/hosts/cp-2.yaml`, 'utf8')}firstBoot: { bootstrap: true }\n` });
    assert.deepEqual(role(claimed), { 'cp-1': 'join', 'cp-2': 'bootstrap', 'cp-3': 'join', 'wk-1': 'join' });
    assert.equal(claimed.get('wk-1')!.config.bootstrapHost, 'cp-2');
  });

  test('without IAM settings there is no IAM step; secrets appear as references only', async (t) => {
    const files = await compile(t);
    assert.deepEqual(stepNames(files.get('cp-1')!.config), ['chainfire-join', 'flaredb-join', 'health-check']);
    assert.equal(files.get('cp-1')!.config.iam, undefined);
    const configured = await compile(t, { 'fleet.yaml': testFleetYaml() });
    assert.equal(configured.get('cp-1')!.config.iam?.adminPassword, 'adminPassword');
    assert.deepEqual(configured.get('cp-1')!.config.secrets.adminPassword, { path: '/var/lib/fleetc/credentials/adminPassword', delivery: 'fleetc-apply' });
  });

  test('Raft groups are joined in after: order, not name order', async (t) => {
    const minimal = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
    const fleetYaml = minimal
      .replace('chainfire: { raft: true, ports: { api: 2379, raft: 2380 }, health: { http: /health } }', 'chainfire: { raft: true, ports: { api: 2379, raft: 2380 }, after: [flaredb] }')
      .replace('flaredb: { raft: true, ports: { api: 2479, raft: 2480 }, after: [chainfire] }', 'flaredb: { raft: true, ports: { api: 2479, raft: 2480 } }');
    const files = await compile(t, { 'fleet.yaml': fleetYaml });
    assert.deepEqual(stepNames(files.get('cp-1')!.config), ['flaredb-join', 'chainfire-join', 'health-check']);
  });

  test('a cluster without Raft groups: only the health check, no bootstrap host', async (t) => {
    const minimal = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
    const files = await compile(t, {
      'fleet.yaml': minimal.replace('core: {}', 'core: {}\n  lab: {}').replace('novanet: { ports: { api: 7080 } }', 'novanet: { ports: { api: 7080 }, health: { http: /health } }'),
      'hosts/wk-1.yaml': readFileSync(`${MINIMAL_FLEET}/hosts/wk-1.yaml`, 'utf8').replace('profile: worker', 'profile: worker\ncluster: lab'),
    });
    const wk1 = files.get('wk-1')!.config;
    assert.equal(wk1.role, 'join');
    assert.equal(wk1.bootstrapHost, undefined);
    assert.deepEqual(wk1.raft, []);
    assert.deepEqual(wk1.steps.map((s) => [s.name, s.after]), [['health-check', []]]);
    assert.deepEqual(wk1.health, [{ service: 'novanet', kind: 'http', address: '10.0.0.21', port: 7080, path: '/health' }]);
    assert.ok(validator()(wk1));
  });

  test('a secret planted in the environment and in secret files never reaches generated output', async (t) => {
    const planted = 'planted-secret-value-0b7e4c';
    const previous = process.env.PHOTON_JOIN_TOKEN;
    process.env.PHOTON_JOIN_TOKEN = planted;
    t.after(() => (previous === undefined ? delete process.env.PHOTON_JOIN_TOKEN : (process.env.PHOTON_JOIN_TOKEN = previous)));
    const result = await compileFleet(makeFleet(tempDir(t), {}, EXAMPLE_FLEET));
    assert.ok(result.artifacts);
    for (const artifact of result.artifacts) assert.ok(!artifact.contents.includes(planted), artifact.path);
  });

  test('the schema is rejecting: a plan with a secret value instead of a name or path fails it', async (t) => {
    const config = (await compile(t, {}, EXAMPLE_FLEET)).get('cp-1')!.config;
    const validate = validator();
    assert.ok(!validate({ ...config, iam: { ...config.iam!, adminPassword: 'hunter 2!' } }));
    assert.ok(!validate({ ...config, secrets: { ...config.secrets, iamAdminPassword: { path: '/var/lib/fleetc/credentials/iamAdminPassword', delivery: 'fleetc-apply', value: 'hunter2' } } }));
    assert.ok(!validate({ ...config, secrets: { x: { path: 'hunter2', delivery: 'fleetc-apply' } } }));
    assert.ok(!validate({ ...config, steps: [] }));
    assert.ok(!validate({ ...config, extra: true }));
  });
});

describe('first-boot schemas document themselves', () => {
  /** Every property: a description and examples, like the fleet file schemas. */
  function undocumented(node: unknown, where: string, out: string[]): string[] {
    if (typeof node !== 'object' || node === null) return out;
    const schema = node as Record<string, unknown>;
    for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (typeof child.description !== 'string' || !Array.isArray(child.examples) || child.examples.length === 0) out.push(`${where}.${name}`);
      undocumented(child, `${where}.${name}`, out);
    }
    for (const key of ['items', 'additionalProperties']) undocumented(schema[key], `${where}[]`, out);
    for (const [name, def] of Object.entries((schema.$defs ?? {}) as Record<string, unknown>)) undocumented(def, `${where}#${name}`, out);
    for (const branch of (schema.oneOf ?? []) as unknown[]) undocumented(branch, where, out);
    return out;
  }

  test('schema/first-boot.schema.json, fleet.yaml firstBoot and host firstBoot', () => {
    const fleet = readSchema('fleet.schema.json') as { properties: Record<string, unknown> };
    const host = readSchema('host.schema.json') as { properties: Record<string, unknown> };
    assert.deepEqual(undocumented(readSchema('first-boot.schema.json'), 'first-boot', []), []);
    assert.deepEqual(undocumented({ properties: { firstBoot: fleet.properties.firstBoot } }, 'fleet', []), []);
    assert.deepEqual(undocumented({ properties: { firstBoot: host.properties.firstBoot } }, 'host', []), []);
  });
});
