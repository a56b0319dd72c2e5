// Host and profile names: DNS-label form, agreement with the file name, no duplicates.
import type { HostInput } from '../../model/input.ts';
import type { Checked, CheckedFleet, HostContext } from '../context.ts';
import type { Reporter } from '../../diagnostics/reporter.ts';
import { namePath } from '../context.ts';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** common.schema.json#/$defs/identifier, which a profile's name: field must match: its file name too. */
const IDENTIFIER = /^[a-z][a-z0-9-]{0,62}$/;

/** The host's own name: a DNS label, short enough with the domain, the file's name. */
export function checkHostName(host: Checked<HostInput>, context: HostContext, report: Reporter): void {
  if (!DNS_LABEL.test(host.name)) {
    report.at(host.document, namePath(host.data), {
      code: 'HOSTNAME_INVALID',
      message: `host name "${host.name}" is not a valid DNS label`,
      hint: 'use 1–63 lower-case letters, digits and dashes, not starting or ending with a dash',
    });
  }
  const domain = context.fleet?.data.domain;
  if (domain && host.name.length + 1 + domain.length > 253) {
    report.at(host.document, namePath(host.data), { code: 'HOSTNAME_INVALID', message: `${host.name}.${domain} is longer than 253 characters`, hint: 'shorten the host name or the fleet domain' });
  }
  checkFileNames([host], 'host', report);
}

/** Profile names, and names used twice (hosts' own names are checkHostName's). */
export function checkNames(fleet: CheckedFleet, report: Reporter): void {
  for (const profile of fleet.profiles) {
    // The name appears in iPXE scripts, netboot image names and Nix attributes: the file name must do.
    if (profile.data.name === undefined && !IDENTIFIER.test(profile.name)) {
      report.at(profile.document, [], {
        code: 'PROFILE_NAME_INVALID',
        message: `profile file ${profile.document.relPath} names the profile "${profile.name}", which is not a lower-case name`,
        hint: 'rename the file: lower-case letters, digits and dashes, starting with a letter (e.g. profiles/gpu-worker.yaml)',
      });
    }
  }
  checkFileNames(fleet.profiles, 'profile', report);
  checkDuplicates(fleet.hosts, 'HOST_DUPLICATE_NAME', 'host', report);
  checkDuplicates(fleet.profiles, 'PROFILE_DUPLICATE_NAME', 'profile', report);
}

function checkFileNames(items: Checked<{ name?: string }>[], noun: string, report: Reporter): void {
  for (const item of items) {
    if (item.data.name !== undefined && item.data.name !== item.document.stem) {
      report.at(item.document, ['name'], {
        code: 'NAME_FILE_MISMATCH',
        severity: 'warning',
        message: `${noun} "${item.data.name}" is defined in a file named ${item.document.stem}.yaml`,
        hint: `rename the file to ${item.data.name}.yaml so the fleet is easy to navigate`,
      });
    }
  }
}

function checkDuplicates(items: Checked<{ name?: string }>[], code: 'HOST_DUPLICATE_NAME' | 'PROFILE_DUPLICATE_NAME', noun: string, report: Reporter): void {
  const first = new Map<string, Checked<{ name?: string }>>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (!earlier) {
      first.set(item.name, item);
      continue;
    }
    report.at(item.document, namePath(item.data), {
      code,
      message: `${noun} "${item.name}" is also defined in ${earlier.document.file}`,
      hint: `every ${noun} needs its own name; rename or remove one of the two`,
    });
  }
}
