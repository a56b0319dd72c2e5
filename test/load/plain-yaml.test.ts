// The plain reader (src/load/plain-yaml.ts) reads every file it answers for exactly as the yaml
// library does (YAML 1.2 core schema), never answers for a file the library reports an error in, and
// answers for the files fleets are made of: the example fleet, the fixtures, documents of random
// shape written in block, compact and flow style with random indentation, comments and quoting.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { plainYaml } from '../../src/load/plain-yaml.ts';
import { YAML_OPTIONS } from '../../src/load/parse.ts';
import { EXAMPLE_FLEET, FIXTURES } from '../helpers/paths.ts';
import { hostileString } from '../helpers/arbitrary-fleet.ts';

/** The library's reading, or 'error' when it reports one (or the file is not one document). */
function library(text: string): unknown {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length > 0 || docs[0]!.warnings.length > 0) return 'error';
  return docs[0]!.toJS();
}

function agrees(text: string): boolean {
  const plain = plainYaml(text);
  if (plain === undefined) return false;
  assert.ok(isDeepStrictEqual(plain, library(text)), `${text}\nplain: ${JSON.stringify(plain)}\nlibrary: ${JSON.stringify(library(text))}`);
  return true;
}

const TRICKY = ['0o17', '017', '0x1F', '0b101', '1_000', '+1', '-1', '-0', '+0.5', '.5', '1.', '1e5', '1E-2', '.inf', '-.Inf', '.nan', 'NaN', 'yes', 'No', 'true', 'True', 'TRUE', 'tRUE', 'false',
  'null', 'Null', 'NULL', '~', '2024-01-01', '12:30', '52:54:00:10:00:01', '10.20.0.11', '10.20.0.0/24', 'a b', 'x=y', '100%', '960G', '-', '--x', '-x', 'é', '☃', '0', '9007199254740993',
  'a#b', 'a #b', 'a: b', 'a:', ':a', '?a', '[a]', '{a}', 'a,b', 'a]', '"q"', "'q'", "it's", '"a\\"b"', "'it''s'", '@x', '`x', '%x', '|', '>', '&a', '*a', '!t', '\u00a0x', 'x\u00a0', 'a  b', '#'];

const scalar = fc.oneof(fc.constantFrom(...TRICKY), hostileString, fc.integer().map(String), fc.string({ unit: fc.constantFrom('a', ' ', ':', '#', ',', '-', '.', '"', "'", '[', '{', '}', ']', '1'), maxLength: 6 }));
/** A scalar as written: plain, or quoted one of two ways. */
const written = fc.tuple(scalar, fc.constantFrom('plain', 'double', 'single')).map(([s, how]) => (how === 'double' ? `"${s}"` : how === 'single' ? `'${s}'` : s));
const key = fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_./-]{0,6}$/), fc.constantFrom('true', 'null', 'on', '__proto__', 'a b', '"q k"', "'s k'", '1', 'x:y', ''), written);
const comment = fc.constantFrom('', '', ' # note', '  #x', ' #');

type Node = { scalar: string } | { list: Node[] } | { map: Array<[string, Node]> };
const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    written.map((s) => ({ scalar: s })),
    fc.array(tie('node'), { maxLength: 3 }).map((list) => ({ list })),
    fc.array(fc.tuple(key, tie('node')), { maxLength: 3 }).map((map) => ({ map })),
  ),
})).node;

/** A node in flow style, on one line. */
function flow(n: Node): string {
  if ('scalar' in n) return n.scalar;
  if ('list' in n) return `[${n.list.map(flow).join(', ')}]`;
  return `{ ${n.map.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }`;
}

/**
 * A node in block style below a key or dash at `indent`, each collection indented by `step`, some in
 * flow style (never the top level; a list in a list always: "- - x" is left to the other readers).
 */
function block(n: Node, indent: number, step: number, styles: boolean[], note: () => string, sameIndentList: boolean, top = false): string {
  const useFlow = !top && (styles.shift() ?? false);
  if ('scalar' in n || useFlow || (('list' in n ? n.list : n.map).length === 0)) return ` ${flow(n)}${note()}`;
  const pad = ' '.repeat(indent + step);
  if ('list' in n) {
    const dashPad = sameIndentList ? ' '.repeat(indent) : pad;
    return n.list.map((item) => `${note()}\n${dashPad}-${'list' in item ? ` ${flow(item)}` : block(item, dashPad.length, 2, styles, note, false).replace(/^\n\s*/, ' ')}`).join('');
  }
  return n.map.map(([k, v]) => `\n${pad}${k}:${block(v, pad.length, step, styles, note, sameIndentList)}`).join('');
}

test('on documents of random shape and style, the plain reader agrees with the yaml library whenever it answers', () => {
  let answered = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(key, node), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { maxLength: 12 }), fc.array(comment, { minLength: 1, maxLength: 8 }), fc.boolean(), (entries, step, styles, notes, sameIndentList) => {
      let n = 0;
      const note = () => notes[n++ % notes.length]!;
      const text = `${block({ map: entries }, -step, step, styles, note, sameIndentList, true).replace(/^\n/, '')}\n`;
      runs++;
      if (agrees(text)) answered++;
    }),
    { numRuns: 6000 },
  );
  // Most documents hold some scalar it leaves to the others; hundreds are still read.
  assert.ok(answered > runs / 20, `the plain reader answered only ${answered} of ${runs} documents`);
});

test('on documents of plain keys and values, it answers nearly always', () => {
  const simple = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9 ./=-]{0,10}[a-z0-9]$/), fc.integer().map(String), fc.constantFrom('true', 'null', '1.5', '10.0.0.1', '52:54:00:00:00:01', '/dev/disk/by-id/x'));
  const simpleNode: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, simple.map((s) => ({ scalar: s })), fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((list) => ({ list })), fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), tie('node')), { minLength: 1, maxLength: 3, selector: ([k]) => k }).map((map) => ({ map }))),
  })).node;
  let answered = 0;
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), simpleNode), { minLength: 1, maxLength: 4, selector: ([k]) => k }), fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { maxLength: 12 }), (entries, step, styles) => {
      const text = `${block({ map: entries }, -step, step, styles, () => '', false, true).replace(/^\n/, '')}\n`;
      // A ':' in a flow collection's plain scalar is left to the other readers.
      if (agrees(text) || /[[{][^\n]*:[^ ]/.test(text)) answered++;
    }),
    { numRuns: 2000 },
  );
  assert.ok(answered > 1900, `answered ${answered} of 2000`);
});

test('every fixture and example fleet file: the same reading, and an answer for the ordinary ones', () => {
  const files = [EXAMPLE_FLEET, path.join(FIXTURES, 'fleets'), path.join(FIXTURES, 'diagnostics'), path.join(FIXTURES, 'hostile')].flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join((e as unknown as { parentPath: string }).parentPath, e.name)),
  );
  let answered = 0;
  for (const file of files) if (agrees(readFileSync(file, 'utf8'))) answered++;
  assert.ok(answered > files.length * 0.8, `answered ${answered} of ${files.length}`);
  for (const file of readdirSync(path.join(EXAMPLE_FLEET, 'hosts'))) assert.ok(plainYaml(readFileSync(path.join(EXAMPLE_FLEET, 'hosts', file), 'utf8')) !== undefined, file);
});

test('what it leaves to the other readers', () => {
  const texts = [
    'a: 1\na: 2\n', 'a: b\n  c\n', 'a: "x\\ty"\n', "a: 'it''s'\n", 'a:\tb\n', 'a: b\r\n', '\ufeffa: 1\n', 'a: &x 1\nb: *x\n', 'a: !t 1\n', '---\na: 1\n', 'a: 1\n...\n', 'a:\n- - x\n',
    'a: |\n  x\n', 'a: >\n  x\n', '{a: 1}\n', '- a\n', 'a: [b: 1]\n', 'a: {b:1}\n', 'a: [1,]\n', 'a: [1\n', 'a: b: c\n', 'a:\n  b: 1\n c: 2\n', 'a:\n    b: 1\n  c: 2\n', 'true: 1\n', 'null: 1\n',
    '__proto__: 1\n', '? a\n: b\n', '<<: {a: 1}\n', '[a]: b\n', 'a: @x\n', 'a: "b"c\n', 'a: [b] c\n', '"": 1\n', 'a:b\n', 'a :b\n', 'a: - b\n', 'a: {b: [1, 2}\n', 'a: { b: x #c }\n', '',
    '# only a comment\n', 'a: 1\n  # comment\n b: 2\n',
  ];
  for (const text of texts) {
    const plain = plainYaml(text);
    assert.ok(plain === undefined || isDeepStrictEqual(plain, library(text)), JSON.stringify(text));
  }
  for (const text of texts) if (library(text) === 'error') assert.equal(plainYaml(text), undefined, JSON.stringify(text));
});
