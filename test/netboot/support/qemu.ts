// QEMU network boots in a lab, in software emulation (accelerated guests triple-fault on this kind
// of machine): BIOS with QEMU's iPXE NIC ROM, or UEFI with OVMF and the NIC ROM off, so that OVMF's
// own PXE client fetches iPXE over TFTP first. The serial console goes to a file.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import type { Lab, LabProcess } from './lab.ts';

export type Firmware = 'bios' | 'uefi';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
/** iPXE binaries from Debian's ipxe package, served over TFTP. */
export const IPXE_FILES = { bios: '/usr/lib/ipxe/undionly.kpxe', uefi: '/usr/lib/ipxe/ipxe.efi' };

export interface QemuRun {
  process: LabProcess;
  serialFile: string;
  startedAt: number;
}

export function startQemu(lab: Lab, name: string, firmware: Firmware, mac: string, workDir: string, tap = lab.taps[0]!): QemuRun {
  const serialFile = `${workDir}/${name}.serial`;
  const args = ['qemu-system-x86_64', '-machine', 'q35,accel=tcg', '-m', firmware === 'uefi' ? '512' : '256', '-display', 'none', '-monitor', 'none', '-serial', `file:${serialFile}`, '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`];
  if (firmware === 'bios') {
    args.push('-boot', 'n', '-device', `virtio-net-pci,netdev=n0,mac=${mac}`);
  } else {
    const vars = `${workDir}/${name}-OVMF_VARS.fd`;
    copyFileSync(OVMF_VARS, vars);
    args.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`, '-device', `virtio-net-pci,netdev=n0,mac=${mac},romfile=`);
  }
  return { process: lab.start(name, args), serialFile, startedAt: Date.now() };
}

/** The serial console so far, with terminal escape sequences and carriage returns removed. */
export function serialText(run: QemuRun): string {
  if (!existsSync(run.serialFile)) return '';
  return readFileSync(run.serialFile, 'latin1')
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r/g, '');
}
