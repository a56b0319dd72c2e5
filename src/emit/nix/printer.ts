// Nix literals from plain data: string escaping, attribute names, and a stable pretty printer.

/** A fragment of Nix code inserted as is (a path, a function call, a reference to `host`). */
export class NixCode {
  constructor(readonly code: string) {}
}

export const nixCode = (code: string): NixCode => new NixCode(code);

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/**
 * A double-quoted Nix string. Inside one, `\` starts an escape and `${` an interpolation, so both are
 * escaped; control characters that Nix has escapes for are written as escapes.
 */
export function nixString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '$' && text[i + 1] === '{') out += '\\$';
    else out += ch;
  }
  return out + '"';
}

export function nixAttrName(name: string): string {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

export interface PrintOptions {
  /** Write single-key attribute sets as dotted paths (networking.hostName = …). */
  collapsePaths?: boolean;
}

/** Pretty-prints data as a Nix expression, two-space indented. Key order is kept as given. */
export function nixValue(value: unknown, options: PrintOptions = {}, indent = ''): string {
  if (value instanceof NixCode) return value.code.replace(/\n/g, `\n${indent}`);
  if (value === null) return 'null';
  if (typeof value === 'string') return nixString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`nixValue: only integers are emitted, got ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    const items = value.map((item) => {
      const text = nixValue(item, options, inner);
      // A function application or negative number inside a list must be parenthesised.
      return item instanceof NixCode && /\s/.test(item.code.trim()) && !/^[[{(]/.test(item.code.trim()) ? `(${text})` : text;
    });
    return `[\n${items.map((item) => `${inner}${item}`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    const lines = entries.map(([key, v]) => {
      let path = nixAttrName(key);
      let current = v;
      while (options.collapsePaths && isCollapsible(current)) {
        const [[childKey, childValue]] = Object.entries(current as Record<string, unknown>) as [[string, unknown]];
        path += `.${nixAttrName(childKey)}`;
        current = childValue;
      }
      return `${inner}${path} = ${nixValue(current, options, inner)};`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  throw new Error(`nixValue: cannot print ${typeof value}`);
}

function isCollapsible(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof NixCode) && Object.keys(value).length === 1;
}
