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

const instance = Handlebars.create();

export function compileTemplate<Context>(name: string, source: string): (context: Context) => string {
  checkExplicitEscaping(name, Handlebars.parse(source));
  for (const [helper, escape] of Object.entries(ESCAPERS)) {
    instance.registerHelper(helper, (value: unknown) => new instance.SafeString(escape(value)));
  }
  const template = instance.compile<Context>(source, { strict: true, noEscape: false, preventIndent: true });
  return (context) => template(context);
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
