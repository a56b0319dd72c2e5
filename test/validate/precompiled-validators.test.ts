// The package's schema validators come precompiled (dist/schema-validators.cjs, ajv's standalone
// code written by npm run build:cli): they must accept, reject and report exactly what ajv compiling
// the schemas at run time does, and must not be used once the schemas differ from theirs.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { kindOf, parseText } from '../../src/load/index.ts';
import type { FileKind } from '../../src/load/types.ts';
import { compileValidators, precompiledValidators, PRECOMPILED_VALIDATORS } from '../../src/validate/schemas.ts';
import { EXAMPLE_FLEET, FIXTURES, REPO_ROOT } from '../helpers/paths.ts';

const precompiled = precompiledValidators();
const compiled = compileValidators().validators;

function outcome(validate: ValidateFunction, data: unknown): { valid: boolean; errors: unknown } {
  const valid = validate(data) as boolean;
  return { valid, errors: structuredClone(validate.errors ?? null) };
}

function sameOutcome(kind: FileKind, data: unknown, what: string): void {
  assert.deepEqual(outcome(precompiled![kind], data), outcome(compiled[kind], data), what);
}

/** Every fleet file of the fixtures and the example, parsed as fleetc parses it, with its kind. */
function fleetFiles(): Array<{ file: string; kind: FileKind; data: unknown }> {
  const found: Array<{ file: string; kind: FileKind; data: unknown }> = [];
  for (const root of [FIXTURES, EXAMPLE_FLEET]) {
    for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      const match = /(?:^|\/)((?:fleet\.yaml)|(?:profiles|hosts)\/[^/]+\.yaml)$/.exec(rel);
      const kind = match ? kindOf(match[1]!) : undefined;
      if (!kind) continue;
      const parsed = parseText(readFileSync(path.join(root, rel), 'utf8'), match![1]!, rel);
      if ('data' in parsed) found.push({ file: rel, kind, data: parsed.data });
    }
  }
  return found;
}

test('the committed validators were compiled from these schemas', () => {
  assert.ok(precompiled, `${PRECOMPILED_VALIDATORS} is missing or was compiled from other schemas: run npm run build:cli`);
});

test('every fixture and example file: the same verdict and the same errors as ajv compiling the schemas now', () => {
  const files = fleetFiles();
  assert.ok(files.length > 150 && files.some((f) => f.kind === 'fleet') && files.some((f) => f.kind === 'profile'));
  let invalid = 0;
  for (const { file, kind, data } of files) {
    sameOutcome(kind, data, file);
    if (!compiled[kind](data)) invalid++;
  }
  assert.ok(invalid > 10, `fixtures that fail their schema are compared too (${invalid})`);
});

test('random edits of the example\'s files: the same verdict and errors', () => {
  const examples = fleetFiles().filter((f) => f.file.startsWith('fleet.yaml') || f.file.startsWith('hosts/') || f.file.startsWith('profiles/'));
  const edit = fc.record({ file: fc.nat(examples.length - 1), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) });
  const verdicts = { valid: 0, invalid: 0 };
  fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
    const data = structuredClone(examples.map((e) => e.data));
    for (const { file, at, value } of edits) setAt(data[file], at, value);
    for (const { file } of edits) {
      sameOutcome(examples[file]!.kind, data[file], `${examples[file]!.file} after ${JSON.stringify(edits)}`);
      verdicts[compiled[examples[file]!.kind](data[file]) ? 'valid' : 'invalid']++;
    }
  }), { numRuns: 400 });
  assert.ok(verdicts.valid > 20 && verdicts.invalid > 200, JSON.stringify(verdicts));
});

test('validators compiled from other schemas are not used', (t) => {
  // Beside node_modules, as in a package, so that their require()s of ajv's helpers resolve.
  const dir = mkdtempSync(path.join(REPO_ROOT, 'node_modules/.fleetc-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = path.join(dir, 'schema-validators.cjs');
  copyFileSync(PRECOMPILED_VALIDATORS, copy);
  assert.ok(precompiledValidators(copy));
  const other = path.join(dir, 'other.cjs');
  writeFileSync(other, readFileSync(copy, 'utf8').replace(/exports\.fingerprint = "[0-9a-f]+";/, 'exports.fingerprint = "0";'));
  assert.equal(precompiledValidators(other), undefined);
  assert.equal(precompiledValidators(path.join(dir, 'absent.cjs')), undefined);
});

/** Replaces (or with undefined, deletes) the value at a path of indexes into the keys of each level. */
function setAt(root: unknown, at: number[], value: unknown): void {
  let node = root;
  for (let i = 0; i < at.length; i++) {
    if (typeof node !== 'object' || node === null) return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[at[i]! % keys.length]!;
    if (i === at.length - 1) {
      if (value === undefined) delete (node as Record<string, unknown>)[key];
      else (node as Record<string, unknown>)[key] = value;
    } else {
      node = (node as Record<string, unknown>)[key];
    }
  }
}
