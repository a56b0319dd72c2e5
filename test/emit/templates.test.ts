// Templates may only print through an explicit escaping helper: HTML escaping is never right.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Handlebars from 'handlebars';
import { nixAttrName, nixString } from '../../src/emit/nix/printer.ts';
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

test('templates render what Handlebars renders: whitespace control, each, if/else, unless, ../ and this', () => {
  const source = [
    'head {{nixString title}}',
    '{{#each items}}',
    '  item {{nixAttr name}} of {{nixString ../title}}{{#each tags}} {{nixString this}}{{/each}}',
    '{{#if note}}',
    '  note {{nixComment note}}',
    '{{else}}',
    '  no note for {{nixString name}} in {{nixString ../title}}',
    '{{/if}}',
    '{{#unless tags}}',
    '  untagged',
    '{{/unless}}',
    '{{else}}',
    'no items',
    '{{/each}}',
    '{{#if count}}count {{nixString count}}{{/if}} tail',
    '',
  ].join('\n');
  const render = compileTemplate<Record<string, unknown>>('t', source);
  const reference = Handlebars.create();
  reference.registerHelper('nixString', (v: unknown) => new reference.SafeString(nixString(String(v))));
  reference.registerHelper('nixAttr', (v: unknown) => new reference.SafeString(nixAttrName(String(v))));
  reference.registerHelper('nixComment', (v: unknown) => new reference.SafeString(String(v).replace(/[\r\n]+/g, ' ')));
  const handlebars = reference.compile(source, { strict: true, preventIndent: true });
  const contexts = [
    { title: 'a "b"', items: [{ name: 'x y', tags: ['t1', '${t2}'], note: 'n\nm' }, { name: 'z', tags: [], note: null }], count: 0 },
    { title: '', items: [], count: 3 },
    { title: 't', items: [{ name: 'if', tags: ['a'], note: '' }], count: '' },
    { items: [{ name: 'no title', tags: ['a'] }] },
  ];
  for (const context of contexts) assert.equal(render(context), handlebars(context));
});
