// validate: JSON Schema per file, then the cross-file semantic checks; diagnostics, never exceptions.
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.ts';
import type { LoadedDocument, LoadedFleet } from '../load/types.ts';
import type { FleetInput, HostInput, ProfileInput } from '../model/input.ts';
import { checkAddresses } from './checks/addresses.ts';
import { checkFirstBoot } from './checks/first-boot.ts';
import { checkBoot } from './checks/boot.ts';
import { checkHardware } from './checks/hardware.ts';
import { checkHostKeys } from './checks/host-keys.ts';
import { checkInputs } from './checks/inputs.ts';
import { checkNames } from './checks/names.ts';
import { checkMtus } from './checks/mtu.ts';
import { checkNetworks } from './checks/networks.ts';
import { checkPorts } from './checks/ports.ts';
import { checkReferences } from './checks/references.ts';
import { checkSecrets } from './checks/secrets.ts';
import { checkSpellings } from './checks/spellings.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { Checked, CheckedFleet } from './context.ts';
import { schemaDiagnostics } from './schema-errors.ts';
import { schemaValidators } from './schemas.ts';

export type { Checked, CheckedFleet } from './context.ts';

/**
 * Data that passed its kind's schema. Parse-cache data is frozen and shared between compiles (fleetc
 * watch, the two sides of a plan), so a file that did not change is not validated again.
 */
const passedSchema = new WeakMap<object, LoadedDocument['kind']>();

/** Where the fleet's files sit in the repository, for the checks that depend on it. */
export interface RepositoryLayout {
  /** The nix directory relative to the fleet repository root, '/'-separated (e.g. "nix"). */
  nixDirFromRoot: string;
}

export function validateFleet(loaded: LoadedFleet, layout?: RepositoryLayout): StageResult<CheckedFleet> {
  const diagnostics: Diagnostic[] = [];
  const check = <T>(document: LoadedDocument): Checked<T> | undefined => {
    const data = document.data as object;
    if (passedSchema.get(data) === document.kind) return { document, data: data as T, name: nameOf(document) };
    const validate = schemaValidators()[document.kind];
    if (validate(document.data)) {
      if (Object.isFrozen(data)) passedSchema.set(data, document.kind);
      return { document, data: document.data as T, name: nameOf(document) };
    }
    diagnostics.push(...schemaDiagnostics(document, validate.errors ?? []));
    return undefined;
  };
  const fleet = loaded.fleet ? check<FleetInput>(loaded.fleet) : undefined;
  const checked: CheckedFleet = {
    fleet,
    profiles: loaded.profiles.map((d) => check<ProfileInput>(d)).filter((c) => c !== undefined),
    hosts: loaded.hosts.map((d) => check<HostInput>(d)).filter((c) => c !== undefined),
    nixFiles: loaded.nixFiles,
    allProfileNames: new Set(loaded.profiles.map(nameOf)),
    allHostNames: new Set(loaded.hosts.map(nameOf)),
  };
  const report = new Reporter();
  checkNames(checked, report);
  checkReferences(checked, report);
  checkInputs(checked, report, layout);
  const networks = checkNetworks(checked, report);
  checkAddresses(checked, networks, report);
  checkMtus(checked, report);
  checkPorts(checked, report);
  checkSpellings(checked, report);
  checkHardware(checked, report);
  checkFirstBoot(checked, report);
  checkSecrets(checked, report);
  checkBoot(checked, report);
  checkHostKeys(checked, report);
  return { value: checked, diagnostics: [...diagnostics, ...report.diagnostics] };
}

function nameOf(document: LoadedDocument): string {
  const name = (document.data as { name?: unknown }).name;
  return typeof name === 'string' ? name : document.stem;
}
