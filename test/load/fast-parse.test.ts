// The fast parser must read every file it accepts exactly as the yaml library does (YAML 1.2 core
// schema): tricky plain scalars, keys, flow and block styles, every fixture and example file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { fastParse } from '../../src/load/fast-parse.ts';
import { YAML_OPTIONS } from '../../src/load/parse.ts';
import { EXAMPLE_FLEET, FIXTURES } from '../helpers/paths.ts';

function slowParse(text: string): unknown {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length > 0) return undefined;
  return docs[0]!.toJS();
}

const TRICKY = ['0o17', '0O17', '017', '0x1F', '0X1f', '0b101', '1_000', '+1', '-1', '-0', '+0.5', '.5', '1.', '1.0', '1e5', '1E-2', '1e', 'e5', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'NaN', 'inf',
  'yes', 'No', 'on', 'OFF', 'true', 'True', 'TRUE', 'tRUE', 'false', 'null', 'Null', 'NULL', 'nULL', '~', '2024-01-01', '2024-01-01T10:00:00Z', '12:30', '1:2:3', '52:54:00:10:00:01',
  '10.20.0.11', '10.20.0.0/24', 'a b', 'x=y', 'console=ttyS0', '100%', '960G', '<<', '=', '-', '--x', 'é', '☃', '0', '00', '9007199254740993', '-9007199254740993', '0x7fffffffffffffff'];

const scalar = fc.constantFrom(...TRICKY);
const key = fc.oneof(fc.constantFrom(...TRICKY.filter((t) => !t.startsWith('-') && t !== '~' && !t.includes(': '))), fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/));

function render(value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.map((v) => `\n${indent}- ${typeof v === 'object' ? render(v, `${indent}  `).trimStart() : v}`).join('');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([k, v]) => `\n${indent}${k}:${typeof v === 'object' ? render(v, `${indent}  `) : ` ${v}`}`).join('');
  }
  return ` ${String(value)}`;
}

const document: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  key,
  fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), fc.dictionary(key, scalar, { minKeys: 1, maxKeys: 3 })),
  { minKeys: 1, maxKeys: 6 },
);

test('on random documents of tricky plain scalars, the fast path agrees with the yaml library whenever it answers', () => {
  let answered = 0;
  fc.assert(
    fc.property(document, fc.boolean(), (doc, flow) => {
      const text = flow ? `{ ${Object.entries(doc).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'object' ? `{ ${Object.entries(v as object).map(([a, b]) => `${a}: ${b}`).join(', ')} }` : v}`).join(', ')} }\n` : `${render(doc, '').trimStart()}\n`;
      const fast = fastParse(text);
      if (fast === undefined) return;
      answered++;
      assert.ok(isDeepStrictEqual(fast, slowParse(text)), `${text}\nfast: ${JSON.stringify(fast)}\nslow: ${JSON.stringify(slowParse(text))}`);
    }),
    { numRuns: 5000 },
  );
  assert.ok(answered > 2500, `the fast path answered only ${answered} documents`);
});

test('every fixture and example fleet file reads the same on both paths', () => {
  const files = [EXAMPLE_FLEET, path.join(FIXTURES, 'fleets'), path.join(FIXTURES, 'diagnostics')].flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join((e as unknown as { parentPath: string }).parentPath, e.name)),
  );
  assert.ok(files.length > 80);
  let answered = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const fast = fastParse(text);
    if (fast === undefined) continue;
    answered++;
    assert.ok(isDeepStrictEqual(fast, slowParse(text)), file);
  }
  assert.ok(answered > 60);
});

test('unusual files go to the yaml library', () => {
  for (const text of ['a: 1\na: 2\n', 'a: &x 1\nb: *x\n', 'a: !custom 1\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', '- 1\n', '', 'a: [1\n', 'a: "\0"\n']) {
    assert.equal(fastParse(text), undefined, JSON.stringify(text));
  }
});

test('null keys, however spelled, and NULs from escapes go to the yaml library or read the same', () => {
  const texts = ['~: 1\n', ': 1\n', '{: 1}\n', 'a: [: 1]\n', 'a: [b, : 1]\n', 'a:\n  ~: x\n', 'null: 1\n', 'a: {NULL: 1}\n', 'a: {b: 1, : 2}\n', 'a:\n  - : 1\n', 'x:\n  : 3\n', '"null": 1\n', 'a: "x\\0y"\n', 'a: ["\\x00"]\n', 'a: {"\\u0000": 1}\n'];
  for (const text of texts) {
    const fast = fastParse(text);
    const nul = fast !== undefined && JSON.stringify(fast).includes('\\u0000');
    assert.ok(fast === undefined || nul || isDeepStrictEqual(fast, slowParse(text)), `${JSON.stringify(text)}: fast ${JSON.stringify(fast)}, slow ${JSON.stringify(slowParse(text))}`);
  }
});

test('on documents written by yaml.stringify (quoting, block scalars, unicode), both paths agree', async () => {
  const { stringify } = await import('yaml');
  const { hostileString } = await import('../helpers/arbitrary-fleet.ts');
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(hostileString, tie('node'), { maxKeys: 3 })),
  })).node;
  let answered = 0;
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), value, { minKeys: 1, maxKeys: 5 }), (doc) => {
      const text = stringify(doc);
      const fast = fastParse(text);
      if (fast === undefined) return;
      answered++;
      assert.ok(isDeepStrictEqual(fast, slowParse(text)), `${text}\nfast: ${JSON.stringify(fast)}\nslow: ${JSON.stringify(slowParse(text))}`);
    }),
    { numRuns: 2000 },
  );
  assert.ok(answered > 500, `the fast path answered only ${answered} documents`);
});
