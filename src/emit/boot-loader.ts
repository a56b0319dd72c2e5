// The host module's boot.* settings: the boot loader its firmware and disk plan call for, the kernel,
// and what the layout needs at boot (ZFS, mdadm and its alerts). docs/disks.md explains the choices.
import type { Host } from '../model/fleet.ts';
import { hostDiskPlan } from './disk-plans.ts';
import type { LayoutPlan } from '../model/disk-plan.ts';
import { nixCode, nixString, nixValue, type NixCode } from './nix/printer.ts';

/**
 * bootConfig(host), printed once per disk plan and the few settings of the host it reads: as
 * printing it in place gives (it always has two keys or more, so it is never a dotted path). A
 * BIOS host booting from several disks names their devices: its configuration is its own.
 */
export function printedBootConfig(host: Host): NixCode | Record<string, unknown> {
  const plan = hostDiskPlan(host);
  if (host.firmware === 'bios' && bootPartitions(plan).length > 1) return bootConfig(host);
  const key = `${host.firmware}\0${host.layout.kind}\0${host.kernel.modules.length > 0}\0${host.kernel.package ?? ''}`;
  let byHost = printedConfigs.get(plan);
  if (!byHost) printedConfigs.set(plan, (byHost = new Map()));
  let printed = byHost.get(key);
  if (!printed) byHost.set(key, (printed = nixCode(nixValue(bootConfig(host), { collapsePaths: true }))));
  return printed;
}

const printedConfigs = new WeakMap<LayoutPlan, Map<string, NixCode>>();

function bootConfig(host: Host): Record<string, unknown> {
  return {
    loader: bootLoader(host),
    kernelParams: nixCode('host.kernel.params'),
    ...(host.kernel.modules.length > 0 ? { kernelModules: nixCode('host.kernel.modules') } : {}),
    ...(host.kernel.package !== undefined ? { kernelPackages: nixCode(`pkgs.${host.kernel.package}`) } : {}),
    ...(host.layout.kind === 'zfs' ? { supportedFilesystems: ['zfs'] } : {}),
    ...(host.layout.kind === 'raid1' ? { swraid: { enable: true, mdadmConf: nixCode(`"PROGRAM \${${MDADM_ALERT}}"`) } } : {}),
  };
}

/**
 * One disk: systemd-boot on the ESP (UEFI), or GRUB in the disk's EF02 partition, which disko adds
 * to boot.loader.grub.devices (BIOS). Several disks, each with a boot partition of its own: GRUB
 * installed into every one of them through mirroredBoots, so any disk boots the machine alone.
 * nixpkgs' grub.nix adds a /boot entry of its own for boot.loader.grub.devices; the BIOS case
 * empties that list so no disk is installed twice (its assertion refuses duplicates without EFI).
 */
function bootLoader(host: Host): Record<string, unknown> {
  const boots = bootPartitions(hostDiskPlan(host));
  if (host.firmware === 'uefi') {
    if (boots.length <= 1) return { 'systemd-boot': { enable: true }, efi: { canTouchEfiVariables: true } };
    // The removable path (EFI/BOOT/BOOT<arch>.EFI) on every ESP: firmware falls back to it on any
    // disk without an NVRAM entry, and grub.nix allows it only with canTouchEfiVariables off.
    return {
      grub: { enable: true, efiSupport: true, efiInstallAsRemovable: true, mirroredBoots: boots.map((b) => ({ path: b.path, devices: ['nodev'] })) },
      efi: { canTouchEfiVariables: false },
    };
  }
  if (boots.length <= 1) return { grub: { enable: true } };
  return {
    grub: {
      enable: true,
      devices: nixCode('lib.mkForce [ ]'),
      mirroredBoots: boots.map((b) => ({ path: b.path, devices: [host.disks[b.disk]!.device] })),
    },
  };
}

/** The disks' boot partitions (an ESP, or /boot beside GRUB's EF02), in disk order. */
function bootPartitions(plan: LayoutPlan): Array<{ disk: string; path: string }> {
  return plan.disks.flatMap((disk) =>
    disk.partitions.flatMap((p) => (p.content.kind === 'esp' || p.content.kind === 'boot' ? [{ disk: disk.name, path: p.content.mount }] : [])),
  );
}

/**
 * mdadm --monitor runs its PROGRAM with the event, the array and sometimes the member; without a
 * mail transfer agent a MAILADDR goes nowhere, so the events go to the journal, a lost disk at
 * priority alert (journalctl -p alert).
 */
const ALERT_SCRIPT = [
  'case "$1" in',
  '  Fail|FailSpare|DegradedArray|DeviceDisappeared|SparesMissing) priority=daemon.alert ;;',
  '  *) priority=daemon.notice ;;',
  'esac',
  'exec @logger@ -p "$priority" -t mdadm -- "$1 on $2 $3"',
  '',
].join('\n');

const MDADM_ALERT = `pkgs.writeShellScript "mdadm-alert" ${nixString(ALERT_SCRIPT).replace('@logger@', '${pkgs.util-linux}/bin/logger')}`;
