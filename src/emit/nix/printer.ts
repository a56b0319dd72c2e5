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
  // Most strings need no escape: one regular-expression test instead of a loop over characters.
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
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

const NEEDS_ESCAPE = /[\\"\n\r\t]|\$\{/;
/** Attribute names repeat across thousands of hosts; their spelling is computed once. */
const attrNames = new Map<string, string>();

export function nixAttrName(name: string): string {
  let spelled = attrNames.get(name);
  if (spelled === undefined) {
    spelled = IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
    if (attrNames.size < 100_000) attrNames.set(name, spelled);
  }
  return spelled;
}

export interface PrintOptions {
  /** Write single-key attribute sets as dotted paths (networking.hostName = …). */
  collapsePaths?: boolean;
}

/** Pretty-prints data as a Nix expression, two-space indented. Key order is kept as given. */
export function nixValue(value: unknown, options: PrintOptions = {}, indent = ''): string {
  const out: string[] = [];
  print(value, options, indent, out);
  return out.join('');
}

/** Appends to one list of parts: thousands of hosts' files print without intermediate strings. */
function print(value: unknown, options: PrintOptions, indent: string, out: string[]): void {
  if (value instanceof NixCode) {
    out.push(value.code.includes('\n') ? value.code.replace(/\n/g, `\n${indent}`) : value.code);
    return;
  }
  if (value === null) return void out.push('null');
  if (typeof value === 'string') return void out.push(nixString(value));
  if (typeof value === 'boolean') return void out.push(value ? 'true' : 'false');
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`nixValue: only integers are emitted, got ${value}`);
    return void out.push(value < 0 ? `(${value})` : String(value));
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[ ]');
    out.push('[\n');
    for (const item of value) {
      out.push(inner);
      // A function application or negative number inside a list must be parenthesised.
      const parenthesise = item instanceof NixCode && needsParentheses(item);
      if (parenthesise) out.push('(');
      print(item, options, inner, out);
      if (parenthesise) out.push(')');
      out.push('\n');
    }
    out.push(indent, ']');
    return;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let first = true;
    for (const key of Object.keys(record)) {
      let current = record[key];
      if (current === undefined) continue;
      out.push(first ? '{\n' : '\n');
      first = false;
      out.push(inner, nixAttrName(key));
      let only: string | undefined;
      while (options.collapsePaths && (only = onlyKey(current)) !== undefined) {
        out.push('.', nixAttrName(only));
        current = (current as Record<string, unknown>)[only];
      }
      out.push(' = ');
      print(current, options, inner, out);
      out.push(';');
    }
    out.push(first ? '{ }' : `\n${indent}}`);
    return;
  }
  throw new Error(`nixValue: cannot print ${typeof value}`);
}

const parenthesised = new WeakMap<NixCode, boolean>();

function needsParentheses(item: NixCode): boolean {
  let needs = parenthesised.get(item);
  if (needs === undefined) {
    const code = item.code.trim();
    parenthesised.set(item, (needs = /\s/.test(code) && !/^[[{(]/.test(code)));
  }
  return needs;
}

/** The key of an attribute set with exactly one key (printed as a dotted path), else undefined; no array of keys made. */
function onlyKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof NixCode) return undefined;
  let only: string | undefined;
  for (const key in value) {
    if (only !== undefined) return undefined;
    only = key;
  }
  return only;
}
