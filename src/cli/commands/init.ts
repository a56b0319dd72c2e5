// fleetc init [DIR]: writes a new fleet repository that validates and builds at once — a minimal
// fleet, or with --example the photon-lab example — then validates it.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { compileFromDisk } from '../../compile/index.ts';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { exampleFleet, minimalFleet } from '../../init/files.ts';
import { InitRefused, writeNewRepository } from '../../init/write.ts';
import { parseCidr } from '../../model/ipv4.ts';
import { PACKAGE_ROOT } from '../../package-root.ts';
import { UsageError } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderDiagnostics } from '../views/diagnostics.ts';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function registerInit(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('init')
    .description('write a new fleet repository (fleetc.json, fleet/, nix/, .gitignore, GitHub workflows) that validates and builds at once')
    .argument('[dir]', 'the directory of the new repository (empty, or holding only .git and an npm install of fleetc)', '.')
    .option('--example', 'write the photon-lab example fleet instead of a minimal one')
    .option('--name <name>', "the fleet's name, a DNS label (default: the directory's name)")
    .option('--domain <domain>', 'DNS domain of the hosts (default: <name>.internal)')
    .option('--network <cidr>', 'the provisioning network, /8 to /24', '10.0.0.0/24')
    .option('--authorized-key <file...>', 'public key files whose keys may log into the hosts and installers')
    .action(async (dir: string, options: Record<string, unknown>) => {
      const root = path.resolve(dir);
      const files = options.example ? exampleFleet({ root, schemaDir: schemaDir(root) }) : minimalFleet(minimalOptions(root, options));
      try {
        writeNewRepository(root, files);
      } catch (error) {
        if (!(error instanceof InitRefused)) throw error;
        io.stderr(`fleetc: ${error.message}\n`);
        return setExit(EXIT.failed);
      }
      const shown = path.relative(process.cwd(), root) || '.';
      const result = await compileFromDisk({ fleetDir: path.join(root, 'fleet'), outDir: path.join(root, 'generated'), nixDir: path.join(root, 'nix'), rootDir: root }, { validateOnly: true });
      io.stdout(renderDiagnostics('text', result.diagnostics, result.sources));
      io.stderr(`wrote a fleet repository in ${shown}: ${files.length} files (${result.hostCount} hosts, ${result.profileCount} profiles; ${hasErrors(result.diagnostics) ? 'invalid' : 'valid'})\n`);
      if (!hasErrors(result.diagnostics)) io.stderr(`next: cd ${shown} && fleetc build, then commit fleet/, nix/, flake.nix, flake.lock and generated/\n`);
      setExit(hasErrors(result.diagnostics) ? EXIT.failed : EXIT.ok);
    });
}

function minimalOptions(root: string, options: Record<string, unknown>) {
  const name = (options.name as string | undefined) ?? path.basename(root).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!LABEL.test(name)) throw new UsageError(`the fleet's name must be a DNS label (lower-case letters, digits and -), not ${JSON.stringify(name)}: pass --name`);
  const cidr = parseCidr(String(options.network));
  if (!cidr.ok || cidr.value.prefixLength > 24) throw new UsageError(`--network ${String(options.network)}: ${cidr.ok ? 'needs room for the pool (.200–.250): /24 or larger' : cidr.reason}`);
  const keys = ((options.authorizedKey as string[] | undefined) ?? []).flatMap((file) => {
    try {
      return fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    } catch (error) {
      throw new UsageError(`--authorized-key ${file}: ${(error as Error).message}`);
    }
  });
  return { name, domain: (options.domain as string | undefined) ?? `${name}.internal`, cidr: cidr.canonical, authorizedKeys: keys, root, schemaDir: schemaDir(root) };
}

/**
 * fleetc's schema/ for the new repository's modelines: its own npm install when it has one (what the
 * editor finds after npm ci), else the running fleetc's.
 */
function schemaDir(root: string): string {
  const local = path.join(root, 'node_modules', 'fleetc', 'schema');
  return fs.existsSync(local) ? local : path.join(PACKAGE_ROOT, 'schema');
}
