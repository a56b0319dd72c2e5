// How YAML 1.2's core schema (the yaml library's) reads a plain scalar: null, bool, int, float, else
// the text itself. One definition for both fast readers (fast-parse.ts's js-yaml schema, plain-yaml.ts).

export interface CoreScalarType {
  tag: 'null' | 'bool' | 'int' | 'float';
  resolve: (text: string) => boolean;
  construct: (text: string) => unknown;
}

const NULL = /^(?:~|null|Null|NULL)$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
// Decimal with an optional sign, 0o octal, 0x hex — no underscores, no 0b.
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** In the order they are tried: the first that resolves a text decides its value. */
export const CORE_SCALAR_TYPES: readonly CoreScalarType[] = [
  { tag: 'null', resolve: (text) => text === '' || NULL.test(text), construct: () => null },
  { tag: 'bool', resolve: (text) => BOOL.test(text), construct: (text) => text === 'true' || text === 'True' || text === 'TRUE' },
  {
    tag: 'int',
    resolve: (text) => INT.test(text),
    construct: (text) => (text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10)),
  },
  {
    tag: 'float',
    resolve: (text) => FLOAT.test(text),
    construct: (text) => {
      if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
      if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
      return parseFloat(text);
    },
  },
];

/** Could this text be anything but a string? Numbers, signs, dots, ~ and the null and bool words start so. */
const MAYBE_TYPED = /^[-+.~0-9nNtTfF]/;

/** A plain scalar's value. */
export function corePlainScalar(text: string): unknown {
  if (!MAYBE_TYPED.test(text)) return text;
  for (const type of CORE_SCALAR_TYPES) if (type.resolve(text)) return type.construct(text);
  return text;
}
