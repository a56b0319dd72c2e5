// The fast path for the common file: a plain, valid YAML mapping. js-yaml reads it several times
// faster than the yaml library, with a schema that resolves scalars exactly as YAML 1.2's core
// schema does (the yaml library's). Anything unusual — a syntax error, duplicate keys, anchors or
// aliases, tags, directives, merge keys, explicit or collection keys, several documents, a top
// level that is not a mapping, a NUL — returns undefined,
// and the yaml library parses the file and reports it with exact positions. js-yaml is loaded on
// the first parse (a run the parse cache serves whole never needs it).
import { jsYaml as loadJsYaml } from '../util/lazy-modules.ts';
import { CORE_SCALAR_TYPES } from './core-scalars.ts';
import { plainYaml } from './plain-yaml.ts';

type JsYaml = ReturnType<typeof loadJsYaml>;

let loaded: { jsYaml: JsYaml; schema: InstanceType<JsYaml['Schema']> } | undefined;

/** Strings, sequences and mappings (failsafe) plus the core schema's null, bool, int and float. */
function core12(jsYaml: JsYaml): InstanceType<JsYaml['Schema']> {
  const implicit = CORE_SCALAR_TYPES.map((type) => new jsYaml.Type(`tag:yaml.org,2002:${type.tag}`, { kind: 'scalar', resolve: type.resolve, construct: type.construct }));
  return jsYaml.FAILSAFE_SCHEMA.extend({ implicit });
}

/** Anchors, aliases and tags (their characters anywhere) and directives (% at a line start): leave those files to yaml. */
const UNUSUAL = /[&*!]|^%/m;
/** A compact nested sequence ("- - x"), which js-yaml nests differently from the spec when an entry is empty. */
const NESTED_SEQUENCE = /^[ \t]*-[ \t]+-(?:[ \t]|$)/m;
/** Merge keys, explicit keys ("? …") and collections used as keys ("[a]: b"), which js-yaml turns into text. */
const ODD_KEYS = /<<|(?:^|[\s[{,])\?(?:\s|$)|[\]}][ \t]*:(?:\s|$)/m;

export function fastParse(text: string): Record<string, unknown> | undefined {
  const plain = plainYaml(text);
  if (plain !== undefined) return plain;
  if (UNUSUAL.test(text) || NESTED_SEQUENCE.test(text) || ODD_KEYS.test(text) || text.includes('\0')) return undefined;
  let data: unknown;
  try {
    if (!loaded) {
      const jsYaml = loadJsYaml();
      loaded = { jsYaml, schema: core12(jsYaml) };
    }
    data = loaded.jsYaml.load(text, { schema: loaded.schema, json: false });
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (MAYBE_NULL_KEY.test(text) && hasNullKey(data))) return undefined;
  return data as Record<string, unknown>;
}

/** A null key is spelled null, Null, NULL or ~, or is empty (a colon with no key before it): without any, no walk. */
const MAYBE_NULL_KEY = /null|Null|NULL|~|(?:^|[{,[-])[ \t]*:/m;

/** js-yaml turns a null key into "null" where the yaml library gives "": let the library decide. */
function hasNullKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (typeof value !== 'object' || value === null) return false;
  for (const [key, item] of Object.entries(value)) if (key === 'null' || hasNullKey(item)) return true;
  return false;
}
