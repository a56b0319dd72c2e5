// Where secrets sit in each kind of fleet file, read from the JSON Schemas: every place whose schema
// is the secret reference (common.schema.json#/$defs/secretRef), as a path pattern ('*' for any key
// or index). What is written there — a reference, or by mistake the secret itself — is never
// printed: renderers mask it in source excerpts, and messages about it leave the value out.
import type { Node } from 'yaml';
import { yaml } from '../util/lazy-modules.ts';
import type { SourceRange } from '../diagnostics/diagnostic.ts';
import { readSchema, SCHEMA_FILES } from '../validate/schemas.ts';
import type { FileKind, PathSegment } from './types.ts';

const SECRET_REF = /\/\$defs\/secretRef$/;

type Schema = Record<string, unknown>;
export type PathPattern = Array<string | number | '*'>;

let patterns: Record<FileKind, PathPattern[]> | undefined;

/** The secret positions of a file kind. */
export function secretPatterns(kind: FileKind): PathPattern[] {
  patterns ??= Object.fromEntries((Object.keys(SCHEMA_FILES) as FileKind[]).map((k) => [k, collect(SCHEMA_FILES[k])])) as Record<FileKind, PathPattern[]>;
  return patterns[kind];
}

/** True when a data path lies at or inside a secret position. */
export function isSecretPath(kind: FileKind, path: readonly PathSegment[]): boolean {
  return secretPatterns(kind).some((pattern) => pattern.length <= path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]));
}

/** The byte ranges of everything written at a secret position of a file's text (parsed leniently). */
export function secretRanges(kind: FileKind, text: string): SourceRange[] {
  const found = secretPatterns(kind);
  if (found.length === 0) return [];
  const { parseAllDocuments, isMap, isPair, isScalar, isSeq } = yaml();
  const doc = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  const first = Array.isArray(doc) ? doc[0] : undefined;
  const out: SourceRange[] = [];
  const visit = (node: unknown, pattern: PathPattern): void => {
    if (pattern.length === 0) {
      const range = (node as Node | null)?.range;
      if (range) out.push({ start: range[0], end: range[1] });
      return;
    }
    const [segment, ...rest] = pattern;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (segment === '*' || key === segment) visit(pair.value, rest);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (segment === '*' || segment === i) visit(item, rest);
      });
    }
  };
  for (const pattern of found) visit(first?.contents, pattern);
  return out;
}

function collect(file: string): PathPattern[] {
  const out: PathPattern[] = [];
  const schemas = new Map<string, Schema>();
  const load = (name: string): Schema => {
    let schema = schemas.get(name);
    if (!schema) schemas.set(name, (schema = readSchema(name)));
    return schema;
  };
  const resolve = (ref: string, current: string): [Schema, string] => {
    const [target, pointer = ''] = ref.split('#');
    const name = target || current;
    let node: unknown = load(name);
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return [node as Schema, name];
  };
  const walk = (schema: unknown, current: string, pattern: PathPattern, refs: Set<string>): void => {
    if (!schema || typeof schema !== 'object') return;
    const node = schema as Schema;
    if (typeof node.$ref === 'string') {
      if (SECRET_REF.test(node.$ref)) {
        out.push(pattern);
        return;
      }
      const key = `${current}|${node.$ref}`;
      if (!refs.has(key)) {
        const [target, name] = resolve(node.$ref, current);
        walk(target, name, pattern, new Set([...refs, key]));
      }
    }
    for (const [name, sub] of Object.entries((node.properties as Schema | undefined) ?? {})) walk(sub, current, [...pattern, name], refs);
    for (const sub of Object.values((node.patternProperties as Schema | undefined) ?? {})) walk(sub, current, [...pattern, '*'], refs);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, current, [...pattern, '*'], refs);
    if (typeof node.items === 'object') walk(node.items, current, [...pattern, '*'], refs);
    for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) for (const sub of (node[keyword] as unknown[] | undefined) ?? []) walk(sub, current, pattern, refs);
    for (const keyword of ['then', 'else'] as const) walk(node[keyword], current, pattern, refs);
  };
  walk(load(file), file, [], new Set());
  // The same position through two branches (oneOf) once.
  return [...new Map(out.map((p) => [JSON.stringify(p), p])).values()];
}
