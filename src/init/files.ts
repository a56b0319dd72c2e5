// fleetc init: the files of a new fleet repository, as data ({ path, contents }); pure. Either a
// minimal fleet (one network, one profile, one host, each commented) or the photon-lab example, with
// the root marker, the operator's nix/, a .gitignore and the GitHub workflows that run fleetc's
// actions. Every YAML file's modeline points at the installed fleetc's schemas.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageFile } from '../package-root.ts';
import { compileTemplate, registerEscaper } from '../emit/templates.ts';
import { readTreeSync } from '../load/read-dir.ts';
import { intToIpv4, ipv4ToInt } from '../model/ipv4.ts';
import { ROOT_MARKER, DEFAULT_MARKER } from '../cli/fleet-root.ts';

export interface InitFile {
  /** '/'-separated, relative to the new repository's root. */
  path: string;
  contents: string;
}

export interface InitOptions {
  /** The fleet's name (a DNS label). */
  name: string;
  domain: string;
  /** The provisioning network, an IPv4 /8–/29 CIDR with room for the addresses below. */
  cidr: string;
  authorizedKeys: string[];
  /** The new repository's root and fleetc's schema/ directory, absolute: the modelines link them. */
  root: string;
  schemaDir: string;
}

// A double-quoted YAML scalar is a JSON string (YAML 1.2): the one escaping init's values need.
registerEscaper('yamlString', (value) => JSON.stringify(String(value)));
registerEscaper('yamlPath', (value) => {
  const text = String(value);
  if (!/^[A-Za-z0-9._/@+-]+$/.test(text)) throw new Error(`not a plain relative path: ${text}`);
  return text;
});

const template = (name: string) => compileTemplate<Record<string, unknown>>(name, readFileSync(packageFile(`templates/init/${name}`), 'utf8'));

const GITIGNORE = readFileSync(packageFile('templates/init/gitignore'), 'utf8');

/** The lines of fleetc's .gitignore that an existing one lacks (all of them for none). */
export function gitignoreAdditions(existing: string | undefined): string {
  if (existing === undefined) return GITIGNORE;
  const have = new Set(existing.split('\n').map((line) => line.trim()));
  const missing = GITIGNORE.split('\n').filter((line) => line !== '' && !line.startsWith('#') && !have.has(line));
  return missing.length === 0 ? '' : `${existing.endsWith('\n') || existing === '' ? '' : '\n'}# fleetc\n${missing.join('\n')}\n`;
}

/** The minimal fleet: one network, one profile, one host. */
export function minimalFleet(options: InitOptions): InitFile[] {
  const network = ipv4ToInt(options.cidr.split('/')[0]!);
  const at = (offset: number) => intToIpv4(network + offset);
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
    authorizedKeys: options.authorizedKeys,
  };
  const schema = (file: string) => schemaFrom(file, options);
  return [
    marker(),
    { path: 'fleet/fleet.yaml', contents: template('fleet.yaml.hbs')({ ...values, schema: schema('fleet/fleet.yaml') }) },
    { path: 'fleet/profiles/base.yaml', contents: template('profile.yaml.hbs')({ schema: schema('fleet/profiles/base.yaml') }) },
    { path: 'fleet/hosts/node-1.yaml', contents: template('host.yaml.hbs')({ ...values, name: 'node-1', schema: schema('fleet/hosts/node-1.yaml') }) },
    { path: 'nix/profiles/base.nix', contents: readFileSync(packageFile('templates/init/base.nix'), 'utf8') },
    ...workflows(),
  ];
}

/** The photon-lab example (examples/photon-lab of the fleetc package), without what build writes. */
export function exampleFleet(options: Pick<InitOptions, 'root' | 'schemaDir'>): InitFile[] {
  const example = packageFile('examples/photon-lab');
  const files: InitFile[] = [marker()];
  for (const dir of ['fleet', 'nix']) {
    for (const [rel, bytes] of readTreeSync(path.join(example, dir))) {
      const file = `${dir}/${rel}`;
      const text = bytes.toString('utf8');
      // The example's modelines point at this repository's schema/; a fleet's at its fleetc's.
      files.push({ path: file, contents: text.replace(/^(# yaml-language-server: \$schema=)(?:\.\.\/)+schema\//, `$1${schemaFrom(file, options)}/`) });
    }
  }
  return [...files, ...workflows()];
}

function marker(): InitFile {
  return { path: ROOT_MARKER, contents: `${JSON.stringify(DEFAULT_MARKER, null, 2)}\n` };
}

function workflows(): InitFile[] {
  const template = (name: string) => readFileSync(packageFile(`templates/init/${name}`), 'utf8');
  // Dependabot keeps the actions the workflows pin by commit current.
  return [...['pr.yml', 'apply.yml'].map((name) => ({ path: `.github/workflows/${name}`, contents: template(`workflows/${name}`) })), { path: '.github/dependabot.yml', contents: template('dependabot.yml') }];
}

/** fleetc's schema/ as seen from a file of the repository, '/'-separated. */
function schemaFrom(file: string, { root, schemaDir }: Pick<InitOptions, 'root' | 'schemaDir'>): string {
  return path.relative(path.join(root, path.dirname(file)), schemaDir).split(path.sep).join('/') || '.';
}
