// The fast path for the common file: a plain, valid YAML mapping. js-yaml reads it several times
// faster than the yaml library, with a schema that resolves scalars exactly as YAML 1.2's core
// schema does (the yaml library's). Anything unusual — a syntax error, duplicate keys, anchors or
// aliases, tags, directives, merge keys, explicit or collection keys, several documents, a top
// level that is not a mapping, a NUL — returns undefined,
// and the yaml library parses the file and reports it with exact positions. js-yaml is loaded on
// the first parse (a run the parse cache serves whole never needs it).
import { jsYaml as loadJsYaml } from '../util/lazy-modules.ts';

type JsYaml = ReturnType<typeof loadJsYaml>;

let loaded: { jsYaml: JsYaml; schema: InstanceType<JsYaml['Schema']> } | undefined;

/** Strings, sequences and mappings (failsafe) plus the core schema's null, bool, int and float. */
function core12(jsYaml: JsYaml): InstanceType<JsYaml['Schema']> {
  const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (data: string) => data === '' || /^(?:~|null|Null|NULL)$/.test(data),
    construct: () => null,
  });

  const boolType = new jsYaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (data: string) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(data),
    construct: (data: string) => data === 'true' || data === 'True' || data === 'TRUE',
  });

  // YAML 1.2 core: decimal with an optional sign, 0o octal, 0x hex — no underscores, no 0b.
  const intType = new jsYaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (data: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
    construct: (data: string) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : parseInt(data, 10)),
  });

  const floatType = new jsYaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (data: string) => /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(data),
    construct: (data: string) => {
      if (/^[-+]?\.(?:inf|Inf|INF)$/.test(data)) return data.startsWith('-') ? -Infinity : Infinity;
      if (/^\.(?:nan|NaN|NAN)$/.test(data)) return NaN;
      return parseFloat(data);
    },
  });
  return jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });
}

/** Anchors, aliases and tags (their characters anywhere) and directives (% at a line start): leave those files to yaml. */
const UNUSUAL = /[&*!]|^%/m;
/** A compact nested sequence ("- - x"), which js-yaml nests differently from the spec when an entry is empty. */
const NESTED_SEQUENCE = /^[ \t]*-[ \t]+-(?:[ \t]|$)/m;
/** Merge keys, explicit keys ("? …") and collections used as keys ("[a]: b"), which js-yaml turns into text. */
const ODD_KEYS = /<<|(?:^|[\s[{,])\?(?:\s|$)|[\]}][ \t]*:(?:\s|$)/m;

export function fastParse(text: string): Record<string, unknown> | undefined {
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
