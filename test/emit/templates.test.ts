// Templates may only print through an explicit escaping helper: HTML escaping is never right.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate } from '../../src/emit/templates.ts';

test('bare, triple-stash and unknown-helper mustaches are rejected at compile time', () => {
  assert.throws(() => compileTemplate('t', 'x = {{value}};'), /must be \{\{<escaper> value\}\}/);
  assert.throws(() => compileTemplate('t', 'x = {{{value}}};'), /must be/);
  assert.throws(() => compileTemplate('t', 'x = {{shout value}};'), /must be/);
  assert.throws(() => compileTemplate('t', '{{> partial}}'), /partials/);
});

test('escaping helpers produce the target language, not HTML entities', () => {
  const render = compileTemplate<{ value: string; items: string[] }>('t', 'x = {{nixString value}};{{#each items}} {{nixAttr this}}{{/each}}');
  assert.equal(render({ value: 'a<b>&"${c}', items: ['ok', 'not ok'] }), 'x = "a<b>&\\"\\${c}"; ok "not ok"');
});
