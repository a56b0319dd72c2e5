// The host module prints each platform service's configuration once for all hosts alike
// (host-module.ts serviceConfigs): a value printed once and inserted as code prints as the value in
// place, at any depth, dotted paths included; and a host's module is the same whether its services'
// printed texts came from another host of the fleet or were printed for it alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileRaw, emitContext } from '../../src/compile/index.ts';
import { emitHostModules } from '../../src/emit/host-module.ts';
import { nixCode, nixValue } from '../../src/emit/nix/printer.ts';
import { readFleetDirSync } from '../../src/load/index.ts';
import type { RawFleet } from '../../src/load/types.ts';
import type { Fleet } from '../../src/model/fleet.ts';
import { generateFleet } from '../../bench/generate.ts';
import { EXAMPLE_PATHS } from '../helpers/example.ts';
import { EXAMPLE_NIX } from '../helpers/paths.ts';
import { rawOf } from '../helpers/raw-fleet.ts';

const LAYOUT = { nixDirFromOut: '../nix', outDirFromRoot: 'generated' };
const key = fc.constantFrom('a', 'b', 'ports', 'eno2.30', 'if', '10-x');
const leaf = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.constant(nixCode('host.name')));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
})).node;
/** What a service's configuration is: an attribute set of two keys or more. */
const config = fc.dictionary(key, value, { minKeys: 2, maxKeys: 4 }).filter((record) => Object.keys(record).length >= 2);

test('a configuration printed once and inserted as code prints as the configuration in place', () => {
  fc.assert(
    fc.property(config, fc.array(fc.constantFrom('platform', 'services', 'x'), { minLength: 1, maxLength: 3 }), fc.boolean(), (record, path, collapsePaths) => {
      const nest = (inner: unknown) => path.reduceRight<unknown>((acc, name) => ({ [name]: acc, ...(path.length > 2 ? { other: 1 } : {}) }), inner);
      const printed = nixCode(nixValue(record, { collapsePaths }));
      assert.equal(nixValue(nest(printed), { collapsePaths }), nixValue(nest(record), { collapsePaths }));
    }),
    { numRuns: 300 },
  );
});

function modulesOf(raw: RawFleet): Map<string, string> {
  const result = compileRaw(raw, { ...LAYOUT, validateOnly: true });
  assert.ok(result.fleet, JSON.stringify(result.diagnostics.map((d) => d.message)));
  const context = emitContext(raw, LAYOUT, result.diagnostics);
  const whole = new Map(emitHostModules(result.fleet, context).map((a) => [a.host!, a.contents]));
  // Each host alone, with services of its own (nothing printed for another host can serve it).
  for (const host of result.fleet.hosts) {
    const alone: Fleet = structuredClone({ ...result.fleet, hosts: [host] });
    assert.equal(emitHostModules(alone, context)[0]!.contents, whole.get(host.name), host.name);
  }
  return whole;
}

test('every host module of the example and of a bench fleet is the one printed for the host alone', () => {
  modulesOf(readFleetDirSync(EXAMPLE_PATHS.fleetDir, EXAMPLE_NIX));
  const modules = modulesOf(rawOf(Object.fromEntries(generateFleet(240, 5).files)));
  assert.ok([...modules.values()].some((text) => text.includes('platform.services = {')), 'hosts with several services');
});
