// What scripts/build-cli.mjs precompiles into the bundle: every template under templates/, checked
// and precompiled by templates.ts with the escapers its users register (so the check is the one a
// template compiled at run time passes). Not part of the CLI.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import './dhcpd.ts';
import './ipxe.ts';
import '../init/files.ts';
import { precompileTemplate } from './templates.ts';

/** Each template's text, its precompiled specification (JavaScript source) and its helpers, in path order. */
export function templateSpecs(dir: string): Array<{ source: string; spec: string; helpers: string[] }> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.hbs')).sort();
  return files.map((file) => {
    const source = readFileSync(path.join(dir, file), 'utf8');
    return { source, ...precompileTemplate(file, source) };
  });
}
