// Editors show the schemas' descriptions and examples: every property must have both, and every
// object must say whether it allows unknown keys.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { readSchema, SCHEMA_DIR } from '../../src/validate/schemas.ts';
import { EXAMPLE_FLEET } from '../helpers/paths.ts';

type Schema = Record<string, unknown>;

/** Conditional subschemas (if/then/else) constrain properties declared, and documented, beside them. */
const NOT_DECLARATIONS = new Set(['examples', 'if', 'then', 'else']);

function walk(schema: unknown, path: string, visit: (node: Schema, path: string) => void): void {
  if (Array.isArray(schema)) schema.forEach((item, i) => walk(item, `${path}/${i}`, visit));
  else if (schema && typeof schema === 'object') {
    visit(schema as Schema, path);
    for (const [key, value] of Object.entries(schema)) if (!NOT_DECLARATIONS.has(key)) walk(value, `${path}/${key}`, visit);
  }
}

for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
  test(`${file}: every property has a description and examples`, () => {
    const problems: string[] = [];
    walk(readSchema(file), '#', (node, path) => {
      const properties = node.properties as Record<string, Schema> | undefined;
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (typeof property.description !== 'string' || property.description === '') problems.push(`${path}/properties/${name}: no description`);
        if (!Array.isArray(property.examples) || property.examples.length === 0) problems.push(`${path}/properties/${name}: no examples`);
      }
      if (node.type === 'object' && node.properties && node.additionalProperties === undefined && !path.includes('/oneOf/')) {
        problems.push(`${path}: object without additionalProperties`);
      }
    });
    assert.deepEqual(problems, []);
  });
}

test('every example fleet file names its schema for yaml-language-server', async () => {
  const { readFileSync } = await import('node:fs');
  const files = readdirSync(EXAMPLE_FLEET, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.yaml'));
  assert.ok(files.length >= 12);
  for (const entry of files) {
    const dir = (entry as unknown as { parentPath?: string; path: string }).parentPath ?? (entry as unknown as { path: string }).path;
    const first = readFileSync(`${dir}/${entry.name}`, 'utf8').split('\n')[0]!;
    assert.match(first, /^# yaml-language-server: \$schema=(\.\.\/)+schema\/(fleet|profile|host)\.schema\.json$/, entry.name);
  }
});
