// The Nix printer against a plain reference printer (the parts-array printer it replaced, written
// naively) on seeded random values: the same text for every shape, option and base indentation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nixAttrName, nixCode, NixCode, nixFile, nixString, nixValue } from '../../src/emit/nix/printer.ts';

/** The reference: every rule of the printer spelled out, no memo, no shared levels. */
function reference(value: unknown, collapse: boolean, indent: string): string {
  if (value instanceof NixCode) return value.code.replace(/\n/g, `\n${indent}`);
  if (value === null) return 'null';
  if (typeof value === 'string') return nixString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return value < 0 ? `(${value})` : String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    const items = value.map((item) => {
      const text = reference(item, collapse, inner);
      const code = item instanceof NixCode ? item.code.trim() : '';
      return item instanceof NixCode && /\s/.test(code) && !/^[[{(]/.test(code) ? `(${text})` : text;
    });
    return `[\n${inner}${items.join(`\n${inner}`)}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{ }';
  const single = (v: unknown): string | undefined => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof NixCode) return undefined;
    const keys = Object.keys(v);
    return keys.length === 1 ? keys[0] : undefined;
  };
  const lines = entries.map(([key, v]) => {
    let path = nixAttrName(key);
    let current = v;
    for (let only = collapse ? single(current) : undefined; only !== undefined; only = single(current)) {
      path += `.${nixAttrName(only)}`;
      current = (current as Record<string, unknown>)[only];
    }
    return `${path} = ${reference(current, collapse, inner)}`;
  });
  return `{\n${inner}${lines.join(`;\n${inner}`)};\n${indent}}`;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'plain', 'a"b', 'back\\slash', '${x}', '$x', 'line\nnext', 'tab\there', 'cr\r', '☃', 'eno2.30'];
const KEYS = ['a', 'hostName', 'systemd-boot', 'eno2.30', '10-eno1', 'if', 'or', '', "it's", 'x y'];
const CODES = ['host.name', 'pkgs.hello', 'f ./x', ' g y ', '[ 1 2 ]', '{ a = 1; }', '(h x)', 'let\n  a = 1;\nin\na', 'line one\nline two'];

function value(next: () => number, depth: number): unknown {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const kind = Math.floor(next() * (depth > 3 ? 6 : 9));
  switch (kind) {
    case 0: return pick(STRINGS);
    case 1: return Math.floor(next() * 2001) - 1000;
    case 2: return next() < 0.5;
    case 3: return null;
    case 4: return nixCode(pick(CODES));
    case 5: return pick(STRINGS) + pick(STRINGS);
    case 6: return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      const record: Record<string, unknown> = {};
      const size = Math.floor(next() * 4);
      for (let i = 0; i < size; i++) record[pick(KEYS)] = next() < 0.1 ? undefined : value(next, depth + 1);
      // An undefined member is skipped; alone it would be a dotted path to nothing, which no emitter writes.
      const keys = Object.keys(record);
      if (keys.length === 1 && record[keys[0]!] === undefined) delete record[keys[0]!];
      return record;
    }
  }
}

test('the printer gives the reference text for random values, options and indentations', () => {
  const next = random(17);
  for (let i = 0; i < 3000; i++) {
    const v = value(next, 0);
    const collapse = next() < 0.5;
    const indent = next() < 0.3 ? '    ' : '';
    assert.equal(nixValue(v, { collapsePaths: collapse }, indent), reference(v, collapse, indent), JSON.stringify(v));
  }
});

test('a file is its head, the value printed and a newline', () => {
  const next = random(5);
  for (let i = 0; i < 200; i++) {
    const v = value(next, 0);
    assert.equal(nixFile('# head\n', v, { collapsePaths: true }), `# head\n${reference(v, true, '')}\n`);
  }
});
