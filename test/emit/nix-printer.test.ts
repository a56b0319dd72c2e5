// Exact Nix text for small values: escaping, attribute names, dotted paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nixAttrName, nixCode, nixString, nixValue } from '../../src/emit/nix/printer.ts';

test('strings escape backslash, quote, ${ and control characters', () => {
  assert.equal(nixString('plain'), '"plain"');
  assert.equal(nixString('a"b'), '"a\\"b"');
  assert.equal(nixString('a\\b'), '"a\\\\b"');
  assert.equal(nixString('${x}'), '"\\${x}"');
  assert.equal(nixString('$x and $'), '"$x and $"');
  assert.equal(nixString('line\nnext\ttab\r'), '"line\\nnext\\ttab\\r"');
  assert.equal(nixString('☃'), '"☃"');
});

test('attribute names are quoted unless they are identifiers and not keywords', () => {
  assert.equal(nixAttrName('hostName'), 'hostName');
  assert.equal(nixAttrName('systemd-boot'), 'systemd-boot');
  assert.equal(nixAttrName('eno2.30'), '"eno2.30"');
  assert.equal(nixAttrName('10-eno1'), '"10-eno1"');
  assert.equal(nixAttrName('if'), '"if"');
  assert.equal(nixAttrName('or'), '"or"');
  assert.equal(nixAttrName(''), '""');
});

test('values print as indented Nix, with dotted paths for single-key sets when asked', () => {
  assert.equal(nixValue({ a: 1, b: [true, null], c: {} }), '{\n  a = 1;\n  b = [\n    true\n    null\n  ];\n  c = { };\n}');
  assert.equal(nixValue({ networking: { hostName: 'x' } }, { collapsePaths: true }), '{\n  networking.hostName = "x";\n}');
  assert.equal(nixValue({ x: nixCode('host.name'), l: [nixCode('pkgs.hello'), nixCode('f ./x')] }), '{\n  x = host.name;\n  l = [\n    pkgs.hello\n    (f ./x)\n  ];\n}');
  assert.equal(nixValue(-3), '(-3)');
  assert.throws(() => nixValue(1.5));
});
