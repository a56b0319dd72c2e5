// Handlebars with explicit escaping only: every {{…}} must call a format's escaping helper.
// HTML escaping is never right for Nix, dhcpd or iPXE, so a bare {{value}} fails at compile time.
// The bundle carries the shipped templates precompiled (precompiled-templates.ts) and loads only
// Handlebars' runtime; its compiler (~20 ms to load and compile) is loaded for any other template.
import { createRequire } from 'node:module';
import type { HelperDelegate, TemplateDelegate } from 'handlebars';
import { nixAttrName, nixString } from './nix/printer.ts';
import { PRECOMPILED, type PrecompiledTemplate } from './precompiled-templates.ts';

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

type HandlebarsModule = typeof import('handlebars');
const require = createRequire(import.meta.url);
const OPTIONS = { strict: true, noEscape: false, preventIndent: true };

let runtime: HandlebarsModule | undefined;
let compiler: HandlebarsModule | undefined;

export function compileTemplate<Context>(name: string, source: string): (context: Context) => string {
  const precompiled = PRECOMPILED.get(source);
  if (!precompiled) return templateOf<Context>(name, source, undefined);
  // A precompiled template passed the same check when the bundle was built (template-specs.ts), so
  // it is made on its first render: a command that renders none (a warm build, validate, status)
  // does not load Handlebars' runtime (~15–30 ms at start).
  let render: ((context: Context) => string) | undefined;
  return (context) => (render ??= templateOf<Context>(name, source, precompiled))(context);
}

function templateOf<Context>(name: string, source: string, precompiled: PrecompiledTemplate | undefined): (context: Context) => string {
  const helpers = precompiled?.helpers ?? checkExplicitEscaping(name, fullHandlebars().parse(source));
  // Handlebars wraps every helper of the environment again on each render: each template gets an
  // environment holding only the helpers it calls (and the two hooks Handlebars looks for).
  const env = (precompiled ? (runtime ??= require('handlebars/runtime') as HandlebarsModule) : fullHandlebars()).create();
  for (const builtin of Object.keys(env.helpers)) if (!helpers.includes(builtin) && !HOOKS.has(builtin)) env.unregisterHelper(builtin);
  for (const helper of helpers) {
    const escape = ESCAPERS[helper];
    if (escape) env.registerHelper(helper, ((value: unknown) => new env.SafeString(escape(value))) as HelperDelegate);
  }
  const template: TemplateDelegate<Context> = precompiled ? env.template<Context>(precompiled.spec) : env.compile<Context>(source, OPTIONS);
  return (context) => template(context);
}

/** The template's specification as JavaScript source, and the helpers it calls, for the bundle; checked as compileTemplate checks it. */
export function precompileTemplate(name: string, source: string): { spec: string; helpers: string[] } {
  const full = fullHandlebars();
  const helpers = checkExplicitEscaping(name, full.parse(source));
  return { spec: full.precompile(source, OPTIONS) as string, helpers };
}

const HOOKS = new Set(['helperMissing', 'blockHelperMissing']);

function fullHandlebars(): HandlebarsModule {
  return (compiler ??= require('handlebars') as HandlebarsModule);
}

/** Throws unless every {{…}} calls one escaper on one plain value; returns the helpers the template calls. */
function checkExplicitEscaping(name: string, program: hbs.AST.Program): string[] {
  const used = new Set<string>();
  const plainParams = (params: hbs.AST.Expression[], line: number) => {
    if (params.some((p) => p.type === 'SubExpression')) throw new Error(`template ${name} line ${line}: sub-expressions are not used`);
  };
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'MustacheStatement') {
      const mustache = node as hbs.AST.MustacheStatement;
      const helper = (mustache.path as hbs.AST.PathExpression).original;
      if (!(helper in ESCAPERS) || mustache.params.length !== 1 || !mustache.escaped) {
        throw new Error(`template ${name} line ${mustache.loc.start.line}: {{${helper}}} must be {{<escaper> value}} with one of: ${Object.keys(ESCAPERS).join(', ')}`);
      }
      plainParams(mustache.params, mustache.loc.start.line);
      used.add(helper);
    } else if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const helper = (block.path as hbs.AST.PathExpression).original;
      if (!BLOCK_HELPERS.has(helper)) throw new Error(`template ${name}: block helper ${helper} is not allowed`);
      plainParams(block.params, block.loc.start.line);
      used.add(helper);
      if (block.program) visit(block.program);
      if (block.inverse) visit(block.inverse);
    } else if (node.type === 'Program') {
      for (const child of (node as hbs.AST.Program).body) visit(child);
    } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'DecoratorBlock') {
      throw new Error(`template ${name}: partials and decorators are not used`);
    }
  };
  visit(program);
  return [...used].sort();
}
