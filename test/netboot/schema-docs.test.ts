// Every property of the fleet schemas (editors show these as completion help) has a description
// and examples, and the boot server's properties are where docs/network-boot.md says they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSchema, SCHEMA_FILES } from '../../src/validate/schemas.ts';

type Node = Record<string, unknown>;

/** A property is documented by its own keywords, or by those of the local definition it references. */
function documentation(child: Node, root: Node): Node {
  const ref = child.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return child;
  const target = (root.$defs as Record<string, Node>)[ref.slice('#/$defs/'.length)] ?? {};
  return { ...target, ...child };
}

function undocumented(node: unknown, where: string, out: string[], root = node as Node): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Node;
  for (const key of ['properties', '$defs'] as const) {
    const children = schema[key] as Record<string, Node> | undefined;
    for (const [name, child] of Object.entries(children ?? {})) {
      const path = `${where}/${key}/${name}`;
      const doc = documentation(child, root);
      if (typeof doc.description !== 'string' || doc.description === '') out.push(`${path}: no description`);
      if (!Array.isArray(doc.examples) || doc.examples.length === 0) out.push(`${path}: no examples`);
      undocumented(child, path, out, root);
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) if (schema[key] && typeof schema[key] === 'object') undocumented(schema[key], `${where}/${key}`, out, root);
  for (const branch of (schema.oneOf as Node[] | undefined) ?? []) undocumented(branch, `${where}/oneOf`, out, root);
}

test('the boot server properties have a description and examples', () => {
  const boot = (readSchema(SCHEMA_FILES.fleet).properties as Record<string, Node>).boot!;
  const missing: string[] = [];
  undocumented(boot, 'fleet#/properties/boot', missing, readSchema(SCHEMA_FILES.fleet));
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(boot.properties as Node), ['http', 'tftp', 'interfaces', 'ipxe', 'menuTimeoutSeconds', 'server']);
  assert.equal(boot.additionalProperties, false);
  assert.equal(((boot.properties as Record<string, Node>).ipxe!).additionalProperties, false);
});

test('every property of every fleet schema has a description and examples', () => {
  const missing: string[] = [];
  for (const file of ['common.schema.json', ...Object.values(SCHEMA_FILES)]) undocumented(readSchema(file), file, missing);
  assert.deepEqual(missing, []);
});
