var __bundleUrl = require("node:url").pathToFileURL(__filename).href;
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/cli/main.ts
var main_exports = {};
__export(main_exports, {
  main: () => main
});
module.exports = __toCommonJS(main_exports);
var import_commander6 = require("commander");

// src/diagnostics/diagnostic.ts
var NO_RANGE = { start: 0, end: 0 };
function hasErrors(diagnostics) {
  return diagnostics.some((d) => d.severity === "error");
}
function countBySeverity(diagnostics) {
  const counts = { error: 0, warning: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}
function sortDiagnostics(diagnostics) {
  const seen = /* @__PURE__ */ new Set();
  const unique = diagnostics.filter((d) => {
    const key = `${d.file}\0${d.range.start}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) => compareText(a.file, b.file) || a.range.start - b.range.start || compareText(a.code, b.code) || compareText(a.message, b.message)
  );
}
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// src/compile/build-stamp.ts
var import_node_crypto3 = require("node:crypto");
var import_node_fs4 = __toESM(require("node:fs"), 1);
var import_node_path3 = __toESM(require("node:path"), 1);

// src/load/parse-cache.ts
var import_node_crypto = require("node:crypto");
var import_node_v8 = __toESM(require("node:v8"), 1);
function blobIdOf(bytes) {
  return (0, import_node_crypto.createHash)("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
var computedIds = /* @__PURE__ */ new WeakMap();
function blobIdOfFile(file) {
  if (file.blobId !== void 0) return file.blobId;
  let id = computedIds.get(file);
  if (id === void 0) computedIds.set(file, id = blobIdOf(file.bytes ?? new Uint8Array()));
  return id;
}
function hostFactsOf(data) {
  const record2 = (value) => value && typeof value === "object" && !Array.isArray(value) ? value : {};
  const text = (value) => typeof value === "string" ? value : void 0;
  const { name, cluster, profile, firstBoot } = record2(data);
  return { ...text(name) !== void 0 ? { name: text(name) } : {}, ...text(cluster) !== void 0 ? { cluster: text(cluster) } : {}, ...text(profile) !== void 0 ? { profile: text(profile) } : {}, bootstrap: record2(firstBoot).bootstrap === true };
}
var StoredEntry = class {
  constructor(bytes, facts) {
    this.bytes = bytes;
    this.facts = facts;
  }
  bytes;
  facts;
};
var ParseCache = class {
  /** Parsed data, or an entry not yet read from the store (StoredEntry). */
  entries;
  /** Ids asked for or added during this process's use, which a store keeps first. */
  used = /* @__PURE__ */ new Set();
  hits = 0;
  misses = 0;
  /** True when an entry was added since the cache was created or loaded. */
  changed = false;
  /**
   * Files (by blob id) known to pass their kind's JSON Schema, under the schemas of `schemas` (a
   * fingerprint of the schema files; validate/schemas.ts): validate does not check them again.
   */
  validated;
  schemas;
  constructor(entries = /* @__PURE__ */ new Map(), validated) {
    this.entries = entries;
    this.schemas = validated?.schemas;
    this.validated = validated?.kinds ?? /* @__PURE__ */ new Map();
  }
  passedSchema(id, kind, schemas) {
    return this.schemas === schemas && this.validated.get(id) === kind;
  }
  markPassed(id, kind, schemas) {
    if (this.schemas !== schemas) {
      this.schemas = schemas;
      this.validated = /* @__PURE__ */ new Map();
    }
    if (this.validated.get(id) === kind) return;
    this.validated.set(id, kind);
    this.changed = true;
  }
  /** The schema record, for a store: kept for entries the store keeps. */
  validatedFor(ids) {
    if (this.schemas === void 0) return void 0;
    return { schemas: this.schemas, kinds: [...this.validated].filter(([id]) => ids.has(id)) };
  }
  get(id) {
    let data = this.entries.get(id);
    if (data === void 0) {
      this.misses++;
      return void 0;
    }
    if (data instanceof StoredEntry) this.entries.set(id, data = import_node_v8.default.deserialize(data.bytes));
    this.hits++;
    this.used.add(id);
    return Object.isFrozen(data) ? data : Object.freeze(data);
  }
  /** Data is frozen on the way in: every compile that is served the entry shares it. */
  set(id, data) {
    this.entries.set(id, deepFreeze(data));
    this.used.add(id);
    this.changed = true;
  }
  /** A cached file's HostFacts, without reading its data (a stored entry stays unread); undefined when not cached. */
  facts(id) {
    const data = this.entries.get(id);
    if (data === void 0) return void 0;
    this.used.add(id);
    return data instanceof StoredEntry ? data.facts : hostFactsOf(data);
  }
  get size() {
    return this.entries.size;
  }
  /** Entries for a store (data, or a StoredEntry still unread): those used in this process first, then the rest. */
  *ordered() {
    for (const id of this.used) yield [id, this.entries.get(id)];
    for (const entry of this.entries) if (!this.used.has(entry[0])) yield entry;
  }
};
function deepFreeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

// src/load/parse.ts
var import_node_module3 = require("node:module");

// src/util/lazy-modules.ts
var import_node_module = require("node:module");
var require2 = (0, import_node_module.createRequire)(__bundleUrl);
var yamlModule;
var ajvModule;
var ajvFormatsModule;
var sshpkModule;
var jsYamlModule;
var diffModule;
var chokidarModule;
function yaml() {
  return yamlModule ??= require2("yaml");
}
function ajv2020() {
  return (ajvModule ??= require2("ajv/dist/2020.js")).Ajv2020;
}
function ajvFormats() {
  return ajvFormatsModule ??= require2("ajv-formats");
}
function sshpk() {
  return sshpkModule ??= require2("sshpk");
}
function jsYaml() {
  return jsYamlModule ??= require2("js-yaml");
}
function diff() {
  return diffModule ??= require2("diff");
}
function chokidar() {
  return chokidarModule ??= require2("chokidar");
}

// src/load/core-scalars.ts
var NULL = /^(?:~|null|Null|NULL)$/;
var BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
var INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
var FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
var CORE_SCALAR_TYPES = [
  { tag: "null", resolve: (text) => text === "" || NULL.test(text), construct: () => null },
  { tag: "bool", resolve: (text) => BOOL.test(text), construct: (text) => text === "true" || text === "True" || text === "TRUE" },
  {
    tag: "int",
    resolve: (text) => INT.test(text),
    construct: (text) => text.startsWith("0o") ? parseInt(text.slice(2), 8) : text.startsWith("0x") ? parseInt(text.slice(2), 16) : parseInt(text, 10)
  },
  {
    tag: "float",
    resolve: (text) => FLOAT.test(text),
    construct: (text) => {
      if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
      if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
      return parseFloat(text);
    }
  }
];
var MAYBE_TYPED = /^[-+.~0-9nNtTfF]/;
function corePlainScalar(text) {
  if (!MAYBE_TYPED.test(text)) return text;
  for (const type of CORE_SCALAR_TYPES) if (type.resolve(text)) return type.construct(text);
  return text;
}

// src/load/plain-yaml.ts
var UNSURE = new Error("plain-yaml: not a plain file");
var ODD_CHARACTER = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
var PLAIN_KEY = /^([A-Za-z_][\w./-]*):(?= |$)/;
var QUOTED_KEY = /^(?:"([^"\\]*)"|'([^']*)'):(?= |$)/;
var TYPED_KEY = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
var ONLY_ASCII = /^[\n\x20-\x7e]*$/;
var PLAIN_START = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[0-9.])/;
function plainYaml(text) {
  if (!ONLY_ASCII.test(text) && ODD_CHARACTER.test(text)) return void 0;
  const lines2 = contentLines(text);
  if (lines2 === void 0 || lines2.length === 0 || lines2[0].indent !== 0 || isItem(lines2[0].text)) return void 0;
  try {
    const [value, next] = mapping(lines2, 0, 0);
    return next === lines2.length ? value : void 0;
  } catch (error) {
    if (error === UNSURE) return void 0;
    throw error;
  }
}
function contentLines(text) {
  const lines2 = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === 32) indent++;
    let last = end;
    while (last > indent && text.charCodeAt(last - 1) === 32) last--;
    if (last > indent && text.charCodeAt(indent) !== 35) {
      const line = text.slice(indent, last);
      if (indent === start && (line.startsWith("---") || line.startsWith("..."))) return void 0;
      lines2.push({ indent: indent - start, text: line });
    }
    start = end + 1;
  }
  return lines2;
}
function isItem(text) {
  return text === "-" || text.startsWith("- ");
}
function mapping(lines2, i, indent) {
  const out = {};
  while (i < lines2.length && lines2[i].indent === indent) {
    const { text } = lines2[i];
    if (isItem(text)) throw UNSURE;
    const [key, length] = blockKey(text);
    if (Object.hasOwn(out, key)) throw UNSURE;
    const rest = text.slice(spaces(text, length));
    i++;
    if (rest === "" || rest.startsWith("#")) {
      const next = lines2[i];
      if (next && next.indent > indent) [out[key], i] = block(lines2, i, next.indent);
      else if (next && next.indent === indent && isItem(next.text)) [out[key], i] = sequence(lines2, i, indent);
      else out[key] = null;
    } else {
      out[key] = inline(rest);
      if (i < lines2.length && lines2[i].indent > indent) throw UNSURE;
    }
  }
  return [out, i];
}
function block(lines2, i, indent) {
  return isItem(lines2[i].text) ? sequence(lines2, i, indent) : mapping(lines2, i, indent);
}
function sequence(lines2, i, indent) {
  const out = [];
  while (i < lines2.length && lines2[i].indent === indent && isItem(lines2[i].text)) {
    const { text } = lines2[i];
    let start = 1;
    while (text.charCodeAt(start) === 32) start++;
    const content = text.slice(start);
    if (content === "" || content.startsWith("#")) {
      i++;
      const next = lines2[i];
      if (next && next.indent > indent) {
        const [value, after] = block(lines2, i, next.indent);
        out.push(value);
        i = after;
      } else out.push(null);
    } else if (content.startsWith("- ") || content === "-") {
      throw UNSURE;
    } else if (PLAIN_KEY.test(content) || QUOTED_KEY.test(content)) {
      lines2[i] = { indent: indent + start, text: content };
      const [value, after] = mapping(lines2, i, indent + start);
      out.push(value);
      i = after;
    } else {
      out.push(inline(content));
      i++;
      if (i < lines2.length && lines2[i].indent > indent) throw UNSURE;
    }
  }
  return [out, i];
}
function blockKey(text) {
  const end = plainKeyEnd(text, 0);
  if (end > 0 && text.charCodeAt(end) === 58 && (end + 1 === text.length || text.charCodeAt(end + 1) === 32)) return [checkedKey(text.slice(0, end)), end + 1];
  const quoted2 = QUOTED_KEY.exec(text);
  if (quoted2) return [quotedKey(quoted2[1] ?? quoted2[2]), quoted2[0].length];
  throw UNSURE;
}
function plainKeyEnd(text, start) {
  const first = text.charCodeAt(start);
  if (!(first >= 65 && first <= 90 || first >= 97 && first <= 122 || first === 95)) return start;
  let i = start + 1;
  for (let c = text.charCodeAt(i); c >= 65 && c <= 90 || c >= 97 && c <= 122 || c >= 48 && c <= 57 || c === 95 || c === 46 || c === 47 || c === 45; c = text.charCodeAt(++i)) ;
  return i;
}
var MAX_KEY = 1e3;
function checkedKey(key) {
  if (key.length <= 5 && TYPED_KEY.test(key) || key === "__proto__" || key.length > MAX_KEY) throw UNSURE;
  return key;
}
function quotedKey(key) {
  if (key === "__proto__" || key === "" || key.length > MAX_KEY) throw UNSURE;
  return key;
}
function inline(text) {
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
  const comment = text.indexOf(" #");
  const plain = comment < 0 ? text : trimSpaces(text.slice(0, comment));
  if (plain.includes(": ") || plain.endsWith(":")) throw UNSURE;
  return corePlainScalar(plain);
}
function endOfLine(text, end) {
  if (end === text.length) return;
  if (text.charCodeAt(end) !== 32 || text.charCodeAt(spaces(text, end)) !== 35) throw UNSURE;
}
function quoted(text, start) {
  const quote = text[start];
  const end = text.indexOf(quote, start + 1);
  if (end < 0) throw UNSURE;
  const value = text.slice(start + 1, end);
  if (quote === '"' && value.includes("\\") || quote === "'" && text[end + 1] === "'") throw UNSURE;
  return [value, end + 1];
}
function flow(text, start) {
  const close = text[start] === "[" ? "]" : "}";
  const items = [];
  const map = {};
  let i = spaces(text, start + 1);
  if (text[i] === close) return [close === "]" ? items : map, i + 1];
  for (; ; ) {
    if (close === "]") {
      const [value, end] = flowValue(text, i);
      items.push(value);
      i = spaces(text, end);
      if (text[i] === ":") throw UNSURE;
    } else {
      const [key, afterKey] = flowKey(text, i);
      if (Object.hasOwn(map, key)) throw UNSURE;
      const [value, end] = flowValue(text, spaces(text, afterKey));
      map[key] = value;
      i = spaces(text, end);
    }
    if (text[i] === close) return [close === "]" ? items : map, i + 1];
    if (text[i] !== ",") throw UNSURE;
    i = spaces(text, i + 1);
    if (text[i] === close) throw UNSURE;
  }
}
function flowKey(text, start) {
  let key;
  let end;
  if (text[start] === '"' || text[start] === "'") {
    [key, end] = quoted(text, start);
    key = quotedKey(key);
  } else {
    end = plainKeyEnd(text, start);
    if (end === start) throw UNSURE;
    key = checkedKey(text.slice(start, end));
  }
  if (text[end] !== ":" || text[end + 1] !== " ") throw UNSURE;
  return [key, end + 2];
}
function flowValue(text, start) {
  const c = text[start];
  if (c === "[" || c === "{") return flow(text, start);
  if (c === '"' || c === "'") return quoted(text, start);
  let end = start;
  for (; end < text.length; end++) {
    const code2 = text.charCodeAt(end);
    if (code2 === 44 || code2 === 91 || code2 === 93 || code2 === 123 || code2 === 125) break;
    if (code2 === 58 || code2 === 35) throw UNSURE;
  }
  let last = end;
  while (last > start && text.charCodeAt(last - 1) === 32) last--;
  if (last === start) throw UNSURE;
  const plain = text.slice(start, last);
  if (!PLAIN_START.test(plain)) throw UNSURE;
  return [corePlainScalar(plain), end];
}
function spaces(text, i) {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}
function trimSpaces(text) {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(0, end);
}

// src/load/fast-parse.ts
var loaded;
function core12(jsYaml2) {
  const implicit = CORE_SCALAR_TYPES.map((type) => new jsYaml2.Type(`tag:yaml.org,2002:${type.tag}`, { kind: "scalar", resolve: type.resolve, construct: type.construct }));
  return jsYaml2.FAILSAFE_SCHEMA.extend({ implicit });
}
var UNUSUAL = /[&*!]|^%/m;
var NESTED_SEQUENCE = /^[ \t]*-[ \t]+-(?:[ \t]|$)/m;
var ODD_KEYS = /<<|(?:^|[\s[{,])\?(?:\s|$)|[\]}][ \t]*:(?:\s|$)/m;
function fastParse(text) {
  const plain = plainYaml(text);
  if (plain !== void 0) return plain;
  if (UNUSUAL.test(text) || NESTED_SEQUENCE.test(text) || ODD_KEYS.test(text) || text.includes("\0")) return void 0;
  let data;
  try {
    if (!loaded) {
      const jsYaml2 = jsYaml();
      loaded = { jsYaml: jsYaml2, schema: core12(jsYaml2) };
    }
    data = loaded.jsYaml.load(text, { schema: loaded.schema, json: false });
  } catch {
    return void 0;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data) || MAYBE_NULL_KEY.test(text) && hasNullKey(data)) return void 0;
  return data;
}
var MAYBE_NULL_KEY = /null|Null|NULL|~|(?:^|[{,[-])[ \t]*:/m;
function hasNullKey(value) {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (typeof value !== "object" || value === null) return false;
  for (const [key, item] of Object.entries(value)) if (key === "null" || hasNullKey(item)) return true;
  return false;
}

// src/validate/schemas.ts
var import_node_crypto2 = require("node:crypto");
var import_node_fs2 = require("node:fs");
var import_node_module2 = require("node:module");

// src/package-root.ts
var import_node_fs = require("node:fs");
var import_node_path = __toESM(require("node:path"), 1);
var import_node_url = require("node:url");
function findPackageRoot(start) {
  for (let dir = import_node_path.default.dirname(start); ; dir = import_node_path.default.dirname(dir)) {
    if ((0, import_node_fs.existsSync)(import_node_path.default.join(dir, "package.json")) && (0, import_node_fs.existsSync)(import_node_path.default.join(dir, "schema"))) return dir;
    if (import_node_path.default.dirname(dir) === dir) throw new Error(`fleetc: cannot find its package directory above ${start}`);
  }
}
var PACKAGE_ROOT = findPackageRoot((0, import_node_url.fileURLToPath)(__bundleUrl));
function packageFile(relative) {
  return import_node_path.default.join(PACKAGE_ROOT, relative);
}

// src/validate/schemas.ts
var addFormats = (ajv, formats) => {
  const module2 = ajvFormats();
  return (module2.default ?? module2)(ajv, formats);
};
var SCHEMA_DIR = `${packageFile("schema")}/`;
var SCHEMA_FILES = {
  fleet: "fleet.schema.json",
  profile: "profile.schema.json",
  host: "host.schema.json"
};
var compiled;
var AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, discriminator: true };
var packageVersion = (name) => (0, import_node_module2.createRequire)(__bundleUrl)(`${name}/package.json`).version;
var AJV_VERSION = `${packageVersion("ajv")} ajv-formats ${packageVersion("ajv-formats")}`;
function readSchema(fileName) {
  return JSON.parse((0, import_node_fs2.readFileSync)(SCHEMA_DIR + fileName, "utf8"));
}
var PRECOMPILED_VALIDATORS = packageFile("dist/schema-validators.cjs");
function schemaValidators() {
  return compiled ??= precompiledValidators() ?? compileValidators().validators;
}
function compileValidators(source = false) {
  const ajv = new (ajv2020())({ ...AJV_OPTIONS, ...source ? { code: { source: true } } : {} });
  addFormats(ajv, ["ipv4", "hostname", "uri"]);
  ajv.addSchema(readSchema("common.schema.json"), "common.schema.json");
  const compile = (kind) => {
    const file = SCHEMA_FILES[kind];
    ajv.addSchema(readSchema(file), file);
    return ajv.getSchema(file);
  };
  return { ajv, validators: { fleet: compile("fleet"), profile: compile("profile"), host: compile("host") } };
}
function precompiledValidators(file = PRECOMPILED_VALIDATORS) {
  if (!(0, import_node_fs2.existsSync)(file)) return void 0;
  const module2 = (0, import_node_module2.createRequire)(__bundleUrl)(file);
  return module2.fingerprint === schemaFingerprint() ? { fleet: module2.fleet, profile: module2.profile, host: module2.host } : void 0;
}
var fingerprint;
function schemaFingerprint() {
  if (fingerprint) return fingerprint;
  const hash = (0, import_node_crypto2.createHash)("sha256").update(`ajv ${AJV_VERSION} ${JSON.stringify(AJV_OPTIONS)}
`);
  for (const file of ["common.schema.json", ...Object.values(SCHEMA_FILES)]) hash.update(`${file}\0${(0, import_node_fs2.readFileSync)(SCHEMA_DIR + file, "utf8")}\0`);
  return fingerprint = hash.digest("hex");
}

// src/load/secret-positions.ts
var SECRET_REF = /\/\$defs\/secretRef$/;
var patterns;
function secretPatterns(kind) {
  patterns ??= Object.fromEntries(Object.keys(SCHEMA_FILES).map((k) => [k, collect(SCHEMA_FILES[k])]));
  return patterns[kind];
}
function isSecretPath(kind, path37) {
  return secretPatterns(kind).some((pattern) => pattern.length <= path37.length && pattern.every((segment, i) => segment === "*" || segment === path37[i]));
}
function secretRanges(kind, text) {
  const found = secretPatterns(kind);
  if (found.length === 0) return [];
  const { parseAllDocuments, isMap, isPair, isScalar, isSeq } = yaml();
  const doc = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  const first = Array.isArray(doc) ? doc[0] : void 0;
  const out = [];
  const visit = (node, pattern) => {
    if (pattern.length === 0) {
      const range = node?.range;
      if (range) out.push({ start: range[0], end: range[1] });
      return;
    }
    const [segment, ...rest] = pattern;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : void 0;
        if (segment === "*" || key === segment) visit(pair.value, rest);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (segment === "*" || segment === i) visit(item, rest);
      });
    }
  };
  for (const pattern of found) visit(first?.contents, pattern);
  return out;
}
function collect(file) {
  const out = [];
  const schemas = /* @__PURE__ */ new Map();
  const load = (name) => {
    let schema = schemas.get(name);
    if (!schema) schemas.set(name, schema = readSchema(name));
    return schema;
  };
  const resolve = (ref, current) => {
    const [target, pointer = ""] = ref.split("#");
    const name = target || current;
    let node = load(name);
    for (const part of pointer.split("/").filter(Boolean)) node = node[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return [node, name];
  };
  const walk2 = (schema, current, pattern, refs) => {
    if (!schema || typeof schema !== "object") return;
    const node = schema;
    if (typeof node.$ref === "string") {
      if (SECRET_REF.test(node.$ref)) {
        out.push(pattern);
        return;
      }
      const key = `${current}|${node.$ref}`;
      if (!refs.has(key)) {
        const [target, name] = resolve(node.$ref, current);
        walk2(target, name, pattern, /* @__PURE__ */ new Set([...refs, key]));
      }
    }
    for (const [name, sub] of Object.entries(node.properties ?? {})) walk2(sub, current, [...pattern, name], refs);
    for (const sub of Object.values(node.patternProperties ?? {})) walk2(sub, current, [...pattern, "*"], refs);
    if (typeof node.additionalProperties === "object") walk2(node.additionalProperties, current, [...pattern, "*"], refs);
    if (typeof node.items === "object") walk2(node.items, current, [...pattern, "*"], refs);
    for (const keyword of ["oneOf", "anyOf", "allOf"]) for (const sub of node[keyword] ?? []) walk2(sub, current, pattern, refs);
    for (const keyword of ["then", "else"]) walk2(node[keyword], current, pattern, refs);
  };
  walk2(load(file), file, [], /* @__PURE__ */ new Set());
  return [...new Map(out.map((p) => [JSON.stringify(p), p])).values()];
}

// src/load/yaml-features.ts
var PLAIN_YAML = "use plain YAML 1.2: mappings, lists, strings, numbers and booleans, without tags or directives";
function unsupportedFeatures(doc, text, file) {
  const { isAlias, isCollection, isMap, isPair, isScalar, visit } = yaml();
  const out = [];
  const at = (code2, start, end, message, hint) => out.push({ severity: "error", code: code2, message, hint, file, range: { start, end } });
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== "1.2") {
    const directive = /^%YAML[^\n]*/m.exec(text);
    const start = directive?.index ?? 0;
    at("YAML_UNSUPPORTED", start, start + (directive?.[0].length ?? 0), `the %YAML ${doc.directives.yaml.version} directive would read this file by other rules (YAML 1.1 reads 022 as 18 and yes as true)`, "remove the directive: fleet files are YAML 1.2");
  }
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair)) return;
      const key = pair.key;
      if (key && !isScalar(key) && !isAlias(key)) {
        const [start, end] = rangeOf(key);
        at("YAML_UNSUPPORTED", start, end, "a key that is a list or a mapping cannot name a property", "write keys as plain words");
      } else if (isScalar(key) && key.value === "<<" && key.type === "PLAIN") {
        const [start, end] = rangeOf(key);
        at("YAML_UNSUPPORTED", start, end, "merge keys (<<) are not supported: they hide where a value comes from", "write the values out, or move what hosts share into a profile");
      }
    },
    Node(_, node) {
      if (isScalar(node) || isCollection(node)) {
        if (node.tag !== void 0) {
          const [start, end] = tagRange(node, text);
          at("YAML_UNSUPPORTED", start, end, `the tag ${tagName(text.slice(start, end), node.tag)} is not supported`, PLAIN_YAML);
        }
      }
      if (isMap(node)) {
        const seen = /* @__PURE__ */ new Map();
        for (const item of node.items) {
          const key = item.key;
          if (!isScalar(key)) continue;
          const name = key.value === null ? "" : String(key.value);
          const earlier = seen.get(name);
          if (earlier && isScalar(earlier) && earlier.value !== key.value) {
            const [start, end] = rangeOf(key);
            at("YAML_DUPLICATE_KEY", start, end, `the key ${describeKey(key.value)} is the same key as ${describeKey(earlier.value)} once read (keys are text)`, "remove or rename one of the two keys");
          } else if (!earlier) seen.set(name, key);
        }
      }
    }
  });
  return out;
}
function rangeOf(node) {
  return node.range ? [node.range[0], node.range[1]] : [0, 0];
}
function tagRange(node, text) {
  const [start] = rangeOf(node);
  for (let bang = text.lastIndexOf("!", start); bang !== -1; bang = text.lastIndexOf("!", bang - 1)) {
    const end = bang + /^!\S*/.exec(text.slice(bang))[0].length;
    if (end > start || !/^(?:\s|&\S+)*$/.test(text.slice(end, start))) continue;
    let first = bang;
    while (first > 0 && text[first - 1] === "!") first--;
    return [first, end];
  }
  return rangeOf(node);
}
function tagName(written, resolved2) {
  return written.startsWith("!") ? written : resolved2;
}
function describeKey(value) {
  return typeof value === "string" ? JSON.stringify(value) : `${String(value)} (a ${value === null ? "null" : typeof value})`;
}

// src/load/locate.ts
function locate(doc, path37, part = "value") {
  const { isMap, isPair, isSeq } = yaml();
  let node = doc.contents;
  let best = rangeOf2(node) ?? { start: 0, end: 0 };
  for (let i = 0; i < path37.length; i++) {
    const segment = path37[i];
    const isLast = i === path37.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (!pair) return best;
      const keyRange = rangeOf2(pair.key);
      if (isLast && part === "key" && keyRange) return keyRange;
      node = pair.value;
      best = rangeOf2(node) ?? keyRange ?? best;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      if (node === void 0) return best;
      best = rangeOf2(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}
function keyText(key) {
  if (yaml().isScalar(key)) return String(key.value);
  return void 0;
}
function rangeOf2(node) {
  const range = node?.range;
  if (!range) return void 0;
  return { start: range[0], end: range[1] };
}

// src/load/parse.ts
var MAX_ALIAS_COUNT = 100;
var YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, version: "1.2" };
var PARSER_VERSION = `3 yaml@${(0, import_node_module3.createRequire)(__bundleUrl)("yaml/package.json").version} ${JSON.stringify(YAML_OPTIONS)} aliases<=${MAX_ALIAS_COUNT}`;
function parseFleet(raw, sources, cache, memo, preParsed) {
  const diagnostics = [...raw.problems];
  const loaded2 = { displayDir: raw.displayDir, profiles: [], hosts: [], nixFiles: raw.nixFiles };
  let firstFleetFile;
  for (const file of raw.files) {
    if (file.problem) {
      diagnostics.push(file.problem);
      continue;
    }
    const kind = kindOf(file.relPath);
    if (!kind) {
      diagnostics.push(fileError("FILE_UNKNOWN_KIND", file.displayPath, `${file.relPath} is not fleet.yaml and not under profiles/ or hosts/`, "move it to profiles/ or hosts/, or give it another extension"));
      continue;
    }
    if (kind === "fleet" && firstFleetFile) {
      diagnostics.push(fileError("FILE_DUPLICATE_KIND", file.displayPath, `${raw.displayDir} holds both ${firstFleetFile} and ${file.relPath}`, `keep one fleet file: merge ${file.relPath} into ${firstFleetFile} and delete it`));
      continue;
    }
    if (kind === "fleet") firstFleetFile = file.relPath;
    const kept2 = memo?.get(file);
    if (kept2?.document) sources.adopt(kept2.document.source);
    const result = kept2 ?? parseFile(file, kind, sources, cache, preParsed);
    if (memo && !kept2 && result.document && cache) memo.set(file, result);
    diagnostics.push(...result.diagnostics);
    if (!result.document) continue;
    if (kind === "fleet") loaded2.fleet = result.document;
    else if (kind === "profile") loaded2.profiles.push(result.document);
    else loaded2.hosts.push(result.document);
  }
  if (raw.problems.length === 0 && !raw.files.some((f) => kindOf(f.relPath) === "fleet")) {
    diagnostics.push(fileError("FLEET_FILE_MISSING", raw.displayDir, `no fleet.yaml in ${raw.displayDir}`, "every fleet directory needs a fleet.yaml with the name, networks and boot server"));
  }
  return { value: loaded2, diagnostics };
}
function kindOf(relPath) {
  if (relPath === "fleet.yaml" || relPath === "fleet.yml") return "fleet";
  if (relPath.startsWith("profiles/")) return "profile";
  if (relPath.startsWith("hosts/")) return "host";
  return void 0;
}
function fileStem(relPath) {
  return relPath.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
}
function parseFile(file, kind, sources, cache, preParsed) {
  const path37 = file.displayPath;
  const bytes = file.bytes ?? new Uint8Array();
  const text = decodeUtf8(bytes);
  if (text === void 0) {
    return { diagnostics: [fileError("FILE_BINARY", path37, `${file.relPath} is not UTF-8 text`, "fleet files are YAML text; remove binary files from the fleet directory")] };
  }
  const source = sources.add(path37, text);
  source.secrets = () => secretRanges(kind, text);
  const stem = fileStem(file.relPath);
  const id = cache ? blobIdOfFile(file) : void 0;
  const cached = id === void 0 ? void 0 : cache.get(id);
  if (cached !== void 0) return { document: loadedDocument(kind, file, stem, cached, source, id), diagnostics: [] };
  const parsed = preParsed?.get(file) ?? parseText(text, file.relPath, path37);
  if (!("data" in parsed)) return parsed;
  if (id !== void 0) cache.set(id, parsed.data);
  return { document: loadedDocument(kind, file, stem, parsed.data, source, id), diagnostics: [] };
}
function parseText(text, relPath, path37) {
  const fast = fastParse(text);
  if (fast !== void 0 && (!text.includes("\\") || !hasNul(fast))) return { data: fast };
  const docs = yaml().parseAllDocuments(text, YAML_OPTIONS);
  const documents = Array.isArray(docs) ? docs : [];
  const diagnostics = [];
  for (const doc2 of documents) {
    for (const error of doc2.errors) {
      const code2 = error.code === "DUPLICATE_KEY" ? "YAML_DUPLICATE_KEY" : "YAML_SYNTAX";
      diagnostics.push({
        severity: "error",
        code: code2,
        message: firstLine(error.message),
        file: path37,
        range: { start: error.pos[0], end: error.pos[1] },
        hint: code2 === "YAML_DUPLICATE_KEY" ? "remove or rename one of the two keys" : void 0
      });
    }
    for (const warning of doc2.warnings) {
      diagnostics.push({ severity: "error", code: "YAML_UNSUPPORTED", message: firstLine(warning.message), file: path37, range: { start: warning.pos[0], end: warning.pos[1] }, hint: "use plain YAML: mappings, lists, strings, numbers and booleans" });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  const unsupported = documents.flatMap((doc2) => unsupportedFeatures(doc2, text, path37));
  if (unsupported.length > 0) return { diagnostics: unsupported };
  if (documents.length > 1) {
    const second = documents[1];
    const start = second.range?.[0] ?? 0;
    return { diagnostics: [{ severity: "error", code: "YAML_MULTIPLE_DOCUMENTS", message: `${relPath} holds ${documents.length} YAML documents`, hint: "put one host or profile per file; remove the --- separator", file: path37, range: { start, end: start + 3 } }] };
  }
  const doc = documents[0];
  if (!doc || doc.contents === null || doc.contents.value === null) {
    return { diagnostics: [fileError("FILE_EMPTY", path37, `${relPath} is empty`, "write the file's mapping, or delete the file")] };
  }
  if (!yaml().isMap(doc.contents)) {
    const range = doc.contents.range;
    return { diagnostics: [{ severity: "error", code: "YAML_NOT_A_MAPPING", message: `the top level of ${relPath} must be a mapping`, hint: "write key: value pairs at the top level", file: path37, range: { start: range[0], end: range[1] } }] };
  }
  let data;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { diagnostics: [fileError("YAML_UNSUPPORTED", path37, `${relPath}: ${firstLine(error.message)}`, "expand the aliases; fleet files should not need many")] };
  }
  const nulDiagnostics = (hasNul(data) ? findNulStrings(data, []) : []).map((p) => ({
    severity: "error",
    code: "VALUE_CONTROL_CHARACTER",
    message: "this string holds a NUL character",
    hint: "remove the \\0 escape",
    file: path37,
    range: locate(doc, p)
  }));
  if (nulDiagnostics.length > 0) return { diagnostics: nulDiagnostics };
  return { data };
}
function loadedDocument(kind, file, stem, data, source, blobId2) {
  let doc;
  return {
    kind,
    file: file.displayPath,
    relPath: file.relPath,
    stem,
    data,
    source,
    ...blobId2 !== void 0 ? { blobId: blobId2 } : {},
    get doc() {
      return doc ??= yaml().parseAllDocuments(source.text, YAML_OPTIONS)[0];
    }
  };
}
function hasNul(value) {
  if (typeof value === "string") return value.includes("\0");
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === "object") {
    for (const key of Object.keys(value)) if (key.includes("\0") || hasNul(value[key])) return true;
  }
  return false;
}
function findNulStrings(value, path37) {
  if (typeof value === "string") return value.includes("\0") ? [path37] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findNulStrings(item, [...path37, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => key.includes("\0") ? [[...path37, key]] : findNulStrings(item, [...path37, key]));
  }
  return [];
}
var utf8 = new TextDecoder("utf-8", { fatal: true });
function decodeUtf8(bytes) {
  if (bytes.includes(0)) return void 0;
  try {
    return utf8.decode(bytes);
  } catch {
    return void 0;
  }
}
function firstLine(message) {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
function fileError(code2, file, message, hint) {
  return { severity: "error", code: code2, message, hint, file, range: NO_RANGE };
}

// src/util/walk-files.ts
var import_node_fs3 = __toESM(require("node:fs"), 1);
var import_node_path2 = __toESM(require("node:path"), 1);
function walkFiles(root, options = {}) {
  const out = [];
  const visit = (dir, rel) => {
    let entries;
    try {
      entries = import_node_fs3.default.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (options.skipHidden && entry.name.startsWith(".")) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (options.directories) out.push(`${relPath}/`);
        visit(import_node_path2.default.join(dir, entry.name), relPath);
      } else if (!options.regularOnly || entry.isFile()) out.push(relPath);
    }
  };
  visit(root, "");
  return out.sort();
}

// src/compile/build-stamp.ts
var FILE_NAME = "build-stamp.json";
var STAMP_VERSION = 3;
var codeId;
function fleetcCode() {
  if (codeId) return codeId;
  const hash = (0, import_node_crypto3.createHash)("sha256").update(PARSER_VERSION);
  for (const dir of ["src", "schema", "nix", "dist", "package.json"]) {
    const root = import_node_path3.default.join(PACKAGE_ROOT, dir);
    const files = import_node_fs4.default.statSync(root, { throwIfNoEntry: false })?.isFile() ? [""] : walkFiles(root);
    for (const file of files) {
      const stat = import_node_fs4.default.statSync(import_node_path3.default.join(root, file), { throwIfNoEntry: false });
      if (stat) hash.update(`${dir}/${file}\0${stat.size}\0${stat.mtimeMs}
`);
    }
  }
  return codeId = hash.digest("hex");
}
function buildKey(raw, outDir, nixDirFromOut, rootDir = import_node_path3.default.dirname(import_node_path3.default.resolve(outDir))) {
  if (raw.problems.length > 0 || raw.files.some((f) => f.problem)) return void 0;
  const hash = (0, import_node_crypto3.createHash)("sha256").update(`${contextKey(outDir, nixDirFromOut, raw.displayDir, rootDir)}
`);
  for (const file of raw.files) hash.update(`${file.relPath}\0${file.blobId ??= blobIdOf(file.bytes)}
`);
  for (const [file, sha] of raw.nixFiles) hash.update(`nix/${file}\0${sha}
`);
  return hash.digest("hex");
}
function contextKey(outDir, nixDirFromOut, displayDir, rootDir = import_node_path3.default.dirname(import_node_path3.default.resolve(outDir))) {
  return `${STAMP_VERSION}\0${fleetcCode()}\0${import_node_path3.default.resolve(outDir)}\0${import_node_path3.default.resolve(rootDir)}\0${nixDirFromOut}\0${displayDir}`;
}
function readStamp(cacheDir) {
  try {
    const stamp = JSON.parse(import_node_fs4.default.readFileSync(import_node_path3.default.join(cacheDir, FILE_NAME), "utf8"));
    const ok = stamp.version === STAMP_VERSION && typeof stamp.key === "string" && isRecord(stamp.files) && isRecord(stamp.root);
    return ok ? stamp : void 0;
  } catch {
    return void 0;
  }
}
function outputMatches(stamp, outDir, rootDir = import_node_path3.default.dirname(import_node_path3.default.resolve(outDir))) {
  const files = walkFiles(outDir);
  if (files.length !== Object.keys(stamp.files).length) return false;
  for (const file of files) {
    const recorded = stamp.files[file];
    if (!recorded || !entryMatches(recorded, import_node_path3.default.join(outDir, file))) return false;
  }
  return Object.entries(stamp.root).every(([file, recorded]) => entryMatches(recorded, import_node_path3.default.join(rootDir, file)));
}
function entryMatches(recorded, file) {
  const stat = import_node_fs4.default.statSync(file, { throwIfNoEntry: false });
  if (!stat || !Array.isArray(recorded) || stat.size !== recorded[0] || stat.mtimeMs !== recorded[1] || stat.ctimeMs !== recorded[2] || stat.ino !== recorded[3]) return false;
  if (recorded[4] === void 0) return true;
  try {
    return sha256(import_node_fs4.default.readFileSync(file)) === recorded[4];
  } catch {
    return false;
  }
}
function writeStamp(cacheDir, key, hosts, outDir, artifacts, rootDir = import_node_path3.default.dirname(import_node_path3.default.resolve(outDir)), inputs) {
  saveStamp(cacheDir, (temp) => {
    import_node_fs4.default.mkdirSync(cacheDir, { recursive: true });
    import_node_fs4.default.writeFileSync(temp, "");
    const now = import_node_fs4.default.statSync(temp).mtimeMs;
    const expected = new Map(artifacts.map((a) => [`${a.root ? "root" : "out"}\0${a.path}`, a]));
    const entry = (base, relPath, file) => {
      const stat = import_node_fs4.default.statSync(file, { throwIfNoEntry: false });
      if (!stat) return void 0;
      const basic = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
      if (stat.mtimeMs < now && stat.ctimeMs < now) return basic;
      const emitted = expected.get(`${base}\0${relPath}`);
      if (emitted && "sha256" in emitted) return [...basic, emitted.sha256];
      return [...basic, sha256(emitted === void 0 ? import_node_fs4.default.readFileSync(file) : Buffer.from(emitted.contents, "utf8"))];
    };
    const files = {};
    for (const file of walkFiles(outDir)) {
      const recorded = entry("out", file, import_node_path3.default.join(outDir, file));
      if (recorded) files[file] = recorded;
    }
    const root = {};
    for (const artifact of artifacts) {
      if (!artifact.root) continue;
      const recorded = entry("root", artifact.path, import_node_path3.default.join(rootDir, artifact.path));
      if (recorded) root[artifact.path] = recorded;
    }
    return { version: STAMP_VERSION, key, hosts, files, root, ...inputs ? { inputs } : {} };
  });
}
function restampInputs(cacheDir, stamp, inputs) {
  saveStamp(cacheDir, () => ({ ...stamp, inputs }));
}
function saveStamp(cacheDir, make) {
  const temp = import_node_path3.default.join(cacheDir, `.${FILE_NAME}.${(0, import_node_crypto3.randomBytes)(4).toString("hex")}`);
  try {
    import_node_fs4.default.writeFileSync(temp, JSON.stringify(make(temp)));
    import_node_fs4.default.renameSync(temp, import_node_path3.default.join(cacheDir, FILE_NAME));
  } catch {
    try {
      import_node_fs4.default.rmSync(temp, { force: true });
    } catch {
    }
  }
}
function sha256(bytes) {
  return (0, import_node_crypto3.createHash)("sha256").update(bytes).digest("hex");
}
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/compile/input-stamp.ts
var import_node_fs5 = __toESM(require("node:fs"), 1);
var import_node_path4 = __toESM(require("node:path"), 1);
function inputSnapshot(fleetDir, nixDir, cacheDir) {
  const now = clockNow(cacheDir);
  if (now === void 0) return void 0;
  const entries = {};
  for (const [prefix, root] of [["fleet", fleetDir], ["nix", nixDir]]) {
    for (const relPath of walkFiles(root, { directories: true })) {
      const stat = import_node_fs5.default.lstatSync(import_node_path4.default.join(root, relPath), { throwIfNoEntry: false });
      if (stat) entries[`${prefix}/${relPath}`] = stat.mtimeMs < now && stat.ctimeMs < now ? [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino] : null;
    }
  }
  return entries;
}
function sameInputs(recorded, now) {
  const names = Object.keys(now);
  if (names.length !== Object.keys(recorded).length) return false;
  for (const name of names) {
    const was = recorded[name];
    const is = now[name];
    if (!was || !is || was[0] !== is[0] || was[1] !== is[1] || was[2] !== is[2] || was[3] !== is[3]) return false;
  }
  return true;
}
function clockNow(cacheDir) {
  const probe = import_node_path4.default.join(cacheDir, `.clock-${process.pid}`);
  try {
    import_node_fs5.default.mkdirSync(cacheDir, { recursive: true });
    import_node_fs5.default.writeFileSync(probe, "");
    return import_node_fs5.default.statSync(probe).mtimeMs;
  } catch {
    return void 0;
  } finally {
    try {
      import_node_fs5.default.rmSync(probe, { force: true });
    } catch {
    }
  }
}

// src/compile/index.ts
var import_node_path8 = __toESM(require("node:path"), 1);

// src/diagnostics/source.ts
var SourceText = class {
  constructor(path37, text) {
    this.path = path37;
    this.text = text;
  }
  path;
  text;
  lineStarts;
  secretRanges;
  /** Where secrets (or values mistaken for them) are written; computed the first time a line is shown. */
  secrets;
  /** A line for display: every character at a secret position replaced by '*', so carets still align. */
  displayLine(line) {
    const text = this.lineText(line);
    const ranges = this.secretRanges ??= this.secrets?.() ?? [];
    const start = this.lineStarts[line - 1] ?? 0;
    let out = "";
    for (let i = 0; i < text.length; i++) out += ranges.some((r) => start + i >= r.start && start + i < r.end) ? "*" : text[i];
    return out;
  }
  position(offset) {
    const starts = this.lineStarts ??= computeLineStarts(this.text);
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = low + high + 1 >> 1;
      if (starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - starts[low] + 1 };
  }
  /** The text of a 1-based line, without its line break. */
  lineText(line) {
    const starts = this.lineStarts ??= computeLineStarts(this.text);
    const start = starts[line - 1];
    if (start === void 0) return "";
    const next = starts[line];
    return this.text.slice(start, next === void 0 ? void 0 : next).replace(/\r?\n$/, "");
  }
};
function computeLineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
var SourceRegistry = class {
  texts = /* @__PURE__ */ new Map();
  add(path37, text) {
    const source = new SourceText(path37, text);
    this.texts.set(path37, source);
    return source;
  }
  /** A source read by an earlier run (an unchanged file), shared as it is. */
  adopt(source) {
    this.texts.set(source.path, source);
  }
  get(path37) {
    return this.texts.get(path37);
  }
  position(path37, offset) {
    return this.texts.get(path37)?.position(offset) ?? { line: 1, column: 1 };
  }
};

// src/emit/dhcpd.ts
var import_node_fs6 = require("node:fs");

// src/emit/artifact.ts
var GENERATED_HEADER = "Generated by fleetc. Do not edit: change the fleet YAML and run `fleetc build`.";

// src/emit/boot-layout.ts
var DHCP_DIR = "dhcp";
var IPXE_DIR = "ipxe";
function bootScriptUrl(fleet) {
  return `${fleet.boot.http}/boot.ipxe`;
}
function hostScriptPath(mac) {
  return `hosts/${mac}.ipxe`;
}
function profileImagesUrl(fleet, profile) {
  return `${fleet.boot.http}/images/${profile}`;
}
function imageUrl(fleet, profile, system) {
  return `${profileImagesUrl(fleet, profile)}/${system}`;
}
var IMAGE_SCRIPT = "netboot.ipxe";
var IMAGE_CMDLINE_SETTING = "cmdline";
function bootedImages(fleet) {
  return [...new Set(fleet.hosts.map(bootedImage))].sort();
}
function bootedImage(host) {
  return `${host.profile}/${host.system}`;
}
function bootInterface(host) {
  const nic = host.interfaces.find((candidate) => candidate.boot);
  if (!nic) throw new Error(`emit: host ${host.name} has no boot interface (validate should have refused it)`);
  return nic;
}
function hostKernelArguments(host) {
  return [`systemd.hostname=${host.name}`, `fleet.host=${host.name}`, `fleet.profile=${host.profile}`, `fleet.mac=${bootInterface(host).mac}`, ...host.kernel.params];
}

// src/model/ipv4.ts
var import_ipaddr = __toESM(require("ipaddr.js"), 1);
var FOUR_PART_DECIMAL = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
function isIpv4(text) {
  return FOUR_PART_DECIMAL.test(text);
}
function ipv4ToInt(text) {
  const value = dottedDecimal(text);
  if (value !== void 0) return value;
  const bytes = import_ipaddr.default.IPv4.parse(text).toByteArray();
  return (bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) >>> 0;
}
function dottedDecimal(text) {
  let value = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0 && text.charCodeAt(i++) !== 46) return void 0;
    const start = i;
    let octet = 0;
    for (let code2 = text.charCodeAt(i); code2 >= 48 && code2 <= 57 && i - start < 3; code2 = text.charCodeAt(++i)) octet = octet * 10 + code2 - 48;
    if (i === start || octet > 255 || i - start > 1 && text.charCodeAt(start) === 48) return void 0;
    value = value * 256 + octet;
  }
  return i === text.length ? value : void 0;
}
function intToIpv4(value) {
  return [value >>> 24, value >>> 16 & 255, value >>> 8 & 255, value & 255].join(".");
}
function parseCidr(text) {
  let parsed;
  try {
    parsed = import_ipaddr.default.IPv4.parseCIDR(text);
  } catch {
    return { ok: false, reason: "is not a valid IPv4 CIDR" };
  }
  const [address, prefixLength] = parsed;
  if (!isIpv4(address.toString()) || text.split("/")[0] !== address.toString()) return { ok: false, reason: "is not a valid IPv4 CIDR" };
  if (prefixLength < 8 || prefixLength > 30) return { ok: false, reason: `has prefix /${prefixLength}; fleet networks are /8 to /30` };
  const mask = prefixLength === 0 ? 0 : 4294967295 << 32 - prefixLength >>> 0;
  const network = (ipv4ToInt(address.toString()) & mask) >>> 0;
  const canonical2 = `${intToIpv4(network)}/${prefixLength}`;
  if (canonical2 !== text) return { ok: false, reason: "has host bits set", canonical: canonical2 };
  return { ok: true, value: { network, broadcast: (network | ~mask) >>> 0, prefixLength }, canonical: canonical2 };
}
function contains(net2, address) {
  return address >= net2.network && address <= net2.broadcast;
}
function overlaps(a, b) {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}
function netmask(prefixLength) {
  return intToIpv4(4294967295 << 32 - prefixLength >>> 0);
}

// src/emit/dhcp-model.ts
var PXE_ARCH = {
  /** x86 BIOS. */
  bios: 0,
  /** x86_64 UEFI (EFI BC, and EFI x86-64 as some firmware sends it). */
  uefiX64: [7, 9],
  /** aarch64 UEFI. */
  uefiArm64: 11
};
var IPXE_USER_CLASS = "iPXE";
var IPXE_ENCAP_OPTION = 175;
function dhcpSubnets(fleet, hosts = fleet.hosts) {
  return Object.values(fleet.networks).filter((network) => network.dhcp !== void 0).map((network) => {
    const address = network.cidr.split("/")[0];
    return {
      network,
      address,
      id: ipv4ToInt(address) + 1,
      ...network.dhcp.pool ? { pool: network.dhcp.pool } : {},
      leaseSeconds: network.dhcp.leaseSeconds,
      reservations: hosts.flatMap((host) => hostReservations(host, network.name))
    };
  });
}
function hostReservations(host, network) {
  let reservations;
  for (const nic of host.interfaces) {
    if (nic.network !== network) continue;
    const name = `${host.name}.${nic.device}`;
    (reservations ??= []).push(nic.address !== void 0 ? { name, host: host.name, hostName: host.name, mac: nic.mac, address: nic.address, network } : { name, host: host.name, hostName: host.name, mac: nic.mac, network });
  }
  return reservations ?? [];
}

// src/emit/dhcpd/quote.ts
function dhcpdString(text) {
  if (PRINTABLE.test(text)) return `"${text}"`;
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    if (byte === 34) out += '\\"';
    else if (byte === 92) out += "\\\\";
    else if (byte >= 32 && byte < 127) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}
var PRINTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
var DECLARATION_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
function dhcpdName(name) {
  if (!DECLARATION_NAME.test(name)) throw new Error(`dhcpd: not a declaration name: ${JSON.stringify(name)}`);
  return name;
}
var DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function dhcpdAddress(address) {
  if (!DOTTED_QUAD.test(address) && !isIpv4(address)) throw new Error(`dhcpd: not an IPv4 address: ${JSON.stringify(address)}`);
  return address;
}
function dhcpdAddresses(addresses) {
  if (addresses.length === 0) throw new Error("dhcpd: an empty address list");
  return addresses.map(dhcpdAddress).join(", ");
}
var NORMALISED_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
function dhcpdMac(mac) {
  if (!NORMALISED_MAC.test(mac)) throw new Error(`dhcpd: not a normalised MAC: ${JSON.stringify(mac)}`);
  return mac;
}
function dhcpdNumber(value) {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`dhcpd: not a non-negative integer: ${value}`);
  return String(value);
}
function dhcpdComment(text) {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

// src/emit/pieces.ts
var Pieces = class _Pieces {
  constructor(text, pieces, starts) {
    this.text = text;
    this.pieces = pieces;
    this.starts = starts;
  }
  text;
  pieces;
  starts;
  static of(pieces) {
    return new _Pieces(pieces.join(""), pieces);
  }
  /** The text with the pieces at these indexes replaced; this one when nothing differs. */
  with(replace) {
    const order = [...replace].filter(([i, piece]) => this.pieces[i] !== piece).sort((a, b) => a[0] - b[0]);
    if (order.length === 0) return this;
    const starts = this.startsOf();
    const pieces = [...this.pieces];
    const out = [];
    let from = 0;
    for (const [i, piece] of order) {
      out.push(this.text.slice(from, starts[i]), piece);
      from = starts[i] + this.pieces[i].length;
      pieces[i] = piece;
    }
    out.push(this.text.slice(from));
    const next = new Float64Array(starts);
    let shift = 0;
    order.forEach(([i, piece], k) => {
      shift += piece.length - this.pieces[i].length;
      const end = k + 1 < order.length ? order[k + 1][0] + 1 : pieces.length;
      for (let j = i + 1; j < end; j++) next[j] = starts[j] + shift;
    });
    return new _Pieces(out.join(""), pieces, next);
  }
  startsOf() {
    if (!this.starts) {
      const starts = new Float64Array(this.pieces.length);
      for (let i = 1; i < this.pieces.length; i++) starts[i] = starts[i - 1] + this.pieces[i - 1].length;
      this.starts = starts;
    }
    return this.starts;
  }
};
function sameNames(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name) return false;
  return true;
}
function patchHostPieces(old, kept2, fleet, changed, replaceHost, fragmentOf, store) {
  const replace = /* @__PURE__ */ new Map();
  let fragments;
  for (const name of changed) {
    const index = kept2.index.get(name);
    if (index === void 0) return void 0;
    const host = fleet.hosts[index];
    if (!replaceHost(host, index, replace)) return void 0;
    const fragment = fragmentOf(host);
    if (fragment !== old.fragments?.[name]) (fragments ??= { ...old.fragments })[name] = fragment;
  }
  const pieces = kept2.pieces.with(replace);
  if (pieces === kept2.pieces && !fragments) return [old];
  const artifact = { ...old, contents: pieces.text, fragments: fragments ?? old.fragments };
  store.set(artifact, { ...kept2, hosts: fleet.hosts, pieces });
  return [artifact];
}

// src/emit/templates.ts
var import_node_module4 = require("node:module");

// src/emit/nix/printer.ts
var NixCode = class {
  constructor(code2) {
    this.code = code2;
  }
  code;
  /** The code re-indented, per indentation it was printed at (a piece printed once is inserted in thousands of hosts' files). */
  indented;
  /** Whether the code, as a list item, needs parentheses: found once. */
  parenthesised;
  /** The code with each line after the first indented so. */
  at(indent) {
    if (indent === "" || !this.code.includes("\n")) return this.code;
    this.indented ??= /* @__PURE__ */ new Map();
    let text = this.indented.get(indent);
    if (text === void 0) this.indented.set(indent, text = this.code.replace(/\n/g, `
${indent}`));
    return text;
  }
  /** A function application or negative number inside a list must be parenthesised. */
  get needsParentheses() {
    if (this.parenthesised === void 0) {
      const code2 = this.code.trim();
      this.parenthesised = /\s/.test(code2) && !/^[[{(]/.test(code2);
    }
    return this.parenthesised;
  }
};
var nixCode = (code2) => new NixCode(code2);
var KEYWORDS = /* @__PURE__ */ new Set(["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"]);
var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
function nixString(text) {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "	") out += "\\t";
    else if (ch === "$" && text[i + 1] === "{") out += "\\$";
    else out += ch;
  }
  return out + '"';
}
var NEEDS_ESCAPE = /[\\"\n\r\t]|\$\{/;
var attrNames = /* @__PURE__ */ new Map();
function nixAttrName(name) {
  let spelled = attrNames.get(name);
  if (spelled === void 0) {
    spelled = IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
    if (attrNames.size < 1e5) attrNames.set(name, spelled);
  }
  return spelled;
}
function nixValue(value, options = {}, indent = "") {
  return print(value, options.collapsePaths === true, 0, levelsOf(indent));
}
function nixFile(head, value, options = {}) {
  return `${head}${print(value, options.collapsePaths === true, 0, levelsOf(""))}
`;
}
var Levels = class {
  constructor(base) {
    this.base = base;
  }
  base;
  made = [];
  /** The set's opening and its first member's "name = ", one string per depth and name (a rope piece fewer per member). */
  openings = [];
  /** The separator before a member and its "name = ". */
  separators = [];
  opening(depth, name) {
    return this.joined(this.openings, depth, name, true);
  }
  separator(depth, name) {
    return this.joined(this.separators, depth, name, false);
  }
  joined(tables, depth, name, first) {
    const table = tables[depth] ??= /* @__PURE__ */ new Map();
    let text = table.get(name);
    if (text === void 0) {
      const at = this.at(depth);
      text = (first ? at.setOpen : at.setNext) + assignment(name);
      if (table.size < 1e5) table.set(name, text);
    }
    return text;
  }
  at(depth) {
    let made = this.made[depth];
    if (!made) {
      const indent = depth === 0 ? this.base : `${this.at(depth - 1).indent}  `;
      const inner = `${indent}  `;
      made = this.made[depth] = { indent, setOpen: `{
${inner}`, setNext: `;
${inner}`, setClose: `;
${indent}}`, listOpen: `[
${inner}`, listNext: `
${inner}`, listClose: `
${indent}]` };
    }
    return made;
  }
};
var levelTables = /* @__PURE__ */ new Map();
function levelsOf(base) {
  let levels = levelTables.get(base);
  if (!levels) levelTables.set(base, levels = new Levels(base));
  return levels;
}
var assignments = /* @__PURE__ */ new Map();
function assignment(name) {
  let text = assignments.get(name);
  if (text === void 0) {
    text = `${nixAttrName(name)} = `;
    if (assignments.size < 1e5) assignments.set(name, text);
  }
  return text;
}
function print(value, collapsePaths, depth, levels) {
  if (typeof value === "string") return nixString(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`nixValue: only integers are emitted, got ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === null) return "null";
  if (value instanceof NixCode) return value.at(levels.at(depth).indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[ ]";
    const at = levels.at(depth);
    let out = "";
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const printed2 = print(item, collapsePaths, depth + 1, levels);
      out += (i === 0 ? at.listOpen : at.listNext) + (item instanceof NixCode && item.needsParentheses ? `(${printed2})` : printed2);
    }
    return out + at.listClose;
  }
  if (typeof value === "object") {
    const record2 = value;
    const at = levels.at(depth);
    let out = "";
    for (const key in record2) {
      let current = record2[key];
      if (current === void 0) continue;
      const first = out === "";
      let only;
      if (!collapsePaths || (only = onlyKey(current)) === void 0) out += first ? levels.opening(depth, key) : levels.separator(depth, key);
      else {
        out += (first ? at.setOpen : at.setNext) + nixAttrName(key);
        do {
          out += `.${nixAttrName(only)}`;
          current = current[only];
        } while ((only = onlyKey(current)) !== void 0);
        out += " = ";
      }
      out += print(current, collapsePaths, depth + 1, levels);
    }
    return out === "" ? "{ }" : out + at.setClose;
  }
  throw new Error(`nixValue: cannot print ${typeof value}`);
}
function onlyKey(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof NixCode) return void 0;
  let only;
  for (const key in value) {
    if (only !== void 0) return void 0;
    only = key;
  }
  return only;
}

// src/emit/precompiled-templates.ts
var PRECOMPILED = /* @__PURE__ */ new Map([
  ["#!ipxe\n# {{ipxeComment header}}\n# Entry script of fleet {{ipxeComment fleet}}. DHCP hands this script to iPXE; it chains to the script\n# of the machine's boot NIC, hosts/<mac>.ipxe. A machine the fleet does not know, or a boot server\n# error, gets a menu of the fleet's profiles; left alone, the menu retries after a timeout.\n\niseq ${buildarch} arm64 && set fleet-system aarch64-linux || set fleet-system x86_64-linux\n\n:start\necho fleetc {{ipxeText fleet}}: fetching the boot script of ${netX/mac}\nchain --autofree {{ipxeWord hostsUrl}}/${netX/mac}.ipxe || goto unknown\n\n:unknown\nmenu fleetc {{ipxeText fleet}}: no boot script for ${netX/mac}\nitem --gap Unregistered machine or boot server error. Boot a profile's installer (no host identity):\n{{#each profiles}}\nitem {{ipxeLabel label}} {{ipxeText text}}\n{{/each}}\nitem --gap Other:\nitem --key r retry Retry the boot server (chosen after {{ipxeNumber timeoutSeconds}} seconds)\nitem --key s shell iPXE shell\nitem --key b reboot Reboot\nchoose --timeout {{ipxeNumber timeoutMilliseconds}} --default retry fleet-choice || goto retry\ngoto ${fleet-choice}\n\n:retry\necho fleetc: retrying the boot server\nsleep 3\ngoto start\n\n:shell\necho fleetc: type exit to return to the menu\nshell\ngoto unknown\n\n:reboot\nreboot\ngoto unknown\n\n:failed\necho fleetc: could not fetch or boot the image, back to the menu in 10 seconds\nimgfree\nsleep 10\ngoto unknown\n{{#each profiles}}\n\n:{{ipxeLabel label}}\nset {{ipxeWord ../cmdlineSetting}} fleet.profile={{ipxeWord name}} fleet.mac=${netX/mac}{{#each params}} {{ipxeWord this}}{{/each}}\nchain {{ipxeWord imageUrl}}/${fleet-system}/{{ipxeWord ../imageScript}} || goto failed\n{{/each}}\n", { spec: { "0": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "item " + alias3((lookupProperty(helpers, "ipxeLabel") || alias1(depth0, "ipxeLabel", { "start": { "line": 17, "column": 7 }, "end": { "line": 17, "column": 16 } })).call(alias2, lookupProperty(depth0, "label"), { "name": "ipxeLabel", "hash": {}, "data": data, "loc": { "start": { "line": 17, "column": 5 }, "end": { "line": 17, "column": 24 } } })) + " " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 17, "column": 27 }, "end": { "line": 17, "column": 35 } })).call(alias2, lookupProperty(depth0, "text"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 17, "column": 25 }, "end": { "line": 17, "column": 42 } } })) + "\n";
  }, "1": function(container, depth0, helpers, partials, data, blockParams, depths) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "\n:" + alias3((lookupProperty(helpers, "ipxeLabel") || alias1(depth0, "ipxeLabel", { "start": { "line": 47, "column": 3 }, "end": { "line": 47, "column": 12 } })).call(alias2, lookupProperty(depth0, "label"), { "name": "ipxeLabel", "hash": {}, "data": data, "loc": { "start": { "line": 47, "column": 1 }, "end": { "line": 47, "column": 20 } } })) + "\nset " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 48, "column": 6 }, "end": { "line": 48, "column": 14 } })).call(alias2, lookupProperty(depths[1], "cmdlineSetting"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 48, "column": 4 }, "end": { "line": 48, "column": 34 } } })) + " fleet.profile=" + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 48, "column": 51 }, "end": { "line": 48, "column": 59 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 48, "column": 49 }, "end": { "line": 48, "column": 66 } } })) + " fleet.mac=${netX/mac}" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "params"), { "name": "each", "hash": {}, "fn": container.program(2, data, 0, blockParams, depths), "inverse": container.noop, "data": data, "loc": { "start": { "line": 48, "column": 88 }, "end": { "line": 48, "column": 131 } } })) != null ? stack1 : "") + "\nchain " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 49, "column": 8 }, "end": { "line": 49, "column": 16 } })).call(alias2, lookupProperty(depth0, "imageUrl"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 49, "column": 6 }, "end": { "line": 49, "column": 27 } } })) + "/${fleet-system}/" + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 49, "column": 46 }, "end": { "line": 49, "column": 54 } })).call(alias2, lookupProperty(depths[1], "imageScript"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 49, "column": 44 }, "end": { "line": 49, "column": 71 } } })) + " || goto failed\n";
  }, "2": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return " " + container.escapeExpression((lookupProperty(helpers, "ipxeWord") || container.strict(depth0, "ipxeWord", { "start": { "line": 48, "column": 107 }, "end": { "line": 48, "column": 115 } })).call(depth0 != null ? depth0 : container.nullContext || {}, depth0, { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 48, "column": 105 }, "end": { "line": 48, "column": 122 } } }));
  }, "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data, blockParams, depths) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "#!ipxe\n# " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 2, "column": 4 }, "end": { "line": 2, "column": 15 } })).call(alias2, lookupProperty(depth0, "header"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 2, "column": 2 }, "end": { "line": 2, "column": 24 } } })) + "\n# Entry script of fleet " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 26 }, "end": { "line": 3, "column": 37 } })).call(alias2, lookupProperty(depth0, "fleet"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 24 }, "end": { "line": 3, "column": 45 } } })) + ". DHCP hands this script to iPXE; it chains to the script\n# of the machine's boot NIC, hosts/<mac>.ipxe. A machine the fleet does not know, or a boot server\n# error, gets a menu of the fleet's profiles; left alone, the menu retries after a timeout.\n\niseq ${buildarch} arm64 && set fleet-system aarch64-linux || set fleet-system x86_64-linux\n\n:start\necho fleetc " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 10, "column": 14 }, "end": { "line": 10, "column": 22 } })).call(alias2, lookupProperty(depth0, "fleet"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 10, "column": 12 }, "end": { "line": 10, "column": 30 } } })) + ": fetching the boot script of ${netX/mac}\nchain --autofree " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 11, "column": 19 }, "end": { "line": 11, "column": 27 } })).call(alias2, lookupProperty(depth0, "hostsUrl"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 11, "column": 17 }, "end": { "line": 11, "column": 38 } } })) + "/${netX/mac}.ipxe || goto unknown\n\n:unknown\nmenu fleetc " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 14, "column": 14 }, "end": { "line": 14, "column": 22 } })).call(alias2, lookupProperty(depth0, "fleet"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 14, "column": 12 }, "end": { "line": 14, "column": 30 } } })) + ": no boot script for ${netX/mac}\nitem --gap Unregistered machine or boot server error. Boot a profile's installer (no host identity):\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "profiles"), { "name": "each", "hash": {}, "fn": container.program(0, data, 0, blockParams, depths), "inverse": container.noop, "data": data, "loc": { "start": { "line": 16, "column": 0 }, "end": { "line": 18, "column": 9 } } })) != null ? stack1 : "") + "item --gap Other:\nitem --key r retry Retry the boot server (chosen after " + alias3((lookupProperty(helpers, "ipxeNumber") || alias1(depth0, "ipxeNumber", { "start": { "line": 20, "column": 57 }, "end": { "line": 20, "column": 67 } })).call(alias2, lookupProperty(depth0, "timeoutSeconds"), { "name": "ipxeNumber", "hash": {}, "data": data, "loc": { "start": { "line": 20, "column": 55 }, "end": { "line": 20, "column": 84 } } })) + " seconds)\nitem --key s shell iPXE shell\nitem --key b reboot Reboot\nchoose --timeout " + alias3((lookupProperty(helpers, "ipxeNumber") || alias1(depth0, "ipxeNumber", { "start": { "line": 23, "column": 19 }, "end": { "line": 23, "column": 29 } })).call(alias2, lookupProperty(depth0, "timeoutMilliseconds"), { "name": "ipxeNumber", "hash": {}, "data": data, "loc": { "start": { "line": 23, "column": 17 }, "end": { "line": 23, "column": 51 } } })) + " --default retry fleet-choice || goto retry\ngoto ${fleet-choice}\n\n:retry\necho fleetc: retrying the boot server\nsleep 3\ngoto start\n\n:shell\necho fleetc: type exit to return to the menu\nshell\ngoto unknown\n\n:reboot\nreboot\ngoto unknown\n\n:failed\necho fleetc: could not fetch or boot the image, back to the menu in 10 seconds\nimgfree\nsleep 10\ngoto unknown\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "profiles"), { "name": "each", "hash": {}, "fn": container.program(1, data, 0, blockParams, depths), "inverse": container.noop, "data": data, "loc": { "start": { "line": 45, "column": 0 }, "end": { "line": 50, "column": 9 } } })) != null ? stack1 : "");
  }, "useData": true, "useDepths": true }, helpers: ["each", "ipxeComment", "ipxeLabel", "ipxeNumber", "ipxeText", "ipxeWord"] }],
  ["{{#each reservations}}\n\nhost {{dhcpdName name}} {\n  hardware ethernet {{dhcpdMac mac}};\n{{#if address}}\n  fixed-address {{dhcpdAddress address}};\n{{/if}}\n  option host-name {{dhcpdString hostName}};\n}\n{{/each}}\n", { spec: { "0": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "\nhost " + alias3((lookupProperty(helpers, "dhcpdName") || alias1(depth0, "dhcpdName", { "start": { "line": 3, "column": 7 }, "end": { "line": 3, "column": 16 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "dhcpdName", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 5 }, "end": { "line": 3, "column": 23 } } })) + " {\n  hardware ethernet " + alias3((lookupProperty(helpers, "dhcpdMac") || alias1(depth0, "dhcpdMac", { "start": { "line": 4, "column": 22 }, "end": { "line": 4, "column": 30 } })).call(alias2, lookupProperty(depth0, "mac"), { "name": "dhcpdMac", "hash": {}, "data": data, "loc": { "start": { "line": 4, "column": 20 }, "end": { "line": 4, "column": 36 } } })) + ";\n" + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(depth0, "address"), { "name": "if", "hash": {}, "fn": container.program(1, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 5, "column": 0 }, "end": { "line": 7, "column": 7 } } })) != null ? stack1 : "") + "  option host-name " + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 8, "column": 21 }, "end": { "line": 8, "column": 32 } })).call(alias2, lookupProperty(depth0, "hostName"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 8, "column": 19 }, "end": { "line": 8, "column": 43 } } })) + ";\n}\n";
  }, "1": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "  fixed-address " + container.escapeExpression((lookupProperty(helpers, "dhcpdAddress") || container.strict(depth0, "dhcpdAddress", { "start": { "line": 6, "column": 18 }, "end": { "line": 6, "column": 30 } })).call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "address"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 6, "column": 16 }, "end": { "line": 6, "column": 40 } } })) + ";\n";
  }, "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return (stack1 = lookupProperty(helpers, "each").call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "reservations"), { "name": "each", "hash": {}, "fn": container.program(0, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 1, "column": 0 }, "end": { "line": 10, "column": 9 } } })) != null ? stack1 : "";
  }, "useData": true }, helpers: ["dhcpdAddress", "dhcpdMac", "dhcpdName", "dhcpdString", "each", "if"] }],
  ['# {{dhcpdComment header}}\n# ISC dhcpd configuration of fleet {{dhcpdComment fleet}}: its provisioning networks, a reservation per host\n# interface on them, and network boot. Plain PXE firmware gets an iPXE binary over TFTP, chosen by\n# its architecture (option 93); iPXE itself (user-class "iPXE" or option 175) gets the HTTP boot\n# script instead, so iPXE never loads iPXE again. Check: dhcpd -t -4 -cf dhcpd.conf\n\nauthoritative;\nddns-update-style none;\n\noption arch code 93 = unsigned integer 16;\noption space ipxe;\noption ipxe-encap-opts code 175 = encapsulate ipxe;\n\nnext-server {{dhcpdAddress tftp}};\nif exists ipxe-encap-opts or (exists user-class and option user-class = "iPXE") {\n  filename {{dhcpdString bootScript}};\n} elsif option arch = 00:07 or option arch = 00:09 {\n  filename {{dhcpdString uefi}};\n} elsif option arch = 00:0b {\n  filename {{dhcpdString arm64}};\n} else {\n  filename {{dhcpdString bios}};\n}\n{{#each subnets}}\n\n# Network {{dhcpdComment name}}{{#if description}}: {{dhcpdComment description}}{{/if}}\nsubnet {{dhcpdAddress address}} netmask {{dhcpdAddress netmask}} {\n  option subnet-mask {{dhcpdAddress netmask}};\n  option broadcast-address {{dhcpdAddress broadcast}};\n{{#if gateway}}\n  option routers {{dhcpdAddress gateway}};\n{{/if}}\n{{#if dns.length}}\n  option domain-name-servers {{dhcpdAddresses dns}};\n{{/if}}\n  option domain-name {{dhcpdString domain}};\n  default-lease-time {{dhcpdNumber leaseSeconds}};\n  max-lease-time {{dhcpdNumber leaseSeconds}};\n{{#if pool}}\n  range {{dhcpdAddress pool.start}} {{dhcpdAddress pool.end}};\n{{/if}}\n}\n{{/each}}\n', { spec: { "0": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "\n# Network " + alias3((lookupProperty(helpers, "dhcpdComment") || alias1(depth0, "dhcpdComment", { "start": { "line": 26, "column": 12 }, "end": { "line": 26, "column": 24 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "dhcpdComment", "hash": {}, "data": data, "loc": { "start": { "line": 26, "column": 10 }, "end": { "line": 26, "column": 31 } } })) + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(depth0, "description"), { "name": "if", "hash": {}, "fn": container.program(1, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 26, "column": 31 }, "end": { "line": 26, "column": 87 } } })) != null ? stack1 : "") + "\nsubnet " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 27, "column": 9 }, "end": { "line": 27, "column": 21 } })).call(alias2, lookupProperty(depth0, "address"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 27, "column": 7 }, "end": { "line": 27, "column": 31 } } })) + " netmask " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 27, "column": 42 }, "end": { "line": 27, "column": 54 } })).call(alias2, lookupProperty(depth0, "netmask"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 27, "column": 40 }, "end": { "line": 27, "column": 64 } } })) + " {\n  option subnet-mask " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 28, "column": 23 }, "end": { "line": 28, "column": 35 } })).call(alias2, lookupProperty(depth0, "netmask"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 28, "column": 21 }, "end": { "line": 28, "column": 45 } } })) + ";\n  option broadcast-address " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 29, "column": 29 }, "end": { "line": 29, "column": 41 } })).call(alias2, lookupProperty(depth0, "broadcast"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 29, "column": 27 }, "end": { "line": 29, "column": 53 } } })) + ";\n" + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(depth0, "gateway"), { "name": "if", "hash": {}, "fn": container.program(2, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 30, "column": 0 }, "end": { "line": 32, "column": 7 } } })) != null ? stack1 : "") + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(lookupProperty(depth0, "dns"), "length"), { "name": "if", "hash": {}, "fn": container.program(3, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 33, "column": 0 }, "end": { "line": 35, "column": 7 } } })) != null ? stack1 : "") + "  option domain-name " + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 36, "column": 23 }, "end": { "line": 36, "column": 34 } })).call(alias2, lookupProperty(depth0, "domain"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 36, "column": 21 }, "end": { "line": 36, "column": 43 } } })) + ";\n  default-lease-time " + alias3((lookupProperty(helpers, "dhcpdNumber") || alias1(depth0, "dhcpdNumber", { "start": { "line": 37, "column": 23 }, "end": { "line": 37, "column": 34 } })).call(alias2, lookupProperty(depth0, "leaseSeconds"), { "name": "dhcpdNumber", "hash": {}, "data": data, "loc": { "start": { "line": 37, "column": 21 }, "end": { "line": 37, "column": 49 } } })) + ";\n  max-lease-time " + alias3((lookupProperty(helpers, "dhcpdNumber") || alias1(depth0, "dhcpdNumber", { "start": { "line": 38, "column": 19 }, "end": { "line": 38, "column": 30 } })).call(alias2, lookupProperty(depth0, "leaseSeconds"), { "name": "dhcpdNumber", "hash": {}, "data": data, "loc": { "start": { "line": 38, "column": 17 }, "end": { "line": 38, "column": 45 } } })) + ";\n" + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(depth0, "pool"), { "name": "if", "hash": {}, "fn": container.program(4, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 39, "column": 0 }, "end": { "line": 41, "column": 7 } } })) != null ? stack1 : "") + "}\n";
  }, "1": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return ": " + container.escapeExpression((lookupProperty(helpers, "dhcpdComment") || container.strict(depth0, "dhcpdComment", { "start": { "line": 26, "column": 54 }, "end": { "line": 26, "column": 66 } })).call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "description"), { "name": "dhcpdComment", "hash": {}, "data": data, "loc": { "start": { "line": 26, "column": 52 }, "end": { "line": 26, "column": 80 } } }));
  }, "2": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "  option routers " + container.escapeExpression((lookupProperty(helpers, "dhcpdAddress") || container.strict(depth0, "dhcpdAddress", { "start": { "line": 31, "column": 19 }, "end": { "line": 31, "column": 31 } })).call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "gateway"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 31, "column": 17 }, "end": { "line": 31, "column": 41 } } })) + ";\n";
  }, "3": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "  option domain-name-servers " + container.escapeExpression((lookupProperty(helpers, "dhcpdAddresses") || container.strict(depth0, "dhcpdAddresses", { "start": { "line": 34, "column": 31 }, "end": { "line": 34, "column": 45 } })).call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "dns"), { "name": "dhcpdAddresses", "hash": {}, "data": data, "loc": { "start": { "line": 34, "column": 29 }, "end": { "line": 34, "column": 51 } } })) + ";\n";
  }, "4": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "  range " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 40, "column": 10 }, "end": { "line": 40, "column": 22 } })).call(alias2, lookupProperty(lookupProperty(depth0, "pool"), "start"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 40, "column": 8 }, "end": { "line": 40, "column": 35 } } })) + " " + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 40, "column": 38 }, "end": { "line": 40, "column": 50 } })).call(alias2, lookupProperty(lookupProperty(depth0, "pool"), "end"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 40, "column": 36 }, "end": { "line": 40, "column": 61 } } })) + ";\n";
  }, "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "# " + alias3((lookupProperty(helpers, "dhcpdComment") || alias1(depth0, "dhcpdComment", { "start": { "line": 1, "column": 4 }, "end": { "line": 1, "column": 16 } })).call(alias2, lookupProperty(depth0, "header"), { "name": "dhcpdComment", "hash": {}, "data": data, "loc": { "start": { "line": 1, "column": 2 }, "end": { "line": 1, "column": 25 } } })) + "\n# ISC dhcpd configuration of fleet " + alias3((lookupProperty(helpers, "dhcpdComment") || alias1(depth0, "dhcpdComment", { "start": { "line": 2, "column": 37 }, "end": { "line": 2, "column": 49 } })).call(alias2, lookupProperty(depth0, "fleet"), { "name": "dhcpdComment", "hash": {}, "data": data, "loc": { "start": { "line": 2, "column": 35 }, "end": { "line": 2, "column": 57 } } })) + ': its provisioning networks, a reservation per host\n# interface on them, and network boot. Plain PXE firmware gets an iPXE binary over TFTP, chosen by\n# its architecture (option 93); iPXE itself (user-class "iPXE" or option 175) gets the HTTP boot\n# script instead, so iPXE never loads iPXE again. Check: dhcpd -t -4 -cf dhcpd.conf\n\nauthoritative;\nddns-update-style none;\n\noption arch code 93 = unsigned integer 16;\noption space ipxe;\noption ipxe-encap-opts code 175 = encapsulate ipxe;\n\nnext-server ' + alias3((lookupProperty(helpers, "dhcpdAddress") || alias1(depth0, "dhcpdAddress", { "start": { "line": 14, "column": 14 }, "end": { "line": 14, "column": 26 } })).call(alias2, lookupProperty(depth0, "tftp"), { "name": "dhcpdAddress", "hash": {}, "data": data, "loc": { "start": { "line": 14, "column": 12 }, "end": { "line": 14, "column": 33 } } })) + ';\nif exists ipxe-encap-opts or (exists user-class and option user-class = "iPXE") {\n  filename ' + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 16, "column": 13 }, "end": { "line": 16, "column": 24 } })).call(alias2, lookupProperty(depth0, "bootScript"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 16, "column": 11 }, "end": { "line": 16, "column": 37 } } })) + ";\n} elsif option arch = 00:07 or option arch = 00:09 {\n  filename " + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 18, "column": 13 }, "end": { "line": 18, "column": 24 } })).call(alias2, lookupProperty(depth0, "uefi"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 18, "column": 11 }, "end": { "line": 18, "column": 31 } } })) + ";\n} elsif option arch = 00:0b {\n  filename " + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 20, "column": 13 }, "end": { "line": 20, "column": 24 } })).call(alias2, lookupProperty(depth0, "arm64"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 20, "column": 11 }, "end": { "line": 20, "column": 32 } } })) + ";\n} else {\n  filename " + alias3((lookupProperty(helpers, "dhcpdString") || alias1(depth0, "dhcpdString", { "start": { "line": 22, "column": 13 }, "end": { "line": 22, "column": 24 } })).call(alias2, lookupProperty(depth0, "bios"), { "name": "dhcpdString", "hash": {}, "data": data, "loc": { "start": { "line": 22, "column": 11 }, "end": { "line": 22, "column": 31 } } })) + ";\n}\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "subnets"), { "name": "each", "hash": {}, "fn": container.program(0, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 24, "column": 0 }, "end": { "line": 43, "column": 9 } } })) != null ? stack1 : "");
  }, "useData": true }, helpers: ["dhcpdAddress", "dhcpdAddresses", "dhcpdComment", "dhcpdNumber", "dhcpdString", "each", "if"] }],
  ["# {{nixComment header}}\n# The fleet's flake, at the root of the fleet repository so that everything it imports (generated/,\n# the operator's nix/, flakes kept in the repository) is inside it. Pinned by ./flake.lock.\n{\n  description = {{nixString description}};\n\n  inputs = {\n{{#each inputs}}\n{{#if follows}}\n    {{nixAttr name}} = {\n      url = {{nixString pinned}};\n{{#each follows}}\n      inputs.{{nixAttr name}}.follows = {{nixString target}};\n{{/each}}\n    };\n{{else}}\n    {{nixAttr name}}.url = {{nixString pinned}};\n{{/if}}\n{{/each}}\n  };\n\n  outputs = { self, nixpkgs, disko, ... }@inputs:\n    let\n{{#if platform}}\n      # What every host is built from: disko's module, the platform flake's overlays (so pkgs has\n      # the platform's packages) and NixOS modules, then the host's generated module.\n      shared = [\n        disko.nixosModules.disko\n        {\n          nixpkgs.overlays = [\n{{#each platform.overlays}}\n            inputs.{{nixAttr input}}.overlays.{{nixAttr name}}\n{{/each}}\n          ];\n        }\n{{#each platform.modules}}\n        inputs.{{nixAttr input}}.nixosModules.{{nixAttr name}}\n{{/each}}\n      ];\n{{else}}\n      # What every host is built from: disko's module, then the host's generated module.\n      shared = [ disko.nixosModules.disko ];\n{{/if}}\n      # Every host records the fleet commit it was built from (nixos-version --json shows it), which\n      # fleetc status --probe and fleetc adopt read back. A dirty tree records <rev>-dirty.\n      revision = { system.configurationRevision = self.rev or self.dirtyRev or null; };\n      host = path: nixpkgs.lib.nixosSystem {\n        specialArgs = { inherit inputs; };\n        modules = shared ++ [ revision path ];\n      };\n    in\n    {\n      nixosConfigurations = {\n{{#each hosts}}\n        {{nixAttr name}} = host {{nixPath path}};\n{{/each}}\n      };\n    };\n}\n", { spec: { "0": function(container, depth0, helpers, partials, data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return (stack1 = lookupProperty(helpers, "if").call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "follows"), { "name": "if", "hash": {}, "fn": container.program(1, data, 0), "inverse": container.program(3, data, 0), "data": data, "loc": { "start": { "line": 9, "column": 0 }, "end": { "line": 18, "column": 7 } } })) != null ? stack1 : "";
  }, "1": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "    " + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 10, "column": 6 }, "end": { "line": 10, "column": 13 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 10, "column": 4 }, "end": { "line": 10, "column": 20 } } })) + " = {\n      url = " + alias3((lookupProperty(helpers, "nixString") || alias1(depth0, "nixString", { "start": { "line": 11, "column": 14 }, "end": { "line": 11, "column": 23 } })).call(alias2, lookupProperty(depth0, "pinned"), { "name": "nixString", "hash": {}, "data": data, "loc": { "start": { "line": 11, "column": 12 }, "end": { "line": 11, "column": 32 } } })) + ";\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "follows"), { "name": "each", "hash": {}, "fn": container.program(2, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 12, "column": 0 }, "end": { "line": 14, "column": 9 } } })) != null ? stack1 : "") + "    };\n";
  }, "2": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "      inputs." + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 13, "column": 15 }, "end": { "line": 13, "column": 22 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 13, "column": 13 }, "end": { "line": 13, "column": 29 } } })) + ".follows = " + alias3((lookupProperty(helpers, "nixString") || alias1(depth0, "nixString", { "start": { "line": 13, "column": 42 }, "end": { "line": 13, "column": 51 } })).call(alias2, lookupProperty(depth0, "target"), { "name": "nixString", "hash": {}, "data": data, "loc": { "start": { "line": 13, "column": 40 }, "end": { "line": 13, "column": 60 } } })) + ";\n";
  }, "3": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "    " + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 17, "column": 6 }, "end": { "line": 17, "column": 13 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 17, "column": 4 }, "end": { "line": 17, "column": 20 } } })) + ".url = " + alias3((lookupProperty(helpers, "nixString") || alias1(depth0, "nixString", { "start": { "line": 17, "column": 29 }, "end": { "line": 17, "column": 38 } })).call(alias2, lookupProperty(depth0, "pinned"), { "name": "nixString", "hash": {}, "data": data, "loc": { "start": { "line": 17, "column": 27 }, "end": { "line": 17, "column": 47 } } })) + ";\n";
  }, "4": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = depth0 != null ? depth0 : container.nullContext || {}, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "      # What every host is built from: disko's module, the platform flake's overlays (so pkgs has\n      # the platform's packages) and NixOS modules, then the host's generated module.\n      shared = [\n        disko.nixosModules.disko\n        {\n          nixpkgs.overlays = [\n" + ((stack1 = lookupProperty(helpers, "each").call(alias1, lookupProperty(lookupProperty(depth0, "platform"), "overlays"), { "name": "each", "hash": {}, "fn": container.program(5, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 31, "column": 0 }, "end": { "line": 33, "column": 9 } } })) != null ? stack1 : "") + "          ];\n        }\n" + ((stack1 = lookupProperty(helpers, "each").call(alias1, lookupProperty(lookupProperty(depth0, "platform"), "modules"), { "name": "each", "hash": {}, "fn": container.program(6, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 36, "column": 0 }, "end": { "line": 38, "column": 9 } } })) != null ? stack1 : "") + "      ];\n";
  }, "5": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "            inputs." + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 32, "column": 21 }, "end": { "line": 32, "column": 28 } })).call(alias2, lookupProperty(depth0, "input"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 32, "column": 19 }, "end": { "line": 32, "column": 36 } } })) + ".overlays." + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 32, "column": 48 }, "end": { "line": 32, "column": 55 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 32, "column": 46 }, "end": { "line": 32, "column": 62 } } })) + "\n";
  }, "6": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "        inputs." + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 37, "column": 17 }, "end": { "line": 37, "column": 24 } })).call(alias2, lookupProperty(depth0, "input"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 37, "column": 15 }, "end": { "line": 37, "column": 32 } } })) + ".nixosModules." + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 37, "column": 48 }, "end": { "line": 37, "column": 55 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 37, "column": 46 }, "end": { "line": 37, "column": 62 } } })) + "\n";
  }, "7": function(container, depth0, helpers, partials, data) {
    return "      # What every host is built from: disko's module, then the host's generated module.\n      shared = [ disko.nixosModules.disko ];\n";
  }, "8": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "        " + alias3((lookupProperty(helpers, "nixAttr") || alias1(depth0, "nixAttr", { "start": { "line": 55, "column": 10 }, "end": { "line": 55, "column": 17 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "nixAttr", "hash": {}, "data": data, "loc": { "start": { "line": 55, "column": 8 }, "end": { "line": 55, "column": 24 } } })) + " = host " + alias3((lookupProperty(helpers, "nixPath") || alias1(depth0, "nixPath", { "start": { "line": 55, "column": 34 }, "end": { "line": 55, "column": 41 } })).call(alias2, lookupProperty(depth0, "path"), { "name": "nixPath", "hash": {}, "data": data, "loc": { "start": { "line": 55, "column": 32 }, "end": { "line": 55, "column": 48 } } })) + ";\n";
  }, "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "# " + alias3((lookupProperty(helpers, "nixComment") || alias1(depth0, "nixComment", { "start": { "line": 1, "column": 4 }, "end": { "line": 1, "column": 14 } })).call(alias2, lookupProperty(depth0, "header"), { "name": "nixComment", "hash": {}, "data": data, "loc": { "start": { "line": 1, "column": 2 }, "end": { "line": 1, "column": 23 } } })) + "\n# The fleet's flake, at the root of the fleet repository so that everything it imports (generated/,\n# the operator's nix/, flakes kept in the repository) is inside it. Pinned by ./flake.lock.\n{\n  description = " + alias3((lookupProperty(helpers, "nixString") || alias1(depth0, "nixString", { "start": { "line": 5, "column": 18 }, "end": { "line": 5, "column": 27 } })).call(alias2, lookupProperty(depth0, "description"), { "name": "nixString", "hash": {}, "data": data, "loc": { "start": { "line": 5, "column": 16 }, "end": { "line": 5, "column": 41 } } })) + ";\n\n  inputs = {\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "inputs"), { "name": "each", "hash": {}, "fn": container.program(0, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 8, "column": 0 }, "end": { "line": 19, "column": 9 } } })) != null ? stack1 : "") + "  };\n\n  outputs = { self, nixpkgs, disko, ... }@inputs:\n    let\n" + ((stack1 = lookupProperty(helpers, "if").call(alias2, lookupProperty(depth0, "platform"), { "name": "if", "hash": {}, "fn": container.program(4, data, 0), "inverse": container.program(7, data, 0), "data": data, "loc": { "start": { "line": 24, "column": 0 }, "end": { "line": 43, "column": 7 } } })) != null ? stack1 : "") + "      # Every host records the fleet commit it was built from (nixos-version --json shows it), which\n      # fleetc status --probe and fleetc adopt read back. A dirty tree records <rev>-dirty.\n      revision = { system.configurationRevision = self.rev or self.dirtyRev or null; };\n      host = path: nixpkgs.lib.nixosSystem {\n        specialArgs = { inherit inputs; };\n        modules = shared ++ [ revision path ];\n      };\n    in\n    {\n      nixosConfigurations = {\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "hosts"), { "name": "each", "hash": {}, "fn": container.program(8, data, 0), "inverse": container.noop, "data": data, "loc": { "start": { "line": 54, "column": 0 }, "end": { "line": 56, "column": 9 } } })) != null ? stack1 : "") + "      };\n    };\n}\n";
  }, "useData": true }, helpers: ["each", "if", "nixAttr", "nixComment", "nixPath", "nixString"] }],
  ["#!ipxe\n# {{ipxeComment header}}\n# Host {{ipxeComment host}}: profile {{ipxeComment profile}}, {{ipxeComment system}}, {{ipxeComment firmware}} firmware; boot NIC {{ipxeComment nic}} ({{ipxeComment mac}}).\n# Boots the profile's netboot image through the image's own script, which passes the image's own\n# command line (init=, its kernel parameters) and then the setting set here: the host's identity\n# and kernel parameters. The command line is world-readable on the booted machine: names only,\n# never a secret.\n\n:boot\necho fleetc: {{ipxeText host}} boots the installer of profile {{ipxeText profile}}\nset {{ipxeWord cmdlineSetting}} {{ipxeWords args}}\nchain {{ipxeWord imageScript}} || goto failed\n\n:failed\necho fleetc: could not fetch or boot the image of {{ipxeText host}}, retrying in 10 seconds\nimgfree\nsleep 10\nchain --autofree --replace {{ipxeWord bootScript}} || goto failed\n", { spec: { "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "#!ipxe\n# " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 2, "column": 4 }, "end": { "line": 2, "column": 15 } })).call(alias2, lookupProperty(depth0, "header"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 2, "column": 2 }, "end": { "line": 2, "column": 24 } } })) + "\n# Host " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 9 }, "end": { "line": 3, "column": 20 } })).call(alias2, lookupProperty(depth0, "host"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 7 }, "end": { "line": 3, "column": 27 } } })) + ": profile " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 39 }, "end": { "line": 3, "column": 50 } })).call(alias2, lookupProperty(depth0, "profile"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 37 }, "end": { "line": 3, "column": 60 } } })) + ", " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 64 }, "end": { "line": 3, "column": 75 } })).call(alias2, lookupProperty(depth0, "system"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 62 }, "end": { "line": 3, "column": 84 } } })) + ", " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 88 }, "end": { "line": 3, "column": 99 } })).call(alias2, lookupProperty(depth0, "firmware"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 86 }, "end": { "line": 3, "column": 110 } } })) + " firmware; boot NIC " + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 132 }, "end": { "line": 3, "column": 143 } })).call(alias2, lookupProperty(depth0, "nic"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 130 }, "end": { "line": 3, "column": 149 } } })) + " (" + alias3((lookupProperty(helpers, "ipxeComment") || alias1(depth0, "ipxeComment", { "start": { "line": 3, "column": 153 }, "end": { "line": 3, "column": 164 } })).call(alias2, lookupProperty(depth0, "mac"), { "name": "ipxeComment", "hash": {}, "data": data, "loc": { "start": { "line": 3, "column": 151 }, "end": { "line": 3, "column": 170 } } })) + ").\n# Boots the profile's netboot image through the image's own script, which passes the image's own\n# command line (init=, its kernel parameters) and then the setting set here: the host's identity\n# and kernel parameters. The command line is world-readable on the booted machine: names only,\n# never a secret.\n\n:boot\necho fleetc: " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 10, "column": 15 }, "end": { "line": 10, "column": 23 } })).call(alias2, lookupProperty(depth0, "host"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 10, "column": 13 }, "end": { "line": 10, "column": 30 } } })) + " boots the installer of profile " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 10, "column": 64 }, "end": { "line": 10, "column": 72 } })).call(alias2, lookupProperty(depth0, "profile"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 10, "column": 62 }, "end": { "line": 10, "column": 82 } } })) + "\nset " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 11, "column": 6 }, "end": { "line": 11, "column": 14 } })).call(alias2, lookupProperty(depth0, "cmdlineSetting"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 11, "column": 4 }, "end": { "line": 11, "column": 31 } } })) + " " + alias3((lookupProperty(helpers, "ipxeWords") || alias1(depth0, "ipxeWords", { "start": { "line": 11, "column": 34 }, "end": { "line": 11, "column": 43 } })).call(alias2, lookupProperty(depth0, "args"), { "name": "ipxeWords", "hash": {}, "data": data, "loc": { "start": { "line": 11, "column": 32 }, "end": { "line": 11, "column": 50 } } })) + "\nchain " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 12, "column": 8 }, "end": { "line": 12, "column": 16 } })).call(alias2, lookupProperty(depth0, "imageScript"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 12, "column": 6 }, "end": { "line": 12, "column": 30 } } })) + " || goto failed\n\n:failed\necho fleetc: could not fetch or boot the image of " + alias3((lookupProperty(helpers, "ipxeText") || alias1(depth0, "ipxeText", { "start": { "line": 15, "column": 52 }, "end": { "line": 15, "column": 60 } })).call(alias2, lookupProperty(depth0, "host"), { "name": "ipxeText", "hash": {}, "data": data, "loc": { "start": { "line": 15, "column": 50 }, "end": { "line": 15, "column": 67 } } })) + ", retrying in 10 seconds\nimgfree\nsleep 10\nchain --autofree --replace " + alias3((lookupProperty(helpers, "ipxeWord") || alias1(depth0, "ipxeWord", { "start": { "line": 18, "column": 29 }, "end": { "line": 18, "column": 37 } })).call(alias2, lookupProperty(depth0, "bootScript"), { "name": "ipxeWord", "hash": {}, "data": data, "loc": { "start": { "line": 18, "column": 27 }, "end": { "line": 18, "column": 50 } } })) + " || goto failed\n";
  }, "useData": true }, helpers: ["ipxeComment", "ipxeText", "ipxeWord", "ipxeWords"] }],
  ['# yaml-language-server: $schema={{yamlPath schema}}/fleet.schema.json\n# The fleet as a whole. The schema (schema/fleet.schema.json of fleetc) describes every property,\n# with examples; editors with yaml-language-server complete and check this file from it.\nname: {{yamlString name}}\ndomain: {{yamlString domain}}\n\n# The Nix inputs every host is built from, pinned by commit, NAR hash and commit time: fleetc\n# writes flake.nix and flake.lock from them. These are the pins this fleetc release was tested\n# with (nixos-26.05 and disko v1.13.0). To move nixpkgs, copy the nixpkgs node of any flake.lock\n# that pins the commit you want, or run `nix flake prefetch --json github:NixOS/nixpkgs/<rev>`.\ninputs:\n  nixpkgs:\n    url: github:NixOS/nixpkgs/nixos-26.05\n    rev: 7c8764b7c7b09b34f632464276218ef9090eaa11\n    narHash: sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=\n    lastModified: 1791426274\n  disko:\n    url: github:nix-community/disko/v1.13.0\n    rev: de5708739256238fb912c62f03988815db89ec9a\n    narHash: sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=\n    lastModified: 1768920986\n    follows: { nixpkgs: nixpkgs }\n  # The flake that packages your platform\'s services (an overlay and NixOS modules), then\n  # `platform: { input: platform }` below and `services:` for what it runs:\n  # platform: { url: "github:<owner>/<repo>", rev: \u2026, narHash: \u2026, lastModified: \u2026, follows: { nixpkgs: nixpkgs } }\n\n# One network: where machines boot (PXE) and are provisioned. fleetc\'s DHCP configuration serves\n# it (dhcp:); addresses of hosts are static, the pool is for machines it does not know yet.\nnetworks:\n  prov:\n    description: provisioning and management; machines network-boot here\n    cidr: {{yamlString cidr}}\n    gateway: {{yamlString gateway}}\n    dns: [{{yamlString bootServer}}]\n    dhcp:\n      pool: { start: {{yamlString poolStart}}, end: {{yamlString poolEnd}} }\n\n# The boot server: HTTP for the iPXE scripts and installers, TFTP for the iPXE binaries.\nboot:\n  http: {{yamlString bootUrl}}\n  tftp: {{yamlString bootServer}}\n\ndeploy:\n  order: [base]\n  maxParallel: 1\n  # How apply (and so CI) provisions new machines: accept the first SSH key a new machine\'s\n  # installer shows, then pin the host key it installs. `refuse` leaves installs to an operator\n  # (fleetc apply --first-contact accept-new); a refused host is skipped, the others deploy.\n  firstContact: accept-new\n\n# Public keys that may log in as root on every host and on the netboot installers (fleetc apply\n# provisions new machines through them). Add yours: a machine nobody can log into cannot be installed.\nssh:\n  authorizedKeys:\n{{#each authorizedKeys}}\n    - {{yamlString this}}\n{{else}}\n    [] # - ssh-ed25519 AAAA\u2026 you@laptop\n{{/each}}\n\ndefaults:\n  arch: x86_64\n  firmware: uefi\n  timezone: UTC\n  stateVersion: "26.05"\n', { spec: { "0": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "    - " + container.escapeExpression((lookupProperty(helpers, "yamlString") || container.strict(depth0, "yamlString", { "start": { "line": 56, "column": 8 }, "end": { "line": 56, "column": 18 } })).call(depth0 != null ? depth0 : container.nullContext || {}, depth0, { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 56, "column": 6 }, "end": { "line": 56, "column": 25 } } })) + "\n";
  }, "1": function(container, depth0, helpers, partials, data) {
    return "    [] # - ssh-ed25519 AAAA\u2026 you@laptop\n";
  }, "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var stack1, alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "# yaml-language-server: $schema=" + alias3((lookupProperty(helpers, "yamlPath") || alias1(depth0, "yamlPath", { "start": { "line": 1, "column": 34 }, "end": { "line": 1, "column": 42 } })).call(alias2, lookupProperty(depth0, "schema"), { "name": "yamlPath", "hash": {}, "data": data, "loc": { "start": { "line": 1, "column": 32 }, "end": { "line": 1, "column": 51 } } })) + "/fleet.schema.json\n# The fleet as a whole. The schema (schema/fleet.schema.json of fleetc) describes every property,\n# with examples; editors with yaml-language-server complete and check this file from it.\nname: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 4, "column": 8 }, "end": { "line": 4, "column": 18 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 4, "column": 6 }, "end": { "line": 4, "column": 25 } } })) + "\ndomain: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 5, "column": 10 }, "end": { "line": 5, "column": 20 } })).call(alias2, lookupProperty(depth0, "domain"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 5, "column": 8 }, "end": { "line": 5, "column": 29 } } })) + "\n\n# The Nix inputs every host is built from, pinned by commit, NAR hash and commit time: fleetc\n# writes flake.nix and flake.lock from them. These are the pins this fleetc release was tested\n# with (nixos-26.05 and disko v1.13.0). To move nixpkgs, copy the nixpkgs node of any flake.lock\n# that pins the commit you want, or run `nix flake prefetch --json github:NixOS/nixpkgs/<rev>`.\ninputs:\n  nixpkgs:\n    url: github:NixOS/nixpkgs/nixos-26.05\n    rev: 7c8764b7c7b09b34f632464276218ef9090eaa11\n    narHash: sha256-MWhktfFtFE8Jl7bf9Pkp7TR5MSdYCjCswSo0Gkb4ywc=\n    lastModified: 1791426274\n  disko:\n    url: github:nix-community/disko/v1.13.0\n    rev: de5708739256238fb912c62f03988815db89ec9a\n    narHash: sha256-CNzzBsRhq7gg4BMBuTDObiWDH/rFYHEuDRVOwCcwXw4=\n    lastModified: 1768920986\n    follows: { nixpkgs: nixpkgs }\n  # The flake that packages your platform's services (an overlay and NixOS modules), then\n  # `platform: { input: platform }` below and `services:` for what it runs:\n  # platform: { url: \"github:<owner>/<repo>\", rev: \u2026, narHash: \u2026, lastModified: \u2026, follows: { nixpkgs: nixpkgs } }\n\n# One network: where machines boot (PXE) and are provisioned. fleetc's DHCP configuration serves\n# it (dhcp:); addresses of hosts are static, the pool is for machines it does not know yet.\nnetworks:\n  prov:\n    description: provisioning and management; machines network-boot here\n    cidr: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 32, "column": 12 }, "end": { "line": 32, "column": 22 } })).call(alias2, lookupProperty(depth0, "cidr"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 32, "column": 10 }, "end": { "line": 32, "column": 29 } } })) + "\n    gateway: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 33, "column": 15 }, "end": { "line": 33, "column": 25 } })).call(alias2, lookupProperty(depth0, "gateway"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 33, "column": 13 }, "end": { "line": 33, "column": 35 } } })) + "\n    dns: [" + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 34, "column": 12 }, "end": { "line": 34, "column": 22 } })).call(alias2, lookupProperty(depth0, "bootServer"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 34, "column": 10 }, "end": { "line": 34, "column": 35 } } })) + "]\n    dhcp:\n      pool: { start: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 36, "column": 23 }, "end": { "line": 36, "column": 33 } })).call(alias2, lookupProperty(depth0, "poolStart"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 36, "column": 21 }, "end": { "line": 36, "column": 45 } } })) + ", end: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 36, "column": 54 }, "end": { "line": 36, "column": 64 } })).call(alias2, lookupProperty(depth0, "poolEnd"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 36, "column": 52 }, "end": { "line": 36, "column": 74 } } })) + " }\n\n# The boot server: HTTP for the iPXE scripts and installers, TFTP for the iPXE binaries.\nboot:\n  http: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 40, "column": 10 }, "end": { "line": 40, "column": 20 } })).call(alias2, lookupProperty(depth0, "bootUrl"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 40, "column": 8 }, "end": { "line": 40, "column": 30 } } })) + "\n  tftp: " + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 41, "column": 10 }, "end": { "line": 41, "column": 20 } })).call(alias2, lookupProperty(depth0, "bootServer"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 41, "column": 8 }, "end": { "line": 41, "column": 33 } } })) + "\n\ndeploy:\n  order: [base]\n  maxParallel: 1\n  # How apply (and so CI) provisions new machines: accept the first SSH key a new machine's\n  # installer shows, then pin the host key it installs. `refuse` leaves installs to an operator\n  # (fleetc apply --first-contact accept-new); a refused host is skipped, the others deploy.\n  firstContact: accept-new\n\n# Public keys that may log in as root on every host and on the netboot installers (fleetc apply\n# provisions new machines through them). Add yours: a machine nobody can log into cannot be installed.\nssh:\n  authorizedKeys:\n" + ((stack1 = lookupProperty(helpers, "each").call(alias2, lookupProperty(depth0, "authorizedKeys"), { "name": "each", "hash": {}, "fn": container.program(0, data, 0), "inverse": container.program(1, data, 0), "data": data, "loc": { "start": { "line": 55, "column": 0 }, "end": { "line": 59, "column": 9 } } })) != null ? stack1 : "") + '\ndefaults:\n  arch: x86_64\n  firmware: uefi\n  timezone: UTC\n  stateVersion: "26.05"\n';
  }, "useData": true }, helpers: ["each", "yamlPath", "yamlString"] }],
  [`# yaml-language-server: $schema={{yamlPath schema}}/host.schema.json
# One machine. Replace the example values with the machine's own: the MAC of the NIC it PXE-boots
# from, its disk (by /dev/disk/by-id, and its size as the disk reports it), and its address.
description: The first machine of the fleet
profile: base
hardware:
  disks:
    main: { device: /dev/disk/by-id/nvme-EXAMPLE_SERIAL_0001, size: 480G }
  layout: { kind: single, disk: main, root: { fs: ext4 } }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:01", network: prov, address: {{yamlString hostAddress}}, boot: true }
# Its BMC, for provisioning through a one-time PXE boot (IPMI or Redfish):
# bmc: { kind: redfish, address: 10.0.1.11, user: admin, password: { file: /run/secrets/bmc/{{yamlPath name}} } }
`, { spec: { "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var alias1 = container.strict, alias2 = depth0 != null ? depth0 : container.nullContext || {}, alias3 = container.escapeExpression, lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "# yaml-language-server: $schema=" + alias3((lookupProperty(helpers, "yamlPath") || alias1(depth0, "yamlPath", { "start": { "line": 1, "column": 34 }, "end": { "line": 1, "column": 42 } })).call(alias2, lookupProperty(depth0, "schema"), { "name": "yamlPath", "hash": {}, "data": data, "loc": { "start": { "line": 1, "column": 32 }, "end": { "line": 1, "column": 51 } } })) + `/host.schema.json
# One machine. Replace the example values with the machine's own: the MAC of the NIC it PXE-boots
# from, its disk (by /dev/disk/by-id, and its size as the disk reports it), and its address.
description: The first machine of the fleet
profile: base
hardware:
  disks:
    main: { device: /dev/disk/by-id/nvme-EXAMPLE_SERIAL_0001, size: 480G }
  layout: { kind: single, disk: main, root: { fs: ext4 } }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:01", network: prov, address: ` + alias3((lookupProperty(helpers, "yamlString") || alias1(depth0, "yamlString", { "start": { "line": 11, "column": 70 }, "end": { "line": 11, "column": 80 } })).call(alias2, lookupProperty(depth0, "hostAddress"), { "name": "yamlString", "hash": {}, "data": data, "loc": { "start": { "line": 11, "column": 68 }, "end": { "line": 11, "column": 94 } } })) + ", boot: true }\n# Its BMC, for provisioning through a one-time PXE boot (IPMI or Redfish):\n# bmc: { kind: redfish, address: 10.0.1.11, user: admin, password: { file: /run/secrets/bmc/" + alias3((lookupProperty(helpers, "yamlPath") || alias1(depth0, "yamlPath", { "start": { "line": 13, "column": 94 }, "end": { "line": 13, "column": 102 } })).call(alias2, lookupProperty(depth0, "name"), { "name": "yamlPath", "hash": {}, "data": data, "loc": { "start": { "line": 13, "column": 92 }, "end": { "line": 13, "column": 109 } } })) + " } }\n";
  }, "useData": true }, helpers: ["yamlPath", "yamlString"] }],
  ["# yaml-language-server: $schema={{yamlPath schema}}/profile.schema.json\n# A profile is a role: the Nix modules (under nix/), services, kernel parameters and packages its\n# hosts share. Another profile may `extends: base` and add to it.\ndescription: What every machine of the fleet runs\nmodules: [profiles/base.nix]\npackages: [htop, tcpdump]\n", { spec: { "compiler": [8, ">= 4.3.0"], "main": function(container, depth0, helpers, partials, data) {
    var lookupProperty = container.lookupProperty || function(parent, propertyName) {
      if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
        return parent[propertyName];
      }
      return void 0;
    };
    return "# yaml-language-server: $schema=" + container.escapeExpression((lookupProperty(helpers, "yamlPath") || container.strict(depth0, "yamlPath", { "start": { "line": 1, "column": 34 }, "end": { "line": 1, "column": 42 } })).call(depth0 != null ? depth0 : container.nullContext || {}, lookupProperty(depth0, "schema"), { "name": "yamlPath", "hash": {}, "data": data, "loc": { "start": { "line": 1, "column": 32 }, "end": { "line": 1, "column": 51 } } })) + "/profile.schema.json\n# A profile is a role: the Nix modules (under nix/), services, kernel parameters and packages its\n# hosts share. Another profile may `extends: base` and add to it.\ndescription: What every machine of the fleet runs\nmodules: [profiles/base.nix]\npackages: [htop, tcpdump]\n";
  }, "useData": true }, helpers: ["yamlPath"] }]
]);

// src/emit/templates.ts
var ESCAPERS = {
  nixString: (value) => nixString(String(value)),
  nixAttr: (value) => nixAttrName(String(value)),
  nixComment: (value) => String(value).replace(/[\r\n]+/g, " "),
  nixPath: (value) => {
    const path37 = String(value);
    if (!/^\.{0,2}\/[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/.test(path37)) throw new Error(`not a Nix path literal: ${path37}`);
    return path37;
  }
};
var BLOCK_HELPERS = /* @__PURE__ */ new Set(["each", "if", "unless"]);
function registerEscaper(name, escape) {
  ESCAPERS[name] = escape;
}
var require3 = (0, import_node_module4.createRequire)(__bundleUrl);
var OPTIONS = { strict: true, noEscape: false, preventIndent: true };
var runtime;
var compiler;
function compileTemplate(name, source) {
  const precompiled = PRECOMPILED.get(source);
  if (!precompiled) return templateOf(name, source, void 0);
  let render2;
  return (context) => (render2 ??= templateOf(name, source, precompiled))(context);
}
function templateOf(name, source, precompiled) {
  const helpers = precompiled?.helpers ?? checkExplicitEscaping(name, fullHandlebars().parse(source));
  const env = (precompiled ? runtime ??= require3("handlebars/runtime") : fullHandlebars()).create();
  for (const builtin of Object.keys(env.helpers)) if (!helpers.includes(builtin) && !HOOKS.has(builtin)) env.unregisterHelper(builtin);
  for (const helper of helpers) {
    const escape = ESCAPERS[helper];
    if (escape) env.registerHelper(helper, ((value) => new env.SafeString(escape(value))));
  }
  const template3 = precompiled ? env.template(precompiled.spec) : env.compile(source, OPTIONS);
  return (context) => template3(context);
}
var HOOKS = /* @__PURE__ */ new Set(["helperMissing", "blockHelperMissing"]);
function fullHandlebars() {
  return compiler ??= require3("handlebars");
}
function checkExplicitEscaping(name, program) {
  const used = /* @__PURE__ */ new Set();
  const plainParams = (params, line) => {
    if (params.some((p) => p.type === "SubExpression")) throw new Error(`template ${name} line ${line}: sub-expressions are not used`);
  };
  const visit = (node) => {
    if (node.type === "MustacheStatement") {
      const mustache = node;
      const helper = mustache.path.original;
      if (!(helper in ESCAPERS) || mustache.params.length !== 1 || !mustache.escaped) {
        throw new Error(`template ${name} line ${mustache.loc.start.line}: {{${helper}}} must be {{<escaper> value}} with one of: ${Object.keys(ESCAPERS).join(", ")}`);
      }
      plainParams(mustache.params, mustache.loc.start.line);
      used.add(helper);
    } else if (node.type === "BlockStatement") {
      const block3 = node;
      const helper = block3.path.original;
      if (!BLOCK_HELPERS.has(helper)) throw new Error(`template ${name}: block helper ${helper} is not allowed`);
      plainParams(block3.params, block3.loc.start.line);
      used.add(helper);
      if (block3.program) visit(block3.program);
      if (block3.inverse) visit(block3.inverse);
    } else if (node.type === "Program") {
      for (const child of node.body) visit(child);
    } else if (node.type === "PartialStatement" || node.type === "PartialBlockStatement" || node.type === "DecoratorBlock") {
      throw new Error(`template ${name}: partials and decorators are not used`);
    }
  };
  visit(program);
  return [...used].sort();
}

// src/emit/dhcpd.ts
var DHCPD_PATH = `${DHCP_DIR}/dhcpd.conf`;
registerEscaper("dhcpdString", (value) => dhcpdString(String(value)));
registerEscaper("dhcpdName", (value) => dhcpdName(String(value)));
registerEscaper("dhcpdAddress", (value) => dhcpdAddress(String(value)));
registerEscaper("dhcpdAddresses", (value) => dhcpdAddresses(value));
registerEscaper("dhcpdMac", (value) => dhcpdMac(String(value)));
registerEscaper("dhcpdNumber", (value) => dhcpdNumber(value));
registerEscaper("dhcpdComment", (value) => dhcpdComment(String(value)));
var renderShared = compileTemplate("dhcpd.conf", (0, import_node_fs6.readFileSync)(packageFile("templates/dhcpd.conf.hbs"), "utf8"));
var renderReservations = compileTemplate("dhcpd-hosts", (0, import_node_fs6.readFileSync)(packageFile("templates/dhcpd-hosts.hbs"), "utf8"));
var emitDhcpd = (fleet) => {
  const shared = renderSharedPart(fleet);
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const partKey = `\0${networks.join("\0")}`;
  const all = [];
  for (const network of networks) for (const host of fleet.hosts) all.push(hostReservationsText(host, network));
  const artifact = {
    path: DHCPD_PATH,
    kind: "dhcp",
    contents: shared + all.join(""),
    // A host's part: the configuration as if it were the fleet's only host (shared settings + its reservations).
    fragmentBase: shared,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, hostReservationsText(host, networks, partKey)]))
  };
  return [artifact];
};
emitDhcpd.patch = (previous, fleet, _context, changed) => {
  const old = previous[0];
  if (previous.length !== 1 || !old?.fragments) return void 0;
  const shared = renderSharedPart(fleet);
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const kept2 = dhcpdPieces.get(old) ?? piecesOf(old, fleet, shared, networks);
  if (kept2) dhcpdPieces.set(old, kept2);
  if (!kept2 || kept2.shared !== shared || kept2.networks.join("\0") !== networks.join("\0") || !sameNames(kept2.hosts, fleet.hosts)) return void 0;
  const partKey = `\0${networks.join("\0")}`;
  const replaceHost = (host, index, replace) => {
    networks.forEach((network, n) => replace.set(1 + n * fleet.hosts.length + index, hostReservationsText(host, network)));
    return true;
  };
  return patchHostPieces(old, kept2, fleet, changed, replaceHost, (host) => hostReservationsText(host, networks, partKey), dhcpdPieces);
};
var dhcpdPieces = /* @__PURE__ */ new WeakMap();
function piecesOf(artifact, fleet, shared, networks) {
  const list3 = [shared];
  for (const network of networks) for (const host of fleet.hosts) list3.push(hostReservationsText(host, network));
  const pieces = Pieces.of(list3);
  if (pieces.text !== artifact.contents) return void 0;
  return { shared, networks, hosts: fleet.hosts, index: new Map(fleet.hosts.map((h, i) => [h.name, i])), pieces };
}
var renderedReservations = /* @__PURE__ */ new WeakMap();
function hostReservationsText(host, networks, partKey) {
  let byKey2 = renderedReservations.get(host);
  if (!byKey2) renderedReservations.set(host, byKey2 = /* @__PURE__ */ new Map());
  const key = typeof networks === "string" ? networks : partKey;
  let text = byKey2.get(key);
  if (text === void 0) {
    if (typeof networks !== "string") text = networks.map((network) => hostReservationsText(host, network)).join("");
    else {
      const reservations = hostReservations(host, networks);
      text = reservations.length === 0 ? "" : renderReservations({ reservations: reservations.map((r) => ({ name: r.name, mac: r.mac, address: r.address ?? null, hostName: r.hostName })) });
    }
    byKey2.set(key, text);
  }
  return text;
}
function renderSharedPart(fleet) {
  const subnets = dhcpSubnets(fleet, []);
  return renderShared({
    header: GENERATED_HEADER,
    fleet: fleet.name,
    tftp: fleet.boot.tftp,
    bootScript: bootScriptUrl(fleet),
    ...fleet.boot.ipxe,
    subnets: subnets.map((subnet) => ({
      name: subnet.network.name,
      description: subnet.network.description ?? null,
      address: subnet.address,
      netmask: subnet.network.netmask,
      broadcast: subnet.network.broadcast,
      gateway: subnet.network.gateway ?? null,
      dns: subnet.network.dns,
      domain: fleet.domain,
      leaseSeconds: subnet.leaseSeconds,
      pool: subnet.pool ?? null
    }))
  });
}

// src/model/layout-defaults.ts
var DEFAULT_ESP_SIZE = "1G";
var BIOS_BOOT_SIZE = "1M";
var DEFAULT_ROOT_FS = "ext4";
var DEFAULT_ZFS_POOL = "rpool";
var DEFAULT_VG = "vg0";
function layoutDiskNames(layout) {
  return layout.kind === "single" || layout.kind === "lvm" ? [layout.disk] : layout.disks;
}
var ZFS_MIN_DISKS = { stripe: 1, mirror: 2, raidz1: 2, raidz2: 3, raidz3: 4 };

// src/model/size.ts
var UNIT_BYTES = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
var REST = "100%";
function sizeBytes(size2) {
  if (size2 === REST) return void 0;
  const match = /^([1-9][0-9]*)([KMGT])$/.exec(size2);
  if (!match) throw new Error(`not a size: ${size2}`);
  return Number(match[1]) * UNIT_BYTES[match[2]];
}
function formatBytes(bytes) {
  for (const unit of ["T", "G", "M", "K"]) {
    const value = bytes / UNIT_BYTES[unit];
    if (value >= 1) return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`;
  }
  return `${bytes}B`;
}
function formatBytesExact(bytes) {
  for (const unit of ["T", "G", "M"]) {
    if (bytes >= UNIT_BYTES[unit] && bytes % UNIT_BYTES[unit] === 0) return `${bytes / UNIT_BYTES[unit]}${unit}`;
  }
  return `${(Math.floor(bytes / UNIT_BYTES.M * 100) / 100).toFixed(2)}M`;
}

// src/model/disk-plan.ts
var TYPE_CODES = { esp: "EF00", biosBoot: "EF02", linux: "8300", swap: "8200" };
var PRIORITY = { boot: 1, bootFs: 2, swap: 2, lvm: 2, data: 3 };
function bootMountPoint(diskIndex, disk) {
  return diskIndex === 0 ? "/boot" : `/boot-${disk}`;
}
function planLayout(layout, firmware) {
  const disks = layoutDiskNames(layout);
  const uefi = firmware === "uefi";
  const multiDisk = disks.length > 1;
  const bootMountOptions = (options) => multiDisk ? [...options, "nofail"] : options;
  const espAt = layout.esp !== void 0 ? ["esp"] : [];
  const esp = layout.esp ?? DEFAULT_ESP_SIZE;
  const bootPartitions2 = (disk, index, withBootFs) => uefi ? [{ name: "ESP", size: esp, typeCode: TYPE_CODES.esp, priority: PRIORITY.boot, content: { kind: "esp", mount: bootMountPoint(index, disk), mountOptions: bootMountOptions(["umask=0077"]) }, at: espAt }] : [
    { name: "boot", size: BIOS_BOOT_SIZE, typeCode: TYPE_CODES.biosBoot, priority: PRIORITY.boot, content: { kind: "bios-boot" }, at: [] },
    ...withBootFs ? [{ name: "bootfs", size: esp, typeCode: TYPE_CODES.linux, priority: PRIORITY.bootFs, content: { kind: "boot", mount: bootMountPoint(index, disk), mountOptions: bootMountOptions([]) }, at: espAt }] : []
  ];
  const swapPartition = (size2, randomEncryption) => size2 ? [{ name: "swap", size: size2, typeCode: TYPE_CODES.swap, priority: PRIORITY.swap, content: { kind: "swap", randomEncryption }, at: ["swap"] }] : [];
  const rootAt = (root) => root?.size !== void 0 ? ["root", "size"] : root ? ["root"] : [];
  switch (layout.kind) {
    case "single":
      return {
        disks: [{
          name: layout.disk,
          partitions: [
            ...bootPartitions2(layout.disk, 0, false),
            ...swapPartition(layout.swap, false),
            { name: "root", size: layout.root?.size ?? REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: "filesystem", fs: layout.root?.fs ?? DEFAULT_ROOT_FS, mount: "/" }, at: rootAt(layout.root) }
          ]
        }],
        mdadm: []
      };
    case "raid1":
      return {
        disks: disks.map((disk, i) => ({
          name: disk,
          partitions: [
            ...bootPartitions2(disk, i, false),
            // Swap is not mirrored: each disk swaps on its own, encrypted with a key made at boot.
            ...swapPartition(layout.swap, true),
            { name: "root", size: layout.root?.size ?? REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: "md-member", array: "root" }, at: rootAt(layout.root) }
          ]
        })),
        mdadm: [{ name: "root", fs: layout.root?.fs ?? DEFAULT_ROOT_FS, mount: "/" }]
      };
    case "zfs": {
      const pool = layout.pool ?? DEFAULT_ZFS_POOL;
      return {
        disks: disks.map((disk, i) => ({
          name: disk,
          partitions: [
            // GRUB cannot be trusted to read a pool with every feature enabled: BIOS keeps /boot out of it.
            ...bootPartitions2(disk, i, true),
            { name: "zfs", size: REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.data, content: { kind: "zfs-member", pool }, at: [] }
          ]
        })),
        mdadm: [],
        pool: {
          name: pool,
          mode: layout.mode ?? (disks.length > 1 ? "mirror" : "stripe"),
          datasets: Object.fromEntries(Object.entries(layout.datasets).map(([name, d]) => [name, { ...d.mount !== void 0 ? { mount: d.mount } : {}, options: d.options ?? {} }]))
        }
      };
    }
    case "lvm": {
      const vg = layout.vg ?? DEFAULT_VG;
      const volumes = Object.entries(layout.volumes).map(([name, v]) => ({
        name,
        size: v.size,
        content: v.swap ? { kind: "swap" } : { kind: "filesystem", fs: v.fs ?? DEFAULT_ROOT_FS, ...v.mount !== void 0 ? { mount: v.mount } : {} },
        at: ["volumes", name, "size"]
      }));
      const byName = (a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      return {
        disks: [{
          name: layout.disk,
          partitions: [
            ...bootPartitions2(layout.disk, 0, false),
            { name: "lvm", size: REST, typeCode: TYPE_CODES.linux, priority: PRIORITY.lvm, content: { kind: "lvm-pv", vg }, at: [] }
          ]
        }],
        mdadm: [],
        volumeGroup: { name: vg, volumes: [...volumes.filter((v) => v.size !== REST).sort(byName), ...volumes.filter((v) => v.size === REST).sort(byName)] }
      };
    }
  }
}

// src/emit/disk-plans.ts
var MAX_PLANS = 512;
var byHost = /* @__PURE__ */ new Map();
var byLayout = /* @__PURE__ */ new Map();
function hostDiskPlan(host) {
  let plan = byHost.get(host);
  if (!plan) {
    const key = `${host.firmware}\0${JSON.stringify(host.layout)}`;
    plan = byLayout.get(key);
    if (!plan) {
      if (byLayout.size >= MAX_PLANS) byLayout.clear();
      byLayout.set(key, plan = planLayout(host.layout, host.firmware));
    }
    if (byHost.size >= MAX_PLANS) byHost.clear();
    byHost.set(host, plan);
  }
  return plan;
}

// src/emit/disko.ts
var emitDisko = (fleet) => fleet.hosts.map((host) => ({
  path: `hosts/${host.name}/disko.nix`,
  kind: "disko",
  host: host.name,
  contents: nixFile(`# ${GENERATED_HEADER}
# Disk layout of host ${host.name} (${describeLayout(host.layout)}), for disko.
`, { disko: { devices: devices(host, printedParts(hostDiskPlan(host))) } }, { collapsePaths: true })
}));
emitDisko.perHost = true;
function describeLayout(layout) {
  switch (layout.kind) {
    case "single":
      return `single disk ${layout.disk}`;
    case "raid1":
      return `mdadm RAID1 over ${layout.disks.join(", ")}`;
    case "zfs":
      return `ZFS ${layout.mode} pool ${layout.pool} over ${layout.disks.join(", ")}`;
    case "lvm":
      return `LVM volume group ${layout.vg} on ${layout.disk}`;
  }
}
function devices(host, parts) {
  const disk = {};
  hostDiskPlan(host).disks.forEach((d, i) => disk[d.name] = { type: "disk", device: host.disks[d.name].device, content: parts.contents[i] });
  return { disk, ...parts.more };
}
var printed = /* @__PURE__ */ new WeakMap();
function printedParts(plan) {
  let parts = printed.get(plan);
  if (!parts) {
    const print2 = (value) => nixCode(nixValue(value, { collapsePaths: true }));
    const plain = planParts(plan);
    const more = {};
    for (const [kind, byName] of Object.entries(plain.more)) more[kind] = Object.fromEntries(Object.entries(byName).map(([name, part]) => [name, print2(part)]));
    printed.set(plan, parts = { contents: plain.contents.map(print2), more });
  }
  return parts;
}
function planParts(plan) {
  return {
    contents: plan.disks.map((disk) => ({ type: "gpt", partitions: Object.fromEntries(disk.partitions.map((p) => [p.name, partition(p)])) })),
    more: {
      ...plan.mdadm.length > 0 ? { mdadm: Object.fromEntries(plan.mdadm.map((array) => [array.name, { type: "mdadm", level: 1, content: filesystem(array.fs, array.mount) }])) } : {},
      ...plan.pool ? {
        zpool: {
          [plan.pool.name]: {
            type: "zpool",
            mode: plan.pool.mode === "stripe" ? "" : plan.pool.mode,
            options: { ashift: "12" },
            rootFsOptions: { mountpoint: "none", compression: "zstd", acltype: "posixacl", xattr: "sa" },
            datasets: Object.fromEntries(
              Object.entries(plan.pool.datasets).map(([name, dataset]) => [
                name,
                {
                  type: "zfs_fs",
                  ...dataset.mount !== void 0 ? { mountpoint: dataset.mount } : {},
                  options: { ...dataset.mount !== void 0 ? { mountpoint: "legacy" } : {}, ...dataset.options }
                }
              ])
            )
          }
        }
      } : {},
      ...plan.volumeGroup ? {
        lvm_vg: {
          [plan.volumeGroup.name]: {
            type: "lvm_vg",
            lvs: Object.fromEntries(
              plan.volumeGroup.volumes.map((volume) => [
                volume.name,
                {
                  // LVM spells "the rest of the volume group" as 100%FREE.
                  size: volume.size === "100%" ? "100%FREE" : volume.size,
                  content: volume.content.kind === "swap" ? { type: "swap" } : filesystem(volume.content.fs, volume.content.mount)
                }
              ])
            )
          }
        }
      } : {}
    }
  };
}
function partition(p) {
  const content = partitionContent(p.content);
  const defaultType = p.content.kind === "swap" ? TYPE_CODES.swap : TYPE_CODES.linux;
  return { priority: p.priority, size: p.size, ...p.typeCode !== defaultType ? { type: p.typeCode } : {}, ...content ? { content } : {} };
}
function partitionContent(content) {
  switch (content.kind) {
    case "esp":
      return { type: "filesystem", format: "vfat", mountpoint: content.mount, mountOptions: content.mountOptions };
    case "boot":
      return { type: "filesystem", format: "ext4", mountpoint: content.mount, ...content.mountOptions.length > 0 ? { mountOptions: content.mountOptions } : {} };
    case "bios-boot":
      return void 0;
    case "swap":
      return { type: "swap", ...content.randomEncryption ? { randomEncryption: true } : { discardPolicy: "both" } };
    case "filesystem":
      return filesystem(content.fs, content.mount);
    case "md-member":
      return { type: "mdraid", name: content.array };
    case "zfs-member":
      return { type: "zfs", pool: content.pool };
    case "lvm-pv":
      return { type: "lvm_pv", vg: content.vg };
  }
}
function filesystem(format, mountpoint) {
  return { type: "filesystem", format, ...mountpoint !== void 0 ? { mountpoint } : {} };
}

// src/model/first-boot.ts
var DEFAULT_FIRST_BOOT_NETWORK = "storage";
var DEFAULT_RETRY = { attempts: 5, delaySeconds: 10, backoff: 2, maxDelaySeconds: 120, timeoutSeconds: 10 };
var DEFAULT_IAM_SERVICE = "flaredb";
var DEFAULT_IAM_ADMIN_USER = "admin";
var RAFT_PORTS = ["api", "raft"];
function reachableAddress(peer, viewer, network) {
  const preferred = peer.interfaces.find((nic) => nic.network === network && nic.address !== void 0);
  if (preferred && viewer.interfaces.some((nic) => nic.network === network)) return { address: preferred.address, network };
  const boot = peer.interfaces.find((nic) => nic.boot && nic.address !== void 0);
  return boot ? { address: boot.address, network: boot.network } : void 0;
}
function serviceNeeds(services, service) {
  const needs = /* @__PURE__ */ new Set();
  const visit = (name) => {
    for (const dep of services[name]?.after ?? []) {
      if (needs.has(dep)) continue;
      needs.add(dep);
      visit(dep);
    }
  };
  visit(service);
  return needs;
}

// src/model/secrets.ts
var CREDENTIALS_DIR = "/var/lib/fleetc/credentials";
function secretSource(name, ref) {
  return "host" in ref ? { path: ref.host, delivery: "host" } : { path: `${CREDENTIALS_DIR}/${name}`, delivery: "fleetc-apply" };
}
function readableByApply(ref) {
  return !("host" in ref);
}

// src/emit/first-boot.ts
var FIRST_BOOT_VERSION = 2;
var LOOPBACK = "127.0.0.1";
var emitFirstBoot = Object.assign((fleet) => {
  const configs = firstBootConfigs(fleet);
  const peersText = /* @__PURE__ */ new WeakMap();
  return fleet.hosts.map((host) => ({
    path: `hosts/${host.name}/first-boot.json`,
    kind: "first-boot",
    host: host.name,
    contents: `${firstBootJson(configs.get(host.name), peersText)}
`
  }));
}, { crossHost: "cluster", perHost: true });
function firstBootJson(config, peersText) {
  const groups = config.raft.map((group) => {
    let peers = peersText.get(group.peers);
    if (peers === void 0) peersText.set(group.peers, peers = JSON.stringify(group.peers, null, 2).replaceAll("\n", "\n      "));
    return withMember(group, "peers", peers, "    ");
  });
  return withMember(config, "raft", groups.length === 0 ? "[]" : `[
${groups.join(",\n")}
  ]`, "");
}
function withMember(value, key, text, indent) {
  let printed2 = JSON.stringify({ ...value, [key]: 0 }, null, 2);
  if (indent !== "") printed2 = indent + printed2.replaceAll("\n", `
${indent}`);
  const placeholder = `
${indent}  ${JSON.stringify(key)}: 0`;
  const at = printed2.indexOf(placeholder) + placeholder.length - 1;
  return `${printed2.slice(0, at)}${text}${printed2.slice(at + 1)}`;
}
function firstBootConfigs(fleet) {
  const shared = new SharedParts(fleet);
  const configs = /* @__PURE__ */ new Map();
  for (const host of fleet.hosts) configs.set(host.name, firstBootConfig(fleet, host, shared));
  return configs;
}
var SharedParts = class {
  constructor(fleet) {
    this.fleet = fleet;
    this.restart = restartPolicy(fleet.firstBoot.retry);
    this.hosts = new Map(fleet.hosts.map((h) => [h.name, h]));
  }
  fleet;
  restart;
  hosts;
  groups = /* @__PURE__ */ new Map();
  peers = /* @__PURE__ */ new Map();
  /** Ordered once per cluster that has hosts here (a streamed build passes a few hosts at a time). */
  groupsOf(cluster) {
    let groups = this.groups.get(cluster.name);
    if (!groups) this.groups.set(cluster.name, groups = raftOrder(this.fleet, cluster));
    return groups;
  }
  peersOf(group, viewer, onNetwork) {
    let byView = this.peers.get(group);
    if (!byView) this.peers.set(group, byView = []);
    const at = onNetwork ? 0 : 1;
    let peers = byView[at];
    if (!peers) {
      const ports = this.fleet.services[group.service].ports;
      const network = this.fleet.firstBoot.network;
      byView[at] = peers = group.voters.map((name) => {
        const reach = reachableAddress(this.hosts.get(name), viewer, network);
        return { name, address: reach.address, network: reach.network, ports: { api: ports.api.port, raft: ports.raft.port } };
      });
    }
    return peers;
  }
};
function firstBootConfig(fleet, host, shared) {
  const policy = fleet.firstBoot;
  const cluster = fleet.clusters[host.cluster];
  const own = reachableAddress(host, host, policy.network);
  const ownAddress = own?.address ?? LOOPBACK;
  const role = cluster.bootstrap === host.name ? "bootstrap" : "join";
  const onNetwork = host.interfaces.some((nic) => nic.network === policy.network);
  const raft = shared.groupsOf(cluster).map((group) => ({
    service: group.service,
    mode: group.voters.includes(host.name) ? "voter" : "client",
    bootstrap: group.bootstrap,
    peers: shared.peersOf(group, host, onNetwork)
  }));
  const iamService = policy.iam && role === "bootstrap" && raft.some((g) => g.service === policy.iam.service) ? policy.iam.service : void 0;
  const health = [];
  for (const name of host.services) {
    const service = fleet.services[name];
    const check = service.health;
    if (!check) continue;
    const port = service.ports[check.port].port;
    health.push(check.http !== void 0 ? { service: name, kind: "http", address: ownAddress, port, path: check.http } : { service: name, kind: "tcp", address: ownAddress, port });
  }
  const steps = [];
  const token = policy.joinToken !== void 0 ? [policy.joinToken] : [];
  const add = (name, unit, kind, description, service, localServices, credentials) => {
    const after = steps.length > 0 ? [steps[steps.length - 1].name] : [];
    steps.push(service !== void 0 ? { name, unit, kind, description, service, after, localServices, credentials } : { name, unit, kind, description, after, localServices, credentials });
  };
  let voter = false;
  for (const group of raft) {
    const voting = group.mode === "voter";
    voter ||= voting;
    const description = voting ? `Join the ${group.service} Raft group of cluster ${cluster.name} (bootstrap it on ${group.bootstrap})` : `Register with the ${group.service} Raft group of cluster ${cluster.name} as a client`;
    add(`${group.service}-join`, `${group.service}-cluster-join`, "raft-join", description, group.service, voting ? [group.service] : [], token);
  }
  if (iamService !== void 0) add("iam-setup", "iam-initial-setup", "iam-setup", `Create the initial IAM administrator of cluster ${cluster.name}`, iamService, [iamService], [...token, policy.iam.adminPassword]);
  add("health-check", "cluster-health-check", "health-check", `Check that the platform services of ${host.name} are healthy`, void 0, health.map((h) => h.service), voter ? token : []);
  const used = usedCredentials(steps);
  const config = { version: FIRST_BOOT_VERSION, fleet: fleet.name, host: host.name, cluster: cluster.name, role };
  if (cluster.bootstrap !== void 0) config.bootstrapHost = cluster.bootstrap;
  if (own) {
    config.address = own.address;
    config.network = own.network;
  }
  config.retry = policy.retry;
  config.restart = shared.restart;
  config.secrets = {};
  for (const name of used) config.secrets[name] = secretSource(name, fleet.secrets[name]);
  if (policy.joinToken !== void 0 && used.includes(policy.joinToken)) config.joinToken = policy.joinToken;
  config.raft = raft;
  if (iamService !== void 0) config.iam = { service: iamService, address: ownAddress, port: fleet.services[iamService].ports.api.port, adminUser: policy.iam.adminUser, adminPassword: policy.iam.adminPassword };
  config.health = health;
  config.steps = steps;
  return config;
}
function usedCredentials(steps) {
  const used = [];
  for (const step of steps) for (const name of step.credentials) if (!used.includes(name)) used.push(name);
  return used.sort();
}
function raftOrder(fleet, cluster) {
  const needs = new Map(cluster.raft.map((group) => [group.service, serviceNeeds(fleet.services, group.service)]));
  const pending = [...cluster.raft];
  const ordered = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((group) => !pending.some((other) => other !== group && needs.get(group.service).has(other.service)));
    ordered.push(...pending.splice(Math.max(ready, 0), 1));
  }
  return ordered;
}
function restartPolicy(retry) {
  const delaySeconds = Math.max(1, Math.ceil(retry.delaySeconds));
  const maxDelaySeconds = Math.max(delaySeconds, Math.ceil(retry.maxDelaySeconds));
  const steps = retry.backoff > 1 && maxDelaySeconds > delaySeconds ? Math.ceil(Math.log(maxDelaySeconds / delaySeconds) / Math.log(retry.backoff)) : 0;
  return { delaySeconds, maxDelaySeconds, steps };
}

// src/emit/flake.ts
var import_node_fs7 = require("node:fs");

// src/emit/flake-lock.ts
function renderFlakeLock(fleet) {
  const nodes = {};
  const root = {};
  for (const input of Object.values(fleet.inputs)) {
    root[input.name] = input.name;
    const node = { locked: input.lock.locked, original: input.lock.original };
    if (Object.keys(input.follows).length > 0) node.inputs = Object.fromEntries(Object.entries(input.follows).map(([name, target]) => [name, [target]]));
    if (input.lock.parent) node.parent = input.lock.parent;
    nodes[input.name] = node;
  }
  nodes.root = { inputs: root };
  return `${JSON.stringify(sortKeys({ nodes, root: "root", version: 7 }), null, 2)}
`;
}
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}

// src/emit/flake.ts
var render = compileTemplate("flake.nix", (0, import_node_fs7.readFileSync)(packageFile("templates/flake.nix.hbs"), "utf8"));
var FLAKE_PATH = "flake.nix";
var FLAKE_LOCK_PATH = "flake.lock";
var emitFlake = (fleet, context) => {
  const inputs = Object.values(fleet.inputs).map((input) => ({
    name: input.name,
    pinned: input.pinned,
    follows: Object.entries(input.follows).map(([name, target]) => ({ name, target }))
  }));
  const platform = fleet.platform && {
    overlays: fleet.platform.overlays.map((name) => ({ input: fleet.platform.input, name })),
    modules: fleet.platform.modules.map((name) => ({ input: fleet.platform.input, name }))
  };
  const hosts = fleet.hosts.map((host) => ({ name: host.name, path: `./${context.outDirFromRoot}/hosts/${host.name}` }));
  const inputsFragment = [
    ...Object.values(fleet.inputs).flatMap((i) => [
      `${i.name}=${i.pinned}${"narHash" in i.lock.locked ? ` ${i.lock.locked.narHash}` : ""}`,
      ...Object.entries(i.follows).map(([name, target]) => `${i.name}.inputs.${name}.follows=${target}`)
    ]),
    ...fleet.platform ? [`platform=${fleet.platform.input} overlays=${fleet.platform.overlays.join(",")} modules=${fleet.platform.modules.join(",")}`] : []
  ].join("\n");
  const flakeContext = { header: GENERATED_HEADER, description: `${fleet.name}: NixOS hosts compiled by fleetc`, inputs, ...platform ? { platform } : {}, hosts };
  const key = JSON.stringify([flakeContext, inputsFragment]);
  if (lastFlake?.key !== key) {
    lastFlake = {
      key,
      flake: {
        path: FLAKE_PATH,
        root: true,
        kind: "flake",
        contents: render(flakeContext),
        fragmentBase: inputsFragment,
        // The host's entry, without the output directory's path: where --out is does not change a system.
        fragments: Object.fromEntries(fleet.hosts.map((h) => [h.name, `${h.name}=hosts/${h.name}`]))
      }
    };
  }
  const lock = { path: FLAKE_LOCK_PATH, root: true, kind: "flake", contents: renderFlakeLock(fleet) };
  return [lastFlake.flake, lock];
};
emitFlake.patch = (previous, fleet, context) => {
  const [flake, lock] = previous;
  const key = JSON.stringify([fleet.name, fleet.inputs, fleet.platform ?? null, context.outDirFromRoot]);
  if (flake && lock && flakeKeys.get(flake) === key && Object.keys(flake.fragments ?? {}).length === fleet.hosts.length && fleet.hosts.every((h) => flake.fragments[h.name] !== void 0)) return [flake, lock];
  const fresh = emitFlake(fleet, context);
  flakeKeys.set(fresh[0], key);
  return fresh;
};
var flakeKeys = /* @__PURE__ */ new WeakMap();
var lastFlake;

// src/emit/host-data.ts
var emitHostData = (fleet) => fleet.hosts.map((host) => ({
  path: `hosts/${host.name}/host.nix`,
  kind: "host-data",
  host: host.name,
  contents: nixFile(`# ${GENERATED_HEADER}
# The resolved data of host ${host.name}; nix-instantiate --eval --strict --json gives back the model.
`, withSharedLists(host))
}));
emitHostData.perHost = true;
var PROFILE_LISTS = ["profiles", "services", "modules", "packages", "authorizedKeys"];
var printedLists = /* @__PURE__ */ new WeakMap();
function withSharedLists(host) {
  const data = { ...host };
  for (const key of PROFILE_LISTS) {
    const list3 = host[key];
    let printed2 = printedLists.get(list3);
    if (!printed2) printedLists.set(list3, printed2 = nixCode(nixValue(list3)));
    data[key] = printed2;
  }
  return data;
}

// src/emit/host-module.ts
var import_node_crypto6 = require("node:crypto");

// src/emit/boot-loader.ts
function printedBootConfig(host) {
  const plan = hostDiskPlan(host);
  if (host.firmware === "bios" && bootPartitions(plan).length > 1) return bootConfig(host);
  const key = `${host.firmware}\0${host.layout.kind}\0${host.kernel.modules.length > 0}\0${host.kernel.package ?? ""}`;
  let byHost2 = printedConfigs.get(plan);
  if (!byHost2) printedConfigs.set(plan, byHost2 = /* @__PURE__ */ new Map());
  let printed2 = byHost2.get(key);
  if (!printed2) byHost2.set(key, printed2 = nixCode(nixValue(bootConfig(host), { collapsePaths: true })));
  return printed2;
}
var printedConfigs = /* @__PURE__ */ new WeakMap();
function bootConfig(host) {
  return {
    loader: bootLoader(host),
    kernelParams: nixCode("host.kernel.params"),
    ...host.kernel.modules.length > 0 ? { kernelModules: nixCode("host.kernel.modules") } : {},
    ...host.kernel.package !== void 0 ? { kernelPackages: nixCode(`pkgs.${host.kernel.package}`) } : {},
    ...host.layout.kind === "zfs" ? { supportedFilesystems: ["zfs"] } : {},
    ...host.layout.kind === "raid1" ? { swraid: { enable: true, mdadmConf: nixCode(`"PROGRAM \${${MDADM_ALERT}}"`) } } : {}
  };
}
function bootLoader(host) {
  const boots = bootPartitions(hostDiskPlan(host));
  if (host.firmware === "uefi") {
    if (boots.length <= 1) return { "systemd-boot": { enable: true }, efi: { canTouchEfiVariables: true } };
    return {
      grub: { enable: true, efiSupport: true, efiInstallAsRemovable: true, mirroredBoots: boots.map((b) => ({ path: b.path, devices: ["nodev"] })) },
      efi: { canTouchEfiVariables: false }
    };
  }
  if (boots.length <= 1) return { grub: { enable: true } };
  return {
    grub: {
      enable: true,
      devices: nixCode("lib.mkForce [ ]"),
      mirroredBoots: boots.map((b) => ({ path: b.path, devices: [host.disks[b.disk].device] }))
    }
  };
}
function bootPartitions(plan) {
  return plan.disks.flatMap(
    (disk) => disk.partitions.flatMap((p) => p.content.kind === "esp" || p.content.kind === "boot" ? [{ disk: disk.name, path: p.content.mount }] : [])
  );
}
var ALERT_SCRIPT = [
  'case "$1" in',
  "  Fail|FailSpare|DegradedArray|DeviceDisappeared|SparesMissing) priority=daemon.alert ;;",
  "  *) priority=daemon.notice ;;",
  "esac",
  'exec @logger@ -p "$priority" -t mdadm -- "$1 on $2 $3"',
  ""
].join("\n");
var MDADM_ALERT = `pkgs.writeShellScript "mdadm-alert" ${nixString(ALERT_SCRIPT).replace("@logger@", "${pkgs.util-linux}/bin/logger")}`;

// src/library/index.ts
var import_node_crypto5 = require("node:crypto");

// src/load/read-dir.ts
var import_node_crypto4 = require("node:crypto");
var import_node_fs8 = __toESM(require("node:fs"), 1);
var import_node_path5 = __toESM(require("node:path"), 1);
var MAX_FILE_BYTES = 1024 * 1024;
var YAML_EXTENSION = /\.ya?ml$/;
function readFleetDirSync(displayDir, nixDir) {
  const problems = [];
  const files = [];
  const root = import_node_path5.default.resolve(displayDir);
  const rootStat = statOrUndefined(root);
  if (!rootStat?.isDirectory()) {
    problems.push(fileProblem("FLEET_DIR_MISSING", displayDir, `fleet directory ${displayDir} does not exist or is not a directory`, "pass the fleet directory with --fleet DIR, or run fleetc inside a fleet repository (a directory with fleetc.json, which fleetc init writes)"));
  } else {
    walk(root, "", displayDir, files);
  }
  files.sort((a, b) => a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
  return { displayDir, files, problems, ...readNixDir(nixDir) };
}
function walk(absDir, relDir, displayDir, out) {
  let entries;
  try {
    entries = import_node_fs8.default.readdirSync(absDir, { withFileTypes: true });
  } catch (error) {
    out.push(unreadable(relDir || ".", displayDir, error));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    const absPath = import_node_path5.default.join(absDir, entry.name);
    const isYaml = YAML_EXTENSION.test(entry.name);
    if (entry.isSymbolicLink()) {
      out.push(symlinkProblem(relPath, displayDir));
      continue;
    }
    if (entry.isDirectory()) {
      if (isYaml) out.push(rawProblem(relPath, displayDir, "FILE_NOT_REGULAR", `${relPath} is a directory, not a YAML file`, "rename the directory so its name does not end in .yaml"));
      else walk(absPath, relPath, displayDir, out);
      continue;
    }
    if (!isYaml) continue;
    out.push(entry.isFile() ? readRegularFile(absPath, relPath, displayDir) : rawProblem(relPath, displayDir, "FILE_NOT_REGULAR", `${relPath} is not a regular file`, "fleet files must be regular files"));
  }
}
var OPEN_FLAGS = import_node_fs8.default.constants.O_RDONLY | import_node_fs8.default.constants.O_NOFOLLOW | import_node_fs8.default.constants.O_NONBLOCK;
function readRegularFile(absPath, relPath, displayDir) {
  let fd;
  try {
    fd = import_node_fs8.default.openSync(absPath, OPEN_FLAGS);
  } catch (error) {
    return error.code === "ELOOP" ? symlinkProblem(relPath, displayDir) : unreadable(relPath, displayDir, error);
  }
  try {
    const stat = import_node_fs8.default.fstatSync(fd);
    const problem = fileProblemOf(stat, relPath, displayDir);
    if (problem) return problem;
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = import_node_fs8.default.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { relPath, displayPath: joinDisplay(displayDir, relPath), bytes: read === bytes.length ? bytes : bytes.subarray(0, read) };
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  } finally {
    import_node_fs8.default.closeSync(fd);
  }
}
function fileProblemOf(stat, relPath, displayDir) {
  if (!stat.isFile()) return rawProblem(relPath, displayDir, "FILE_NOT_REGULAR", `${relPath} is not a regular file`, "fleet files must be regular files");
  if (stat.size > MAX_FILE_BYTES) {
    return rawProblem(relPath, displayDir, "FILE_TOO_LARGE", `${relPath} is ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`, "a host or profile file is a few dozen lines; split or fix this file");
  }
  return void 0;
}
function readFleetFile(displayDir, relPath) {
  const absPath = import_node_path5.default.join(import_node_path5.default.resolve(displayDir), relPath);
  let stat;
  try {
    stat = import_node_fs8.default.lstatSync(absPath);
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  }
  if (stat.isSymbolicLink()) return symlinkProblem(relPath, displayDir);
  if (stat.isDirectory()) return rawProblem(relPath, displayDir, "FILE_NOT_REGULAR", `${relPath} is a directory, not a YAML file`, "rename the directory so its name does not end in .yaml");
  return yamlEntry(absPath, relPath, displayDir, stat);
}
function yamlEntry(absPath, relPath, displayDir, stat) {
  const problem = fileProblemOf(stat, relPath, displayDir);
  if (problem) return problem;
  try {
    return { relPath, displayPath: joinDisplay(displayDir, relPath), bytes: import_node_fs8.default.readFileSync(absPath) };
  } catch (error) {
    return unreadable(relPath, displayDir, error);
  }
}
function symlinkProblem(relPath, displayDir) {
  return rawProblem(relPath, displayDir, "FILE_SYMLINK", `${relPath} is a symbolic link; fleetc reads fleet files as git stores them and does not follow links`, "replace the link by the file (or directory) itself");
}
function readNixDir(nixDir) {
  const nixTree = nixDir ? readTreeSync(import_node_path5.default.resolve(nixDir)) : /* @__PURE__ */ new Map();
  const nixFiles = new Map([...nixTree].map(([file, bytes]) => [file, (0, import_node_crypto4.createHash)("sha256").update(bytes).digest("hex")]));
  const nixSources = new Map([...nixTree].map(([file, bytes]) => [file, bytes.toString("utf8")]));
  return { nixFiles, nixSources };
}
function readTreeSync(absDir) {
  return new Map(walkFiles(absDir, { skipHidden: true, regularOnly: true }).map((rel) => [rel, import_node_fs8.default.readFileSync(import_node_path5.default.join(absDir, rel))]));
}
function statOrUndefined(p) {
  try {
    return import_node_fs8.default.statSync(p);
  } catch {
    return void 0;
  }
}
function joinDisplay(displayDir, relPath) {
  if (displayDir !== display.dir) display = { dir: displayDir, base: import_node_path5.default.posix.normalize(displayDir.split(import_node_path5.default.sep).join("/")).replace(/(.)\/$/, "$1") };
  if (!isPlainRelative(relPath)) return import_node_path5.default.posix.join(displayDir.split(import_node_path5.default.sep).join("/"), relPath);
  const { base } = display;
  return base === "." ? relPath : base === "/" ? `/${relPath}` : `${base}/${relPath}`;
}
var display = { dir: void 0, base: "" };
function isPlainRelative(p) {
  return p !== "" && p !== "." && p !== ".." && p[0] !== "/" && !p.startsWith("./") && !p.startsWith("../") && !p.includes("//") && !p.includes("/./") && !p.includes("/../") && !p.endsWith("/") && !p.endsWith("/.") && !p.endsWith("/..");
}
function unreadable(relPath, displayDir, error) {
  const code2 = error.code;
  const reason = code2 === "EACCES" ? "permission denied" : code2 === "ENOENT" ? "it disappeared while fleetc read the directory" : String(error.message ?? error);
  return rawProblem(relPath, displayDir, "FILE_UNREADABLE", `cannot read ${relPath}: ${reason}`, "fix or remove the file");
}
function rawProblem(relPath, displayDir, code2, message, hint) {
  const displayPath = joinDisplay(displayDir, relPath);
  return { relPath, displayPath, problem: fileProblem(code2, displayPath, message, hint) };
}
function fileProblem(code2, file, message, hint) {
  return { severity: "error", code: code2, message, hint, file, range: NO_RANGE };
}

// src/library/index.ts
var LIBRARY_DIR = "fleetc";
function isBootServerFile(path37) {
  return path37.startsWith("images/") || path37 === "modules/pxe-server.nix";
}
function libraryFrom(tree) {
  const files = /* @__PURE__ */ new Map();
  const sources = /* @__PURE__ */ new Map();
  for (const [path37, bytes] of [...tree].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    files.set(path37, (0, import_node_crypto5.createHash)("sha256").update(bytes).digest("hex"));
    sources.set(path37, typeof bytes === "string" ? bytes : bytes.toString("utf8"));
  }
  return { files, sources };
}
var installed;
function installedLibrary() {
  return installed ??= libraryFrom(readTreeSync(packageFile("nix")));
}

// src/emit/host-module.ts
var emitHostModules = (fleet, context) => fleet.hosts.map((host) => ({
  path: `hosts/${host.name}/default.nix`,
  kind: "nixos",
  host: host.name,
  contents: renderHostModule(fleet, host, context)
}));
emitHostModules.perHost = true;
function nixPathFromHost(context, relative) {
  return nixCode(`../../${context.nixDir}/${relative}`);
}
function libraryPathFromHost(relative) {
  return nixCode(`../../${LIBRARY_DIR}/${relative}`);
}
var FIXED = {
  imports: [nixCode("./disko.nix"), libraryPathFromHost("modules/fleet.nix"), libraryPathFromHost("modules/first-boot.nix")],
  pxeServer: libraryPathFromHost("modules/pxe-server.nix"),
  fleet: { host: nixCode("host"), firstBoot: { configFile: nixCode("./first-boot.json") } },
  services: { "fleet-pxe": { enable: true, generated: nixCode("../..") } },
  hostName: nixCode("host.name"),
  domain: nixCode("host.domain"),
  nameservers: nixCode("host.nameservers"),
  nixpkgs: { hostPlatform: nixCode("host.system") },
  system: { stateVersion: nixCode("host.stateVersion") },
  time: { timeZone: nixCode("host.timezone") }
};
function renderHostModule(fleet, host, context) {
  const bootServer = fleet.boot.server === host.name;
  const module2 = {
    imports: printedImports(host, context, bootServer),
    fleet: FIXED.fleet,
    // The boot server (boot.server) serves this very output: DHCP, iPXE scripts and the netboot images.
    ...bootServer ? { services: FIXED.services } : {},
    networking: networking(host),
    nixpkgs: FIXED.nixpkgs,
    system: FIXED.system,
    time: FIXED.time,
    boot: printedBootConfig(host),
    systemd: { network: { links: linkFiles(host.interfaces) } },
    platform: { services: serviceConfigs(fleet, host) },
    ...host.packages.length > 0 ? { environment: { systemPackages: printedPackages(host.packages) } } : {}
  };
  const head = `# ${GENERATED_HEADER}
# NixOS module of host ${host.name} (profile ${host.profile}); its data is in ./host.nix.
{ lib, pkgs, ... }:
let
  host = import ./host.nix;
in
`;
  return nixFile(head, module2, { collapsePaths: true });
}
var printedLists2 = /* @__PURE__ */ new Map();
function printedList(key, items) {
  let printed2 = printedLists2.get(key);
  if (!printed2) {
    if (printedLists2.size >= 1024) printedLists2.clear();
    printedLists2.set(key, printed2 = nixCode(nixValue(items())));
  }
  return printed2;
}
function printedImports(host, context, bootServer) {
  const key = `imports\0${bootServer}\0${context.nixDir}\0${host.modules.join("\0")}`;
  return printedList(key, () => [...FIXED.imports, ...bootServer ? [FIXED.pxeServer] : [], ...host.modules.map((m) => nixPathFromHost(context, m))]);
}
function printedPackages(packages) {
  return printedList(`packages\0${packages.join("\0")}`, () => packages.map((p) => nixCode(`pkgs.${p}`)));
}
function networking(host) {
  const config = { hostName: FIXED.hostName, domain: FIXED.domain };
  if (host.layout.kind === "zfs") config.hostId = zfsHostId(host.name);
  config.useDHCP = false;
  const interfaces = {};
  const vlans = {};
  let anyVlan = false;
  for (const nic of host.interfaces) {
    if (nic.vlan !== void 0) {
      vlans[nic.device] = { id: nic.vlan, interface: nic.name };
      anyVlan = true;
    }
    const settings = nic.address !== void 0 ? { ipv4: { addresses: [{ address: nic.address, prefixLength: nic.prefixLength }] } } : { useDHCP: true };
    if (nic.vlan !== void 0 && nic.mtu !== void 0) settings.mtu = nic.mtu;
    interfaces[nic.device] = settings;
  }
  if (anyVlan) config.vlans = vlans;
  config.interfaces = interfaces;
  if (host.gateway) config.defaultGateway = { address: host.gateway.address, interface: host.gateway.device };
  config.nameservers = FIXED.nameservers;
  return config;
}
function linkFiles(interfaces) {
  const links = {};
  for (const nic of interfaces) {
    const key = `10-${nic.name}`;
    if (links[key] !== void 0) continue;
    const mtu = nicMtu(interfaces, nic.name);
    const linkConfig = { Name: nic.name };
    if (mtu !== void 0) linkConfig.MTUBytes = String(mtu);
    links[key] = { matchConfig: { PermanentMACAddress: nic.mac }, linkConfig };
  }
  return links;
}
function nicMtu(interfaces, name) {
  const onNic = interfaces.filter((i) => i.name === name);
  const untagged = onNic.find((i) => i.vlan === void 0);
  if (untagged) return untagged.mtu;
  const mtus = onNic.flatMap((i) => i.mtu !== void 0 ? [i.mtu] : []);
  return mtus.length > 0 ? Math.max(...mtus) : void 0;
}
function serviceConfigs(fleet, host) {
  const key = `${host.services.join("\0")}
${host.interfaces.map((nic) => `${nic.network}\0${nic.device}`).join("\n")}`;
  const configs = {};
  for (const name of host.services) {
    const service = fleet.services[name];
    let byHost2 = printedServices.get(service);
    if (!byHost2) printedServices.set(service, byHost2 = /* @__PURE__ */ new Map());
    let printed2 = byHost2.get(key);
    if (!printed2) byHost2.set(key, printed2 = nixCode(nixValue(serviceConfig(service, host), { collapsePaths: true })));
    configs[name] = printed2;
  }
  return configs;
}
var printedServices = /* @__PURE__ */ new WeakMap();
function serviceConfig(service, host) {
  const after = service.after.filter((dependency) => host.services.includes(dependency));
  const ports = Object.fromEntries(Object.entries(service.ports).map(([name, spec]) => [name, {
    port: spec.port,
    protocols: spec.protocols,
    interfaces: [...new Set(host.interfaces.filter((nic) => !spec.networks || spec.networks.includes(nic.network)).map((nic) => nic.device))]
  }]));
  return { enable: true, ...service.description !== void 0 ? { description: service.description } : {}, ports, ...after.length > 0 ? { after } : {} };
}
function zfsHostId(name) {
  return (0, import_node_crypto6.createHash)("sha256").update(name).digest("hex").slice(0, 8);
}

// src/emit/ipxe.ts
var import_node_fs9 = require("node:fs");

// src/emit/ipxe/quote.ts
var PLAIN = /^[A-Za-z0-9._:/+=,@%-]+$/;
function ipxeWordProblem(word) {
  if (PLAIN.test(word)) return void 0;
  if (word.length === 0) return "is empty";
  if (/[\s\u0000-\u001f\u007f]/.test(word)) return "contains whitespace or a control character";
  if (word.includes("${")) return 'contains "${", which iPXE expands as a setting';
  if (word === "||" || word === "&&" || word === ";") return `is "${word}", which iPXE reads as a command separator`;
  if (word.startsWith("#")) return 'starts with "#", which iPXE reads as the start of a comment';
  return void 0;
}
function ipxeWord(word) {
  const problem = ipxeWordProblem(word);
  if (problem) throw new Error(`iPXE: ${JSON.stringify(word)} ${problem}`);
  return word;
}
function ipxeWords(words) {
  if (words.length === 0) throw new Error("iPXE: an empty word list");
  return words.map(ipxeWord).join(" ");
}
function ipxeLabel(name) {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`iPXE: not a label: ${JSON.stringify(name)}`);
  return name;
}
var REPLACEMENTS = { "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201C": '"', "\u201D": '"', "\u2026": "..." };
function ipxeText(text, maxLength = 72) {
  if (text.length <= maxLength && PLAIN.test(text)) return text;
  const ascii = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\u0000-\u007f]/g, (ch) => REPLACEMENTS[ch] ?? "?").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/[$#]/g, "?").replace(/[{]/g, "(").replace(/[}]/g, ")").replace(/[|&;]/g, "/").replace(/\s+/g, " ").trim();
  const clipped = ascii.length > maxLength ? `${ascii.slice(0, maxLength - 3).trimEnd()}...` : ascii;
  return clipped === "" ? "(none)" : clipped;
}
function ipxeComment(text) {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

// src/emit/ipxe.ts
var BOOT_SCRIPT_PATH = `${IPXE_DIR}/boot.ipxe`;
registerEscaper("ipxeWord", (value) => ipxeWord(String(value)));
registerEscaper("ipxeWords", (value) => ipxeWords(value));
registerEscaper("ipxeLabel", (value) => ipxeLabel(String(value)));
registerEscaper("ipxeText", (value) => ipxeText(String(value)));
registerEscaper("ipxeComment", (value) => ipxeComment(String(value)));
registerEscaper("ipxeNumber", (value) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`iPXE: not a non-negative integer: ${String(value)}`);
  return String(value);
});
var template = (name) => (0, import_node_fs9.readFileSync)(packageFile(`templates/${name}.hbs`), "utf8");
var renderBoot = compileTemplate("boot.ipxe", template("boot.ipxe"));
var renderHost = compileTemplate("host.ipxe", template("host.ipxe"));
var emitIpxe = (fleet) => {
  const chainOnly = renderBootScript(fleet, false);
  const boot = {
    path: BOOT_SCRIPT_PATH,
    kind: "ipxe",
    contents: renderBootScript(fleet, true),
    fragmentBase: chainOnly,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, ""]))
  };
  return [boot];
};
emitIpxe.patch = (previous, fleet) => {
  const [boot] = previous;
  if (!boot || previous.length !== 1 || !boot.fragments || boot.contents !== renderBootScript(fleet, true) || boot.fragmentBase !== renderBootScript(fleet, false)) return void 0;
  const fragments = boot.fragments;
  return Object.keys(fragments).length === fleet.hosts.length && fleet.hosts.every((h) => fragments[h.name] === "") ? [boot] : void 0;
};
var emitIpxeHosts = (fleet) => fleet.hosts.map((host) => hostScript(fleet, host));
emitIpxeHosts.perHost = true;
function renderBootScript(fleet, withProfiles) {
  const profiles = withProfiles ? Object.values(fleet.profiles) : [];
  return renderBoot({
    header: GENERATED_HEADER,
    fleet: fleet.name,
    hostsUrl: `${fleet.boot.http}/hosts`,
    timeoutSeconds: fleet.boot.menuTimeoutSeconds,
    timeoutMilliseconds: fleet.boot.menuTimeoutSeconds * 1e3,
    cmdlineSetting: IMAGE_CMDLINE_SETTING,
    imageScript: IMAGE_SCRIPT,
    profiles: profiles.map((profile) => ({
      label: `profile-${profile.name}`,
      name: profile.name,
      text: profile.description !== void 0 ? `${profile.name}: ${profile.description}` : profile.name,
      imageUrl: profileImagesUrl(fleet, profile.name),
      params: profile.kernel.params
    }))
  });
}
function hostScript(fleet, host) {
  const nic = bootInterface(host);
  return {
    path: `${IPXE_DIR}/${hostScriptPath(nic.mac)}`,
    kind: "ipxe",
    host: host.name,
    contents: renderHost({
      header: GENERATED_HEADER,
      host: host.name,
      profile: host.profile,
      system: host.system,
      firmware: host.firmware,
      nic: nic.name,
      mac: nic.mac,
      cmdlineSetting: IMAGE_CMDLINE_SETTING,
      imageScript: `${imageUrl(fleet, host.profile, host.system)}/${IMAGE_SCRIPT}`,
      args: hostKernelArguments(host),
      bootScript: bootScriptUrl(fleet)
    })
  };
}

// src/emit/kea.ts
var KEA_PATH = `${DHCP_DIR}/kea-dhcp4.json`;
var KEA_CLASSES = { ipxe: "ipxe", uefiX64: "pxe-uefi-x64", uefiArm64: "pxe-uefi-arm64", bios: "pxe-bios" };
var emitKea = (fleet) => {
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const fragmentKey = `\0${networks.join("\0")}`;
  const artifact = {
    path: KEA_PATH,
    kind: "dhcp",
    contents: renderKea(fleet, networks),
    // A host's part: the configuration without reservations, then the host's reservations as the
    // file holds them (the very lines a plan shows added, changed or removed).
    fragmentBase: `${JSON.stringify(keaConfig(fleet, []), null, 2)}
`,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, hostFragment(host, networks, fragmentKey)]))
  };
  return [artifact];
};
emitKea.patch = (previous, fleet, _context, changed) => {
  const old = previous[0];
  if (previous.length !== 1 || !old?.fragments) return void 0;
  const networks = dhcpSubnets(fleet, []).map((subnet) => subnet.network.name);
  const skeleton = keaSkeleton(fleet);
  const kept2 = keaPieces.get(old) ?? keaPiecesOf(old, fleet, networks, skeleton);
  if (kept2) keaPieces.set(old, kept2);
  if (!kept2 || kept2.skeleton !== skeleton || kept2.networks.join("\0") !== networks.join("\0") || !sameNames(kept2.hosts, fleet.hosts)) return void 0;
  const fragmentKey = `\0${networks.join("\0")}`;
  const replaceHost = (host, index, replace) => {
    for (const { key, first } of kept2.subnets) {
      const at = first + index;
      const before = kept2.pieces.pieces[at];
      const item = hostItems(host, key);
      if (item === "" !== (before === "")) return false;
      if (item !== "") replace.set(at, (before.startsWith(",") ? ",\n" : "\n") + item);
    }
    return true;
  };
  return patchHostPieces(old, kept2, fleet, changed, replaceHost, (host) => hostFragment(host, networks, fragmentKey), keaPieces);
};
var keaPieces = /* @__PURE__ */ new WeakMap();
function keaSkeleton(fleet) {
  const config = keaConfig(fleet, []);
  config.Dhcp4.subnet4.forEach((subnet, i) => subnet.reservations = `${PLACEHOLDER}${i}`);
  return `${JSON.stringify(config, null, 2)}
`;
}
function keaPiecesOf(artifact, fleet, networks, skeleton) {
  const list3 = [];
  const subnets = [];
  const placeholder = /^( *)"reservations": "\\u0000reservations:(\d+)"/gm;
  let from = 0;
  for (let match = placeholder.exec(skeleton); match; match = placeholder.exec(skeleton)) {
    const [whole, indent, index] = match;
    list3.push(skeleton.slice(from, match.index), `${indent}"reservations": [`);
    const key = `${networks[Number(index)]}\0${indent}  `;
    subnets.push({ key, first: list3.length });
    let seen = false;
    for (const host of fleet.hosts) {
      const item = hostItems(host, key);
      list3.push(item === "" ? "" : (seen ? ",\n" : "\n") + item);
      seen ||= item !== "";
    }
    if (!seen) return void 0;
    list3.push(`
${indent}]`);
    from = match.index + whole.length;
  }
  list3.push(skeleton.slice(from));
  const pieces = Pieces.of(list3);
  if (pieces.text !== artifact.contents) return void 0;
  return { skeleton, networks: [...networks], hosts: fleet.hosts, index: new Map(fleet.hosts.map((h, i) => [h.name, i])), subnets, pieces };
}
function keaReservation(r) {
  return { "hw-address": r.mac, ...r.address !== void 0 ? { "ip-address": r.address } : {}, hostname: r.hostName };
}
var PLACEHOLDER = "\0reservations:";
function renderKea(fleet, networks) {
  const config = keaConfig(fleet, []);
  config.Dhcp4.subnet4.forEach((subnet, i) => subnet.reservations = `${PLACEHOLDER}${i}`);
  const text = `${JSON.stringify(config, null, 2)}
`;
  return text.replace(/^( *)"reservations": "\\u0000reservations:(\d+)"/gm, (_, indent, index) => {
    const key = `${networks[Number(index)]}\0${indent}  `;
    const items = fleet.hosts.map((host) => hostItems(host, key)).filter((item) => item !== "");
    return items.length === 0 ? `${indent}"reservations": []` : `${indent}"reservations": [
${items.join(",\n")}
${indent}]`;
  });
}
var renderedItems = /* @__PURE__ */ new WeakMap();
function kept(host, key, render2) {
  let byKey2 = renderedItems.get(host);
  if (!byKey2) renderedItems.set(host, byKey2 = /* @__PURE__ */ new Map());
  let text = byKey2.get(key);
  if (text === void 0) byKey2.set(key, text = render2());
  return text;
}
function hostItems(host, key) {
  return kept(host, key, () => {
    const [network, indent] = key.split("\0");
    return hostReservations(host, network).map((r) => indent + JSON.stringify(keaReservation(r), null, 2).replace(/\n/g, `
${indent}`)).join(",\n");
  });
}
var ITEM_INDENT = " ".repeat(10);
function hostFragment(host, networks, key) {
  return kept(host, key, () => {
    const items = networks.map((network) => hostItems(host, `${network}\0${ITEM_INDENT}`)).filter((item) => item !== "");
    return items.length === 0 ? "" : `${items.join(",\n")}
`;
  });
}
function keaConfig(fleet, hosts = fleet.hosts) {
  const hex = (value) => `0x${value.toString(16).padStart(4, "0")}`;
  const notIpxe = `not member('${KEA_CLASSES.ipxe}')`;
  return {
    Dhcp4: {
      comment: `${GENERATED_HEADER} Kea DHCPv4 configuration of fleet ${fleet.name}; check with kea-dhcp4 -t.`,
      "interfaces-config": { interfaces: fleet.boot.interfaces },
      // Kea's default lease file (/var/lib/kea/kea-leases4.csv); the lease file cleanup runs hourly.
      "lease-database": { type: "memfile", persist: true, "lfc-interval": 3600 },
      authoritative: true,
      "next-server": fleet.boot.tftp,
      "client-classes": [
        {
          name: KEA_CLASSES.ipxe,
          test: `option[${IPXE_ENCAP_OPTION}].exists or option[77].hex == '${IPXE_USER_CLASS}'`,
          "boot-file-name": bootScriptUrl(fleet)
        },
        {
          name: KEA_CLASSES.uefiX64,
          test: `${notIpxe} and (${PXE_ARCH.uefiX64.map((arch) => `option[93].hex == ${hex(arch)}`).join(" or ")})`,
          "boot-file-name": fleet.boot.ipxe.uefi
        },
        {
          name: KEA_CLASSES.uefiArm64,
          test: `${notIpxe} and option[93].hex == ${hex(PXE_ARCH.uefiArm64)}`,
          "boot-file-name": fleet.boot.ipxe.arm64
        },
        {
          name: KEA_CLASSES.bios,
          test: `${notIpxe} and not member('${KEA_CLASSES.uefiX64}') and not member('${KEA_CLASSES.uefiArm64}')`,
          "boot-file-name": fleet.boot.ipxe.bios
        }
      ],
      subnet4: dhcpSubnets(fleet, hosts).map((subnet) => ({
        id: subnet.id,
        subnet: subnet.network.cidr,
        comment: `network ${subnet.network.name}${subnet.network.description !== void 0 ? `: ${subnet.network.description}` : ""}`,
        "valid-lifetime": subnet.leaseSeconds,
        pools: subnet.pool ? [{ pool: `${subnet.pool.start} - ${subnet.pool.end}` }] : [],
        "option-data": [
          ...subnet.network.gateway !== void 0 ? [{ name: "routers", data: subnet.network.gateway }] : [],
          ...subnet.network.dns.length > 0 ? [{ name: "domain-name-servers", data: subnet.network.dns.join(", ") }] : [],
          { name: "domain-name", data: fleet.domain }
        ],
        reservations: subnet.reservations.map(keaReservation)
      })),
      loggers: [{ name: "kea-dhcp4", output_options: [{ output: "stdout" }], severity: "INFO" }]
    }
  };
}

// src/emit/library.ts
var emitLibrary = (_fleet, context) => [...context.library.sources].map(([path37, contents]) => ({ path: `${LIBRARY_DIR}/${path37}`, kind: "library", contents }));

// src/util/tally.ts
var Tally = class {
  counts = /* @__PURE__ */ new Map();
  add(key, by = 1) {
    if (key !== void 0) this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }
  /** The keys some item has now, sorted. */
  keys() {
    return [...this.counts].filter(([, n]) => n > 0).map(([key]) => key).sort();
  }
  has(key) {
    return (this.counts.get(key) ?? 0) > 0;
  }
};

// src/emit/netboot.ts
var INSTALLER_DATA_PATH = "netboot/installer.json";
var BOOT_SERVER_DATA_PATH = "netboot/boot-server.json";
var emitNetboot = (fleet) => [json(INSTALLER_DATA_PATH, installerData(fleet)), json(BOOT_SERVER_DATA_PATH, bootServerData(fleet))];
emitNetboot.patch = (previous, fleet, _context, changed) => {
  const [installer, server] = previous;
  if (previous.length !== 2 || installer?.path !== INSTALLER_DATA_PATH || server?.path !== BOOT_SERVER_DATA_PATH) return void 0;
  const kept2 = hostCounts.get(installer) ?? countHosts(fleet.hosts);
  const moved = fleet.hosts.filter((host) => changed.has(host.name));
  if (kept2.byName.size !== fleet.hosts.length || moved.some((host) => !kept2.byName.has(host.name))) return void 0;
  for (const host of moved) {
    count(kept2, kept2.byName.get(host.name), -1);
    const now = factsOf(host);
    count(kept2, now, 1);
    kept2.byName.set(host.name, now);
  }
  const installerNow = json(INSTALLER_DATA_PATH, installerData(fleet, { ports: kept2.ports.keys().map(Number), users: kept2.users.keys() }));
  const serverNow = json(BOOT_SERVER_DATA_PATH, bootServerData(fleet, { boots: (firmware) => kept2.firmware.has(firmware), images: kept2.images.keys() }));
  const artifacts = [installerNow.contents === installer.contents ? installer : installerNow, serverNow.contents === server.contents ? server : serverNow];
  hostCounts.set(artifacts[0], kept2);
  return artifacts;
};
var hostCounts = /* @__PURE__ */ new WeakMap();
function factsOf(host) {
  return { port: String(host.ssh.port), user: host.ssh.user, firmware: firmwareOf(host), image: bootedImage(host) };
}
function firmwareOf(host) {
  return host.firmware === "bios" ? "bios" : host.arch === "aarch64" ? "uefi-aarch64" : "uefi";
}
function countHosts(hosts) {
  const counts = { byName: /* @__PURE__ */ new Map(), ports: new Tally(), users: new Tally(), firmware: new Tally(), images: new Tally() };
  for (const host of hosts) {
    const facts = factsOf(host);
    counts.byName.set(host.name, facts);
    count(counts, facts, 1);
  }
  return counts;
}
function count(counts, facts, by) {
  counts.ports.add(facts.port, by);
  counts.users.add(facts.user, by);
  counts.firmware.add(facts.firmware, by);
  counts.images.add(facts.image, by);
}
function installerData(fleet, hosts) {
  const ports = [.../* @__PURE__ */ new Set([22, ...hosts?.ports ?? fleet.hosts.map((h) => h.ssh.port)])].sort((a, b) => a - b);
  const users = [.../* @__PURE__ */ new Set(["root", ...hosts?.users ?? fleet.hosts.map((h) => h.ssh.user)])].sort();
  return { authorizedKeys: fleet.authorizedKeys, ssh: { ports, users } };
}
function bootServerData(fleet, hosts) {
  const url = new URL(fleet.boot.http);
  const scheme = url.protocol.replace(/:$/, "");
  const boots = hosts?.boots ?? ((firmware) => fleet.hosts.some((h) => firmwareOf(h) === firmware));
  return {
    http: { url: fleet.boot.http, scheme, port: url.port === "" ? scheme === "https" ? 443 : 80 : Number(url.port), path: url.pathname.replace(/\/+$/, "") },
    dhcp: { interfaces: fleet.boot.interfaces },
    ipxe: {
      bios: { file: fleet.boot.ipxe.bios, needed: boots("bios") },
      uefi: { file: fleet.boot.ipxe.uefi, needed: boots("uefi") },
      arm64: { file: fleet.boot.ipxe.arm64, needed: boots("uefi-aarch64") }
    },
    images: hosts?.images ?? bootedImages(fleet)
  };
}
function json(path37, value) {
  return { path: path37, kind: "netboot", contents: `${JSON.stringify(value, null, 2)}
` };
}

// src/emit/manifest.ts
var import_node_crypto7 = __toESM(require("node:crypto"), 1);
var MANIFEST_PATH = "manifest.json";
var MANIFEST_VERSION = 3;
function hostLibraryHashes(manifest, host) {
  const server = host !== void 0 && manifest?.bootServer === host;
  return Object.fromEntries(Object.entries(manifest?.library ?? {}).filter(([path37]) => server || !isBootServerFile(path37)));
}
var BOOT_SERVER_KINDS = /* @__PURE__ */ new Set(["dhcp", "ipxe", "netboot"]);
function hostNixHashes(manifest, host) {
  const entry = manifest?.hosts[host];
  if (!manifest || !entry) return {};
  return Object.fromEntries(entry.nix.map((path37) => [path37, manifest.nix[path37]]));
}
var oneShot = import_node_crypto7.default.hash;
function sha2562(text) {
  return oneShot ? oneShot("sha256", text, "hex") : (0, import_node_crypto7.createHash)("sha256").update(text).digest("hex");
}
var artifactHashes = /* @__PURE__ */ new WeakMap();
var partHashes = /* @__PURE__ */ new Map();
var MAX_PART_MEMO = 2e5;
var partCount = 0;
function rememberHash(artifact, hash) {
  artifactHashes.set(artifact, hash);
}
function artifactHash(artifact) {
  let hash = artifactHashes.get(artifact);
  if (hash === void 0) artifactHashes.set(artifact, hash = sha2562(artifact.contents));
  return hash;
}
function partHash(baseHash, fragment) {
  const key = baseHash ?? "";
  let byFragment = partHashes.get(key);
  if (!byFragment) partHashes.set(key, byFragment = /* @__PURE__ */ new Map());
  let hash = byFragment.get(fragment);
  if (hash === void 0) {
    if (partCount >= MAX_PART_MEMO) {
      partHashes.clear();
      partCount = 0;
      partHashes.set(key, byFragment);
    }
    byFragment.set(fragment, hash = fragmentHash(baseHash, fragment));
    partCount++;
  }
  return hash;
}
function fragmentHash(baseHash, fragment) {
  return sha2562(baseHash === void 0 ? fragment : `${baseHash}
${fragment}`);
}
var fileLines = /* @__PURE__ */ new WeakMap();
function buildManifest(fleet, artifacts, context, memo) {
  const sortedNix = sortedNixFiles(context.nixFiles);
  const server = fleet.boot.server !== void 0 && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : void 0;
  const own = new Map(fleet.hosts.map((host) => [host.name, []]));
  const shared = [];
  const parts = ["{\n", `  "generator": "fleetc",
  "version": ${MANIFEST_VERSION},
  "fleet": ${JSON.stringify(fleet.name)},
`, context.source === void 0 ? "" : `  "source": ${JSON.stringify(context.source)},
`];
  const sorted = isSortedByPath(artifacts) ? artifacts : [...artifacts].sort((a, b) => a.path < b.path ? -1 : 1);
  parts.push(sorted.length === 0 ? '  "files": {}' : '  "files": {\n');
  sorted.forEach((artifact, i) => {
    let line = fileLines.get(artifact);
    if (line === void 0) {
      line = `    ${JSON.stringify(artifact.path)}: ${entryText(artifact.kind, artifactHash(artifact), "    ")}`;
      if (memo) fileLines.set(artifact, line);
    }
    parts.push(line, i === sorted.length - 1 ? "\n  }" : ",\n");
    if (artifact.host) own.get(artifact.host).push(artifact);
    if (server && artifact.host !== server && BOOT_SERVER_KINDS.has(artifact.kind)) own.get(server).push(artifact);
    if (artifact.fragments) shared.push({ artifact, baseHash: artifact.fragmentBase === void 0 ? void 0 : partHash(void 0, artifact.fragmentBase) });
  });
  parts.push(nixAndLibraryText(sortedNix, context), server ? `  "bootServer": ${JSON.stringify(server)},
` : "");
  const hosts = jsonKeyOrder(fleet.hosts);
  parts.push(hosts.length === 0 ? '  "hosts": {}' : '  "hosts": {\n');
  hosts.forEach((host, i) => parts.push(hostText(host, own.get(host.name), shared, nixDependenciesOf(host, context.nixFiles, sortedNix, host.name === server), memo !== void 0), i === hosts.length - 1 ? "\n  }" : ",\n"));
  parts.push("\n}\n");
  if (memo) memo.layout = { count: sorted.length, server, own, shared, hostIndex: new Map(hosts.map((h, i) => [h.name, 7 + 2 * sorted.length + 2 * i])) };
  return { path: MANIFEST_PATH, kind: "manifest", contents: memo ? memo.join(parts) : parts.join("") };
}
var ManifestMemo = class {
  last;
  /** Where the last manifest's pieces came from, for patchManifest. */
  layout;
  /** The last manifest's pieces (patchManifest starts from them). */
  lastParts() {
    return this.last?.parts;
  }
  join(parts) {
    const last = this.last;
    let contents;
    if (last && last.parts.length === parts.length) {
      const changed = [];
      for (let i = 0; i < parts.length && changed.length <= MAX_PATCHED_PIECES; i++) if (parts[i] !== last.parts[i]) changed.push(i);
      if (changed.length <= MAX_PATCHED_PIECES) {
        const out = [];
        let from = 0;
        for (const i of changed) {
          out.push(last.contents.slice(from, last.starts[i]), parts[i]);
          from = last.starts[i] + last.parts[i].length;
        }
        out.push(last.contents.slice(from));
        contents = out.length === 1 ? out[0] : out.reduce((a, b) => a + b);
      }
    }
    contents ??= parts.join("");
    const starts = new Float64Array(parts.length);
    for (let i = 1; i < parts.length; i++) starts[i] = starts[i - 1] + parts[i - 1].length;
    this.last = { parts, starts, contents };
    return contents;
  }
};
var MAX_PATCHED_PIECES = 256;
function jsonKeyOrder(hosts) {
  if (!hosts.some((h) => /^(?:0|[1-9][0-9]{0,9})$/.test(h.name))) return hosts;
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return Object.keys(Object.fromEntries(hosts.map((h) => [h.name, 0]))).map((name) => byName.get(name));
}
var hostTexts = /* @__PURE__ */ new WeakMap();
function hostText(host, own, shared, nix, keep) {
  const kept2 = hostTexts.get(host);
  if (kept2 && kept2.nix === nix && kept2.own.length === own.length && own.every((a, i) => kept2.own[i] === a) && kept2.shared.length === shared.length && shared.every(({ artifact, baseHash }, i) => kept2.shared[i][0] === artifact.path && kept2.shared[i][1] === baseHash && kept2.shared[i][2] === artifact.fragments[host.name])) {
    return kept2.text;
  }
  const entries = own.map((a) => [a.path, a.kind, artifactHash(a)]);
  for (const { artifact, baseHash } of shared) {
    const fragment = artifact.fragments[host.name];
    if (fragment !== void 0) entries.push([`${artifact.path}#${host.name}`, artifact.kind, partHash(baseHash, fragment)]);
  }
  const text = hostEntryText(host, entries, nix);
  if (keep) hostTexts.set(host, { own, shared: shared.map(({ artifact, baseHash }) => [artifact.path, baseHash, artifact.fragments[host.name]]), nix, text });
  return text;
}
function hostEntryText(host, entries, nix) {
  entries.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const lines2 = entries.map(([key, kind, hash]) => `        ${JSON.stringify(key)}: ${entryText(kind, hash, "        ")}`);
  return `    ${JSON.stringify(host.name)}: {
      "profile": ${JSON.stringify(host.profile)},
      "artifacts": ${block2(lines2, "      ")},
      "nix": ${list(nix.map((file) => `        ${JSON.stringify(file)}`), "      ")}
    }`;
}
function nixAndLibraryText(sortedNix, context) {
  return `,
  "nix": ${indented(Object.fromEntries(sortedNix))},
  "library": ${indented(Object.fromEntries(context.library.files))},
`;
}
function entryText(kind, hash, indent) {
  return `{
${indent}  "kind": ${JSON.stringify(kind)},
${indent}  "sha256": "${hash}"
${indent}}`;
}
function block2(members, indent) {
  return members.length === 0 ? "{}" : `{
${members.join(",\n")}
${indent}}`;
}
function list(items, indent) {
  return items.length === 0 ? "[]" : `[
${items.join(",\n")}
${indent}]`;
}
function indented(record2) {
  return JSON.stringify(record2, null, 2).replace(/\n/g, "\n  ");
}
function isSortedByPath(artifacts) {
  for (let i = 1; i < artifacts.length; i++) if (!(artifacts[i - 1].path < artifacts[i].path)) return false;
  return true;
}
var nixDependencyMemo = [false, true].map(() => /* @__PURE__ */ new WeakMap());
function nixDependenciesOf(host, nixFiles, sorted, bootServer) {
  const memo = nixDependencyMemo[bootServer ? 1 : 0];
  let byModules = memo.get(nixFiles);
  if (!byModules) memo.set(nixFiles, byModules = /* @__PURE__ */ new WeakMap());
  let deps = byModules.get(host.modules);
  if (!deps) byModules.set(host.modules, deps = nixDependencies(host, sorted, bootServer));
  return deps;
}
function nixDependencies(host, sorted, bootServer = false) {
  const modules = new Set(host.modules);
  const deps = [];
  for (const [path37] of sorted) {
    if (path37.startsWith("images/") && !bootServer) continue;
    if (!path37.startsWith("profiles/") || modules.has(path37)) deps.push(path37);
  }
  return deps;
}
function sortedNixFiles(nixFiles) {
  return [...nixFiles].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
function patchManifest(fleet, artifacts, replaced, changedHosts2, context, memo) {
  const layout = memo.layout;
  const last = memo.lastParts();
  const server = fleet.boot.server !== void 0 && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : void 0;
  if (!layout || !last || layout.count !== artifacts.length || layout.count === 0 || layout.server !== server) return void 0;
  for (const { index, before } of replaced) {
    const after = artifacts[index];
    if (after.path !== before.path || after.host !== before.host || after.kind !== before.kind || Boolean(after.fragments) !== Boolean(before.fragments) || after.fragmentBase !== before.fragmentBase) return void 0;
  }
  const hosts = new Map(changedHosts2);
  const hostOf = (name) => hosts.get(name) ?? (hosts.set(name, fleet.hosts.find((h) => h.name === name)), hosts.get(name));
  for (const name of changedHosts2.keys()) if (!layout.hostIndex.has(name)) return void 0;
  const parts = [...last];
  const sortedNix = sortedNixFiles(context.nixFiles);
  const count2 = layout.count;
  parts[1] = `  "generator": "fleetc",
  "version": ${MANIFEST_VERSION},
  "fleet": ${JSON.stringify(fleet.name)},
`;
  parts[2] = context.source === void 0 ? "" : `  "source": ${JSON.stringify(context.source)},
`;
  parts[4 + 2 * count2] = `,
  "nix": ${indented(Object.fromEntries(sortedNix))},
  "library": ${indented(Object.fromEntries(context.library.files))},
`;
  const swap = (name, before, after) => {
    const list3 = layout.own.get(name);
    const at = list3 ? list3.indexOf(before) : -1;
    if (at >= 0) layout.own.set(name, list3.map((a, i) => i === at ? after : a));
  };
  for (const { index, before } of replaced) {
    const after = artifacts[index];
    let line = fileLines.get(after);
    if (line === void 0) fileLines.set(after, line = `    ${JSON.stringify(after.path)}: ${entryText(after.kind, artifactHash(after), "    ")}`);
    parts[4 + 2 * index] = line;
    if (after.host) {
      swap(after.host, before, after);
      hostOf(after.host);
    }
    if (server && after.host !== server && BOOT_SERVER_KINDS.has(after.kind)) {
      swap(server, before, after);
      hostOf(server);
    }
    if (after.fragments) {
      const at = layout.shared.findIndex((entry) => entry.artifact === before);
      if (at >= 0) layout.shared[at] = { artifact: after, baseHash: layout.shared[at].baseHash };
    }
  }
  for (const [name, host] of hosts) {
    parts[layout.hostIndex.get(name)] = hostText(host, layout.own.get(name), layout.shared, nixDependenciesOf(host, context.nixFiles, sortedNix, name === server), true);
  }
  return { path: MANIFEST_PATH, kind: "manifest", contents: memo.join(parts) };
}

// src/emit/readme.ts
var emitReadme = (fleet) => [
  {
    path: "README.md",
    kind: "doc",
    contents: [
      `# generated/ \u2014 compiled output of fleet ${fleet.name}`,
      "",
      "Every file here is written by `fleetc build` from the fleet YAML and replaced as a whole on each",
      "build. Do not edit these files: change the fleet and rebuild. CI runs `fleetc build --check` to",
      "make sure this directory matches the fleet.",
      "",
      "- `../flake.nix` and `../flake.lock` (at the fleet repository root, written by the same build) \u2014 the pinned inputs and one `nixosConfigurations.<host>` per host (`nixos-rebuild --flake .#<host>` from the root)",
      "- `hosts/<host>/` \u2014 `host.nix` (resolved data), `default.nix` (NixOS module), `disko.nix` (disk layout), `first-boot.json` (first-boot steps, see docs/first-boot.md)",
      "- `dhcp/` \u2014 `dhcpd.conf` and `kea-dhcp4.json`: reservations and PXE/iPXE boot detection (docs/network-boot.md)",
      "- `ipxe/` \u2014 `boot.ipxe` (entry script and menu) and `hosts/<mac>.ipxe` (one per boot NIC), served over HTTP",
      "- `netboot/` \u2014 `installer.json` (the SSH keys and ports of the netboot installers) and `boot-server.json` (what the boot server builds and serves), read by nix/modules/pxe-server.nix",
      "- `manifest.json` \u2014 the hash of every file, per host, which `fleetc plan` compares",
      ""
    ].join("\n")
  }
];

// src/emit/index.ts
var EMITTERS = [emitReadme, emitFlake, emitHostData, emitHostModules, emitDisko, emitFirstBoot, emitDhcpd, emitKea, emitIpxe, emitIpxeHosts, emitLibrary, emitNetboot];
function emitFleet(fleet, context) {
  return finishArtifacts(fleet, EMITTERS.flatMap((emit) => emit(fleet, context)), context);
}
var safeArtifacts = /* @__PURE__ */ new WeakSet();
function checkArtifactPath(artifact, what = "emit: unsafe artifact path") {
  if (safeArtifacts.has(artifact)) return;
  if (!isSafeRelativePath(artifact.path)) throw new Error(`${what} ${artifact.path}`);
  safeArtifacts.add(artifact);
}
function finishArtifacts(fleet, emitted, context, manifest) {
  const artifacts = [...emitted];
  for (const artifact of artifacts) checkArtifactPath(artifact);
  if (!artifacts.every((a, i) => i === 0 || artifacts[i - 1].path <= a.path)) artifacts.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  artifacts.forEach((a, i) => {
    if (i > 0 && artifacts[i - 1].path === a.path) throw new Error(`emit: two artifacts at ${a.path}`);
  });
  return [...artifacts, buildManifest(fleet, artifacts, context, manifest)];
}
function isSafeRelativePath(path37) {
  return path37.length > 0 && path37[0] !== "/" && !UNSAFE_PATH.test(path37);
}
var UNSAFE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;

// src/emit/stream.ts
var import_node_crypto8 = require("node:crypto");

// src/emit/manifest-stream.ts
var ManifestRecorder = class {
  constructor(fleet, context) {
    this.fleet = fleet;
    this.context = context;
    for (const host of fleet.hosts) this.own.set(host.name, []);
    this.server = fleet.boot.server !== void 0 && this.own.has(fleet.boot.server) ? fleet.boot.server : void 0;
  }
  fleet;
  context;
  files = [];
  own = /* @__PURE__ */ new Map();
  server;
  /** Files recorded whose hash has not been given yet (addHashLater). */
  pending = 0;
  add(artifact, hash) {
    this.record(artifact, hash);
  }
  /** Records an artifact whose sha256 comes later: the function returned takes it. */
  addHashLater(artifact) {
    const { file, entry } = this.record(artifact, "");
    this.pending++;
    return (hash) => {
      file.sha256 = hash;
      if (entry) entry[2] = hash;
      this.pending--;
    };
  }
  /** The file's record and its entry in its hosts' lists (its host's, the boot server's), if any. */
  record(artifact, hash) {
    const { path: path37, kind, host } = artifact;
    const file = artifact.root ? { path: path37, kind, sha256: hash, root: true } : { path: path37, kind, sha256: hash };
    this.files.push(file);
    const served = this.server !== void 0 && host !== this.server && BOOT_SERVER_KINDS.has(kind);
    const entry = host !== void 0 || served ? [path37, kind, hash] : void 0;
    if (host !== void 0) this.own.get(host).push(entry);
    if (served) this.own.get(this.server).push(entry);
    this.addFragments(artifact);
    return { file, entry };
  }
  /** A shared file's part for each host: the hash of its base and the host's own text (kept on this thread). */
  addFragments(artifact) {
    const { path: path37, kind } = artifact;
    if (!artifact.fragments) return;
    const base = artifact.fragmentBase === void 0 ? void 0 : sha2562(artifact.fragmentBase);
    let last;
    let lastHash = "";
    for (const name in artifact.fragments) {
      const entries = this.own.get(name);
      const fragment = artifact.fragments[name];
      if (fragment !== last) lastHash = fragmentHash(base, last = fragment);
      if (entries) entries.push([`${path37}#${name}`, kind, lastHash]);
    }
  }
  /** Sorts the records by path (throwing for two at one path) and gives the manifest. */
  finish() {
    const files = this.files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    for (let i = 1; i < files.length; i++) if (files[i - 1].path === files[i].path) throw new Error(`emit: two artifacts at ${files[i].path}`);
    return { path: MANIFEST_PATH, kind: "manifest", pieces: () => this.blocks() };
  }
  /** buildManifest's text in blocks of about 64 KB (a few hundred for a large fleet, not a few per file). */
  *blocks() {
    if (this.pending > 0) throw new Error(`emit: the manifest rendered with ${this.pending} files' hashes not given`);
    const { fleet, context, files, server } = this;
    const out = new Block();
    const sortedNix = sortedNixFiles(context.nixFiles);
    out.add(`{
  "generator": "fleetc",
  "version": ${MANIFEST_VERSION},
  "fleet": ${JSON.stringify(fleet.name)},
`);
    if (context.source !== void 0) out.add(`  "source": ${JSON.stringify(context.source)},
`);
    out.add(files.length === 0 ? '  "files": {}' : '  "files": {\n');
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      if (out.add(`    ${JSON.stringify(file.path)}: ${entryText(file.kind, file.sha256, "    ")}${i === files.length - 1 ? "\n  }" : ",\n"}`)) yield out.take();
    }
    out.add(nixAndLibraryText(sortedNix, context));
    if (server) out.add(`  "bootServer": ${JSON.stringify(server)},
`);
    const hosts = jsonKeyOrder(fleet.hosts);
    out.add(hosts.length === 0 ? '  "hosts": {}' : '  "hosts": {\n');
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i];
      const nix = nixDependenciesOf(host, context.nixFiles, sortedNix, host.name === server);
      if (out.add(`${hostEntryText(host, this.own.get(host.name), nix)}${i === hosts.length - 1 ? "\n  }" : ",\n"}`)) yield out.take();
    }
    out.add("\n}\n");
    yield out.take();
  }
};
var Block = class {
  pieces = [];
  size = 0;
  /** True when the block is full (take it). */
  add(piece) {
    this.pieces.push(piece);
    this.size += piece.length;
    return this.size >= 1 << 16;
  }
  take() {
    const text = this.pieces.join("");
    this.pieces = [];
    this.size = 0;
    return text;
  }
};

// src/emit/stream.ts
var STREAM_CHUNK_HOSTS = 128;
var FleetStream = class {
  constructor(fleet, context, chunkHosts = STREAM_CHUNK_HOSTS, emitters = EMITTERS) {
    this.fleet = fleet;
    this.context = context;
    this.chunkHosts = chunkHosts;
    this.emitters = emitters;
    this.recorder = new ManifestRecorder(fleet, context);
  }
  fleet;
  context;
  chunkHosts;
  emitters;
  recorder;
  manifest;
  manifestHash;
  /** With deferHashes: each passed file's hash setter, until its consumer takes it. */
  setters;
  /** What has passed so far: every file's path, kind and sha256 (the manifest's once it was written whole). */
  written() {
    return this.manifestHash === void 0 ? this.recorder.files : [...this.recorder.files, { path: this.manifest.path, kind: "manifest", sha256: this.manifestHash }];
  }
  /** How many files the build has, once the stream has ended. */
  get count() {
    return this.recorder.files.length + (this.manifest ? 1 : 0);
  }
  /**
   * Leaves each file's sha256 to the consumer (the writer hashes the bytes it writes, on its staging
   * thread): call it before iterating; for every artifact the stream gives, the function returned
   * gives the setter of its hash (once), which must be called before the manifest's pieces are taken.
   */
  deferHashes() {
    const setters = this.setters = /* @__PURE__ */ new WeakMap();
    return (artifact) => {
      const setter = setters.get(artifact);
      setters.delete(artifact);
      return setter;
    };
  }
  *[Symbol.iterator]() {
    const { fleet, context } = this;
    for (const emit of this.emitters) if (!emit.perHost) for (const artifact of emit(fleet, context)) yield this.pass(artifact);
    const perHost = this.emitters.filter((emit) => emit.perHost);
    const index = new Map(fleet.hosts.map((host, i) => [host.name, i]));
    for (let start = 0; start < fleet.hosts.length; start += this.chunkHosts) {
      const chunk = fleet.hosts.slice(start, start + this.chunkHosts);
      const names = new Set(chunk.map((h) => h.name));
      let withVoters;
      for (const emit of perHost) {
        const scoped = emit.crossHost === "cluster" ? withVoters ??= { ...fleet, hosts: withClusterVoters(fleet, chunk, start, index) } : { ...fleet, hosts: chunk };
        for (const artifact of emit(scoped, context)) {
          if (artifact.host === void 0 || artifact.fragments || artifact.root) throw new Error(`emit: ${artifact.path} is not a host's own file`);
          if (names.has(artifact.host)) yield this.pass(artifact);
        }
      }
    }
    this.manifest = this.recorder.finish();
    if (!this.setters) yield { ...this.manifest, pieces: () => this.hashed(this.manifest.pieces()) };
    else {
      const manifest = { ...this.manifest };
      this.setters.set(manifest, (hash) => this.manifestHash = hash);
      yield manifest;
    }
  }
  /** Checks the path, records the file (its hash now, or from the consumer). */
  pass(artifact) {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`emit: unsafe artifact path ${artifact.path}`);
    if (this.setters) this.setters.set(artifact, this.recorder.addHashLater(artifact));
    else this.recorder.add(artifact, sha2562(artifact.contents));
    return artifact;
  }
  /** The manifest's pieces, its sha256 kept once they have all been given. */
  *hashed(pieces) {
    const hash = (0, import_node_crypto8.createHash)("sha256");
    for (const piece of pieces) {
      hash.update(piece);
      yield piece;
    }
    this.manifestHash = hash.digest("hex");
  }
};
function withClusterVoters(fleet, chunk, start, index) {
  const outside = /* @__PURE__ */ new Set();
  const end = start + chunk.length;
  for (const host of chunk) {
    for (const group of fleet.clusters[host.cluster]?.raft ?? []) {
      for (const voter of group.voters) {
        const at = index.get(voter);
        if (at !== void 0 && (at < start || at >= end)) outside.add(at);
      }
    }
  }
  if (outside.size === 0) return [...chunk];
  const order = [...outside].sort((a, b) => a - b);
  const before = order.filter((i) => i < start).map((i) => fleet.hosts[i]);
  const after = order.filter((i) => i >= end).map((i) => fleet.hosts[i]);
  return [...before, ...chunk, ...after];
}

// src/compile/workers.ts
var import_node_worker_threads = require("node:worker_threads");

// src/compile/affected.ts
function fleetShape(fleet, checked, context) {
  const { hosts: _hosts, clusters, ...rest } = fleet;
  const shared = JSON.stringify([rest, checked.fleet?.data, checked.profiles.map((p) => [p.name, p.data]), context.nixDir, context.outDirFromRoot, [...context.nixFiles], [...context.library.files]]);
  return {
    shared,
    hosts: new Map(fleet.hosts.map((h) => [h.name, h])),
    clusters: new Map(Object.values(clusters).map((c) => [c.name, JSON.stringify({ ...c, hosts: void 0 })])),
    voters: new Map(Object.values(clusters).map((c) => [c.name, new Set(c.raft.flatMap((g) => g.voters))]))
  };
}
function affectedHosts(before, after) {
  if (before.shared !== after.shared) return { all: true };
  const removed = [...before.hosts.keys()].filter((name) => !after.hosts.has(name)).sort();
  const host = /* @__PURE__ */ new Set();
  for (const [name, h] of after.hosts) if (before.hosts.get(name) !== h) host.add(name);
  const differs = /* @__PURE__ */ new Set([...host, ...removed]);
  const touched = /* @__PURE__ */ new Set();
  for (const name of /* @__PURE__ */ new Set([...before.clusters.keys(), ...after.clusters.keys()])) {
    const votersChanged = [...before.voters.get(name) ?? [], ...after.voters.get(name) ?? []].some((voter) => differs.has(voter));
    if (votersChanged || before.clusters.get(name) !== after.clusters.get(name)) touched.add(name);
  }
  const cluster = new Set(host);
  for (const [name, h] of after.hosts) if (touched.has(h.cluster)) cluster.add(name);
  return { all: false, host, cluster, removed };
}
function hostsToEmit(fleet, names, scope) {
  if (scope === "host") return fleet.hosts.filter((h) => names.has(h.name));
  const voters = /* @__PURE__ */ new Set();
  for (const h of fleet.hosts) if (names.has(h.name)) for (const group of fleet.clusters[h.cluster]?.raft ?? []) for (const voter of group.voters) voters.add(voter);
  return fleet.hosts.filter((h) => names.has(h.name) || voters.has(h.name));
}

// src/compile/workers.ts
var CHUNK_HOSTS = 500;
var CHUNK_FILES = 500;
var ROLE = "fleetc-stage-worker";
function workerCount(setting = process.env.FLEETC_WORKERS) {
  if (setting === void 0 || setting === "") return 0;
  const n = Number(setting);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 16) : 0;
}
var StagePool = class {
  /** chunk: hosts or files per chunk; mainToo: the main thread takes chunks too (tests leave them all to the workers). */
  constructor(count2, chunk, mainToo = true) {
    this.chunk = chunk;
    this.mainToo = mainToo;
    this.workers = Array.from({ length: count2 }, startWorker);
  }
  chunk;
  mainToo;
  workers;
  get size() {
    return this.workers.length;
  }
  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
  /** parseText of every readable file, by file. */
  async parse(raw) {
    const files = raw.files.flatMap((file) => {
      const text = file.problem || !file.bytes ? void 0 : decodeUtf8(file.bytes);
      return text === void 0 ? [] : [{ file, text }];
    });
    const chunks2 = split(files, this.chunk ?? CHUNK_FILES);
    const results = await this.distribute(chunks2.length, (id) => ({ kind: "parse", id, files: chunks2[id].map(({ file, text }) => ({ text, relPath: file.relPath, path: file.displayPath })) }), (reply) => "parsed" in reply ? reply.parsed : void 0);
    const parsed = /* @__PURE__ */ new Map();
    chunks2.forEach((chunk, i) => chunk.forEach(({ file }, j) => parsed.set(file, results[i][j])));
    return parsed;
  }
  /** Every artifact of the fleet, sorted by path, the manifest last: byte-identical to emitFleet. */
  async emit(fleet, context) {
    if (this.workers.length === 0 || fleet.hosts.length === 0) return emitFleet(fleet, context);
    const chunks2 = split(fleet.hosts.map((h) => h.name), this.chunk ?? CHUNK_HOSTS);
    const perHost = perHostEmitters(fleet, context);
    const shared = [];
    const results = await this.distribute(
      chunks2.length,
      (id) => ({ kind: "emit", id, fleet: chunkFleet(fleet, chunks2[id]), names: chunks2[id], emitters: perHost, context }),
      (reply) => {
        if (!("artifacts" in reply)) return void 0;
        reply.artifacts.forEach((a, i) => rememberHash(a, reply.hashes[i]));
        return reply.artifacts;
      },
      // The shared files, while the workers take their first chunks.
      () => shared.push(...EMITTERS.filter((_, i) => !perHost.includes(i)).flatMap((emit) => emit(fleet, context)))
    );
    if (!results) return emitFleet(fleet, context);
    return finishArtifacts(fleet, [...shared, ...results.flat()], context);
  }
  /**
   * Chunks 0..count-1 taken in turn by the workers and the main thread (between two of its chunks
   * it lets the workers' replies in); undefined when a chunk's reply says the work cannot be split.
   */
  async distribute(count2, request, accept, first) {
    const results = new Array(count2);
    let next = 0;
    let failed;
    let unsplittable = false;
    const take = (reply, id) => {
      if ("error" in reply) failed ??= new Error(reply.error);
      else {
        const value = accept(reply);
        if (value === void 0) unsplittable = true;
        else results[id] = value;
      }
    };
    const stopped = () => failed !== void 0 || unsplittable || next >= count2;
    const working = this.workers.map((worker) => new Promise((resolve) => {
      const onMessage = (reply) => {
        take(reply, reply.id);
        more();
      };
      const onError = (error) => {
        failed ??= new Error(`a worker thread failed: ${error.message}`);
        done();
      };
      const done = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        resolve();
      };
      const more = () => stopped() ? done() : worker.postMessage(request(next++));
      worker.on("message", onMessage);
      worker.once("error", onError);
      more();
    }));
    first?.();
    while (this.mainToo && !stopped()) {
      const id = next++;
      take(run(request(id), false), id);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(working);
    if (failed) throw failed;
    return unsplittable ? void 0 : results;
  }
};
function split(items, size2) {
  const chunks2 = [];
  for (let i = 0; i < items.length; i += size2) chunks2.push(items.slice(i, i + size2));
  return chunks2;
}
function perHostEmitters(fleet, context) {
  const probe = chunkFleet(fleet, [fleet.hosts[0].name]);
  return EMITTERS.flatMap((emit, i) => {
    if (emit.crossHost === true) return [];
    const artifacts = emit(probe, context);
    return artifacts.length > 0 && artifacts.every((a) => a.host !== void 0 && !a.fragments && !a.root) ? [i] : [];
  });
}
function chunkFleet(fleet, names) {
  return { ...fleet, hosts: hostsToEmit(fleet, new Set(names), "cluster") };
}
function run(request, inWorker) {
  try {
    return request.kind === "parse" ? { id: request.id, parsed: request.files.map((f) => parseText(f.text, f.relPath, f.path)) } : emitChunk(request, inWorker);
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
function emitChunk({ id, fleet, names, emitters, context }, hash) {
  const wanted = new Set(names);
  const artifacts = [];
  for (const index of emitters) {
    for (const artifact of EMITTERS[index](fleet, context)) {
      if (artifact.host === void 0 || artifact.fragments || artifact.root) return { id, notPerHost: artifact.path };
      if (wanted.has(artifact.host)) artifacts.push(artifact);
    }
  }
  return { id, artifacts, hashes: hash ? artifacts.map((a) => sha2562(a.contents)) : [] };
}
function startWorker() {
  const data = { role: ROLE };
  const self = __bundleUrl;
  return self.endsWith(".ts") ? new import_node_worker_threads.Worker(`import(${JSON.stringify((void 0)("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`, { eval: true, workerData: data }) : new import_node_worker_threads.Worker(new URL(self), { workerData: data });
}
if (!import_node_worker_threads.isMainThread && import_node_worker_threads.workerData?.role === ROLE && import_node_worker_threads.parentPort) {
  const port = import_node_worker_threads.parentPort;
  port.on("message", (request) => port.postMessage(run(request, true)));
}

// src/load/cache-store.ts
var import_node_crypto9 = require("node:crypto");
var import_node_fs10 = __toESM(require("node:fs"), 1);
var import_node_path6 = __toESM(require("node:path"), 1);
var import_node_v82 = __toESM(require("node:v8"), 1);
var CACHE_DIR_NAME = ".fleetc-cache";
var FILE_NAME2 = "parse.bin";
var MAGIC = "fleetc-parse-cache";
var EXTRA_ENTRIES = 2e3;
function defaultCacheDir(fleetDir) {
  return import_node_path6.default.join(import_node_path6.default.dirname(import_node_path6.default.resolve(fleetDir)), CACHE_DIR_NAME);
}
function loadParseCache(cacheDir) {
  let bytes;
  try {
    bytes = import_node_fs10.default.readFileSync(import_node_path6.default.join(cacheDir, FILE_NAME2));
  } catch {
    return { cache: new ParseCache() };
  }
  try {
    const newline = bytes.indexOf(10);
    if (newline < 0) throw new Error("no header");
    const header = JSON.parse(bytes.subarray(0, newline).toString("utf8"));
    if (header.magic !== MAGIC) throw new Error("not a fleetc parse cache");
    if (header.parser !== PARSER_VERSION) throw new Error(`written by another parser (${header.parser})`);
    const payload = bytes.subarray(newline + 1);
    if (payload.length !== header.bytes) throw new Error("truncated");
    if ((0, import_node_crypto9.createHash)("sha256").update(payload).digest("hex") !== header.sha256) throw new Error("checksum mismatch");
    if (typeof header.index !== "number" || header.index > payload.length) throw new Error("not an indexed cache");
    const stored = import_node_v82.default.deserialize(payload.subarray(0, header.index));
    const [entries, validated] = Array.isArray(stored) && stored.length === 2 ? stored : [void 0, void 0];
    if (!Array.isArray(entries) || !Array.isArray(validated)) throw new Error("not a list of entries");
    const map = /* @__PURE__ */ new Map();
    let offset = header.index;
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "number" || typeof entry[2] !== "object" || entry[2] === null) throw new Error("malformed entry");
      if (offset + entry[1] > payload.length) throw new Error("truncated entry");
      map.set(entry[0], new StoredEntry(payload.subarray(offset, offset + entry[1]), entry[2]));
      offset += entry[1];
    }
    if (offset !== payload.length) throw new Error("entries do not fill the file");
    const kinds = /* @__PURE__ */ new Map();
    for (const entry of validated) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !["fleet", "profile", "host"].includes(entry[1])) throw new Error("malformed schema record");
      kinds.set(entry[0], entry[1]);
    }
    return { cache: new ParseCache(map, header.schemas === void 0 ? void 0 : { schemas: header.schemas, kinds }) };
  } catch (error) {
    return { cache: new ParseCache(), ignored: error.message };
  }
}
function saveParseCache(cacheDir, cache) {
  if (!cache.changed) return false;
  const entries = [];
  const limit = cache.used.size + EXTRA_ENTRIES;
  for (const entry of cache.ordered()) {
    if (entries.length >= limit) break;
    entries.push(entry);
  }
  const validated = cache.validatedFor(new Set(entries.map(([id]) => id)));
  const stored = entries.map(([, data]) => data instanceof StoredEntry ? data : new StoredEntry(import_node_v82.default.serialize(data), hostFactsOf(data)));
  const index = import_node_v82.default.serialize([entries.map(([id], i) => [id, stored[i].bytes.length, stored[i].facts]), validated?.kinds ?? []]);
  const payload = Buffer.concat([index, ...stored.map((entry) => entry.bytes)]);
  const header = { magic: MAGIC, parser: PARSER_VERSION, ...validated ? { schemas: validated.schemas } : {}, bytes: payload.length, index: index.length, sha256: (0, import_node_crypto9.createHash)("sha256").update(payload).digest("hex") };
  const target = import_node_path6.default.join(cacheDir, FILE_NAME2);
  const temp = `${target}.tmp-${process.pid}-${(0, import_node_crypto9.randomBytes)(4).toString("hex")}`;
  try {
    import_node_fs10.default.mkdirSync(cacheDir, { recursive: true });
    const ignore = import_node_path6.default.join(cacheDir, ".gitignore");
    if (!import_node_fs10.default.existsSync(ignore)) import_node_fs10.default.writeFileSync(ignore, "*\n");
    import_node_fs10.default.writeFileSync(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}
`), payload]));
    import_node_fs10.default.renameSync(temp, target);
    cache.changed = false;
    return true;
  } catch {
    import_node_fs10.default.rmSync(temp, { force: true });
    return false;
  }
}

// src/diagnostics/reporter.ts
var Reporter = class {
  diagnostics = [];
  /** A finding located at a data path of a document. */
  at(document, path37, finding) {
    this.diagnostics.push({
      severity: finding.severity ?? "error",
      code: finding.code,
      message: finding.message,
      hint: finding.hint,
      file: document.file,
      range: locate(document.doc, path37, finding.part ?? "value")
    });
  }
};

// src/resolve/sites.ts
var SITE_LABEL = "site";
function checkSites(sites, hosts, clusters, fleet, hostDocs, report) {
  if (sites.length === 0) return;
  const siteOf2 = new Map(hosts.map((h) => [h.name, h.labels[SITE_LABEL]]));
  for (const host of hosts) {
    const site = siteOf2.get(host.name);
    if (site !== void 0 && sites.includes(site)) continue;
    const document = hostDocs.get(host.name);
    const own = document.data.labels?.[SITE_LABEL] !== void 0;
    report.at(document.document, own ? ["labels", SITE_LABEL] : [], {
      code: "SITE_UNKNOWN",
      message: site === void 0 ? `host ${host.name} names no site, and the fleet deploys by site (${sites.join(", ")})` : `host ${host.name} is in site ${site}, which fleet.yaml sites: does not declare (${sites.join(", ")})`,
      hint: `give the host (or its profile) the label site: <one of ${sites.join(", ")}>, or add the site to sites: in fleet.yaml`
    });
  }
  for (const cluster of Object.values(clusters)) {
    for (const group of cluster.raft) {
      const spanned = [...new Set(group.voters.map((v) => siteOf2.get(v) ?? "?"))].sort();
      if (spanned.length < 2) continue;
      report.at(fleet.document, ["sites"], {
        code: "RAFT_GROUP_SPANS_SITES",
        message: `the ${group.service} Raft group of cluster ${cluster.name} has voters in sites ${spanned.join(", ")} (${group.voters.map((v) => `${v}: ${siteOf2.get(v) ?? "none"}`).join(", ")})`,
        hint: "each site deploys on its own, so a Raft group must keep all its voters in one site: move the voters to one site, or split the cluster per site"
      });
    }
  }
}

// src/resolve/clusters.ts
function resolveClusters(hosts, services, fleet, hostDocs, report, memo) {
  const declared = fleet.data.clusters ?? {};
  const names = [.../* @__PURE__ */ new Set([...Object.keys(declared), ...hosts.map((h) => h.cluster)])].sort();
  const raftServices = Object.values(services).filter((s) => s.raft).map((s) => s.name).sort();
  const byCluster = new Map(names.map((name) => [name, []]));
  for (const host of hosts) byCluster.get(host.cluster).push(host);
  const clusters = {};
  for (const name of names) {
    const members = byCluster.get(name);
    const resolve = (own) => resolveCluster(name, members, raftServices, services, fleet, hostDocs, own);
    clusters[name] = memo ? memo.cluster(`cluster\0${name}`, [fleet.document, ...members, ...members.map((h) => hostDocs.get(h.name).document)], report, resolve) : resolve(report);
  }
  return clusters;
}
function resolveCluster(name, members, raftServices, services, fleet, hostDocs, report) {
  const declared = fleet.data.clusters ?? {};
  const spec = declared[name];
  const groups = raftServices.map((service) => ({ service, voters: members.filter((h) => h.services.includes(service)).map((h) => h.name).sort() })).filter((group) => group.voters.length > 0);
  const bootstrap = chooseBootstrap(name, members, groups, fleet, hostDocs, report);
  const raft = groups.map((group) => ({ ...group, bootstrap: bootstrap ?? group.voters[0] }));
  for (const { service, voters } of raft) {
    const where = (code2, message, hint) => {
      if (spec) report.at(fleet.document, ["clusters", name], { code: code2, severity: "warning", part: "key", message, hint });
      else report.at(hostDocs.get(voters[0]).document, ["profile"], { code: code2, severity: "warning", message, hint });
    };
    if (voters.length % 2 === 0) {
      where("RAFT_EVEN_VOTERS", `${service} in cluster ${name} has ${voters.length} voters (${voters.join(", ")}), an even number`, `${voters.length} voters tolerate no more failures than ${voters.length - 1}; add or remove one`);
    }
    if (voters.length < 3 && members.length > 1) {
      where("RAFT_FEW_VOTERS", `${service} in cluster ${name} has only ${voters.length} voter(s) for ${members.length} hosts`, "with fewer than 3 voters one failure stops the cluster; run 3 or 5");
    }
  }
  checkNeededRaftServices(name, members, raftServices.filter((s) => !groups.some((g) => g.service === s)), services, hostDocs, report);
  return { name, ...spec?.description !== void 0 ? { description: spec.description } : {}, hosts: members.map((h) => h.name), raft, ...bootstrap !== void 0 ? { bootstrap } : {} };
}
function chooseBootstrap(cluster, members, groups, fleet, hostDocs, report) {
  const named = fleet.data.clusters?.[cluster]?.bootstrap;
  const claims = members.filter((h) => hostDocs.get(h.name).data.firstBoot?.bootstrap === true).map((h) => h.name);
  const conflicting = named !== void 0 ? claims.filter((host) => host !== named) : claims.slice(1);
  for (const host of conflicting) {
    report.at(hostDocs.get(host).document, ["firstBoot", "bootstrap"], {
      code: "CLUSTER_BOOTSTRAP_CONFLICT",
      message: named !== void 0 ? `host ${host} claims to bootstrap cluster ${cluster}, but fleet.yaml names ${named}` : `hosts ${claims.join(", ")} all claim to bootstrap cluster ${cluster}`,
      hint: "a cluster has exactly one bootstrap host: keep one claim"
    });
  }
  if (conflicting.length > 0) return void 0;
  const eligible = members.filter((h) => groups.every((g) => g.voters.includes(h.name))).map((h) => h.name);
  const chosen = named ?? claims[0];
  if (chosen !== void 0) {
    const missing = groups.filter((g) => !g.voters.includes(chosen)).map((g) => g.service);
    if (groups.length === 0 || missing.length > 0) {
      const [document, path37] = named !== void 0 ? [fleet.document, ["clusters", cluster, "bootstrap"]] : [hostDocs.get(chosen).document, ["firstBoot", "bootstrap"]];
      const who = named !== void 0 ? `cluster ${cluster} names ${chosen} as bootstrap host` : `host ${chosen} claims to bootstrap cluster ${cluster}`;
      report.at(document, path37, {
        code: "CLUSTER_BOOTSTRAP_INVALID",
        message: groups.length === 0 ? `${who}, but the cluster has no Raft services to bootstrap` : `${who}, but it is not a ${missing.join(" and ")} voter`,
        hint: groups.length === 0 ? "remove the bootstrap setting" : `hosts that vote in every Raft group of ${cluster}: ${eligible.join(", ") || "none"}`
      });
    }
    return chosen;
  }
  if (groups.length === 0) return void 0;
  if (eligible.length > 0) return eligible[0];
  const message = `cluster ${cluster} has no host that votes in every Raft group (${groups.map((g) => `${g.service}: ${g.voters.join(", ")}`).join("; ")}), so none can bootstrap it`;
  const hint = "first boot bootstraps all Raft groups of a cluster from one host: run every Raft service on at least one host";
  if (fleet.data.clusters?.[cluster]) report.at(fleet.document, ["clusters", cluster], { code: "CLUSTER_BOOTSTRAP_NONE", part: "key", message, hint });
  else report.at(hostDocs.get(groups[0].voters[0]).document, ["profile"], { code: "CLUSTER_BOOTSTRAP_NONE", message, hint });
  return void 0;
}
function checkNeededRaftServices(cluster, members, absent, services, hostDocs, report) {
  if (absent.length === 0) return;
  for (const host of members) {
    const needs = host.services.map((service) => ({ service, needs: serviceNeeds(services, service) }));
    const missing = absent.filter((s) => needs.some((n) => n.needs.has(s)));
    if (missing.length === 0) continue;
    const dependents = needs.filter((n) => missing.some((s) => n.needs.has(s))).map((n) => n.service);
    report.at(hostDocs.get(host.name).document, ["profile"], {
      code: "RAFT_NO_VOTERS",
      message: `host ${host.name} runs ${dependents.join(" and ")}, which need${dependents.length === 1 ? "s" : ""} ${missing.join(" and ")}, but no host of cluster ${cluster} runs ${missing.length === 1 ? "it" : "them"}`,
      hint: `give some hosts of ${cluster} a profile with ${missing.join(" and ")} (3 or 5 voters), or move ${host.name} to a cluster that has them`
    });
  }
}

// src/resolve/first-boot.ts
function resolveFirstBootPolicy(input) {
  const spec = input ?? {};
  return {
    network: spec.network ?? DEFAULT_FIRST_BOOT_NETWORK,
    retry: {
      attempts: spec.attempts ?? DEFAULT_RETRY.attempts,
      delaySeconds: spec.delaySeconds ?? DEFAULT_RETRY.delaySeconds,
      backoff: spec.backoff ?? DEFAULT_RETRY.backoff,
      maxDelaySeconds: spec.maxDelaySeconds ?? DEFAULT_RETRY.maxDelaySeconds,
      timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_RETRY.timeoutSeconds
    },
    ...spec.joinToken !== void 0 ? { joinToken: spec.joinToken } : {},
    ...spec.iam ? { iam: { service: spec.iam.service ?? DEFAULT_IAM_SERVICE, adminUser: spec.iam.adminUser ?? DEFAULT_IAM_ADMIN_USER, adminPassword: spec.iam.adminPassword } } : {}
  };
}
function checkPeerAddresses(hosts, clusters, policy, hostDocs, report, memo) {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  for (const cluster of Object.values(clusters)) {
    if (cluster.raft.length === 0) continue;
    const members = cluster.hosts.map((name) => byName.get(name));
    const check = (own) => checkClusterPeers(cluster, members, byName, policy, hostDocs, own);
    if (memo) memo.cluster(`peers\0${cluster.name}`, [cluster, policy.network, ...members, ...members.map((h) => hostDocs.get(h.name).document)], report, check);
    else check(report);
  }
}
function checkClusterPeers(cluster, members, byName, policy, hostDocs, report) {
  const reported = /* @__PURE__ */ new Set();
  const voters = [...new Set(cluster.raft.flatMap((g) => g.voters))].sort().map((name) => byName.get(name));
  const voterReach = voters.map((voter) => reachOf(voter, policy.network));
  for (const viewer of members) {
    const viewerReach = reachOf(viewer, policy.network);
    for (let i = -1; i < voters.length; i++) {
      const peer = i < 0 ? viewer : voters[i];
      const { bootAddress, addressOnNetwork } = i < 0 ? viewerReach : voterReach[i];
      if (reported.has(peer.name) || bootAddress || addressOnNetwork && viewerReach.onNetwork) continue;
      reported.add(peer.name);
      const role = voters.includes(peer) ? `votes in cluster ${cluster.name}` : `is a member of cluster ${cluster.name}`;
      const reachableByOthers = reachableAddress(peer, peer, policy.network) !== void 0;
      report.at(hostDocs.get(peer.name).document, ["interfaces"], {
        code: "PEER_ADDRESS_MISSING",
        message: reachableByOthers ? `host ${peer.name} ${role} but ${viewer.name} cannot reach it: ${viewer.name} has no interface on network ${policy.network} and ${peer.name}'s boot interface has no static address` : `host ${peer.name} ${role} but has no static address on network ${policy.network} or on its boot interface`,
        hint: `first boot reaches hosts on their static address on ${policy.network} (firstBoot.network) or on their boot interface: give ${peer.name} one`
      });
    }
  }
}
function reachOf(host, network) {
  let bootAddress = false;
  let addressOnNetwork = false;
  let onNetwork = false;
  for (const nic of host.interfaces) {
    if (nic.boot && nic.address !== void 0) bootAddress = true;
    if (nic.network === network) {
      onNetwork = true;
      if (nic.address !== void 0) addressOnNetwork = true;
    }
  }
  return { bootAddress, addressOnNetwork, onNetwork };
}

// src/model/ssh-key.ts
function parsePublicKey(line) {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) return { ok: false, problem: 'it is not "<type> <base64 key>"' };
  const inner = blobType(blob);
  if (inner !== void 0 && inner !== type) return { ok: false, problem: `the line names ${type}, but the key inside is ${/^[\x21-\x7e]{1,64}$/.test(inner) ? inner : "of no known type"}` };
  let key;
  try {
    key = sshpk().parseKey(`${type} ${blob}`, "ssh");
  } catch (error) {
    return { ok: false, problem: `the key does not parse (${error.message.replace(/^Failed to parse \(unnamed\) as a valid ssh format key: /, "")})` };
  }
  const canonical2 = key.toString("ssh").split(" ").slice(0, 2).join(" ");
  if (canonical2 !== `${type} ${blob}`) return { ok: false, problem: `the line says ${type}, but the key inside is ${canonical2.split(" ")[0]} (or its base64 is not canonical)` };
  return { ok: true, key: { canonical: canonical2, fingerprint: key.fingerprint("sha256").toString() } };
}
function canonicalPublicKey(line) {
  const parsed = parsePublicKey(line);
  return parsed.ok ? parsed.key.canonical : line;
}
function fingerprintOf(line) {
  const parsed = parsePublicKey(line);
  return parsed.ok ? parsed.key.fingerprint : void 0;
}
function blobType(blob) {
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return void 0;
  const length = bytes.readUInt32BE(0);
  return length <= bytes.length - 4 ? bytes.subarray(4, 4 + length).toString("latin1") : void 0;
}

// src/model/mac.ts
var CANONICAL = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
function normalizeMac(text) {
  if (CANONICAL.test(text)) return text;
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, "");
  return hex.match(/../g).join(":");
}
function macProblem(normalized) {
  if (normalized === "00:00:00:00:00:00") return "is all zeros";
  if (parseInt(normalized.slice(0, 2), 16) & 1) return "is a multicast address (its first octet is odd)";
  return void 0;
}

// src/resolve/merge.ts
function mergeLayers(parent, child) {
  return merge(parent, child);
}
function merge(parent, child) {
  if (child === void 0) return parent;
  if (parent === void 0) return child;
  if (Array.isArray(parent) && Array.isArray(child)) return joinLists(parent, child);
  if (isPlain(parent) && isPlain(child)) {
    const out = {};
    for (const key of /* @__PURE__ */ new Set([...Object.keys(parent), ...Object.keys(child)])) out[key] = merge(parent[key], child[key]);
    return out;
  }
  return child;
}
function joinLists(first, second) {
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const item of [...first, ...second]) {
    const key = typeof item === "string" ? item : `\0${JSON.stringify(item)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}
function isPlain(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/resolve/hosts.ts
var DEFAULT_CLUSTER = "main";
var DEFAULT_TIMEZONE = "UTC";
var DEFAULT_STATE_VERSION = "25.05";
function resolveHost(name, input, fleet, profile, networks) {
  const defaults = fleet.defaults ?? {};
  const arch = input.hardware.arch ?? defaults.arch ?? "x86_64";
  const interfaces = input.interfaces.map((nic) => resolveInterface(nic, networks[nic.network]));
  const gatewayNic = gatewayInterface(interfaces, networks);
  const labels = hostLabels(profile.labels, input.labels);
  const kernelPackage = input.kernel?.package ?? profile.kernel.package;
  return {
    name,
    fqdn: `${name}.${fleet.domain}`,
    domain: fleet.domain,
    ...input.description !== void 0 ? { description: input.description } : {},
    profile: profile.name,
    profiles: profile.chain,
    cluster: hostCluster(input.cluster, fleet),
    arch,
    firmware: input.hardware.firmware ?? defaults.firmware ?? "uefi",
    system: `${arch}-linux`,
    services: profile.services,
    modules: profile.modules,
    packages: profile.packages,
    kernel: {
      params: hostList(profile.kernel.params, input.kernel?.params),
      modules: hostList(profile.kernel.modules, input.kernel?.modules),
      ...kernelPackage !== void 0 ? { package: kernelPackage } : {}
    },
    interfaces,
    ...gatewayNic ? { gateway: { address: networks[gatewayNic.network].gateway, device: gatewayNic.device } } : {},
    nameservers: nameservers(interfaces, networks),
    disks: resolveDisks(input.hardware.disks),
    layout: resolveLayout(input.hardware.layout),
    ...input.bmc ? {
      bmc: {
        kind: input.bmc.kind,
        address: input.bmc.address,
        port: input.bmc.port ?? (input.bmc.kind === "ipmi" ? 623 : 443),
        user: input.bmc.user,
        password: input.bmc.password,
        ...input.bmc.caFile !== void 0 ? { caFile: input.bmc.caFile } : {},
        ...input.bmc.systemId !== void 0 ? { systemId: input.bmc.systemId } : {}
      }
    } : {},
    labels,
    ssh: { port: input.ssh?.port ?? 22, user: input.ssh?.user ?? "root", ...input.ssh?.hostKey !== void 0 ? { hostKey: canonicalPublicKey(input.ssh.hostKey) } : {} },
    ...fleet.deploy?.cache?.publicKey !== void 0 ? { nixCache: { substituter: fleet.deploy.cache.substituter ?? fleet.deploy.cache.url, publicKey: fleet.deploy.cache.publicKey } } : {},
    authorizedKeys: fleet.ssh?.authorizedKeys ?? [],
    timezone: defaults.timezone ?? DEFAULT_TIMEZONE,
    stateVersion: defaults.stateVersion ?? DEFAULT_STATE_VERSION
  };
}
function gatewayInterface(interfaces, networks) {
  const routes = (nic) => nic.address !== void 0 && networks[nic.network].gateway !== void 0;
  return interfaces.find((nic) => nic.boot && routes(nic)) ?? interfaces.find((nic) => !nic.boot && routes(nic));
}
function nameservers(interfaces, networks) {
  const dns = [];
  for (const nic of interfaces) for (const server of networks[nic.network].dns) if (!dns.includes(server)) dns.push(server);
  return dns;
}
function resolveDisks(disks) {
  const out = {};
  for (const name of Object.keys(disks)) out[name] = { device: disks[name].device, size: disks[name].size };
  return out;
}
function hostCluster(own, fleet) {
  return own ?? fleet.defaults?.cluster ?? DEFAULT_CLUSTER;
}
function resolveInterface(nic, network) {
  const out = { name: nic.name, mac: normalizeMac(nic.mac), network: network.name, boot: nic.boot ?? false, device: network.vlan === void 0 ? nic.name : `${nic.name}.${network.vlan}` };
  if (network.vlan !== void 0) out.vlan = network.vlan;
  const mtu = nic.mtu ?? network.mtu;
  if (mtu !== void 0) out.mtu = mtu;
  if (nic.address !== void 0) {
    out.address = nic.address;
    out.prefixLength = network.prefixLength;
  }
  return out;
}
function hostLabels(profile, own) {
  if (own === void 0) return { ...profile };
  return hasKeys(profile) ? { ...profile, ...own } : own;
}
function hasKeys(record2) {
  for (const key in record2) if (Object.hasOwn(record2, key)) return true;
  return false;
}
function hostList(profile, own) {
  if (own !== void 0 && own.length > 0) return joinLists(profile, own);
  return profile.every((item, i) => profile.indexOf(item) === i) ? profile : joinLists(profile, []);
}
function resolveLayout(layout) {
  const root = (input) => ({ fs: input?.fs ?? DEFAULT_ROOT_FS, size: input?.size ?? "100%" });
  switch (layout.kind) {
    case "single":
      return { kind: "single", disk: layout.disk, esp: layout.esp ?? DEFAULT_ESP_SIZE, ...layout.swap ? { swap: layout.swap } : {}, root: root(layout.root) };
    case "raid1":
      return { kind: "raid1", disks: layout.disks, esp: layout.esp ?? DEFAULT_ESP_SIZE, ...layout.swap ? { swap: layout.swap } : {}, root: root(layout.root) };
    case "zfs":
      return {
        kind: "zfs",
        disks: layout.disks,
        mode: layout.mode ?? (layout.disks.length > 1 ? "mirror" : "stripe"),
        pool: layout.pool ?? DEFAULT_ZFS_POOL,
        esp: layout.esp ?? DEFAULT_ESP_SIZE,
        datasets: Object.fromEntries(Object.entries(layout.datasets).map(([name, d]) => [name, { ...d.mount !== void 0 ? { mount: d.mount } : {}, options: d.options ?? {} }]))
      };
    case "lvm":
      return {
        kind: "lvm",
        disk: layout.disk,
        esp: layout.esp ?? DEFAULT_ESP_SIZE,
        vg: layout.vg ?? DEFAULT_VG,
        volumes: Object.fromEntries(Object.entries(layout.volumes).map(([name, v]) => [name, {
          size: v.size,
          ...v.swap ? {} : { fs: v.fs ?? DEFAULT_ROOT_FS },
          ...v.mount !== void 0 ? { mount: v.mount } : {},
          swap: v.swap ?? false
        }]))
      };
  }
}

// src/resolve/inputs.ts
var DEFAULT_FOLLOWS = { disko: { nixpkgs: "nixpkgs" } };
function pinFlakeInput(name, spec) {
  const follows = spec.follows ?? DEFAULT_FOLLOWS[name] ?? {};
  const parsed = parseFlakeUrl(spec.url);
  if (parsed.kind === "path") {
    const attrs = { path: parsed.path, type: "path" };
    return { name, url: spec.url, pinned: spec.url, follows, lock: { original: attrs, locked: { ...attrs }, parent: [] } };
  }
  const rev = spec.rev;
  const pinned = pinnedReference(parsed, rev);
  const original = { ...parsed.attrs, rev };
  const locked = { ...original, narHash: spec.narHash };
  if (spec.lastModified !== void 0) locked.lastModified = spec.lastModified;
  const lock = { original, locked };
  return { name, url: spec.url, rev, pinned, follows, lock };
}
function parseFlakeUrl(url) {
  if (url.startsWith("path:")) return { kind: "path", path: url.slice("path:".length).replace(/\/+$/, "") };
  const [base, query] = splitQuery(url);
  const params = new URLSearchParams(query);
  params.delete("rev");
  const forge = /^(github|gitlab|sourcehut):([^/]+)\/([^/]+)(?:\/.*)?$/.exec(base);
  if (forge) {
    params.delete("ref");
    const attrs2 = { owner: forge[2], repo: forge[3], type: forge[1] };
    for (const key of ["dir", "host"]) {
      const value = params.get(key);
      if (value !== null) attrs2[key] = value;
    }
    return { kind: "forge", scheme: forge[1], attrs: attrs2, params };
  }
  const attrs = { type: "git", url: base.slice("git+".length) };
  for (const key of ["ref", "dir"]) {
    const value = params.get(key);
    if (value !== null) attrs[key] = value;
  }
  return { kind: "git", base, attrs, params };
}
function pinnedReference(parsed, rev) {
  if (parsed.kind === "forge") {
    const rest = parsed.params.toString();
    return `${parsed.scheme}:${parsed.attrs.owner}/${parsed.attrs.repo}/${rev}${rest ? `?${rest}` : ""}`;
  }
  const params = new URLSearchParams(parsed.params);
  params.set("rev", rev);
  return `${parsed.base}?${params.toString()}`;
}
function splitQuery(url) {
  const index = url.indexOf("?");
  return index < 0 ? [url, ""] : [url.slice(0, index), url.slice(index + 1)];
}

// src/resolve/profiles.ts
function resolveProfiles(profiles) {
  const byName = /* @__PURE__ */ new Map();
  for (const profile of profiles) if (!byName.has(profile.name)) byName.set(profile.name, profile);
  const resolved2 = {};
  for (const name of [...byName.keys()].sort()) {
    const chain = [];
    for (let current = byName.get(name); current; current = current.data.extends === void 0 ? void 0 : byName.get(current.data.extends)) {
      chain.unshift(current);
    }
    const merged = chain.reduce((acc, layer) => mergeLayers(acc, mergeablePart(layer.data)), {});
    const own = byName.get(name).data;
    resolved2[name] = {
      name,
      ...own.description !== void 0 ? { description: own.description } : {},
      chain: chain.map((c) => c.name),
      services: merged.services ?? [],
      modules: merged.modules ?? [],
      packages: merged.packages ?? [],
      kernel: {
        params: merged.kernel?.params ?? [],
        modules: merged.kernel?.modules ?? [],
        ...merged.kernel?.package !== void 0 ? { package: merged.kernel.package } : {}
      },
      labels: merged.labels ?? {}
    };
  }
  return resolved2;
}
function mergeablePart(profile) {
  const { name: _name, extends: _extends, description: _description, ...rest } = profile;
  return rest;
}

// src/resolve/memo.ts
var ResolveMemo = class {
  kept;
  hosts = /* @__PURE__ */ new WeakMap();
  /** Per cluster and check, the last result with its findings, and the objects it was made from. */
  clusters = /* @__PURE__ */ new Map();
  /**
   * A per-cluster result (clusters.ts, first-boot.ts), made again only when one of its inputs is
   * not the same object as last time: the fleet file, each member's Host and document (whose
   * positions its findings carry). Its findings are reported either way.
   */
  cluster(key, inputs, report, compute) {
    const kept2 = this.clusters.get(key);
    if (kept2 && kept2.inputs.length === inputs.length && kept2.inputs.every((input, i) => input === inputs[i])) {
      report.diagnostics.push(...kept2.diagnostics);
      return kept2.value;
    }
    const own = new Reporter();
    const value = compute(own);
    this.clusters.set(key, { inputs, value, diagnostics: own.diagnostics });
    report.diagnostics.push(...own.diagnostics);
    return value;
  }
  profiles(inputs, resolve) {
    const kept2 = this.kept;
    if (kept2 && kept2.inputs.length === inputs.length && inputs.every((p, i) => kept2.inputs[i][0] === p.name && kept2.inputs[i][1] === p.data && Object.isFrozen(p.data))) return kept2.profiles;
    const profiles = resolve();
    this.kept = { inputs: inputs.map((p) => [p.name, p.data]), profiles };
    return profiles;
  }
  host(checked, fleet, profile, resolve) {
    const data = checked.data;
    const list3 = this.hosts.get(data);
    const found = list3?.find((k) => k.name === checked.name && k.fleet === fleet && k.profile === profile);
    if (found) return found.host;
    const host = resolve();
    if (Object.isFrozen(data) && Object.isFrozen(fleet)) {
      this.hosts.set(data, [...(list3 ?? []).slice(-3), { name: checked.name, fleet, profile, host }]);
    }
    return host;
  }
};

// src/resolve/index.ts
var DEFAULT_LEASE_SECONDS = 3600;
var DEFAULT_MAX_PARALLEL = 1;
var DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;
var DEFAULT_EVAL_WORKERS = 4;
var DEFAULT_EVAL_MAX_MEMORY_MIB = 4096;
var DEFAULT_DHCP_INTERFACES = ["*"];
var DEFAULT_IPXE_BINARIES = { bios: "undionly.kpxe", uefi: "ipxe.efi", arm64: "ipxe-arm64.efi" };
var DEFAULT_MENU_TIMEOUT_SECONDS = 30;
function resolveFleet(checked, memo, partly) {
  const fleetFile = checked.fleet;
  const input = fleetFile.data;
  const report = new Reporter();
  const networks = {};
  for (const name of Object.keys(input.networks).sort()) {
    const spec = input.networks[name];
    const cidr = parseCidr(spec.cidr);
    if (!cidr.ok) throw new Error(`resolve: unchecked CIDR ${spec.cidr}`);
    networks[name] = {
      name,
      ...spec.description !== void 0 ? { description: spec.description } : {},
      cidr: spec.cidr,
      prefixLength: cidr.value.prefixLength,
      netmask: netmask(cidr.value.prefixLength),
      broadcast: intToIpv4(cidr.value.broadcast),
      ...spec.gateway !== void 0 ? { gateway: spec.gateway } : {},
      dns: spec.dns ?? [],
      ...spec.vlan !== void 0 ? { vlan: spec.vlan } : {},
      ...spec.mtu !== void 0 ? { mtu: spec.mtu } : {},
      ...spec.dhcp ? { dhcp: { ...spec.dhcp.pool ? { pool: spec.dhcp.pool } : {}, leaseSeconds: spec.dhcp.leaseSeconds ?? DEFAULT_LEASE_SECONDS } } : {}
    };
  }
  const services = resolveServices(input);
  const profiles = memo ? memo.profiles(checked.profiles, () => resolveProfiles(checked.profiles)) : resolveProfiles(checked.profiles);
  const hostDocs = hostDocuments(checked);
  const resolve = (host) => resolveHost(host.name, host.data, input, profiles[host.data.profile], networks);
  const hosts = [...hostDocs.values()].filter((host) => !partly || partly.hosts.has(host.name)).sort((a, b) => compareText(a.name, b.name)).map((host) => memo ? memo.host(host, input, profiles[host.data.profile], () => resolve(host)) : resolve(host));
  const clusters = partly ? partly.clusters : resolveClusters(hosts, services, fleetFile, hostDocs, report, memo);
  if (!partly) checkSites(input.sites ?? [], hosts, clusters, fleetFile, hostDocs, report);
  const firstBoot = resolveFirstBootPolicy(input.firstBoot);
  if (!partly) checkPeerAddresses(hosts, clusters, firstBoot, hostDocs, report, memo);
  const fleet = {
    name: input.name,
    ...input.description !== void 0 ? { description: input.description } : {},
    domain: input.domain,
    inputs: Object.fromEntries(Object.keys(input.inputs).sort().map((name) => [name, pinFlakeInput(name, input.inputs[name])])),
    ...input.platform ? { platform: { input: input.platform.input, overlays: input.platform.overlays ?? ["default"], modules: input.platform.modules ?? ["default"] } } : {},
    networks,
    boot: {
      http: input.boot.http.replace(/\/+$/, ""),
      tftp: input.boot.tftp,
      interfaces: input.boot.interfaces ?? DEFAULT_DHCP_INTERFACES,
      ipxe: { ...DEFAULT_IPXE_BINARIES, ...input.boot.ipxe },
      menuTimeoutSeconds: input.boot.menuTimeoutSeconds ?? DEFAULT_MENU_TIMEOUT_SECONDS,
      ...input.boot.server !== void 0 ? { server: input.boot.server } : {}
    },
    deploy: {
      order: input.deploy?.order ?? [],
      maxParallel: input.deploy?.maxParallel ?? DEFAULT_MAX_PARALLEL,
      healthTimeoutSeconds: input.deploy?.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS,
      powerOffDecommissioned: input.deploy?.powerOffDecommissioned ?? false,
      ...input.deploy?.cache ? { cache: { url: input.deploy.cache.url, signingKey: input.deploy.cache.signingKey } } : {},
      // Long enough for the health checks: a host that passes them in time is always confirmed.
      confirmTimeoutSeconds: input.deploy?.confirmTimeoutSeconds ?? (input.deploy?.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS) + 60,
      evaluation: { workers: input.deploy?.evaluation?.workers ?? DEFAULT_EVAL_WORKERS, maxMemoryMiB: input.deploy?.evaluation?.maxMemoryMiB ?? DEFAULT_EVAL_MAX_MEMORY_MIB },
      firstContact: input.deploy?.firstContact ?? "refuse"
    },
    services,
    clusters,
    secrets: input.secrets ?? {},
    firstBoot,
    authorizedKeys: input.ssh?.authorizedKeys ?? [],
    profiles,
    sites: [...input.sites ?? []].sort(compareText),
    hosts
  };
  return { value: fleet, diagnostics: report.diagnostics };
}
function clustersOf(checked, hosts, memo) {
  const input = checked.fleet.data;
  const profiles = memo ? memo.profiles(checked.profiles, () => resolveProfiles(checked.profiles)) : resolveProfiles(checked.profiles);
  const sorted = [...hosts].sort((a, b) => compareText(a.name, b.name));
  const members = sorted.map((host) => ({ name: host.name, cluster: hostCluster(host.cluster, input), services: profiles[host.profile].services }));
  const claims = new Map(sorted.map((host) => [host.name, { data: { firstBoot: host.bootstrap ? { bootstrap: true } : void 0 } }]));
  return resolveClusters(members, resolveServices(input), checked.fleet, claims, new Discard());
}
var Discard = class extends Reporter {
  at() {
  }
};
function hostDocuments(checked) {
  const hostDocs = /* @__PURE__ */ new Map();
  for (const host of checked.hosts) if (!hostDocs.has(host.name)) hostDocs.set(host.name, host);
  return hostDocs;
}
function resolveServices(input) {
  const services = {};
  for (const name of Object.keys(input.services ?? {}).sort()) {
    const spec = input.services[name];
    const ports = Object.fromEntries(Object.entries(spec.ports ?? {}).map(([name2, port]) => [name2, resolvePort(port)]));
    const firstPort = Object.keys(ports)[0];
    services[name] = {
      name,
      ...spec.description !== void 0 ? { description: spec.description } : {},
      raft: spec.raft ?? false,
      ports,
      ...spec.health && (spec.health.port ?? firstPort) !== void 0 ? { health: { ...spec.health.http !== void 0 ? { http: spec.health.http } : {}, port: spec.health.port ?? firstPort } } : {},
      after: spec.after ?? []
    };
  }
  return services;
}
function resolvePort(input) {
  if (typeof input === "number") return { port: input, protocols: ["tcp"] };
  return { port: input.port, protocols: input.protocols ?? ["tcp"], ...input.networks ? { networks: input.networks } : {} };
}

// src/validate/checks/spellings.ts
var import_node_path7 = __toESM(require("node:path"), 1);
function isPlainAbsolute(p) {
  return p.charCodeAt(0) === 47 && !p.includes("//") && !p.includes("/./") && !p.includes("/../") && !p.endsWith("/") && !p.endsWith("/.") && !p.endsWith("/..");
}
function canonicalDevice(device) {
  return isPlainAbsolute(device) ? device : import_node_path7.default.posix.normalize(device).replace(/\/$/, "");
}
function canonicalMount(mount) {
  if (isPlainAbsolute(mount)) return mount;
  const normalized = import_node_path7.default.posix.normalize(mount);
  return normalized.length > 1 ? normalized.replace(/\/$/, "") : normalized;
}
function canonicalBmcAddress(address) {
  return address.toLowerCase().replace(/\.$/, "");
}
function checkHostSpellings(host, report) {
  for (const [name, disk] of Object.entries(host.data.hardware.disks)) {
    const canonical2 = canonicalDevice(disk.device);
    if (!canonical2.startsWith("/dev/") || canonical2 === "/dev") {
      report.at(host.document, ["hardware", "disks", name, "device"], { code: "DISK_DEVICE_INVALID", message: `disk ${name}'s device ${disk.device} is ${canonical2} once its "." and ".." are read: not under /dev`, hint: "name the disk by its /dev/disk/by-id/\u2026 path" });
    } else if (canonical2 !== disk.device) {
      report.at(host.document, ["hardware", "disks", name, "device"], { code: "DISK_DEVICE_INVALID", message: `disk ${name}'s device ${disk.device} is spelled unusually; it is ${canonical2}`, hint: `write ${canonical2}` });
    }
  }
  const layout = host.data.hardware.layout;
  const mounts = layout.kind === "zfs" ? Object.entries(layout.datasets).map(([n, d]) => [["datasets", n, "mount"], d.mount]) : layout.kind === "lvm" ? Object.entries(layout.volumes).map(([n, v]) => [["volumes", n, "mount"], v.mount]) : [];
  for (const [where, mount] of mounts) {
    if (mount === void 0 || canonicalMount(mount) === mount) continue;
    report.at(host.document, ["hardware", "layout", ...where], { code: "LAYOUT_INVALID", message: `mount point ${mount} is spelled unusually; it is ${canonicalMount(mount)}`, hint: `write ${canonicalMount(mount)}` });
  }
  const bmc = host.data.bmc;
  if (bmc && /^[0-9.]+$/.test(bmc.address) && !isIpv4(bmc.address)) {
    report.at(host.document, ["bmc", "address"], { code: "SCHEMA_FORMAT", message: `BMC address ${bmc.address} is not an IPv4 address in its usual form; tools read such numbers differently (inet_aton takes 010 as octal 8)`, hint: "write four numbers 0\u2013255 without leading zeros, e.g. 10.20.1.11" });
  }
}

// src/validate/checks/addresses.ts
function claimPath(claim) {
  return ["interfaces", claim.nic, claim.kind === "mac" ? "mac" : "address"];
}
function claimWhat(host, claim) {
  return `${host.name} ${host.data.interfaces[claim.nic].name}`;
}
function checkHostAddresses(host, context, report) {
  const { document, data } = host;
  const networkSpecs = context.fleet?.data.networks ?? {};
  const interfaces = data.interfaces;
  const devices2 = [];
  const claims = [];
  let bootCount = 0;
  let secondBoot = -1;
  for (let i = 0; i < interfaces.length; i++) {
    const nic = interfaces[i];
    const mac = normalizeMac(nic.mac);
    const spec = networkSpecs[nic.network];
    const vlan = spec?.vlan;
    const device = vlan === void 0 ? nic.name : `${nic.name}.${vlan}`;
    const knownMac = firstMacOf(interfaces, i);
    if (knownMac !== void 0 && knownMac !== mac) {
      report.at(document, ["interfaces", i, "mac"], { code: "INTERFACE_DUPLICATE_NAME", message: `host ${host.name} names two NICs ${nic.name} (MACs ${knownMac} and ${mac})`, hint: "give each NIC its own name; list a NIC again only to add a VLAN network, with the same MAC" });
    } else if (spec && devices2.includes(device)) {
      report.at(document, ["interfaces", i, "name"], { code: "INTERFACE_DUPLICATE_NAME", message: `host ${host.name} lists ${device} twice`, hint: vlan === void 0 ? "a NIC carries at most one untagged network" : `VLAN ${vlan} is already on ${nic.name}` });
    }
    devices2.push(device);
    if (nic.boot && ++bootCount === 2) secondBoot = i;
    const problem = macProblem(mac);
    if (problem) report.at(document, ["interfaces", i, "mac"], { code: "MAC_INVALID", message: `MAC ${nic.mac} ${problem}`, hint: "copy the MAC from the NIC label or the BMC inventory" });
    claims.push({ kind: "mac", key: mac, nic: i, check: knownMac !== mac });
    if (nic.address === void 0) continue;
    claims.push({ kind: "ip", key: nic.address, nic: i, check: true });
    const net2 = context.networks.get(nic.network);
    if (!net2 || !spec) continue;
    const address = ipv4ToInt(nic.address);
    if (!contains(net2, address)) {
      report.at(document, ["interfaces", i, "address"], { code: "ADDRESS_OUTSIDE_NETWORK", message: `${nic.address} is outside network ${nic.network} (${spec.cidr})`, hint: `pick an address in ${spec.cidr}, or put the interface on the right network` });
    } else if (address === net2.network || address === net2.broadcast) {
      report.at(document, ["interfaces", i, "address"], { code: "ADDRESS_RESERVED", message: `${nic.address} is the ${address === net2.network ? "network" : "broadcast"} address of ${spec.cidr}`, hint: "pick a usable host address" });
    } else if (spec.gateway === nic.address) {
      report.at(document, ["interfaces", i, "address"], { code: "ADDRESS_RESERVED", message: `${nic.address} is the gateway of network ${nic.network}`, hint: "pick an address other than the gateway" });
    } else if (spec.dhcp?.pool && address >= ipv4ToInt(spec.dhcp.pool.start) && address <= ipv4ToInt(spec.dhcp.pool.end)) {
      report.at(document, ["interfaces", i, "address"], { code: "ADDRESS_IN_POOL", message: `${nic.address} lies in the dynamic DHCP pool of ${nic.network} (${spec.dhcp.pool.start}\u2013${spec.dhcp.pool.end})`, hint: "static addresses must stay outside the pool, or the DHCP server may lease them to another machine" });
    }
  }
  if (bootCount !== 1) {
    const path37 = bootCount === 0 ? ["interfaces"] : ["interfaces", secondBoot, "boot"];
    report.at(document, path37, {
      code: "BOOT_INTERFACE_COUNT",
      message: bootCount === 0 ? `host ${host.name} has no boot interface` : `host ${host.name} has ${bootCount} boot interfaces`,
      hint: "mark exactly one interface with boot: true (the NIC that PXE-boots)"
    });
  }
  return withBmc(host, claims);
}
function hostClaims(host) {
  const interfaces = host.data.interfaces;
  const claims = [];
  for (let i = 0; i < interfaces.length; i++) {
    const nic = interfaces[i];
    const mac = normalizeMac(nic.mac);
    claims.push({ kind: "mac", key: mac, nic: i, check: firstMacOf(interfaces, i) !== mac });
    if (nic.address !== void 0) claims.push({ kind: "ip", key: nic.address, nic: i, check: true });
  }
  return withBmc(host, claims);
}
function withBmc(host, claims) {
  const bmc = host.data.bmc;
  return bmc ? { claims, bmc: { key: canonicalBmcAddress(bmc.address), address: bmc.address, what: `the BMC of ${host.name}`, isIpv4: isIpv4(bmc.address) } } : { claims };
}
function firstMacOf(interfaces, index) {
  const name = interfaces[index].name;
  for (let j = 0; j < index; j++) if (interfaces[j].name === name) return normalizeMac(interfaces[j].mac);
  return void 0;
}
function checkClaims(fleet, hosts, report) {
  const macs = /* @__PURE__ */ new Map();
  const ips = /* @__PURE__ */ new Map();
  const bmcs = /* @__PURE__ */ new Map();
  if (fleet.fleet && fleet.fleet.data.boot.server === void 0) ips.set(fleet.fleet.data.boot.tftp, -1);
  const earlier = (index, kind, key) => {
    if (index < 0) return { document: fleet.fleet.document, what: "the boot server (boot.tftp)" };
    const { host, claims } = hosts[index];
    const claim = claims.claims.find((c) => c.kind === kind && c.key === key);
    return { document: host.document, what: claim ? claimWhat(host, claim) : claims.bmc.what };
  };
  const claimIp = (index, document, path37, address) => {
    const first = ips.get(address);
    if (first === void 0) return void ips.set(address, index);
    const use = earlier(first, "ip", address);
    report.at(document, path37, { code: "IP_DUPLICATE", message: `${address} is already used by ${use.what}${use.document === document ? "" : ` in ${use.document.file}`}`, hint: "every address in the fleet must be unique" });
  };
  hosts.forEach(({ host, claims }, index) => {
    const { document } = host;
    for (const claim of claims.claims) {
      if (claim.kind === "ip") {
        claimIp(index, document, claimPath(claim), claim.key);
        continue;
      }
      const first2 = claim.check ? macs.get(claim.key) : void 0;
      if (first2 === void 0) {
        macs.set(claim.key, index);
        continue;
      }
      const use = earlier(first2, "mac", claim.key);
      report.at(document, claimPath(claim), { code: "MAC_DUPLICATE", message: `MAC ${claim.key} is already used by ${use.what}${use.document === document ? "" : ` in ${use.document.file}`}`, hint: "MACs are compared ignoring case and separators; each NIC has its own" });
    }
    const bmc = claims.bmc;
    if (!bmc) return;
    const first = bmcs.get(bmc.key);
    if (first !== void 0) {
      const other = hosts[first];
      report.at(document, ["bmc", "address"], { code: "BMC_ADDRESS_DUPLICATE", message: `BMC address ${bmc.address} is already used by ${other.claims.bmc.what} in ${other.host.document.file}`, hint: "each machine has its own BMC" });
    } else {
      bmcs.set(bmc.key, index);
      if (bmc.isIpv4) claimIp(index, document, ["bmc", "address"], bmc.address);
    }
  });
}

// src/validate/suggest.ts
function closestMatch(input, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor(input.length / 3));
  return bestDistance <= tolerance ? best : void 0;
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

// src/validate/checks/first-boot.ts
function checkFirstBoot(fleet, report) {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const data = fleetFile.data;
  const services = data.services ?? {};
  for (const [name, service] of Object.entries(services)) {
    if (!service.raft) continue;
    const missing = RAFT_PORTS.filter((port) => service.ports?.[port] === void 0);
    if (missing.length === 0) continue;
    report.at(fleetFile.document, service.ports ? ["services", name, "ports"] : ["services", name], {
      code: "RAFT_PORTS_MISSING",
      message: `Raft service ${name} has no ${missing.join(" or ")} port`,
      hint: "first boot calls the membership API on the port named api and advertises the port named raft to peers"
    });
  }
  const spec = data.firstBoot;
  if (!spec) return;
  const networks = Object.keys(data.networks);
  if (spec.network !== void 0 && !networks.includes(spec.network)) {
    const suggestion = closestMatch(spec.network, networks);
    report.at(fleetFile.document, ["firstBoot", "network"], { code: "NETWORK_UNKNOWN", message: `network "${spec.network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${networks.join(", ")}` });
  }
  const secrets = Object.keys(data.secrets ?? {});
  const secretName = (path38, value) => {
    if (secrets.includes(value)) return;
    report.at(fleetFile.document, path38, { code: "SECRET_UNKNOWN", message: `firstBoot.${path38.slice(1).join(".")} must name a secret defined under secrets:, and this one is not`, hint: secrets.length ? `defined secrets: ${secrets.join(", ")}` : "define it under secrets: as { file: \u2026 } or { env: \u2026 }" });
  };
  if (spec.joinToken !== void 0) secretName(["firstBoot", "joinToken"], spec.joinToken);
  if (!spec.iam) return;
  secretName(["firstBoot", "iam", "adminPassword"], spec.iam.adminPassword);
  const iamService = spec.iam.service ?? DEFAULT_IAM_SERVICE;
  const path37 = spec.iam.service !== void 0 ? ["firstBoot", "iam", "service"] : ["firstBoot", "iam"];
  const raftServices = Object.keys(services).filter((name) => services[name].raft);
  if (services[iamService]?.raft) return;
  report.at(fleetFile.document, path37, {
    code: "IAM_SERVICE_INVALID",
    message: services[iamService] ? `IAM service ${iamService} is not a Raft service` : `IAM service ${iamService} is not defined in fleet.yaml`,
    hint: raftServices.length ? `IAM lives in a Raft service that the bootstrap host runs; set firstBoot.iam.service to one of: ${raftServices.join(", ")}` : "the fleet has no Raft service to hold IAM"
  });
}

// src/validate/checks/boot.ts
function checkBoot(fleet, report) {
  for (const profile of fleet.profiles) checkKernelParams(profile.document, profile.data.kernel, report);
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  checkBootUrl(fleetFile.document, fleetFile.data.boot.http, report);
  checkBootServerOutsidePools(fleet, report);
  checkBootServerHost(fleet, report);
}
function checkHostBoot(host, context, report) {
  checkKernelParams(host.document, host.data.kernel, report);
  const networks = context.fleet?.data.networks;
  if (!networks) return;
  host.data.interfaces.forEach((nic, i) => {
    const network = networks[nic.network];
    if (!nic.boot || !network) return;
    if (network.dhcp === void 0) {
      report.at(host.document, ["interfaces", i, "network"], {
        code: "BOOT_NETWORK_NO_DHCP",
        message: `host ${host.name} boots from network ${nic.network}, which has no DHCP server`,
        hint: `add dhcp: {} to network ${nic.network} in fleet.yaml, or boot from an interface on a network that has one`
      });
    } else if (network.vlan !== void 0) {
      report.at(host.document, ["interfaces", i, "network"], {
        code: "BOOT_NETWORK_TAGGED",
        message: `host ${host.name} boots from network ${nic.network}, which is tagged VLAN ${network.vlan}`,
        hint: "PXE firmware sends untagged frames: boot from an untagged network"
      });
    } else if (nic.address === void 0 && network.dhcp.pool === void 0) {
      report.at(host.document, ["interfaces", i], {
        code: "BOOT_ADDRESS_MISSING",
        message: `boot interface ${nic.name} of host ${host.name} has no address, and network ${nic.network} has no dynamic pool to lease one from`,
        hint: `give the interface an address: in ${network.cidr} (its DHCP reservation)`
      });
    }
  });
}
function checkKernelParams(document, kernel, report) {
  (kernel?.params ?? []).forEach((param, i) => {
    const problem = ipxeWordProblem(param);
    if (!problem) return;
    report.at(document, ["kernel", "params", i], {
      code: "KERNEL_PARAM_UNSAFE",
      message: `kernel parameter ${JSON.stringify(param)} ${problem}, so the iPXE boot script cannot pass it on`,
      hint: 'iPXE has no quoting: write the parameter without "${", and not as a word that is #\u2026, ||, && or ;'
    });
  });
}
function checkBootUrl(document, http4, report) {
  let url;
  try {
    url = new URL(http4);
  } catch {
    report.at(document, ["boot", "http"], { code: "BOOT_URL_INVALID", message: `boot.http ${JSON.stringify(http4)} is not a valid URL`, hint: "write an absolute http(s) URL such as http://10.20.0.2:8080/boot" });
    return;
  }
  const problem = url.username !== "" || url.password !== "" ? "carries credentials, which would be written into every boot script and DHCP configuration" : url.search !== "" || http4.includes("?") ? "has a query string, so file paths cannot be appended to it" : url.hostname === "" ? "has no host" : void 0;
  if (problem) {
    report.at(document, ["boot", "http"], { code: "BOOT_URL_INVALID", message: `boot.http ${problem}`, hint: "write a plain base URL such as http://10.20.0.2:8080/boot; protect the boot server by network, not by a password in the URL" });
  }
}
function checkBootServerOutsidePools(fleet, report) {
  const fleetFile = fleet.fleet;
  const server = ipv4ToInt(fleetFile.data.boot.tftp);
  for (const [name, network] of Object.entries(fleetFile.data.networks)) {
    const pool = network.dhcp?.pool;
    if (!pool) continue;
    if (server >= ipv4ToInt(pool.start) && server <= ipv4ToInt(pool.end)) {
      report.at(fleetFile.document, ["networks", name, "dhcp", "pool"], { code: "POOL_INVALID", message: `DHCP pool ${pool.start}\u2013${pool.end} covers the boot server ${fleetFile.data.boot.tftp} (boot.tftp)`, hint: "move the pool so it leaves the boot server out" });
    }
  }
}
function checkBootServerHost(fleet, report) {
  const fleetFile = fleet.fleet;
  const name = fleetFile.data.boot.server;
  if (name === void 0) return;
  const host = fleet.hosts.find((h) => h.name === name);
  if (!host) {
    if (!fleet.allHostNames.has(name)) report.at(fleetFile.document, ["boot", "server"], { code: "BOOT_SERVER_UNKNOWN", message: `boot.server names ${name}, which is not a host of the fleet`, hint: "name the host whose file describes the boot server (hosts/<name>.yaml), or add it" });
    return;
  }
  const addresses = host.data.interfaces.map((i) => i.address).filter((a) => a !== void 0);
  let httpHost;
  try {
    httpHost = new URL(fleetFile.data.boot.http).hostname;
  } catch {
    return;
  }
  for (const [key, value] of [["tftp", fleetFile.data.boot.tftp], ["http", httpHost]]) {
    if (addresses.includes(value)) continue;
    report.at(fleetFile.document, ["boot", key], {
      code: "BOOT_SERVER_MISMATCH",
      message: `boot.${key} points at ${value}, which is not an address of the boot server ${name} (${addresses.join(", ") || "it has no static address"})`,
      hint: `machines must reach the boot server at its own static address: use one of ${name}'s addresses, or give its boot interface that address`
    });
  }
}

// src/validate/checks/host-keys.ts
function checkHostKeys(fleet, report) {
  const seen = /* @__PURE__ */ new Map();
  for (const host of fleet.hosts) {
    const line = host.data.ssh?.hostKey;
    if (line === void 0) continue;
    const parsed = parsePublicKey(line);
    if (!parsed.ok) {
      report.at(host.document, ["ssh", "hostKey"], { code: "HOST_KEY_INVALID", message: `ssh.hostKey of host ${host.name} is not an SSH public key: ${parsed.problem}`, hint: "copy the whole line of the host's /etc/ssh/ssh_host_ed25519_key.pub, or leave ssh.hostKey out: fleetc records the key it installs when it provisions the host" });
      continue;
    }
    const other = seen.get(parsed.key.canonical);
    if (other !== void 0) {
      report.at(host.document, ["ssh", "hostKey"], { code: "HOST_KEY_DUPLICATE", message: `host ${host.name} pins the same SSH host key as ${other} (${parsed.key.fingerprint})`, hint: "every machine has its own host key: pin each host's own /etc/ssh/ssh_host_ed25519_key.pub" });
    } else seen.set(parsed.key.canonical, host.name);
  }
}

// src/validate/checks/inputs.ts
var PLACEHOLDER_REVS = /* @__PURE__ */ new Set(["0123456789abcdef0123456789abcdef01234567", "89abcdef0123456789abcdef0123456789abcdef", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"]);
function checkInputs(fleet, report, layout) {
  const file = fleet.fleet;
  if (!file) return;
  const inputs = file.data.inputs;
  const names = Object.keys(inputs);
  const unknown = (path37, name, what) => {
    const suggestion = closestMatch(name, names);
    report.at(file.document, path37, { code: "INPUT_UNKNOWN", message: `${what} names input "${name}", which fleet.yaml does not define under inputs:`, hint: suggestion ? `did you mean "${suggestion}"?` : `inputs: ${names.join(", ")}` });
  };
  for (const [name, input] of Object.entries(inputs)) {
    for (const [own, target] of Object.entries(input.follows ?? {})) {
      if (target === name) report.at(file.document, ["inputs", name, "follows", own], { code: "INPUT_UNKNOWN", message: `input ${name} cannot follow itself`, hint: "follow another input of the fleet, usually nixpkgs" });
      else if (!(target in inputs)) unknown(["inputs", name, "follows", own], target, `inputs.${name}.follows.${own}`);
    }
    if (input.url.startsWith("path:")) checkPath(file, name, input.url, report, layout, fleet.nixFiles);
    else checkPins(file, name, input, report);
  }
  const platform = file.data.platform;
  if (platform && !(platform.input in inputs)) unknown(["platform", "input"], platform.input, "platform.input");
}
function checkPath(file, name, url, report, layout, nixFiles) {
  const segments = url.slice("path:".length).split("/").filter((s) => s !== "" && s !== ".");
  const nixDir = layout && !layout.nixDirFromRoot.startsWith("..") ? layout.nixDirFromRoot.split("/").filter((s) => s !== "" && s !== ".") : void 0;
  const underNix = nixDir === void 0 || segments.length > nixDir.length && nixDir.every((part, i) => segments[i] === part);
  if (segments.length === 0 || segments.includes("..") || !underNix) {
    report.at(file.document, ["inputs", name, "url"], {
      code: "INPUT_PATH_INVALID",
      message: `input ${name} (${url}) is not a directory under the fleet's nix directory${nixDir ? ` (${nixDir.join("/")}/)` : ""}`,
      hint: `keep a flake of this repository under nix/, e.g. path:./${nixDir?.join("/") ?? "nix"}/platform; pin other flakes by url, rev, narHash and lastModified`
    });
    return;
  }
  const flakeFile = nixDir ? [...segments.slice(nixDir.length), "flake.nix"].join("/") : void 0;
  if (flakeFile !== void 0 && !nixFiles.has(flakeFile)) {
    report.at(file.document, ["inputs", name, "url"], { code: "INPUT_PATH_INVALID", message: `input ${name} (${url}) has no flake.nix: ${nixDir.join("/")}/${flakeFile} does not exist`, hint: "create the flake there, or point the input at the directory that holds it" });
  }
}
function checkPins(file, name, input, report) {
  const oneCharacter = (text) => new Set(text).size === 1;
  if (input.rev !== void 0 && (oneCharacter(input.rev) || PLACEHOLDER_REVS.has(input.rev))) {
    report.at(file.document, ["inputs", name, "rev"], { code: "INPUT_PLACEHOLDER", message: `input ${name}'s rev ${input.rev} is a placeholder, not a commit`, hint: "copy the commit and its narHash and lastModified from the input's node in a flake.lock that pins it" });
  }
  const hash = input.narHash?.slice("sha256-".length, -1);
  if (hash !== void 0 && oneCharacter(hash)) {
    report.at(file.document, ["inputs", name, "narHash"], { code: "INPUT_PLACEHOLDER", message: `input ${name}'s narHash is a placeholder, not the hash of its source`, hint: "run `nix flake prefetch --json <url>/<rev>` where the network is reachable, or copy it from a flake.lock that pins the same rev" });
  }
}

// src/validate/context.ts
function namePath(data) {
  return data.name === void 0 ? [] : ["name"];
}

// src/validate/checks/names.ts
var DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
var IDENTIFIER2 = /^[a-z][a-z0-9-]{0,62}$/;
function checkHostName(host, context, report) {
  if (!DNS_LABEL.test(host.name)) {
    report.at(host.document, namePath(host.data), {
      code: "HOSTNAME_INVALID",
      message: `host name "${host.name}" is not a valid DNS label`,
      hint: "use 1\u201363 lower-case letters, digits and dashes, not starting or ending with a dash"
    });
  }
  const domain = context.fleet?.data.domain;
  if (domain && host.name.length + 1 + domain.length > 253) {
    report.at(host.document, namePath(host.data), { code: "HOSTNAME_INVALID", message: `${host.name}.${domain} is longer than 253 characters`, hint: "shorten the host name or the fleet domain" });
  }
  checkFileNames([host], "host", report);
}
function checkNames(fleet, report) {
  for (const profile of fleet.profiles) {
    if (profile.data.name === void 0 && !IDENTIFIER2.test(profile.name)) {
      report.at(profile.document, [], {
        code: "PROFILE_NAME_INVALID",
        message: `profile file ${profile.document.relPath} names the profile "${profile.name}", which is not a lower-case name`,
        hint: "rename the file: lower-case letters, digits and dashes, starting with a letter (e.g. profiles/gpu-worker.yaml)"
      });
    }
  }
  checkFileNames(fleet.profiles, "profile", report);
  checkDuplicates(fleet.hosts, "HOST_DUPLICATE_NAME", "host", report);
  checkDuplicates(fleet.profiles, "PROFILE_DUPLICATE_NAME", "profile", report);
}
function checkFileNames(items, noun, report) {
  for (const item of items) {
    if (item.data.name !== void 0 && item.data.name !== item.document.stem) {
      report.at(item.document, ["name"], {
        code: "NAME_FILE_MISMATCH",
        severity: "warning",
        message: `${noun} "${item.data.name}" is defined in a file named ${item.document.stem}.yaml`,
        hint: `rename the file to ${item.data.name}.yaml so the fleet is easy to navigate`
      });
    }
  }
}
function checkDuplicates(items, code2, noun, report) {
  const first = /* @__PURE__ */ new Map();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (!earlier) {
      first.set(item.name, item);
      continue;
    }
    report.at(item.document, namePath(item.data), {
      code: code2,
      message: `${noun} "${item.name}" is also defined in ${earlier.document.file}`,
      hint: `every ${noun} needs its own name; rename or remove one of the two`
    });
  }
}

// src/validate/checks/networks.ts
function checkNetworks(fleet, report) {
  const parsed = /* @__PURE__ */ new Map();
  const fleetFile = fleet.fleet;
  if (!fleetFile) return parsed;
  const document = fleetFile.document;
  const entries = Object.entries(fleetFile.data.networks);
  for (const [name, spec] of entries) {
    const result = parseCidr(spec.cidr);
    if (!result.ok) {
      report.at(document, ["networks", name, "cidr"], { code: "NETWORK_CIDR_INVALID", message: `network ${name}: ${spec.cidr} ${result.reason}`, hint: result.canonical ? `did you mean ${result.canonical}?` : "write the network address and prefix, e.g. 10.20.0.0/24" });
      continue;
    }
    parsed.set(name, result.value);
    checkGateway(name, spec, result.value, fleet, report);
    checkPool(name, spec, result.value, fleet, report);
  }
  const seenVlans = /* @__PURE__ */ new Map();
  const names = [...parsed.keys()];
  for (const [i, name] of names.entries()) {
    for (const other of names.slice(0, i)) {
      if (overlaps(parsed.get(name), parsed.get(other))) {
        report.at(document, ["networks", name, "cidr"], { code: "NETWORK_OVERLAP", message: `network ${name} (${fleetFile.data.networks[name].cidr}) overlaps network ${other} (${fleetFile.data.networks[other].cidr})`, hint: "give every network its own address range" });
      }
    }
  }
  for (const [name, spec] of entries) {
    if (spec.vlan === void 0) continue;
    const other = seenVlans.get(spec.vlan);
    if (other) report.at(document, ["networks", name, "vlan"], { code: "VLAN_DUPLICATE", message: `network ${name} uses VLAN ${spec.vlan}, like network ${other}`, hint: "each network needs its own VLAN id" });
    else seenVlans.set(spec.vlan, name);
  }
  return parsed;
}
function checkGateway(name, spec, net2, fleet, report) {
  if (spec.gateway === void 0) return;
  const gateway = ipv4ToInt(spec.gateway);
  if (!contains(net2, gateway) || gateway === net2.network || gateway === net2.broadcast) {
    report.at(fleet.fleet.document, ["networks", name, "gateway"], { code: "GATEWAY_OUTSIDE_NETWORK", message: `gateway ${spec.gateway} is not a usable address of ${spec.cidr}`, hint: `usable addresses run from ${intToIpv4(net2.network + 1)} to ${intToIpv4(net2.broadcast - 1)}` });
  }
}
function checkPool(name, spec, net2, fleet, report) {
  const pool = spec.dhcp?.pool;
  if (!pool) return;
  const path37 = ["networks", name, "dhcp", "pool"];
  const start = ipv4ToInt(pool.start);
  const end = ipv4ToInt(pool.end);
  const usable = (a) => contains(net2, a) && a !== net2.network && a !== net2.broadcast;
  if (!usable(start) || !usable(end)) {
    report.at(fleet.fleet.document, path37, { code: "POOL_INVALID", message: `DHCP pool ${pool.start}\u2013${pool.end} is not inside the usable addresses of ${spec.cidr}`, hint: `usable addresses run from ${intToIpv4(net2.network + 1)} to ${intToIpv4(net2.broadcast - 1)}` });
  } else if (start > end) {
    report.at(fleet.fleet.document, path37, { code: "POOL_INVALID", message: `DHCP pool starts at ${pool.start}, after its end ${pool.end}`, hint: "swap start and end" });
  } else if (spec.gateway !== void 0 && ipv4ToInt(spec.gateway) >= start && ipv4ToInt(spec.gateway) <= end) {
    report.at(fleet.fleet.document, path37, { code: "POOL_INVALID", message: `DHCP pool ${pool.start}\u2013${pool.end} covers the gateway ${spec.gateway}`, hint: "move the pool so it leaves the gateway out" });
  }
}

// src/validate/checks/ports.ts
function checkPorts(fleet, report, bootNetworks) {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const data = fleetFile.data;
  const known = Object.keys(data.networks);
  const peerNetwork = data.firstBoot?.network ?? DEFAULT_FIRST_BOOT_NETWORK;
  bootNetworks ??= bootNetworksByService(fleet);
  for (const [service, spec] of Object.entries(data.services ?? {})) {
    const firstPort = Object.keys(spec.ports ?? {})[0];
    for (const [portName, port] of Object.entries(spec.ports ?? {})) {
      if (typeof port === "number" || port.networks === void 0) continue;
      const path37 = ["services", service, "ports", portName, "networks"];
      port.networks.forEach((network, i) => {
        if (known.includes(network)) return;
        const suggestion = closestMatch(network, known);
        report.at(fleetFile.document, [...path37, i], { code: "NETWORK_UNKNOWN", message: `network "${network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${known.join(", ")}` });
      });
      const needed = [];
      if (spec.health && (spec.health.port ?? firstPort) === portName) {
        for (const network of bootNetworks(service)) needed.push([network, "fleetc apply checks its health from the deployer on the host's boot address"]);
      }
      if (spec.raft && RAFT_PORTS.includes(portName)) needed.push([peerNetwork, "Raft peers and first boot reach it on firstBoot.network"]);
      for (const [network, why] of needed) {
        if (port.networks.includes(network) || !known.includes(network)) continue;
        report.at(fleetFile.document, path37, { code: "PORT_NOT_OPEN", message: `port ${portName} of ${service} is not opened on network ${network}, but ${why}`, hint: `add ${network} to the port's networks` });
        break;
      }
    }
  }
}
function bootPair(host) {
  const boot = host.data.interfaces.find((nic) => nic.boot);
  return boot ? [host.data.profile, boot.network] : void 0;
}
function bootNetworksOfPairs(fleet, pairs) {
  return bootNetworksByService({ ...fleet, hosts: [...pairs].map(([profile, network]) => ({ data: { profile, interfaces: [{ boot: true, network }] } })) });
}
function bootNetworksByService(fleet) {
  const profiles = new Map(fleet.profiles.map((p) => [p.name, p.data]));
  const servicesOf = /* @__PURE__ */ new Map();
  const services = (profile) => {
    let known = servicesOf.get(profile);
    if (known) return known;
    known = /* @__PURE__ */ new Set();
    const seen = /* @__PURE__ */ new Set();
    for (let name = profile; name !== void 0 && !seen.has(name); name = profiles.get(name)?.extends) {
      seen.add(name);
      for (const service of profiles.get(name)?.services ?? []) known.add(service);
    }
    servicesOf.set(profile, known);
    return known;
  };
  const networks = /* @__PURE__ */ new Map();
  for (const host of fleet.hosts) {
    const boot = host.data.interfaces.find((nic) => nic.boot);
    if (!boot) continue;
    for (const service of services(host.data.profile)) {
      let set = networks.get(service);
      if (!set) networks.set(service, set = /* @__PURE__ */ new Set());
      set.add(boot.network);
    }
  }
  return (service) => [...networks.get(service) ?? []].sort();
}

// src/validate/checks/references.ts
var NIX_RESERVED_KEYS = /* @__PURE__ */ new Set(["outPath", "__toString", "__functor", "__ignoreNulls"]);
var NIX_RESERVED_LIST = [...NIX_RESERVED_KEYS];
function unknownProfile(report, allProfileNames, document, path37, name, what) {
  if (allProfileNames.has(name)) return;
  const profileNames = [...allProfileNames].sort();
  const suggestion = closestMatch(name, profileNames);
  report.at(document, path37, {
    code: "PROFILE_UNKNOWN",
    message: `${what} names profile "${name}", which does not exist`,
    hint: suggestion ? `did you mean "${suggestion}"?` : `create profiles/${name}.yaml or use one of: ${profileNames.join(", ") || "(no profiles)"}`
  });
}
function checkHostReferences(host, context, report) {
  unknownProfile(report, context.allProfileNames, host.document, ["profile"], host.data.profile, `host "${host.name}"`);
  checkLabels(host.document, host.data.labels, report);
  const fleetData = context.fleet?.data;
  if (!fleetData) return;
  const clusters = fleetData.clusters ? namesOf(fleetData.clusters) : void 0;
  if (clusters && host.data.cluster !== void 0 && !clusters.set.has(host.data.cluster)) unknownCluster(report, clusters.names, host.document, ["cluster"], host.data.cluster);
  const networks = namesOf(fleetData.networks);
  host.data.interfaces.forEach((nic, i) => {
    if (networks.set.has(nic.network)) return;
    const suggestion = closestMatch(nic.network, networks.names);
    report.at(host.document, ["interfaces", i, "network"], { code: "NETWORK_UNKNOWN", message: `network "${nic.network}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known networks: ${networks.names.join(", ")}` });
  });
}
var knownNames = /* @__PURE__ */ new WeakMap();
function namesOf(record2) {
  let known = knownNames.get(record2);
  if (!known) {
    const list3 = Object.keys(record2);
    knownNames.set(record2, known = { names: list3, set: new Set(list3) });
  }
  return known;
}
function unknownCluster(report, clusters, document, path37, name) {
  if (clusters.includes(name)) return;
  const suggestion = closestMatch(name, clusters);
  report.at(document, path37, { code: "CLUSTER_UNKNOWN", message: `cluster "${name}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `known clusters: ${clusters.join(", ")}` });
}
function checkReferences(fleet, report) {
  for (const profile of fleet.profiles) {
    if (profile.data.extends !== void 0) unknownProfile(report, fleet.allProfileNames, profile.document, ["extends"], profile.data.extends, `profile "${profile.name}"`);
  }
  checkCycles(fleet.profiles, report);
  const fleetFile = fleet.fleet;
  for (const profile of fleet.profiles) {
    checkLabels(profile.document, profile.data.labels, report);
    (profile.data.modules ?? []).forEach((module2, i) => {
      if (fleet.nixFiles.has(module2)) return;
      const suggestion = closestMatch(module2, [...fleet.nixFiles.keys()]);
      report.at(profile.document, ["modules", i], { code: "NIX_MODULE_MISSING", message: `module ${module2} does not exist under nix/`, hint: suggestion ? `did you mean "${suggestion}"?` : "paths are relative to the nix/ directory beside the fleet" });
    });
  }
  if (!fleetFile) return;
  const fleetData = fleetFile.data;
  (fleetData.deploy?.order ?? []).forEach((name, i) => unknownProfile(report, fleet.allProfileNames, fleetFile.document, ["deploy", "order", i], name, "deploy.order"));
  const services = Object.keys(fleetData.services ?? {});
  const unknownService = (document, path37, name) => {
    if (services.includes(name)) return;
    const suggestion = closestMatch(name, services);
    report.at(document, path37, { code: "SERVICE_UNKNOWN", message: `service "${name}" is not defined in fleet.yaml`, hint: suggestion ? `did you mean "${suggestion}"?` : `define it under services: in fleet.yaml (known: ${services.join(", ") || "none"})` });
  };
  for (const profile of fleet.profiles) (profile.data.services ?? []).forEach((name, i) => unknownService(profile.document, ["services", i], name));
  for (const [service, spec] of Object.entries(fleetData.services ?? {})) {
    (spec.after ?? []).forEach((name, i) => unknownService(fleetFile.document, ["services", service, "after", i], name));
    const ports = Object.keys(spec.ports ?? {});
    if (spec.health?.port !== void 0 && !ports.includes(spec.health.port)) {
      report.at(fleetFile.document, ["services", service, "health", "port"], { code: "SERVICE_UNKNOWN", message: `service "${service}" has no port named "${spec.health.port}"`, hint: `named ports: ${ports.join(", ") || "none"}` });
    }
  }
  const clusters = fleetData.clusters ? Object.keys(fleetData.clusters) : void 0;
  if (clusters && fleetData.defaults?.cluster !== void 0) unknownCluster(report, clusters, fleetFile.document, ["defaults", "cluster"], fleetData.defaults.cluster);
}
function checkCycles(profiles, report) {
  const byName = /* @__PURE__ */ new Map();
  for (const profile of profiles) if (!byName.has(profile.name)) byName.set(profile.name, profile);
  const reported = /* @__PURE__ */ new Set();
  for (const start of byName.values()) {
    const chain = [];
    let current = start;
    while (current && !chain.includes(current.name)) {
      chain.push(current.name);
      current = current.data.extends === void 0 ? void 0 : byName.get(current.data.extends);
    }
    if (!current) continue;
    const cycle = chain.slice(chain.indexOf(current.name));
    const text = [...cycle, cycle[0]].join(" \u2192 ");
    for (const member of cycle) {
      if (reported.has(member)) continue;
      reported.add(member);
      report.at(byName.get(member).document, ["extends"], { code: "PROFILE_CYCLE", message: `profiles extend each other in a cycle: ${text}`, hint: "break the cycle: one profile of it must not extend another" });
    }
  }
}
function checkLabels(document, labels, report) {
  if (!labels || !NIX_RESERVED_LIST.some((key) => Object.hasOwn(labels, key))) return;
  for (const key of Object.keys(labels)) {
    if (NIX_RESERVED_KEYS.has(key)) {
      report.at(document, ["labels", key], { code: "LABEL_KEY_RESERVED", part: "key", message: `label key "${key}" is reserved by Nix`, hint: "Nix treats this attribute name specially; choose another key" });
    }
  }
}

// src/validate/checks/secrets.ts
function checkHostSecrets(host, report) {
  const password = host.data.bmc?.password;
  if (!password || readableByApply(password)) return;
  report.at(host.document, ["bmc", "password", "host"], {
    code: "SECRET_NOT_READABLE",
    message: `the BMC password of ${host.name} is kept on the host, but fleetc apply reads it on the deployer to power the machine on before it runs`,
    hint: "give it as { file: /path/on/the/deployer } or { env: VARIABLE }"
  });
}
function checkSecrets(fleet, report) {
  const fleetFile = fleet.fleet;
  if (!fleetFile) return;
  const firstBoot = fleetFile.data.firstBoot;
  const names = [firstBoot?.joinToken, firstBoot?.iam?.adminPassword].filter((n) => n !== void 0);
  for (const name of new Set(names)) {
    const ref = fleetFile.data.secrets?.[name];
    if (!ref || !("host" in ref)) continue;
    const inStore = ref.host.startsWith("/nix/store/");
    if (!inStore && !ref.host.startsWith(`${CREDENTIALS_DIR}/`)) continue;
    report.at(fleetFile.document, ["secrets", name, "host"], {
      code: "SECRET_NOT_DELIVERED",
      message: inStore ? `secret ${name} would be read from the Nix store, which every user of the host can read and no secret tool writes to` : `secret ${name} points into ${CREDENTIALS_DIR}, where fleetc apply writes the { file } and { env } secrets it delivers`,
      hint: "use { file } or { env } to have fleetc apply deliver it, or the path your secret tool (sops-nix, agenix) writes, e.g. /run/agenix/<name>"
    });
  }
}

// src/model/layout-fit.ts
var KIB = 1024;
var MIB = 1024 * KIB;
var GPT_GEOMETRIES = [
  { sectorBytes: 512, alignmentSectors: 2048, firstUsableSector: 34, backupSectors: 33 },
  { sectorBytes: 4096, alignmentSectors: 256, firstUsableSector: 6, backupSectors: 5 }
];
var LVM_PE_START_BYTES = 1 * MIB;
var LVM_EXTENT_BYTES = 4 * MIB;
var MD_RESERVE_BYTES = 130 * MIB;
var MIN_BYTES = { filesystem: 512 * MIB, boot: 256 * MIB, swap: 1 * MIB, zfsMember: 64 * MIB };
function contentFloorBytes(content) {
  switch (content.kind) {
    case "esp":
    case "boot":
      return MIN_BYTES.boot;
    case "swap":
      return MIN_BYTES.swap;
    case "filesystem":
      return MIN_BYTES.filesystem;
    case "md-member":
      return MIN_BYTES.filesystem + MD_RESERVE_BYTES;
    case "zfs-member":
      return MIN_BYTES.zfsMember;
    case "bios-boot":
    case "lvm-pv":
      return void 0;
  }
}
function volumeFloorBytes(volume) {
  return volume.content.kind === "swap" ? MIN_BYTES.swap : MIN_BYTES.filesystem;
}
var alignUp = (value, alignment) => Math.ceil(value / alignment) * alignment;
var alignDown = (value, alignment) => Math.floor(value / alignment) * alignment;
function placePartitions(diskBytes, partitions, geometry) {
  const sectors = Math.floor(diskBytes / geometry.sectorBytes);
  const lastUsable = sectors - geometry.backupSectors - 1;
  const placed2 = [];
  let next = geometry.firstUsableSector;
  for (const [index, partition2] of partitions.entries()) {
    const start = alignUp(next, geometry.alignmentSectors);
    const availableBytes = Math.max(0, lastUsable - start + 1) * geometry.sectorBytes;
    let end;
    if (partition2.size === REST) {
      const aligned = alignDown(lastUsable + 1, geometry.alignmentSectors) - 1;
      end = aligned >= start ? aligned : lastUsable;
      const bytes = (end - start + 1) * geometry.sectorBytes;
      if (end < start || bytes < (contentFloorBytes(partition2.content) ?? 1)) return { fits: false, index, availableBytes, placed: placed2 };
    } else {
      end = start + Math.max(1, Math.floor(sizeBytes(partition2.size) / geometry.sectorBytes)) - 1;
      if (end > lastUsable) return { fits: false, index, availableBytes, placed: placed2 };
    }
    placed2.push({ name: partition2.name, startSector: start, endSector: end, bytes: (end - start + 1) * geometry.sectorBytes });
    next = end + 1;
  }
  return { fits: true, partitions: placed2 };
}
function volumeGroupExtents(pvBytes) {
  return Math.max(0, Math.floor((pvBytes - LVM_PE_START_BYTES) / LVM_EXTENT_BYTES));
}
function allocateVolumes(pvBytes, volumes) {
  let free = volumeGroupExtents(pvBytes);
  const extents = /* @__PURE__ */ new Map();
  for (const [index, volume] of volumes.entries()) {
    const floor = Math.ceil(volumeFloorBytes(volume) / LVM_EXTENT_BYTES);
    const needed = volume.size === REST ? floor : Math.max(1, Math.ceil(sizeBytes(volume.size) / LVM_EXTENT_BYTES));
    if (needed > free) return { fits: false, index, freeExtents: free, neededExtents: needed };
    const taken = volume.size === REST ? free : needed;
    extents.set(volume.name, taken);
    free -= taken;
  }
  return { fits: true, extents };
}
function layoutFitProblems(plan, diskBytes) {
  const problems = /* @__PURE__ */ new Map();
  const add = (at, message) => {
    const key = JSON.stringify(at);
    if (!problems.has(key)) problems.set(key, { at, message });
  };
  for (const disk of plan.disks) {
    const bytes = diskBytes[disk.name];
    for (const geometry of GPT_GEOMETRIES) {
      const placement = placePartitions(bytes, disk.partitions, geometry);
      if (!placement.fits) {
        const partition2 = disk.partitions[placement.index];
        const what = `partition ${partition2.name} (${partition2.size})`;
        const room = `disk ${disk.name} (${formatBytes(bytes)}) has ${formatBytesExact(placement.availableBytes)} left for it`;
        const sectors = geometry.sectorBytes === 512 ? "" : ` with ${geometry.sectorBytes}-byte sectors`;
        add(partition2.at, partition2.size === REST ? `${what} needs at least ${formatBytes(contentFloorBytes(partition2.content) ?? 1)}, but ${room}${sectors} after GPT's tables and 1 MiB alignment` : `${what} does not fit: ${room}${sectors} after GPT's tables and 1 MiB alignment`);
        break;
      }
      if (plan.volumeGroup) {
        const pv = disk.partitions.findIndex((p) => p.content.kind === "lvm-pv");
        if (pv < 0) continue;
        const allocation = allocateVolumes(placement.partitions[pv].bytes, plan.volumeGroup.volumes);
        if (!allocation.fits) {
          const volume = plan.volumeGroup.volumes[allocation.index];
          add(volume.at, `volume ${volume.name} (${volume.size}) needs ${allocation.neededExtents} extents of 4M, but volume group ${plan.volumeGroup.name} on disk ${disk.name} (${formatBytes(bytes)}) has ${allocation.freeExtents} left`);
          break;
        }
      }
    }
  }
  return [...problems.values()];
}
function undersizedProblems(plan) {
  const problems = /* @__PURE__ */ new Map();
  const check = (at, what, size2, floor) => {
    if (size2 === REST || floor === void 0 || sizeBytes(size2) >= floor) return;
    const key = JSON.stringify(at);
    if (!problems.has(key)) problems.set(key, { at, message: `${what} (${size2}) is smaller than the ${formatBytes(floor)} it needs at least` });
  };
  for (const disk of plan.disks) for (const p of disk.partitions) check(p.at, `partition ${p.name}`, p.size, contentFloorBytes(p.content));
  for (const v of plan.volumeGroup?.volumes ?? []) check(v.at, `volume ${v.name}`, v.size, volumeFloorBytes(v));
  return [...problems.values()];
}

// src/validate/checks/hardware.ts
function checkHostHardware(host, context, report) {
  const defaults = context.fleet?.data.defaults ?? {};
  const hardware = host.data.hardware;
  const arch = hardware.arch ?? defaults.arch ?? "x86_64";
  const firmware = hardware.firmware ?? defaults.firmware ?? "uefi";
  if (arch === "aarch64" && firmware === "bios") {
    report.at(host.document, hardware.firmware ? ["hardware", "firmware"] : ["hardware"], { code: "FIRMWARE_ARCH_MISMATCH", message: `host ${host.name} is aarch64 with BIOS firmware`, hint: "aarch64 servers boot through UEFI: set firmware: uefi" });
  }
  checkDevices(host, report);
  if (checkLayoutDisks(host, report)) checkLayout(host, firmware, report);
}
function checkDevices(host, report) {
  const disks = host.data.hardware.disks;
  const names = [];
  const devices2 = [];
  for (const name of Object.keys(disks)) {
    const device = canonicalDevice(disks[name].device);
    const other = devices2.indexOf(device);
    if (other >= 0) report.at(host.document, ["hardware", "disks", name, "device"], { code: "DISK_DUPLICATE_DEVICE", message: `disks ${names[other]} and ${name} are the same device ${disks[name].device}`, hint: "each disk entry is one physical disk" });
    else {
      names.push(name);
      devices2.push(device);
    }
  }
}
function checkLayoutDisks(host, report) {
  const layout = host.data.hardware.layout;
  const disks = host.data.hardware.disks;
  const used = layoutDiskNames(layout);
  if (used.every((disk) => Object.hasOwn(disks, disk))) return true;
  const declared = Object.keys(disks);
  used.forEach((disk, i) => {
    if (declared.includes(disk)) return;
    const path37 = layout.kind === "single" || layout.kind === "lvm" ? ["hardware", "layout", "disk"] : ["hardware", "layout", "disks", i];
    const suggestion = closestMatch(disk, declared);
    report.at(host.document, path37, { code: "DISK_UNKNOWN", message: `the layout uses disk "${disk}", which host ${host.name} does not declare`, hint: suggestion ? `did you mean "${suggestion}"?` : `declared disks: ${declared.join(", ")}` });
  });
  return false;
}
function checkLayout(host, firmware, report) {
  const layout = host.data.hardware.layout;
  let consistent = true;
  const at = (path37, message, hint) => {
    consistent = false;
    report.at(host.document, ["hardware", "layout", ...path37], { code: "LAYOUT_INVALID", message, hint });
  };
  const mounts = layoutMounts(layout);
  if (mounts && !mounts.some(([, mount]) => mount !== void 0 && canonicalMount(mount) === "/")) {
    at([layout.kind === "zfs" ? "datasets" : "volumes"], `the ${layout.kind} layout of host ${host.name} mounts nothing at /`, "give one dataset or volume mount: /");
  }
  const seenMounts = /* @__PURE__ */ new Map();
  for (const [name, mount] of mounts ?? []) {
    if (mount === void 0) continue;
    const other = seenMounts.get(canonicalMount(mount));
    if (other) at([layout.kind === "zfs" ? "datasets" : "volumes", name, "mount"], `${name} and ${other} both mount at ${mount}`, "each mount point once");
    else seenMounts.set(canonicalMount(mount), name);
  }
  if (layout.kind === "lvm") {
    const rest = Object.entries(layout.volumes).filter(([, v]) => v.size === "100%").map(([name]) => name);
    if (rest.length > 1) at(["volumes", rest[1], "size"], `volumes ${rest.join(" and ")} both take 100% of the free space`, "only one volume can take the rest");
    for (const [name, volume] of Object.entries(layout.volumes)) {
      if (volume.swap && (volume.fs || volume.mount)) at(["volumes", name], `volume ${name} is swap and also has a file system or mount`, "a swap volume has neither fs nor mount");
    }
  }
  if (layout.kind === "zfs") {
    const mode = layout.mode ?? (layout.disks.length > 1 ? "mirror" : "stripe");
    const needed = ZFS_MIN_DISKS[mode];
    if (layout.disks.length < needed) at(["mode"], `ZFS ${mode} needs at least ${needed} disks, the layout has ${layout.disks.length}`, "add disks or choose another mode");
  }
  if (!consistent) return;
  const { undersized, tooLarge } = measureLayout(layout, firmware, host.data.hardware.disks);
  for (const problem of undersized) {
    report.at(host.document, ["hardware", "layout", ...problem.at], { code: "PARTITION_TOO_SMALL", message: `host ${host.name}: ${problem.message}`, hint: "give it at least that much (docs/disks.md lists the floors)" });
  }
  for (const problem of tooLarge) {
    report.at(host.document, ["hardware", "layout", ...problem.at], { code: "LAYOUT_TOO_LARGE", message: `host ${host.name}: ${problem.message}`, hint: "shrink this or an earlier partition or volume; docs/disks.md shows how the space is counted" });
  }
}
var measured = /* @__PURE__ */ new Map();
var MEASURED_MAX = 4096;
function measureLayout(layout, firmware, disks) {
  const names = layoutDiskNames(layout);
  let key = `${firmware}\0${JSON.stringify(layout)}`;
  for (const name of names) key += `\0${disks[name].size}`;
  let found = measured.get(key);
  if (!found) {
    const diskBytes = Object.fromEntries(names.map((name) => [name, sizeBytes(disks[name].size)]));
    const plan = planLayout(layout, firmware);
    found = { undersized: undersizedProblems(plan), tooLarge: layoutFitProblems(plan, diskBytes) };
    if (measured.size >= MEASURED_MAX) measured.clear();
    measured.set(key, found);
  }
  return found;
}
function layoutMounts(layout) {
  if (layout.kind === "zfs") return Object.entries(layout.datasets).map(([name, d]) => [name, d.mount]);
  if (layout.kind === "lvm") return Object.entries(layout.volumes).map(([name, v]) => [name, v.mount]);
  return void 0;
}

// src/validate/checks/mtu.ts
var DEFAULT_MTU = 1500;
function checkHostMtus(host, context, report) {
  const networks = context.fleet?.data.networks;
  if (!networks) return;
  if (!host.data.interfaces.some((nic) => networks[nic.network]?.vlan !== void 0)) return;
  const nics = host.data.interfaces.map((nic, index) => ({ nic, index, network: networks[nic.network] })).filter((n) => n.network !== void 0);
  for (const tagged of nics) {
    if (tagged.network.vlan === void 0) continue;
    const untagged = nics.find((n) => n.nic.name === tagged.nic.name && n.network.vlan === void 0);
    if (!untagged) continue;
    const parentMtu = untagged.nic.mtu ?? untagged.network.mtu ?? DEFAULT_MTU;
    const mtu = tagged.nic.mtu ?? tagged.network.mtu ?? DEFAULT_MTU;
    if (mtu <= parentMtu) continue;
    report.at(host.document, ["interfaces", tagged.index, tagged.nic.mtu !== void 0 ? "mtu" : "network"], {
      code: "VLAN_MTU_EXCEEDS_NIC",
      message: `network ${tagged.nic.network} (VLAN ${tagged.network.vlan}) needs MTU ${mtu}, but ${tagged.nic.name} runs at ${parentMtu} for its untagged network ${untagged.nic.network}, so the VLAN cannot carry such frames`,
      hint: `run ${tagged.nic.network} at ${parentMtu} on this host (mtu: ${parentMtu} on this interface), or give ${untagged.nic.network} MTU ${mtu} if every host and switch port on it takes jumbo frames`
    });
  }
}

// src/validate/host-checks.ts
function checkHost(host, context) {
  const report = new Reporter();
  checkHostName(host, context, report);
  checkHostReferences(host, context, report);
  const claims = checkHostAddresses(host, context, report);
  checkHostMtus(host, context, report);
  checkHostSpellings(host, report);
  checkHostHardware(host, context, report);
  checkHostSecrets(host, report);
  checkHostBoot(host, context, report);
  return { diagnostics: report.diagnostics, claims };
}

// src/validate/schema-errors.ts
function schemaDiagnostics(document, errors) {
  const secretPaths = new Set(errors.filter((e) => isInlineSecret(e)).map((e) => e.instancePath));
  const nestedNameErrors = new Set(errors.filter((e) => e.propertyName !== void 0 && e.keyword !== "propertyNames").map((e) => e.instancePath));
  const out = [];
  for (const error of errors) {
    if (secretPaths.has(error.instancePath) && !isInlineSecret(error)) continue;
    if (error.keyword === "propertyNames" && nestedNameErrors.has(error.instancePath)) continue;
    if (error.keyword === "if" || error.keyword === "oneOf" || error.keyword === "anyOf") continue;
    out.push(toDiagnostic(document, error));
  }
  return out;
}
function toDiagnostic(document, error) {
  const path37 = pointerToPath(error.instancePath);
  const schema = error.parentSchema ?? {};
  const at = (p, part = "value") => locate(document.doc, p, part);
  const base = { severity: "error", file: document.file };
  const where = describePath(path37);
  const params = error.params;
  if (isInlineSecret(error)) {
    return { ...base, code: "SECRET_INLINE", range: at(path37), message: `${where} holds a secret value inline; secrets must be references`, hint: "write { file: /run/secrets/\u2026 } or { env: VARIABLE_NAME } instead of the value, and remove the value from git history" };
  }
  if (isSecretPath(document.kind, path37)) return secretDiagnostic(error, base, at, path37, where);
  if (error.propertyName !== void 0) {
    const keyPath = [...path37, error.propertyName];
    return { ...base, code: codeFor(error.keyword), range: at(keyPath, "key"), message: `${where ? where + ": " : ""}key "${error.propertyName}" is not a valid name`, hint: hintFrom(schema) ?? "use lower-case letters, digits and dashes" };
  }
  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      return { ...base, code: "SCHEMA_REQUIRED", range: at(path37), message: `${where || "the file"} is missing the required property "${missing}"`, hint: hintFrom((schema.properties ?? {})[missing] ?? {}) };
    }
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      const suggestion = closestMatch(extra, allowed);
      return { ...base, code: "SCHEMA_UNKNOWN_PROPERTY", range: at([...path37, extra], "key"), message: `unknown property "${extra}"${where ? ` in ${where}` : ""}`, hint: suggestion ? `did you mean "${suggestion}"?` : allowed.length ? `allowed here: ${allowed.join(", ")}` : void 0 };
    }
    case "type":
      return { ...base, code: "SCHEMA_TYPE", range: at(path37), message: `${where || "the value"} must be ${article(String(params.type))}, not ${describeType(error.data)}`, hint: typeHint(error.data, String(params.type)) ?? hintFrom(schema) };
    case "enum":
      return { ...base, code: "SCHEMA_ENUM", range: at(path37), message: `${where} must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`, hint: suggestValue(error.data, params.allowedValues) };
    case "const":
      return { ...base, code: "SCHEMA_ENUM", range: at(path37), message: `${where} must be ${JSON.stringify(params.allowedValue)}` };
    case "discriminator": {
      const tag = String(params.tag);
      const allowed = (schema.oneOf ?? []).map((branch) => (branch.properties?.[tag] ?? {}).const).filter((v) => v !== void 0);
      if (params.error === "tag") return { ...base, code: "SCHEMA_TYPE", range: at([...path37, tag]), message: `${describePath([...path37, tag])} must be a string` };
      return { ...base, code: "SCHEMA_ENUM", range: at([...path37, tag]), message: `${describePath([...path37, tag])} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`, hint: suggestValue(params.tagValue, allowed) };
    }
    case "pattern":
      return { ...base, code: "SCHEMA_PATTERN", range: at(path37), message: `${where} has the wrong form: ${JSON.stringify(error.data)}`, hint: hintFrom(schema) };
    case "format":
      return { ...base, code: "SCHEMA_FORMAT", range: at(path37), message: `${where} is not a valid ${String(params.format)}: ${JSON.stringify(error.data)}`, hint: hintFrom(schema) };
    case "uniqueItems":
      return { ...base, code: "SCHEMA_UNIQUE", range: at([...path37, Number(params.i)]), message: `${where} lists ${JSON.stringify(error.data[Number(params.i)])} twice (items ${Number(params.j) + 1} and ${Number(params.i) + 1})`, hint: "remove the repeated item" };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return { ...base, code: "SCHEMA_RANGE", range: at(path37), message: `${where || "the value"} ${error.message ?? "is out of range"}`, hint: hintFrom(schema) };
    default:
      return { ...base, code: "SCHEMA_INVALID", range: at(path37), message: `${where || "the value"} ${error.message ?? "is invalid"}`, hint: hintFrom(schema) };
  }
}
function secretDiagnostic(error, base, at, path37, where) {
  const schema = error.parentSchema ?? {};
  const params = error.params;
  const hint = hintFrom(schema);
  switch (error.keyword) {
    case "required":
      return { ...base, code: "SCHEMA_REQUIRED", range: at(path37), message: `${where} is missing the required property "${String(params.missingProperty)}"`, hint: "a secret is { file: /absolute/path } or { env: VARIABLE_NAME }" };
    case "additionalProperties":
      return { ...base, code: "SCHEMA_UNKNOWN_PROPERTY", range: at(path37), message: `${where} has a property that a secret reference does not have`, hint: `allowed here: ${Object.keys(schema.properties ?? {}).join(", ")}` };
    case "type":
      return { ...base, code: "SCHEMA_TYPE", range: at(path37), message: `${where} must be ${article(String(params.type))} (the value is not shown: a secret position)`, hint };
    case "pattern":
      return { ...base, code: "SCHEMA_PATTERN", range: at(path37), message: `${where} has the wrong form (the value is not shown: a secret position)`, hint };
    case "format":
      return { ...base, code: "SCHEMA_FORMAT", range: at(path37), message: `${where} is not a valid ${String(params.format)} (the value is not shown: a secret position)`, hint };
    default:
      return { ...base, code: error.propertyName !== void 0 ? codeFor(error.keyword) : "SCHEMA_INVALID", range: at(path37), message: `${where || "the value"} ${error.message ?? "is invalid"} (the value is not shown: a secret position)`, hint };
  }
}
function isInlineSecret(error) {
  return error.keyword === "type" && error.schemaPath.includes("/secretRef/") && (typeof error.data === "string" || typeof error.data === "number");
}
function codeFor(keyword) {
  return keyword === "pattern" ? "SCHEMA_PATTERN" : keyword === "maxLength" || keyword === "minLength" ? "SCHEMA_RANGE" : "SCHEMA_INVALID";
}
function pointerToPath(pointer) {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((raw) => {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
  });
}
function describePath(path37) {
  let out = "";
  for (const segment of path37) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]` : segment;
  }
  return out;
}
function hintFrom(schema) {
  const example = schema.examples?.[0];
  const exampleText = example === void 0 ? "" : typeof example === "string" ? example : JSON.stringify(example);
  if (schema.description && exampleText) return `${schema.description} Example: ${exampleText}`;
  return schema.description ?? (exampleText ? `example: ${exampleText}` : void 0);
}
function typeHint(data, expected) {
  if (expected === "string" && typeof data === "number") return "quote the value so YAML reads it as a string";
  if (expected === "string" && typeof data === "boolean") return "quote the value: YAML reads true/false as booleans";
  if (expected === "array" && typeof data === "string") return 'write a list: [a, b] or one "- item" per line';
  return void 0;
}
function suggestValue(value, allowed) {
  const match = typeof value === "string" ? closestMatch(value, allowed.filter((v) => typeof v === "string")) : void 0;
  return match ? `did you mean "${match}"?` : void 0;
}
function describeType(value) {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}
function article(type) {
  const names = { object: "a mapping", array: "a list", string: "a string", integer: "an integer", number: "a number", boolean: "a boolean (true or false)", null: "null" };
  return type.split(",").map((t) => names[t] ?? t).join(" or ");
}

// src/validate/memo.ts
var ValidationMemo = class {
  context;
  findings = /* @__PURE__ */ new WeakMap();
  /** The same, by the Checked object itself (validateFleet gives a document the same one each run): one lookup. */
  byChecked = /* @__PURE__ */ new WeakMap();
  /** Forgets every finding when the fleet-wide facts changed. */
  useContext(context) {
    const key = { fleetData: context.fleet?.data, profileNames: [...context.allProfileNames].sort().join("\0") };
    if (!this.context || this.context.fleetData !== key.fleetData || this.context.profileNames !== key.profileNames) {
      this.findings = /* @__PURE__ */ new WeakMap();
      this.byChecked = /* @__PURE__ */ new WeakMap();
    }
    this.context = key;
  }
  /** The findings of a file checked before, shown under this document's path (a plan's base names files by revision). */
  get(host) {
    const same2 = this.byChecked.get(host);
    if (same2) return same2;
    const found = this.findings.get(host.data)?.get(host.document.relPath);
    if (!found) return void 0;
    const file = host.document.file;
    return found.diagnostics.every((d) => d.file === file) ? found : { claims: found.claims, diagnostics: found.diagnostics.map((d) => ({ ...d, file })) };
  }
  set(host, findings) {
    if (!Object.isFrozen(host.data)) return;
    this.byChecked.set(host, findings);
    let byPath = this.findings.get(host.data);
    if (!byPath) this.findings.set(host.data, byPath = /* @__PURE__ */ new Map());
    byPath.set(host.document.relPath, findings);
  }
};

// src/validate/index.ts
var passedSchema = /* @__PURE__ */ new WeakMap();
function validateFleet(loaded2, layout, reuse = {}) {
  const { memo, schemas: record2, knownClean, cleanBuild } = reuse;
  const diagnostics = [];
  const check = (document) => {
    const data = document.data;
    if (cleanBuild) return { document, data, name: nameOf(document) };
    const kept2 = passedAs.get(document);
    if (kept2) return kept2;
    if (passedSchema.get(data) === document.kind) return passed(document);
    const id = record2 && Object.isFrozen(data) ? document.blobId : void 0;
    if (id !== void 0 && record2.passedSchema(id, document.kind, schemaFingerprint())) {
      passedSchema.set(data, document.kind);
      return passed(document);
    }
    const validate = schemaValidators()[document.kind];
    if (validate(document.data)) {
      if (Object.isFrozen(data)) passedSchema.set(data, document.kind);
      if (id !== void 0) record2.markPassed(id, document.kind, schemaFingerprint());
      return passed(document);
    }
    diagnostics.push(...schemaDiagnostics(document, validate.errors ?? []));
    return void 0;
  };
  const fleet = loaded2.fleet ? check(loaded2.fleet) : void 0;
  const checked = {
    fleet,
    profiles: loaded2.profiles.map((d) => check(d)).filter((c) => c !== void 0),
    hosts: loaded2.hosts.map((d) => check(d)).filter((c) => c !== void 0),
    nixFiles: loaded2.nixFiles,
    allProfileNames: new Set(loaded2.profiles.map(nameOf)),
    allHostNames: new Set(loaded2.hosts.map(nameOf))
  };
  if (cleanBuild) return { value: checked, diagnostics: [] };
  const report = new Reporter();
  checkNames(checked, report);
  checkReferences(checked, report);
  checkInputs(checked, report, layout);
  const context = { fleet, networks: checkNetworks(checked, report), allProfileNames: checked.allProfileNames };
  memo?.useContext(context);
  const hosts = checked.hosts.map((host) => {
    const blobId2 = host.document.blobId;
    const found = memo?.get(host);
    const result = found ?? (blobId2 !== void 0 && knownClean?.(host.document.relPath, blobId2) ? { diagnostics: [], claims: hostClaims(host) } : checkHost(host, context));
    if (!found) memo?.set(host, result);
    report.diagnostics.push(...result.diagnostics);
    return { host, claims: result.claims };
  });
  if (reuse.claims) reuse.claims.check(checked, hosts, report);
  else checkClaims(checked, hosts, report);
  if (reuse.ports) reuse.ports.check(checked, report);
  else checkPorts(checked, report);
  checkFirstBoot(checked, report);
  checkSecrets(checked, report);
  checkBoot(checked, report);
  checkHostKeys(checked, report);
  return { value: checked, diagnostics: [...diagnostics, ...report.diagnostics] };
}
var passedAs = /* @__PURE__ */ new WeakMap();
function passed(document) {
  const checked = { document, data: document.data, name: nameOf(document) };
  if (Object.isFrozen(document.data)) passedAs.set(document, checked);
  return checked;
}
function nameOf(document) {
  const name = document.data.name;
  return typeof name === "string" ? name : document.stem;
}

// src/compile/source-key.ts
var import_node_crypto10 = require("node:crypto");
var import_node_fs11 = require("node:fs");
var FLEETC_VERSION = JSON.parse((0, import_node_fs11.readFileSync)(packageFile("package.json"), "utf8")).version;
var KEY_VERSION = 2;
function sourceKey(raw, layout, library) {
  const kept2 = keys.get(raw);
  if (kept2 && kept2.files === raw.files && kept2.nixFiles === raw.nixFiles && kept2.library === library && kept2.out === layout.outDirFromRoot && kept2.nix === layout.nixDirFromOut) return kept2.key;
  const key = computeKey(raw, layout, library);
  keys.set(raw, { files: raw.files, nixFiles: raw.nixFiles, library, out: layout.outDirFromRoot, nix: layout.nixDirFromOut, key });
  return key;
}
var keys = /* @__PURE__ */ new WeakMap();
function computeKey(raw, layout, library) {
  const hash = (0, import_node_crypto10.createHash)("sha256").update(`fleetc-source ${KEY_VERSION}
fleetc ${FLEETC_VERSION}
out ${layout.outDirFromRoot}
nix ${layout.nixDirFromOut}
`);
  const files = raw.files.every((f, i) => i === 0 || raw.files[i - 1].relPath < f.relPath) ? raw.files : [...raw.files].sort((a, b) => a.relPath < b.relPath ? -1 : 1);
  let lines2 = "";
  for (const file of files) lines2 += lineOf(file);
  hash.update(lines2);
  for (const [file, sha] of [...raw.nixFiles].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) hash.update(`nix ${file} ${sha}
`);
  for (const [file, sha] of [...library.files].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) hash.update(`library ${file} ${sha}
`);
  return hash.digest("hex");
}
var lines = /* @__PURE__ */ new WeakMap();
function lineOf(file) {
  let line = lines.get(file);
  if (line === void 0) lines.set(file, line = `fleet ${file.relPath} ${blobIdOfFile(file)}
`);
  return line;
}

// src/compile/index.ts
function newCompileMemo() {
  return { parse: /* @__PURE__ */ new WeakMap(), validation: new ValidationMemo(), resolve: new ResolveMemo() };
}
function compileRaw(raw, options) {
  return compileStages(raw, options).compilation;
}
function compileStages(raw, options) {
  const sources = new SourceRegistry();
  const loaded2 = parseFleet(raw, sources, options.parseCache, options.memo?.parse, options.preParsed);
  options.parsed?.();
  const result = { diagnostics: loaded2.diagnostics, sources, hostCount: loaded2.value.hosts.length, profileCount: loaded2.value.profiles.length };
  if (hasErrors(loaded2.diagnostics)) return { compilation: finish(result) };
  const checked = validateFleet(loaded2.value, { nixDirFromRoot: import_node_path8.default.posix.normalize(`${options.outDirFromRoot}/${options.nixDirFromOut}`) }, { memo: options.memo?.validation, schemas: options.parseCache, knownClean: options.knownClean, cleanBuild: options.cleanBuild, claims: options.memo?.claims, ports: options.memo?.ports });
  result.diagnostics = [...result.diagnostics, ...checked.diagnostics];
  if (hasErrors(result.diagnostics)) return { compilation: finish(result) };
  const resolved2 = resolveFleet(checked.value, options.memo?.resolve);
  result.diagnostics = [...result.diagnostics, ...resolved2.diagnostics];
  if (hasErrors(result.diagnostics)) return { compilation: finish(result) };
  result.fleet = resolved2.value;
  if (!options.validateOnly) result.artifacts = emitFleet(resolved2.value, emitContext(raw, options, result.diagnostics));
  return { compilation: finish(result), checked: checked.value };
}
function emitContext(raw, layout, diagnostics) {
  const library = raw.library ?? installedLibrary();
  return { nixDir: layout.nixDirFromOut, outDirFromRoot: layout.outDirFromRoot, nixFiles: raw.nixFiles, library, ...diagnostics.length === 0 ? { source: sourceKey(raw, layout, library) } : {} };
}
async function compileFromDisk(paths, options = {}) {
  const raw = options.raw ?? readFleetDirSync(paths.fleetDir, paths.nixDir);
  const pool = options.workers && !options.validateOnly ? new StagePool(options.workers) : void 0;
  try {
    const parseCache = options.cacheDir === void 0 ? void 0 : loadParseCache(options.cacheDir).cache;
    const layout = outputLayout(paths);
    const preParsed = pool && !parseCache ? await pool.parse(raw) : void 0;
    const result = compileRaw(raw, { ...layout, validateOnly: true, parseCache, preParsed, parsed: options.parsed });
    if (parseCache) saveParseCache(options.cacheDir, parseCache);
    if (!options.validateOnly && result.fleet) {
      if (result.diagnostics.length === 0) result.sources = new SourceRegistry();
      const context = emitContext(raw, layout, result.diagnostics);
      if (options.stream && !pool) result.stream = new FleetStream(result.fleet, context);
      else result.artifacts = pool ? await pool.emit(result.fleet, context) : emitFleet(result.fleet, context);
    }
    return result;
  } finally {
    await pool?.close();
  }
}
function outputLayout(paths) {
  return { nixDirFromOut: relativeNixDir(paths), outDirFromRoot: relativePosix(rootDirOf(paths), paths.outDir) };
}
function rootDirOf(paths) {
  return import_node_path8.default.resolve(paths.rootDir ?? import_node_path8.default.dirname(import_node_path8.default.resolve(paths.fleetDir)));
}
function relativeNixDir(paths) {
  return relativePosix(paths.outDir, paths.nixDir);
}
function relativePosix(from, to) {
  const relative = import_node_path8.default.relative(import_node_path8.default.resolve(from), import_node_path8.default.resolve(to)).split(import_node_path8.default.sep).join("/");
  return relative === "" ? "." : relative;
}
function finish(result) {
  result.diagnostics = sortDiagnostics(result.diagnostics);
  return result;
}

// src/compile/paths.ts
var import_node_fs12 = __toESM(require("node:fs"), 1);
var import_node_path9 = __toESM(require("node:path"), 1);
var NIX_PATH_SEGMENT = /^[A-Za-z0-9._+-]+$/;
function fleetRepositoryRoot(paths) {
  return rootDirOf(paths);
}
function pathsProblem(paths, check = { layout: true }) {
  if (check.layout) {
    const root = rootDirOf(paths);
    for (const [flag, dir, what] of [["--out", paths.outDir, "where flake.nix is written"], ["--nix", paths.nixDir, "so that the flake there can import it"]]) {
      if (!isInside(import_node_path9.default.resolve(dir), root)) return `${flag} ${dir} must be a directory inside the fleet repository root ${root} (the parent of --fleet), ${what}`;
    }
  }
  const nixFromOut = relativeNixDir(paths);
  const bad = nixFromOut.split("/").find((segment) => !NIX_PATH_SEGMENT.test(segment));
  if (bad !== void 0) {
    return `--nix ${paths.nixDir}: the generated files import it by the Nix path ${nixFromOut}, and "${bad}" cannot be part of a Nix path (only letters, digits and . _ + -); rename the directory or pass another --nix`;
  }
  const out = resolved(paths.outDir);
  for (const [flag, dir] of [["--fleet", paths.fleetDir], ["--nix", paths.nixDir]]) {
    const other = resolved(dir);
    if (out === other || isInside(out, other) || isInside(other, out)) {
      return `--out ${paths.outDir} and ${flag} ${dir} overlap; the output directory must be a directory of its own, outside the fleet and nix directories`;
    }
  }
  return void 0;
}
function resolved(dir) {
  let existing = import_node_path9.default.resolve(dir);
  const rest = [];
  while (!import_node_fs12.default.existsSync(existing) && import_node_path9.default.dirname(existing) !== existing) {
    rest.unshift(import_node_path9.default.basename(existing));
    existing = import_node_path9.default.dirname(existing);
  }
  return import_node_path9.default.join(import_node_fs12.default.realpathSync(existing), ...rest);
}
function isInside(child, parent) {
  const relative = import_node_path9.default.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !import_node_path9.default.isAbsolute(relative);
}

// src/write/writer.ts
var import_node_crypto12 = require("node:crypto");
var import_node_fs18 = __toESM(require("node:fs"), 1);
var import_node_path15 = __toESM(require("node:path"), 1);

// src/write/compare.ts
var import_node_fs13 = __toESM(require("node:fs"), 1);
var import_node_path10 = __toESM(require("node:path"), 1);
function compareWithDiskSync(outDir, artifacts, options = {}) {
  const existing = new Set(listFilesSync(outDir));
  const out = compareWith(existing, outputArtifacts(artifacts), (file) => readOrUndefined(import_node_path10.default.join(outDir, file)));
  return sortChanges([...out, ...compareRootFiles(rootDirOf2(outDir, options), artifacts)]);
}
function compareWithKnown(known, artifacts, outDir, options = {}) {
  const changes = [];
  let kept2 = 0;
  for (const artifact of artifacts) {
    if (artifact.root) continue;
    const contents = known.get(artifact.path);
    if (contents === void 0) changes.push({ path: artifact.path, change: "added" });
    else {
      kept2++;
      if (contents !== artifact.contents) changes.push({ path: artifact.path, change: "modified" });
    }
  }
  if (kept2 < known.size) {
    const emitted = new Set(artifacts.filter((a) => !a.root).map((a) => a.path));
    for (const file of known.keys()) if (!emitted.has(file)) changes.push({ path: file, change: "removed" });
  }
  return sortChanges([...changes, ...compareRootFiles(rootDirOf2(outDir, options), artifacts)]);
}
function compareTouched(known, patch, outDir, options = {}) {
  const changes = [];
  for (const artifact of patch.touched) {
    if (artifact.root) continue;
    const contents = known.get(artifact.path);
    if (contents === void 0) changes.push({ path: artifact.path, change: "added" });
    else if (contents !== artifact.contents) changes.push({ path: artifact.path, change: "modified" });
  }
  for (const file of patch.removed) if (known.has(file)) changes.push({ path: file, change: "removed" });
  return sortChanges([...changes, ...compareRootFiles(rootDirOf2(outDir, options), patch.touched)]);
}
function compareWithNothing(outDir, artifacts, options = {}) {
  const added = artifacts.flatMap((a) => a.root ? [] : [{ path: a.path, change: "added" }]);
  return sortChanges([...added, ...compareRootFiles(rootDirOf2(outDir, options), artifacts)]);
}
function rootDirOf2(outDir, options) {
  return import_node_path10.default.resolve(options.rootDir ?? import_node_path10.default.dirname(import_node_path10.default.resolve(outDir)));
}
function outputArtifacts(artifacts) {
  return artifacts.filter((a) => !a.root);
}
function compareRootFiles(rootDir, artifacts) {
  const changes = [];
  for (const artifact of artifacts) {
    if (!artifact.root) continue;
    const current = readOrUndefined(import_node_path10.default.join(rootDir, artifact.path));
    if (current !== artifact.contents) changes.push({ path: artifact.path, change: current === void 0 ? "added" : "modified", root: true });
  }
  return changes;
}
function compareWith(existing, artifacts, current) {
  const changes = [];
  const emitted = /* @__PURE__ */ new Set();
  for (const artifact of artifacts) {
    emitted.add(artifact.path);
    const contents = existing.has(artifact.path) ? current(artifact.path) : void 0;
    if (contents === void 0) changes.push({ path: artifact.path, change: existing.has(artifact.path) ? "modified" : "added" });
    else if (contents !== artifact.contents) changes.push({ path: artifact.path, change: "modified" });
  }
  for (const file of existing) if (!emitted.has(file)) changes.push({ path: file, change: "removed" });
  return changes;
}
function sortChanges(changes) {
  return changes.sort((a, b) => Number(a.root ?? false) - Number(b.root ?? false) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
function readOrUndefined(file) {
  try {
    return import_node_fs13.default.readFileSync(file, "utf8");
  } catch {
    return void 0;
  }
}
function listFilesSync(dir) {
  return walkFiles(dir);
}

// src/write/errors.ts
var WriteRefused = class extends Error {
};
var WriteFailed = class extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
  hint;
};
var LockTimeout = class extends Error {
};
var REASONS = {
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
  ENOTDIR: "a path component is not a directory",
  EISDIR: "is a directory",
  ENOTEMPTY: "directory not empty",
  EEXIST: "already exists",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  EXDEV: "on another file system",
  ELOOP: "too many symbolic links",
  ENOENT: "no such file or directory",
  EBUSY: "device or resource busy"
};
function isFileSystemError(error) {
  const code2 = error?.code;
  return typeof code2 === "string" && code2 in REASONS;
}
function hintFor(error) {
  const space = error.code === "ENOSPC" || error.code === "EDQUOT";
  return `${space ? "free some space" : "make the output directory and its parent writable"}, then build again; nothing was changed`;
}
function describeFileSystemError(error) {
  const where = [error.syscall, error.path].filter(Boolean).join(" ");
  return `${REASONS[error.code] ?? error.message} (${error.code}${where ? `, ${where}` : ""})`;
}

// src/write/journal.ts
var import_node_fs14 = __toESM(require("node:fs"), 1);
var import_node_path11 = __toESM(require("node:path"), 1);
var JOURNAL_VERSION = 2;
var WriteLayout = class {
  constructor(outDir, rootDir, id) {
    this.id = id;
    this.outDir = import_node_path11.default.resolve(outDir);
    this.rootDir = import_node_path11.default.resolve(rootDir);
    this.journalPath = import_node_path11.default.join(import_node_path11.default.dirname(this.outDir), `${prefixOf(this.outDir)}journal-${id}`);
  }
  id;
  outDir;
  rootDir;
  journalPath;
  /** The staging directory of a base's parent: holds out/ and root/ subtrees. */
  stagingDir(base) {
    return import_node_path11.default.join(base === "out" ? import_node_path11.default.dirname(this.outDir) : this.rootDir, `${prefixOf(this.outDir)}tmp-${this.id}`);
  }
  baseDir(base) {
    return base === "out" ? this.outDir : this.rootDir;
  }
  target(step) {
    return step.op === "whole" ? this.outDir : import_node_path11.default.join(this.baseDir(step.base), step.path);
  }
  /** A first build stages every file: the directory of new files is joined once per base, each path appended. */
  newDirs = {};
  staged(step) {
    const dir = this.newDirs[step.base] ??= import_node_path11.default.join(this.stagingDir(step.base), step.base, "new");
    return step.path === "" ? dir : `${dir}${import_node_path11.default.sep}${import_node_path11.default.sep === "/" ? step.path : step.path.split("/").join(import_node_path11.default.sep)}`;
  }
  backup(step) {
    return import_node_path11.default.join(this.stagingDir(step.base), step.base, "old", step.path);
  }
  /** Removes the staging directories (after the patch is done or undone). */
  removeStaging() {
    for (const base of ["out", "root"]) import_node_fs14.default.rmSync(this.stagingDir(base), { recursive: true, force: true });
  }
};
function prefixOf(outDir) {
  return `.${import_node_path11.default.basename(import_node_path11.default.resolve(outDir))}.`;
}
function writeJournal(layout, journal) {
  const temp = import_node_path11.default.join(import_node_path11.default.dirname(layout.outDir), `${prefixOf(layout.outDir)}tmp-${layout.id}.journal`);
  import_node_fs14.default.writeFileSync(temp, JSON.stringify(journal));
  import_node_fs14.default.renameSync(temp, layout.journalPath);
}
function readJournal(file) {
  try {
    const journal = JSON.parse(import_node_fs14.default.readFileSync(file, "utf8"));
    return journal.version === JOURNAL_VERSION && Array.isArray(journal.steps) ? journal : void 0;
  } catch {
    return void 0;
  }
}
function isDone(layout, step) {
  switch (step.op) {
    case "add":
    case "replace":
    case "whole":
      return !lexists(layout.staged(step));
    case "remove": {
      if (lexists(layout.backup(step))) return true;
      const stat = lstat(layout.target(step));
      return !stat || stat.isDirectory();
    }
  }
}
function untouched(layout, journal) {
  return journal.steps.every((step) => !isDone(layout, step) && !(step.op === "replace" && lexists(layout.backup(step))));
}
function rollForward(layout, journal, afterStep = () => {
}) {
  for (const step of journal.steps) {
    if (isDone(layout, step)) continue;
    doStep(layout, step);
    afterStep();
  }
}
function undo(layout, journal) {
  for (const step of [...journal.steps].reverse()) undoStep(layout, step);
}
function doStep(layout, step) {
  const target = layout.target(step);
  switch (step.op) {
    case "whole":
      import_node_fs14.default.renameSync(layout.staged(step), target);
      return;
    case "add":
      makeParents(layout.baseDir(step.base), step.path);
      import_node_fs14.default.renameSync(layout.staged(step), target);
      return;
    case "replace": {
      const backup = layout.backup(step);
      if (!lexists(backup)) keepOld(target, backup);
      import_node_fs14.default.renameSync(layout.staged(step), target);
      return;
    }
    case "remove": {
      const backup = layout.backup(step);
      import_node_fs14.default.mkdirSync(import_node_path11.default.dirname(backup), { recursive: true });
      import_node_fs14.default.renameSync(target, backup);
      if (step.base === "out") pruneEmptyParents(layout.outDir, step.path);
      return;
    }
  }
}
function undoStep(layout, step) {
  const target = layout.target(step);
  const backup = layout.backup(step);
  switch (step.op) {
    case "whole":
      if (isDone(layout, step) && lexists(target)) import_node_fs14.default.renameSync(target, layout.staged(step));
      return;
    case "add":
      if (!isDone(layout, step)) return;
      import_node_fs14.default.rmSync(target, { force: true });
      if (step.base === "out") pruneEmptyParents(layout.outDir, step.path);
      return;
    case "replace":
      if (!lexists(backup)) return;
      if (isDone(layout, step)) import_node_fs14.default.renameSync(backup, target);
      else import_node_fs14.default.rmSync(backup, { force: true });
      return;
    case "remove":
      if (!lexists(backup)) return;
      makeParents(layout.baseDir(step.base), step.path);
      import_node_fs14.default.renameSync(backup, target);
      return;
  }
}
function keepOld(file, backup) {
  import_node_fs14.default.mkdirSync(import_node_path11.default.dirname(backup), { recursive: true });
  try {
    import_node_fs14.default.linkSync(file, backup);
  } catch (error) {
    if (!["EPERM", "EXDEV", "ENOTSUP", "EMLINK", "EOPNOTSUPP"].includes(error.code ?? "")) throw error;
    import_node_fs14.default.copyFileSync(file, backup, import_node_fs14.default.constants.COPYFILE_EXCL);
  }
}
function makeParents(root, file) {
  const dir = import_node_path11.default.posix.dirname(file);
  if (dir !== ".") import_node_fs14.default.mkdirSync(import_node_path11.default.join(root, dir), { recursive: true });
}
function pruneEmptyParents(root, file) {
  for (let dir = import_node_path11.default.posix.dirname(file); dir !== "."; dir = import_node_path11.default.posix.dirname(dir)) {
    try {
      import_node_fs14.default.rmdirSync(import_node_path11.default.join(root, dir));
    } catch {
      return;
    }
  }
}
function lstat(p) {
  try {
    return import_node_fs14.default.lstatSync(p);
  } catch {
    return void 0;
  }
}
function lexists(p) {
  return lstat(p) !== void 0;
}

// src/write/lock.ts
var import_node_child_process = require("node:child_process");
var import_node_fs15 = __toESM(require("node:fs"), 1);
var import_node_path12 = __toESM(require("node:path"), 1);
function lockFileFor(outDir) {
  const target = import_node_path12.default.resolve(outDir);
  return import_node_path12.default.join(import_node_path12.default.dirname(target), `.${import_node_path12.default.basename(target)}.lock`);
}
function acquireOutputLockToRead(outDir, options) {
  try {
    import_node_fs15.default.closeSync(import_node_fs15.default.openSync(lockFileFor(outDir), "a", 420));
  } catch (error) {
    if (["EROFS", "EACCES", "EPERM", "ENOENT"].includes(error.code ?? "")) return void 0;
  }
  return acquireOutputLock(outDir, options);
}
function acquireOutputLock(outDir, options) {
  const file = lockFileFor(outDir);
  const deadline = Date.now() + options.timeoutMs;
  for (; ; ) {
    const fd = openLockFile(file, outDir, options);
    const result = (0, import_node_child_process.spawnSync)("flock", flockArguments(deadline), { stdio: ["ignore", "ignore", "pipe", fd] });
    const lock = lockAfterFlock(file, fd, outDir, options, { error: result.error, status: result.status, stderr: String(result.stderr) });
    if (lock) return lock;
  }
}
function flockFailure(file, outDir, options, result) {
  if (result.error) {
    const missing = result.error.code === "ENOENT";
    return new WriteFailed(missing ? `cannot lock ${outDir}: flock(1) is not installed` : `cannot lock ${outDir}: ${result.error.message}`, "install util-linux, which provides flock(1)");
  }
  if (result.status === 1) return timedOut(file, outDir, options);
  if (result.status !== 0) return new WriteFailed(`cannot lock ${outDir}: flock: ${result.stderr.trim() || `exit ${result.status}`}`, "the lock file is on a file system without flock(2); put the output directory on a local file system");
  return void 0;
}
function isLockFile(file, held) {
  const current = import_node_fs15.default.statSync(file, { throwIfNoEntry: false });
  return held !== void 0 && current !== void 0 && current.ino === held.ino && current.dev === held.dev;
}
function openLockFile(file, outDir, options) {
  try {
    if (options.makeParent) import_node_fs15.default.mkdirSync(import_node_path12.default.dirname(file), { recursive: true });
    return import_node_fs15.default.openSync(file, "a", 420);
  } catch (error) {
    if (isFileSystemError(error)) throw new WriteFailed(`cannot lock ${outDir}: ${describeFileSystemError(error)}`, hintFor(error));
    throw error;
  }
}
function flockArguments(deadline) {
  return ["--exclusive", ...flockWait(deadline), "3"];
}
function flockWait(deadline) {
  const waitSeconds = Math.max(0, deadline - Date.now()) / 1e3;
  return waitSeconds > 0 ? ["--wait", waitSeconds.toFixed(3)] : ["--nonblock"];
}
function lockAfterFlock(file, fd, outDir, options, result) {
  const failure = flockFailure(file, outDir, options, result);
  if (failure) {
    import_node_fs15.default.closeSync(fd);
    throw failure;
  }
  if (!isLockFile(file, import_node_fs15.default.fstatSync(fd))) {
    import_node_fs15.default.closeSync(fd);
    return void 0;
  }
  try {
    import_node_fs15.default.ftruncateSync(fd, 0);
    import_node_fs15.default.writeSync(fd, holderText(options));
  } catch {
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      import_node_fs15.default.rmSync(file, { force: true });
      import_node_fs15.default.closeSync(fd);
    }
  };
}
function holderText(options) {
  return JSON.stringify({ pid: process.pid, command: options.command ?? "fleetc", since: (/* @__PURE__ */ new Date()).toISOString() });
}
function recordHolder(file, options) {
  try {
    import_node_fs15.default.writeFileSync(file, holderText(options));
  } catch {
  }
}
function timedOut(file, outDir, options) {
  const holder = readHolder(file);
  const who = holder ? `fleetc (pid ${holder.pid}, \`${holder.command}\`, since ${holder.since})` : "another fleetc";
  return new LockTimeout(`${outDir} is being written by ${who}; waited ${Math.round(options.timeoutMs / 1e3)} s`);
}
function readHolder(file) {
  try {
    const holder = JSON.parse(import_node_fs15.default.readFileSync(file, "utf8"));
    return typeof holder.pid === "number" ? holder : void 0;
  } catch {
    return void 0;
  }
}

// src/write/root-files.ts
var import_node_fs16 = __toESM(require("node:fs"), 1);
var import_node_path13 = __toESM(require("node:path"), 1);
function rootFileState(target) {
  const stat = import_node_fs16.default.lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return { kind: "absent" };
  if (!stat.isFile()) return { kind: "foreign", reason: stat.isDirectory() ? "it is a directory" : stat.isSymbolicLink() ? "it is a symbolic link" : "it is not a regular file" };
  const contents = import_node_fs16.default.readFileSync(target, "utf8");
  if (hasGeneratedHeader(contents)) return { kind: "ours" };
  if (import_node_path13.default.basename(target) === "flake.lock") {
    const flake = import_node_path13.default.join(import_node_path13.default.dirname(target), "flake.nix");
    const beside = import_node_fs16.default.lstatSync(flake, { throwIfNoEntry: false });
    if (beside?.isFile() && hasGeneratedHeader(import_node_fs16.default.readFileSync(flake, "utf8"))) return { kind: "ours" };
    return { kind: "foreign", reason: beside ? "the flake.nix beside it was not written by fleetc" : "there is no fleetc flake.nix beside it" };
  }
  return { kind: "foreign", reason: "its first line is not fleetc's generated header" };
}
function refuseForeignRootFile(target, contents) {
  const state = rootFileState(target);
  if (state.kind !== "foreign") return;
  const current = import_node_fs16.default.lstatSync(target).isFile() ? import_node_fs16.default.readFileSync(target, "utf8") : void 0;
  if (current === contents) return;
  throw new WriteRefused(`${target} was not written by fleetc (${state.reason}); refusing to overwrite it`);
}
function hasGeneratedHeader(text) {
  const end = text.indexOf("\n");
  return (end === -1 ? text : text.slice(0, end)).includes(GENERATED_HEADER);
}
function refuseRootFileInOutput(rootDir, outDir, relPath) {
  const file = import_node_path13.default.join(rootDir, relPath);
  if (file === outDir || file.startsWith(`${outDir}${import_node_path13.default.sep}`) || outDir.startsWith(`${file}${import_node_path13.default.sep}`)) throw new Error(`root artifact ${relPath} would land in the output directory ${outDir}`);
}

// src/write/stage-stream.ts
var import_node_crypto11 = require("node:crypto");
var import_node_fs17 = __toESM(require("node:fs"), 1);
var import_node_path14 = __toESM(require("node:path"), 1);

// src/write/staging-thread.ts
var import_node_worker_threads2 = require("node:worker_threads");
var BLOCKS = 16;
var BLOCK_BYTES = 1 << 19;
var HEADER = 16;
var FILE = 1;
var BEGIN = 2;
var PIECE = 3;
var END = 4;
var FLUSH = 5;
var STOP = 6;
var HASHED = 1;
var SENT = 0;
var DONE = 1;
var FAILED = 2;
var READY = 3;
var ABORT = 4;
var MIN_PIECE_UNITS = 1 << 12;
var START_TIMEOUT_MS = 1e4;
var THREAD_CODE = `
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { workerData } = require('node:worker_threads');
const { port, control, ring } = workerData;
const bytes = Buffer.from(ring);
const words = new Int32Array(ring);
const made = new Set();
let fd = -1;
let hash;
let hashes = '';
let failed = false;
// crypto.hash hashes in one call (Node >= 20.12).
const sha256 = crypto.hash ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');
function open(file) {
  const dir = path.dirname(file);
  if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
  return fs.openSync(file, 'w');
}
function writeAll(at, length) {
  for (let done = 0; done < length; ) done += fs.writeSync(fd, bytes, at + done, length - done);
}
function close() {
  const closing = fd;
  fd = -1;
  fs.closeSync(closing);
}
function record(kind, at, pathBytes, dataBytes, flags) {
  const data = at + ${HEADER} + pathBytes;
  if (kind === ${FILE} || kind === ${BEGIN}) fd = open(bytes.toString('utf8', at + ${HEADER}, data));
  if (kind === ${FILE}) {
    writeAll(data, dataBytes);
    close();
    if (flags & ${HASHED}) hashes += sha256(bytes.subarray(data, data + dataBytes));
  } else if (kind === ${BEGIN}) hash = flags & ${HASHED} ? crypto.createHash('sha256') : undefined;
  else if (kind === ${PIECE}) {
    writeAll(data, dataBytes);
    hash?.update(bytes.subarray(data, data + dataBytes));
  } else if (kind === ${END}) {
    close();
    if (hash) hashes += hash.digest('hex');
    hash = undefined;
  }
}
function fail(error) {
  failed = true;
  if (fd !== -1) try { close(); } catch {}
  port.postMessage({ error: { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall, path: error.path, dest: error.dest, stack: error.stack } });
  Atomics.store(control, ${FAILED}, 1);
}
// Below the main thread: on a busy machine this thread takes what is left of the CPU, and the main
// thread writes what it cannot take (tryWrite). Linux gives a thread its own nice value.
try { require('node:os').setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), 10); } catch {}
Atomics.store(control, ${READY}, 1);
Atomics.notify(control, ${READY});
try {
for (let done = 0, stop = false; !stop; ) {
  for (let sent = Atomics.load(control, ${SENT}); sent === done; sent = Atomics.load(control, ${SENT})) Atomics.wait(control, ${SENT}, sent);
  const base = (done % ${BLOCKS}) * ${BLOCK_BYTES};
  const end = base + words[base >> 2];
  for (let at = base + 4; at < end; ) {
    const kind = words[at >> 2], pathBytes = words[(at >> 2) + 1], dataBytes = words[(at >> 2) + 2], flags = words[(at >> 2) + 3];
    if (kind === ${STOP}) {
      stop = true;
      if (fd !== -1) try { close(); } catch {}
    }
    else if (kind === ${FLUSH}) { if (hashes) port.postMessage({ hashes }); hashes = ''; }
    else if (!failed && !Atomics.load(control, ${ABORT})) {
      try { record(kind, at, pathBytes, dataBytes, flags); } catch (error) { fail(error); }
    }
    at += ${HEADER} + ((pathBytes + dataBytes + 3) & ~3);
  }
  Atomics.store(control, ${DONE}, ++done);
  Atomics.notify(control, ${DONE});
}
} catch (error) {
  // Not a file's error: the main thread must neither wait for this thread nor miss it.
  fail(error);
  Atomics.store(control, ${DONE}, 0x7fffffff);
  Atomics.notify(control, ${DONE});
}
`;
var StagingThread = class {
  worker;
  port;
  control = new Int32Array(new SharedArrayBuffer(4 * 5));
  ring = new SharedArrayBuffer(BLOCKS * BLOCK_BYTES);
  bytes = Buffer.from(this.ring);
  words = new Int32Array(this.ring);
  /** Blocks handed over; where the block being filled starts, and its next record (0: none held). */
  sent = 0;
  base = 0;
  at = 4;
  /** The setters of the hashes wanted, in the order the files were handed over, not yet given. */
  wanted = [];
  closed = false;
  started = false;
  constructor() {
    const { port1, port2 } = new import_node_worker_threads2.MessageChannel();
    this.port = port1;
    this.worker = new import_node_worker_threads2.Worker(THREAD_CODE, { eval: true, execArgv: [], workerData: { port: port2, control: this.control, ring: this.ring }, transferList: [port2] });
    this.worker.unref();
  }
  /** The thread has started (until then, the caller writes its files itself). */
  get ready() {
    return this.started ||= Atomics.load(this.control, READY) === 1;
  }
  /**
   * Waits until the thread has started (at most a few seconds: a thread that never starts must not
   * hang the build). Once it runs, it counts every block done, whatever it meets.
   */
  waitUntilReady() {
    const until = Date.now() + START_TIMEOUT_MS;
    while (Atomics.load(this.control, READY) === 0) {
      if (Atomics.wait(this.control, READY, 0, until - Date.now()) === "timed-out") throw new Error(`staging thread: not started after ${START_TIMEOUT_MS} ms`);
    }
  }
  /** Hands over a file to be written (its directory made); setHash, if given, gets its sha256 at `settle`. */
  write(file, contents, setHash) {
    if (this.take(file, contents, setHash, true) === "larger than a block") this.writePieces(file, [contents], setHash);
  }
  /**
   * Hands over a file unless that means waiting for the thread (it is behind: the caller had better
   * write this one itself); false when it did not. Throws the thread's error, as write does.
   */
  tryWrite(file, contents, setHash) {
    const taken = this.take(file, contents, setHash, false);
    if (taken === "larger than a block") this.writePieces(file, [contents], setHash);
    return taken !== "busy";
  }
  /** Hands over a file given in pieces, each cut to fit the blocks. */
  writePieces(file, pieces, setHash) {
    this.ensureRoom(HEADER + 3 * file.length);
    this.record(BEGIN, file, "", setHash);
    for (const piece of pieces) {
      for (let from = 0; from < piece.length; ) {
        this.ensureRoom(HEADER + 3 * MIN_PIECE_UNITS);
        const units = Math.floor((BLOCK_BYTES - this.at - HEADER) / 3);
        let to = Math.min(piece.length, from + units);
        if (to < piece.length && isHighSurrogate(piece.charCodeAt(to - 1))) to--;
        this.record(PIECE, "", from === 0 && to === piece.length ? piece : piece.slice(from, to));
        from = to;
      }
    }
    this.ensureRoom(HEADER);
    this.record(END, "", "");
  }
  /** Waits until every file handed over is written, throws the first file-system error met, gives the hashes. */
  settle() {
    if (this.sent === 0 && this.at === 4) return;
    this.ensureRoom(HEADER);
    this.record(FLUSH, "", "");
    this.handOver();
    this.waitFor(this.sent);
    this.throwFailure();
    const wanted = this.wanted;
    this.wanted = [];
    let at = 0;
    for (let message = (0, import_node_worker_threads2.receiveMessageOnPort)(this.port); message; message = (0, import_node_worker_threads2.receiveMessageOnPort)(this.port)) {
      const { hashes } = message.message;
      for (let i = 0; i < hashes.length; i += 64) wanted[at++](hashes.slice(i, i + 64));
    }
    if (at !== wanted.length) throw new Error(`staging thread: ${wanted.length} hashes wanted, ${at} given`);
  }
  /** Skips what is left, waits until the thread has stopped touching the files, stops it; call it whatever happened. */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.ready && (this.sent > 0 || this.at > 4)) {
      Atomics.store(this.control, ABORT, 1);
      this.ensureRoom(HEADER, false);
      this.record(STOP, "", "");
      this.handOver();
      this.waitFor(this.sent);
    }
    this.port.close();
    void this.worker.terminate();
  }
  /** A whole file's record, in the block held or the next one (waiting for it, or not: false). */
  take(file, contents, setHash, waiting) {
    const pathRoom = HEADER + 3 * file.length;
    let dataBytes = 3 * contents.length;
    if (this.at === 0 || this.at + pathRoom + dataBytes > BLOCK_BYTES) {
      dataBytes = Buffer.byteLength(contents);
      if (4 + pathRoom + dataBytes > BLOCK_BYTES) return "larger than a block";
      if (this.at === 0 || this.at + pathRoom + dataBytes > BLOCK_BYTES) {
        this.handOver();
        if (!waiting && !this.nextIsFree()) {
          this.throwFailure();
          return "busy";
        }
        this.acquire(true);
      }
    }
    this.record(FILE, file, contents, setHash);
    return "taken";
  }
  /** Hands the block held over when fewer than `bytes` are left in it, and takes the next one. */
  ensureRoom(bytes, throwing = true) {
    if (this.at !== 0 && this.at + bytes <= BLOCK_BYTES) return;
    this.handOver();
    this.acquire(throwing);
  }
  /** Appends one record to the block held (the caller made room for it). */
  record(kind, file, data, setHash) {
    const { bytes, words, base } = this;
    const pathAt = base + this.at + HEADER;
    const pathBytes = file.length === 0 ? 0 : bytes.write(file, pathAt);
    const dataBytes = data.length === 0 ? 0 : bytes.write(data, pathAt + pathBytes);
    const word = base + this.at >> 2;
    words[word] = kind;
    words[word + 1] = pathBytes;
    words[word + 2] = dataBytes;
    words[word + 3] = setHash ? HASHED : 0;
    if (setHash) this.wanted.push(setHash);
    this.at += HEADER + (pathBytes + dataBytes + 3 & ~3);
  }
  /** Hands the block held over (nothing when it is empty); none is held after. */
  handOver() {
    if (this.at === 0) return;
    if (this.at === 4) {
      this.at = 0;
      return;
    }
    if (this.sent === 0) this.waitUntilReady();
    this.words[this.base >> 2] = this.at;
    this.at = 0;
    Atomics.store(this.control, SENT, ++this.sent);
    Atomics.notify(this.control, SENT);
  }
  /** The next block's place in the ring is free: the block that held it last is done. */
  nextIsFree() {
    return Atomics.load(this.control, DONE) >= this.sent - BLOCKS + 1;
  }
  /** Takes the next block, once its place is free; throws the thread's error (unless closing). */
  acquire(throwing) {
    this.waitFor(this.sent - BLOCKS + 1);
    this.base = this.sent % BLOCKS * BLOCK_BYTES;
    this.at = 4;
    if (throwing) this.throwFailure();
  }
  waitFor(count2) {
    for (let done = Atomics.load(this.control, DONE); done < count2; done = Atomics.load(this.control, DONE)) Atomics.wait(this.control, DONE, done);
  }
  /** The thread's file-system error, as the errno error it was (the writer turns it into its diagnostic). */
  throwFailure() {
    if (Atomics.load(this.control, FAILED) === 0) return;
    for (let message = (0, import_node_worker_threads2.receiveMessageOnPort)(this.port); message; message = (0, import_node_worker_threads2.receiveMessageOnPort)(this.port)) {
      const { error } = message.message;
      if (error) throw Object.assign(new Error(error.message), error);
    }
    throw new Error("staging thread: failed without saying why");
  }
};
function isHighSurrogate(unit) {
  return unit >= 55296 && unit <= 56319;
}

// src/write/stage-stream.ts
var BLOCK_CHARS = 1 << 20;
var THREAD_AFTER = 256;
var StreamStager = class {
  constructor(layout, outExists, firstStaged, hashSetters) {
    this.layout = layout;
    this.outExists = outExists;
    this.firstStaged = firstStaged;
    this.hashSetters = hashSetters;
    this.existing = outExists ? new Set(listFilesSync(layout.outDir)) : void 0;
  }
  layout;
  outExists;
  firstStaged;
  hashSetters;
  changes = [];
  /** The output directory's files before the write (undefined: there is none, a first build). */
  existing;
  emitted = /* @__PURE__ */ new Set();
  made = /* @__PURE__ */ new Set();
  checked = /* @__PURE__ */ new Set();
  stagedCount = 0;
  /** Writes the staged files once there are many (staging-thread.ts); small writes stay on this thread. */
  thread;
  /** How many files are staged before the thread starts (FLEETC_STAGING_THREAD, see THREAD_AFTER), read when the stager is made: a test sets it per write. */
  threadFrom = threadFrom(process.env.FLEETC_STAGING_THREAD);
  /** Compares one artifact with what it replaces and stages it when it differs. */
  take(artifact) {
    if (!isSafeRelativePath(artifact.path)) throw new Error(`refusing to write outside the output directory: ${artifact.path}`);
    if (artifact.root) return this.takeRoot(artifact);
    const { path: file } = artifact;
    if (this.existing) {
      if (this.emitted.has(file)) throw new Error(`emit: two artifacts at ${file}`);
      this.emitted.add(file);
    }
    const setHash = this.hashSetters?.(artifact);
    if (!("contents" in artifact)) this.thread?.settle();
    const current = this.existing?.has(file) ? readOrUndefined(import_node_path14.default.join(this.layout.outDir, file)) : void 0;
    if (current !== void 0 && sameText(current, artifact)) return setHash?.(sha2562(current));
    const op = this.existing?.has(file) ? "replace" : "add";
    this.stage({ base: "out", path: file, op }, artifact, setHash);
    this.changes.push({ path: file, change: op === "add" ? "added" : "modified" });
  }
  takeRoot(artifact) {
    refuseRootFileInOutput(this.layout.rootDir, this.layout.outDir, artifact.path);
    const file = import_node_path14.default.join(this.layout.rootDir, artifact.path);
    refuseForeignRootFile(file, artifact.contents);
    const setHash = this.hashSetters?.(artifact);
    const current = readOrUndefined(file);
    if (current === artifact.contents) return setHash?.(sha2562(current));
    this.stage({ base: "root", path: artifact.path, op: current === void 0 ? "add" : "replace" }, artifact, setHash);
    this.changes.push({ path: artifact.path, change: current === void 0 ? "added" : "modified", root: true });
  }
  /**
   * The journal's steps and the changes, once every artifact was taken: a first build's tree as a
   * whole, else the stale files first (a directory can then take the place of a removed file of the
   * same name), then each changed file; output files before root files, each by path.
   */
  finish() {
    this.thread?.settle();
    const removed = [];
    for (const file of this.existing ?? []) if (!this.emitted.has(file)) removed.push({ path: file, change: "removed" });
    const changes = sortChanges([...removed, ...this.changes]);
    const steps = this.outExists ? [] : [{ base: "out", path: "", op: "whole" }];
    for (const change of changes) if (change.change === "removed") steps.push({ base: "out", path: change.path, op: "remove" });
    for (const change of changes) {
      if (change.change === "removed" || !this.outExists && !change.root) continue;
      steps.push({ base: change.root ? "root" : "out", path: change.path, op: change.change === "added" ? "add" : "replace" });
    }
    return { steps, changes };
  }
  /** Waits for the staging thread and stops it; call it whatever happened. */
  close() {
    this.thread?.close();
    this.thread = void 0;
  }
  stage(step, artifact, setHash) {
    this.checkWritable(step.base);
    const file = this.layout.staged(step);
    if (this.stagedCount === this.threadFrom) {
      this.thread = new StagingThread();
      if (this.threadFrom === 0) this.thread.waitUntilReady();
    }
    if (!this.thread?.ready) this.writeHere(file, artifact, setHash);
    else if (!("contents" in artifact)) this.thread.writePieces(file, artifact.pieces(), setHash);
    else if (!this.thread.tryWrite(file, artifact.contents, setHash)) this.writeHere(file, artifact, setHash);
    if (++this.stagedCount === 1) this.firstStaged();
  }
  writeHere(file, artifact, setHash) {
    if ("contents" in artifact) {
      writeStaged(file, artifact.contents, this.made);
      setHash?.(sha2562(artifact.contents));
    } else {
      makeParentOnce(file, this.made);
      writePieces(file, artifact.pieces(), setHash);
    }
  }
  /** A read-only mount or directory is found before anything is staged in it. */
  checkWritable(base) {
    const writable = base === "root" ? [this.layout.rootDir] : [import_node_path14.default.dirname(this.layout.outDir), ...this.outExists ? [this.layout.outDir] : []];
    for (const target of writable) {
      if (this.checked.has(target)) continue;
      import_node_fs17.default.accessSync(target, import_node_fs17.default.constants.W_OK);
      this.checked.add(target);
    }
  }
};
function threadFrom(setting) {
  return setting === "0" ? Infinity : setting === "1" ? 0 : THREAD_AFTER;
}
function writeStaged(file, contents, made) {
  makeParentOnce(file, made);
  import_node_fs17.default.writeFileSync(file, contents);
}
function makeParentOnce(file, made) {
  const dir = import_node_path14.default.dirname(file);
  if (made.has(dir)) return;
  import_node_fs17.default.mkdirSync(dir, { recursive: true });
  made.add(dir);
}
function writePieces(file, pieces, setHash) {
  const fd = import_node_fs17.default.openSync(file, "w");
  const hash = setHash && (0, import_node_crypto11.createHash)("sha256");
  try {
    let block3 = "";
    for (const piece of pieces) {
      block3 += piece;
      if (block3.length >= BLOCK_CHARS) {
        writeAll(fd, block3, hash);
        block3 = "";
      }
    }
    if (block3.length > 0) writeAll(fd, block3, hash);
  } finally {
    import_node_fs17.default.closeSync(fd);
  }
  if (hash) setHash(hash.digest("hex"));
}
function writeAll(fd, text, hash) {
  const bytes = Buffer.from(text, "utf8");
  hash?.update(bytes);
  for (let at = 0; at < bytes.length; ) at += import_node_fs17.default.writeSync(fd, bytes, at);
}
function sameText(text, artifact) {
  if ("contents" in artifact) return text === artifact.contents;
  let at = 0;
  for (const piece of artifact.pieces()) {
    if (!text.startsWith(piece, at)) return false;
    at += piece.length;
  }
  return at === text.length;
}

// src/write/writer.ts
var CRASH_POINTS = ["after-first-staged", "after-temp-written", "after-journal-written", "after-first-patch-step", "after-patched"];
var DEFAULT_LOCK_TIMEOUT_MS = 3e4;
function writeOutputSync(outDir, artifacts, crashAt, options = {}) {
  const target = import_node_path15.default.resolve(outDir);
  const rootDir = rootDirOf2(target, options);
  const known = options.known;
  if (known && !Array.isArray(artifacts)) throw new Error("writeOutputSync: known contents need the artifacts as an array");
  const patch = known && options.patch;
  if (known) checkArtifactPaths(target, rootDir, patch ? patch.touched : artifacts);
  const lock = options.lock ?? guarded(`write ${outDir}`, () => {
    refuseNonDirectory(target);
    return acquireOutputLock(target, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, command: "fleetc build", makeParent: true });
  });
  try {
    return guarded(`write ${outDir}`, () => {
      refuseNonDirectory(target);
      return known ? writeLocked(target, rootDir, artifacts, crashAt, known, patch || void 0) : writeStreamLocked(target, rootDir, artifacts, crashAt);
    });
  } finally {
    if (!options.lock) lock.release();
  }
}
function writeStreamLocked(target, rootDir, artifacts, crashAt) {
  recoverInterruptedWriteSync(target, { rootDir });
  const outExists = refuseForeignDirectory(target) || import_node_fs18.default.existsSync(target);
  const layout = new WriteLayout(target, rootDir, `${process.pid}-${(0, import_node_crypto12.randomBytes)(4).toString("hex")}`);
  let crashing = false;
  const crash = (point) => {
    crashing = true;
    crashAt?.(point);
    crashing = false;
  };
  let staged;
  const hashSetters = artifacts instanceof FleetStream ? artifacts.deferHashes() : void 0;
  const stager = new StreamStager(layout, outExists, () => crash("after-first-staged"), hashSetters);
  try {
    for (const artifact of artifacts) stager.take(artifact);
    staged = stager.finish();
  } catch (error) {
    stager.close();
    if (!crashing) layout.removeStaging();
    throw error;
  }
  stager.close();
  const { steps, changes } = staged;
  if (changes.length === 0) return { changes, wrote: false };
  commit(layout, { version: JOURNAL_VERSION, rootDir: import_node_path15.default.relative(import_node_path15.default.dirname(target), rootDir), direction: "forward", steps }, target, crashAt);
  return { changes, wrote: true };
}
function writeLocked(target, rootDir, all, crashAt, known, patch) {
  recoverInterruptedWriteSync(target, { rootDir });
  const hadOld = refuseForeignDirectory(target);
  const patched = Boolean(known && hadOld && patch);
  const artifacts = patched ? patch.touched : all;
  if (patch && !patched) checkArtifactPaths(target, rootDir, all);
  for (const artifact of artifacts) if (artifact.root) refuseForeignRootFile(import_node_path15.default.join(rootDir, artifact.path), artifact.contents);
  const outExists = import_node_fs18.default.existsSync(target);
  const changes = !outExists ? compareWithNothing(target, all, { rootDir }) : patched ? compareTouched(known, patch, target, { rootDir }) : known && hadOld ? compareWithKnown(known, all, target, { rootDir }) : compareWithDiskSync(target, all, { rootDir });
  if (changes.length === 0) return { changes, wrote: false };
  const layout = new WriteLayout(target, rootDir, `${process.pid}-${(0, import_node_crypto12.randomBytes)(4).toString("hex")}`);
  const ownSteps = outExists ? changes : changes.filter((c) => c.root);
  const changedKeys = new Set(ownSteps.map((c) => keyOf(c.root ? "root" : "out", c.path)));
  const changedPaths = new Set(ownSteps.map((c) => c.path));
  const byKey2 = /* @__PURE__ */ new Map();
  for (const a of artifacts) if (changedPaths.has(a.path) && changedKeys.has(keyOf(a.root ? "root" : "out", a.path))) byKey2.set(keyOf(a.root ? "root" : "out", a.path), a);
  const steps = [];
  const staged = [];
  if (!outExists) {
    steps.push({ base: "out", path: "", op: "whole" });
    for (const artifact of artifacts) if (!artifact.root) staged.push([{ base: "out", path: artifact.path, op: "add" }, artifact]);
  }
  for (const change of changes) if (change.change === "removed") steps.push({ base: "out", path: change.path, op: "remove" });
  for (const change of changes) {
    if (change.change === "removed" || !outExists && !change.root) continue;
    const step = { base: change.root ? "root" : "out", path: change.path, op: change.change === "added" ? "add" : "replace" };
    steps.push(step);
    staged.push([step, byKey2.get(keyOf(step.base, step.path))]);
  }
  const journal = { version: JOURNAL_VERSION, rootDir: import_node_path15.default.relative(import_node_path15.default.dirname(target), rootDir), direction: "forward", steps };
  const written = /* @__PURE__ */ new Set([import_node_path15.default.dirname(target), ...outExists ? [target] : [], ...changes.some((c) => c.root) ? [rootDir] : []]);
  for (const dir of written) import_node_fs18.default.accessSync(dir, import_node_fs18.default.constants.W_OK);
  try {
    const made = /* @__PURE__ */ new Set();
    for (const [step, artifact] of staged) {
      writeStaged(layout.staged(step), artifact.contents, made);
      if (step === staged[0][0]) crashAt?.("after-first-staged");
    }
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    layout.removeStaging();
    throw error;
  }
  commit(layout, journal, target, crashAt);
  return { changes, wrote: true };
}
function commit(layout, journal, target, crashAt) {
  try {
    crashAt?.("after-temp-written");
    writeJournal(layout, journal);
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    import_node_fs18.default.rmSync(layout.journalPath, { force: true });
    layout.removeStaging();
    import_node_fs18.default.rmSync(import_node_path15.default.join(import_node_path15.default.dirname(target), `${prefixOf(target)}tmp-${layout.id}.journal`), { force: true });
    throw error;
  }
  crashAt?.("after-journal-written");
  try {
    let first = true;
    rollForward(layout, journal, () => {
      if (first) crashAt?.("after-first-patch-step");
      first = false;
    });
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    undoAfterFailure(layout, journal, explain(error));
  }
  crashAt?.("after-patched");
  finish2(layout);
}
function undoAfterFailure(layout, journal, cause) {
  try {
    writeJournal(layout, { ...journal, direction: "undo" });
    undo(layout, journal);
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    throw new WriteFailed(`${describeFileSystemError(cause)}; undoing the partial write failed too: ${describeFileSystemError(error)}`, `fix the file system, then run fleetc build: it finishes or undoes the write from ${layout.journalPath}`);
  }
  finish2(layout);
  throw cause;
}
function explain(error) {
  const dest = error.dest;
  if (error.code !== "EXDEV" || !dest) return error;
  try {
    import_node_fs18.default.accessSync(import_node_path15.default.dirname(dest), import_node_fs18.default.constants.W_OK);
    return error;
  } catch (probe) {
    return isFileSystemError(probe) ? probe : error;
  }
}
function finish2(layout) {
  import_node_fs18.default.rmSync(layout.journalPath, { force: true });
  layout.removeStaging();
}
function recoverInterruptedWriteSync(outDir, options = {}) {
  const target = import_node_path15.default.resolve(outDir);
  const parent = import_node_path15.default.dirname(target);
  const prefix = prefixOf(target);
  for (const name of readdirOrEmpty(parent).filter((n) => n.startsWith(`${prefix}journal-`))) {
    const id = name.slice(`${prefix}journal-`.length);
    const journal = readJournal(import_node_path15.default.join(parent, name));
    const layout = new WriteLayout(target, journal ? import_node_path15.default.resolve(parent, journal.rootDir) : rootDirOf2(target, options), id);
    if (journal && journal.direction === "undo") undo(layout, journal);
    else if (journal && !untouched(layout, journal)) {
      try {
        rollForward(layout, journal);
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        writeJournal(layout, { ...journal, direction: "undo" });
        undo(layout, journal);
      }
    }
    finish2(layout);
  }
  const aside = readdirOrEmpty(parent).filter((n) => n.startsWith(`${prefix}work-`) || n.startsWith(`${prefix}old-`));
  if (!import_node_fs18.default.existsSync(target) && aside.length > 0) import_node_fs18.default.renameSync(import_node_path15.default.join(parent, aside.shift()), target);
  const rootDir = rootDirOf2(target, options);
  for (const dir of /* @__PURE__ */ new Set([parent, rootDir])) {
    for (const name of readdirOrEmpty(dir)) {
      if (name.startsWith(`${prefix}tmp-`) || dir === parent && aside.includes(name)) import_node_fs18.default.rmSync(import_node_path15.default.join(dir, name), { recursive: true, force: true });
    }
  }
}
function hasInterruptedWrite(outDir, options = {}) {
  const target = import_node_path15.default.resolve(outDir);
  const prefix = prefixOf(target);
  const names = [...readdirOrEmpty(import_node_path15.default.dirname(target)), ...readdirOrEmpty(rootDirOf2(target, options))];
  return names.some((n) => n.startsWith(`${prefix}journal-`) || n.startsWith(`${prefix}tmp-`) || n.startsWith(`${prefix}work-`) || n.startsWith(`${prefix}old-`));
}
function checkArtifactPaths(target, rootDir, artifacts) {
  for (const artifact of artifacts) {
    checkArtifactPath(artifact, "refusing to write outside the output directory:");
    if (artifact.root) refuseRootFileInOutput(rootDir, target, artifact.path);
  }
}
function refuseNonDirectory(target) {
  const stat = import_node_fs18.default.lstatSync(target, { throwIfNoEntry: false });
  if (!stat) return;
  const resolved2 = stat.isSymbolicLink() ? import_node_fs18.default.statSync(target, { throwIfNoEntry: false }) : stat;
  if (!resolved2?.isDirectory()) {
    const what = stat.isSymbolicLink() ? resolved2 ? "a symbolic link to a file" : "a dangling symbolic link" : stat.isFile() ? "a file" : "not a directory";
    throw new WriteRefused(`${target} is ${what}, not an output directory; refusing to replace it`);
  }
}
function refuseForeignDirectory(target) {
  const entries = readdirOrEmpty(target);
  if (entries.length === 0) return false;
  const file = import_node_path15.default.join(target, MANIFEST_PATH);
  const head = readHead(file, 200);
  let generator;
  try {
    const match = head === void 0 ? null : /^\{\s*"generator"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(head);
    generator = match ? JSON.parse(match[1]) : head === void 0 ? void 0 : JSON.parse(import_node_fs18.default.readFileSync(file, "utf8")).generator;
  } catch {
    generator = void 0;
  }
  if (generator !== "fleetc") {
    throw new WriteRefused(`${target} is not empty and was not written by fleetc (no fleetc ${MANIFEST_PATH}); refusing to replace it`);
  }
  return true;
}
function guarded(what, run2) {
  try {
    return run2();
  } catch (error) {
    if (isFileSystemError(error)) throw new WriteFailed(`cannot ${what}: ${describeFileSystemError(error)}`, hintFor(error));
    throw error;
  }
}
function keyOf(base, file) {
  return `${base}\0${file}`;
}
function readHead(file, bytes) {
  let fd;
  try {
    fd = import_node_fs18.default.openSync(file, "r");
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, import_node_fs18.default.readSync(fd, buffer, 0, bytes, 0)).toString("utf8");
  } catch {
    return void 0;
  } finally {
    if (fd !== void 0) import_node_fs18.default.closeSync(fd);
  }
}
function readdirOrEmpty(dir) {
  try {
    return import_node_fs18.default.readdirSync(dir);
  } catch {
    return [];
  }
}

// src/write/standby-lock.ts
var import_node_child_process2 = require("node:child_process");
var import_node_fs19 = __toESM(require("node:fs"), 1);
var HELPER = 'read -r wait || exit 0; exec 3>>"$1" || exit 71; flock --exclusive $wait 3; status=$?; echo "$status"; [ "$status" = 0 ] && read -r _; exit 0';
var StandbyLock = class {
  constructor(outDir, options) {
    this.outDir = outDir;
    this.options = options;
    this.file = lockFileFor(outDir);
  }
  outDir;
  options;
  file;
  helper;
  /** Starts the next acquire's shell now (fleetc watch calls it while it waits for an edit). */
  prepare() {
    if (this.helper) return;
    const helper = (0, import_node_child_process2.spawn)("sh", ["-c", HELPER, "fleetc-lock", this.file], { stdio: ["pipe", "pipe", "pipe"] });
    helper.on("error", () => void 0);
    helper.stdin.on("error", () => void 0);
    this.helper = helper;
  }
  /** The output lock, as acquireOutputLock gives it: LockTimeout when another fleetc keeps it past the timeout. */
  async acquire() {
    const deadline = Date.now() + this.options.timeoutMs;
    for (; ; ) {
      import_node_fs19.default.closeSync(openLockFile(this.file, this.outDir, this.options));
      if (this.helper && (this.helper.exitCode !== null || this.helper.signalCode !== null)) this.helper = void 0;
      this.prepare();
      const helper = this.helper;
      this.helper = void 0;
      const result = await flockStatus(helper, flockWait(deadline).join(" "));
      if (result === "ended") throw new WriteFailed(`cannot lock ${this.outDir}: the shell that runs flock(1) ended first`, "run the command again");
      const failure = flockFailure(this.file, this.outDir, this.options, result);
      if (failure) {
        helper.kill();
        throw failure;
      }
      if (!isLockFile(this.file, import_node_fs19.default.statSync(`/proc/${helper.pid}/fd/3`, { throwIfNoEntry: false }))) {
        helper.stdin.end();
        continue;
      }
      recordHolder(this.file, this.options);
      let released = false;
      return {
        file: this.file,
        release: () => {
          if (released) return;
          released = true;
          import_node_fs19.default.rmSync(this.file, { force: true });
          helper.stdin.end();
        }
      };
    }
  }
  /** Ends the shell waiting for the next acquire (watch stops). */
  close() {
    this.helper?.stdin.end();
    this.helper = void 0;
  }
};
function flockStatus(helper, waitArguments) {
  return new Promise((resolve) => {
    const result = (status) => (
      // The shell's "not found" (127) is flock(1) missing; 71, the shell's own, the lock file that would not open.
      status === 127 ? { status: null, stderr: "", error: Object.assign(new Error("flock: not found"), { code: "ENOENT" }) } : { status, stderr: status === 71 ? "cannot open the lock file" : "" }
    );
    let out = "";
    const onData = (chunk) => {
      out += String(chunk);
      if (!out.includes("\n")) return;
      helper.stdout.off("data", onData);
      resolve(result(Number(out.trim())));
    };
    helper.stdout.on("data", onData);
    helper.once("error", (error) => resolve({ status: null, stderr: "", error }));
    helper.once("close", (code2) => resolve(code2 === 0 || code2 === null ? "ended" : result(code2)));
    helper.stdin.write(`${waitArguments}
`);
  });
}

// src/cli/arguments.ts
var import_commander = require("commander");

// src/cli/fleet-root.ts
var import_node_fs20 = __toESM(require("node:fs"), 1);
var import_node_path16 = __toESM(require("node:path"), 1);
var ROOT_MARKER = "fleetc.json";
var DEFAULT_MARKER = { fleet: "fleet", nix: "nix", out: "generated" };
var RootMarkerInvalid = class extends Error {
};
function findFleetRoot(from) {
  for (let dir = import_node_path16.default.resolve(from); ; dir = import_node_path16.default.dirname(dir)) {
    if (import_node_fs20.default.statSync(import_node_path16.default.join(dir, ROOT_MARKER), { throwIfNoEntry: false })?.isFile()) return dir;
    if (import_node_path16.default.dirname(dir) === dir) return void 0;
  }
}
function readRootMarker(root) {
  const file = import_node_path16.default.join(root, ROOT_MARKER);
  let data;
  try {
    data = JSON.parse(import_node_fs20.default.readFileSync(file, "utf8"));
  } catch (error) {
    throw new RootMarkerInvalid(`${file} is not JSON (${error.message}); it names the fleet's directories, as fleetc init writes it`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new RootMarkerInvalid(`${file} must be a JSON object such as ${JSON.stringify(DEFAULT_MARKER)}`);
  const marker2 = { ...DEFAULT_MARKER };
  for (const [key, value] of Object.entries(data)) {
    if (key === "$schema" || key === "fleetc") continue;
    if (!(key in DEFAULT_MARKER)) throw new RootMarkerInvalid(`${file}: unknown key "${key}" (known: ${Object.keys(DEFAULT_MARKER).join(", ")})`);
    const inside = typeof value === "string" && value !== "" && !import_node_path16.default.isAbsolute(value) && !import_node_path16.default.normalize(value).startsWith("..");
    if (!inside) throw new RootMarkerInvalid(`${file}: "${key}" must be a directory below the root, not ${JSON.stringify(value)}`);
    marker2[key] = value;
  }
  return marker2;
}
function resolvePaths(given, cwd = process.cwd()) {
  const root = findFleetRoot(cwd);
  const marker2 = root ? readRootMarker(root) : DEFAULT_MARKER;
  const shown = (dir) => import_node_path16.default.relative(cwd, dir) || ".";
  const pick = (value, key) => typeof value === "string" ? value : root ? shown(import_node_path16.default.join(root, marker2[key])) : marker2[key];
  return { fleetDir: pick(given.fleet, "fleet"), outDir: pick(given.out, "out"), nixDir: pick(given.nix, "nix"), ...root ? { rootDir: root } : {} };
}

// src/cli/views/diagnostics.ts
var import_node_path17 = __toESM(require("node:path"), 1);
var DIAGNOSTICS_FORMAT_VERSION = 1;
var DIAGNOSTIC_FORMATS = ["text", "json", "github"];
function locateAll(diagnostics, sources) {
  return diagnostics.map(({ range, ...rest }) => {
    const start = sources.position(rest.file, range.start);
    const end = sources.position(rest.file, range.end);
    return { ...rest, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  });
}
function renderDiagnostics(format, diagnostics, sources, annotationRoot) {
  const located = locateAll(diagnostics, sources);
  switch (format) {
    case "json": {
      const { error, warning } = countBySeverity(diagnostics);
      return `${JSON.stringify({ formatVersion: DIAGNOSTICS_FORMAT_VERSION, errors: error, warnings: warning, diagnostics: located }, null, 2)}
`;
    }
    case "github":
      return located.map((d) => githubAnnotation(d.file && annotationRoot ? { ...d, file: import_node_path17.default.relative(annotationRoot, import_node_path17.default.resolve(d.file)) } : d)).join("");
    case "text":
      return located.map((d) => textDiagnostic(d, sources)).join("");
  }
}
function summaryLine(diagnostics) {
  const { error, warning } = countBySeverity(diagnostics);
  return `${error} error${error === 1 ? "" : "s"}, ${warning} warning${warning === 1 ? "" : "s"}`;
}
function textDiagnostic(d, sources) {
  const lines2 = [`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`];
  const source = sources.get(d.file);
  const text = source?.displayLine(d.line);
  if (source && text !== void 0 && text.trim() !== "") {
    const gutter = String(d.line).length;
    const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, text.length - d.column + 1);
    lines2.push(`  ${d.line} | ${text}`);
    lines2.push(`  ${" ".repeat(gutter)} | ${" ".repeat(Math.max(0, d.column - 1))}${"^".repeat(Math.min(width, 200))}`);
  }
  if (d.hint) lines2.push(`  hint: ${d.hint}`);
  return `${lines2.join("\n")}
`;
}
function githubAnnotation(d) {
  const level = d.severity === "error" ? "error" : "warning";
  const properties = [
    d.file ? `file=${escapeProperty(d.file)}` : void 0,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(d.code)}`
  ].filter(Boolean);
  const message = d.hint ? `${d.message}
hint: ${d.hint}` : d.message;
  return `::${level} ${properties.join(",")}::${escapeData(message)}
`;
}
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(text) {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// src/cli/arguments.ts
function addPathOptions(command) {
  return command.option("--fleet <dir>", "fleet directory (default: fleet/ of the fleet root, found upward by fleetc.json, or of the current directory)").option("--out <dir>", "output directory (default: generated/ of the fleet root)").option("--nix <dir>", "hand-written Nix directory the generated files import (default: nix/ of the fleet root)");
}
function addFormatOption(command) {
  return command.addOption(new import_commander.Option("--format <format>", "diagnostics format").choices(DIAGNOSTIC_FORMATS).default("text"));
}
var UsageError = class extends Error {
};
function pathsFrom(options, check = { layout: true }) {
  let paths;
  try {
    paths = resolvePaths(options);
  } catch (error) {
    if (error instanceof RootMarkerInvalid) throw new UsageError(error.message);
    throw error;
  }
  const problem = pathsProblem(paths, check);
  if (problem) throw new UsageError(problem);
  return paths;
}
function addLockTimeoutOption(command) {
  return command.option("--lock-timeout <seconds>", "wait this long for another fleetc writing the output directory (0: fail at once)", parsePositiveInteger, 30);
}
function formatFrom(options) {
  return options.format;
}
function parsePositiveInteger(value) {
  if (!/^[0-9]+$/.test(value)) throw new import_commander.InvalidArgumentError("expected a whole number");
  return Number(value);
}
function addCacheOptions(command) {
  return command.option("--cache-dir <dir>", "parse cache directory (default: .fleetc-cache beside the fleet directory)").option("--no-cache", "parse every file, and read or write no cache");
}
function cacheDirFrom(options) {
  if (options.cache === false) return void 0;
  return options.cacheDir === void 0 ? defaultCacheDir(resolvePaths(options).fleetDir) : String(options.cacheDir);
}

// src/cli/exit-codes.ts
var EXIT = {
  ok: 0,
  /** Diagnostics with errors, or build --check found changes. */
  failed: 1,
  /** Bad command line (with `--detailed-exitcode`, 1 instead: 2 means "changes" there, as in Terraform). */
  usage: 2,
  /** A bug in fleetc (reported without a stack trace unless FLEETC_DEBUG=1). */
  internal: 3,
  /** apply: a host failed; it was rolled back (or nothing had changed) and the rollout halted. */
  applyFailedRolledBack: 4,
  /** apply: a host failed and its rollback failed too: it needs a human. */
  applyRollbackFailed: 5,
  /** apply: another run holds the deploy lock. */
  lockHeld: 6,
  /** apply: refused before touching anything (destructive change not approved, host key not pinned, …). */
  refused: 7,
  /** apply: stopped by a signal (or a lost deploy lock): the hosts in flight finished, the others are pending. */
  applyStopped: 8,
  /** apply: some hosts were refused and skipped (reported); every other host's change was deployed. */
  applyPartlyRefused: 9
};

// src/cli/signals.ts
var HANDLED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
var SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
var SignalGuard = class {
  received;
  handler = (signal) => {
    this.received ??= signal;
  };
  constructor() {
    for (const signal of HANDLED_SIGNALS) process.on(signal, this.handler);
  }
  /** The first signal received so far, after letting any pending one be delivered. */
  async settle() {
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    return this.received;
  }
  dispose() {
    for (const signal of HANDLED_SIGNALS) process.off(signal, this.handler);
  }
};

// src/cli/test-pause.ts
function testPause(env = process.env) {
  const match = /^([a-z-]+):([0-9]+)$/.exec(env.FLEETC_TEST_PAUSE ?? "");
  if (!match || !CRASH_POINTS.includes(match[1])) return void 0;
  const [, at, ms] = match;
  return (point) => {
    if (point !== at) return;
    process.stderr.write(`fleetc: test pause at ${point}
`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
  };
}

// src/util/tiering.ts
var import_node_v83 = __toESM(require("node:v8"), 1);
var MEASURED = process.versions.v8.startsWith("11.");
var DEFAULT_BUDGET = 67584;
function fullBuildTiering() {
  setBudget(8 * DEFAULT_BUDGET);
}
function defaultTiering() {
  setBudget(DEFAULT_BUDGET);
}
function setBudget(bytecodes) {
  if (MEASURED) import_node_v83.default.setFlagsFromString(`--interrupt-budget=${bytecodes}`);
}

// src/cli/views/build.ts
var import_node_path18 = __toESM(require("node:path"), 1);
function renderBuildResult(summary) {
  const { outDir, check, changes } = summary;
  const timing = `${summary.hosts} hosts, ${summary.files} files, ${Math.round(summary.milliseconds)} ms`;
  if (changes.length === 0) return `${outDir} is up to date (${timing})
`;
  const count2 = (kind) => changes.filter((c) => c.change === kind).length;
  const counts = `${count2("added")} added, ${count2("modified")} modified, ${count2("removed")} removed`;
  const root = import_node_path18.default.relative(process.cwd(), summary.rootDir);
  const shown = (c) => c.root ? root ? `${root}/${c.path}` : c.path : `${outDir}/${c.path}`;
  if (!check) return `wrote ${outDir}: ${counts} (${timing})
`;
  const list3 = changes.map((c) => `  ${c.change.padEnd(8)} ${shown(c)}
`).join("");
  const rootFiles = changes.some((c) => c.root) ? ` and the root files` : "";
  return `${outDir} is out of date: ${counts}
${list3}hint: run \`fleetc build\` and commit ${outDir}${rootFiles}
`;
}

// src/cli/commands/build.ts
function registerBuild(program, io, setExit) {
  const command = program.command("build").description("validate the fleet and write the output directory (flake, host modules, disko, manifest)").option("--check", "write nothing; list the files that would change and exit 1 if any would");
  addPathOptions(command);
  addFormatOption(command);
  addCacheOptions(command);
  addLockTimeoutOption(command);
  command.action(async (options) => {
    const guard = new SignalGuard();
    try {
      setExit(await build(options, io, guard));
    } catch (error) {
      if (!(error instanceof WriteRefused || error instanceof WriteFailed || error instanceof LockTimeout)) throw error;
      io.stderr(`fleetc: ${error.message}
  hint: ${hintFor2(error)}
`);
      setExit(EXIT.failed);
    } finally {
      guard.dispose();
      defaultTiering();
    }
  });
}
async function build(options, io, guard) {
  const paths = pathsFrom(options);
  const rootDir = fleetRepositoryRoot(paths);
  const check = Boolean(options.check);
  const started = performance.now();
  const cacheDir = cacheDirFrom(options);
  const summary = (changes2, hosts, files) => renderBuildResult({ outDir: paths.outDir, rootDir, check, changes: changes2, hosts, files, milliseconds: performance.now() - started });
  const upToDate = (stamp2) => !hasInterruptedWrite(paths.outDir, { rootDir }) && outputMatches(stamp2, paths.outDir, rootDir);
  const context = cacheDir === void 0 || check ? void 0 : contextKey(paths.outDir, relativeNixDir(paths), paths.fleetDir, rootDir);
  const snapshot = context === void 0 ? void 0 : inputSnapshot(paths.fleetDir, paths.nixDir, cacheDir);
  const inputs = snapshot && { context, files: snapshot };
  const recorded = inputs === void 0 ? void 0 : readStamp(cacheDir);
  if (inputs && recorded?.inputs?.context === inputs.context && sameInputs(recorded.inputs.files, inputs.files) && upToDate(recorded)) {
    io.stderr(summary([], recorded.hosts, Object.keys(recorded.files).length + Object.keys(recorded.root).length));
    return EXIT.ok;
  }
  const raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
  const key = context === void 0 ? void 0 : buildKey(raw, paths.outDir, relativeNixDir(paths), rootDir);
  const stamp = key === void 0 ? void 0 : recorded ?? readStamp(cacheDir);
  if (stamp && stamp.key === key && upToDate(stamp)) {
    if (inputs) restampInputs(cacheDir, stamp, inputs);
    io.stderr(summary([], stamp.hosts, Object.keys(stamp.files).length + Object.keys(stamp.root).length));
    return EXIT.ok;
  }
  const result = await compileFromDisk(paths, { cacheDir, raw, workers: workerCount(), stream: !check, parsed: fullBuildTiering });
  io.stdout(renderDiagnostics(formatFrom(options), result.diagnostics, result.sources, process.env.GITHUB_WORKSPACE));
  if (hasErrors(result.diagnostics) || !(result.artifacts || result.stream)) {
    io.stderr(`${paths.fleetDir}: invalid; ${paths.outDir} left untouched
`);
    return EXIT.failed;
  }
  const before = await guard.settle();
  if (before) {
    io.stderr(`fleetc build: interrupted (${before}) before writing; ${paths.outDir} left untouched
`);
    return SIGNAL_EXIT[before];
  }
  const timeoutMs = Number(options.lockTimeout) * 1e3;
  const lock = check ? acquireOutputLockToRead(paths.outDir, { timeoutMs, command: "fleetc build --check" }) : lockForWrite(paths, timeoutMs);
  let changes;
  try {
    changes = check ? checkOutput(paths, rootDir, result, io) : writeLocked2(paths, rootDir, result, lock, key, cacheDir, inputs);
  } finally {
    lock?.release();
  }
  io.stderr(summary(changes, result.hostCount, result.artifacts?.length ?? result.stream.count));
  const after = await guard.settle();
  if (after) {
    io.stderr(`fleetc build: interrupted (${after}); the write in progress was finished first
`);
    return SIGNAL_EXIT[after];
  }
  return check && changes.length > 0 ? EXIT.failed : EXIT.ok;
}
function lockForWrite(paths, timeoutMs) {
  return acquireOutputLock(paths.outDir, { timeoutMs, command: "fleetc build", makeParent: true });
}
function writeLocked2(paths, rootDir, result, lock, key, cacheDir, inputs) {
  const { changes } = writeOutputSync(paths.outDir, result.stream ?? result.artifacts, testPause(), { rootDir, lock });
  if (key !== void 0 && result.diagnostics.length === 0) writeStamp(cacheDir, key, result.hostCount, paths.outDir, result.stream?.written() ?? result.artifacts, rootDir, inputs);
  return changes;
}
function checkOutput(paths, rootDir, result, io) {
  if (hasInterruptedWrite(paths.outDir, { rootDir })) io.stderr(`fleetc: an interrupted build left its journal beside ${paths.outDir}; \`fleetc build\` finishes or undoes it
`);
  return compareWithDiskSync(paths.outDir, result.artifacts, { rootDir });
}
function hintFor2(error) {
  if (error instanceof WriteRefused) return "pass --out with an empty or fleetc-generated directory, and move files fleetc did not write out of its way";
  if (error instanceof LockTimeout) return "wait for the other fleetc to finish, or pass --lock-timeout SECONDS";
  return error.hint;
}

// src/cli/commands/init.ts
var import_node_fs23 = __toESM(require("node:fs"), 1);
var import_node_path21 = __toESM(require("node:path"), 1);

// src/init/files.ts
var import_node_fs21 = require("node:fs");
var import_node_path19 = __toESM(require("node:path"), 1);
registerEscaper("yamlString", (value) => JSON.stringify(String(value)));
registerEscaper("yamlPath", (value) => {
  const text = String(value);
  if (!/^[A-Za-z0-9._/@+-]+$/.test(text)) throw new Error(`not a plain relative path: ${text}`);
  return text;
});
var template2 = (name) => compileTemplate(name, (0, import_node_fs21.readFileSync)(packageFile(`templates/init/${name}`), "utf8"));
var GITIGNORE = (0, import_node_fs21.readFileSync)(packageFile("templates/init/gitignore"), "utf8");
function gitignoreAdditions(existing) {
  if (existing === void 0) return GITIGNORE;
  const have = new Set(existing.split("\n").map((line) => line.trim()));
  const missing = GITIGNORE.split("\n").filter((line) => line !== "" && !line.startsWith("#") && !have.has(line));
  return missing.length === 0 ? "" : `${existing.endsWith("\n") || existing === "" ? "" : "\n"}# fleetc
${missing.join("\n")}
`;
}
function minimalFleet(options) {
  const network = ipv4ToInt(options.cidr.split("/")[0]);
  const at = (offset) => intToIpv4(network + offset);
  const values = {
    name: options.name,
    domain: options.domain,
    cidr: options.cidr,
    gateway: at(1),
    bootServer: at(2),
    bootUrl: `http://${at(2)}:8080/boot`,
    poolStart: at(200),
    poolEnd: at(250),
    hostAddress: at(11),
    authorizedKeys: options.authorizedKeys
  };
  const schema = (file) => schemaFrom(file, options);
  return [
    marker(),
    { path: "fleet/fleet.yaml", contents: template2("fleet.yaml.hbs")({ ...values, schema: schema("fleet/fleet.yaml") }) },
    { path: "fleet/profiles/base.yaml", contents: template2("profile.yaml.hbs")({ schema: schema("fleet/profiles/base.yaml") }) },
    { path: "fleet/hosts/node-1.yaml", contents: template2("host.yaml.hbs")({ ...values, name: "node-1", schema: schema("fleet/hosts/node-1.yaml") }) },
    { path: "nix/profiles/base.nix", contents: (0, import_node_fs21.readFileSync)(packageFile("templates/init/base.nix"), "utf8") },
    ...workflows()
  ];
}
function exampleFleet(options) {
  const example = packageFile("examples/photon-lab");
  const files = [marker()];
  for (const dir of ["fleet", "nix"]) {
    for (const [rel, bytes] of readTreeSync(import_node_path19.default.join(example, dir))) {
      const file = `${dir}/${rel}`;
      const text = bytes.toString("utf8");
      files.push({ path: file, contents: text.replace(/^(# yaml-language-server: \$schema=)(?:\.\.\/)+schema\//, `$1${schemaFrom(file, options)}/`) });
    }
  }
  return [...files, ...workflows()];
}
function marker() {
  return { path: ROOT_MARKER, contents: `${JSON.stringify(DEFAULT_MARKER, null, 2)}
` };
}
function workflows() {
  const template3 = (name) => (0, import_node_fs21.readFileSync)(packageFile(`templates/init/${name}`), "utf8");
  return [...["pr.yml", "apply.yml"].map((name) => ({ path: `.github/workflows/${name}`, contents: template3(`workflows/${name}`) })), { path: ".github/dependabot.yml", contents: template3("dependabot.yml") }];
}
function schemaFrom(file, { root, schemaDir: schemaDir2 }) {
  return import_node_path19.default.relative(import_node_path19.default.join(root, import_node_path19.default.dirname(file)), schemaDir2).split(import_node_path19.default.sep).join("/") || ".";
}

// src/init/write.ts
var import_node_fs22 = __toESM(require("node:fs"), 1);
var import_node_path20 = __toESM(require("node:path"), 1);
var import_node_crypto13 = require("node:crypto");
var ALLOWED = /* @__PURE__ */ new Set([".git", "node_modules", "package.json", "package-lock.json", ".gitignore"]);
var InitRefused = class extends Error {
};
function writeNewRepository(dir, files) {
  const target = import_node_path20.default.resolve(dir);
  const stat = import_node_fs22.default.statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new InitRefused(`${dir} is not a directory`);
  const present = stat ? import_node_fs22.default.readdirSync(target).filter((name) => !ALLOWED.has(name)) : [];
  if (present.length > 0) throw new InitRefused(`${dir} is not empty (${present.slice(0, 5).join(", ")}${present.length > 5 ? ", \u2026" : ""}); fleetc init writes a new fleet repository into an empty directory (or one with only .git, .gitignore and an npm install of fleetc)`);
  import_node_fs22.default.mkdirSync(target, { recursive: true });
  const staging = import_node_path20.default.join(target, `.fleetc-init.tmp-${(0, import_node_crypto13.randomBytes)(4).toString("hex")}`);
  const moved = [];
  try {
    for (const file of files) {
      const to = import_node_path20.default.join(staging, file.path);
      import_node_fs22.default.mkdirSync(import_node_path20.default.dirname(to), { recursive: true });
      import_node_fs22.default.writeFileSync(to, file.contents, { flag: "wx" });
    }
    for (const entry of import_node_fs22.default.readdirSync(staging)) {
      import_node_fs22.default.renameSync(import_node_path20.default.join(staging, entry), import_node_path20.default.join(target, entry));
      moved.push(entry);
    }
    const gitignore = import_node_path20.default.join(target, ".gitignore");
    const existing = import_node_fs22.default.existsSync(gitignore) ? import_node_fs22.default.readFileSync(gitignore, "utf8") : void 0;
    const additions = gitignoreAdditions(existing);
    if (additions !== "") import_node_fs22.default.appendFileSync(gitignore, additions);
  } catch (error) {
    for (const entry of moved) import_node_fs22.default.rmSync(import_node_path20.default.join(target, entry), { recursive: true, force: true });
    throw error;
  } finally {
    import_node_fs22.default.rmSync(staging, { recursive: true, force: true });
  }
}

// src/cli/commands/init.ts
var LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
function registerInit(program, io, setExit) {
  program.command("init").description("write a new fleet repository (fleetc.json, fleet/, nix/, .gitignore, GitHub workflows) that validates and builds at once").argument("[dir]", "the directory of the new repository (empty, or holding only .git and an npm install of fleetc)", ".").option("--example", "write the photon-lab example fleet instead of a minimal one").option("--name <name>", "the fleet's name, a DNS label (default: the directory's name)").option("--domain <domain>", "DNS domain of the hosts (default: <name>.internal)").option("--network <cidr>", "the provisioning network, /8 to /24", "10.0.0.0/24").option("--authorized-key <file...>", "public key files whose keys may log into the hosts and installers").action(async (dir, options) => {
    const root = import_node_path21.default.resolve(dir);
    const files = options.example ? exampleFleet({ root, schemaDir: schemaDir(root) }) : minimalFleet(minimalOptions(root, options));
    try {
      writeNewRepository(root, files);
    } catch (error) {
      if (!(error instanceof InitRefused)) throw error;
      io.stderr(`fleetc: ${error.message}
`);
      return setExit(EXIT.failed);
    }
    const shown = import_node_path21.default.relative(process.cwd(), root) || ".";
    const result = await compileFromDisk({ fleetDir: import_node_path21.default.join(root, "fleet"), outDir: import_node_path21.default.join(root, "generated"), nixDir: import_node_path21.default.join(root, "nix"), rootDir: root }, { validateOnly: true });
    io.stdout(renderDiagnostics("text", result.diagnostics, result.sources));
    io.stderr(`wrote a fleet repository in ${shown}: ${files.length} files (${result.hostCount} hosts, ${result.profileCount} profiles; ${hasErrors(result.diagnostics) ? "invalid" : "valid"})
`);
    if (!hasErrors(result.diagnostics)) io.stderr(`next: cd ${shown} && fleetc build, then commit fleet/, nix/, flake.nix, flake.lock and generated/
`);
    setExit(hasErrors(result.diagnostics) ? EXIT.failed : EXIT.ok);
  });
}
function minimalOptions(root, options) {
  const name = options.name ?? import_node_path21.default.basename(root).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  if (!LABEL.test(name)) throw new UsageError(`the fleet's name must be a DNS label (lower-case letters, digits and -), not ${JSON.stringify(name)}: pass --name`);
  const cidr = parseCidr(String(options.network));
  if (!cidr.ok || cidr.value.prefixLength > 24) throw new UsageError(`--network ${String(options.network)}: ${cidr.ok ? "needs room for the pool (.200\u2013.250): /24 or larger" : cidr.reason}`);
  const keys2 = (options.authorizedKey ?? []).flatMap((file) => {
    try {
      return import_node_fs23.default.readFileSync(file, "utf8").split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
    } catch (error) {
      throw new UsageError(`--authorized-key ${file}: ${error.message}`);
    }
  });
  return { name, domain: options.domain ?? `${name}.internal`, cidr: cidr.canonical, authorizedKeys: keys2, root, schemaDir: schemaDir(root) };
}
function schemaDir(root) {
  const local = import_node_path21.default.join(root, "node_modules", "fleetc", "schema");
  return import_node_fs23.default.existsSync(local) ? local : import_node_path21.default.join(PACKAGE_ROOT, "schema");
}

// src/cli/commands/plan.ts
var import_promises5 = require("node:fs/promises");
var import_commander2 = require("commander");

// src/git/repository.ts
var import_node_child_process3 = require("node:child_process");
var import_node_path22 = __toESM(require("node:path"), 1);
var import_node_util = require("node:util");
var GitError = class extends Error {
};
var execFileAsync = (0, import_node_util.promisify)(import_node_child_process3.execFile);
async function openRepository(cwd) {
  const { simpleGit } = await import("simple-git");
  const git = simpleGit({ baseDir: cwd });
  let root;
  try {
    root = (await git.revparse(["--show-toplevel"])).trim();
  } catch {
    throw new GitError(`${cwd} is not inside a git repository`);
  }
  return { git: simpleGit({ baseDir: root }), root };
}
async function resolveCommit(repo, revision) {
  if (revision.startsWith("-")) throw new GitError(`"${revision}" is not a revision`);
  const commit2 = await repo.git.revparse(["--verify", "--quiet", "--end-of-options", `${revision}^{commit}`]).then((out) => out.trim(), () => "");
  if (!/^[0-9a-f]{40}$/.test(commit2)) throw new GitError(`unknown revision "${revision}"`);
  return commit2;
}
async function resolveRevisions(cwd, revisions) {
  if (!revisions.some((r) => r.startsWith("-"))) {
    const lines2 = await execFileAsync("git", ["rev-parse", "--show-toplevel", ...revisions.map((r) => `${r}^{commit}`)], { cwd, encoding: "utf8" }).then(({ stdout }) => stdout.split("\n"), () => []);
    const commits2 = lines2.slice(1, 1 + revisions.length);
    if (lines2.length === revisions.length + 2 && lines2[0] !== "" && commits2.every((c) => /^[0-9a-f]{40}$/.test(c))) return { repo: { root: lines2[0] }, commits: commits2 };
  }
  const repo = await openRepository(cwd);
  const commits = [];
  for (const revision of revisions) commits.push(await resolveCommit(repo, revision));
  return { repo, commits };
}
function repoRelative(repo, dir) {
  const relative = import_node_path22.default.relative(repo.root, import_node_path22.default.resolve(dir)).split(import_node_path22.default.sep).join("/");
  if (relative.startsWith("..") || import_node_path22.default.isAbsolute(relative)) throw new GitError(`${dir} is outside the repository ${repo.root}`);
  return relative;
}
function libraryDirOf(repo, paths) {
  return `${repoRelative(repo, paths.outDir)}/${LIBRARY_DIR}`;
}

// src/git/tree-reader.ts
var import_node_child_process4 = require("node:child_process");
var import_node_util2 = require("node:util");
var import_node_crypto14 = require("node:crypto");
var import_node_fs24 = require("node:fs");
var import_node_os = __toESM(require("node:os"), 1);
var import_node_path23 = __toESM(require("node:path"), 1);
var execFileAsync2 = (0, import_node_util2.promisify)(import_node_child_process4.execFile);
async function listTree(repo, commit2, dirs) {
  const { stdout: output } = await execFileAsync2("git", ["ls-tree", "-r", "-z", "--long", "--full-tree", commit2, "--", ...dirs], { cwd: repo.root, encoding: "utf8", maxBuffer: 1 << 30 });
  return output.split("\0").filter(Boolean).map((line) => {
    const tab = line.indexOf("	");
    const typeAt = line.indexOf(" ") + 1;
    const idAt = line.indexOf(" ", typeAt) + 1;
    const sizeAt = line.indexOf(" ", idAt) + 1;
    const size2 = line.slice(sizeAt, tab).trim();
    return { mode: line.slice(0, typeAt - 1), type: line.slice(typeAt, idAt - 1), id: line.slice(idAt, sizeAt - 1), size: size2 === "-" ? 0 : Number(size2), path: line.slice(tab + 1) };
  });
}
async function readBlobs(repo, ids) {
  const blobs = /* @__PURE__ */ new Map();
  for (const [id, object] of await readObjects(repo, ids)) {
    if (object?.id !== id) throw new Error(`git cat-file: unexpected answer for ${id}`);
    blobs.set(id, object.bytes);
  }
  return blobs;
}
async function readBlobAt(repo, commit2, file) {
  if (/[\n\r]/.test(file)) return void 0;
  const dir = (0, import_node_fs24.mkdtempSync)(import_node_path23.default.join(import_node_os.default.tmpdir(), "fleetc-blob-"));
  const fd = (0, import_node_fs24.openSync)(import_node_path23.default.join(dir, "blob"), "w+");
  (0, import_node_fs24.rmSync)(dir, { recursive: true, force: true });
  try {
    const child = (0, import_node_child_process4.spawn)("git", ["cat-file", "--batch"], { cwd: repo.root, stdio: ["pipe", fd, "ignore"] });
    const code2 = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
      child.stdin.end(`${commit2}:${file}
`);
    });
    if (code2 !== 0) return void 0;
    const output = Buffer.allocUnsafe((0, import_node_fs24.fstatSync)(fd).size);
    (0, import_node_fs24.readSync)(fd, output, 0, output.length, 0);
    const object = batchAnswers(output, [`${commit2}:${file}`]).get(`${commit2}:${file}`);
    return object?.type === "blob" ? object : void 0;
  } finally {
    (0, import_node_fs24.closeSync)(fd);
  }
}
async function readObjects(repo, names) {
  const unique = [...new Set(names)];
  if (unique.length === 0) return /* @__PURE__ */ new Map();
  const child = (0, import_node_child_process4.spawn)("git", ["cat-file", "--batch"], { cwd: repo.root, stdio: ["pipe", "pipe", "pipe"] });
  const chunks2 = [];
  child.stdout.on("data", (chunk) => chunks2.push(chunk));
  const done = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code2) => code2 === 0 ? resolve() : reject(new Error(`git cat-file exited with ${code2}`)));
  });
  child.stdin.end(unique.join("\n") + "\n");
  await done;
  return batchAnswers(Buffer.concat(chunks2), unique);
}
function batchAnswers(output, names) {
  const objects = /* @__PURE__ */ new Map();
  let offset = 0;
  for (const name of names) {
    const headerEnd = output.indexOf(10, offset);
    const header = output.subarray(offset, headerEnd).toString("utf8");
    if (header === `${name} missing`) {
      objects.set(name, void 0);
      offset = headerEnd + 1;
      continue;
    }
    const [id, type, size2] = header.split(" ");
    const start = headerEnd + 1;
    if (id === void 0 || type === void 0 || size2 === void 0 || headerEnd < 0 || start + Number(size2) >= output.length) throw new Error(`git cat-file: unexpected answer for ${name}`);
    objects.set(name, { id, type, bytes: output.subarray(start, start + Number(size2)) });
    offset = start + Number(size2) + 1;
  }
  return objects;
}
async function readFleetAt(repo, commit2, fleetDir, nixDir, displayDir, libraryDir, knownSoon, extraFile, later) {
  const entries = await listTree(repo, commit2, [fleetDir, nixDir, ...libraryDir ? [libraryDir] : [], ...extraFile ? [extraFile.path] : []]);
  later?.listed(entries.filter((e) => e.path.startsWith(`${fleetDir}/`)).map((e) => ({ relPath: e.path.slice(fleetDir.length + 1), id: e.id })));
  const defer = await later?.defer;
  const extra = extraFile === void 0 ? void 0 : entries.find((e) => e.path === extraFile.path && e.type === "blob" && e.mode !== "120000");
  const known = await knownSoon;
  const underLibrary = libraryDir ? entries.filter((e) => e.path.startsWith(`${libraryDir}/`) && e.type === "blob" && e.mode !== "120000" && !hidden(e.path.slice(libraryDir.length + 1))) : [];
  const underFleet = entries.filter((e) => e.path.startsWith(`${fleetDir}/`));
  const underNix = entries.filter((e) => e.path.startsWith(`${nixDir}/`) && e.mode !== "120000");
  const yaml2 = underFleet.filter((e) => (/\.ya?ml$/.test(e.path) || e.mode === "120000") && !hidden(e.path.slice(fleetDir.length + 1)));
  const readable = yaml2.filter((e) => e.type === "blob" && e.mode !== "120000" && e.size <= MAX_FILE_BYTES);
  const deferred = new Set(defer ? readable.filter((e) => defer(e.path.slice(fleetDir.length + 1), e.id)).map((e) => e.id) : []);
  const wanted = [...readable.filter((e) => !deferred.has(e.id)).map((e) => e.id), ...underNix.filter((e) => e.type === "blob").map((e) => e.id), ...underLibrary.map((e) => e.id), ...extra && !extraFile?.early ? [extra.id] : []];
  const blobs = await readBlobs(repo, known ? wanted.filter((id) => !known.has(id)) : wanted);
  for (const id of wanted) if (!blobs.has(id)) blobs.set(id, known.get(id));
  if (extra && extraFile?.early) {
    const early = await extraFile.early;
    blobs.set(extra.id, early?.id === extra.id ? early.bytes : (await readBlobs(repo, [extra.id])).get(extra.id));
  }
  const files = yaml2.map((entry) => {
    const relPath = entry.path.slice(fleetDir.length + 1);
    const displayPath = `${displayDir}/${relPath}`;
    const problem = (code2, message) => ({ relPath, displayPath, problem: { severity: "error", code: code2, message, file: displayPath, range: NO_RANGE } });
    if (entry.mode === "120000") return { relPath, displayPath, problem: { ...symlinkProblem(relPath, displayDir).problem, file: displayPath } };
    if (entry.type !== "blob") return problem("FILE_NOT_REGULAR", `${relPath} is not a regular file in commit ${commit2.slice(0, 12)}`);
    if (entry.size > MAX_FILE_BYTES) return problem("FILE_TOO_LARGE", `${relPath} is ${entry.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
    if (deferred.has(entry.id)) {
      const file = { relPath, displayPath, blobId: entry.id };
      unread.add(file);
      return file;
    }
    return { relPath, displayPath, bytes: blobs.get(entry.id), blobId: entry.id };
  });
  const nixFiles = /* @__PURE__ */ new Map();
  const nixSources = /* @__PURE__ */ new Map();
  for (const entry of underNix.filter((e) => e.type === "blob" && !hidden(e.path.slice(nixDir.length + 1)))) {
    const relPath = entry.path.slice(nixDir.length + 1);
    const bytes = blobs.get(entry.id);
    nixFiles.set(relPath, (0, import_node_crypto14.createHash)("sha256").update(bytes).digest("hex"));
    nixSources.set(relPath, asBuffer(bytes).toString("utf8"));
  }
  const library = underLibrary.length > 0 ? libraryFrom(new Map(underLibrary.map((e) => [e.path.slice(libraryDir.length + 1), asBuffer(blobs.get(e.id))]))) : void 0;
  return { displayDir, files, problems: [], nixFiles, nixSources, ...library ? { library } : {}, existed: underFleet.length > 0, ...extra ? { extra: { id: extra.id, bytes: asBuffer(blobs.get(extra.id)) } } : {} };
}
var unread = /* @__PURE__ */ new WeakSet();
function isUnread(file) {
  return unread.has(file);
}
async function readUnread(repo, files) {
  const pending = files.filter((f) => unread.has(f));
  if (pending.length === 0) return;
  const blobs = await readBlobs(repo, pending.map((f) => f.blobId));
  for (const file of pending) {
    file.bytes = blobs.get(file.blobId);
    unread.delete(file);
  }
}
function asBuffer(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
function hidden(relPath) {
  return relPath.startsWith(".") || relPath.includes("/.");
}

// src/plan/reasons.ts
var MAX_VALUE_LENGTH = 60;
function describeHostChanges(base, head) {
  if (base === head) return [];
  const reasons = [];
  const scalar = (label, a, b) => {
    if (!same(a, b)) reasons.push(`${label} ${show(a)} \u2192 ${show(b)}`);
  };
  scalar("profile", base.profile, head.profile);
  scalar("cluster", base.cluster, head.cluster);
  scalar("architecture", base.arch, head.arch);
  scalar("firmware", base.firmware, head.firmware);
  list2("services", base.services, head.services, reasons);
  list2("Nix modules", base.modules, head.modules, reasons);
  list2("packages", base.packages, head.packages, reasons);
  list2("kernel params", base.kernel.params, head.kernel.params, reasons);
  list2("kernel modules", base.kernel.modules, head.kernel.modules, reasons);
  scalar("kernel package", base.kernel.package, head.kernel.package);
  keyed("interface", byKey(base.interfaces, (i) => i.device), byKey(head.interfaces, (i) => i.device), reasons, (i) => `${i.network}${i.address ? `, ${i.address}` : ", DHCP"}`);
  scalar("default gateway", base.gateway && `${base.gateway.address} via ${base.gateway.device}`, head.gateway && `${head.gateway.address} via ${head.gateway.device}`);
  list2("nameservers", base.nameservers, head.nameservers, reasons);
  keyed("disk", base.disks, head.disks, reasons, (d) => `${d.device}, ${d.size}`);
  if (base.layout.kind !== head.layout.kind) reasons.push(`disk layout ${base.layout.kind} \u2192 ${head.layout.kind}`);
  else generic(`disk layout (${head.layout.kind})`, base.layout, head.layout, reasons);
  if (!same(base.bmc, head.bmc)) {
    if (!base.bmc || !head.bmc) reasons.push(`BMC ${base.bmc ? "removed" : "added"}`);
    else generic("BMC", base.bmc, head.bmc, reasons);
  }
  keyed("label", base.labels, head.labels, reasons, (v) => v);
  list2("authorized SSH keys", base.authorizedKeys, head.authorizedKeys, reasons, true);
  scalar("SSH host key", base.ssh.hostKey && "pinned", head.ssh.hostKey && (base.ssh.hostKey && base.ssh.hostKey !== head.ssh.hostKey ? "replaced" : "pinned"));
  scalar("SSH port", base.ssh.port, head.ssh.port);
  scalar("SSH user", base.ssh.user, head.ssh.user);
  for (const key of ["domain", "timezone", "stateVersion", "description"]) scalar(key, base[key], head[key]);
  return reasons;
}
function list2(label, a, b, out, countOnly = false) {
  const added = b.filter((x) => !a.includes(x));
  const removed = a.filter((x) => !b.includes(x));
  if (added.length === 0 && removed.length === 0) {
    if (!same(a, b)) out.push(`${label} reordered`);
    return;
  }
  if (countOnly) out.push(`${label}: ${added.length} added, ${removed.length} removed`);
  else out.push(`${label} ${[...added.map((x) => `+${x}`), ...removed.map((x) => `\u2212${x}`)].join(" ")}`);
}
function keyed(label, a, b, out, summary) {
  for (const key of Object.keys(b)) if (!(key in a)) out.push(`${label} ${key} added (${summary(b[key])})`);
  for (const key of Object.keys(a)) if (!(key in b)) out.push(`${label} ${key} removed (${summary(a[key])})`);
  for (const key of Object.keys(b)) {
    if (!(key in a) || same(a[key], b[key])) continue;
    if (typeof b[key] === "object") generic(`${label} ${key}`, a[key], b[key], out);
    else out.push(`${label} ${key}: ${show(a[key])} \u2192 ${show(b[key])}`);
  }
}
function describeValueChanges(prefix, a, b) {
  const out = [];
  generic(prefix, a, b, out);
  return out;
}
function generic(prefix, a, b, out, path37 = "") {
  if (same(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of /* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(b)])) generic(prefix, a[key], b[key], out, path37 ? `${path37}.${key}` : key);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => typeof x === "string")) {
    list2(`${prefix}: ${path37}`, a, b, out);
    return;
  }
  out.push(`${prefix}: ${path37 ? `${path37} ` : ""}${show(a)} \u2192 ${show(b)}`);
}
function byKey(items, key) {
  return Object.fromEntries(items.map((item) => [key(item), item]));
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
function show(value) {
  if (value === void 0 || value === null) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}\u2026` : text;
}
function hardwareIdentityChanges(base, head) {
  const out = [];
  const bootMac = (host) => host.interfaces.find((i) => i.boot)?.mac;
  if (bootMac(base) !== bootMac(head)) out.push(`boot MAC ${show(bootMac(base))} \u2192 ${show(bootMac(head))}`);
  if (base.bmc && head.bmc && base.bmc.address !== head.bmc.address) out.push(`BMC ${base.bmc.address} \u2192 ${head.bmc.address}`);
  for (const [name, disk] of Object.entries(head.disks)) {
    const before = base.disks[name]?.device;
    if (before && before !== disk.device && before.startsWith(BY_ID) && disk.device.startsWith(BY_ID)) out.push(`disk ${name} ${before.slice(BY_ID.length)} \u2192 ${disk.device.slice(BY_ID.length)}`);
  }
  return out;
}
var BY_ID = "/dev/disk/by-id/";

// src/plan/fleet-changes.ts
function fleetChanges(base, head) {
  const out = [];
  const all = () => true;
  for (const name of union(base.networks, head.networks)) {
    const a = base.networks[name];
    const b = head.networks[name];
    const onIt = (host) => host.interfaces.some((i) => i.network === name);
    if (!a || !b) out.push({ text: `network ${name} ${a ? "removed" : "added"}`, reaches: onIt });
    else for (const text of describeValueChanges(`network ${name}`, { ...a, name: void 0 }, { ...b, name: void 0 })) out.push({ text, reaches: onIt });
  }
  for (const text of describeValueChanges("boot", base.boot, head.boot)) out.push({ text, reaches: all });
  for (const name of union(base.services, head.services)) {
    const a = base.services[name];
    const b = head.services[name];
    const runs = (host) => host.services.includes(name);
    if (!a || !b) out.push({ text: `service ${name} ${a ? "removed" : "added"}`, reaches: runs });
    else for (const text of describeValueChanges(`service ${name}`, { ...a, name: void 0 }, { ...b, name: void 0 })) out.push({ text, reaches: runs });
  }
  for (const name of union(base.clusters, head.clusters)) {
    const a = base.clusters[name];
    const b = head.clusters[name];
    const inIt = (host) => host.cluster === name;
    if (!a || !b) continue;
    const groups = (c) => Object.fromEntries(c.raft.map((g) => [g.service, { voters: g.voters, bootstrap: g.bootstrap }]));
    for (const text of describeValueChanges(`cluster ${name} Raft`, groups(a), groups(b))) out.push({ text, reaches: inIt });
    if (a.description !== b.description) out.push({ text: `cluster ${name}: description changed`, reaches: inIt });
  }
  for (const text of describeValueChanges("first boot", base.firstBoot, head.firstBoot)) out.push({ text, reaches: all });
  for (const text of describeValueChanges("secret", base.secrets, head.secrets)) out.push({ text, reaches: all });
  for (const text of describeValueChanges("platform", base.platform, head.platform)) out.push({ text, reaches: all });
  return out;
}
function union(a, b) {
  return [.../* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

// src/plan/explain.ts
var FIRST_BOOT_DATA_NOTE = "first-boot data only, harmless: its first-boot steps are the same and have already run on this running host (each left its marker in /var/lib/fleet-first-boot and never runs again); the switch only updates /etc/fleet/first-boot.json, which a step still retrying, or re-run by hand, reads";
var STEP_FIELDS = ["version", "host", "cluster", "role", "steps"];
function firstBootDataOnly(artifacts, before, after) {
  if (artifacts.length === 0) return false;
  return artifacts.every((artifact) => {
    if (artifact.kind !== "first-boot" || artifact.change !== "modified") return false;
    const [a, b] = [before(artifact.path), after(artifact.path)].map(parse);
    return a !== void 0 && b !== void 0 && STEP_FIELDS.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
  });
}
function parse(text) {
  if (text === void 0) return void 0;
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}
function networkOnlyNote(name, fleet) {
  const server = fleet.boot.server;
  return server !== void 0 ? `nothing runs on ${name}: the boot server ${server} is redeployed first with the new DHCP and iPXE files, and ${name} is recorded once it serves them` : `nothing runs on ${name}: the boot server at ${fleet.boot.tftp} (not a host of this fleet) serves the new DHCP and iPXE files once it is given them`;
}
var KIND_PHRASES = {
  flake: "its flake entry",
  "host-data": "its host data",
  nixos: "its NixOS configuration",
  disko: "its disk layout",
  dhcp: "its DHCP reservation",
  ipxe: "its iPXE boot script",
  netboot: "the netboot installer data",
  "first-boot": "its first-boot data",
  library: "fleetc's own Nix"
};
function unexplained(artifacts) {
  const kinds = [...new Set(artifacts.map((a) => KIND_PHRASES[a.kind] ?? a.kind))];
  return `fleetc's output for it changed with no change to the host or to the fleet's settings (another fleetc version?): ${kinds.join(", ")}`;
}
function describeBootServer(hosts, fleet) {
  const name = fleet?.boot.server;
  const server = hosts.find((h) => h.name === name);
  if (!server || server.action === "unchanged" || server.action === "provision" || server.action === "decommission") return;
  const served = hosts.filter((h) => h !== server && (["provision", "decommission", "replace"].includes(h.action) || h.artifacts.some((a) => a.kind === "dhcp" || a.kind === "ipxe")));
  if (served.length === 0) {
    if (server.reasons.length === 0) server.reasons.push("the boot server: the files it serves changed (its DHCP configuration, iPXE scripts or netboot installer data); it is redeployed first, in a wave of its own");
    return;
  }
  const shown = served.slice(0, 10).map((h) => h.action === "network-only" || h.action === "update" || h.action === "reboot-required" ? h.name : `${h.name} (${h.action})`);
  const more = served.length > 10 ? ` and ${served.length - 10} more` : "";
  server.reasons.push(`the boot server: serves the new DHCP and iPXE files of ${shown.join(", ")}${more}; it is redeployed first, in a wave of its own`);
}
function installSteps(host, fleet) {
  const address = host.interfaces.find((i) => i.boot)?.address ?? host.fqdn;
  const steps = [];
  if (fleet.boot.server === host.name) {
    steps.push(`it is the boot server, so it does not boot from the network: start it into an installer (or any Linux) that answers SSH at ${address}:${host.ssh.port}; nixos-anywhere switches into its own installer from there`);
  } else {
    if (fleet.boot.server !== void 0) steps.push(`apply checks that the boot server ${fleet.boot.server} serves this commit's boot scripts`);
    steps.push(host.bmc ? `BMC (${host.bmc.kind}, ${host.bmc.address}): one-time boot from the network, then power on (or power cycle)` : "no BMC: power the machine on and boot it from the network yourself; apply waits for its installer");
    const bootMac = host.interfaces.find((i) => i.boot)?.mac;
    steps.push(`it PXE-boots fleetc's installer (DHCP reservation${bootMac ? ` for ${bootMac}` : ""}, its iPXE script, served from ${fleet.boot.http})`);
  }
  steps.push(fleet.deploy.firstContact === "accept-new" ? "first contact: the installer's SSH host key cannot be known in advance; the fleet's deploy.firstContact is accept-new, so apply accepts the first key it shows" : "first contact: the installer's SSH host key cannot be known in advance; the fleet's deploy.firstContact is refuse, so apply installs only when run with --first-contact accept-new (otherwise the host is refused and skipped)");
  steps.push(`nixos-anywhere over SSH to ${address}:${host.ssh.port}: erases and partitions ${diskList(host)} (${host.layout.kind}), installs NixOS, with a new SSH host key pair that apply generates, pins and records, and the first-boot credentials`);
  const raft = (fleet.clusters[host.cluster]?.raft ?? []).filter((g) => g.voters.includes(host.name)).map((g) => `${host.cluster}/${g.service}`);
  steps.push(`apply waits for the installed system (pinned to its new key) and its health checks${raft.length > 0 ? `, then until it is a member of ${raft.join(", ")} (new voters are installed one at a time)` : ""}; its first-boot steps run on the first boot`);
  return steps;
}
function diskList(host) {
  return Object.entries(host.disks).map(([name, disk]) => `${name} ${disk.device}`).join(", ");
}

// src/plan/types.ts
var PLAN_FORMAT_VERSION = 2;
var HOST_ACTIONS = ["destructive", "replace", "decommission", "provision", "reboot-required", "update", "network-only", "unchanged"];
function hasChanges(plan) {
  return plan.hosts.some((h) => h.action !== "unchanged");
}

// src/plan/waves.ts
function planWaves(all, policy) {
  const leading = all.find((h) => h.name === policy.first);
  const hosts = leading ? all.filter((h) => h !== leading) : all;
  const rank = (profile) => {
    const index = policy.order.indexOf(profile);
    return index < 0 ? policy.order.length : index;
  };
  const profiles = [...new Set(hosts.map((h) => h.profile))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const waves = leading ? [{ index: 1, profile: leading.profile, hosts: [leading.name] }] : [];
  for (const profile of profiles) {
    const group = [];
    const members = hosts.filter((h) => h.profile === profile).sort((a, b) => a.name < b.name ? -1 : 1);
    members.sort((a, b) => Number(b.raftGroups.length > 0) - Number(a.raftGroups.length > 0));
    for (const host of members) {
      const fits = (wave2) => (policy.maxParallel === 0 || wave2.hosts.length < policy.maxParallel) && host.raftGroups.every((g) => !wave2.groups.has(g));
      let wave = group.find(fits);
      if (!wave) group.push(wave = { hosts: [], groups: /* @__PURE__ */ new Set() });
      wave.hosts.push(host.name);
      for (const g of host.raftGroups) wave.groups.add(g);
    }
    for (const wave of group) waves.push({ index: waves.length + 1, profile, hosts: [...wave.hosts].sort() });
  }
  return waves;
}

// src/plan/lazy-manifest.ts
var MalformedEntry = class extends Error {
};
var FILES = '\n  "files": {\n';
var AFTER_FILES = '\n  },\n  "nix": ';
var HOSTS = '\n  "hosts": {';
var ENTRY = '\n    "';
var KEY_END = '": {\n';
var SUFFIX = "\n  }\n}\n";
var EMPTY = "}\n}\n";
function lazyManifest(bytes) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hostsAt = text.indexOf(HOSTS);
  if (hostsAt < 0 || text.indexOf(HOSTS, hostsAt + 1) >= 0) return void 0;
  const filesAt = text.indexOf(FILES);
  const afterFiles = filesAt < 0 ? -1 : text.indexOf(AFTER_FILES, filesAt);
  if (text[hostsAt - 1] !== 44) return void 0;
  const top = filesAt >= 0 && afterFiles >= 0 && afterFiles < hostsAt ? `${text.toString("utf8", 0, filesAt)}
  "files": {${text.toString("utf8", afterFiles + 3, hostsAt - 1)}
}` : `${text.toString("utf8", 0, hostsAt - 1)}
}`;
  let manifest;
  try {
    manifest = JSON.parse(top);
  } catch {
    return void 0;
  }
  if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest) || Object.hasOwn(manifest, "hosts")) return void 0;
  const hosts = lazyHosts(text, hostsAt + HOSTS.length);
  return hosts && { ...manifest, files: {}, hosts };
}
function lazyHosts(text, from) {
  const hosts = {};
  if (text.length - from === EMPTY.length) return text.toString("latin1", from) === EMPTY ? hosts : void 0;
  const end = text.length - SUFFIX.length;
  if (end <= from || text.toString("latin1", end) !== SUFFIX || text.indexOf(ENTRY, from) !== from) return void 0;
  for (let at = from; at < end; ) {
    const keyEnd = text.indexOf(KEY_END, at + ENTRY.length - 1);
    if (keyEnd < 0 || keyEnd > end) return void 0;
    const name = keyOf2(text, at + ENTRY.length - 1, keyEnd + 1);
    if (name === void 0) return void 0;
    const next = text.indexOf(`,${ENTRY}`, keyEnd);
    const valueEnd = next < 0 || next > end ? end : next;
    defineEntry(hosts, name, text, keyEnd + 3, valueEnd);
    at = valueEnd + 1;
  }
  return hosts;
}
function keyOf2(text, start, end) {
  let plain = end - start >= 2;
  for (let i = start + 1; i < end - 1 && plain; i++) plain = text[i] >= 32 && text[i] !== 34 && text[i] !== 92;
  if (plain) return text.toString("utf8", start + 1, end - 1);
  try {
    const name = JSON.parse(text.toString("utf8", start, end));
    return typeof name === "string" ? name : void 0;
  } catch {
    return void 0;
  }
}
function defineEntry(hosts, name, text, start, end) {
  let entry;
  const get2 = () => entry ??= parseEntry(text.toString("utf8", start, end));
  Object.defineProperty(hosts, name, { get: get2, set: replaceEntry(name), enumerable: true, configurable: true });
}
function replaceEntry(name) {
  return function(value) {
    Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  };
}
function parseEntry(text) {
  let entry;
  try {
    entry = JSON.parse(text);
  } catch {
    throw new MalformedEntry("not JSON");
  }
  if (!isHostEntry(entry)) throw new MalformedEntry("not a host entry");
  return entry;
}
function isHostEntry(value) {
  return isObject2(value) && isObject2(value.artifacts) && Object.values(value.artifacts).every((a) => isObject2(a) && typeof a.sha256 === "string");
}
function isObject2(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function copyEntry(to, from, name) {
  const descriptor = Object.getOwnPropertyDescriptor(from, name);
  if (descriptor?.get) Object.defineProperty(to, name, { get: descriptor.get, set: replaceEntry(name), enumerable: true, configurable: true });
  else to[name] = from[name];
}
function entryIdentity(hosts, name) {
  if (!hosts || !Object.hasOwn(hosts, name)) return void 0;
  const descriptor = Object.getOwnPropertyDescriptor(hosts, name);
  return descriptor.get ?? descriptor.value;
}

// src/plan/build.ts
var NETWORK_KINDS = /* @__PURE__ */ new Set(["dhcp", "ipxe"]);
var ROLLED_OUT = /* @__PURE__ */ new Set(["provision", "replace", "update", "reboot-required", "destructive"]);
var REPLACE_NOTE = "installed from scratch through its BMC and the network boot, like a new machine: whatever was on the old disks is lost";
function buildPlan(base, head, reference, unresolved = []) {
  const baseIndex = indexSide(base);
  const headIndex = indexSide(head);
  if (JSON.stringify([baseIndex.manifest?.nix, baseIndex.manifest?.library, baseIndex.manifest?.bootServer]) === JSON.stringify([headIndex.manifest?.nix, headIndex.manifest?.library, headIndex.manifest?.bootServer])) baseIndex.nixSame = headIndex;
  const names = [.../* @__PURE__ */ new Set([...baseIndex.hosts.keys(), ...headIndex.hosts.keys()])].sort();
  const changes = base.fleet && head.fleet ? fleetChanges(base.fleet, head.fleet) : [];
  const proven = provenUnchanged(base, head, baseIndex, headIndex, reference);
  if (unresolved.length > 0 && !(reference && base.fleet && head.fleet && baseIndex.nixSame === headIndex && inputChanges(base.fleet, head.fleet).length === 0)) throw new Error("plan: hosts left unresolved where they are not proven unchanged");
  const byReference = [...unresolved];
  const planned = [];
  for (const name of names) {
    if (proven(name)) byReference.push(name);
    else planned.push(planHost(name, base, head, baseIndex, headIndex, changes));
  }
  describeBootServer(planned, head.fleet);
  detectRenames(planned, (name) => baseIndex.hosts.get(name), (name) => headIndex.hosts.get(name));
  const hosts = [];
  for (const host of planned) {
    if (reference && referable(host, reference)) byReference.push(host.name);
    else hosts.push(host);
  }
  byReference.sort();
  const shared = base.fleet ? sharedChanges(base, head, baseIndex, headIndex) : [];
  const summary = Object.fromEntries(HOST_ACTIONS.map((a) => [a, hosts.filter((h) => h.action === a).length + (a === "unchanged" ? byReference.length : 0)]));
  const policy = { order: head.fleet?.deploy.order ?? base.fleet?.deploy.order ?? [], maxParallel: head.fleet?.deploy.maxParallel ?? 1 };
  const waves = planWaves(hosts.filter((h) => ROLLED_OUT.has(h.action)).map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), { ...policy, ...bootServerFirst(head.fleet) });
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    fleet: head.fleet?.name ?? base.fleet?.name ?? "",
    base: base.info,
    head: head.info,
    summary,
    waves,
    policy,
    hosts,
    ...reference && byReference.length > 0 ? { unchanged: { manifest: reference.manifest, hosts: byReference } } : {},
    shared
  };
}
function referable(host, reference) {
  const entry = entryOf(reference, host.name);
  if (host.action !== "unchanged" || host.reasons.length > 0 || !entry) return false;
  const paths = Object.keys(host.headManifest);
  return paths.length === Object.keys(entry.artifacts).length && paths.every((p) => entry.artifacts[p]?.sha256 === host.headManifest[p]);
}
function provenUnchanged(base, head, b, h, reference) {
  if (!reference || !base.fleet || !head.fleet || b.nixSame !== h || inputChanges(base.fleet, head.fleet).length > 0) return () => false;
  return (name) => {
    const entry = entryIdentity(reference.hosts, name);
    return entry !== void 0 && b.hosts.get(name) === h.hosts.get(name) && entryIdentity(b.manifest?.hosts, name) === entry && entryIdentity(h.manifest?.hosts, name) === entry;
  };
}
function entryOf(reference, name) {
  return Object.hasOwn(reference.hosts, name) ? reference.hosts[name] : void 0;
}
function indexSide(side2) {
  const hosts = new Map((side2.fleet?.hosts ?? []).map((h) => [h.name, h]));
  const contents = /* @__PURE__ */ new Map();
  let manifest = side2.emitted?.manifest;
  for (const artifact of side2.artifacts ?? []) {
    if (artifact.path === MANIFEST_PATH) manifest = JSON.parse(artifact.contents);
    contents.set(artifact.path, artifact.contents);
    if (artifact.fragments) contents.set(partBaseKey(artifact.path), artifact.fragmentBase ?? "");
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) contents.set(`${artifact.path}#${host}`, fragmentText(artifact, fragment));
  }
  const raftGroups = /* @__PURE__ */ new Map();
  for (const cluster of Object.values(side2.fleet?.clusters ?? {})) {
    for (const group of cluster.raft) {
      for (const voter of group.voters) raftGroups.set(voter, [...raftGroups.get(voter) ?? [], `${cluster.name}/${group.service}`]);
    }
  }
  return { hosts, manifest, contents: side2.emitted?.contents ?? contents, raftGroups };
}
function planHost(name, base, head, b, h, changes) {
  const baseHost = b.hosts.get(name);
  const headHost = h.hosts.get(name);
  const current = headHost ?? baseHost;
  const baseArtifacts = b.manifest?.hosts[name]?.artifacts ?? {};
  const headArtifacts = h.manifest?.hosts[name]?.artifacts ?? {};
  const sameEntry = baseArtifacts === headArtifacts && b.nixSame === h;
  const artifacts = sameEntry ? [] : diffArtifacts(baseArtifacts, headArtifacts, b, h);
  const changedKeys = (a, z) => [.../* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(z)])].filter((p) => a[p] !== z[p]).sort();
  const baseNix = sameEntry ? {} : hostNixHashes(b.manifest, name);
  const headNix = sameEntry ? {} : hostNixHashes(h.manifest, name);
  const nixChanged = changedKeys(baseNix, headNix);
  const libraryChanged = sameEntry ? [] : changedKeys(hostLibraryHashes(b.manifest, name), hostLibraryHashes(h.manifest, name));
  const bootServer = h.manifest?.bootServer === name;
  const reasons = [];
  let action;
  let impact;
  if (!baseHost) {
    action = "provision";
    reasons.push(`new host (profile ${headHost.profile})`);
  } else if (!headHost) {
    action = "decommission";
    reasons.push("removed from the fleet");
  } else {
    reasons.push(...describeHostChanges(baseHost, headHost));
    reasons.push(...inputChanges(base.fleet, head.fleet));
    reasons.push(...nixChanged.map((p) => `${head.nixDir}/${p} ${!(p in baseNix) ? "now included" : !(p in headNix) ? "no longer included" : "changed"}`));
    reasons.push(...libraryChanged.map((p) => `fleetc's ${LIBRARY_DIR}/${p} changed`));
    const sourcesChanged = nixChanged.length + libraryChanged.length > 0;
    const kinds = new Set(artifacts.map((a) => a.kind));
    const replaced = hardwareIdentityChanges(baseHost, headHost);
    if (replaced.length > 0) {
      action = "replace";
      reasons.unshift(`hardware replaced (${replaced.join(", ")}): ${REPLACE_NOTE}`);
    } else if (artifacts.length === 0 && !sourcesChanged) action = "unchanged";
    else if (kinds.has("disko")) action = "destructive";
    else if (!sourcesChanged && !bootServer && [...kinds].every((k) => NETWORK_KINDS.has(k))) action = "network-only";
    else if (needsReboot(baseHost, headHost, base.fleet, head.fleet)) action = "reboot-required";
    else action = "update";
    if (action !== "unchanged") {
      reasons.push(...changes.filter((c) => c.reaches(headHost) || c.reaches(baseHost)).map((c) => c.text));
      const servesOnly = bootServer && artifacts.length > 0 && artifacts.every((a) => BOOT_SERVER_KINDS.has(a.kind));
      if (reasons.length === 0 && !servesOnly) reasons.push(unexplained(artifacts));
      if (action === "network-only") reasons.push(networkOnlyNote(name, head.fleet));
    }
    if (action === "update" && !sourcesChanged && firstBootDataOnly(artifacts, (path37) => b.contents.get(path37), (path37) => h.contents.get(path37))) {
      impact = "first-boot-data";
      reasons.push(FIRST_BOOT_DATA_NOTE);
    }
  }
  const address = current.interfaces.find((i) => i.boot)?.address;
  const pin = headHost?.ssh.hostKey;
  const hostKey = action === "provision" || action === "replace" ? { source: "new" } : pin ? { source: "pinned", fingerprint: fingerprintOf(pin) } : void 0;
  return {
    name,
    action,
    reasons,
    profile: current.profile,
    cluster: current.cluster,
    raftGroups: (headHost ? h : b).raftGroups.get(name) ?? [],
    ...address ? { address } : {},
    ...hostKey ? { hostKey } : {},
    ...impact ? { impact } : {},
    ...action === "provision" || action === "replace" ? { install: installSteps(headHost, head.fleet) } : {},
    artifacts,
    headManifest: Object.fromEntries(Object.entries(headArtifacts).map(([path37, entry]) => [path37, entry.sha256]))
  };
}
function diffArtifacts(base, head, b, h) {
  const out = [];
  for (const path37 of [.../* @__PURE__ */ new Set([...Object.keys(base), ...Object.keys(head)])].sort()) {
    const before = base[path37];
    const after = head[path37];
    if (before?.sha256 === after?.sha256) continue;
    let diff2;
    const part = path37.indexOf("#");
    if (part >= 0 && (!before || !after)) {
      const file = path37.slice(0, part);
      const other = before ? h : b;
      const without = other.contents.get(partBaseKey(file)) ?? "";
      const withHost = (before ? b : h).contents.get(path37) ?? "";
      if (withHost === without && other.contents.has(partBaseKey(file))) continue;
      diff2 = before ? unifiedDiff(file, withHost, without, 0) : unifiedDiff(file, without, withHost, 0);
    } else {
      diff2 = unifiedDiff(path37, b.contents.get(path37) ?? "", h.contents.get(path37) ?? "");
    }
    out.push({
      path: path37,
      kind: (after ?? before).kind,
      change: !before ? "added" : !after ? "removed" : "modified",
      ...before ? { baseSha256: before.sha256 } : {},
      ...after ? { headSha256: after.sha256 } : {},
      diff: diff2
    });
  }
  return out;
}
function partBaseKey(path37) {
  return `${path37}#`;
}
function fragmentText(artifact, fragment) {
  return artifact.fragmentBase === void 0 ? fragment : `${artifact.fragmentBase}${artifact.fragmentBase.endsWith("\n") || artifact.fragmentBase === "" ? "" : "\n"}${fragment}`;
}
function unifiedDiff(path37, before, after, context = 3) {
  const patch = diff().createTwoFilesPatch(`a/${path37}`, `b/${path37}`, ensureNewline(before), ensureNewline(after), void 0, void 0, { context });
  return patch.replace(/^=+\n/, "");
}
function ensureNewline(text) {
  return text === "" || text.endsWith("\n") ? text : `${text}
`;
}
function inputChanges(base, head) {
  const out = [];
  for (const name of [.../* @__PURE__ */ new Set([...Object.keys(base.inputs), ...Object.keys(head.inputs)])].sort()) {
    const a = base.inputs[name];
    const b = head.inputs[name];
    if (a?.pinned === b?.pinned) continue;
    if (!a || !b) out.push(`flake input ${name} ${a ? "removed" : "added"}`);
    else out.push(a.url === b.url ? `${name} ${short(a.rev)} \u2192 ${short(b.rev)}` : `${name} ${a.url} \u2192 ${b.url}${b.rev ? ` (${short(b.rev)})` : ""}`);
  }
  return out;
}
function short(rev) {
  return rev === void 0 ? "local" : rev.slice(0, 7);
}
function needsReboot(base, head, baseFleet, headFleet) {
  return JSON.stringify(base.kernel) !== JSON.stringify(head.kernel) || base.firmware !== head.firmware || baseFleet.inputs.nixpkgs?.pinned !== headFleet.inputs.nixpkgs?.pinned;
}
function detectRenames(hosts, base, head) {
  const identity = (host) => [
    ...host.interfaces.filter((i) => i.boot).map((i) => `boot MAC ${i.mac}`),
    ...host.bmc ? [`BMC ${host.bmc.address}`] : []
  ];
  for (const removed of hosts.filter((x) => x.action === "decommission")) {
    const removedHost = base(removed.name);
    if (!removedHost || removed.renamedTo && hosts.find((x) => x.name === removed.renamedTo)?.renamedFrom === removed.name) continue;
    const before = identity(removedHost);
    for (const added of hosts.filter((x) => x.action === "provision" && !x.renamedFrom)) {
      const shared = identity(head(added.name)).filter((id) => before.includes(id));
      if (shared.length === 0) continue;
      if (removed.renamedTo !== added.name) {
        removed.renamedTo = added.name;
        removed.reasons.push(`looks like a rename to ${added.name} (same ${shared.join(", ")}): the machine will be reinstalled`);
      }
      added.renamedFrom = removed.name;
      added.reasons.push(`looks like a rename of ${removed.name} (same ${shared.join(", ")}): the machine will be reinstalled`);
      break;
    }
  }
}
function sharedChanges(base, head, b, h) {
  return [...nixChanges(base, head, b, h), ...libraryChanges(base, head, b, h)];
}
function libraryChanges(base, head, b, h) {
  const paths = [.../* @__PURE__ */ new Set([...base.librarySources.keys(), ...head.librarySources.keys()])].sort();
  const out = [];
  for (const path37 of paths) {
    const before = base.librarySources.get(path37);
    const after = head.librarySources.get(path37);
    if (before === after) continue;
    const display2 = `${LIBRARY_DIR}/${path37}`;
    out.push({
      path: display2,
      change: before === void 0 ? "added" : after === void 0 ? "removed" : "modified",
      hosts: isBootServerFile(path37) ? [.../* @__PURE__ */ new Set([b.manifest?.bootServer, h.manifest?.bootServer])].filter((x) => x !== void 0).sort() : [.../* @__PURE__ */ new Set([...b.hosts.keys(), ...h.hosts.keys()])].sort(),
      diff: unifiedDiff(display2, before ?? "", after ?? "")
    });
  }
  return out;
}
function nixChanges(base, head, b, h) {
  const paths = [.../* @__PURE__ */ new Set([...base.nixSources.keys(), ...head.nixSources.keys()])].sort();
  const out = [];
  for (const path37 of paths) {
    const before = base.nixSources.get(path37);
    const after = head.nixSources.get(path37);
    if (before === after) continue;
    const users = (index) => Object.entries(index.manifest?.hosts ?? {}).filter(([, entry]) => entry.nix.includes(path37)).map(([name]) => name);
    out.push({
      path: `${head.nixDir}/${path37}`,
      change: before === void 0 ? "added" : after === void 0 ? "removed" : "modified",
      hosts: [.../* @__PURE__ */ new Set([...users(b), ...users(h)])].sort(),
      diff: unifiedDiff(`${head.nixDir}/${path37}`, before ?? "", after ?? "")
    });
  }
  return out;
}
function bootServerFirst(fleet) {
  return fleet?.boot.server !== void 0 ? { first: fleet.boot.server } : {};
}

// src/plan/committed.ts
var import_node_path24 = __toESM(require("node:path"), 1);
var import_node_fs25 = require("node:fs");
var import_node_child_process5 = require("node:child_process");
function committedManifestOf(commit2, file, blob) {
  const where = { commit: commit2, path: file, blob: blob.id };
  const whole = () => {
    const manifest2 = parseManifest(blob.bytes);
    return manifest2 && { manifest: manifest2, reference: { manifest: where, hosts: manifest2.hosts }, whole: () => void 0 };
  };
  const manifest = lazyManifest(blob.bytes);
  return manifest ? { manifest, reference: { manifest: where, hosts: manifest.hosts }, whole } : whole();
}
function committedSourceKey(repo, commit2, outDir) {
  return new Promise((resolve) => {
    const child = (0, import_node_child_process5.spawn)("git", ["cat-file", "blob", `${commit2}:${outDir}/${MANIFEST_PATH}`], { cwd: repo.root, stdio: ["ignore", "pipe", "ignore"] });
    const chunks2 = [];
    let settled = false;
    const settle = (key) => {
      if (settled) return;
      settled = true;
      resolve(key);
      child.stdout.destroy();
      child.kill();
    };
    child.stdout.on("data", (chunk) => {
      chunks2.push(chunk);
      const text = Buffer.concat(chunks2).toString("utf8");
      if (text.split("\n", 6).length === 6) settle(sourceLine(text));
    });
    child.on("error", () => settle(void 0));
    child.on("close", (code2) => settle(code2 === 0 ? sourceLine(Buffer.concat(chunks2).toString("utf8")) : void 0));
  });
}
var TOP = new RegExp(`^\\{\\n  "generator": "fleetc",\\n  "version": ${MANIFEST_VERSION},\\n  "fleet": "(?:[^"\\\\\\n]|\\\\.)*",\\n  "source": "([0-9a-f]{64})",\\n`);
function sourceLine(text) {
  return TOP.exec(text)?.[1];
}
function parseManifest(bytes) {
  let manifest;
  try {
    manifest = { ...JSON.parse(withoutFiles(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"))), files: {} };
  } catch {
    return void 0;
  }
  const isObject3 = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject3(manifest) || !isObject3(manifest.hosts)) return void 0;
  return Object.values(manifest.hosts).every(isHostEntry) ? manifest : void 0;
}
function withoutFiles(text) {
  const start = text.indexOf(FILES);
  const end = start < 0 ? -1 : text.indexOf(AFTER_FILES, start);
  if (end < 0 || text.indexOf(FILES, start + 1) >= 0) return text;
  return `${text.slice(0, start)}
  "files": {${text.slice(end + 3)}`;
}
function committedProblem(manifest, raw, layout) {
  if (!manifest) return "no manifest.json committed";
  if (manifest.generator !== "fleetc" || manifest.version !== MANIFEST_VERSION) return `manifest.json is not a version ${MANIFEST_VERSION} fleetc manifest`;
  if (manifest.source === void 0) return "manifest.json records no source key";
  if (manifest.source !== sourceKey(raw, layout, raw.library ?? installedLibrary())) return `manifest.json was built from other inputs, another layout or another fleetc than ${FLEETC_VERSION}`;
  return void 0;
}
var CODE = ["src", "templates", "schema", "package.json", "package-lock.json"];
async function fleetcCodeProblem(repo, commit2) {
  const relative = import_node_path24.default.relative(repo.root, PACKAGE_ROOT).split(import_node_path24.default.sep).join("/");
  if (relative.startsWith("..") || import_node_path24.default.isAbsolute(relative)) return void 0;
  const prefix = relative === "" ? "" : `${relative}/`;
  const committed = new Map((await listTree(repo, commit2, CODE.map((p) => `${prefix}${p}`))).filter((e) => e.type === "blob").map((e) => [e.path.slice(prefix.length), e.id]));
  const running = /* @__PURE__ */ new Map();
  for (const entry of CODE) {
    const files = entry.includes(".") ? [entry] : walkFiles(import_node_path24.default.join(PACKAGE_ROOT, entry)).map((f) => `${entry}/${f}`);
    for (const file of files) {
      try {
        running.set(file, blobIdOf((0, import_node_fs25.readFileSync)(import_node_path24.default.join(PACKAGE_ROOT, file))));
      } catch {
      }
    }
  }
  const differs = [.../* @__PURE__ */ new Set([...committed.keys(), ...running.keys()])].find((file) => committed.get(file) !== running.get(file));
  return differs === void 0 ? void 0 : `fleetc's own ${differs} differs from the commit's`;
}

// src/plan/partial.ts
function partialSides(base, head, committed, committedProblem2, baseNames = base.fleet.hosts.map((h) => h.name)) {
  const affected = affectedHosts(fleetShape(base.fleet, base.checked, base.context), fleetShape(head.fleet, head.checked, head.context));
  if (affected.all) return void 0;
  const servers = [base.fleet.boot.server, head.fleet.boot.server].filter((s) => s !== void 0);
  const touched = /* @__PURE__ */ new Set([...affected.cluster, ...affected.removed, ...servers]);
  const baseEmitted = emitHosts(base.fleet, touched, base.context);
  const headEmitted = emitHosts(head.fleet, touched, head.context);
  const headHosts = {};
  const baseHosts = {};
  let problem = committedProblem2;
  if (!problem) {
    const listed = base.fleet.hosts.every((h) => touched.has(h.name) || Object.hasOwn(committed.hosts, h.name));
    for (const host of base.fleet.hosts) {
      if (touched.has(host.name)) baseHosts[host.name] = baseEmitted.hosts[host.name];
      else if (listed) copyEntry(baseHosts, committed.hosts, host.name);
    }
    if (listed) withServedFiles(base.fleet, baseHosts, base.context, baseEmitted.contents);
    const differs = Object.keys(baseEmitted.hosts).find((name) => JSON.stringify(baseHosts[name]) !== JSON.stringify(committed.hosts[name]));
    if (differs !== void 0) problem = `the committed entry of ${differs} is not what this fleetc builds`;
    else if (baseNames.some((name) => !Object.hasOwn(committed.hosts, name)) || Object.keys(committed.hosts).length !== baseNames.length) problem = "the committed manifest lists other hosts";
  }
  const rest = problem ? emitHosts(head.fleet, new Set(head.fleet.hosts.map((h) => h.name)), head.context).hosts : committed.hosts;
  for (const host of head.fleet.hosts) {
    if (touched.has(host.name)) headHosts[host.name] = headEmitted.hosts[host.name];
    else copyEntry(headHosts, rest, host.name);
  }
  withServedFiles(head.fleet, headHosts, head.context, headEmitted.contents);
  if (problem) {
    for (const host of base.fleet.hosts) baseHosts[host.name] = touched.has(host.name) ? baseEmitted.hosts[host.name] : headHosts[host.name];
    withServedFiles(base.fleet, baseHosts, base.context, baseEmitted.contents);
  }
  return {
    base: side(base, baseHosts, baseEmitted.contents),
    head: side(head, headHosts, headEmitted.contents),
    report: { emittedBase: Object.keys(baseEmitted.hosts).length, emittedHead: problem ? head.fleet.hosts.length : Object.keys(headEmitted.hosts).length, ...problem ? { committed: problem } : {} }
  };
}
function side(resolved2, hosts, contents) {
  const nix = Object.fromEntries([...resolved2.context.nixFiles].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
  const server = serverOf(resolved2.fleet);
  const manifest = { generator: "fleetc", version: MANIFEST_VERSION, fleet: resolved2.fleet.name, files: {}, nix, library: Object.fromEntries(resolved2.context.library.files), ...server ? { bootServer: server } : {}, hosts };
  return { info: resolved2.info, fleet: resolved2.fleet, nixSources: resolved2.nixSources, nixDir: resolved2.nixDir, librarySources: resolved2.librarySources, emitted: { manifest, contents } };
}
function serverOf(fleet) {
  const name = fleet.boot.server;
  return name !== void 0 && fleet.hosts.some((h) => h.name === name) ? name : void 0;
}
var SERVED_SHARED = [emitDhcpd, emitKea, emitIpxe, emitNetboot];
function withServedFiles(fleet, hosts, context, contents) {
  const server = serverOf(fleet);
  if (server === void 0) return;
  const own = hosts[server];
  const artifacts = { ...own.artifacts };
  for (const host of fleet.hosts) {
    for (const [key, entry] of Object.entries(hosts[host.name].artifacts)) if (!key.includes("#") && BOOT_SERVER_KINDS.has(entry.kind)) artifacts[key] = entry;
  }
  for (const artifact of SERVED_SHARED.flatMap((emit) => emit(fleet, context))) {
    if (artifact.host !== void 0 || !BOOT_SERVER_KINDS.has(artifact.kind)) continue;
    artifacts[artifact.path] = { kind: artifact.kind, sha256: sha2562(artifact.contents) };
    contents.set(artifact.path, artifact.contents);
  }
  const sortedNix = [...context.nixFiles].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const serverHost = fleet.hosts.find((h) => h.name === server);
  hosts[server] = { profile: own.profile, artifacts: Object.fromEntries(Object.entries(artifacts).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)), nix: nixDependencies(serverHost, sortedNix, true) };
}
function emitHosts(fleet, names, context) {
  const hosts = fleet.hosts.filter((h) => names.has(h.name));
  const some = { ...fleet, hosts };
  const artifacts = [];
  for (const emit of EMITTERS) {
    const seen = emit.crossHost === true ? fleet : emit.crossHost === "cluster" ? { ...fleet, hosts: hostsToEmit(fleet, names, "cluster") } : some;
    for (const artifact of emit(seen, context)) {
      if (artifact.host !== void 0) {
        if (names.has(artifact.host)) artifacts.push(artifact);
      } else if (artifact.fragments) {
        artifacts.push({ ...artifact, fragments: Object.fromEntries(Object.entries(artifact.fragments).filter(([host]) => names.has(host))) });
      }
    }
  }
  const manifest = JSON.parse(buildManifest({ ...some, boot: { ...fleet.boot, server: void 0 } }, artifacts, context).contents);
  const contents = /* @__PURE__ */ new Map();
  for (const artifact of artifacts) {
    if (artifact.host !== void 0) contents.set(artifact.path, artifact.contents);
    if (artifact.fragments) contents.set(partBaseKey(artifact.path), artifact.fragmentBase ?? "");
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) contents.set(`${artifact.path}#${host}`, fragmentText(artifact, fragment));
  }
  return { hosts: manifest.hosts, contents };
}

// src/plan/shallow.ts
async function shallowPlan(base, head, committed, layout, nixDir, cache, memo, read) {
  if (!sameBesidesHosts(base.raw, head.raw) || EMITTERS.some((emit) => emit.crossHost === true)) return void 0;
  const shared = parseFleet({ ...head.raw, files: head.raw.files.filter((f) => kindOf(f.relPath) !== "host") }, new SourceRegistry(), cache, memo.parse);
  const fleetFile = shared.value.fleet;
  const sides = [base.raw, head.raw].map((raw) => placed(raw, cache));
  if (shared.diagnostics.length > 0 || !fleetFile || !sides[0] || !sides[1]) return void 0;
  const [basePlaced, headPlaced] = sides;
  const differs = /* @__PURE__ */ new Set();
  for (const [own, other] of [[headPlaced, basePlaced], [basePlaced, headPlaced]]) {
    for (const [relPath, { id, name }] of own.files) if (other.files.get(relPath)?.id !== id) differs.add(name);
  }
  const context = validateFleet({ ...shared.value, hosts: [] }, void 0, { cleanBuild: true }).value;
  if (!context.fleet || context.fleet.data.boot.server !== void 0) return void 0;
  const clusters = { base: clustersOf(context, basePlaced.members, memo.resolve), head: clustersOf(context, headPlaced.members, memo.resolve) };
  const wanted = reachable(differs, clusters.base, clusters.head);
  await read([...basePlaced.files.values(), ...headPlaced.files.values()].filter((f) => wanted.has(f.name)).map((f) => f.file));
  const checked = (revision, own) => checkedHosts(revision.raw, shared.value, own, wanted, cache);
  const [baseChecked, headChecked] = [checked(base, basePlaced), checked(head, headPlaced)];
  if (!baseChecked || !headChecked) return void 0;
  const resolvedBase = resolvedSide(base, baseChecked, { hosts: wanted, clusters: clusters.base }, layout, nixDir, memo);
  const resolvedHead = resolvedSide(head, headChecked, { hosts: wanted, clusters: clusters.head }, layout, nixDir, memo);
  const allBase = basePlaced.members.map((m) => m.name);
  const planned = partialSides(resolvedBase, resolvedHead, committed.manifest, void 0, allBase);
  if (!planned || planned.report.committed !== void 0) return void 0;
  const unresolved = allBase.filter((name) => !wanted.has(name));
  return { plan: buildPlan(planned.base, planned.head, committed.reference, unresolved), report: { ...planned.report, resolved: wanted.size } };
}
function placed(raw, cache) {
  const files = /* @__PURE__ */ new Map();
  const members = [];
  const seen = /* @__PURE__ */ new Set();
  for (const file of raw.files) {
    if (kindOf(file.relPath) !== "host") continue;
    const id = blobIdOfFile(file);
    let facts = cache.facts(id);
    if (!facts) {
      if (parseFile(file, "host", new SourceRegistry(), cache).diagnostics.length > 0) return void 0;
      facts = cache.facts(id);
    }
    if (!facts || facts.profile === void 0) return void 0;
    const name = facts.name ?? fileStem(file.relPath);
    files.set(file.relPath, { id, name, file });
    if (seen.has(name)) continue;
    seen.add(name);
    members.push({ name, profile: facts.profile, bootstrap: facts.bootstrap, ...facts.cluster !== void 0 ? { cluster: facts.cluster } : {} });
  }
  return { files, members };
}
function checkedHosts(raw, shared, own, wanted, cache) {
  const sources = new SourceRegistry();
  const hosts = [];
  for (const { name, file } of own.files.values()) {
    if (!wanted.has(name)) continue;
    const document = parseFile(file, "host", sources, cache).document;
    if (!document) return void 0;
    hosts.push(document);
  }
  const checked = validateFleet({ ...shared, displayDir: raw.displayDir, hosts, nixFiles: raw.nixFiles }, void 0, { cleanBuild: true }).value;
  return checked.fleet ? checked : void 0;
}
function sameBesidesHosts(base, head) {
  const shared = (raw) => JSON.stringify(raw.files.filter((f) => !f.relPath.startsWith("hosts/")).map((f) => [f.relPath, blobIdOfFile(f)]));
  const sorted = (map) => JSON.stringify([...map].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
  const library = (raw) => sorted((raw.library ?? installedLibrary()).files);
  const readable = (raw) => raw.problems.length === 0 && raw.files.every((f) => !f.problem && (f.bytes || isUnread(f)));
  return readable(base) && readable(head) && shared(base) === shared(head) && sorted(base.nixFiles) === sorted(head.nixFiles) && library(base) === library(head);
}
function reachable(differs, base, head) {
  const own = (clusters, name) => Object.hasOwn(clusters, name) ? clusters[name] : void 0;
  const entry = (cluster) => cluster ? JSON.stringify({ ...cluster, hosts: void 0 }) : void 0;
  const voters = (name) => [own(base, name), own(head, name)].flatMap((cluster) => (cluster?.raft ?? []).flatMap((group) => group.voters));
  const members = (name) => [own(base, name), own(head, name)].flatMap((cluster) => cluster?.hosts ?? []);
  const names = [.../* @__PURE__ */ new Set([...Object.keys(base), ...Object.keys(head)])];
  const wanted = new Set(differs);
  for (const name of names) {
    if (entry(own(base, name)) !== entry(own(head, name)) || voters(name).some((voter) => differs.has(voter))) for (const host of members(name)) wanted.add(host);
  }
  for (const name of names.filter((n) => members(n).some((host) => wanted.has(host)))) for (const voter of voters(name)) wanted.add(voter);
  return wanted;
}
function resolvedSide(revision, checked, partly, layout, nixDir, memo) {
  const fleet = resolveFleet(checked, memo.resolve, partly).value;
  const librarySources = (revision.raw.library ?? installedLibrary()).sources;
  return { info: revision.info, fleet, checked, context: emitContext(revision.raw, layout, []), nixSources: revision.raw.nixSources, nixDir, librarySources };
}

// src/plan/revisions.ts
var WORKING_TREE = "working tree";
async function computePlan(request) {
  const revisions = [request.base, ...request.head === void 0 ? [] : [request.head]];
  const { repo, commits } = await resolveRevisions(request.cwd, revisions);
  const dirs = { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), outDir: repoRelative(repo, request.paths.outDir), libraryDir: libraryDirOf(repo, request.paths) };
  const layout = outputLayout(request.paths);
  let cacheLoaded;
  const reads = startReads(request, repo, commits[0], commits[1], dirs, new Promise((resolve) => cacheLoaded = resolve));
  const cache = request.cacheDir === void 0 ? new ParseCache() : loadParseCache(request.cacheDir).cache;
  cacheLoaded(cache);
  try {
    const read = await reads;
    try {
      return await planWith(request, read, dirs, layout, cache);
    } catch (error) {
      if (!(error instanceof MalformedEntry)) throw error;
      return await planWith(request, { ...read, committed: read.committed?.whole() }, dirs, layout, cache);
    }
  } finally {
    if (request.cacheDir !== void 0) saveParseCache(request.cacheDir, cache);
  }
}
async function startReads(request, repo, baseCommit, headCommit, dirs, cacheSoon) {
  const headKey = headCommit === void 0 || request.fullBase ? Promise.resolve(void 0) : committedSourceKey(repo, headCommit, dirs.outDir);
  const later = headCommit === void 0 || request.fullBase || request.listUnchanged ? void 0 : unreadShared(cacheSoon);
  const reading = request.head === void 0 ? Promise.resolve({ raw: readFleetDirSync(request.paths.fleetDir, request.paths.nixDir), info: { ref: WORKING_TREE, fleetExists: true } }) : readRevision(repo, request.head, headCommit, dirs, void 0, void 0, later?.head);
  const manifestPath = `${dirs.outDir}/${MANIFEST_PATH}`;
  const manifestSoon = readBlobAt(repo, baseCommit, manifestPath).catch(() => void 0);
  const known = reading.then((head2) => new Map((head2.raw?.files ?? []).filter((f) => f.bytes).map((f) => [blobIdOfFile(f), f.bytes])));
  const baseReading = readRevision(repo, request.base, baseCommit, dirs, known, { path: manifestPath, early: manifestSoon }, later?.base);
  baseReading.catch(() => void 0);
  const head = await reading;
  const base = await baseReading;
  const committed = base.raw && base.extra ? committedManifestOf(baseCommit, manifestPath, base.extra) : void 0;
  return { repo, baseCommit, head, base, committed, headKey: await headKey };
}
function unreadShared(cacheSoon) {
  const listing = () => {
    let listed;
    const files = new Promise((resolve) => listed = resolve);
    return { listed, files };
  };
  const [head, base] = [listing(), listing()];
  const defer = Promise.all([head.files, base.files, cacheSoon]).then(([headFiles, baseFiles, cache]) => {
    const baseIds = new Map(baseFiles.map((f) => [f.relPath, f.id]));
    const shared = new Map(headFiles.filter((f) => kindOf(f.relPath) === "host" && baseIds.get(f.relPath) === f.id && cache.facts(f.id) !== void 0).map((f) => [f.relPath, f.id]));
    return (relPath, id) => shared.get(relPath) === id;
  });
  return { head: { listed: head.listed, defer }, base: { listed: base.listed, defer } };
}
async function planWith(request, reads, dirs, layout, cache) {
  const { repo, baseCommit, head, base, committed, headKey } = reads;
  const problem = !base.raw || request.fullBase ? "not used" : committedProblem(committed?.manifest, base.raw, layout) ?? await fleetcCodeProblem(repo, baseCommit);
  const cleanBase = problem === void 0;
  const cleanHead = headKey !== void 0 && head.raw !== void 0 && headKey === sourceKey(head.raw, layout, head.raw.library ?? installedLibrary()) && await fleetcCodeProblem(repo, head.info.commit) === void 0;
  const memo = newCompileMemo();
  const read = (files) => readUnread(repo, files);
  if (cleanBase && cleanHead && !request.listUnchanged) {
    const shallow = await shallowPlan({ raw: base.raw, info: base.info }, { raw: head.raw, info: head.info }, committed, layout, dirs.nixDir, cache, memo, read);
    if (shallow) return { ok: true, plan: shallow.plan, warnings: [], partial: { ...shallow.report, cleanHead } };
  }
  await read([...head.raw?.files ?? [], ...base.raw?.files ?? []]);
  const compiled2 = {
    head: compileSide("head", head, layout, dirs.nixDir, cache, memo, !request.fullBase, cleanBase ? cleanHeadFiles(base.raw, head.raw) : void 0, cleanHead),
    base: compileSide("base", base, layout, dirs.nixDir, cache, memo, !request.fullBase, void 0, cleanBase)
  };
  let baseSide = compiled2.base;
  if (baseSide.failed) {
    if (!request.allowInvalidBase) return { ok: false, reason: `the fleet at base ${request.base} has errors; fix them there, or pass --allow-invalid-base to plan against an empty fleet`, failed: baseSide.failed };
    baseSide = { side: { info: { ...base.info, treatedAsEmpty: true }, nixSources: /* @__PURE__ */ new Map(), nixDir: dirs.nixDir, librarySources: /* @__PURE__ */ new Map() } };
  }
  const headSide = compiled2.head;
  if (headSide.failed) return { ok: false, reason: `the fleet at head (${head.info.ref}) has errors`, failed: headSide.failed };
  const warnings = [baseSide.warnings, headSide.warnings].filter((w) => w !== void 0);
  const reference = request.listUnchanged ? void 0 : committed?.reference;
  if (baseSide.resolved && headSide.resolved) {
    const sides = partialSides(baseSide.resolved, headSide.resolved, committed?.manifest, problem);
    if (sides) return { ok: true, plan: buildPlan(sides.base, sides.head, reference), warnings, partial: { ...sides.report, cleanHead } };
  }
  return { ok: true, plan: buildPlan(fullSide(baseSide, base, layout, cache, memo), fullSide(headSide, head, layout, cache, memo), reference), warnings };
}
async function readRevision(repo, revision, commit2, dirs, known, extraFile, later) {
  const { extra, ...raw } = await readFleetAt(repo, commit2, dirs.fleetDir, dirs.nixDir, `${revision}:${dirs.fleetDir}`, dirs.libraryDir, known, extraFile, later);
  return { raw: raw.existed ? raw : void 0, info: { ref: revision, commit: commit2, fleetExists: raw.existed }, ...extra ? { extra } : {} };
}
function cleanHeadFiles(base, head) {
  if (!head) return void 0;
  const ids = (raw) => new Map(raw.files.map((f) => [f.relPath, blobIdOfFile(f)]));
  const baseIds = ids(base);
  const headIds = ids(head);
  const shared = (relPath) => !relPath.startsWith("hosts/");
  const sameContext = [...baseIds, ...headIds].every(([relPath]) => !shared(relPath) || baseIds.get(relPath) === headIds.get(relPath));
  return sameContext ? (relPath, blobId2) => baseIds.get(relPath) === blobId2 : void 0;
}
function compileSide(side2, revision, layout, nixDir, parseCache, memo, partial, knownClean, cleanBuild = false) {
  const { raw, info } = revision;
  if (!raw) return { side: { info, nixSources: /* @__PURE__ */ new Map(), nixDir, librarySources: /* @__PURE__ */ new Map() } };
  const stages = partial ? compileStages(raw, { ...layout, parseCache, memo, validateOnly: true, knownClean, cleanBuild }) : { compilation: compileRaw(raw, { ...layout, parseCache, memo }), checked: void 0 };
  const { compilation, checked } = stages;
  const report = { side: side2, diagnostics: compilation.diagnostics, sources: compilation.sources };
  const nixSources = raw.nixSources;
  if (hasErrors(compilation.diagnostics)) return { side: { info, nixSources, nixDir, librarySources: /* @__PURE__ */ new Map() }, failed: report };
  const librarySources = (raw.library ?? installedLibrary()).sources;
  return {
    side: { info, fleet: compilation.fleet, artifacts: compilation.artifacts, nixSources, nixDir, librarySources },
    ...compilation.diagnostics.length > 0 ? { warnings: report } : {},
    ...checked && compilation.fleet ? { resolved: { info, fleet: compilation.fleet, checked, context: emitContext(raw, layout, compilation.diagnostics), nixSources, nixDir, librarySources } } : {}
  };
}
function fullSide(compiled2, revision, layout, parseCache, memo) {
  if (compiled2.side.artifacts || !compiled2.side.fleet || !revision.raw) return compiled2.side;
  return { ...compiled2.side, artifacts: compileRaw(revision.raw, { ...layout, parseCache, memo }).artifacts };
}

// src/cli/views/plan-common.ts
var ACTION_PHRASES = {
  destructive: "destructive",
  replace: "to replace (new hardware)",
  decommission: "to decommission",
  provision: "to provision",
  "reboot-required": "to update with a reboot",
  update: "to update",
  "network-only": "network-only",
  unchanged: "unchanged"
};
function actionLabel(host) {
  return host.impact === "first-boot-data" ? `${host.action}, first-boot data only (harmless)` : host.action;
}
function summarySentence(plan) {
  const harmless = plan.hosts.filter((h) => h.impact === "first-boot-data").length;
  const parts = HOST_ACTIONS.filter((a) => a !== "unchanged" && plan.summary[a] > 0).map((a) => `${plan.summary[a]} ${ACTION_PHRASES[a]}${a === "update" && harmless > 0 ? ` (${harmless === plan.summary[a] ? "all" : harmless} first-boot data only, harmless)` : ""}`);
  const unchanged = plan.summary.unchanged;
  if (parts.length === 0) return `No changes. ${unchanged} host${unchanged === 1 ? "" : "s"} unchanged.`;
  return `${parts.join(", ")}; ${unchanged} unchanged.`;
}
function revisionLabel(info) {
  const commit2 = info.commit ? ` (${info.commit.slice(0, 7)})` : "";
  const notes = [!info.fleetExists ? "no fleet yet" : "", info.treatedAsEmpty ? "invalid, treated as empty" : ""].filter(Boolean);
  return `${info.ref}${commit2}${notes.length ? ` [${notes.join(", ")}]` : ""}`;
}
function diffBody(diff2) {
  return diff2.split("\n").slice(2);
}
function changedHosts(plan) {
  return plan.hosts.filter((h) => h.action !== "unchanged").sort((a, b) => HOST_ACTIONS.indexOf(a.action) - HOST_ACTIONS.indexOf(b.action) || (a.name < b.name ? -1 : 1));
}
function artifactLabel(artifact) {
  const part = artifact.path.indexOf("#");
  if (part < 0) return { file: artifact.path, change: artifact.change };
  return { file: artifact.path.slice(0, part), change: `${artifact.path.slice(part + 1)}'s lines ${artifact.change === "modified" ? "changed" : artifact.change}` };
}

// src/cli/views/plan-markdown.ts
var GITHUB_COMMENT_LIMIT = 65536;
var BUDGET = GITHUB_COMMENT_LIMIT - 4e3;
var WARNING_BUDGET = 12e3;
var RENAME_BUDGET = 4e3;
var ROLLOUT_BUDGET = 6e3;
var APPROVAL_LIST_BUDGET = 2e3;
var BLOCK_BUDGET = 16e3;
var MAX_DIFF_LINES = 120;
var MAX_LINE_LENGTH = 300;
var COMMENT_MARKER = "<!-- fleetc-plan -->";
function renderPlanMarkdown(plan) {
  const cut = [];
  const head = [
    COMMENT_MARKER,
    `## fleetc plan \xB7 ${escapeMd(plan.fleet)}`,
    "",
    `**${escapeMd(summarySentence(plan))}**`,
    "",
    `Base \`${code(revisionLabel(plan.base))}\` \u2192 head \`${code(revisionLabel(plan.head))}\``,
    "",
    "| action | hosts |",
    "|---|---:|",
    ...HOST_ACTIONS.filter((a) => plan.summary[a] > 0).map((a) => `| ${a === "destructive" || a === "replace" ? "\u26A0\uFE0F " : ""}${a} | ${plan.summary[a]} |`),
    "",
    ...destructiveWarning(plan.hosts.filter((h) => h.action === "destructive" || h.action === "replace"), cut),
    ...renameCaution(plan.hosts.filter((h) => h.renamedFrom), cut),
    ...rollout(plan, cut)
  ];
  let text = head.join("\n");
  const hosts = changedHosts(plan);
  const blocks = [...hosts.map((h) => ({ host: h, text: hostBlock(h) })), ...plan.shared.map((c) => ({ host: void 0, text: sharedBlock(c) }))];
  if (hosts.length > 0) text += "\n### Changes by host\n\n";
  const hidden2 = /* @__PURE__ */ new Map();
  for (const block3 of blocks) {
    if (text.length + block3.text.length <= BUDGET) text += block3.text;
    else {
      const kind = block3.host?.action ?? "shared";
      hidden2.set(kind, (hidden2.get(kind) ?? 0) + 1);
    }
  }
  if (hidden2.size > 0) {
    const hostCount = [...hidden2].filter(([k]) => k !== "shared").reduce((n, [, v]) => n + v, 0);
    const parts = [...HOST_ACTIONS.filter((a) => hidden2.has(a)).map((a) => `${hidden2.get(a)} ${a}`)];
    const blocksNote = hostCount > 0 ? `${hostCount} host ${hostCount === 1 ? "block" : "blocks"} (${parts.join(", ")})` : "";
    const shared = hidden2.get("shared") ? `${hidden2.get("shared")} shared-file ${hidden2.get("shared") === 1 ? "diff" : "diffs"}` : "";
    cut.unshift([blocksNote, shared].filter(Boolean).join(" and "));
  }
  if (cut.length > 0) text += `
_Not shown, to stay within GitHub's comment limit: ${cut.join("; ")}. The full plan is attached to the workflow run as an artifact._
`;
  return bounded(text);
}
function destructiveWarning(destructive, cut) {
  if (destructive.length === 0) return [];
  const names = destructive.map((h) => h.name);
  const approval = `--approve-destructive ${names.join(" ")}`;
  const command = approval.length <= APPROVAL_LIST_BUDGET ? `approved with \`${approval}\`` : `each is approved by name with \`--approve-destructive\` (the ${names.length} names are in the plan artifact)`;
  const lines2 = ["> [!WARNING]", `> **${destructive.length} destructive change${destructive.length === 1 ? "" : "s"}: the disks of these hosts will be repartitioned and erased.** \`fleetc apply\` refuses them unless ${command}.`];
  const groups = /* @__PURE__ */ new Map();
  for (const host of destructive) {
    const reasons = escapeMd(clip(host.reasons.join("; "), 1e3));
    groups.set(reasons, [...groups.get(reasons) ?? [], host.name]);
  }
  let used = lines2.join("\n").length;
  let listed = 0;
  for (const [reasons, group] of groups) {
    const line = `> - ${hostList2(group)}: ${reasons}`;
    if (used + line.length > WARNING_BUDGET) break;
    lines2.push(line);
    used += line.length + 1;
    listed += group.length;
  }
  if (listed < destructive.length) {
    lines2.push(`> - \u2026and ${destructive.length - listed} more`);
    cut.push(`${destructive.length - listed} of the ${destructive.length} destructive hosts in the warning`);
  }
  return [...lines2, ""];
}
function renameCaution(renamed, cut) {
  if (renamed.length === 0) return [];
  const lines2 = ["> [!CAUTION]", "> A rename is a decommission plus a provision: the machine is reinstalled under its new name and its disks are erased; `fleetc apply` needs the new name approved with `--approve-destructive`."];
  let used = lines2.join("\n").length;
  let listed = 0;
  for (const host of renamed) {
    const line = `> - **${host.renamedFrom}** \u2192 **${host.name}**`;
    if (used + line.length > RENAME_BUDGET) break;
    lines2.push(line);
    used += line.length + 1;
    listed++;
  }
  if (listed < renamed.length) {
    lines2.push(`> - \u2026and ${renamed.length - listed} more`);
    cut.push(`${renamed.length - listed} of the ${renamed.length} renames`);
  }
  return [...lines2, ""];
}
function rollout(plan, cut) {
  if (plan.waves.length === 0) return [];
  const node = (wave, names2) => `  w${wave.index}["wave ${wave.index} \xB7 ${wave.profile}<br/>${names2 ? wave.hosts.join(", ") : `${wave.hosts.length} host${wave.hosts.length === 1 ? "" : "s"}`}"]`;
  const withNames = plan.waves.map((w) => node(w, true));
  const names = withNames.join("\n").length <= ROLLOUT_BUDGET / 2;
  const nodes = [];
  let used = 0;
  let shown = 0;
  for (const wave of plan.waves) {
    const line = node(wave, names);
    if (used + line.length > ROLLOUT_BUDGET) break;
    nodes.push(line);
    used += line.length + 1;
    shown++;
  }
  const ids = plan.waves.slice(0, shown).map((w) => `w${w.index}`);
  if (shown < plan.waves.length) {
    const rest = plan.waves.slice(shown);
    nodes.push(`  more["waves ${rest[0].index}\u2013${rest.at(-1).index} \xB7 ${rest.reduce((n, w) => n + w.hosts.length, 0)} hosts"]`);
    ids.push("more");
    cut.push(`${rest.length} of the ${plan.waves.length} waves in the flowchart`);
  }
  if (!names) cut.push("the host names of the waves (counts are shown)");
  const lines2 = ["### Rollout", "", "```mermaid", "flowchart LR", ...nodes];
  if (ids.length > 1) lines2.push(`  ${ids.join(" --> ")}`);
  lines2.push("```", "", `At most ${plan.policy.maxParallel === 0 ? "unlimited" : plan.policy.maxParallel} hosts at once; one voter of each Raft group at a time.`, "");
  return lines2;
}
function clip(text, length) {
  return text.length > length ? `${text.slice(0, length)} \u2026` : text;
}
function hostList2(names) {
  const shown = names.slice(0, 20).map((n) => `**${n}**`).join(", ");
  return names.length > 20 ? `${shown} and ${names.length - 20} more hosts` : shown;
}
function hostBlock(host) {
  const lines2 = [`<details><summary><b>${host.name}</b> \xB7 ${actionLabel(host)} \xB7 ${escapeHtml(neutralise(host.profile))}</summary>`, ""];
  for (const reason of host.reasons) lines2.push(`- ${escapeMd(clip(reason, MAX_LINE_LENGTH))}`);
  lines2.push("");
  if (host.install) {
    lines2.push("How apply installs it:", "");
    host.install.forEach((step, i) => lines2.push(`${i + 1}. ${escapeMd(clip(step, MAX_LINE_LENGTH))}`));
    lines2.push("");
  }
  for (const artifact of host.artifacts) {
    const { file, change } = artifactLabel(artifact);
    lines2.push(...diffBlock(file, { diff: artifact.diff, change: escapeHtml(neutralise(change)) }));
  }
  return closeBlock(lines2);
}
function sharedBlock(change) {
  return closeBlock([`<details><summary><b>${escapeHtml(neutralise(change.path))}</b> \xB7 ${change.change} \xB7 used by ${change.hosts.length} host${change.hosts.length === 1 ? "" : "s"}</summary>`, "", ...diffBlock(change.path, change)]);
}
function closeBlock(lines2) {
  const end = ["</details>", "", ""];
  let text = lines2.join("\n");
  if (text.length + 20 > BLOCK_BUDGET) {
    let kept2 = 0;
    let length = 0;
    while (kept2 < lines2.length && length + lines2[kept2].length + 1 < BLOCK_BUDGET - 400) length += lines2[kept2++].length + 1;
    const open = lines2.slice(0, kept2).filter((l) => /^`{3,}/.test(l)).length % 2 === 1;
    const fence = open ? [...lines2.slice(0, kept2)].reverse().find((l) => /^`{3,}/.test(l)).match(/^`+/)[0] : "";
    text = [...lines2.slice(0, kept2), ...open ? [fence] : [], "", "_This block is cut here; see the full plan artifact._", ""].join("\n");
  }
  return `${text}
${end.join("\n")}`;
}
function diffBlock(title, artifact) {
  const body = diffBody(artifact.diff).filter((l, i, all) => l !== "" || i < all.length - 1);
  const cut = body.length > MAX_DIFF_LINES;
  const shown = (cut ? body.slice(0, MAX_DIFF_LINES) : body).map((l) => l.length > MAX_LINE_LENGTH ? `${l.slice(0, MAX_LINE_LENGTH)} \u2026` : l);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(shown.join("\n")) + 1));
  return [
    `\`${code(title)}\` (${artifact.change})`,
    "",
    `${fence}diff`,
    ...shown,
    fence,
    ...cut ? [`_${body.length - MAX_DIFF_LINES} more lines cut; see the full plan artifact._`] : [],
    ""
  ];
}
function bounded(text) {
  const limit = GITHUB_COMMENT_LIMIT - 200;
  if (text.length <= limit) return text;
  return `${text.slice(0, text.lastIndexOf("\n", limit - 200))}

_The comment is cut here to stay within GitHub's comment limit; the full plan is attached to the workflow run as an artifact._
`;
}
function longestBacktickRun(text) {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}
function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function neutralise(text) {
  return text.replace(/(^|[^\w])@(?=[A-Za-z0-9])/g, "$1@\u200B").replace(/#(?=[0-9])/g, "#\u200B");
}
function escapeMd(text) {
  return escapeHtml(neutralise(text)).replace(/([\\`*_[\]{}()#+|!~])/g, "\\$1").replace(/\r?\n/g, " ");
}
function code(text) {
  return text.replace(/`/g, "'");
}

// src/cli/views/plan-text.ts
var MARKS = { destructive: "!", replace: "!", decommission: "-", provision: "+", "reboot-required": "~", update: "~", "network-only": "~" };
function renderPlanText(plan, options) {
  const lines2 = [`Plan for fleet ${plan.fleet}: ${revisionLabel(plan.base)} \u2192 ${revisionLabel(plan.head)}`, ""];
  for (const host of changedHosts(plan)) {
    const extra = [host.profile, host.raftGroups.length ? `voter in ${host.raftGroups.join(", ")}` : ""].filter(Boolean).join("; ");
    lines2.push(`${MARKS[host.action]} ${host.name}: ${actionLabel(host)} (${extra})`);
    for (const reason of host.reasons) lines2.push(`    ${reason}`);
    if (host.install) {
      lines2.push("    how apply installs it:");
      host.install.forEach((step, i) => lines2.push(`      ${i + 1}. ${step}`));
    }
    if (host.hostKey?.source === "new") lines2.push("    SSH host key: a new key pair is generated, installed with the system and recorded; later deploys pin it, with no ssh.hostKey to write by hand");
    else if (host.hostKey) lines2.push(`    SSH host key ${host.hostKey.fingerprint} (${host.hostKey.source === "pinned" ? "ssh.hostKey in the fleet" : "recorded by fleetc when it installed the host"})`);
    if (options.diffs) {
      for (const artifact of host.artifacts) {
        const { file, change } = artifactLabel(artifact);
        lines2.push(`    ${file}: ${change}`);
        for (const line of diffBody(artifact.diff)) if (line !== "") lines2.push(`      ${line}`);
      }
    }
    lines2.push("");
  }
  for (const change of plan.shared) {
    lines2.push(`* ${change.path} ${change.change} (used by ${change.hosts.join(", ") || "no host"})`);
    if (options.diffs) {
      for (const line of diffBody(change.diff)) if (line !== "") lines2.push(`      ${line}`);
    }
    lines2.push("");
  }
  if (plan.waves.length > 0) {
    lines2.push(`Rollout (max ${plan.policy.maxParallel === 0 ? "unlimited" : plan.policy.maxParallel} at once, one Raft voter per group at a time):`);
    for (const wave of plan.waves) lines2.push(`  wave ${wave.index} (${wave.profile}): ${wave.hosts.join(", ")}`);
    lines2.push("");
  }
  lines2.push(`Plan: ${summarySentence(plan)}`);
  return `${lines2.join("\n")}
`;
}

// src/cli/commands/plan-closures.ts
var import_promises4 = require("node:fs/promises");
var import_node_os3 = require("node:os");
var import_node_path27 = __toESM(require("node:path"), 1);

// src/apply/plan-closures.ts
var import_promises3 = require("node:fs/promises");
var import_node_path26 = __toESM(require("node:path"), 1);

// src/apply/closures.ts
var import_promises2 = require("node:fs/promises");
var import_node_os2 = require("node:os");
var import_node_path25 = __toESM(require("node:path"), 1);

// src/apply/secrets.ts
var import_promises = require("node:fs/promises");
var SecretUnavailable = class extends Error {
};
async function readSecret(ref) {
  if ("host" in ref) throw new SecretUnavailable(`the secret is kept on the host (${ref.host}), which apply cannot read`);
  if ("env" in ref) {
    const value = process.env[ref.env];
    if (value === void 0 || value === "") throw new SecretUnavailable(`environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return (await (0, import_promises.readFile)(ref.file, "utf8")).replace(/\r?\n$/, "");
  } catch (error) {
    throw new SecretUnavailable(`cannot read secret file ${ref.file}: ${error.code ?? "error"}`);
  }
}

// src/apply/evaluate.ts
var DEPLOYER = "deployer";
function evaluationExpression(flake, hosts) {
  const lines2 = hosts.map((name) => `  ${nixAttrName(name)} = toplevel ${nixString(name)};`);
  return [
    "# Written by fleetc apply for nix-eval-jobs: the system of each host this run deploys.",
    "let",
    `  configurations = (builtins.getFlake ${nixString(flake)}).nixosConfigurations;`,
    "  toplevel = name: configurations.${name}.config.system.build.toplevel;",
    "in",
    "{",
    ...lines2,
    "}",
    ""
  ].join("\n");
}
function evaluationArgv(settings) {
  return ["nix-eval-jobs", "--workers", String(settings.workers), "--max-memory-size", String(settings.maxMemoryMiB), "--gc-roots-dir", settings.gcRootsDir, settings.expressionFile];
}
function parseEvaluation(stdout, hosts) {
  const wanted = new Set(hosts);
  const toplevels = /* @__PURE__ */ new Map();
  const errors = /* @__PURE__ */ new Map();
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    let job;
    try {
      job = JSON.parse(line);
    } catch {
      continue;
    }
    if (!job.attr || !wanted.has(job.attr)) continue;
    if (job.error !== void 0) errors.set(job.attr, job.error.trim());
    else if (job.drvPath && job.outputs?.out && job.system) toplevels.set(job.attr, { host: job.attr, drvPath: job.drvPath, outPath: job.outputs.out, system: job.system });
    else errors.set(job.attr, "nix-eval-jobs reported no derivation and no output path");
  }
  for (const host of hosts) if (!toplevels.has(host) && !errors.has(host)) errors.set(host, "nix-eval-jobs did not report this host (its worker ended)");
  return { toplevels, errors };
}
async function evaluateToplevels(runner, settings, hosts) {
  const result = await runner.run({ host: DEPLOYER, argv: evaluationArgv(settings), timeoutMs: settings.timeoutMs });
  if (runner.dryRun) return { toplevels: new Map(hosts.map((host) => [host, { host, drvPath: `<${host}.drv>`, outPath: `<system of ${host}>`, system: "<system>" }])), errors: /* @__PURE__ */ new Map() };
  const evaluation = parseEvaluation(result.stdout, hosts);
  if (!result.ok && evaluation.errors.size === 0) return { ...evaluation, failure: `nix-eval-jobs failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n").pop() ?? ""}` };
  return evaluation;
}

// src/apply/closures.ts
var NIX = ["nix", "--extra-experimental-features", "nix-command"];
var PATHS_PER_COMMAND = 1e3;
function buildArgv(drvPaths, system, settings) {
  return [...NIX, "build", "--no-link", "--print-out-paths", ...settings.builders !== void 0 ? ["--builders", settings.builders] : [], ...system !== settings.localSystem ? ["--max-jobs", "0"] : [], ...drvPaths.map((d) => `${d}^out`)];
}
function nixSystemOf(arch = process.arch) {
  return `${arch === "arm64" ? "aarch64" : arch === "x64" ? "x86_64" : arch}-linux`;
}
function chunks(items, size2 = PATHS_PER_COMMAND) {
  const out = [];
  for (let i = 0; i < items.length; i += size2) out.push(items.slice(i, i + size2));
  return out;
}
async function buildToplevels(runner, toplevels, settings) {
  const bySystem = /* @__PURE__ */ new Map();
  for (const t of toplevels) bySystem.set(t.system, [...bySystem.get(t.system) ?? [], t]);
  for (const [system, group] of [...bySystem].sort(([a], [b]) => a < b ? -1 : 1)) {
    for (const part of chunks(group)) {
      const result = await runner.run({ host: DEPLOYER, argv: buildArgv(part.map((t) => t.drvPath), system, settings), timeoutMs: settings.timeoutMs });
      if (!result.ok) return `building ${part.length} ${system} system(s) failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n").pop() ?? ""}`;
      const built = new Set(result.stdout.split("\n").map((l) => l.trim()));
      const missing = runner.dryRun ? [] : part.filter((t) => !built.has(t.outPath));
      if (missing.length > 0) return `nix build did not produce the system of ${missing.map((t) => t.host).join(", ")}`;
    }
  }
  return void 0;
}
async function publishToCache(runner, outPaths, cache) {
  const key = await keyFile(cache.signingKey, runner.dryRun);
  try {
    for (const part of chunks(outPaths)) {
      const signed = await runner.run({ host: DEPLOYER, argv: [...NIX, "store", "sign", "--key-file", key.file, "--recursive", ...part], timeoutMs: cache.timeoutMs });
      if (!signed.ok) return `signing the systems failed (exit ${signed.exitCode}): ${signed.stderr.trim().split("\n").pop() ?? ""}`;
    }
    for (const part of chunks(outPaths)) {
      const copied = await runner.run({ host: DEPLOYER, argv: [...NIX, "copy", "--to", cache.url, ...part], timeoutMs: cache.timeoutMs });
      if (!copied.ok) return `pushing the systems to ${cache.url} failed (exit ${copied.exitCode}): ${copied.stderr.trim().split("\n").pop() ?? ""}`;
    }
    return void 0;
  } finally {
    await key.cleanup();
  }
}
async function keyFile(ref, dryRun) {
  if ("file" in ref) return { file: ref.file, cleanup: async () => void 0 };
  if (dryRun) return { file: `<a private file holding ${"env" in ref ? `$${ref.env}` : "the key"}>`, cleanup: async () => void 0 };
  const value = await readSecret(ref);
  const dir = await (0, import_promises2.mkdtemp)(import_node_path25.default.join((0, import_node_os2.tmpdir)(), "fleetc-cache-key-"));
  const file = import_node_path25.default.join(dir, "key");
  await (0, import_promises2.writeFile)(file, `${value}
`, { mode: 384 });
  return { file, cleanup: () => (0, import_promises2.rm)(dir, { recursive: true, force: true }) };
}

// src/apply/closure-diff.ts
function parsePathInfo(json2) {
  const data = JSON.parse(json2);
  const entries = Array.isArray(data) ? data : Object.entries(data).filter(([, info]) => info !== null).map(([path37, info]) => ({ ...info, path: path37 }));
  return new Map(entries.map((e) => [e.path, { path: e.path, narSize: e.narSize, ...e.closureSize !== void 0 ? { closureSize: e.closureSize } : {}, references: e.references ?? [] }]));
}
function closureOf(root, infos) {
  const seen = /* @__PURE__ */ new Set();
  const stack = [root];
  while (stack.length > 0) {
    const path37 = stack.pop();
    if (seen.has(path37)) continue;
    seen.add(path37);
    for (const ref of infos.get(path37)?.references ?? []) {
      if (!seen.has(ref)) stack.push(ref);
    }
  }
  return seen;
}
function parseStoreName(path37) {
  const base = path37.slice(path37.lastIndexOf("/") + 1).replace(/^[0-9a-z]{32}-/, "");
  for (let i = 0; i < base.length - 1; i++) {
    if (base[i] === "-" && !/[A-Za-z]/.test(base[i + 1])) return { name: base.slice(0, i), version: base.slice(i + 1) };
  }
  return { name: base, version: "" };
}
function versions(closure, exclude) {
  const byName = /* @__PURE__ */ new Map();
  for (const path37 of closure) {
    if (path37 === exclude) continue;
    const { name, version } = parseStoreName(path37);
    if (!version) continue;
    if (!byName.has(name)) byName.set(name, /* @__PURE__ */ new Set());
    byName.get(name).add(version);
  }
  return byName;
}
function sizeOf(root, closure, infos) {
  return infos.get(root)?.closureSize ?? [...closure].reduce((sum, p) => sum + (infos.get(p)?.narSize ?? 0), 0);
}
function diffClosures(host, base, head, infos) {
  const headClosure = closureOf(head, infos);
  const baseClosure = base ? closureOf(base, infos) : /* @__PURE__ */ new Set();
  const before = versions(baseClosure, base ?? "");
  const after = versions(headClosure, head);
  const packages = [];
  for (const name of [.../* @__PURE__ */ new Set([...before.keys(), ...after.keys()])].sort()) {
    const from = [...before.get(name) ?? []].sort();
    const to = [...after.get(name) ?? []].sort();
    if (from.length === 0) packages.push({ kind: "added", name, to });
    else if (to.length === 0) packages.push({ kind: "removed", name, from });
    else if (from.join(" ") !== to.join(" ")) packages.push({ kind: "changed", name, from, to });
  }
  const unversioned = (closure, other, root) => [...closure].filter((p) => p !== root && !other.has(p) && !parseStoreName(p).version).length;
  return {
    host,
    ...base ? { base, baseSize: sizeOf(base, baseClosure, infos) } : {},
    head,
    packages,
    headSize: sizeOf(head, headClosure, infos),
    otherPathsChanged: unversioned(headClosure, baseClosure, head) + unversioned(baseClosure, headClosure, base)
  };
}

// src/apply/flake-ref.ts
function flakeReference({ repoToplevel, flakeDir, rev }) {
  if (!repoToplevel.startsWith("/")) throw new Error(`flake reference: the repository path must be absolute: ${repoToplevel}`);
  if (!/^[0-9a-f]{40}$/.test(rev)) throw new Error(`flake reference: not a full commit id: ${rev}`);
  if (flakeDir.startsWith("/") || flakeDir.split("/").some((s) => s === ".." || s === "" && flakeDir !== "")) throw new Error(`flake reference: not a directory inside the repository: ${flakeDir}`);
  const dir = flakeDir === "" || flakeDir === "." ? "" : `&dir=${percentEncode(flakeDir, false)}`;
  return `git+file://${percentEncode(repoToplevel, true)}?rev=${rev}${dir}`;
}
function percentEncode(text, keepSlash) {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) || keepSlash && c === "/" ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

// src/apply/plan-closures.ts
async function planClosures(request) {
  const problems = [];
  const evaluate = async (side2, rev, names) => {
    if (names.length === 0) return /* @__PURE__ */ new Map();
    const dir = import_node_path26.default.join(request.workDir, side2);
    await (0, import_promises3.mkdir)(import_node_path26.default.join(dir, "gcroots"), { recursive: true });
    const flake = flakeReference({ repoToplevel: request.repoToplevel, flakeDir: request.flakeDir, rev });
    const expressionFile = import_node_path26.default.join(dir, "evaluate.nix");
    await (0, import_promises3.writeFile)(expressionFile, evaluationExpression(flake, names));
    const result = await evaluateToplevels(request.runner, { flake, ...request.evaluation, gcRootsDir: import_node_path26.default.join(dir, "gcroots"), expressionFile, timeoutMs: request.timeoutMs }, names);
    if (result.failure) problems.push(`${side2}: ${result.failure}`);
    for (const [host, error] of result.errors) problems.push(`${host} at ${side2}: ${error.split("\n")[0]}`);
    return result.toplevels;
  };
  const head = await evaluate("head", request.headCommit, request.hosts.map((h) => h.name));
  const base = request.baseCommit ? await evaluate("base", request.baseCommit, request.hosts.filter((h) => h.inBase).map((h) => h.name)) : /* @__PURE__ */ new Map();
  const all = [...head.values(), ...base.values()];
  if (all.length === 0) return { diffs: [], problems };
  const failure = await buildToplevels(request.runner, all, { ...request.builders !== void 0 ? { builders: request.builders } : {}, localSystem: nixSystemOf(), timeoutMs: request.timeoutMs });
  if (failure) return { diffs: [], problems: [...problems, failure] };
  const infos = /* @__PURE__ */ new Map();
  for (const part of chunks([...new Set(all.map((t) => t.outPath))])) {
    const listed = await request.runner.run({ host: DEPLOYER, argv: [...NIX, "path-info", "--json", "--recursive", "--closure-size", ...part], timeoutMs: request.timeoutMs });
    if (!listed.ok) return { diffs: [], problems: [...problems, `nix path-info failed (exit ${listed.exitCode}): ${listed.stderr.trim().split("\n").pop() ?? ""}`] };
    for (const [p, info] of parsePathInfo(listed.stdout)) infos.set(p, info);
  }
  const diffs = request.hosts.filter((h) => head.has(h.name)).map((h) => diffClosures(h.name, base.get(h.name)?.outPath, head.get(h.name).outPath, infos));
  return { diffs, problems };
}

// src/apply/transports/command.ts
var ProcessRunner = class {
  constructor(emit, stop) {
    this.emit = emit;
    this.stop = stop;
  }
  emit;
  stop;
  dryRun = false;
  async run(spec) {
    const [file, ...args] = spec.argv;
    this.emit({ type: "command", host: spec.host, argv: spec.argv, ...spec.env ? { env: Object.keys(spec.env) } : {} });
    const started = performance.now();
    const { execa } = await import("execa");
    const subprocess = execa(file, args, { env: spec.env, timeout: spec.timeoutMs, reject: false, detached: true, ...spec.input === void 0 ? { stdin: "ignore" } : { input: spec.input }, all: true, forceKillAfterDelay: 5e3 });
    const decoder = new TextDecoder();
    subprocess.all?.on("data", (chunk) => {
      const text = decoder.decode(chunk, { stream: true });
      if (text) this.emit({ type: "output", host: spec.host, text });
    });
    const endGroup = () => {
      try {
        if (subprocess.pid) process.kill(-subprocess.pid, "SIGTERM");
      } catch {
      }
    };
    const unsubscribe = this.stop?.aborted ? () => void 0 : this.stop?.onAbort(endGroup) ?? (() => void 0);
    const result = await subprocess.finally(unsubscribe);
    const exitCode = result.exitCode ?? (result.timedOut ? 124 : 255);
    const ok = !result.timedOut && (spec.okExitCodes ?? [0]).includes(exitCode);
    this.emit({ type: "command-finished", host: spec.host, argv: spec.argv, exitCode, durationMs: performance.now() - started, timedOut: Boolean(result.timedOut), output: String(result.all ?? "") });
    return { exitCode, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? ""), timedOut: Boolean(result.timedOut), ok };
  }
};
var DryRunRunner = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  dryRun = true;
  async run(spec) {
    this.emit({ type: "command", host: spec.host, argv: spec.argv, ...spec.env ? { env: Object.keys(spec.env) } : {} });
    return { exitCode: 0, stdout: "", stderr: "", timedOut: false, ok: true };
  }
};

// src/cli/commands/plan-closures.ts
var SYSTEM_CHANGES = /* @__PURE__ */ new Set(["update", "reboot-required", "provision", "replace", "destructive"]);
async function closuresOf(plan, paths, builders) {
  if (!plan.head.commit) return { diffs: [], problems: ["--closures evaluates committed revisions: plan with --head <commit>"] };
  const repo = await openRepository(process.cwd());
  const workDir = await (0, import_promises4.mkdtemp)(import_node_path27.default.join((0, import_node_os3.tmpdir)(), "fleetc-closures-"));
  try {
    return await planClosures({
      runner: new ProcessRunner(() => void 0),
      repoToplevel: repo.root,
      flakeDir: repoRelative(repo, rootDirOf(paths)),
      ...plan.base.commit && plan.base.fleetExists ? { baseCommit: plan.base.commit } : {},
      headCommit: plan.head.commit,
      hosts: plan.hosts.filter((h) => SYSTEM_CHANGES.has(h.action)).map((h) => ({ name: h.name, inBase: h.action !== "provision" })),
      workDir,
      evaluation: { workers: DEFAULT_EVAL_WORKERS, maxMemoryMiB: DEFAULT_EVAL_MAX_MEMORY_MIB },
      ...builders !== void 0 ? { builders } : {},
      timeoutMs: 36e5
    });
  } finally {
    await (0, import_promises4.rm)(workDir, { recursive: true, force: true });
  }
}

// src/cli/views/plan-closures.ts
function size(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? "-" : ""}${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
function packageLine(change) {
  switch (change.kind) {
    case "changed":
      return `[C] ${change.name} ${change.from.join(", ")} \u2192 ${change.to.join(", ")}`;
    case "added":
      return `[A] ${change.name} ${change.to.join(", ")}`;
    case "removed":
      return `[R] ${change.name} ${change.from.join(", ")}`;
  }
}
function hostLines(d) {
  const sizes = d.baseSize !== void 0 ? `${size(d.baseSize)} \u2192 ${size(d.headSize)} (${d.headSize >= d.baseSize ? "+" : ""}${size(d.headSize - d.baseSize)})` : `${size(d.headSize)} (new)`;
  return [
    `${d.host}: ${d.base ?? "(no system yet)"} \u2192 ${d.head}`,
    ...d.packages.map((p) => `  ${packageLine(p)}`),
    ...d.packages.length === 0 ? ["  no package version changed"] : [],
    ...d.otherPathsChanged > 0 ? [`  and ${d.otherPathsChanged} unversioned path(s) (configuration, units)`] : [],
    `  closure: ${sizes}`
  ];
}
function renderClosuresText(section) {
  const lines2 = ["", "Closures (evaluated and built with Nix):", ...section.diffs.flatMap(hostLines), ...section.problems.map((p) => `  ! ${p}`)];
  return `${lines2.join("\n")}
`;
}
function renderClosuresMarkdown(section) {
  const body = section.diffs.map((d) => `<details><summary><code>${d.host}</code>: ${d.packages.length} package change(s), closure ${d.baseSize !== void 0 ? `${size(d.baseSize)} \u2192 ` : ""}${size(d.headSize)}</summary>

\`\`\`
${hostLines(d).join("\n").replace(/```/g, "'''")}
\`\`\`

</details>`);
  const problems = section.problems.map((p) => `- :warning: ${p.replace(/[<>]/g, (c) => c === "<" ? "&lt;" : "&gt;")}`);
  return `
### Closures

${[...body, ...problems].join("\n") || "No host's system changes."}
`;
}

// src/cli/commands/plan.ts
var PLAN_FORMATS = ["text", "markdown", "json"];
var EXIT_PLAN_HAS_CHANGES = 2;
function renderPlan(plan, format, options = { diffs: true }) {
  switch (format) {
    case "json":
      return `${JSON.stringify(plan, null, 2)}
`;
    case "markdown":
      return renderPlanMarkdown(plan);
    case "text":
      return renderPlanText(plan, options);
  }
}
function registerPlan(program, io, setExit) {
  const command = program.command("plan").description("show what a change does to each host: compile the fleet at two revisions and compare").requiredOption("--base <rev>", "the revision to compare against (e.g. origin/main, HEAD)").option("--head <rev>", "the revision to plan (default: the working tree, uncommitted edits included)").addOption(new import_commander2.Option("--format <format>", "output format").choices(PLAN_FORMATS).default("text")).option("--plan-file <file>", "also write the plan to this file, in --plan-format").addOption(new import_commander2.Option("--plan-format <format>", "format of --plan-file").choices(PLAN_FORMATS).default("json")).option("--no-diff", "text format: reasons only, without the artifact diffs").option("--allow-invalid-base", "plan against an empty fleet when the base revision's fleet has errors").option("--detailed-exitcode", "exit 2 when the plan has changes, 0 when it has none").option("--full-base", "compile both revisions in full instead of taking unchanged hosts from the base commit's committed output").option("--list-unchanged", "json: list the unchanged hosts with their artifact hashes too, instead of by name with a reference to the base commit's committed manifest.json").option("--closures", "also evaluate and build, with Nix, the hosts whose system changes, and show each one's store path, package and closure-size change (text and Markdown)").option("--builders <spec>", "with --closures: Nix builders (nix --builders; default: those of nix.conf)");
  addPathOptions(command);
  addCacheOptions(command);
  command.action(async (options) => {
    const format = options.format;
    let outcome;
    try {
      outcome = await computePlan({
        base: String(options.base),
        head: options.head === void 0 ? void 0 : String(options.head),
        paths: pathsFrom(options),
        allowInvalidBase: Boolean(options.allowInvalidBase),
        cwd: process.cwd(),
        cacheDir: cacheDirFrom(options),
        fullBase: Boolean(options.fullBase),
        listUnchanged: Boolean(options.listUnchanged)
      });
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      io.stderr(`fleetc plan: ${error.message}
`);
      return setExit(EXIT.failed);
    }
    if (!outcome.ok) {
      if (outcome.failed) io.stderr(renderDiagnostics("text", outcome.failed.diagnostics, outcome.failed.sources));
      io.stderr(`fleetc plan: ${outcome.reason}
`);
      return setExit(EXIT.failed);
    }
    for (const warning of outcome.warnings) io.stderr(renderDiagnostics("text", warning.diagnostics, warning.sources));
    io.stdout(renderPlan(outcome.plan, format, { diffs: options.diff !== false }));
    if (options.closures) {
      const section = await closuresOf(outcome.plan, pathsFrom(options), options.builders);
      if (format === "json") io.stderr(renderClosuresText(section));
      else io.stdout(format === "markdown" ? renderClosuresMarkdown(section) : renderClosuresText(section));
    }
    if (options.planFile) {
      try {
        await (0, import_promises5.writeFile)(String(options.planFile), renderPlan(outcome.plan, options.planFormat));
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        io.stderr(`fleetc plan: cannot write the plan file ${String(options.planFile)}: ${describeFileSystemError(error)}
`);
        return setExit(EXIT.failed);
      }
    }
    setExit(options.detailedExitcode && hasChanges(outcome.plan) ? EXIT_PLAN_HAS_CHANGES : EXIT.ok);
  });
}

// src/cli/commands/apply.ts
var import_node_crypto16 = require("node:crypto");
var import_node_fs27 = require("node:fs");
var import_node_path33 = __toESM(require("node:path"), 1);
var import_commander3 = require("commander");

// src/apply/apply.ts
var import_promises10 = require("node:fs/promises");
var import_node_path31 = __toESM(require("node:path"), 1);

// src/apply/health.ts
var import_node_http = __toESM(require("node:http"), 1);
var import_node_net = __toESM(require("node:net"), 1);
function healthChecksFor(host, fleet) {
  const checks = [{ kind: "units", units: host.services.map((s) => `${s}.service`) }];
  for (const name of host.services) {
    const service = fleet.services[name];
    if (!service.health) continue;
    const port = service.ports[service.health.port]?.port;
    if (port === void 0) continue;
    checks.push(service.health.http ? { kind: "http", port, path: service.health.http } : { kind: "tcp", port });
  }
  return checks;
}
var HealthChecker = class {
  constructor(ssh, emit, dryRun, stop) {
    this.ssh = ssh;
    this.emit = emit;
    this.dryRun = dryRun;
    this.stop = stop;
  }
  ssh;
  emit;
  dryRun;
  stop;
  async check(target, checks) {
    const failures = [];
    for (const check of checks) {
      const failure = await this.run(target, check);
      if (failure) failures.push(failure);
    }
    return { ok: failures.length === 0, failures };
  }
  /**
   * Checks until all pass or the timeout runs out; the last report is returned. An abort (a second
   * signal) ends the wait at once, unless the wait is a rollback's, which must see it through.
   */
  async waitHealthy(target, checks, timeoutMs, intervalMs = 2e3, interruptible = true) {
    const deadline = Date.now() + timeoutMs;
    for (; ; ) {
      if (interruptible && this.stop?.aborted) return { ok: false, failures: ["stopped by a second signal"] };
      const report = await this.check(target, checks);
      if (report.ok || this.dryRun || Date.now() + intervalMs > deadline) return report;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  async run(target, check) {
    switch (check.kind) {
      case "units": {
        if (check.units.length === 0) return void 0;
        const result = await this.ssh.run(target, ["systemctl", "is-active", "--quiet", ...check.units], 3e4);
        return result.ok ? void 0 : `units not active: ${check.units.join(", ")}${result.stdout.trim() ? ` (${result.stdout.trim().replace(/\s+/g, " ")})` : ""}`;
      }
      case "tcp":
        return this.probe(target, ["tcp-connect", `${target.address}:${check.port}`], () => tcpOpen(target.address, check.port));
      case "http":
        return this.probe(target, ["http-get", `http://${target.address}:${check.port}${check.path}`], () => httpOk(target.address, check.port, check.path));
    }
  }
  /** Network probes are reported like commands, so a dry run shows them and logs record them. */
  async probe(target, argv, attempt) {
    this.emit({ type: "command", host: target.host, argv });
    if (this.dryRun) return void 0;
    const started = performance.now();
    const failure = await attempt();
    this.emit({ type: "command-finished", host: target.host, argv, exitCode: failure ? 1 : 0, durationMs: performance.now() - started, timedOut: false, output: failure ?? "ok" });
    return failure;
  }
};
function tcpOpen(address, port, timeoutMs = 5e3) {
  return new Promise((resolve) => {
    const socket = import_node_net.default.connect({ host: address, port });
    const done = (failure) => {
      socket.destroy();
      resolve(failure);
    };
    socket.setTimeout(timeoutMs, () => done(`port ${port} did not answer within ${timeoutMs / 1e3} s`));
    socket.on("connect", () => done(void 0));
    socket.on("error", (error) => done(`port ${port}: ${error.message}`));
  });
}
function httpOk(address, port, path37, timeoutMs = 5e3) {
  return new Promise((resolve) => {
    const request = import_node_http.default.get({ host: address, port, path: path37, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? void 0 : `http://${address}:${port}${path37} answered ${response.statusCode}`);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (error) => resolve(`http://${address}:${port}${path37}: ${error.message}`));
  });
}

// src/apply/lock.ts
var import_node_os4 = require("node:os");

// src/apply/git-objects.ts
var import_node_child_process6 = require("node:child_process");
var ZERO_OID = "0000000000000000000000000000000000000000";
var IDENTITY = { GIT_AUTHOR_NAME: "fleetc", GIT_AUTHOR_EMAIL: "fleetc@localhost", GIT_COMMITTER_NAME: "fleetc", GIT_COMMITTER_EMAIL: "fleetc@localhost" };
var GitCommandError = class extends Error {
  constructor(message, stderr) {
    super(message);
    this.stderr = stderr;
  }
  stderr;
};
function gitWithIdentity(repo) {
  return (args, input) => new Promise((resolve, reject) => {
    const child = (0, import_node_child_process6.execFile)("git", args, { cwd: repo.root, env: { ...process.env, ...IDENTITY }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new GitCommandError(`git ${args[0]} failed: ${stderr.trim() || error.message}`, stderr));
      else resolve(stdout);
    });
    if (input !== void 0) child.stdin.end(input);
  });
}

// src/apply/lock.ts
var LOCK_REF = "refs/fleetc/lock";
function newLockInfo(id, commit2, run2, leaseSeconds) {
  let who = process.env.GITHUB_ACTOR ?? "";
  try {
    who ||= (0, import_node_os4.userInfo)().username;
  } catch {
    who ||= "unknown";
  }
  const now = (/* @__PURE__ */ new Date()).toISOString();
  return { id, who, machine: (0, import_node_os4.hostname)(), pid: process.pid, startedAt: now, commit: commit2, run: run2, ...leaseSeconds !== void 0 ? { leaseSeconds, renewedAt: now } : {} };
}
function leaseExpiry(info) {
  if (info.leaseSeconds === void 0) return void 0;
  return new Date(Date.parse(info.renewedAt ?? info.startedAt) + info.leaseSeconds * 1e3);
}
function isStale(info, now = /* @__PURE__ */ new Date()) {
  const expiry = leaseExpiry(info);
  return expiry !== void 0 && expiry.getTime() < now.getTime();
}
async function lockCommit(repo, info) {
  const git = gitWithIdentity(repo);
  const blob = (await git(["hash-object", "-w", "--stdin"], `${JSON.stringify(info, null, 2)}
`)).trim();
  const tree = (await git(["mktree"], `100644 blob ${blob}	lock.json
`)).trim();
  return (await git(["commit-tree", tree, "-m", `fleetc lock ${info.id} by ${info.who}@${info.machine}`])).trim();
}
async function acquireLock(repo, remote, info, lockRef = LOCK_REF) {
  const git = gitWithIdentity(repo);
  const oid = await lockCommit(repo, info);
  let tookOver;
  let localOld = ZERO_OID;
  try {
    await git(["update-ref", lockRef, oid, ZERO_OID]);
  } catch {
    const local = await readLocalLockRef(repo, lockRef);
    if (!local || !isStale(local.info)) return { acquired: false, holder: local?.info };
    try {
      await git(["update-ref", lockRef, oid, local.oid]);
    } catch {
      return { acquired: false, holder: await readLocalLock(repo, lockRef) };
    }
    tookOver = local.info;
    localOld = local.oid;
  }
  if (remote && !await remote.compareAndSwap(lockRef, oid, void 0)) {
    const held = await readRemoteLock(repo, remote, lockRef);
    if (!held || !isStale(held.info) || !await remote.compareAndSwap(lockRef, oid, held.oid)) {
      await git(["update-ref", ...localOld === ZERO_OID ? ["-d", lockRef, oid] : [lockRef, localOld, oid]]).catch(() => void 0);
      return { acquired: false, holder: held?.info ?? (await readRemoteLock(repo, remote, lockRef))?.info };
    }
    tookOver = held.info;
  }
  return { acquired: true, oid, ...tookOver ? { tookOver } : {} };
}
async function renewLock(repo, remote, oid, info, lockRef = LOCK_REF) {
  const git = gitWithIdentity(repo);
  const next = await lockCommit(repo, { ...info, renewedAt: (/* @__PURE__ */ new Date()).toISOString() });
  if (remote && !await remote.compareAndSwap(lockRef, next, oid)) return void 0;
  await git(["update-ref", lockRef, next, oid]).catch(() => void 0);
  return next;
}
async function releaseLock(repo, remote, oid, lockRef = LOCK_REF) {
  const git = gitWithIdentity(repo);
  if (remote) await remote.compareAndDelete(lockRef, oid);
  await git(["update-ref", "-d", lockRef, oid]).catch(() => void 0);
}
async function readLock(repo, remote, lockRef = LOCK_REF) {
  const onRemote = remote ? await readRemoteLock(repo, remote, lockRef) : void 0;
  if (onRemote) return { ...onRemote, where: "remote" };
  const local = await readLocalLockRef(repo, lockRef);
  return local ? { ...local, where: "local" } : void 0;
}
async function breakLock(repo, remote, id, lockRef = LOCK_REF) {
  const current = await readLock(repo, remote, lockRef);
  if (!current) return { broken: false };
  if (current.info.id !== id) return { broken: false, lock: current.info };
  if (current.where === "remote" && !await remote.compareAndDelete(lockRef, current.oid)) return { broken: false, lock: current.info };
  const local = await readLocalLockRef(repo, lockRef);
  if (local && local.info.id === id) await gitWithIdentity(repo)(["update-ref", "-d", lockRef, local.oid]).catch(() => void 0);
  return { broken: true, lock: current.info };
}
async function readLocalLock(repo, lockRef) {
  return (await readLocalLockRef(repo, lockRef))?.info;
}
async function readLocalLockRef(repo, lockRef) {
  const oid = await gitWithIdentity(repo)(["rev-parse", "--verify", "--quiet", lockRef]).then((o) => o.trim(), () => "");
  return oid ? { oid, info: await readLockObject(repo, oid) } : void 0;
}
async function readRemoteLock(repo, remote, lockRef) {
  const scratch = `refs/fleetc/observed/lock-${process.pid}`;
  const oid = await remote.fetchRef(lockRef, scratch);
  if (!oid) return void 0;
  try {
    return { oid, info: await readLockObject(repo, oid) };
  } catch {
    return void 0;
  } finally {
    await gitWithIdentity(repo)(["update-ref", "-d", scratch]).catch(() => void 0);
  }
}
async function readLockObject(repo, oid) {
  return JSON.parse(await gitWithIdentity(repo)(["cat-file", "blob", `${oid}:lock.json`]));
}

// src/apply/stop.ts
var StopControl = class {
  /** Why the run stops; undefined while it runs on. */
  reason;
  aborted = false;
  abortListeners = /* @__PURE__ */ new Set();
  stop(reason) {
    this.reason ??= reason;
  }
  abort(reason) {
    this.stop(reason);
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of this.abortListeners) listener();
  }
  /** Calls listener on abort (at once if already aborted); returns the function that unsubscribes. */
  onAbort(listener) {
    if (this.aborted) {
      listener();
      return () => void 0;
    }
    this.abortListeners.add(listener);
    return () => this.abortListeners.delete(listener);
  }
};

// src/apply/plan-file.ts
var import_promises6 = require("node:fs/promises");
var PlanFileError = class extends Error {
};
var validatePlan;
async function loadPlanFile(file) {
  let data;
  try {
    data = JSON.parse(await (0, import_promises6.readFile)(file, "utf8"));
  } catch (error) {
    throw new PlanFileError(`cannot read plan ${file}: ${error.message}`);
  }
  const version = data?.formatVersion;
  if (typeof version === "number" && version !== PLAN_FORMAT_VERSION) throw new PlanFileError(`${file} has plan format ${version}; this fleetc reads ${PLAN_FORMAT_VERSION}: plan again with this fleetc`);
  validatePlan ??= new (ajv2020())({ allErrors: true, strict: false }).compile(readSchema("plan.schema.json"));
  if (!validatePlan(data)) {
    const first = validatePlan.errors?.[0];
    throw new PlanFileError(`${file} is not a fleetc plan: ${first?.instancePath || "/"} ${first?.message ?? ""}`);
  }
  const plan = data;
  if (!plan.head.commit) throw new PlanFileError(`${file} plans the working tree; apply deploys commits: plan with --head <commit>`);
  return plan;
}
async function referencedHashes(repo, plan) {
  if (!plan.unchanged) return /* @__PURE__ */ new Map();
  const { blob, path: path37 } = plan.unchanged.manifest;
  let bytes;
  try {
    bytes = (await readBlobs(repo, [blob])).get(blob);
  } catch {
    bytes = void 0;
  }
  if (!bytes || blobIdOf(bytes) !== blob) return `the manifest the plan file refers to for its unchanged hosts (${path37}, blob ${blob}) is not in this repository`;
  const manifest = parseManifest(bytes);
  if (!manifest) return `the manifest the plan file refers to for its unchanged hosts (${path37}, blob ${blob}) is not a fleetc manifest`;
  const hashes = /* @__PURE__ */ new Map();
  for (const name of plan.unchanged.hosts) {
    const entry = entryOf(manifest, name);
    hashes.set(name, entry && Object.fromEntries(Object.entries(entry.artifacts).map(([file, artifact]) => [file, artifact.sha256])));
  }
  return hashes;
}

// src/apply/plan-from-state.ts
var RevisionCompiler = class {
  constructor(repo, source) {
    this.repo = repo;
    this.source = source;
  }
  repo;
  source;
  cache = /* @__PURE__ */ new Map();
  compile(commit2, ref = commit2) {
    let entry = this.cache.get(commit2);
    if (!entry) this.cache.set(commit2, entry = this.load(commit2, ref));
    return entry;
  }
  async load(commit2, ref) {
    const raw = await readFleetAt(this.repo, commit2, this.source.fleetDir, this.source.nixDir, `${ref.slice(0, 12)}:${this.source.fleetDir}`, this.source.libraryDir);
    const info = { ref, commit: commit2, fleetExists: raw.existed };
    if (!raw.existed) return { side: { info, nixSources: /* @__PURE__ */ new Map(), nixDir: this.source.nixDir, librarySources: /* @__PURE__ */ new Map() } };
    const compiled2 = compileRaw(raw, this.source.layout);
    const side2 = { info, fleet: compiled2.fleet, artifacts: compiled2.artifacts, nixSources: raw.nixSources, nixDir: this.source.nixDir, librarySources: (raw.library ?? installedLibrary()).sources };
    if (hasErrors(compiled2.diagnostics)) {
      const first = compiled2.diagnostics.find((d) => d.severity === "error");
      return { side: side2, errors: `${compiled2.diagnostics.filter((d) => d.severity === "error").length} error(s), first: ${first.file}: ${first.code} ${first.message}` };
    }
    return { side: side2 };
  }
};
async function planFromState(compiler2, head, states, adoptAt) {
  const headSide = head.side;
  const headPlan = buildPlan(headSide, headSide);
  const headManifest = new Map(headPlan.hosts.map((h) => [h.name, h.headManifest]));
  const empty = { info: { ref: "nothing deployed", fleetExists: false }, nixSources: /* @__PURE__ */ new Map(), nixDir: headSide.nixDir, librarySources: /* @__PURE__ */ new Map() };
  const groups = /* @__PURE__ */ new Map();
  const add = (commit2, host) => groups.set(commit2, [...groups.get(commit2) ?? [], host]);
  const unchanged = [];
  for (const host of headSide.fleet?.hosts ?? []) {
    const deployed = states.get(host.name)?.state.deployed;
    if (deployed && sameArtifacts(deployed.artifacts, headManifest.get(host.name))) unchanged.push(headPlan.hosts.find((h) => h.name === host.name));
    else add(deployed?.commit ?? adoptAt ?? "", host.name);
  }
  for (const [name, stored] of states) {
    const { deployed, decommissioned } = stored.state;
    if (deployed && !decommissioned && !headManifest.has(name)) add(deployed.commit, name);
  }
  const hosts = [...unchanged];
  const shared = /* @__PURE__ */ new Map();
  const baseCommits = /* @__PURE__ */ new Set();
  const deployedHosts = /* @__PURE__ */ new Map();
  for (const [commit2, names] of groups) {
    const base = commit2 ? await compiler2.compile(commit2) : { side: empty };
    for (const host of base.side.fleet?.hosts ?? []) if (names.includes(host.name)) deployedHosts.set(host.name, host);
    if (commit2) baseCommits.add(commit2);
    const plan = buildPlan(base.side, headSide);
    for (const name of names) {
      const hostPlan = plan.hosts.find((h) => h.name === name);
      const recorded = states.get(name)?.state.deployed;
      if (hostPlan.action === "unchanged" && recorded && !sameArtifacts(recorded.artifacts, hostPlan.headManifest)) {
        hostPlan.action = "update";
        hostPlan.reasons.push("the generated configuration differs from what was recorded as deployed");
      }
      hosts.push(hostPlan);
    }
    for (const change of plan.shared) shared.set(`${change.path}\0${change.diff}`, change);
  }
  hosts.sort((a, b) => a.name < b.name ? -1 : 1);
  detectRenames(hosts, (name) => deployedHosts.get(name), (name) => headSide.fleet?.hosts.find((h) => h.name === name));
  const policy = { order: headSide.fleet?.deploy.order ?? [], maxParallel: headSide.fleet?.deploy.maxParallel ?? 1 };
  const rolledOut = /* @__PURE__ */ new Set(["provision", "replace", "update", "reboot-required", "destructive"]);
  const only = baseCommits.size === 1 ? [...baseCommits][0] : void 0;
  return {
    formatVersion: headPlan.formatVersion,
    fleet: headPlan.fleet,
    base: { ref: "deployed state", ...only ? { commit: only } : {}, fleetExists: states.size > 0 || adoptAt !== void 0 },
    head: headSide.info,
    summary: Object.fromEntries(HOST_ACTIONS.map((a) => [a, hosts.filter((h) => h.action === a).length])),
    waves: planWaves(hosts.filter((h) => rolledOut.has(h.action)).map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), { ...policy, ...bootServerFirst(headSide.fleet) }),
    policy,
    hosts,
    shared: [...shared.values()].sort((a, b) => a.path < b.path ? -1 : 1)
  };
}
function sameArtifacts(a, b) {
  const keys2 = Object.keys(a);
  return keys2.length === Object.keys(b).length && keys2.every((k) => a[k] === b[k]);
}

// src/apply/plan-verify.ts
var MAX_LISTED = 12;
function planDifferences(file, recomputed, referenced = /* @__PURE__ */ new Map()) {
  const out = [];
  const differ = (what, inFile, actual2) => {
    if (!sameValue(inFile, actual2)) out.push(`${what}: ${show2(inFile)} in the plan file, ${show2(actual2)} at the commit`);
  };
  differ("fleet", file.fleet, recomputed.fleet);
  differ("policy.order", file.policy?.order, recomputed.policy.order);
  differ("policy.maxParallel", file.policy?.maxParallel, recomputed.policy.maxParallel);
  const given = new Map((file.hosts ?? []).map((h) => [h.name, h]));
  const actual = new Map(recomputed.hosts.map((h) => [h.name, h]));
  for (const key of [.../* @__PURE__ */ new Set([...given.keys(), ...referenced.keys(), ...actual.keys()])].sort()) {
    const name = show2(key);
    const a = given.get(key);
    const b = actual.get(key);
    if (referenced.has(key)) {
      const hashes = referenced.get(key);
      if (a) out.push(`host ${name}: listed in the plan file both with its plan and as unchanged by reference`);
      else if (!b) out.push(`host ${name}: unchanged in the plan file, not part of the plan at the commit`);
      else if (b.action !== "unchanged") out.push(`host ${name}: unchanged in the plan file, ${b.action} at the commit`);
      else if (!hashes) out.push(`host ${name}: unchanged in the plan file, but not in the manifest it refers to`);
      else if (!sameValue(hashes, b.headManifest)) out.push(`host ${name}: its artifact hashes in the manifest the plan file refers to differ from what the commit compiles to`);
      continue;
    }
    if (!a || !b) {
      const present = a ?? b;
      if (present.action === "unchanged") continue;
      out.push(a ? `host ${name}: ${a.action} in the plan file, not part of the plan at the commit` : `host ${name}: ${b.action} at the commit, missing from the plan file`);
      continue;
    }
    for (const field of ["action", "profile", "cluster", "raftGroups", "address", "renamedFrom", "renamedTo"]) differ(`host ${name} ${field}`, a[field], b[field]);
    if (!sameValue(a.headManifest, b.headManifest)) out.push(`host ${name}: its artifact hashes (headManifest) differ from what the commit compiles to`);
  }
  const waves = (plan) => (plan.waves ?? []).map((w) => `${w.profile}: ${w.hosts.join(" ")}`);
  if (!sameValue(waves(file), waves(recomputed))) out.push(`waves: ${waves(file).join(" | ") || "none"} in the plan file, ${waves(recomputed).join(" | ") || "none"} at the commit`);
  if (out.length > MAX_LISTED) return [...out.slice(0, MAX_LISTED), `and ${out.length - MAX_LISTED} more differences`];
  return out;
}
function sameValue(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}
function show2(value) {
  if (value === void 0) return "none";
  return typeof value === "string" && /^[\x20-\x7e]*$/.test(value) ? value : JSON.stringify(value);
}

// src/apply/remote.ts
var Remote = class {
  constructor(repo, name) {
    this.name = name;
    this.git = gitWithIdentity(repo);
  }
  name;
  git;
  /** The remote's deployment state replaces the local copy (the remote is the authority). */
  async fetchStates(prefix = "refs/fleetc/deployed/") {
    await this.git(["fetch", "--quiet", "--no-tags", "--prune", this.name, `+${prefix}*:${prefix}*`]);
  }
  /**
   * Read-only (apply --dry-run): the remote's state refs are fetched into a private namespace, read
   * with read(prefix), and removed again, so no ref of this repository changes.
   */
  async observeStates(read, statePrefix = "refs/fleetc/deployed/") {
    const prefix = `refs/fleetc/observed/${process.pid}/deployed/`;
    try {
      await this.git(["fetch", "--quiet", "--no-tags", this.name, `+${statePrefix}*:${prefix}*`]);
      return await read(prefix);
    } finally {
      await this.deleteRefs(prefix);
    }
  }
  /** The branch the remote's HEAD points to (its default branch), if it says. */
  async defaultBranch() {
    const listing = await this.git(["ls-remote", "--symref", this.name, "HEAD"]).catch(() => "");
    return /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(listing)?.[1];
  }
  /** Whether commit is on the remote's branch (the branch's tip or one of its ancestors); undefined: no such branch. */
  async branchContains(branch, commit2) {
    const scratch = `refs/fleetc/observed/${process.pid}/branch`;
    const tip = await this.fetchRef(`refs/heads/${branch}`, scratch);
    if (!tip) return void 0;
    try {
      return await this.git(["merge-base", "--is-ancestor", commit2, scratch]).then(() => true, () => false);
    } finally {
      await this.git(["update-ref", "-d", scratch]).catch(() => void 0);
    }
  }
  async deleteRefs(prefix) {
    const refs = (await this.git(["for-each-ref", "--format=%(refname)", prefix]).catch(() => "")).split("\n").filter(Boolean);
    if (refs.length > 0) await this.git(["update-ref", "--stdin"], refs.map((r) => `delete ${r}
`).join("")).catch(() => void 0);
  }
  /** Moves ref on the remote to oid if it is still at expected (undefined: absent). False when it was not. */
  async compareAndSwap(ref, oid, expected) {
    return this.push([`--force-with-lease=${ref}:${expected ?? ""}`, `${oid}:${ref}`]);
  }
  /** Deletes ref on the remote if it is still at expected. */
  async compareAndDelete(ref, expected) {
    return this.push([`--force-with-lease=${ref}:${expected}`, `:${ref}`]);
  }
  /** The object a ref points to on the remote, fetched into a private local ref so it can be read. */
  async fetchRef(ref, into) {
    const listing = (await this.git(["ls-remote", this.name, ref])).trim();
    if (!listing) return void 0;
    await this.git(["fetch", "--quiet", "--no-tags", this.name, `+${ref}:${into}`]).catch(() => void 0);
    return listing.split(/\s+/)[0];
  }
  async push(args) {
    try {
      await this.git(["push", "--quiet", "--porcelain", this.name, ...args]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError && /stale info|rejected|fetch first|non-fast-forward|failed to push/i.test(error.stderr + error.message)) return false;
      throw error;
    }
  }
};
async function defaultRemote(repo, requested) {
  if (requested === "") return void 0;
  const remotes = (await repo.git.raw(["remote"])).split("\n").filter(Boolean);
  if (requested !== void 0) {
    if (!remotes.includes(requested)) throw new GitCommandError(`no git remote named ${requested}`, "");
    return new Remote(repo, requested);
  }
  return remotes.includes("origin") ? new Remote(repo, "origin") : void 0;
}

// src/apply/rollout.ts
var FAILURES = /* @__PURE__ */ new Set(["rolled-back", "rollback-failed", "failed", "blocked"]);
async function runRollout(waves, jobs, after, deps) {
  const results = {};
  let halted = false;
  let stopped = false;
  const stopNow = () => {
    if (stopped || !deps.stop?.reason) return stopped;
    stopped = halted = true;
    deps.emit({ type: "halted", reason: `${deps.stop.reason}: no further host is started` });
    return true;
  };
  const runOne = async (job, changesHost) => {
    const started = performance.now();
    deps.emit({ type: "host-started", host: job.name, action: job.action });
    let outcome;
    const unhealthy = changesHost && job.raftGroups.length > 0 ? await deps.unhealthyPeers(job) : [];
    if (unhealthy.length > 0) outcome = { result: "blocked", error: `other voters are unhealthy: ${unhealthy.join(", ")}; not touching a second voter` };
    else if (deps.stop?.reason) outcome = { result: "skipped", error: `not started: ${deps.stop.reason}` };
    else outcome = await deps.run(job);
    results[job.name] = outcome.result;
    deps.emit({ type: "host-finished", host: job.name, action: job.action, result: outcome.result, durationMs: performance.now() - started, ...outcome.error ? { error: outcome.error } : {} });
  };
  for (const wave of waves) {
    const wavejobs = wave.hosts.map((name) => jobs.get(name));
    if (halted || stopNow()) {
      for (const job of wavejobs) results[job.name] = "skipped";
      continue;
    }
    deps.emit({ type: "wave-started", index: wave.index, profile: wave.profile, hosts: wave.hosts });
    if (deps.sequential) for (const job of wavejobs) await runOne(job, true);
    else await Promise.all(wavejobs.map((job) => runOne(job, true)));
    const failed = wavejobs.filter((job) => FAILURES.has(results[job.name]));
    if (failed.length > 0 && !stopped) {
      halted = true;
      deps.emit({ type: "halted", reason: `${failed.map((j) => `${j.name} ${results[j.name]}`).join(", ")}: no further host is started` });
    }
  }
  for (const job of after) {
    if (halted || stopNow()) results[job.name] = "skipped";
    else await runOne(job, false);
  }
  return results;
}

// src/apply/generated-check.ts
var import_node_crypto15 = require("node:crypto");
var import_node_path28 = __toESM(require("node:path"), 1);
function blobId(text) {
  const bytes = Buffer.from(text, "utf8");
  return (0, import_node_crypto15.createHash)("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
async function staleGeneratedFiles(repo, commit2, dirs, artifacts) {
  const repoPath = (artifact) => import_node_path28.default.posix.join(artifact.root ? dirs.rootDir : dirs.outDir, artifact.path);
  const rootFiles = artifacts.filter((a) => a.root).map(repoPath);
  const entries = await listTree(repo, commit2, [dirs.outDir, ...rootFiles]);
  const committed = new Map(entries.filter((e) => e.type === "blob").map((e) => [e.path, e.id]));
  const stale = [];
  for (const artifact of artifacts) if (committed.get(repoPath(artifact)) !== blobId(artifact.contents)) stale.push(repoPath(artifact));
  const emitted = new Set(artifacts.map(repoPath));
  for (const file of committed.keys()) if (!emitted.has(file)) stale.push(file);
  return stale.sort();
}

// src/apply/credentials.ts
var import_node_child_process7 = require("node:child_process");
var import_promises7 = require("node:fs/promises");
var import_node_util3 = require("node:util");
var import_node_os5 = require("node:os");
var import_node_path29 = __toESM(require("node:path"), 1);
function deliveredSecrets(fleet) {
  const names = /* @__PURE__ */ new Map();
  for (const [host, config] of firstBootConfigs(fleet)) {
    names.set(host, Object.entries(config.secrets).filter(([, source]) => source.delivery === "fleetc-apply").map(([name]) => name));
  }
  return names;
}
async function readCredentials(fleet, names) {
  const credentials = [];
  const problems = [];
  for (const name of names) {
    try {
      credentials.push({ name, value: await readSecret(fleet.secrets[name]) });
    } catch (error) {
      if (!(error instanceof SecretUnavailable)) throw error;
      problems.push(`secret ${name}: ${error.message}`);
    }
  }
  return { credentials, problems };
}
var HOST_KEY_PATH = "/etc/ssh/ssh_host_ed25519_key";
async function stageExtraFiles(credentials, hostKeyFor) {
  const dir = await (0, import_promises7.mkdtemp)(import_node_path29.default.join((0, import_node_os5.tmpdir)(), "fleetc-extra-files-"));
  const cleanup = () => (0, import_promises7.rm)(dir, { recursive: true, force: true });
  try {
    const parents = async (of) => {
      let parent = dir;
      for (const part of of.split("/").filter(Boolean)) {
        parent = import_node_path29.default.join(parent, part);
        await (0, import_promises7.mkdir)(parent, { mode: 493 }).catch((error) => {
          if (error.code !== "EEXIST") throw error;
        });
        await (0, import_promises7.chmod)(parent, 493);
      }
    };
    if (credentials.length > 0) {
      await parents(import_node_path29.default.dirname(CREDENTIALS_DIR));
      const target = import_node_path29.default.join(dir, CREDENTIALS_DIR);
      await (0, import_promises7.mkdir)(target, { mode: 448 });
      for (const { name, value } of credentials) await (0, import_promises7.writeFile)(import_node_path29.default.join(target, name), value, { mode: 256 });
    }
    let publicKey;
    if (hostKeyFor !== void 0) {
      await parents(import_node_path29.default.dirname(HOST_KEY_PATH));
      const file = import_node_path29.default.join(dir, HOST_KEY_PATH);
      await (0, import_node_util3.promisify)(import_node_child_process7.execFile)("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@${hostKeyFor}`, "-f", file]);
      await (0, import_promises7.chmod)(file, 384);
      await (0, import_promises7.chmod)(`${file}.pub`, 420);
      publicKey = (await (0, import_promises7.readFile)(`${file}.pub`, "utf8")).trim().split(" ").slice(0, 2).join(" ");
    }
    await (0, import_promises7.chmod)(dir, 493);
    return { dir, ...publicKey ? { publicKey } : {}, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
function installCredentialCommand(name) {
  const file = `${CREDENTIALS_DIR}/${name}`;
  return `umask 077 && mkdir -p ${CREDENTIALS_DIR} && chmod 0700 ${CREDENTIALS_DIR} && cat > ${file}.tmp && chmod 0400 ${file}.tmp && mv -f ${file}.tmp ${file}`;
}

// src/apply/state.ts
var STATE_REF_PREFIX = "refs/fleetc/deployed/";
async function readStates(repo, prefix = STATE_REF_PREFIX) {
  const listing = await repo.git.raw(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
  const states = /* @__PURE__ */ new Map();
  for (const line of listing.split("\n").filter(Boolean)) {
    const [ref, oid] = line.split(" ");
    const text = await repo.git.raw(["cat-file", "blob", `${oid}:state.json`]);
    states.set(ref.slice(prefix.length), { oid, state: JSON.parse(text) });
  }
  return states;
}
async function writeState(repo, state, previous, prefix = STATE_REF_PREFIX) {
  const git = gitWithIdentity(repo);
  const blob = (await git(["hash-object", "-w", "--stdin"], `${JSON.stringify(state, null, 2)}
`)).trim();
  const tree = (await git(["mktree"], `100644 blob ${blob}	state.json
`)).trim();
  const summary = state.last ? `${state.last.result} at ${state.last.commit.slice(0, 12)}` : "state";
  const commit2 = (await git(["commit-tree", tree, ...previous ? ["-p", previous] : [], "-m", `fleetc: ${state.host} ${summary} (run ${state.last?.run ?? ""})`])).trim();
  await git(["update-ref", `${prefix}${state.host}`, commit2, previous ?? ZERO_OID]);
  return commit2;
}

// src/apply/site.ts
var SITE_LABEL2 = "site";
function refNamespace(site) {
  if (site === void 0) return { lockRef: LOCK_REF, statePrefix: STATE_REF_PREFIX };
  return { site, lockRef: `refs/fleetc/sites/${site}/lock`, statePrefix: `refs/fleetc/sites/${site}/deployed/` };
}
function siteOf(host) {
  return host.labels[SITE_LABEL2];
}
function siteRefusal(fleet, site) {
  if (fleet.sites.length === 0) return site === void 0 ? void 0 : `refused: --site ${site}, but the fleet declares no sites (fleet.yaml sites:)`;
  if (site === void 0) return `refused: the fleet deploys by site (${fleet.sites.join(", ")}); deploy one with --site <name> (one CI job per site)`;
  if (!fleet.sites.includes(site)) return `refused: the fleet has no site ${site} (its sites: ${fleet.sites.join(", ")})`;
  return void 0;
}
function unmigratedState(site, siteHosts, legacy, remote) {
  const stranded = siteHosts.filter((h) => legacy.has(h));
  if (stranded.length === 0) return void 0;
  const where = remote ?? ".";
  return `refused: ${stranded.length} host(s) of site ${site} (${stranded.slice(0, 5).join(", ")}${stranded.length > 5 ? ", \u2026" : ""}) have state only in the single-site refs (${STATE_REF_PREFIX}*), and site ${site} has none yet. fleetc does not move state by itself. Move it once (then delete the old refs), e.g.:
  git fetch ${where} '+${STATE_REF_PREFIX}*:${STATE_REF_PREFIX}*'
  for h in ${stranded.join(" ")}; do git push ${where} ${STATE_REF_PREFIX}$h:refs/fleetc/sites/${site}/deployed/$h; done`;
}
function sitePlan(plan, inSite) {
  const hosts = plan.hosts.filter((h) => inSite(h.name));
  const unchanged = plan.unchanged && { ...plan.unchanged, hosts: plan.unchanged.hosts.filter(inSite) };
  const byReference = unchanged?.hosts.length ?? 0;
  const summary = Object.fromEntries(Object.keys(plan.summary).map((action) => [action, hosts.filter((h) => h.action === action).length + (action === "unchanged" ? byReference : 0)]));
  const waves = plan.waves.map((w) => ({ ...w, hosts: w.hosts.filter(inSite) })).filter((w) => w.hosts.length > 0);
  return { ...plan, hosts, ...unchanged ? { unchanged } : {}, summary, waves };
}

// src/apply/transports/nix.ts
var SWITCHED_WITH_FAILED_UNITS = 4;
var NixDeployer = class {
  constructor(runner, ssh, settings) {
    this.runner = runner;
    this.ssh = ssh;
    this.settings = settings;
  }
  runner;
  ssh;
  settings;
  /**
   * nixos-rebuild switch|boot [--rollback] --flake …#host --target-host user@addr, with
   * --use-remote-sudo for a user other than root: both nixos-rebuild (the shell script) and
   * nixos-rebuild-ng take it (ng's own name is --sudo; pkgs/by-name/ni/nixos-rebuild-ng/src/nixos_rebuild/__init__.py).
   */
  rebuild(target, mode, rollback2 = false) {
    const argv = ["nixos-rebuild", mode, ...rollback2 ? ["--rollback"] : ["--flake", `${this.settings.flake}#${target.host}`], "--target-host", `${target.user}@${target.address}`, ...target.user === "root" ? [] : ["--use-remote-sudo"]];
    return this.runner.run({ host: target.host, argv, env: { NIX_SSHOPTS: this.ssh.nixSshOpts(target) }, timeoutMs: this.settings.timeoutMs });
  }
  /**
   * nix copy --to ssh-ng://user@addr --substitute-on-destination PATH: the host fetches what it can
   * from its substituters (the fleet's cache) itself; only what they lack comes from here. The SSH
   * options (pinned host key, port) reach Nix's ssh-ng store through NIX_SSHOPTS.
   */
  copyToHost(target, storePath) {
    const argv = ["nix", "--extra-experimental-features", "nix-command", "copy", "--to", `ssh-ng://${target.user}@${target.address}`, "--substitute-on-destination", storePath];
    return this.runner.run({ host: target.host, argv, env: { NIX_SSHOPTS: this.ssh.nixSshOpts(target) }, timeoutMs: this.settings.timeoutMs });
  }
  /**
   * nixos-anywhere --flake …#host user@addr: repartitions (disko) and installs. On a reinstall the
   * host's existing SSH host keys are kept (--copy-host-keys), so its pinned key stays valid.
   * --extra-files: a tree copied into the installed system's root (the host's first-boot credentials).
   */
  install(target, keepHostKeys, extraFiles) {
    const argv = ["nixos-anywhere", "--flake", `${this.settings.flake}#${target.host}`, "-p", String(target.port), ...keepHostKeys ? ["--copy-host-keys"] : [], ...extraFiles ? ["--extra-files", extraFiles] : [], ...this.ssh.anywhereOptions(target), `${target.user}@${target.address}`];
    return this.runner.run({ host: target.host, argv, timeoutMs: this.settings.timeoutMs });
  }
};

// src/util/shell-word.ts
function shellWord(text) {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

// src/apply/transports/ssh.ts
function pinnedTarget(host) {
  const address = host.interfaces.find((i) => i.boot)?.address ?? host.fqdn;
  return { host: host.name, address, port: host.ssh.port, user: host.ssh.user, trust: { kind: "pinned" } };
}
function knownHostsFor(hosts) {
  return hosts.filter((h) => h.ssh.hostKey).map((h) => {
    const address = pinnedTarget(h).address;
    const name = h.ssh.port === 22 ? address : `[${address}]:${h.ssh.port}`;
    const [type, key] = h.ssh.hostKey.split(" ");
    return `${name} ${type} ${key}
`;
  }).join("");
}
function sshOptions(settings, target) {
  const pinned = target.trust.kind === "pinned";
  return [
    "BatchMode=yes",
    `StrictHostKeyChecking=${pinned ? "yes" : "accept-new"}`,
    `UserKnownHostsFile=${target.trust.kind === "pinned" ? settings.knownHostsFile : target.trust.knownHostsFile}`,
    "GlobalKnownHostsFile=/dev/null",
    `ConnectTimeout=${settings.connectTimeoutSeconds}`,
    "ServerAliveInterval=10",
    "ServerAliveCountMax=3",
    ...settings.identityFile ? [`IdentityFile=${settings.identityFile}`, "IdentitiesOnly=yes"] : []
  ];
}
var Ssh = class {
  constructor(runner, settings) {
    this.runner = runner;
    this.settings = settings;
  }
  runner;
  settings;
  /** ssh argv: -F /dev/null so no user config can loosen the options. */
  argv(target, command) {
    return ["ssh", "-F", "/dev/null", ...sshOptions(this.settings, target).flatMap((o) => ["-o", o]), "-p", String(target.port), `${target.user}@${target.address}`, "--", ...asRoot(target, command)];
  }
  run(target, command, timeoutMs = 6e4, input) {
    return this.runner.run({ host: target.host, argv: this.argv(target, command), timeoutMs, ...input !== void 0 ? { input } : {} });
  }
  /** NIX_SSHOPTS for nixos-rebuild (space-separated, so paths must not contain spaces). */
  nixSshOpts(target) {
    return ["-F", "/dev/null", "-p", String(target.port), ...sshOptions(this.settings, target).flatMap((o) => ["-o", o])].join(" ");
  }
  /** --ssh-option values for nixos-anywhere, whose own default accepts any host key. */
  anywhereOptions(target) {
    return sshOptions(this.settings, target).flatMap((o) => ["--ssh-option", o]);
  }
};
function asRoot(target, command) {
  return target.user === "root" ? command : ["sudo", "-n", "--", "/bin/sh", "-c", shellWord(command.join(" "))];
}

// src/apply/activation.ts
var SYSTEM_PROFILE = "/nix/var/nix/profiles/system";
function setProfile(storePath) {
  return ["nix-env", "-p", SYSTEM_PROFILE, "--set", storePath];
}
function switchCommand(storePath, mode) {
  return ["systemd-run", "-E", "LOCALE_ARCHIVE", "-E", "NIXOS_INSTALL_BOOTLOADER", "--collect", "--no-ask-password", "--pipe", "--quiet", "--service-type=exec", "--unit=nixos-rebuild-switch-to-configuration", "--wait", `${storePath}/bin/switch-to-configuration`, mode];
}
function deadManUnit(runId) {
  return `fleetc-rollback-${runId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
function reactivationScript(previous, mode = "switch") {
  return `${setProfile(previous).join(" ")} && ${previous}/bin/switch-to-configuration ${mode}`;
}
function deadManCommand(runId, previous, confirmTimeoutSeconds) {
  return ["systemd-run", `--unit=${deadManUnit(runId)}`, "--description=fleetc: reactivate the previous generation unless apply confirms", `--on-active=${confirmTimeoutSeconds}s`, "--timer-property=AccuracySec=1s", "--collect", "/bin/sh", "-c", reactivationScript(previous)].map(shellWord);
}
function confirmCommand(runId) {
  return ["systemctl", "stop", `${deadManUnit(runId)}.timer`];
}

// src/apply/pull-update.ts
var SSH_CONNECTION_LOST = 255;
async function pullUpdate(job, ctx, pull, step) {
  const target = pinnedTarget(job.host);
  const system = pull.closures.get(job.name);
  step("read the running generation");
  const running = await currentSystem(ctx, target);
  const before = ctx.dryRun ? "<the running system>" : running;
  if (before === void 0) return { result: "failed", error: `cannot reach ${target.address}:${target.port} over SSH; the running system did not change` };
  step("pull the system from the cache (nix copy --substitute-on-destination)");
  const copied = await ctx.nix.copyToHost(target, system);
  if (!copied.ok) return { result: "failed", error: `copying the system to the host failed (exit ${copied.exitCode}); the running system did not change` };
  step("set the system profile");
  const profiled = await ctx.ssh.run(target, setProfile(system));
  if (!profiled.ok) return { result: "failed", error: `setting the system profile failed (exit ${profiled.exitCode}); the running system did not change` };
  step(`start the dead-man timer (${pull.confirmTimeoutMs / 1e3} s)`);
  const timerStarted = Date.now();
  const armed = await ctx.ssh.run(target, deadManCommand(pull.runId, before, pull.confirmTimeoutMs / 1e3));
  if (!armed.ok) return restore(ctx, step, target, job, pull.runId, before, `starting the dead-man timer failed (exit ${armed.exitCode})`, false);
  step("switch-to-configuration switch");
  const switched = await ctx.ssh.run(target, switchCommand(system, "switch"), ctx.healthTimeoutMs + 6e5);
  if (!switched.ok && switched.exitCode !== SSH_CONNECTION_LOST) {
    const reason = switched.exitCode === SWITCHED_WITH_FAILED_UNITS ? `switched, but some units failed to start (exit ${SWITCHED_WITH_FAILED_UNITS})` : `switch-to-configuration failed (exit ${switched.exitCode})`;
    return restore(ctx, step, target, job, pull.runId, before, reason, true);
  }
  step("health check over a new SSH connection");
  const health = await ctx.health.waitHealthy(target, job.checks, Math.min(ctx.healthTimeoutMs, Math.max(0, timerStarted + pull.confirmTimeoutMs - Date.now() - 5e3)));
  const reachable2 = (await ctx.ssh.run(target, ["true"], 15e3)).ok;
  if (!reachable2) return awaitSelfHealing(ctx, step, target, job, before, timerStarted, pull.confirmTimeoutMs, switched.exitCode === SSH_CONNECTION_LOST ? "the switch cut the SSH connection and the host stayed unreachable" : "the host became unreachable after the switch");
  if (!health.ok) return restore(ctx, step, target, job, pull.runId, before, `health check failed: ${health.failures.join("; ")}`, true);
  step("confirm: stop the dead-man timer");
  const confirmed = await ctx.ssh.run(target, confirmCommand(pull.runId));
  const now = await currentSystem(ctx, target);
  if (confirmed.ok && (now === system || ctx.dryRun)) return { result: "deployed" };
  if (now === before) return { result: "rolled-back", error: "the dead-man timer fired before apply could confirm (raise deploy.confirmTimeoutSeconds); the host runs its previous generation" };
  return { result: "rollback-failed", error: `confirming failed (exit ${confirmed.exitCode}) and the host runs ${now ?? "an unknown system"}` };
}
async function restore(ctx, step, target, job, runId, before, reason, armed) {
  step("roll back to the previous generation");
  if (armed) await ctx.ssh.run(target, confirmCommand(runId));
  const back = await ctx.ssh.run(target, ["/bin/sh", "-c", shellWord(reactivationScript(before))], ctx.healthTimeoutMs + 6e5);
  if (!back.ok) return { result: "rollback-failed", error: `${reason}; rollback failed (exit ${back.exitCode})` };
  step("health check after rollback");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, void 0, false);
  if (!health.ok) return { result: "rollback-failed", error: `${reason}; still unhealthy after rollback: ${health.failures.join("; ")}` };
  return { result: "rolled-back", error: reason };
}
async function awaitSelfHealing(ctx, step, target, job, before, timerStarted, confirmTimeoutMs, reason) {
  step("unreachable: wait for the host's dead-man timer to reactivate the previous generation");
  const deadline = timerStarted + confirmTimeoutMs + ctx.rebootTimeoutMs;
  let running;
  while (Date.now() < deadline) {
    running = await currentSystem(ctx, target, 15e3);
    if (running === before) break;
    await new Promise((resolve) => setTimeout(resolve, 1e3));
  }
  if (running !== before) return { result: "rollback-failed", error: `${reason}; it did not come back on its previous generation within ${(deadline - timerStarted) / 1e3} s: it needs its console` };
  step("health check after the self-rollback");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, void 0, false);
  if (!health.ok) return { result: "rollback-failed", error: `${reason}; back on its previous generation but unhealthy: ${health.failures.join("; ")}` };
  return { result: "rolled-back", error: `${reason}; its dead-man timer reactivated the previous generation` };
}
async function currentSystem(ctx, target, timeoutMs = 6e4) {
  const result = await ctx.ssh.run(target, ["readlink", "-f", "/run/current-system"], timeoutMs);
  return result.ok || ctx.dryRun ? result.stdout.trim() : void 0;
}
async function pullBoot(job, ctx, pull, step, reboot2) {
  const target = pinnedTarget(job.host);
  const system = pull.closures.get(job.name);
  step("read the boot generation");
  const profile = await ctx.ssh.run(target, ["readlink", "-f", SYSTEM_PROFILE]);
  if (!profile.ok && !ctx.dryRun) return { result: "failed", error: `cannot reach ${target.address}:${target.port} over SSH; the boot entry did not change` };
  const before = profile.stdout.trim();
  step("pull the system from the cache (nix copy --substitute-on-destination)");
  const copied = await ctx.nix.copyToHost(target, system);
  if (!copied.ok) return { result: "failed", error: `copying the system to the host failed (exit ${copied.exitCode}); the boot entry did not change` };
  step("set the system profile; switch-to-configuration boot");
  const profiled = await ctx.ssh.run(target, setProfile(system));
  if (!profiled.ok) return { result: "failed", error: `setting the system profile failed (exit ${profiled.exitCode}); the boot entry did not change` };
  const restoreEntry = async (reason, thenReboot) => {
    step(thenReboot ? "roll back: previous generation as boot entry, reboot" : "restore the previous boot entry");
    const back = await ctx.ssh.run(target, ["/bin/sh", "-c", shellWord(reactivationScript(before, "boot"))], 6e5);
    if (!back.ok) return { result: "rollback-failed", error: `${reason}; restoring the boot entry failed (exit ${back.exitCode})` };
    if (!thenReboot) return { result: "rolled-back", error: reason };
    const again = await reboot2(target);
    if (!again.ok) return { result: "rollback-failed", error: `${reason}; ${again.error}` };
    const after = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, void 0, false);
    return after.ok ? { result: "rolled-back", error: reason } : { result: "rollback-failed", error: `${reason}; still unhealthy after rollback` };
  };
  const entry = await ctx.ssh.run(target, switchCommand(system, "boot"), 6e5);
  if (!entry.ok) return restoreEntry(`switch-to-configuration boot failed (exit ${entry.exitCode})`, false);
  if (ctx.stop.aborted) return restoreEntry("stopped by a second signal: the previous boot entry is restored, no reboot", false);
  const rebooted = await reboot2(target);
  if (!rebooted.ok) return { result: "rollback-failed", error: rebooted.error };
  step("health check");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (health.ok) return { result: "deployed" };
  return restoreEntry(`health check failed after reboot: ${health.failures.join("; ")}`, true);
}

// src/apply/steps.ts
var ABORTED = "stopped by a second signal";
async function runHostJob(job, ctx) {
  const step = (name) => ctx.emit({ type: "step", host: job.name, step: name });
  try {
    switch (job.action) {
      case "update":
        return await update(job, ctx, step);
      case "reboot-required":
        return await rebootUpdate(job, ctx, step);
      case "provision":
      case "replace":
        return await install(job, ctx, step, false);
      case "destructive":
        return await install(job, ctx, step, true);
      case "decommission": {
        if (job.raftGroups.length > 0) {
          step(`Raft: leave ${job.raftGroups.join(", ")} while the rest stay a majority`);
          const refused = await ctx.raft.leave(job.host, job.raftGroups);
          if (refused) return { result: "blocked", error: refused };
        }
        const bmc = ctx.powerOffDecommissioned && !job.renamedTo ? ctx.bmc(job.host) : void 0;
        if (bmc) {
          step("power off through the BMC");
          await bmc.power("off");
        }
        return { result: "recorded" };
      }
      case "network-only": {
        const waiting = ctx.bootServer?.check.notReady();
        return waiting ? { result: "blocked", error: `${waiting}; not recorded` } : { result: "recorded" };
      }
      case "unchanged":
        return { result: "recorded" };
    }
  } catch (error) {
    return { result: "failed", error: error.message };
  }
}
async function update(job, ctx, step) {
  const target = pinnedTarget(job.host);
  if (ctx.pull?.closures.has(job.name)) {
    const undelivered2 = await deliverCredentials(job, ctx, step, target);
    if (undelivered2) return { result: "failed", error: `${undelivered2}; the running system did not change` };
    return pullUpdate(job, ctx, ctx.pull, step);
  }
  step("read the running generation");
  const before = await readLink(ctx, target, "/run/current-system");
  const undelivered = await deliverCredentials(job, ctx, step, target);
  if (undelivered) return { result: "failed", error: `${undelivered}; the running system did not change` };
  step("nixos-rebuild switch");
  const switched = await ctx.nix.rebuild(target, "switch");
  if (!switched.ok) {
    const reason = ctx.stop.aborted ? `${ABORTED}: nixos-rebuild switch was cut short` : switched.exitCode === SWITCHED_WITH_FAILED_UNITS ? `switched, but some units failed to start (exit ${SWITCHED_WITH_FAILED_UNITS})` : switched.timedOut ? "nixos-rebuild switch timed out" : `nixos-rebuild switch failed (exit ${switched.exitCode})`;
    if (await readLink(ctx, target, "/run/current-system") === before) return { result: "failed", error: `${reason}; the running system did not change` };
    return rollback(job, ctx, step, target, reason);
  }
  if (ctx.stop.aborted) return rollback(job, ctx, step, target, ABORTED);
  step("health check");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (ctx.stop.aborted) return rollback(job, ctx, step, target, ABORTED);
  if (!health.ok) return rollback(job, ctx, step, target, `health check failed: ${health.failures.join("; ")}`);
  return { result: "deployed" };
}
async function rollback(job, ctx, step, target, reason) {
  step("roll back to the previous generation");
  const back = await ctx.nix.rebuild(target, "switch", true);
  if (!back.ok) return { result: "rollback-failed", error: `${reason}; rollback failed (exit ${back.exitCode})` };
  step("health check after rollback");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, void 0, false);
  if (!health.ok) return { result: "rollback-failed", error: `${reason}; still unhealthy after rollback: ${health.failures.join("; ")}` };
  return { result: "rolled-back", error: reason };
}
async function rebootUpdate(job, ctx, step) {
  const target = pinnedTarget(job.host);
  if (ctx.pull?.closures.has(job.name)) {
    const undelivered2 = await deliverCredentials(job, ctx, step, target);
    if (undelivered2) return { result: "failed", error: `${undelivered2}; the boot entry did not change` };
    return pullBoot(job, ctx, ctx.pull, step, (t) => reboot(ctx, step, t));
  }
  const profile = "/nix/var/nix/profiles/system";
  step("read the boot generation");
  const before = await readLink(ctx, target, profile);
  const undelivered = await deliverCredentials(job, ctx, step, target);
  if (undelivered) return { result: "failed", error: `${undelivered}; the boot entry did not change` };
  step("nixos-rebuild boot");
  const built = await ctx.nix.rebuild(target, "boot");
  if (built.ok && ctx.stop.aborted) {
    step("restore the previous boot entry");
    const back2 = await ctx.nix.rebuild(target, "boot", true);
    return back2.ok ? { result: "rolled-back", error: `${ABORTED}: the previous boot entry is restored, no reboot` } : { result: "rollback-failed", error: `${ABORTED}; restoring the boot entry failed` };
  }
  if (!built.ok) {
    const reason2 = built.timedOut ? "nixos-rebuild boot timed out" : `nixos-rebuild boot failed (exit ${built.exitCode})`;
    if (await readLink(ctx, target, profile) === before) return { result: "failed", error: `${reason2}; the boot entry did not change` };
    step("restore the previous boot entry");
    const back2 = await ctx.nix.rebuild(target, "boot", true);
    return back2.ok ? { result: "rolled-back", error: reason2 } : { result: "rollback-failed", error: `${reason2}; restoring the boot entry failed` };
  }
  const rebooted = await reboot(ctx, step, target);
  if (!rebooted.ok) return { result: "rollback-failed", error: rebooted.error };
  step("health check");
  const health = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs);
  if (health.ok) return { result: "deployed" };
  const reason = `health check failed after reboot: ${health.failures.join("; ")}`;
  step("roll back: previous generation as boot entry, reboot");
  const back = await ctx.nix.rebuild(target, "boot", true);
  if (!back.ok) return { result: "rollback-failed", error: `${reason}; rollback failed (exit ${back.exitCode})` };
  const again = await reboot(ctx, step, target);
  if (!again.ok) return { result: "rollback-failed", error: `${reason}; ${again.error}` };
  const after = await ctx.health.waitHealthy(target, job.checks, ctx.healthTimeoutMs, void 0, false);
  return after.ok ? { result: "rolled-back", error: reason } : { result: "rollback-failed", error: `${reason}; still unhealthy after rollback` };
}
async function reboot(ctx, step, target) {
  step("reboot");
  const bootId = (await ctx.ssh.run(target, ["cat", "/proc/sys/kernel/random/boot_id"])).stdout.trim();
  await ctx.ssh.run(target, ["systemctl", "reboot"], 3e4);
  step("wait for the host to come back");
  const deadline = Date.now() + ctx.rebootTimeoutMs;
  do {
    const now = await ctx.ssh.run(target, ["cat", "/proc/sys/kernel/random/boot_id"], 15e3);
    if (ctx.dryRun || now.ok && now.stdout.trim() !== "" && now.stdout.trim() !== bootId) return { ok: true };
    await sleep(2e3);
  } while (Date.now() < deadline);
  return { ok: false, error: `the host did not come back within ${ctx.rebootTimeoutMs / 1e3} s after reboot` };
}
async function install(job, ctx, step, reinstall) {
  const pinned = pinnedTarget(job.host);
  const firstContact = (phase) => ({ ...pinned, trust: { kind: "first-contact", knownHostsFile: `${ctx.firstContactDir}/${job.name}.${phase}.known_hosts` } });
  const installer = reinstall ? pinned : firstContact("installer");
  const isBootServer = ctx.bootServer?.name === job.name;
  if (!reinstall && isBootServer) step("the boot server does not boot from the network (it serves the boot): wait for an installer, or any Linux, on SSH (nixos-anywhere kexecs into its own)");
  if (!reinstall && !isBootServer) {
    if (ctx.bootServer) {
      step(`check that the boot server ${ctx.bootServer.name} serves this commit`);
      const stale = await ctx.bootServer.check.servesFor(job.host);
      if (stale) return { result: "failed", error: stale };
    }
    const bmc = ctx.bmc(job.host);
    if (bmc) {
      step("BMC: boot from the network once, power on");
      await bmc.bootPxeOnce();
      await bmc.power(await bmc.powerStatus() === "on" ? "cycle" : "on");
    }
    step("wait for the installer");
    if (!await waitForSsh(ctx, installer)) return { result: "failed", error: `the installer did not answer on ${pinned.address}:${pinned.port} within ${ctx.rebootTimeoutMs / 1e3} s` };
  }
  step(reinstall ? "nixos-anywhere: repartition and reinstall" : "nixos-anywhere: generate the host key, partition and install");
  const generateKey = !reinstall;
  const staged = (job.credentials.length > 0 || generateKey) && !ctx.dryRun ? await stageExtraFiles(job.credentials, generateKey ? job.name : void 0) : void 0;
  const placeholder = [generateKey ? "a new host key" : "", job.credentials.length > 0 ? "first-boot credentials" : ""].filter(Boolean).join(" and ");
  let installed2;
  try {
    installed2 = await ctx.nix.install(installer, reinstall, staged?.dir ?? (placeholder ? `<${placeholder}>` : void 0));
  } finally {
    await staged?.cleanup();
  }
  if (!installed2.ok) return { result: "failed", error: ctx.stop.aborted ? `${ABORTED}: nixos-anywhere was cut short, the host needs a new install` : `nixos-anywhere failed (exit ${installed2.exitCode})` };
  const hostKey = staged?.publicKey;
  if (hostKey) await ctx.pinKey(job.name, hostKey);
  const system = hostKey || job.host.ssh.hostKey || ctx.dryRun ? pinned : firstContact("system");
  step(hostKey ? "wait for the installed system (pinned to its new host key)" : "wait for the installed system");
  const keyed2 = (outcome) => hostKey ? { ...outcome, hostKey } : outcome;
  if (!await waitForSsh(ctx, system)) return keyed2({ result: "failed", error: "the installed system did not come up" });
  step("health check");
  const health = await ctx.health.waitHealthy(system, job.checks, ctx.healthTimeoutMs);
  if (!health.ok) return keyed2({ result: "failed", error: `health check failed: ${health.failures.join("; ")}` });
  if (job.raftGroups.length > 0) {
    step(`Raft: wait until it is a member of ${job.raftGroups.join(", ")}`);
    const notMember = await ctx.raft.join(job.host, job.raftGroups, ctx.healthTimeoutMs);
    if (notMember) return keyed2({ result: "failed", error: notMember });
  }
  return keyed2({ result: "deployed" });
}
async function deliverCredentials(job, ctx, step, target) {
  if (job.credentials.length === 0) return void 0;
  step(`deliver first-boot credentials (${job.credentials.map((c) => c.name).join(", ")})`);
  for (const { name, value } of job.credentials) {
    const result = await ctx.ssh.run(target, [installCredentialCommand(name)], 3e4, value);
    if (!result.ok) return `delivering secret ${name} failed (exit ${result.exitCode})`;
  }
  return void 0;
}
async function waitForSsh(ctx, target) {
  const deadline = Date.now() + ctx.rebootTimeoutMs;
  do {
    if (ctx.stop.aborted) return false;
    if ((await ctx.ssh.run(target, ["true"], 15e3)).ok) return true;
    await sleep(2e3);
  } while (Date.now() < deadline);
  return false;
}
async function readLink(ctx, target, path37) {
  const result = await ctx.ssh.run(target, ["readlink", "-f", path37]);
  if (!result.ok && !ctx.dryRun) throw new Error(`cannot reach ${target.address}:${target.port} over SSH (exit ${result.exitCode}): ${result.stderr.trim().split("\n").pop() ?? ""}`);
  return result.stdout.trim();
}
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// src/apply/transports/ipmi.ts
var IpmiBmc = class {
  constructor(host, spec, options) {
    this.host = host;
    this.spec = spec;
    this.options = options;
  }
  host;
  spec;
  options;
  async powerStatus() {
    const output = await this.ipmitool(["chassis", "power", "status"]);
    if (this.options.runner.dryRun) return "on";
    if (/Chassis Power is on/i.test(output)) return "on";
    if (/Chassis Power is off/i.test(output)) return "off";
    throw new BmcError(`ipmitool: unexpected power status: ${output.trim()}`);
  }
  async power(action) {
    await this.ipmitool(["chassis", "power", action]);
  }
  async bootPxeOnce() {
    await this.ipmitool(["chassis", "bootdev", "pxe", ...this.host.firmware === "uefi" ? ["options=efiboot"] : []]);
  }
  async ipmitool(command) {
    const env = {};
    const auth = [];
    if ("file" in this.spec.password) auth.push("-f", this.spec.password.file);
    else {
      auth.push("-E");
      if (!this.options.runner.dryRun) env.IPMI_PASSWORD = await readSecret(this.spec.password);
    }
    const argv = ["ipmitool", "-I", "lanplus", "-C", "3", "-N", "2", "-R", "2", "-H", this.spec.address, "-p", String(this.spec.port), "-U", this.spec.user, ...auth, ...command];
    const result = await this.options.runner.run({ host: this.host.name, argv, env, timeoutMs: this.options.timeoutMs });
    if (!result.ok) throw new BmcError(`ipmitool ${command.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
    return result.stdout;
  }
};

// src/apply/transports/redfish.ts
var import_promises8 = require("node:fs/promises");
var import_node_https = __toESM(require("node:https"), 1);
var RESET_TYPES = { on: "On", off: "ForceOff", cycle: "PowerCycle" };
var RedfishBmc = class {
  constructor(host, spec, options) {
    this.host = host;
    this.spec = spec;
    this.options = options;
  }
  host;
  spec;
  options;
  systemPath;
  async powerStatus() {
    if (this.options.runner.dryRun) return this.dryRun("GET", this.systemLabel(), "on");
    const system = await this.request("GET", await this.system());
    const state = String(system.PowerState ?? "");
    if (state === "On" || state === "PoweringOff") return "on";
    if (state === "Off" || state === "PoweringOn") return "off";
    throw new BmcError(`Redfish: unexpected PowerState ${JSON.stringify(state)}`);
  }
  async power(action) {
    if (this.options.runner.dryRun) return this.dryRun("POST", `${this.systemLabel()}/Actions/ComputerSystem.Reset`, void 0, { ResetType: RESET_TYPES[action] });
    await this.request("POST", `${await this.system()}/Actions/ComputerSystem.Reset`, { ResetType: RESET_TYPES[action] });
  }
  async bootPxeOnce() {
    const body = { Boot: { BootSourceOverrideTarget: "Pxe", BootSourceOverrideEnabled: "Once", ...this.host.firmware === "uefi" ? { BootSourceOverrideMode: "UEFI" } : { BootSourceOverrideMode: "Legacy" } } };
    if (this.options.runner.dryRun) return this.dryRun("PATCH", this.systemLabel(), void 0, body);
    await this.request("PATCH", await this.system(), body);
  }
  /** The ComputerSystem: the fleet's systemId, or the only member of /redfish/v1/Systems. */
  async system() {
    if (this.systemPath) return this.systemPath;
    if (this.spec.systemId) return this.systemPath = `/redfish/v1/Systems/${this.spec.systemId}`;
    const collection = await this.request("GET", "/redfish/v1/Systems");
    const members = collection.Members ?? [];
    if (members.length !== 1 || !members[0]["@odata.id"]) throw new BmcError(`Redfish: ${members.length} systems on ${this.spec.address}; set bmc.systemId`);
    return this.systemPath = members[0]["@odata.id"];
  }
  systemLabel() {
    return this.spec.systemId ? `/redfish/v1/Systems/${this.spec.systemId}` : "/redfish/v1/Systems/<the only member>";
  }
  /** The request as a report line: method, URL and body, never the credentials. */
  argv(method, path37, body) {
    return ["redfish", method, `https://${this.spec.address}:${this.spec.port}${path37}`, ...body === void 0 ? [] : [JSON.stringify(body)]];
  }
  dryRun(method, path37, value, body) {
    this.options.emit({ type: "command", host: this.host.name, argv: this.argv(method, path37, body) });
    return value;
  }
  async request(method, path37, body) {
    const argv = this.argv(method, path37, body);
    this.options.emit({ type: "command", host: this.host.name, argv });
    const started = performance.now();
    const report = (exitCode, output) => this.options.emit({ type: "command-finished", host: this.host.name, argv, exitCode, durationMs: performance.now() - started, timedOut: false, output });
    try {
      const answer = await this.send(method, path37, body);
      report(0, JSON.stringify(answer).slice(0, 2e3));
      return answer;
    } catch (error) {
      report(1, error.message);
      throw error;
    }
  }
  async send(method, path37, body) {
    const password = await readSecret(this.spec.password);
    const ca = this.spec.caFile ? await (0, import_promises8.readFile)(this.spec.caFile) : void 0;
    const payload = body === void 0 ? void 0 : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = import_node_https.default.request(
        {
          host: this.spec.address,
          port: this.spec.port,
          path: path37,
          method,
          ca,
          rejectUnauthorized: true,
          timeout: this.options.timeoutMs,
          headers: {
            Authorization: `Basic ${Buffer.from(`${this.spec.user}:${password}`).toString("base64")}`,
            Accept: "application/json",
            "OData-Version": "4.0",
            ...payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}
          }
        },
        (response) => {
          const chunks2 = [];
          response.on("data", (c) => chunks2.push(c));
          response.on("end", () => {
            const text = Buffer.concat(chunks2).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(new BmcError(`Redfish ${method} ${path37}: HTTP ${status} ${text.slice(0, 200)}`));
            try {
              resolve(text ? JSON.parse(text) : {});
            } catch {
              reject(new BmcError(`Redfish ${method} ${path37}: the answer is not JSON`));
            }
          });
        }
      );
      request.on("timeout", () => request.destroy(new BmcError(`Redfish ${method} ${path37}: timed out`)));
      request.on("error", (error) => reject(error instanceof BmcError ? error : new BmcError(`Redfish ${method} ${path37}: ${error.message}`)));
      if (payload) request.write(payload);
      request.end();
    });
  }
};

// src/apply/transports/bmc.ts
var BmcError = class extends Error {
};
function bmcFor(host, spec, options) {
  return spec.kind === "ipmi" ? new IpmiBmc(host, spec, options) : new RedfishBmc(host, spec, options);
}

// src/apply/host-keys.ts
function effectiveHostKey(host, state) {
  const recorded = state?.hostKey;
  const pin = host.ssh.hostKey;
  if (recorded && (pin === void 0 || pin === recorded.fleetPin)) return { key: recorded.key, source: "recorded" };
  return pin ? { key: pin, source: "pinned" } : {};
}
function withHostKey(host, key) {
  if (key === host.ssh.hostKey) return host;
  const { hostKey: _pin, ...ssh } = host.ssh;
  return { ...host, ssh: key === void 0 ? ssh : { ...ssh, hostKey: key } };
}

// src/apply/raft.ts
var import_node_http2 = __toESM(require("node:http"), 1);
var RaftCoordinator = class {
  constructor(settings) {
    this.settings = settings;
    this.configs = firstBootConfigs(settings.fleet);
  }
  settings;
  configs;
  /** The voters of a group ("cluster/service") at head. */
  voters(group) {
    const [cluster, service] = group.split("/");
    return this.settings.fleet.clusters[cluster]?.raft.find((g) => g.service === service)?.voters ?? [];
  }
  /**
   * After a voter's install: bootstraps a group no other voter runs, then waits until the voter is a
   * member with a leader in each group. Returns why not, or undefined.
   */
  async join(host, groups, timeoutMs) {
    for (const group of groups) {
      const service = group.split("/")[1];
      const fresh = this.voters(group).every((v) => v === host.name || !this.settings.running(v));
      if (fresh) {
        const status = await this.status(host, service);
        if (status && !status.member) {
          const config = this.configs.get(host.name);
          const raftPort = this.settings.fleet.services[service].ports.raft.port;
          await this.request(host, service, "POST", "/cluster/v1/bootstrap", { name: host.name, address: config?.address ?? pinnedTarget(host).address, raftPort });
        }
      }
      const deadline = Date.now() + timeoutMs;
      let last;
      for (; ; ) {
        last = await this.status(host, service);
        if (this.settings.dryRun || last?.member && last.leader) break;
        if (Date.now() > deadline) return `${host.name} is not a member of ${group} after ${Math.round(timeoutMs / 1e3)} s (${last ? last.member ? "no leader" : "not a member yet" : "its api does not answer"}); the next voter is not started`;
        await new Promise((resolve) => setTimeout(resolve, 1e3));
      }
    }
    return void 0;
  }
  /**
   * Before a voter is powered off (decommission): it leaves each group it is a member of, through a
   * member that stays, and only while the members that stay and answer are a majority of the group
   * without it. Returns why it cannot, or undefined.
   */
  async leave(host, groups) {
    for (const group of groups) {
      const service = group.split("/")[1];
      const others = [...new Set(this.voters(group))].filter((v) => v !== host.name).map((v) => this.settings.host(v)).filter((h) => h !== void 0);
      const answers = /* @__PURE__ */ new Map();
      for (const other of others) answers.set(other.name, await this.status(other, service));
      const own = await this.status(host, service);
      const view = [...answers.values(), own].find((s) => s?.member && s.leader) ?? [...answers.values(), own].find((s) => s?.member);
      if (this.settings.dryRun) {
        await this.request(others[0] ?? host, service, "DELETE", `/cluster/v1/members/${encodeURIComponent(host.name)}`);
        continue;
      }
      if (!view || !view.members.some((m) => m.name === host.name)) continue;
      const staying = view.members.filter((m) => m.name !== host.name);
      if (staying.length === 0) continue;
      const alive = staying.filter((m) => answers.get(m.name)?.member && answers.get(m.name)?.clusterId === view.clusterId);
      const majority = Math.floor(staying.length / 2) + 1;
      if (alive.length < majority) {
        return `${host.name} cannot leave ${group}: of the ${staying.length} members that stay (${staying.map((m) => m.name).join(", ")}) only ${alive.length} answer as members (${alive.map((m) => m.name).join(", ") || "none"}), fewer than the majority of ${majority} the group needs without it; it stays in the group and is not powered off`;
      }
      const through = alive.find((m) => m.name === view.leader) ?? alive[0];
      const answer = await this.request(this.settings.host(through.name), service, "DELETE", `/cluster/v1/members/${encodeURIComponent(host.name)}`);
      const after = answer;
      if (!after || !Array.isArray(after.members) || after.members.some((m) => m.name === host.name)) return `${host.name} could not leave ${group} through ${through.name}`;
    }
    return void 0;
  }
  async status(host, service) {
    const answer = await this.request(host, service, "GET", "/cluster/v1/status");
    return answer && typeof answer.member === "boolean" ? { member: answer.member, clusterId: answer.clusterId ?? null, leader: answer.leader ?? null, members: Array.isArray(answer.members) ? answer.members : [] } : void 0;
  }
  /** One request, reported like a command; undefined when there is no 2xx JSON answer. */
  async request(host, service, method, path37, body) {
    const address = pinnedTarget(host).address;
    const port = this.settings.fleet.services[service]?.ports.api?.port;
    const argv = ["raft", method, `http://${address}:${port}${path37}`, ...body === void 0 ? [] : [JSON.stringify(body)]];
    this.settings.emit({ type: "command", host: host.name, argv });
    if (this.settings.dryRun || port === void 0) return void 0;
    const started = performance.now();
    const { status, text } = await send(address, port, method, path37, body, this.settings.token, this.settings.requestTimeoutMs);
    const ok = status >= 200 && status < 300;
    this.settings.emit({ type: "command-finished", host: host.name, argv, exitCode: ok ? 0 : 1, durationMs: performance.now() - started, timedOut: false, output: status ? `HTTP ${status} ${text.slice(0, 300)}` : text });
    if (!ok) return void 0;
    try {
      return JSON.parse(text);
    } catch {
      return void 0;
    }
  }
};
function send(address, port, method, path37, body, token, timeoutMs) {
  const payload = body === void 0 ? void 0 : JSON.stringify(body);
  return new Promise((resolve) => {
    const request = import_node_http2.default.request(
      { host: address, port, path: path37, method, timeout: timeoutMs, headers: { Accept: "application/json", ...token ? { Authorization: `Bearer ${token}` } : {}, ...payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {} } },
      (response) => {
        const chunks2 = [];
        response.on("data", (c) => chunks2.push(c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks2).toString("utf8") }));
      }
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1e3} s`)));
    request.on("error", (error) => resolve({ status: 0, text: error.message }));
    if (payload) request.write(payload);
    request.end();
  });
}

// src/apply/refusals.ts
var NETWORK_BOOTED = /* @__PURE__ */ new Set(["provision", "replace", "network-only"]);
function heldBack(selected, refusals, bootServer) {
  const hosts = new Set(refusals.flatMap((r) => r.hosts));
  const all = [...refusals];
  const holdBack = (host, why) => {
    if (hosts.has(host.name)) return;
    hosts.add(host.name);
    all.push({ message: `skipped: ${host.name} (${host.action}): ${why}`, hosts: [host.name] });
  };
  for (let changed = true; changed; ) {
    const before = hosts.size;
    for (const host of selected) {
      const partner = host.renamedFrom ?? host.renamedTo;
      if (partner !== void 0 && hosts.has(partner) && selected.some((h) => h.name === partner)) holdBack(host, `it is one half of the rename with ${partner}, which is kept back`);
      if (bootServer !== void 0 && hosts.has(bootServer) && host.name !== bootServer && NETWORK_BOOTED.has(host.action)) holdBack(host, `its network boot needs the boot server ${bootServer}'s change, which is kept back`);
    }
    changed = hosts.size > before;
  }
  return { hosts, refusals: all };
}
function runWide(refusals) {
  return refusals.filter((r) => r.hosts.length === 0);
}

// src/apply/boot-server.ts
var import_node_http3 = __toESM(require("node:http"), 1);
var import_node_https2 = __toESM(require("node:https"), 1);
var BootServerCheck = class {
  constructor(settings) {
    this.settings = settings;
  }
  settings;
  /** Why the boot server does not serve the commit yet (as recorded), or undefined when it does. */
  notReady() {
    const deployed = this.settings.states.get(this.settings.name)?.state.deployed;
    if (this.settings.dryRun || deployed && sameArtifacts(deployed.artifacts, this.settings.manifest)) return void 0;
    return `the boot server ${this.settings.name} is not deployed at this commit${deployed ? ` (it is recorded at ${deployed.commit.slice(0, 12)})` : ""}; its DHCP and iPXE files are what this change needs`;
  }
  /** Before host is network-booted: the boot server serves its recorded commit and this commit's boot scripts. */
  async servesFor(host) {
    const waiting = this.notReady();
    if (waiting) return waiting;
    const recorded = this.settings.states.get(this.settings.name)?.state.deployed?.commit;
    const revision = await this.fetch(host, "/fleet-revision");
    if (revision !== void 0 && !this.settings.dryRun && revision.body.trim() !== recorded) {
      return `the boot server ${this.settings.name} serves revision ${revision.body.trim().slice(0, 40) || "(none)"} at ${this.settings.url}/fleet-revision, not ${recorded?.slice(0, 12)} it is recorded at: it was changed or rolled back by other means; not booting ${host.name} from it`;
    }
    const mac = host.interfaces.find((i) => i.boot)?.mac;
    for (const path37 of ["/boot.ipxe", `/hosts/${mac}.ipxe`]) {
      const expected = this.settings.artifacts.find((a) => a.path === `ipxe${path37}`)?.contents;
      const served = await this.fetch(host, path37);
      if (this.settings.dryRun) continue;
      if (!served) return `the boot server ${this.settings.name} does not answer ${this.settings.url}${path37}; not booting ${host.name} from it`;
      if (served.body !== expected) return `the boot server ${this.settings.name} serves another ${this.settings.url}${path37} than this commit's generated/ipxe${path37}; not booting ${host.name} from it`;
    }
    return void 0;
  }
  /** A GET reported like a command; undefined when there is no 200 answer. */
  async fetch(host, path37) {
    const url = `${this.settings.url}${path37}`;
    const argv = ["http-get", url];
    this.settings.emit({ type: "command", host: host.name, argv });
    if (this.settings.dryRun) return void 0;
    const started = performance.now();
    const answer = await get(url);
    this.settings.emit({ type: "command-finished", host: host.name, argv, exitCode: answer.status === 200 ? 0 : 1, durationMs: performance.now() - started, timedOut: false, output: answer.status ? `HTTP ${answer.status}` : answer.body });
    return answer.status === 200 ? { body: answer.body } : void 0;
  }
};
function get(url, timeoutMs = 1e4) {
  return new Promise((resolve) => {
    const request = (url.startsWith("https:") ? import_node_https2.default : import_node_http3.default).get(url, { timeout: timeoutMs }, (response) => {
      const chunks2 = [];
      response.on("data", (c) => chunks2.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks2).toString("utf8") }));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1e3} s`)));
    request.on("error", (error) => resolve({ status: 0, body: error.message }));
  });
}

// src/apply/pipeline.ts
var import_promises9 = require("node:fs/promises");
var import_node_path30 = __toESM(require("node:path"), 1);
async function prepareClosures(request) {
  const cache = request.fleet.deploy.cache;
  const { runner, hosts } = request;
  const names = hosts.map((h) => h.name);
  if (names.length === 0) return { ok: true, closures: /* @__PURE__ */ new Map() };
  if (!runner.dryRun && !("host" in cache.signingKey)) {
    const unreadable2 = await readSecret(cache.signingKey).then(() => void 0, (error) => error.message);
    if (unreadable2) return { ok: false, message: `refused: the cache signing key (deploy.cache.signingKey) cannot be read: ${unreadable2}` };
  }
  if ("host" in cache.signingKey) return { ok: false, message: "refused: the cache signing key must be readable by apply (a file or environment variable), not kept on a host" };
  const expressionFile = import_node_path30.default.resolve(request.runDir, "evaluate.nix");
  const gcRootsDir = import_node_path30.default.resolve(request.runDir, "gcroots");
  if (!runner.dryRun) {
    await (0, import_promises9.mkdir)(gcRootsDir, { recursive: true });
    await (0, import_promises9.writeFile)(expressionFile, evaluationExpression(request.flake, names));
  }
  request.emit({ type: "notice", message: `evaluating ${names.length} host(s) in one nix-eval-jobs pass (${request.fleet.deploy.evaluation.workers} workers, ${request.fleet.deploy.evaluation.maxMemoryMiB} MiB each)` });
  const evaluation = await evaluateToplevels(runner, { flake: request.flake, ...request.fleet.deploy.evaluation, gcRootsDir, expressionFile, timeoutMs: request.timeoutMs }, names);
  if (evaluation.failure) return { ok: false, message: `${evaluation.failure}; no host was changed` };
  if (evaluation.errors.size > 0) return { ok: false, message: `evaluation failed for ${[...evaluation.errors].map(([h, e]) => `${h}: ${e.split("\n").pop()}`).join("; ")}; no host was changed` };
  const toplevels = hosts.map((h) => runner.dryRun ? { ...evaluation.toplevels.get(h.name), system: h.system } : evaluation.toplevels.get(h.name));
  const wrongPlatform = runner.dryRun ? [] : hosts.filter((h) => evaluation.toplevels.get(h.name).system !== h.system);
  if (wrongPlatform.length > 0) return { ok: false, message: `refused: ${wrongPlatform.map((h) => `${h.name} is ${h.system} but its system builds for ${evaluation.toplevels.get(h.name).system}`).join("; ")}; no host was changed` };
  request.emit({ type: "notice", message: `building ${describePlatforms(toplevels)} on the builders` });
  const buildFailure = await buildToplevels(runner, toplevels, { ...request.builders !== void 0 ? { builders: request.builders } : {}, localSystem: nixSystemOf(), timeoutMs: request.timeoutMs });
  if (buildFailure) return { ok: false, message: `${buildFailure}; no host was changed` };
  const unique = [...new Set(toplevels.map((t) => t.outPath))];
  request.emit({ type: "notice", message: `pushing ${unique.length} system(s) once, signed, to ${cache.url}` });
  const pushFailure = await publishToCache(runner, unique, { url: cache.url, signingKey: cache.signingKey, timeoutMs: request.timeoutMs });
  if (pushFailure) return { ok: false, message: `${pushFailure}; no host was changed` };
  return { ok: true, closures: new Map(toplevels.map((t) => [t.host, t.outPath])) };
}
function describePlatforms(toplevels) {
  const counts = /* @__PURE__ */ new Map();
  for (const t of toplevels) counts.set(t.system, (counts.get(t.system) ?? 0) + 1);
  return [...counts].sort().map(([system, n]) => `${n} ${system} system(s)`).join(", ");
}

// src/apply/apply.ts
var ApplyError = class extends Error {
};
async function apply(request) {
  const repo = await openRepository(request.cwd);
  const remote = await defaultRemote(repo, request.remote);
  const compiler2 = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), layout: outputLayout(request.paths), libraryDir: libraryDirOf(repo, request.paths) });
  const given = request.planFile ? await loadPlanFile(request.planFile) : void 0;
  const headCommit = given ? await planCommit(repo, given, request.planFile) : await resolveCommit(repo, "HEAD");
  const stop = request.stop ?? new StopControl();
  const offBranch = remote && !request.allowOffBranch ? await offBranchRefusal(remote, headCommit, request.deployBranch, request.ciRef) : void 0;
  if (offBranch) return { status: "refused", message: offBranch, results: {} };
  const ns = refNamespace(request.site);
  const lock = request.dryRun ? void 0 : await takeLock(request, repo, remote, headCommit, stop, ns.lockRef);
  if (lock && !lock.held) return lock.refusal;
  try {
    const statesAt = (prefix) => !remote ? readStates(repo, prefix) : request.dryRun ? remote.observeStates((p) => readStates(repo, p), prefix) : remote.fetchStates(prefix).then(() => readStates(repo, prefix));
    const states = await statesAt(ns.statePrefix);
    const head = await compiler2.compile(headCommit, given ? headCommit : "HEAD");
    if (head.errors) throw new ApplyError(`the fleet at ${headCommit.slice(0, 12)} has errors (${head.errors}); run fleetc validate`);
    const siteProblem = siteRefusal(head.side.fleet, request.site);
    if (siteProblem) return { status: "refused", message: siteProblem, results: {} };
    const siteHosts = new Set(head.side.fleet.hosts.filter((h) => siteOf(h) === request.site).map((h) => h.name));
    const inSite = (name) => request.site === void 0 || siteHosts.has(name) || !head.side.fleet.hosts.some((h) => h.name === name) && states.has(name);
    if (ns.site && states.size === 0) {
      const legacy = await (remote ? remote.observeStates((p) => readStates(repo, p)) : readStates(repo));
      const stranded = unmigratedState(ns.site, [...siteHosts], new Set(legacy.keys()), remote?.name);
      if (stranded) return { status: "refused", message: stranded, results: {} };
    }
    const planned = await planFromState(compiler2, head, states, request.base === void 0 ? void 0 : await resolveCommit(repo, request.base));
    const plan = request.site === void 0 ? planned : sitePlan(planned, inSite);
    showRecordedKeys(plan, head, states);
    const givenPlan = given && (request.site === void 0 ? given : sitePlan(given, inSite));
    const referenced = givenPlan ? await referencedHashes(repo, givenPlan) : /* @__PURE__ */ new Map();
    const differences = typeof referenced === "string" ? [referenced] : givenPlan ? planDifferences(givenPlan, plan, referenced) : [];
    if (differences.length > 0) {
      const message = `refused: the plan in ${request.planFile} is not the plan of ${headCommit.slice(0, 12)} and the recorded deployment state:
${differences.map((d) => `  - ${d}`).join("\n")}
plan again (fleetc plan --head ${headCommit.slice(0, 12)} --format json) and review the new plan`;
      return { status: "refused", message, plan, results: {} };
    }
    return await execute(request, { repo, remote, compiler: compiler2, head, states, plan, headCommit, stop, statePrefix: ns.statePrefix });
  } finally {
    if (lock?.held) await lock.release();
  }
}
async function takeLock(request, repo, remote, commit2, stop, lockRef) {
  const info = newLockInfo(request.runId, commit2, process.argv.slice(2).join(" ") + (process.env.GITHUB_RUN_ID ? ` (GitHub run ${process.env.GITHUB_RUN_ID})` : ""), request.lockLeaseSeconds);
  const attempt = await lockWithTimeout(repo, remote, info, request.lockTimeoutSeconds, lockRef);
  if (!attempt.acquired) return { held: false, refusal: { status: "lock-held", message: describeHolder(attempt.holder), results: {}, ...attempt.holder ? { lockHolder: attempt.holder } : {} } };
  if (attempt.tookOver) request.emit({ type: "notice", message: `took over the stale deploy lock of run ${attempt.tookOver.id} (${attempt.tookOver.who}@${attempt.tookOver.machine}, pid ${attempt.tookOver.pid}): its lease ran out at ${staleSince(attempt.tookOver)}` });
  let oid = attempt.oid;
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (!oid) return;
      const next = await renewLock(repo, remote, oid, info, lockRef).catch(() => void 0);
      if (next) oid = next;
      else {
        oid = void 0;
        stop.stop("the deploy lock was lost (broken with fleetc unlock, or taken over after its lease ran out)");
      }
    });
  }, Math.max(500, request.lockLeaseSeconds * 1e3 / 3));
  return {
    held: true,
    release: async () => {
      clearInterval(timer);
      await renewing;
      if (oid) await releaseLock(repo, remote, oid, lockRef);
    }
  };
}
function staleSince(info) {
  return new Date(Date.parse(info.renewedAt ?? info.startedAt) + (info.leaseSeconds ?? 0) * 1e3).toISOString();
}
async function offBranchRefusal(remote, commit2, requested, ciRef) {
  const branch = requested ?? await remote.defaultBranch() ?? "main";
  if (ciRef !== void 0 && ciRef !== `refs/heads/${branch}`) return `refused: this CI job runs for ${ciRef}, not for the deploy branch ${branch} (refs/heads/${branch}); apply deploys only what is merged there. Run the workflow on ${branch}, or deploy it anyway with --allow-off-branch`;
  const contains2 = await remote.branchContains(branch, commit2);
  if (contains2) return void 0;
  const where = contains2 === void 0 ? `the remote ${remote.name} has no branch ${branch}` : `${commit2.slice(0, 12)} is not on ${remote.name}/${branch}`;
  return `refused: ${where}; apply deploys what is merged to the deploy branch. Push or merge the commit first, name the branch with --deploy-branch, or deploy it anyway with --allow-off-branch`;
}
async function execute(request, run2) {
  const { plan, head } = run2;
  const fleet = head.side.fleet;
  const adopting = (h) => request.base !== void 0 && h.action === "unchanged" && !run2.states.get(h.name)?.state.deployed;
  let selected = plan.hosts.filter((h) => (h.action !== "unchanged" || adopting(h)) && (!request.only?.length || request.only.includes(h.name)));
  const unknownOnly = (request.only ?? []).filter((name) => !plan.hosts.some((h) => h.name === name));
  if (unknownOnly.length > 0) throw new ApplyError(`--only names hosts that are not in the fleet: ${unknownOnly.join(", ")}`);
  if (selected.length === 0) return { status: "nothing-to-do", message: "nothing to deploy: every host matches the recorded state", plan, results: {} };
  const outDir = repoRelative(run2.repo, request.paths.outDir);
  const rootDir = repoRelative(run2.repo, rootDirOf(request.paths));
  const stale = await staleGeneratedFiles(run2.repo, run2.headCommit, { outDir, rootDir }, head.side.artifacts ?? []);
  if (stale.length > 0) throw new ApplyError(`the flake at ${run2.headCommit.slice(0, 12)} (flake.nix, flake.lock, ${outDir}/) is not what its fleet compiles to (${stale.slice(0, 5).join(", ")}${stale.length > 5 ? ", \u2026" : ""}); run fleetc build and commit what it wrote`);
  const keyed2 = (host) => withHostKey(host, effectiveHostKey(host, run2.states.get(host.name)?.state).key);
  const fleetHosts = new Map(fleet.hosts.map((h) => [h.name, keyed2(h)]));
  const fleetPins = new Map(fleet.hosts.map((h) => [h.name, h.ssh.hostKey]));
  const models = /* @__PURE__ */ new Map();
  for (const hostPlan of selected) models.set(hostPlan.name, keyed2(await hostModel(hostPlan, run2)));
  const refusals = refuse(selected, models, request, plan, fleet.deploy.firstContact);
  const needed = deliveredSecrets(fleet);
  const credentials = /* @__PURE__ */ new Map();
  for (const hostPlan of selected.filter((h) => ["provision", "replace", "update", "reboot-required", "destructive"].includes(h.action))) {
    const names = needed.get(hostPlan.name) ?? [];
    const read = request.dryRun ? { credentials: names.map((name) => ({ name, value: "" })), problems: [] } : await readCredentials(fleet, names);
    credentials.set(hostPlan.name, read.credentials);
    for (const problem of read.problems) refusals.push({ message: `refused: ${hostPlan.name} needs first-boot ${problem}`, hosts: [hostPlan.name] });
  }
  let joinToken;
  const raftJobs = selected.filter((h) => h.raftGroups.length > 0 && ["provision", "replace", "destructive", "decommission"].includes(h.action)).map((h) => h.name);
  if (raftJobs.length > 0 && fleet.firstBoot.joinToken && !request.dryRun) {
    const read = await readCredentials(fleet, [fleet.firstBoot.joinToken]);
    joinToken = read.credentials[0]?.value;
    for (const problem of read.problems) refusals.push({ message: `refused: Raft membership changes need the join ${problem}`, hosts: raftJobs });
  }
  const held = heldBack(selected, refusals, fleet.boot.server);
  const refusalText = held.refusals.map((r) => r.message).join("\n");
  if (runWide(refusals).length > 0 || selected.every((h) => held.hosts.has(h.name))) return { status: "refused", message: refusalText, plan, results: {} };
  const refused = Object.fromEntries([...held.hosts].sort().map((name) => [name, held.refusals.filter((r) => r.hosts.includes(name)).map((r) => r.message).join("; ")]));
  for (const refusal of held.refusals) request.emit({ type: "notice", message: `${refusal.message} \u2014 skipped, the other hosts go ahead` });
  selected = selected.filter((h) => !held.hosts.has(h.name));
  const reinstalling = new Set(selected.filter((h) => ["provision", "replace", "destructive"].includes(h.action)).map((h) => h.name));
  const deployedNow = /* @__PURE__ */ new Set();
  const running = (name) => deployedNow.has(name) || run2.states.get(name)?.state.deployed !== void 0 && !reinstalling.has(name);
  const runDir = import_node_path31.default.join(request.logDir, request.runId);
  if (/\s/.test(import_node_path31.default.resolve(runDir))) throw new ApplyError(`the log directory ${runDir} contains whitespace, which NIX_SSHOPTS cannot carry`);
  const knownHostsFile = import_node_path31.default.resolve(runDir, "known_hosts");
  if (!request.dryRun) {
    await (0, import_promises10.mkdir)(import_node_path31.default.join(runDir, "first-contact"), { recursive: true });
  }
  const pinned = new Map([...fleetHosts, ...[...models].filter(([name]) => !fleetHosts.has(name))]);
  const writeKnownHosts = async () => {
    if (!request.dryRun) await (0, import_promises10.writeFile)(knownHostsFile, knownHostsFor([...pinned.values()]));
  };
  await writeKnownHosts();
  const runner = request.dryRun ? new DryRunRunner(request.emit) : new ProcessRunner(request.emit, run2.stop);
  const ssh = new Ssh(runner, { knownHostsFile, identityFile: request.identityFile, connectTimeoutSeconds: 10 });
  const flake = flakeReference({ repoToplevel: run2.repo.root, flakeDir: rootDir, rev: run2.headCommit });
  const context = {
    ssh,
    nix: new NixDeployer(runner, ssh, { flake, timeoutMs: request.stepTimeoutSeconds * 1e3 }),
    health: new HealthChecker(ssh, request.emit, request.dryRun, run2.stop),
    emit: request.emit,
    bmc: (host) => host.bmc ? bmcFor(host, host.bmc, { runner, emit: request.emit, timeoutMs: 6e4 }) : void 0,
    firstContactDir: import_node_path31.default.resolve(runDir, "first-contact"),
    healthTimeoutMs: (request.healthTimeoutSeconds ?? fleet.deploy.healthTimeoutSeconds) * 1e3,
    rebootTimeoutMs: request.rebootTimeoutSeconds * 1e3,
    powerOffDecommissioned: fleet.deploy.powerOffDecommissioned,
    dryRun: request.dryRun,
    stop: run2.stop,
    ...fleet.boot.server && fleet.hosts.some((h) => h.name === fleet.boot.server) ? { bootServer: { name: fleet.boot.server, check: new BootServerCheck({ name: fleet.boot.server, url: fleet.boot.http, manifest: plan.hosts.find((h) => h.name === fleet.boot.server).headManifest, artifacts: head.side.artifacts ?? [], states: run2.states, emit: request.emit, dryRun: request.dryRun }) } } : {},
    raft: new RaftCoordinator({ fleet, host: (name) => fleetHosts.get(name) ?? models.get(name), running, ...joinToken !== void 0 ? { token: joinToken } : {}, emit: request.emit, dryRun: request.dryRun, requestTimeoutMs: fleet.firstBoot.retry.timeoutSeconds * 1e3 }),
    pinKey: async (name, key) => {
      for (const map of [pinned, models, fleetHosts]) if (map.has(name)) map.set(name, withHostKey(map.get(name), key));
      await writeKnownHosts();
    }
  };
  const jobs = new Map(selected.map((h) => [h.name, { name: h.name, action: h.action, raftGroups: h.raftGroups }]));
  const rolledOut = selected.filter((h) => ["provision", "replace", "update", "reboot-required", "destructive"].includes(h.action));
  const policy = { order: plan.policy.order, maxParallel: request.maxParallel ?? plan.policy.maxParallel, ...bootServerFirst(fleet) };
  const waves = planWaves(rolledOut.map((h) => ({ name: h.name, profile: h.profile, raftGroups: h.raftGroups })), policy);
  const rolledOutNames = new Set(rolledOut.map((h) => h.name));
  const after = selected.filter((h) => !rolledOutNames.has(h.name)).map((h) => jobs.get(h.name));
  const planned = new Map(selected.map((h) => [h.name, h]));
  const pulling = fleet.deploy.cache ? rolledOut.filter((h) => h.action === "update" || h.action === "reboot-required").map((h) => models.get(h.name)) : [];
  if (pulling.length > 0) {
    const prepared = await prepareClosures({ runner, fleet, hosts: pulling, flake, runDir, ...request.builders !== void 0 ? { builders: request.builders } : {}, timeoutMs: request.stepTimeoutSeconds * 1e3, emit: request.emit });
    if (!prepared.ok) return { status: prepared.message.startsWith("refused") ? "refused" : "error", message: prepared.message, plan, results: {} };
    context.pull = { closures: prepared.closures, runId: request.runId, confirmTimeoutMs: fleet.deploy.confirmTimeoutSeconds * 1e3 };
  }
  request.emit({ type: "run-started", runId: request.runId, hosts: selected.length, waves: waves.length, dryRun: request.dryRun });
  const started = performance.now();
  const results = await runRollout(waves, jobs, after, {
    sequential: request.dryRun,
    emit: request.emit,
    stop: run2.stop,
    run: async (job) => {
      const host = models.get(job.name);
      const checks = job.action === "decommission" ? [] : healthChecksFor(host, fleet);
      const outcome = await runHostJob({ name: job.name, action: job.action, host, checks, credentials: credentials.get(job.name) ?? [], renamedTo: planned.get(job.name).renamedTo, raftGroups: job.raftGroups }, context);
      if (outcome.result === "deployed") deployedNow.add(job.name);
      reinstalling.delete(job.name);
      if (request.dryRun) return outcome;
      try {
        await record(run2, planned.get(job.name), outcome, request.runId, fleetPins.get(job.name));
      } catch (error) {
        return { result: "failed", error: `${outcome.error ? `${outcome.error}; ` : ""}recording the state failed: ${error.message}` };
      }
      return outcome;
    },
    unhealthyPeers: async (job) => {
      const peers = /* @__PURE__ */ new Set();
      for (const group of job.raftGroups) {
        const [cluster, service] = group.split("/");
        for (const voter of fleet.clusters[cluster]?.raft.find((g) => g.service === service)?.voters ?? []) {
          if (voter !== job.name && running(voter)) peers.add(voter);
        }
      }
      const unhealthy = [];
      for (const name of [...peers].sort()) {
        const peer = fleetHosts.get(name);
        const report = await context.health.check(pinnedTarget(peer), healthChecksFor(peer, fleet));
        if (!report.ok) unhealthy.push(`${name} (${report.failures.join("; ")})`);
      }
      return unhealthy;
    }
  });
  request.emit({ type: "run-finished", results, durationMs: performance.now() - started });
  const values = Object.values(results);
  if (run2.stop.reason && !values.includes("rollback-failed")) return { status: "stopped", message: stoppedMessage(run2.stop.reason, results), plan, results };
  const failed = values.includes("rollback-failed") ? "rollback-failed" : values.some((r) => FAILURES.has(r)) ? "failed-rolled-back" : "ok";
  const status = failed === "ok" && held.hosts.size > 0 ? "partly-refused" : failed;
  const done = failed === "ok" ? `${request.dryRun ? "dry run: " : ""}${values.length} host(s) done` : `halted: ${Object.entries(results).filter(([, r]) => FAILURES.has(r)).map(([h, r]) => `${h} ${r}`).join(", ")}`;
  const message = held.hosts.size > 0 ? `${done}; refused and skipped: ${[...held.hosts].sort().join(", ")}
${refusalText}` : done;
  return { status, message, plan, results, ...held.hosts.size > 0 ? { refused } : {} };
}
function stoppedMessage(reason, results) {
  const hosts = (wanted) => Object.entries(results).filter(([, r]) => wanted(r)).map(([h, r]) => r === "skipped" ? h : `${h} ${r}`).sort();
  const done = hosts((r) => r !== "skipped");
  const undone = hosts((r) => r === "skipped");
  return [
    `stopped (${reason}); the deploy lock is released.`,
    `  finished and recorded: ${done.join(", ") || "none"}`,
    `  left undone, not started: ${undone.join(", ") || "none"}`,
    undone.length > 0 || done.some((d) => !d.endsWith(" deployed") && !d.endsWith(" recorded")) ? "  run fleetc apply again to deploy what is left" : ""
  ].filter(Boolean).join("\n");
}
async function hostModel(hostPlan, run2) {
  const atHead = run2.head.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
  if (atHead) return atHead;
  const commit2 = run2.states.get(hostPlan.name)?.state.deployed?.commit ?? run2.plan.base.commit;
  if (!commit2) throw new ApplyError(`no revision describes the removed host ${hostPlan.name}`);
  const base = await run2.compiler.compile(commit2);
  const host = base.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
  if (!host) throw new ApplyError(`host ${hostPlan.name} is not in the fleet at ${commit2.slice(0, 12)}`);
  return host;
}
function erasesDisks(host) {
  return host.action === "destructive" || host.action === "replace" || host.action === "provision" && host.renamedFrom !== void 0;
}
function refuse(selected, models, request, plan, fleetPolicy) {
  const refusals = [];
  const erasing = selected.filter(erasesDisks);
  const why = (h) => h.action === "destructive" ? "repartitioned" : h.action === "replace" ? "new hardware, installed from scratch; the old disks are lost" : `renamed from ${h.renamedFrom}: the machine is reinstalled`;
  const unapproved = erasing.filter((h) => !request.approveDestructive.includes(h.name));
  if (unapproved.length > 0) refusals.push({ message: `refused: changes that erase disks need approval by name: ${unapproved.map((h) => `${h.name} (${why(h)})`).join(", ")}; approve with --approve-destructive ${unapproved.map((h) => h.name).join(" ")}`, hosts: unapproved.map((h) => h.name) });
  const stray = request.approveDestructive.filter((name) => !erasing.some((h) => h.name === name));
  if (stray.length > 0) refusals.push({ message: `refused: --approve-destructive names hosts without a destructive change in this plan: ${stray.join(", ")}`, hosts: [] });
  const installing = selected.filter((h) => h.action === "provision" || h.action === "replace");
  if (installing.length > 0 && (request.firstContact ?? fleetPolicy) !== "accept-new") {
    const all = plan.hosts.length > 1 && plan.hosts.every((h) => h.action === "provision" || h.action === "decommission");
    refusals.push({
      hosts: installing.map((h) => h.name),
      message: `refused: installing ${installing.map((h) => h.name).join(", ")} means talking to ${installing.length === 1 ? "its installer, whose key" : "their installers, whose keys"} cannot be known in advance. For new machines (or replaced hardware), set deploy.firstContact: accept-new in fleet.yaml (CI provisions then) or pass --first-contact accept-new: apply then accepts the installer's first key, installs the host (erasing its disks) with a host key it generates, and records that key. For machines that already run (the deployment state was lost, or never recorded), do not: record them with fleetc adopt, which reads what each host runs over SSH and touches nothing` + (all ? `. Every host of the fleet is planned as new: if the fleet already runs, its state refs (refs/fleetc/deployed/*) are missing here \u2014 see the recovery runbook (docs/lifecycle.md)` : "")
    });
  }
  for (const host of selected) {
    const pinned = models.get(host.name).ssh.hostKey !== void 0;
    if (["update", "reboot-required", "destructive"].includes(host.action) && !pinned) {
      refusals.push({ hosts: [host.name], message: `refused: ${host.name} has no pinned SSH host key: fleetc connects only to hosts it can authenticate. fleetc records the key it installs when it provisions a host; for a host it did not install, pin its public key in ssh.hostKey of its host file \u2014 from the machine itself (cat /etc/ssh/ssh_host_ed25519_key.pub on its console) or ssh-keyscan -t ed25519 ${host.address ?? host.name} over a network you trust` });
    }
  }
  return refusals;
}
async function record(run2, hostPlan, outcome, runId, fleetPin) {
  const { result, error } = outcome;
  const at = (/* @__PURE__ */ new Date()).toISOString();
  const previous = run2.states.get(hostPlan.name);
  const state = { ...previous?.state ?? {}, host: hostPlan.name, last: { result, commit: run2.headCommit, at, run: runId, ...error ? { error } : {} } };
  if (result === "deployed" || result === "recorded") {
    if (hostPlan.action === "decommission") state.decommissioned = { commit: run2.headCommit, at, run: runId };
    else {
      state.deployed = { commit: run2.headCommit, artifacts: hostPlan.headManifest, at, run: runId };
      delete state.decommissioned;
    }
  }
  if (outcome.hostKey) state.hostKey = { key: outcome.hostKey, ...fleetPin ? { fleetPin } : {}, commit: run2.headCommit, at, run: runId };
  const oid = await writeState(run2.repo, state, previous?.oid, run2.statePrefix);
  const ref = `${run2.statePrefix}${hostPlan.name}`;
  if (run2.remote && !await run2.remote.compareAndSwap(ref, oid, previous?.oid)) throw new Error(`the remote's ${ref} moved during the run`);
  run2.states.set(hostPlan.name, { oid, state });
}
async function planCommit(repo, plan, file) {
  try {
    return await resolveCommit(repo, plan.head.commit);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new ApplyError(`the plan in ${file} is of commit ${plan.head.commit}, which is not in this repository (fetch it, or plan again)`);
  }
}
async function lockWithTimeout(repo, remote, info, timeoutSeconds, lockRef) {
  const deadline = Date.now() + timeoutSeconds * 1e3;
  for (; ; ) {
    const attempt = await acquireLock(repo, remote, info, lockRef);
    if (attempt.acquired || Date.now() >= deadline) return attempt;
    await new Promise((resolve) => setTimeout(resolve, Math.min(2e3, Math.max(100, deadline - Date.now()))));
  }
}
function describeHolder(holder) {
  if (!holder) return "the deploy lock is held by another run (its details could not be read)";
  return `the deploy lock is held by run ${holder.id}: ${holder.who}@${holder.machine} (pid ${holder.pid}) since ${holder.startedAt}, deploying ${holder.commit.slice(0, 12)} (${holder.run}). If that run is gone, break the lock with: fleetc unlock ${holder.id}`;
}
function showRecordedKeys(plan, head, states) {
  for (const hostPlan of plan.hosts) {
    const host = head.side.fleet?.hosts.find((h) => h.name === hostPlan.name);
    if (!host || hostPlan.hostKey?.source === "new") continue;
    const effective = effectiveHostKey(host, states.get(host.name)?.state);
    if (effective.source === "recorded") hostPlan.hostKey = { source: "recorded", fingerprint: fingerprintOf(effective.key) };
  }
}

// src/cli/views/monitor.ts
var import_node_fs26 = require("node:fs");
var import_node_path32 = __toESM(require("node:path"), 1);
var APPLY_OUTPUT_FORMAT_VERSION = 1;
function isLiveTerminal(isTty, env) {
  return isTty && env.TERM !== "dumb";
}
function showCommand(argv) {
  return argv.map(shellWord).join(" ");
}
function terminalMonitor(io, format, options) {
  if (format === "json") return (event) => io.stdout(`${JSON.stringify({ formatVersion: APPLY_OUTPUT_FORMAT_VERSION, ...event })}
`);
  const started = Date.now();
  const counts = {};
  let running = 0;
  let dryRun = false;
  let statusShown = false;
  const tails = /* @__PURE__ */ new Map();
  const partial = /* @__PURE__ */ new Map();
  const statusLine = () => {
    const counters = `${stamp()} running ${running} \xB7 ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(" \xB7 ") || "starting"}`;
    const tail = [...tails].map(([host, text]) => `${host}: ${text}`).join(" \xB7 ");
    const full = tail ? `${counters} | ${tail}` : counters;
    const width = Math.max(20, (options.columns ?? 80) - 1);
    const clean = full.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
    return clean.length > width ? `${clean.slice(0, width - 1)}\u2026` : clean;
  };
  const redraw = () => {
    io.stdout(`\r\x1B[K${statusLine()}`);
    statusShown = true;
  };
  const stamp = () => {
    const s = Math.floor((Date.now() - started) / 1e3);
    return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
  };
  const line = (text) => {
    if (statusShown) io.stdout("\r\x1B[K");
    statusShown = false;
    io.stdout(`${stamp()} ${text}
`);
    if (options.live) redraw();
  };
  return (event) => {
    switch (event.type) {
      case "run-started":
        dryRun = event.dryRun;
        return line(`${event.dryRun ? "dry run" : "apply"} ${event.runId}: ${event.hosts} host(s), ${event.waves} wave(s)`);
      case "wave-started":
        return line(`wave ${event.index} (${event.profile}): ${event.hosts.join(", ")}`);
      case "host-started":
        running++;
        return line(`${event.host}: ${event.action}`);
      case "step":
        return line(`${event.host}: ${event.step}`);
      case "command":
        return line(`${event.host}: $ ${event.env?.length ? `${event.env.map((e) => `${e}=\u2026`).join(" ")} ` : ""}${showCommand(event.argv)}`);
      case "output": {
        if (!options.live) return;
        const lines2 = `${partial.get(event.host) ?? ""}${event.text}`.split(/\r?\n|\r/);
        partial.set(event.host, lines2.pop() ?? "");
        const last = [...lines2, partial.get(event.host)].filter((l) => l.trim() !== "").at(-1);
        if (last !== void 0) tails.set(event.host, last.trim());
        return redraw();
      }
      case "command-finished":
        tails.delete(event.host);
        partial.delete(event.host);
        if (event.exitCode === 0 && !options.verbose) return;
        return line(`${event.host}:   ${event.timedOut ? "timed out" : `exit ${event.exitCode}`} after ${(event.durationMs / 1e3).toFixed(1)} s${event.exitCode !== 0 && event.output.trim() ? `: ${event.output.trim().split("\n").slice(-3).join(" | ")}` : ""}`);
      case "host-finished":
        running--;
        tails.delete(event.host);
        counts[event.result] = (counts[event.result] ?? 0) + 1;
        return line(`${event.host}: ${event.result}${dryRun ? " (dry run: nothing ran)" : ` (${(event.durationMs / 1e3).toFixed(1)} s)`}${event.error ? `: ${event.error}` : ""}`);
      case "halted":
        return line(`HALTED: ${event.reason}`);
      case "notice":
        return line(`note: ${event.message}`);
      case "run-finished":
        if (statusShown) io.stdout("\r\x1B[K");
        statusShown = false;
        return io.stdout(`${renderReport(event.results, event.durationMs)}${dryRun ? "dry run: no command was run, no state or lock was written\n" : ""}`);
    }
  };
}
function renderReport(results, durationMs) {
  const rows = Object.entries(results).sort(([a], [b]) => a < b ? -1 : 1);
  if (rows.length === 0) return "";
  const width = Math.max(4, ...rows.map(([h]) => h.length));
  return [`
${"host".padEnd(width)}  result`, ...rows.map(([host, result]) => `${host.padEnd(width)}  ${result}`), `finished in ${(durationMs / 1e3).toFixed(1)} s
`].join("\n");
}
function logFiles(dir) {
  (0, import_node_fs26.mkdirSync)(dir, { recursive: true });
  const midLine = /* @__PURE__ */ new Set();
  return (event) => {
    const host = "host" in event ? event.host : "_run";
    const file = import_node_path32.default.join(dir, `${host}.log`);
    if (event.type === "output") {
      (0, import_node_fs26.appendFileSync)(file, event.text);
      if (event.text.endsWith("\n")) midLine.delete(host);
      else midLine.add(host);
      return;
    }
    const text = event.type === "command-finished" ? `exit ${event.exitCode}${event.timedOut ? " (timed out)" : ""} after ${(event.durationMs / 1e3).toFixed(1)} s` : JSON.stringify(event);
    (0, import_node_fs26.appendFileSync)(file, `${midLine.delete(host) ? "\n" : ""}${(/* @__PURE__ */ new Date()).toISOString()} ${text}
`);
  };
}
function fanOut(...sinks) {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}

// src/cli/views/apply-summary.ts
function renderResultLine(report) {
  return `${JSON.stringify({ formatVersion: APPLY_OUTPUT_FORMAT_VERSION, type: "result", ...report })}
`;
}
function renderApplySummary(report) {
  const fence = "`".repeat(Math.max(3, ...[...report.message.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const rows = Object.entries(report.results).sort(([a], [b]) => a < b ? -1 : 1);
  const refused = Object.entries(report.refused).sort(([a], [b]) => a < b ? -1 : 1);
  return [
    `## fleetc apply: ${report.status} (exit ${report.exitCode})`,
    "",
    ...report.commit ? [`Commit \`${report.commit.slice(0, 12)}\``, ""] : [],
    ...rows.length > 0 ? ["| host | result |", "|---|---|", ...rows.map(([host, result]) => `| \`${host}\` | ${result} |`), ""] : [],
    ...refused.length > 0 ? ["**Refused and skipped** (the other hosts went ahead):", "", ...refused.map(([host]) => `- \`${host}\``), ""] : [],
    fence,
    report.message.trimEnd(),
    fence,
    ""
  ].join("\n");
}

// src/cli/commands/apply.ts
var STATUS_EXIT = {
  ok: EXIT.ok,
  "nothing-to-do": EXIT.ok,
  error: EXIT.failed,
  "failed-rolled-back": EXIT.applyFailedRolledBack,
  "rollback-failed": EXIT.applyRollbackFailed,
  "lock-held": EXIT.lockHeld,
  refused: EXIT.refused,
  "partly-refused": EXIT.applyPartlyRefused,
  stopped: EXIT.applyStopped
};
function registerApply(program, io, setExit) {
  const command = program.command("apply").description("deploy the hosts whose configuration differs from what is recorded as deployed, in safe waves").option("--plan <file>", "execute this plan (fleetc plan --format json --head <commit>) instead of planning").option("--base <rev>", "hosts never deployed by fleetc count as deployed at this revision (adopting a running fleet)").option("--dry-run", "print every command that would run, in order; touch nothing").option("--approve-destructive <host...>", "allow the destructive (repartitioning) change of these hosts").option("--max-parallel <n>", "most hosts changed at once (0: unlimited); default: the fleet deploy.maxParallel", parsePositiveInteger).option("--only <host...>", "deploy only these hosts; the others stay pending").option("--remote <name>", "git remote holding the state and lock refs (default: origin, when it exists)").option("--no-remote", "keep the state and lock in this repository only").addOption(new import_commander3.Option("--first-contact <policy>", "new machines: accept the first SSH host key their installer shows, or refuse (default: the fleet's deploy.firstContact, else refuse)").choices(["refuse", "accept-new"])).option("--identity <file>", "SSH private key to log in with").option("--lock-timeout <seconds>", "wait this long for a lock held by another run (0: fail at once)", parsePositiveInteger, 0).option("--lock-lease <seconds>", "the deploy lock's lease, renewed while the run lasts: a lock not renewed for this long is stale and may be taken over", parsePositiveInteger, 300).option("--deploy-branch <branch>", "the remote branch a deployed commit must be on (default: the remote's HEAD branch, else main)").option("--allow-off-branch", "deploy a commit that is not on the deploy branch").option("--site <name>", "deploy this site (fleet.yaml sites:) only, under its own lock and state: one CI job per site").option("--builders <spec>", "with deploy.cache: Nix builders for the run's one build (nix --builders; default: those of nix.conf)").option("--step-timeout <seconds>", "timeout of each nixos-rebuild / nixos-anywhere command", parsePositiveInteger, 3600).option("--health-timeout <seconds>", "how long a host may take to become healthy (default: fleet deploy.healthTimeoutSeconds)", parsePositiveInteger).option("--reboot-timeout <seconds>", "how long a host may take to come back after a reboot or to boot its installer", parsePositiveInteger, 900).option("--log-dir <dir>", "per-run directory of host logs and known_hosts files", ".fleetc/runs").addOption(new import_commander3.Option("--output <format>", "progress as text lines or JSON lines").choices(["text", "json"]).default("text")).option("--verbose", "also show successful command exits").option("--summary-file <file>", "also append a Markdown report of the outcome to this file (in GitHub Actions: $GITHUB_STEP_SUMMARY)");
  addPathOptions(command);
  command.action(async (options) => {
    const runId = `${(/* @__PURE__ */ new Date()).toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${(0, import_node_crypto16.randomBytes)(3).toString("hex")}`;
    const logDir = String(options.logDir);
    if (!options.dryRun) ignoredByGit(logDir);
    const emit = fanOut(terminalMonitor(io, options.output, { verbose: Boolean(options.verbose), live: isLiveTerminal(io.isTty, process.env), columns: process.stdout.columns }), ...options.dryRun ? [] : [logFiles(import_node_path33.default.join(logDir, runId))]);
    const stop = new StopControl();
    const release = stopOnSignals(stop, emit);
    const finish3 = (report) => {
      if (options.output === "json") io.stdout(renderResultLine(report));
      if (options.summaryFile) (0, import_node_fs27.appendFileSync)(String(options.summaryFile), renderApplySummary(report));
      setExit(report.exitCode);
    };
    try {
      const outcome = await apply({
        cwd: process.cwd(),
        paths: pathsFrom(options),
        planFile: options.plan,
        base: options.base,
        dryRun: Boolean(options.dryRun),
        approveDestructive: options.approveDestructive ?? [],
        maxParallel: options.maxParallel,
        only: options.only,
        remote: options.remote === false ? "" : options.remote,
        firstContact: options.firstContact,
        identityFile: options.identity,
        lockTimeoutSeconds: Number(options.lockTimeout),
        stepTimeoutSeconds: Number(options.stepTimeout),
        healthTimeoutSeconds: options.healthTimeout,
        rebootTimeoutSeconds: Number(options.rebootTimeout),
        logDir,
        runId,
        emit,
        lockLeaseSeconds: Math.max(1, Number(options.lockLease)),
        stop,
        deployBranch: options.deployBranch,
        allowOffBranch: Boolean(options.allowOffBranch),
        ...options.site !== void 0 ? { site: String(options.site) } : {},
        ...options.builders !== void 0 ? { builders: String(options.builders) } : {},
        // In a GitHub Actions job, the ref the job runs for must be the deploy branch too.
        ...process.env.GITHUB_ACTIONS === "true" && process.env.GITHUB_REF ? { ciRef: process.env.GITHUB_REF } : {}
      });
      if (outcome.plan && (options.dryRun || outcome.status === "refused") && options.output !== "json") io.stderr(renderPlanText(outcome.plan, { diffs: false }));
      io.stderr(`fleetc apply: ${outcome.message}
`);
      finish3({ status: outcome.status, exitCode: STATUS_EXIT[outcome.status], message: outcome.message, ...outcome.plan?.head.commit ? { commit: outcome.plan.head.commit } : {}, results: outcome.results, refused: outcome.refused ?? {} });
    } catch (error) {
      if (!(error instanceof ApplyError || error instanceof GitError || error instanceof GitCommandError || error instanceof PlanFileError)) throw error;
      io.stderr(`fleetc apply: ${error.message}
`);
      finish3({ status: "error", exitCode: EXIT.failed, message: error.message, results: {}, refused: {} });
    } finally {
      release();
    }
  });
}
function stopOnSignals(stop, emit) {
  const handler = (signal) => {
    if (stop.reason === void 0) {
      stop.stop(`stopped by ${signal}`);
      emit({ type: "notice", message: `${signal}: stopping \u2014 no new host starts; the hosts in flight finish and are recorded (a second signal rolls them back)` });
    } else if (!stop.aborted) {
      stop.abort(`stopped by ${signal}`);
      emit({ type: "notice", message: `${signal} again: ending the commands in flight and rolling their hosts back` });
    }
  };
  for (const signal of HANDLED_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of HANDLED_SIGNALS) process.off(signal, handler);
  };
}
function ignoredByGit(logDir) {
  (0, import_node_fs27.mkdirSync)(logDir, { recursive: true });
  (0, import_node_fs27.writeFileSync)(import_node_path33.default.join(logDir, ".gitignore"), "# Written by fleetc apply: run logs and known_hosts files are not part of the fleet.\n*\n");
}

// src/cli/commands/adopt.ts
var import_node_crypto17 = require("node:crypto");
var import_commander4 = require("commander");

// src/apply/drift.ts
var ManifestReader = class {
  constructor(repo, compiler2) {
    this.repo = repo;
    this.compiler = compiler2;
  }
  repo;
  compiler;
  cache = /* @__PURE__ */ new Map();
  /** The host's artifacts at commit; undefined when the commit is not here, has errors, or lacks the host. */
  async hostAt(commit2, host) {
    let entry = this.cache.get(commit2);
    if (!entry) this.cache.set(commit2, entry = this.load(commit2));
    return (await entry)?.get(host);
  }
  async load(commit2) {
    try {
      await resolveCommit(this.repo, commit2);
    } catch {
      return void 0;
    }
    const compiled2 = await this.compiler.compile(commit2);
    if (compiled2.errors || !compiled2.side.fleet) return void 0;
    return new Map(buildPlan(compiled2.side, compiled2.side).hosts.map((h) => [h.name, h.headManifest]));
  }
};
async function driftOf(probe, state, manifests) {
  switch (probe.outcome) {
    case "no-key":
      return { state: "not probed", detail: "no pinned or recorded SSH host key to check it by" };
    case "unreachable":
      return { state: "unreachable", detail: probe.detail };
    case "no-revision":
      return { state: state?.deployed ? "drift" : "not recorded", detail: probe.detail };
  }
  const runs = probe.commit;
  const deployed = state?.deployed;
  if (!deployed) return { state: "not recorded", runs, detail: `runs ${runs.slice(0, 12)}, nothing recorded (fleetc adopt records it)` };
  if (deployed.commit === runs) return { state: "in sync", runs, detail: `runs ${runs.slice(0, 12)}, as recorded` };
  const running = await manifests.hostAt(runs, probe.host);
  if (!running) return { state: "drift", runs, detail: `runs ${runs.slice(0, 12)}, which is not a commit of this repository's fleet with this host; recorded ${deployed.commit.slice(0, 12)}` };
  if (sameArtifacts(running, deployed.artifacts)) return { state: "in sync", runs, detail: `runs ${runs.slice(0, 12)}: the same configuration as recorded at ${deployed.commit.slice(0, 12)}` };
  return { state: "drift", runs, detail: `runs ${runs.slice(0, 12)}, recorded ${deployed.commit.slice(0, 12)}: another configuration` };
}

// src/apply/probe.ts
var import_promises11 = require("node:fs/promises");
var import_node_os6 = require("node:os");
var import_node_path34 = __toESM(require("node:path"), 1);
var PARALLEL = 8;
async function probeHosts(hosts, states, options = {}) {
  const keyed2 = hosts.map((h) => withHostKey(h, effectiveHostKey(h, states.get(h.name)?.state).key));
  const dir = await (0, import_promises11.mkdtemp)(import_node_path34.default.join((0, import_node_os6.tmpdir)(), "fleetc-probe-"));
  try {
    const knownHostsFile = import_node_path34.default.join(dir, "known_hosts");
    await (0, import_promises11.writeFile)(knownHostsFile, knownHostsFor(keyed2));
    const ssh = new Ssh(new ProcessRunner(() => void 0), { knownHostsFile, identityFile: options.identityFile, connectTimeoutSeconds: options.timeoutSeconds ?? 10 });
    const probes = /* @__PURE__ */ new Map();
    const queue = [...keyed2];
    const worker = async () => {
      for (let host = queue.shift(); host; host = queue.shift()) probes.set(host.name, await probeOne(ssh, host));
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    return probes;
  } finally {
    await (0, import_promises11.rm)(dir, { recursive: true, force: true });
  }
}
async function probeOne(ssh, host) {
  if (!host.ssh.hostKey) return { host: host.name, outcome: "no-key" };
  const result = await ssh.run(pinnedTarget(host), ["nixos-version", "--json"], 3e4);
  if (!result.ok) return { host: host.name, outcome: "unreachable", detail: result.stderr.trim().split("\n").pop() || `exit ${result.exitCode}` };
  try {
    const revision = JSON.parse(result.stdout).configurationRevision;
    if (typeof revision === "string" && /^[0-9a-f]{40}$/.test(revision)) return { host: host.name, outcome: "runs", commit: revision };
    return { host: host.name, outcome: "no-revision", detail: typeof revision === "string" ? `it runs ${revision}, not a commit` : "its system records no configurationRevision (not built by fleetc from a commit)" };
  } catch {
    return { host: host.name, outcome: "no-revision", detail: "nixos-version --json did not answer JSON" };
  }
}

// src/apply/adopt.ts
async function adopt(request) {
  const repo = await openRepository(request.cwd);
  const remote = await defaultRemote(repo, request.remote);
  const head = await resolveCommit(repo, "HEAD");
  const ns = refNamespace(request.site);
  let lock;
  if (!request.dryRun) {
    const attempt = await acquireLock(repo, remote, newLockInfo(request.runId, head, `fleetc adopt`, 300), ns.lockRef);
    if (!attempt.acquired) return { status: "lock-held", ...attempt.holder ? { holder: attempt.holder } : {} };
    lock = attempt.oid;
  }
  try {
    const states = remote ? request.dryRun ? await remote.observeStates((prefix) => readStates(repo, prefix), ns.statePrefix) : await remote.fetchStates(ns.statePrefix).then(() => readStates(repo, ns.statePrefix)) : await readStates(repo, ns.statePrefix);
    const compiler2 = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, request.paths.fleetDir), nixDir: repoRelative(repo, request.paths.nixDir), layout: outputLayout(request.paths), libraryDir: libraryDirOf(repo, request.paths) });
    const compiled2 = await compiler2.compile(head, "HEAD");
    const fleetHosts = (compiled2.side.fleet?.hosts ?? []).filter((h) => (!request.only?.length || request.only.includes(h.name)) && (request.site === void 0 || siteOf(h) === request.site));
    const probes = await probeHosts(fleetHosts, states, { ...request.identityFile ? { identityFile: request.identityFile } : {} });
    const manifests = new ManifestReader(repo, compiler2);
    const results = [];
    for (const host of fleetHosts) {
      const probe = probes.get(host.name);
      if (probe.outcome !== "runs") {
        results.push({ host: host.name, outcome: "not adopted", detail: probe.outcome === "no-key" ? "no pinned or recorded SSH host key: pin ssh.hostKey in its host file" : probe.detail });
        continue;
      }
      const artifacts = await manifests.hostAt(probe.commit, host.name);
      if (!artifacts) {
        results.push({ host: host.name, outcome: "not adopted", commit: probe.commit, detail: `runs ${probe.commit.slice(0, 12)}, which is not a commit of this repository with this host (git fetch it, then adopt again)` });
        continue;
      }
      const previous = states.get(host.name);
      const deployed = previous?.state.deployed;
      if (deployed?.commit === probe.commit && sameArtifacts(deployed.artifacts, artifacts)) {
        results.push({ host: host.name, outcome: "already recorded", commit: probe.commit, detail: `runs ${probe.commit.slice(0, 12)}, as recorded` });
        continue;
      }
      const detail = deployed ? `runs ${probe.commit.slice(0, 12)}; was recorded at ${deployed.commit.slice(0, 12)}` : `runs ${probe.commit.slice(0, 12)}`;
      if (!request.dryRun) {
        const at = (/* @__PURE__ */ new Date()).toISOString();
        const state = { ...previous?.state ?? {}, host: host.name, deployed: { commit: probe.commit, artifacts, at, run: request.runId }, last: { result: "recorded", commit: probe.commit, at, run: request.runId } };
        delete state.decommissioned;
        const oid = await writeState(repo, state, previous?.oid, ns.statePrefix);
        if (remote && !await remote.compareAndSwap(`${ns.statePrefix}${host.name}`, oid, previous?.oid)) {
          results.push({ host: host.name, outcome: "not adopted", commit: probe.commit, detail: `the remote's state of ${host.name} moved meanwhile; adopt again` });
          continue;
        }
      }
      results.push({ host: host.name, outcome: "recorded", commit: probe.commit, detail });
    }
    return { status: results.some((r) => r.outcome === "not adopted") ? "partial" : "done", hosts: results };
  } finally {
    if (lock) await releaseLock(repo, remote, lock, ns.lockRef);
  }
}

// src/cli/commands/adopt.ts
function registerAdopt(program, io, setExit) {
  const command = program.command("adopt").description("record each host as deployed at the fleet commit it really runs (read over SSH with pinned keys); touches no host").option("--only <host...>", "adopt only these hosts").option("--site <name>", "adopt this site's hosts, into its own state (fleet.yaml sites:)").option("--dry-run", "show what would be recorded; write no ref").option("--identity <file>", "SSH private key to log in with").option("--remote <name>", "git remote holding the state and lock refs (default: origin, when it exists)").option("--no-remote", "keep the state in this repository only").addOption(new import_commander4.Option("--format <format>", "output format").choices(["text", "json"]).default("text"));
  addPathOptions(command);
  command.action(async (options) => {
    try {
      const outcome = await adopt({
        cwd: process.cwd(),
        paths: pathsFrom(options),
        remote: options.remote === false ? "" : options.remote,
        only: options.only,
        dryRun: Boolean(options.dryRun),
        identityFile: options.identity,
        ...options.site !== void 0 ? { site: String(options.site) } : {},
        runId: `adopt-${(/* @__PURE__ */ new Date()).toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${(0, import_node_crypto17.randomBytes)(3).toString("hex")}`
      });
      if (outcome.status === "lock-held") {
        io.stderr(`fleetc adopt: the deploy lock is held${outcome.holder ? ` by run ${outcome.holder.id} (${outcome.holder.who}@${outcome.holder.machine})` : ""}; try again when it is free
`);
        return setExit(EXIT.lockHeld);
      }
      if (options.format === "json") io.stdout(`${JSON.stringify(outcome, null, 2)}
`);
      else {
        const width = Math.max(4, ...outcome.hosts.map((h) => h.host.length));
        for (const h of outcome.hosts) io.stdout(`${h.host.padEnd(width)}  ${(options.dryRun && h.outcome === "recorded" ? "would record" : h.outcome).padEnd(16)}  ${h.detail}
`);
      }
      setExit(outcome.status === "done" ? EXIT.ok : EXIT.failed);
    } catch (error) {
      if (!(error instanceof GitError || error instanceof GitCommandError)) throw error;
      io.stderr(`fleetc adopt: ${error.message}
`);
      setExit(EXIT.failed);
    }
  });
}

// src/cli/commands/status.ts
var import_commander5 = require("commander");

// src/apply/status.ts
async function fleetStatus(cwd, paths, remoteName, fetch, probe, site) {
  const ns = refNamespace(site);
  const repo = await openRepository(cwd);
  const remote = await defaultRemote(repo, remoteName);
  if (remote && fetch) await remote.fetchStates(ns.statePrefix);
  const head = await resolveCommit(repo, "HEAD");
  const compiler2 = new RevisionCompiler(repo, { fleetDir: repoRelative(repo, paths.fleetDir), nixDir: repoRelative(repo, paths.nixDir), layout: outputLayout(paths), libraryDir: libraryDirOf(repo, paths) });
  const compiled2 = await compiler2.compile(head, "HEAD");
  const inSite = new Set((compiled2.side.fleet?.hosts ?? []).filter((h) => site === void 0 || siteOf(h) === site).map((h) => h.name));
  const manifests = new Map(buildPlan(compiled2.side, compiled2.side).hosts.filter((h) => inSite.has(h.name)).map((h) => [h.name, h.headManifest]));
  const states = await readStates(repo, ns.statePrefix);
  const names = [.../* @__PURE__ */ new Set([...manifests.keys(), ...states.keys()])].sort();
  const hosts = names.map((host) => {
    const state = states.get(host)?.state;
    const manifest = manifests.get(host);
    let pending;
    if (!manifest) pending = state?.decommissioned ? "decommissioned" : "decommission pending";
    else if (!state?.deployed) pending = "never deployed";
    else pending = sameArtifacts(state.deployed.artifacts, manifest) ? "up to date" : "changes pending";
    return { host, pending, ...state?.deployed ? { deployedCommit: state.deployed.commit, deployedAt: state.deployed.at } : {}, ...state?.last ? { last: state.last } : {} };
  });
  if (probe && compiled2.side.fleet) {
    const probes = await probeHosts(compiled2.side.fleet.hosts, states, probe);
    const manifestReader = new ManifestReader(repo, compiler2);
    for (const status of hosts) {
      const found = probes.get(status.host);
      if (found) status.probe = await driftOf(found, states.get(status.host)?.state, manifestReader);
    }
  }
  const lock = await readLock(repo, remote, ns.lockRef);
  const expiry = lock ? leaseExpiry(lock.info) : void 0;
  return { head, hosts, ...lock ? { lock: { ...lock.info, where: lock.where, stale: isStale(lock.info), ...expiry ? { leaseExpiresAt: expiry.toISOString() } : {} } } : {} };
}

// src/cli/views/status.ts
function renderStatus(status) {
  const probed = status.hosts.some((h) => h.probe);
  const rows = status.hosts.map((h) => [
    h.host,
    h.pending,
    h.deployedCommit ? h.deployedCommit.slice(0, 12) : "-",
    ...probed ? [h.probe ? `${h.probe.state === "drift" ? "DRIFT" : h.probe.state}: ${h.probe.detail}` : "-"] : [],
    h.last ? `${h.last.result} ${h.last.at.replace(/\.\d+Z$/, "Z")}${h.last.error ? ` (${h.last.error.slice(0, 60)})` : ""}` : "-"
  ]);
  const header = ["host", "state", "deployed", ...probed ? ["running (probed)"] : [], "last result"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const format = (cells) => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join("  ");
  const lock = !status.lock ? "deploy lock: free" : status.lock.stale ? `deploy lock (${status.lock.where}): STALE \u2014 run ${status.lock.id}, ${status.lock.who}@${status.lock.machine} (pid ${status.lock.pid}) stopped renewing it; its lease ran out at ${status.lock.leaseExpiresAt}. The next fleetc apply takes it over (or: fleetc unlock ${status.lock.id})` : `deploy lock (${status.lock.where}): held by run ${status.lock.id}, ${status.lock.who}@${status.lock.machine} since ${status.lock.startedAt}${status.lock.leaseExpiresAt ? `, lease renewed until ${status.lock.leaseExpiresAt}` : ""}`;
  return [`HEAD ${status.head.slice(0, 12)}`, format(header), ...rows.map(format), lock, ""].join("\n");
}
var STATUS_FORMAT_VERSION = 1;
function renderStatusJson(status) {
  return `${JSON.stringify({ formatVersion: STATUS_FORMAT_VERSION, ...status }, null, 2)}
`;
}

// src/cli/commands/status.ts
function registerStatus(program, io, setExit) {
  const status = program.command("status").description("show per host the deployed commit, pending changes and the last result, and the deploy lock").addOption(new import_commander5.Option("--format <format>", "output format").choices(["text", "json"]).default("text")).option("--remote <name>", "git remote holding the state and lock refs (default: origin, when it exists)").option("--no-remote", "read the state in this repository only").option("--no-fetch", "do not fetch the state refs from the remote first").option("--probe", "also read what each host runs over SSH (pinned host keys only) and report drift; exits 1 when a host drifts").option("--identity <file>", "SSH private key for --probe").option("--site <name>", "the hosts, state and lock of this site (fleet.yaml sites:)");
  addPathOptions(status);
  status.action(async (options) => {
    await guarded2(io, setExit, async () => {
      const probe = options.probe ? { ...options.identity ? { identityFile: String(options.identity) } : {} } : void 0;
      const result = await fleetStatus(process.cwd(), pathsFrom(options), options.remote === false ? "" : options.remote, options.fetch !== false, probe, options.site);
      io.stdout(options.format === "json" ? renderStatusJson(result) : renderStatus(result));
      setExit(result.hosts.some((h) => h.probe?.state === "drift") ? EXIT.failed : EXIT.ok);
    });
  });
  program.command("unlock").description("break a stale deploy lock; only with the id of the lock (fleetc status shows it)").argument("<lock-id>", "the id of the lock to break").option("--remote <name>", "git remote holding the lock ref (default: origin, when it exists)").option("--no-remote", "the lock in this repository only").option("--site <name>", "the lock of this site (fleet.yaml sites:)").action(async (lockId, options) => {
    await guarded2(io, setExit, async () => {
      const repo = await openRepository(process.cwd());
      const remote = await defaultRemote(repo, options.remote === false ? "" : options.remote);
      const result = await breakLock(repo, remote, lockId, refNamespace(options.site).lockRef);
      const whose = (l) => `run ${l.id} of ${l.who}@${l.machine} (pid ${l.pid}), taken ${l.startedAt} to deploy ${l.commit.slice(0, 12)}`;
      if (result.broken) {
        io.stdout(`broke the deploy lock: ${whose(result.lock)}
`);
        setExit(EXIT.ok);
      } else {
        io.stderr(result.lock ? `fleetc unlock: the lock is held by ${whose(result.lock)}, not by ${lockId}; nothing changed
` : "fleetc unlock: no deploy lock is held\n");
        setExit(EXIT.failed);
      }
    });
  });
}
async function guarded2(io, setExit, body) {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof GitError || error instanceof GitCommandError)) throw error;
    io.stderr(`fleetc: ${error.message}
`);
    setExit(EXIT.failed);
  }
}

// src/cli/commands/validate.ts
function registerValidate(program, io, setExit) {
  const command = program.command("validate").description("check the fleet: YAML, schemas and cross-file rules");
  addPathOptions(command);
  addFormatOption(command);
  addCacheOptions(command);
  command.action(async (options) => {
    const paths = pathsFrom(options, { layout: false });
    const format = formatFrom(options);
    const result = await compileFromDisk(paths, { validateOnly: true, cacheDir: cacheDirFrom(options) });
    io.stdout(renderDiagnostics(format, result.diagnostics, result.sources, process.env.GITHUB_WORKSPACE));
    if (format === "text") {
      const verdict = hasErrors(result.diagnostics) ? "invalid" : "valid";
      io.stderr(`${paths.fleetDir}: ${verdict} (${result.hostCount} hosts, ${result.profileCount} profiles; ${summaryLine(result.diagnostics)})
`);
    }
    setExit(hasErrors(result.diagnostics) ? EXIT.failed : EXIT.ok);
  });
}

// src/watch/watcher.ts
var import_node_fs29 = require("node:fs");
var import_node_path36 = __toESM(require("node:path"), 1);

// src/validate/claims-index.ts
var ClaimsIndex = class {
  /** Each host file's claims at the last run, by path. */
  byFile = /* @__PURE__ */ new Map();
  /** "mac:", "ip:" or "bmc:" and the key → the files claiming it (an ip: also the BMC at that address). */
  claimants = /* @__PURE__ */ new Map();
  diagnostics = /* @__PURE__ */ new Map();
  fleetData;
  ready = false;
  /** The files at the last run, in order, and each one's position. */
  paths = [];
  position = /* @__PURE__ */ new Map();
  /** checkClaims's diagnostics for these hosts, checking again only what the changed files claim. */
  check(fleet, hosts, report) {
    const fleetData = fleet.fleet?.data;
    if (!this.ready || fleetData !== this.fleetData) this.reset(fleetData);
    const samePaths = this.paths.length === hosts.length && hosts.every((claimant, i) => claimant.host.document.relPath === this.paths[i]);
    if (!samePaths) {
      this.paths = hosts.map((claimant) => claimant.host.document.relPath);
      this.position = new Map(this.paths.map((file, i) => [file, i]));
    }
    const position = this.position;
    if (position.size !== hosts.length) {
      this.ready = false;
      this.paths = [];
      return checkAll(fleet, hosts, report);
    }
    const claimantOf = (file) => hosts[position.get(file)];
    const dirty = /* @__PURE__ */ new Set();
    const drop = (file, claims) => {
      for (const key of keysOf(claims)) {
        dirty.add(key);
        this.claimants.get(key)?.delete(file);
      }
      this.byFile.delete(file);
    };
    const add = (file, claims) => {
      this.byFile.set(file, claims);
      for (const key of keysOf(claims)) {
        dirty.add(key);
        let set = this.claimants.get(key);
        if (!set) this.claimants.set(key, set = /* @__PURE__ */ new Set());
        set.add(file);
      }
    };
    if (samePaths) {
      hosts.forEach(({ claims }, i) => {
        const file = this.paths[i];
        const recorded = this.byFile.get(file);
        if (recorded === claims) return;
        if (recorded) drop(file, recorded);
        add(file, claims);
      });
    } else {
      for (const [file, claims] of this.byFile) if (!position.has(file) || claimantOf(file).claims !== claims) drop(file, claims);
      for (const { host, claims } of hosts) if (!this.byFile.has(host.document.relPath)) add(host.document.relPath, claims);
    }
    for (const key of [...dirty]) {
      if (!key.startsWith("bmc:")) continue;
      for (const file of this.claimants.get(key) ?? []) {
        const bmc = this.byFile.get(file).bmc;
        if (bmc.isIpv4) dirty.add(`ip:${bmc.address}`);
      }
    }
    for (const key of dirty) {
      const files = [...this.claimants.get(key) ?? []].sort((a, b) => position.get(a) - position.get(b));
      if (files.length === 0) this.claimants.delete(key);
      const found = this.checkKey(fleet, key, files.map(claimantOf), position);
      if (found.length > 0) this.diagnostics.set(key, found);
      else this.diagnostics.delete(key);
    }
    for (const found of this.diagnostics.values()) report.diagnostics.push(...found);
  }
  reset(fleetData) {
    this.byFile = /* @__PURE__ */ new Map();
    this.claimants = /* @__PURE__ */ new Map();
    this.diagnostics = /* @__PURE__ */ new Map();
    this.fleetData = fleetData;
    this.ready = true;
  }
  /** checkClaims on the claims of one key only. */
  checkKey(fleet, key, claimants, position) {
    const report = new Reporter();
    const [kind, value] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    const only = claimants.map(({ host, claims }) => {
      const keep = (c) => c.kind === kind && c.key === value;
      let bmc = claims.bmc;
      if (bmc && !(kind === "bmc" ? bmc.key === value : kind === "ip" && bmc.isIpv4 && bmc.address === value)) bmc = void 0;
      if (bmc && kind === "ip" && !this.firstOfBmc(host.document.relPath, bmc.key, position)) bmc = void 0;
      if (bmc && kind === "bmc") bmc = { ...bmc, isIpv4: false };
      return { host, claims: { claims: claims.claims.filter(keep), ...bmc ? { bmc } : {} } };
    });
    checkAll(fleet, only, report, kind === "ip" ? value : void 0);
    return report.diagnostics;
  }
  firstOfBmc(file, key, position) {
    let first;
    for (const other of this.claimants.get(`bmc:${key}`) ?? []) if (first === void 0 || position.get(other) < position.get(first)) first = other;
    return first === file;
  }
};
function checkAll(fleet, hosts, report, address) {
  if (address === void 0) return checkClaims(fleet, hosts, report);
  const unique = hosts.map(({ host, claims }, i) => ({ host, claims: claims.bmc ? { ...claims, bmc: { ...claims.bmc, key: `\0${i}` } } : claims }));
  checkClaims(fleet, unique, report);
}
function keysOf(claims) {
  const keys2 = claims.claims.map((c) => `${c.kind}:${c.key}`);
  if (claims.bmc) {
    keys2.push(`bmc:${claims.bmc.key}`);
    if (claims.bmc.isIpv4) keys2.push(`ip:${claims.bmc.address}`);
  }
  return keys2;
}

// src/validate/ports-memo.ts
var PortsMemo = class {
  /** The hosts of the last run, in order, and each one's pair; how many hosts have each pair. */
  hosts = [];
  hostPairs = [];
  counts = new Tally();
  last;
  check(fleet, report) {
    this.countPairs(fleet.hosts);
    const seen = this.counts.keys();
    const pairs = seen.join("\n");
    const profiles = fleet.profiles.map((p) => p.data);
    const last = this.last;
    if (last && last.fleetData === fleet.fleet?.data && last.pairs === pairs && last.profiles.length === profiles.length && last.profiles.every((p, i) => p === profiles[i])) {
      report.diagnostics.push(...last.diagnostics);
      return;
    }
    const own = new Reporter();
    checkPorts(fleet, own, bootNetworksOfPairs(fleet, seen.map((key) => key.split("\0"))));
    this.last = { fleetData: fleet.fleet?.data, profiles, pairs, diagnostics: own.diagnostics };
    report.diagnostics.push(...own.diagnostics);
  }
  /**
   * The pairs' counts for these hosts: moved for the hosts that are not the last run's at their
   * place (validate hands an unchanged document's Checked object again), counted anew when the
   * hosts are not the same number.
   */
  countPairs(hosts) {
    if (hosts.length !== this.hosts.length) {
      this.counts = new Tally();
      this.hostPairs = hosts.map((host) => pairKey(host));
      for (const pair of this.hostPairs) this.counts.add(pair);
    } else {
      hosts.forEach((host, i) => {
        if (host === this.hosts[i]) return;
        const pair = pairKey(host);
        this.counts.add(this.hostPairs[i], -1);
        this.counts.add(pair);
        this.hostPairs[i] = pair;
      });
    }
    this.hosts = hosts;
  }
};
function pairKey(host) {
  const pair = bootPair(host);
  return pair && `${pair[0]}\0${pair[1]}`;
}

// src/compile/incremental.ts
var IncrementalCompiler = class {
  constructor(options, parseCache = new ParseCache()) {
    this.options = options;
    this.parseCache = parseCache;
  }
  options;
  parseCache;
  memo = { ...newCompileMemo(), claims: new ClaimsIndex(), ports: new PortsMemo() };
  manifest = new ManifestMemo();
  last;
  lastArtifacts;
  lastEmit;
  generation = 0;
  compile(raw) {
    const { compilation, checked } = compileStages(raw, { ...this.options, parseCache: this.parseCache, memo: this.memo, validateOnly: true });
    if (!compilation.fleet || !checked) return { ...compilation, emittedHosts: [], removedHosts: [] };
    const fleet = compilation.fleet;
    const context = emitContext(raw, this.options, compilation.diagnostics);
    this.lastEmit = { fleet, context };
    const shape = fleetShape(fleet, checked, context);
    const previous = this.last;
    const affected = previous ? affectedHosts(previous.shape, shape) : void 0;
    const fast = previous && affected && !affected.all && this.lastArtifacts ? patchArtifacts(fleet, context, shape, previous, affected, this.lastArtifacts, this.manifest) : void 0;
    if (fast && previous && affected && !affected.all) {
      const { artifacts: artifacts2, touched } = fast;
      const delta2 = { since: this.generation, touched, removed: [] };
      this.last = { shape, emitters: previous.emitters, order: previous.order };
      this.lastArtifacts = artifacts2;
      this.generation++;
      const emittedHosts2 = fleet.hosts.filter((h) => affected.host.has(h.name)).map((h) => h.name);
      return { ...compilation, artifacts: artifacts2, emittedHosts: emittedHosts2, removedHosts: [], generation: this.generation, delta: delta2 };
    }
    let emitters;
    let emittedHosts = [];
    if (previous && affected && !affected.all) {
      emitters = emitChanged(fleet, context, previous.emitters, affected.host, affected.cluster, affected.removed);
      emittedHosts = fleet.hosts.filter((h) => affected.host.has(h.name)).map((h) => h.name);
    }
    if (!emitters) {
      emitters = emitAll(fleet, context);
      emittedHosts = fleet.hosts.map((h) => h.name);
    }
    const emitted = emitters.flatMap((state) => [...state.byHost.values()].flat());
    const arranged = previous && inLastOrder(emitted, previous.order);
    const artifacts = finishArtifacts(fleet, arranged || emitted, context, this.manifest);
    this.last = { shape, emitters, order: arranged ? previous.order : pathOrder(artifacts) };
    const removedHosts = previous ? [...previous.shape.hosts.keys()].filter((name) => !shape.hosts.has(name)).sort() : [];
    const delta = this.lastArtifacts && { since: this.generation, ...artifactDelta(this.lastArtifacts, artifacts, Boolean(arranged)) };
    this.lastArtifacts = artifacts;
    this.generation++;
    return { ...compilation, artifacts, emittedHosts, removedHosts, generation: this.generation, ...delta ? { delta } : {} };
  }
  /**
   * Prepares the next rebuild while watch waits for an edit: each shared file's patch is run with no
   * host changed, which builds the pieces it keeps beside the current artifact (dhcpd.conf's and
   * Kea's: a walk of the whole fleet) and returns that artifact unchanged. Changes nothing else.
   */
  prime() {
    if (!this.last || !this.lastEmit) return;
    const { fleet, context } = this.lastEmit;
    for (const state of this.last.emitters) if (state.scope === "fleet") state.emit.patch?.(state.byHost.get(SHARED) ?? [], fleet, context, /* @__PURE__ */ new Set());
  }
};
var SHARED = "";
function patchArtifacts(fleet, context, shape, previous, affected, last, manifest) {
  if (affected.removed.length > 0) return void 0;
  const replacements = [];
  const replaced = [];
  const artifacts = [...last];
  const place = (before, after) => {
    if (before.length !== after.length) return false;
    for (let i = 0; i < after.length; i++) {
      const index = previous.order.get(after[i].path);
      if (index === void 0 || after[i].path !== before[i].path || Boolean(after[i].root) !== Boolean(before[i].root) || artifacts[index] !== before[i]) return false;
      if (after[i] === before[i]) continue;
      checkArtifactPath(after[i]);
      artifacts[index] = after[i];
      replaced.push({ index, before: before[i] });
    }
    return true;
  };
  for (const state of previous.emitters) {
    const before = state.byHost;
    if (state.scope === "fleet") {
      const old = before.get(SHARED) ?? [];
      const fresh = state.emit.patch?.(old, fleet, context, affected.host) ?? state.emit(fleet, context);
      const kept2 = fresh.map((a, i) => old[i] && sameArtifact(old[i], a) ? old[i] : a);
      if (!place(old, kept2)) return void 0;
      replacements.push([state, SHARED, kept2]);
      continue;
    }
    const names = state.scope === "cluster" ? affected.cluster : affected.host;
    if (names.size === 0) continue;
    const seen = hostsToEmit(fleet, names, state.scope);
    const seenNames = new Set(seen.map((h) => h.name));
    const emitted = state.emit({ ...fleet, hosts: seen }, context);
    if (!emitted.every((a) => a.host !== void 0 && seenNames.has(a.host) && !a.fragments)) return void 0;
    const filed = fileByHost(emitted.filter((a) => names.has(a.host)), true);
    for (const name of names) {
      const old = before.get(name) ?? [];
      const now = (filed.get(name) ?? []).map((a, i) => old[i] && sameArtifact(old[i], a) ? old[i] : a);
      if (!place(old, now)) return void 0;
      replacements.push([state, name, now]);
    }
  }
  const changedHosts2 = new Map([...affected.host].map((name) => [name, shape.hosts.get(name)]));
  const files = artifacts.slice(0, -1);
  const patched = patchManifest(fleet, files, replaced, changedHosts2, context, manifest) ?? buildManifest(fleet, files, context, manifest);
  artifacts[artifacts.length - 1] = patched;
  for (const [state, name, list3] of replacements) {
    if (list3.length === 0) state.byHost.delete(name);
    else state.byHost.set(name, list3);
  }
  const touched = [...replaced.map(({ index }) => artifacts[index]), patched];
  for (const a of artifacts) if (a.root && !touched.includes(a)) touched.push(a);
  return { artifacts, touched };
}
function sameArtifact(a, b) {
  if (a === b) return true;
  if (a.path !== b.path || a.contents !== b.contents || a.kind !== b.kind || a.root !== b.root || a.host !== b.host || a.fragmentBase !== b.fragmentBase) return false;
  if (!a.fragments || !b.fragments) return a.fragments === b.fragments;
  const keys2 = Object.keys(a.fragments);
  if (keys2.length !== Object.keys(b.fragments).length) return false;
  for (const key of keys2) if (a.fragments[key] !== b.fragments[key]) return false;
  return true;
}
function scopeOf(emit, artifacts) {
  if (emit.crossHost === true || artifacts.length === 0 || !artifacts.every((a) => a.host !== void 0 && !a.fragments)) return "fleet";
  return emit.crossHost === "cluster" ? "cluster" : "host";
}
function emitAll(fleet, context) {
  return EMITTERS.map((emit) => {
    const artifacts = emit(fleet, context);
    const scope = scopeOf(emit, artifacts);
    return { emit, scope, byHost: fileByHost(artifacts, scope !== "fleet") };
  });
}
function emitChanged(fleet, context, previous, host, cluster, removed) {
  const out = [];
  for (const state of previous) {
    if (state.scope === "fleet") {
      out.push({ ...state, byHost: fileByHost(state.emit(fleet, context), false) });
      continue;
    }
    const names = state.scope === "cluster" ? cluster : host;
    const byHost2 = new Map(state.byHost);
    for (const name of [...names, ...removed]) byHost2.delete(name);
    if (names.size > 0) {
      const seen = hostsToEmit(fleet, names, state.scope);
      const seenNames = new Set(seen.map((h) => h.name));
      const artifacts = state.emit({ ...fleet, hosts: seen }, context);
      if (!artifacts.every((a) => a.host !== void 0 && seenNames.has(a.host) && !a.fragments)) return void 0;
      for (const [name, list3] of fileByHost(artifacts.filter((a) => names.has(a.host)), true)) byHost2.set(name, list3);
    }
    out.push({ ...state, byHost: byHost2 });
  }
  return out;
}
function fileByHost(artifacts, perHost) {
  const byHost2 = /* @__PURE__ */ new Map();
  for (const artifact of artifacts) {
    const key = perHost ? artifact.host : SHARED;
    const list3 = byHost2.get(key);
    if (list3) list3.push(artifact);
    else byHost2.set(key, [artifact]);
  }
  return byHost2;
}
function pathOrder(artifacts) {
  return new Map(artifacts.slice(0, -1).map((a, i) => [a.path, i]));
}
function inLastOrder(artifacts, order) {
  if (order.size !== artifacts.length) return void 0;
  const placed2 = new Array(artifacts.length);
  for (const artifact of artifacts) {
    const index = order.get(artifact.path);
    if (index === void 0 || placed2[index] !== void 0) return void 0;
    placed2[index] = artifact;
  }
  return placed2;
}
function artifactDelta(last, artifacts, samePaths) {
  if (samePaths) return { touched: artifacts.filter((a, i) => a !== last[i] || a.root), removed: [] };
  const key = (a) => `${a.root ? "root" : "out"}\0${a.path}`;
  const before = new Map(last.map((a) => [key(a), a]));
  const after = new Set(artifacts.map(key));
  return { touched: artifacts.filter((a) => before.get(key(a)) !== a || a.root), removed: last.filter((a) => !a.root && !after.has(key(a))).map((a) => a.path) };
}

// src/watch/output.ts
var import_node_fs28 = require("node:fs");
var import_node_path35 = __toESM(require("node:path"), 1);
var WatchedOutput = class {
  constructor(outDir, rootDir) {
    this.outDir = outDir;
    this.rootDir = rootDir;
  }
  outDir;
  rootDir;
  /** The output directory's files as written last (path under it → contents). */
  known;
  artifacts = /* @__PURE__ */ new Map();
  generation;
  manifest;
  /** Writes a compilation's artifacts; call it holding the output lock. */
  write(result, lock) {
    if (this.signature() !== this.manifest) this.known = void 0;
    const known = this.known;
    const patch = known && result.delta && result.delta.since === this.generation ? result.delta : void 0;
    let changes;
    try {
      changes = writeOutputSync(this.outDir, result.artifacts, void 0, { rootDir: this.rootDir, lock, ...known ? { known, ...patch ? { patch } : {} } : {} }).changes;
    } catch (error) {
      this.known = void 0;
      throw error;
    }
    this.manifest = this.signature();
    this.generation = result.generation;
    if (known && patch) {
      const before2 = /* @__PURE__ */ new Map();
      for (const change of changes) {
        const artifact = this.artifacts.get(change.path);
        if (artifact) before2.set(change.path, artifact);
      }
      for (const file of patch.removed) {
        known.delete(file);
        this.artifacts.delete(file);
      }
      for (const artifact of patch.touched) {
        this.artifacts.set(artifact.path, artifact);
        if (!artifact.root) known.set(artifact.path, artifact.contents);
      }
      return { changes, before: before2, after: this.artifacts };
    }
    const before = this.artifacts;
    this.artifacts = new Map(result.artifacts.map((a) => [a.path, a]));
    this.known = new Map(result.artifacts.filter((a) => !a.root).map((a) => [a.path, a.contents]));
    return { changes, before, after: this.artifacts };
  }
  signature() {
    const stat = (0, import_node_fs28.statSync)(import_node_path35.default.join(this.outDir, MANIFEST_PATH), { throwIfNoEntry: false });
    return stat && `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  }
};

// src/watch/watcher.ts
var DEFAULT_DEBOUNCE_MS = 10;
var CHOKIDAR_CHANGE_THROTTLE_MS = 50;
var YAML = /\.ya?ml$/;
function startWatch(options, onEvent) {
  const { paths } = options;
  const fleetRoot = import_node_path36.default.resolve(paths.fleetDir);
  const nixRoot = import_node_path36.default.resolve(paths.nixDir);
  const compiler2 = new IncrementalCompiler(outputLayout(paths), options.cacheDir === void 0 ? void 0 : loadParseCache(options.cacheDir).cache);
  let raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
  let files = new Map(raw.files.map((f) => [f.relPath, f]));
  const output = new WatchedOutput(paths.outDir, fleetRepositoryRoot(paths));
  const outputLock = new StandbyLock(paths.outDir, { timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, command: "fleetc watch", makeParent: true });
  let lastHosts;
  const changedFiles = /* @__PURE__ */ new Set();
  let rereadAll = false;
  let rereadNix = false;
  let timer;
  let recheckTimer;
  let stopped = false;
  const recheck = /* @__PURE__ */ new Set();
  const rebuild = async (first) => {
    const started = performance.now();
    if (rereadAll) {
      raw = readFleetDirSync(paths.fleetDir, paths.nixDir);
      files = new Map(raw.files.map((f) => [f.relPath, f]));
    } else {
      for (const relPath of changedFiles) {
        if (!(0, import_node_fs29.lstatSync)(import_node_path36.default.join(fleetRoot, relPath), { throwIfNoEntry: false })) files.delete(relPath);
        else files.set(relPath, readFleetFile(paths.fleetDir, relPath));
      }
      const nix = rereadNix ? readNixDir(paths.nixDir) : raw;
      raw = { ...raw, nixFiles: nix.nixFiles, nixSources: nix.nixSources, files: [...files.values()].sort((a, b) => a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0) };
    }
    for (const relPath of changedFiles) recheck.add(relPath);
    changedFiles.clear();
    rereadAll = rereadNix = false;
    clearTimeout(recheckTimer);
    recheckTimer = setTimeout(verifyRecent, CHOKIDAR_CHANGE_THROTTLE_MS + 20);
    const read = performance.now();
    const locking = outputLock.acquire();
    locking.catch(() => void 0);
    let result;
    try {
      result = compiler2.compile(raw);
    } catch (error) {
      void locking.then((lock) => lock.release(), () => void 0);
      throw error;
    }
    if (hasErrors(result.diagnostics) || !result.artifacts || !result.fleet) {
      void locking.then((lock) => lock.release(), () => void 0);
      onEvent({ kind: "invalid", milliseconds: performance.now() - started, diagnostics: result.diagnostics, sources: result.sources, outDir: paths.outDir });
      return;
    }
    const compiled2 = performance.now();
    const artifacts = result.artifacts;
    let written;
    let locked = compiled2;
    try {
      const lock = await locking;
      locked = performance.now();
      try {
        written = output.write({ ...result, artifacts }, lock);
      } finally {
        lock.release();
      }
    } catch (error) {
      onEvent({ kind: "failed", message: error.message });
      return;
    }
    const wrote = performance.now();
    const { changes, before, after } = written;
    const hosts = new Set(result.fleet.hosts.map((h) => h.name));
    const hostChanges = first ? [] : describeHostChanges2(changes, before, after, lastHosts ?? /* @__PURE__ */ new Set(), hosts);
    lastHosts = hosts;
    if (first && options.cacheDir !== void 0) saveParseCache(options.cacheDir, compiler2.parseCache);
    const done = performance.now();
    const stages = { read: read - started, compile: compiled2 - read, lockWait: locked - compiled2, write: wrote - locked, report: done - wrote };
    onEvent({ kind: "built", first, milliseconds: done - started, hosts: hosts.size, files: artifacts.length, changes, hostChanges, diagnostics: result.diagnostics, sources: result.sources, stages });
    compiler2.prime();
  };
  let running;
  let again = false;
  const runRebuild = (first) => {
    if (running) {
      again = true;
      return;
    }
    running = guarded3(() => rebuild(first)).finally(() => {
      running = void 0;
      if (!stopped && !again) outputLock.prepare();
      if (again && !stopped) {
        again = false;
        runRebuild(false);
      }
    });
  };
  const guarded3 = async (run2) => {
    try {
      await run2();
    } catch (error) {
      onEvent({ kind: "failed", message: `internal error: ${error.message}` });
    }
  };
  const verifyRecent = () => {
    if (stopped) return;
    for (const relPath of recheck) {
      const onDisk = (0, import_node_fs29.lstatSync)(import_node_path36.default.join(fleetRoot, relPath), { throwIfNoEntry: false }) ? readFleetFile(paths.fleetDir, relPath) : void 0;
      const built = files.get(relPath);
      if (onDisk?.bytes && built?.bytes ? !Buffer.from(onDisk.bytes).equals(built.bytes) : Boolean(onDisk) !== Boolean(built)) changedFiles.add(relPath);
    }
    recheck.clear();
    if (changedFiles.size > 0) schedule();
  };
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = void 0;
      if (!stopped) runRebuild(false);
    }, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  };
  const watchers = [];
  const onFleet = (event, absPath) => {
    const relPath = import_node_path36.default.relative(fleetRoot, absPath).split(import_node_path36.default.sep).join("/");
    if (relPath === "" || relPath.startsWith("..") || relPath.split("/").some((s) => s.startsWith("."))) return;
    if ((event === "add" || event === "change" || event === "unlink") && YAML.test(relPath)) changedFiles.add(relPath);
    else if (event === "addDir" || event === "unlinkDir" || YAML.test(relPath)) rereadAll = true;
    else return;
    schedule();
  };
  const onNix = () => {
    rereadNix = true;
    schedule();
  };
  const hidden2 = (root) => (p) => import_node_path36.default.relative(root, p).split(import_node_path36.default.sep).some((s) => s.startsWith(".") && s !== "..");
  const ready = (async () => {
    const { watch } = chokidar();
    const fleetWatcher = watch(fleetRoot, { ignoreInitial: true, ignored: hidden2(fleetRoot) });
    const nixWatcher = watch(nixRoot, { ignoreInitial: true, ignored: hidden2(nixRoot) });
    watchers.push(fleetWatcher, nixWatcher);
    fleetWatcher.on("all", onFleet);
    nixWatcher.on("all", onNix);
    for (const w of watchers) w.on("error", (error) => onEvent({ kind: "failed", message: `watching: ${error.message}` }));
    await Promise.all(watchers.map((w) => new Promise((resolve) => w.once("ready", () => resolve()))));
    changedFiles.clear();
    rereadAll = true;
    if (!stopped) {
      runRebuild(true);
      await running;
    }
  })();
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(recheckTimer);
      await ready.catch(() => void 0);
      await running;
      outputLock.close();
      await Promise.all(watchers.map((w) => w.close()));
    }
  };
}
function describeHostChanges2(changes, before, after, hostsBefore, hostsAfter) {
  const out = /* @__PURE__ */ new Map();
  for (const host of hostsAfter) if (!hostsBefore.has(host)) out.set(host, { host, change: "added", kinds: [] });
  for (const host of hostsBefore) if (!hostsAfter.has(host)) out.set(host, { host, change: "removed", kinds: [] });
  const modified = (host, kind) => {
    if (!hostsAfter.has(host) || !hostsBefore.has(host)) return;
    const entry = out.get(host) ?? { host, change: "modified", kinds: [] };
    if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    out.set(host, entry);
  };
  for (const change of changes) {
    const old = before.get(change.path);
    const now = after.get(change.path);
    const artifact = now ?? old;
    if (!artifact) continue;
    if (artifact.host) modified(artifact.host, artifact.kind);
    const baseChanged = old?.fragmentBase !== now?.fragmentBase;
    for (const host of /* @__PURE__ */ new Set([...Object.keys(old?.fragments ?? {}), ...Object.keys(now?.fragments ?? {})])) {
      if (baseChanged || old?.fragments?.[host] !== now?.fragments?.[host]) modified(host, artifact.kind);
    }
  }
  return [...out.values()].sort((a, b) => a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
}

// src/cli/views/watch.ts
var MAX_HOSTS_LISTED = 8;
function renderWatchEvent(event, outDir, now = /* @__PURE__ */ new Date()) {
  const time = now.toTimeString().slice(0, 8);
  const ms = (m) => `${Math.round(m)} ms`;
  switch (event.kind) {
    case "failed":
      return `[${time}] fleetc: ${event.message}
`;
    case "invalid":
      return `${renderDiagnostics("text", event.diagnostics, event.sources)}[${time}] invalid (${summaryLine(event.diagnostics)}); ${outDir} keeps the last good build (${ms(event.milliseconds)})
`;
    case "built": {
      const warnings = event.diagnostics.length > 0 ? renderDiagnostics("text", event.diagnostics, event.sources) : "";
      if (event.first) return `${warnings}[${time}] built ${outDir}: ${event.hosts} hosts, ${event.files} files, ${event.changes.length} changed (${ms(event.milliseconds)}); watching for changes
`;
      if (event.changes.length === 0) return `${warnings}[${time}] no change to ${outDir} (${ms(event.milliseconds)})
`;
      const hosts = event.hostChanges.slice(0, MAX_HOSTS_LISTED).map((h) => h.change === "modified" ? `${h.host} (${h.kinds.join(", ")})` : `${h.host} ${h.change}`);
      if (event.hostChanges.length > MAX_HOSTS_LISTED) hosts.push(`and ${event.hostChanges.length - MAX_HOSTS_LISTED} more`);
      const which = hosts.length > 0 ? `: ${hosts.join(", ")}` : "";
      return `${warnings}[${time}] ${outDir}: ${event.changes.length} file${event.changes.length === 1 ? "" : "s"} changed, ${event.hostChanges.length} host${event.hostChanges.length === 1 ? "" : "s"}${which} (${ms(event.milliseconds)})
`;
    }
  }
}

// src/cli/commands/watch.ts
function registerWatch(program, io, setExit) {
  const command = program.command("watch").description("rebuild the output directory on every change to the fleet or nix/ (Ctrl-C stops)").option("--debounce <ms>", "wait this long after a change for more before rebuilding", parsePositiveInteger, DEFAULT_DEBOUNCE_MS);
  addPathOptions(command);
  addCacheOptions(command);
  addLockTimeoutOption(command);
  command.action(async (options) => {
    const paths = pathsFrom(options);
    const handle = startWatch({ paths, debounceMs: options.debounce, cacheDir: cacheDirFrom(options), lockTimeoutMs: Number(options.lockTimeout) * 1e3 }, (event) => {
      const text = renderWatchEvent(event, paths.outDir);
      if (event.kind === "built") io.stdout(text);
      else io.stderr(text);
    });
    await new Promise((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void handle.stop().then(resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    io.stderr("fleetc watch: stopped\n");
    setExit(EXIT.ok);
  });
}

// src/cli/io.ts
function closable(stream) {
  let closed = false;
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}
var processIo = {
  stdout: closable(process.stdout),
  stderr: closable(process.stderr),
  isTty: Boolean(process.stdout.isTTY)
};

// src/cli/main.ts
async function main(argv, io = processIo) {
  let exitCode = EXIT.ok;
  const setExit = (code2) => {
    exitCode = code2;
  };
  const program = new import_commander6.Command("fleetc").description("Compile a bare-metal NixOS fleet from YAML: validate, build, plan and apply.").version(FLEETC_VERSION, "-V, --version").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showHelpAfterError("(run with --help for usage)");
  registerInit(program, io, setExit);
  registerValidate(program, io, setExit);
  registerBuild(program, io, setExit);
  registerPlan(program, io, setExit);
  registerApply(program, io, setExit);
  registerStatus(program, io, setExit);
  registerAdopt(program, io, setExit);
  registerWatch(program, io, setExit);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  if (argv.length <= 2) {
    io.stderr(program.helpInformation());
    return EXIT.usage;
  }
  const usage = argv.includes("--detailed-exitcode") ? EXIT.failed : EXIT.usage;
  try {
    await program.parseAsync([...argv], { from: "node" });
    return exitCode;
  } catch (error) {
    if (error instanceof import_commander6.CommanderError) {
      const benign = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help";
      return benign ? EXIT.ok : usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`fleetc: ${error.message}
`);
      return usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`fleetc: internal error: ${message}
`);
    if (process.env.FLEETC_DEBUG === "1" && error instanceof Error) io.stderr(`${error.stack}
`);
    else io.stderr("  this is a bug in fleetc; rerun with FLEETC_DEBUG=1 for details and report it\n");
    return EXIT.internal;
  }
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  main
});
