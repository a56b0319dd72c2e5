// Handlebars with explicit escaping only: every {{…}} must call a format's escaping helper.
// HTML escaping is never right for Nix, dhcpd or iPXE, so a bare {{value}} fails at compile time.
import Handlebars from 'handlebars';
import { nixAttrName, nixString } from './nix/printer.ts';

type Helper = (value: unknown) => string;

/** The escaping helpers, by name. Each takes exactly one value and returns text safe for its format. */
const ESCAPERS: Record<string, Helper> = {
  nixString: (value) => nixString(String(value)),
  nixAttr: (value) => nixAttrName(String(value)),
  nixComment: (value) => String(value).replace(/[\r\n]+/g, ' '),
  nixPath: (value) => {
    const path = String(value);
    if (!/^\.{0,2}\/[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/.test(path)) throw new Error(`not a Nix path literal: ${path}`);
    return path;
  },
};

const BLOCK_HELPERS = new Set(['each', 'if', 'unless']);

/** Adds escaping helpers for another format (dhcpd, iPXE, …). */
export function registerEscaper(name: string, escape: Helper): void {
  ESCAPERS[name] = escape;
}

/**
 * The template as a function that joins its text and escaped values, rendering what Handlebars
 * renders for it (every value through an escaper; test/emit/templates.test.ts compares the
 * two): Handlebars parses it and applies its whitespace control, and the program is turned into
 * closures, without Handlebars' runtime (helper calls, safe-string objects and context frames per
 * value), which cost ~15 µs per host's iPXE script and DHCP reservations.
 */
export function compileTemplate<Context>(name: string, source: string): (context: Context) => string {
  const program = Handlebars.parse(source);
  checkExplicitEscaping(name, program);
  const render = compileProgram(name, program);
  return (context) => render(context, []);
}

/** A compiled piece: the context, and the enclosing contexts that `../` climbs to (innermost last). */
type Render = (context: unknown, parents: readonly unknown[]) => string;

function compileProgram(name: string, program: hbs.AST.Program): Render {
  const parts = program.body.map((node) => compileNode(name, node));
  return (context, parents) => {
    let out = '';
    for (const part of parts) out += part(context, parents);
    return out;
  };
}

function compileNode(name: string, node: hbs.AST.Node): Render {
  if (node.type === 'ContentStatement') {
    const text = (node as hbs.AST.ContentStatement).value;
    return () => text;
  }
  if (node.type === 'CommentStatement') return () => '';
  if (node.type === 'MustacheStatement') {
    const mustache = node as hbs.AST.MustacheStatement;
    const escape = ESCAPERS[(mustache.path as hbs.AST.PathExpression).original]!;
    const value = compileLookup(name, mustache.params[0]!);
    return (context, parents) => escape(value(context, parents));
  }
  if (node.type === 'BlockStatement') {
    const block = node as hbs.AST.BlockStatement;
    const helper = (block.path as hbs.AST.PathExpression).original;
    if (block.params.length !== 1) throw new Error(`template ${name}: {{#${helper}}} takes one value`);
    const value = compileLookup(name, block.params[0]!);
    const fn = block.program ? compileProgram(name, block.program) : () => '';
    const inverse = block.inverse ? compileProgram(name, block.inverse) : () => '';
    if (helper === 'each') {
      return (context, parents) => {
        const items = value(context, parents);
        if (items === undefined || items === null || items === false) return inverse(context, parents);
        if (!Array.isArray(items)) throw new Error(`template ${name}: {{#each}} over something that is not a list`);
        if (items.length === 0) return inverse(context, parents);
        const inner = [...parents, context];
        let out = '';
        for (const item of items) out += fn(item, inner);
        return out;
      };
    }
    // Handlebars' if: false for a falsy value (0 too) and an empty list; the context stays the same.
    const truthy = (v: unknown) => Boolean(v) && !(Array.isArray(v) && v.length === 0);
    const positive = helper === 'if';
    return (context, parents) => (truthy(value(context, parents)) === positive ? fn(context, parents) : inverse(context, parents));
  }
  throw new Error(`template ${name}: ${node.type} is not supported`);
}

/**
 * A value by its path, as Handlebars looks up a helper's argument (its strict mode checks only bare
 * mustaches, which checkExplicitEscaping refuses): an own property, else undefined; a segment
 * after a missing one is an error.
 */
function compileLookup(name: string, expression: hbs.AST.Expression): (context: unknown, parents: readonly unknown[]) => unknown {
  if (expression.type !== 'PathExpression') throw new Error(`template ${name}: only paths are passed to helpers`);
  const path = expression as hbs.AST.PathExpression;
  if (path.data) throw new Error(`template ${name}: @data variables are not used`);
  const { depth, parts } = path;
  return (context, parents) => {
    let value = depth === 0 ? context : parents[parents.length - depth];
    for (const part of parts) {
      if (value === null || value === undefined) throw new Error(`template ${name}: cannot read "${part}" of ${path.original}: its parent is ${value}`);
      value = Object.prototype.hasOwnProperty.call(value, part) ? (value as Record<string, unknown>)[part] : undefined;
    }
    return value;
  };
}

function checkExplicitEscaping(name: string, program: hbs.AST.Program): void {
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'MustacheStatement') {
      const mustache = node as hbs.AST.MustacheStatement;
      const helper = (mustache.path as hbs.AST.PathExpression).original;
      if (!(helper in ESCAPERS) || mustache.params.length !== 1 || !mustache.escaped) {
        throw new Error(`template ${name} line ${mustache.loc.start.line}: {{${helper}}} must be {{<escaper> value}} with one of: ${Object.keys(ESCAPERS).join(', ')}`);
      }
    } else if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const helper = (block.path as hbs.AST.PathExpression).original;
      if (!BLOCK_HELPERS.has(helper)) throw new Error(`template ${name}: block helper ${helper} is not allowed`);
      if (block.program) visit(block.program);
      if (block.inverse) visit(block.inverse);
    } else if (node.type === 'Program') {
      for (const child of (node as hbs.AST.Program).body) visit(child);
    } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'DecoratorBlock') {
      throw new Error(`template ${name}: partials and decorators are not used`);
    }
  };
  visit(program);
}
