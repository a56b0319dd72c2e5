// How ajv errors become diagnostics, including keywords the schemas do not use today.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorObject } from 'ajv';
import { SourceRegistry } from '../../src/diagnostics/source.ts';
import { parseFile } from '../../src/load/index.ts';
import { describePath, pointerToPath, schemaDiagnostics } from '../../src/validate/schema-errors.ts';

const document = parseFile({ relPath: 'hosts/a.yaml', displayPath: 'fleet/hosts/a.yaml', bytes: new TextEncoder().encode('profile: worker\nlabels:\n  rack: r1\n') }, 'host', new SourceRegistry()).document!;

test('an unexpected keyword becomes SCHEMA_INVALID at the value', () => {
  const error: ErrorObject = { keyword: 'not', instancePath: '/labels/rack', schemaPath: '#/not', params: {}, message: 'must NOT be valid', data: 'r1' };
  const [d] = schemaDiagnostics(document, [error]);
  assert.equal(d!.code, 'SCHEMA_INVALID');
  assert.equal(document.source.position(d!.range.start).line, 3);
  assert.equal(document.source.position(d!.range.start).column, 9);
});

test('JSON pointers become readable paths', () => {
  assert.deepEqual(pointerToPath('/interfaces/1/mac'), ['interfaces', 1, 'mac']);
  assert.deepEqual(pointerToPath('/labels/a~1b'), ['labels', 'a/b']);
  assert.equal(describePath(['interfaces', 1, 'mac']), 'interfaces[1].mac');
  assert.equal(describePath(['labels', 'a/b']), 'labels["a/b"]');
});
