// The templates fleetc ships, precompiled: scripts/build-cli.mjs fills this map in the bundle (from
// template-specs.ts), keyed by each template's text. From the sources it is empty, and a template
// whose text is not here (edited since the bundle was built) is compiled when first loaded.
import type Handlebars from 'handlebars';

/** What Handlebars.precompile gives, evaluated. */
export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

export interface PrecompiledTemplate {
  spec: TemplateSpecification;
  /** The helpers the template calls (templates.ts gives its environment only these). */
  helpers: readonly string[];
}

export const PRECOMPILED: ReadonlyMap<string, PrecompiledTemplate> = new Map<string, PrecompiledTemplate>();
