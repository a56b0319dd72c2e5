// A reader for the YAML nearly every fleet file is written in, several times faster than js-yaml:
// a top-level block mapping of block mappings and sequences, one-line flow collections, plain and
// simply quoted scalars, comments. It answers only where it is sure to read what the yaml library
// reads (test/load/plain-yaml.test.ts): anything else — tabs, CR, unusual characters, multi-line or
// escaped scalars, block scalars, anchors, tags, odd keys, duplicate keys, bad indentation — returns
// undefined, and js-yaml or the yaml library reads the file (fast-parse.ts, parse.ts).
import { corePlainScalar } from './core-scalars.ts';

/** Thrown (as itself, never shown) where the reader is not sure; plainYaml returns undefined then. */
const UNSURE = new Error('plain-yaml: not a plain file');

/** Only spaces, line feeds and printable characters of the Basic Multilingual Plane (no BOM, LS, PS, tabs, CR, C1). */
const ODD_CHARACTER = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
/** A key of letters, digits, '_', '.', '/' and '-', starting with a letter or '_', then ':' and a space or the end. */
const PLAIN_KEY = /^([A-Za-z_][\w./-]*):(?= |$)/;
const QUOTED_KEY = /^(?:"([^"\\]*)"|'([^']*)'):(?= |$)/;
/** Keys the core schema reads as null or bool (a bool key becomes "true", whatever its spelling). */
const TYPED_KEY = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** Nearly every file is ASCII: the one test most files need. */
const ONLY_ASCII = /^[\n\x20-\x7e]*$/;
/** What may start a plain scalar: not an indicator; '-' only before a digit or '.' (a number). */
const PLAIN_START = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[0-9.])/;

interface Line {
  indent: number;
  text: string;
}

export function plainYaml(text: string): Record<string, unknown> | undefined {
  if (!ONLY_ASCII.test(text) && ODD_CHARACTER.test(text)) return undefined;
  const lines = contentLines(text);
  if (lines === undefined || lines.length === 0 || lines[0]!.indent !== 0 || isItem(lines[0]!.text)) return undefined;
  try {
    const [value, next] = mapping(lines, 0, 0);
    return next === lines.length ? value : undefined;
  } catch (error) {
    if (error === UNSURE) return undefined;
    throw error;
  }
}

/** The lines with something on them, comments and blank lines left out; undefined at a document marker. */
function contentLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === 32) indent++;
    let last = end;
    while (last > indent && text.charCodeAt(last - 1) === 32) last--;
    if (last > indent && text.charCodeAt(indent) !== 35) {
      const line = text.slice(indent, last);
      if (indent === start && (line.startsWith('---') || line.startsWith('...'))) return undefined;
      lines.push({ indent: indent - start, text: line });
    }
    start = end + 1;
  }
  return lines;
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** A block mapping whose keys sit at `indent`, from lines[i]; the value and the next line's index. */
function mapping(lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const { text } = lines[i]!;
    if (isItem(text)) throw UNSURE;
    const [key, length] = blockKey(text);
    if (Object.hasOwn(out, key)) throw UNSURE;
    const rest = text.slice(spaces(text, length));
    i++;
    if (rest === '' || rest.startsWith('#')) {
      const next = lines[i];
      if (next && next.indent > indent) [out[key], i] = block(lines, i, next.indent);
      else if (next && next.indent === indent && isItem(next.text)) [out[key], i] = sequence(lines, i, indent);
      else out[key] = null;
    } else {
      out[key] = inline(rest);
      // A more indented line after a value would continue a multi-line scalar, or be an error.
      if (i < lines.length && lines[i]!.indent > indent) throw UNSURE;
    }
  }
  return [out, i];
}

/** The node at lines[i], a mapping or a sequence at `indent`. */
function block(lines: Line[], i: number, indent: number): [unknown, number] {
  return isItem(lines[i]!.text) ? sequence(lines, i, indent) : mapping(lines, i, indent);
}

/** A block sequence whose dashes sit at `indent`. */
function sequence(lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) {
    const { text } = lines[i]!;
    let start = 1;
    while (text.charCodeAt(start) === 32) start++;
    const content = text.slice(start);
    if (content === '' || content.startsWith('#')) {
      i++;
      const next = lines[i];
      if (next && next.indent > indent) {
        const [value, after] = block(lines, i, next.indent);
        out.push(value);
        i = after;
      } else out.push(null);
    } else if (content.startsWith('- ') || content === '-') {
      throw UNSURE;
    } else if (PLAIN_KEY.test(content) || QUOTED_KEY.test(content)) {
      // "- key: value": a mapping whose keys sit where this key starts.
      lines[i] = { indent: indent + start, text: content };
      const [value, after] = mapping(lines, i, indent + start);
      out.push(value);
      i = after;
    } else {
      out.push(inline(content));
      i++;
      if (i < lines.length && lines[i]!.indent > indent) throw UNSURE;
    }
  }
  return [out, i];
}

/** A block mapping's key and the length of the key and its ':'. */
function blockKey(text: string): [string, number] {
  const end = plainKeyEnd(text, 0);
  if (end > 0 && text.charCodeAt(end) === 58 && (end + 1 === text.length || text.charCodeAt(end + 1) === 32)) return [checkedKey(text.slice(0, end)), end + 1];
  const quoted = QUOTED_KEY.exec(text);
  if (quoted) return [quotedKey(quoted[1] ?? quoted[2]!), quoted[0].length];
  throw UNSURE;
}

/** Where a plain key starting at text[start] ends (PLAIN_KEY's characters); start itself when there is none. */
function plainKeyEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return start;
  let i = start + 1;
  for (let c = text.charCodeAt(i); (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45; c = text.charCodeAt(++i));
  return i;
}

/** Longer keys are an error to the yaml library (an implicit key is at most 1024 characters). */
const MAX_KEY = 1000;

function checkedKey(key: string): string {
  if ((key.length <= 5 && TYPED_KEY.test(key)) || key === '__proto__' || key.length > MAX_KEY) throw UNSURE;
  return key;
}

function quotedKey(key: string): string {
  if (key === '__proto__' || key === '' || key.length > MAX_KEY) throw UNSURE;
  return key;
}

/** A value written on its key's or dash's line: a flow collection, a quoted or a plain scalar. */
function inline(text: string): unknown {
  const first = text.charCodeAt(0);
  if (first === 91 || first === 123) {
    const [value, end] = flow(text, 0);
    endOfLine(text, end);
    return value;
  }
  if (first === 34 || first === 39) {
    const [value, end] = quoted(text, 0);
    endOfLine(text, end);
    return value;
  }
  if (!PLAIN_START.test(text)) throw UNSURE;
  const comment = text.indexOf(' #');
  const plain = comment < 0 ? text : trimSpaces(text.slice(0, comment));
  if (plain.includes(': ') || plain.endsWith(':')) throw UNSURE;
  return corePlainScalar(plain);
}

/** After a value: nothing, or a comment. */
function endOfLine(text: string, end: number): void {
  if (end === text.length) return;
  // (A line has no trailing spaces: after a space comes a comment.)
  if (text.charCodeAt(end) !== 32 || text.charCodeAt(spaces(text, end)) !== 35) throw UNSURE;
}

/** A quoted scalar without escapes ('' or backslashes) from text[start]; its value and where it ends. */
function quoted(text: string, start: number): [string, number] {
  const quote = text[start]!;
  const end = text.indexOf(quote, start + 1);
  if (end < 0) throw UNSURE;
  const value = text.slice(start + 1, end);
  if ((quote === '"' && value.includes('\\')) || (quote === "'" && text[end + 1] === "'")) throw UNSURE;
  return [value, end + 1];
}

/** A flow sequence or mapping from text[start] ('[' or '{'), closed on the same line. */
function flow(text: string, start: number): [unknown, number] {
  const close = text[start] === '[' ? ']' : '}';
  const items: unknown[] = [];
  const map: Record<string, unknown> = {};
  let i = spaces(text, start + 1);
  if (text[i] === close) return [close === ']' ? items : map, i + 1];
  for (;;) {
    if (close === ']') {
      const [value, end] = flowValue(text, i);
      items.push(value);
      i = spaces(text, end);
      if (text[i] === ':') throw UNSURE;
    } else {
      const [key, afterKey] = flowKey(text, i);
      if (Object.hasOwn(map, key)) throw UNSURE;
      const [value, end] = flowValue(text, spaces(text, afterKey));
      map[key] = value;
      i = spaces(text, end);
    }
    if (text[i] === close) return [close === ']' ? items : map, i + 1];
    if (text[i] !== ',') throw UNSURE;
    i = spaces(text, i + 1);
    if (text[i] === close) throw UNSURE;
  }
}

/** A flow mapping's key, its ':' and the space after it. */
function flowKey(text: string, start: number): [string, number] {
  let key: string;
  let end: number;
  if (text[start] === '"' || text[start] === "'") {
    [key, end] = quoted(text, start);
    key = quotedKey(key);
  } else {
    end = plainKeyEnd(text, start);
    if (end === start) throw UNSURE;
    key = checkedKey(text.slice(start, end));
  }
  if (text[end] !== ':' || text[end + 1] !== ' ') throw UNSURE;
  return [key, end + 2];
}

/** A value inside a flow collection: a nested collection, a quoted or a plain scalar. */
function flowValue(text: string, start: number): [unknown, number] {
  const c = text[start];
  if (c === '[' || c === '{') return flow(text, start);
  if (c === '"' || c === "'") return quoted(text, start);
  let end = start;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    // , [ ] { } end it; a ':' or '#' in it is left to the other readers.
    if (code === 44 || code === 91 || code === 93 || code === 123 || code === 125) break;
    if (code === 58 || code === 35) throw UNSURE;
  }
  let last = end;
  while (last > start && text.charCodeAt(last - 1) === 32) last--;
  if (last === start) throw UNSURE;
  const plain = text.slice(start, last);
  if (!PLAIN_START.test(plain)) throw UNSURE;
  return [corePlainScalar(plain), end];
}

function spaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/** Without trailing spaces (only spaces: YAML's other Unicode white space is text). */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(0, end);
}
