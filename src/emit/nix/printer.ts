// Nix literals from plain data: string escaping, attribute names, and a stable pretty printer.

/** A fragment of Nix code inserted as is (a path, a function call, a reference to `host`). */
export class NixCode {
  /** The code re-indented, per indentation it was printed at (a piece printed once is inserted in thousands of hosts' files). */
  private indented: Map<string, string> | undefined;
  /** Whether the code, as a list item, needs parentheses: found once. */
  private parenthesised: boolean | undefined;

  constructor(readonly code: string) {}

  /** The code with each line after the first indented so. */
  at(indent: string): string {
    if (indent === '' || !this.code.includes('\n')) return this.code;
    this.indented ??= new Map();
    let text = this.indented.get(indent);
    if (text === undefined) this.indented.set(indent, (text = this.code.replace(/\n/g, `\n${indent}`)));
    return text;
  }

  /** A function application or negative number inside a list must be parenthesised. */
  get needsParentheses(): boolean {
    if (this.parenthesised === undefined) {
      const code = this.code.trim();
      this.parenthesised = /\s/.test(code) && !/^[[{(]/.test(code);
    }
    return this.parenthesised;
  }
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
  return print(value, options.collapsePaths === true, 0, levelsOf(indent));
}

/** A file: `head`, then the value printed, then a newline. */
export function nixFile(head: string, value: unknown, options: PrintOptions = {}): string {
  return `${head}${print(value, options.collapsePaths === true, 0, levelsOf(''))}\n`;
}

/**
 * What an attribute set or list at one depth writes around its members, made once per depth: the
 * opening with the first member's indentation, the separator with the next one's, the closing.
 */
interface Level {
  indent: string;
  setOpen: string;
  setNext: string;
  setClose: string;
  listOpen: string;
  listNext: string;
  listClose: string;
}

/** The levels below one base indentation, made as they are first needed. */
class Levels {
  private readonly made: Level[] = [];

  constructor(private readonly base: string) {}

  /** The set's opening and its first member's "name = ", one string per depth and name (a rope piece fewer per member). */
  private readonly openings: Map<string, string>[] = [];
  /** The separator before a member and its "name = ". */
  private readonly separators: Map<string, string>[] = [];

  opening(depth: number, name: string): string {
    return this.joined(this.openings, depth, name, true);
  }

  separator(depth: number, name: string): string {
    return this.joined(this.separators, depth, name, false);
  }

  private joined(tables: Map<string, string>[], depth: number, name: string, first: boolean): string {
    const table = (tables[depth] ??= new Map());
    let text = table.get(name);
    if (text === undefined) {
      const at = this.at(depth);
      text = (first ? at.setOpen : at.setNext) + assignment(name);
      if (table.size < 100_000) table.set(name, text);
    }
    return text;
  }

  at(depth: number): Level {
    let made = this.made[depth];
    if (!made) {
      const indent = depth === 0 ? this.base : `${this.at(depth - 1).indent}  `;
      const inner = `${indent}  `;
      made = this.made[depth] = { indent, setOpen: `{\n${inner}`, setNext: `;\n${inner}`, setClose: `;\n${indent}}`, listOpen: `[\n${inner}`, listNext: `\n${inner}`, listClose: `\n${indent}]` };
    }
    return made;
  }
}

const levelTables = new Map<string, Levels>();

function levelsOf(base: string): Levels {
  let levels = levelTables.get(base);
  if (!levels) levelTables.set(base, (levels = new Levels(base)));
  return levels;
}

/** "name = ", spelled once per attribute name. */
const assignments = new Map<string, string>();

function assignment(name: string): string {
  let text = assignments.get(name);
  if (text === undefined) {
    text = `${nixAttrName(name)} = `;
    if (assignments.size < 100_000) assignments.set(name, text);
  }
  return text;
}

/**
 * The value's text, concatenated in one pass: V8 joins the pieces as a rope and copies the text once,
 * when it is written or hashed (an array of parts joined at the end allocated the array on top).
 */
function print(value: unknown, collapsePaths: boolean, depth: number, levels: Levels): string {
  if (typeof value === 'string') return nixString(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`nixValue: only integers are emitted, got ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (value instanceof NixCode) return value.at(levels.at(depth).indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    const at = levels.at(depth);
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const printed = print(item, collapsePaths, depth + 1, levels);
      out += (i === 0 ? at.listOpen : at.listNext) + (item instanceof NixCode && item.needsParentheses ? `(${printed})` : printed);
    }
    return out + at.listClose;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const at = levels.at(depth);
    let out = '';
    // Plain data only (no inherited enumerable keys): for-in walks the keys without an array of them.
    for (const key in record) {
      let current = record[key];
      if (current === undefined) continue;
      const first = out === '';
      let only: string | undefined;
      if (!collapsePaths || (only = onlyKey(current)) === undefined) out += first ? levels.opening(depth, key) : levels.separator(depth, key);
      else {
        out += (first ? at.setOpen : at.setNext) + nixAttrName(key);
        do {
          out += `.${nixAttrName(only)}`;
          current = (current as Record<string, unknown>)[only];
        } while ((only = onlyKey(current)) !== undefined);
        out += ' = ';
      }
      out += print(current, collapsePaths, depth + 1, levels);
    }
    return out === '' ? '{ }' : out + at.setClose;
  }
  throw new Error(`nixValue: cannot print ${typeof value}`);
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
