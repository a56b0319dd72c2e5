// The YAML that fleet files may use: YAML 1.2 mappings, sequences and scalars. Everything that would
// change what a file means without showing it — a %YAML directive (1.1 reads 022 as 18 and yes as
// true), tags (!!binary, !!set, !!merge…), merge keys (<<), keys that are not scalars, and two keys
// that differ only by type (1 and "1", which become one key) — is reported where it is written.
import type { Document, Node } from 'yaml';
import { yaml } from '../util/lazy-modules.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

const PLAIN_YAML = 'use plain YAML 1.2: mappings, lists, strings, numbers and booleans, without tags or directives';

export function unsupportedFeatures(doc: Document.Parsed, text: string, file: string): Diagnostic[] {
  const { isAlias, isCollection, isMap, isPair, isScalar, visit } = yaml();
  const out: Diagnostic[] = [];
  const at = (code: Diagnostic['code'], start: number, end: number, message: string, hint: string) => out.push({ severity: 'error', code, message, hint, file, range: { start, end } });

  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    const directive = /^%YAML[^\n]*/m.exec(text);
    const start = directive?.index ?? 0;
    at('YAML_UNSUPPORTED', start, start + (directive?.[0].length ?? 0), `the %YAML ${doc.directives.yaml.version} directive would read this file by other rules (YAML 1.1 reads 022 as 18 and yes as true)`, 'remove the directive: fleet files are YAML 1.2');
  }
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair)) return;
      const key = pair.key as Node | null;
      if (key && !isScalar(key) && !isAlias(key)) {
        const [start, end] = rangeOf(key);
        at('YAML_UNSUPPORTED', start, end, 'a key that is a list or a mapping cannot name a property', 'write keys as plain words');
      } else if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN') {
        const [start, end] = rangeOf(key);
        at('YAML_UNSUPPORTED', start, end, 'merge keys (<<) are not supported: they hide where a value comes from', 'write the values out, or move what hosts share into a profile');
      }
    },
    Node(_, node) {
      if (isScalar(node) || isCollection(node)) {
        if (node.tag !== undefined) {
          const [start, end] = tagRange(node, text);
          at('YAML_UNSUPPORTED', start, end, `the tag ${tagName(text.slice(start, end), node.tag)} is not supported`, PLAIN_YAML);
        }
      }
      if (isMap(node)) {
        const seen = new Map<string, Node>();
        for (const item of node.items) {
          const key = item.key as Node | null;
          if (!isScalar(key)) continue;
          // As the yaml library turns keys into object keys: a null key is "".
          const name = key.value === null ? '' : String(key.value);
          const earlier = seen.get(name);
          // Equal values are the yaml library's own duplicate-key error; equal only as text is ours.
          if (earlier && isScalar(earlier) && earlier.value !== key.value) {
            const [start, end] = rangeOf(key);
            at('YAML_DUPLICATE_KEY', start, end, `the key ${describeKey(key.value)} is the same key as ${describeKey(earlier.value)} once read (keys are text)`, 'remove or rename one of the two keys');
          } else if (!earlier) seen.set(name, key);
        }
      }
    },
  });
  return out;
}

function rangeOf(node: Node): [number, number] {
  return node.range ? [node.range[0], node.range[1]] : [0, 0];
}

/** The tag as written ("!!binary" or "!foo"): the last "!" before the node with only spaces or an anchor between. */
function tagRange(node: Node, text: string): [number, number] {
  const [start] = rangeOf(node);
  for (let bang = text.lastIndexOf('!', start); bang !== -1; bang = text.lastIndexOf('!', bang - 1)) {
    const end = bang + /^!\S*/.exec(text.slice(bang))![0].length;
    if (end > start || !/^(?:\s|&\S+)*$/.test(text.slice(end, start))) continue;
    let first = bang;
    while (first > 0 && text[first - 1] === '!') first--; // "!!binary" is one tag
    return [first, end];
  }
  return rangeOf(node);
}

function tagName(written: string, resolved: string): string {
  return written.startsWith('!') ? written : resolved;
}

function describeKey(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${String(value)} (a ${value === null ? 'null' : typeof value})`;
}
