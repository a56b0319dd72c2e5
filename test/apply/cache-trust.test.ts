// deploy.cache.publicKey makes every host list the fleet's cache as a substituter and trust its key
// (fleetc's fleet module, evaluated by nixpkgs' real lib under the NixOS stand-in), so the hosts
// really pull: `nix copy --substitute-on-destination` only substitutes from caches a host trusts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { requireTools } from '../helpers/tools.ts';
import { EXAMPLE_FLEET } from '../helpers/paths.ts';
import { compiledTree, hostExpr } from '../nixos-standin/hosts.ts';
import { evalJson, standinDir } from '../nixos-standin/standin.ts';

const KEY = 'fleet-cache-1:C2JMwDN1Ix5Cl0kRQKXsBbtCvBSzyy5OO6FANlyZ0zs=';
const READ = '{ substituters = c.nix.settings.substituters or [ ]; keys = c.nix.settings.trusted-public-keys or [ ]; }';

test('with deploy.cache.publicKey every host substitutes from the cache and trusts its key; without it nothing is set', async (t) => {
  if (!requireTools(t, 'nix-instantiate', 'tar')) return;
  const fleetYaml = readFileSync(`${EXAMPLE_FLEET}/fleet.yaml`, 'utf8');
  const cache = `  cache:\n    url: "s3://fleet-cache?region=eu-west-1"\n    signingKey: { env: FLEET_CACHE_KEY }\n    publicKey: "${KEY}"\n    substituter: "https://fleet-cache.s3.eu-west-1.amazonaws.com"\n`;
  const tree = await compiledTree(t, { 'fleet.yaml': fleetYaml.replace('  healthTimeoutSeconds: 300\n', `  healthTimeoutSeconds: 300\n${cache}`) });
  const dir = standinDir(t);
  for (const host of tree.fleet.hosts.slice(0, 2)) {
    const settings = await evalJson<{ substituters: string[]; keys: string[] }>(dir, hostExpr(tree, host.name, READ));
    assert.deepEqual(settings, { substituters: ['https://fleet-cache.s3.eu-west-1.amazonaws.com'], keys: [KEY] });
  }
  const plain = await compiledTree(t);
  assert.deepEqual(await evalJson(dir, hostExpr(plain, plain.fleet.hosts[0]!.name, READ)), { substituters: [], keys: [] });
});
