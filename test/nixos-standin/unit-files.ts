// Unit files from evaluated systemd.services/timers, written the way NixOS writes them
// (nixos/lib/systemd-lib.nix: serviceToUnit, attrsToSection, and the unitConfig module that turns
// description, wants, requires, after, before, startLimitIntervalSec into [Unit] keys), so systemd's
// own parser (systemd-analyze verify) can read what a NixOS machine would get. Only what fleetc's
// modules set is rendered; WantedBy= is not (NixOS makes it a .wants symlink, not an [Install] key).

export interface EvaluatedUnit {
  description?: string;
  wants?: string[];
  requires?: string[];
  after?: string[];
  before?: string[];
  startLimitIntervalSec?: number;
  unitConfig?: Record<string, unknown>;
  serviceConfig?: Record<string, unknown>;
  timerConfig?: Record<string, unknown>;
}

/** attrsToSection: Key=value, one line per item of a list; true/false for booleans. */
function section(name: string, values: Record<string, unknown>): string {
  const lines = Object.entries(values).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${key}=${item === true ? 'true' : item === false ? 'false' : String(item)}`));
  return `[${name}]\n${lines.join('\n')}\n`;
}

export function renderUnit(unit: EvaluatedUnit): string {
  const unitSection: Record<string, unknown> = {
    ...(unit.requires?.length ? { Requires: unit.requires.join(' ') } : {}),
    ...(unit.wants?.length ? { Wants: unit.wants.join(' ') } : {}),
    ...(unit.after?.length ? { After: unit.after.join(' ') } : {}),
    ...(unit.before?.length ? { Before: unit.before.join(' ') } : {}),
    ...(unit.description ? { Description: unit.description } : {}),
    ...(unit.startLimitIntervalSec !== undefined ? { StartLimitIntervalSec: String(unit.startLimitIntervalSec) } : {}),
    ...unit.unitConfig,
  };
  return [section('Unit', unitSection), unit.serviceConfig ? section('Service', unit.serviceConfig) : '', unit.timerConfig ? section('Timer', unit.timerConfig) : ''].join('\n');
}
