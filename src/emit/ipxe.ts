// ipxe/boot.ipxe and ipxe/hosts/<mac>.ipxe: the entry script with its fallback menu of profiles, and
// one script per boot NIC that boots the host's profile image with the host's identity. Both chain
// to the image's own script (IMAGE_SCRIPT), so the image's command line reaches the kernel too.
import { readFileSync } from 'node:fs';
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, Emitter } from './artifact.ts';
import { GENERATED_HEADER } from './artifact.ts';
import { bootInterface, bootScriptUrl, hostKernelArguments, hostScriptPath, IMAGE_CMDLINE_SETTING, IMAGE_SCRIPT, imageUrl, IPXE_DIR, profileImagesUrl } from './boot-layout.ts';
import { ipxeComment, ipxeLabel, ipxeText, ipxeWord, ipxeWords } from './ipxe/quote.ts';
import { compileTemplate, registerEscaper } from './templates.ts';
import { packageFile } from '../package-root.ts';

export const BOOT_SCRIPT_PATH = `${IPXE_DIR}/boot.ipxe`;

registerEscaper('ipxeWord', (value) => ipxeWord(String(value)));
registerEscaper('ipxeWords', (value) => ipxeWords(value as string[]));
registerEscaper('ipxeLabel', (value) => ipxeLabel(String(value)));
registerEscaper('ipxeText', (value) => ipxeText(String(value)));
registerEscaper('ipxeComment', (value) => ipxeComment(String(value)));
registerEscaper('ipxeNumber', (value) => {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`iPXE: not a non-negative integer: ${String(value)}`);
  return String(value);
});

interface BootContext {
  header: string;
  fleet: string;
  hostsUrl: string;
  timeoutSeconds: number;
  timeoutMilliseconds: number;
  cmdlineSetting: string;
  imageScript: string;
  profiles: Array<{ label: string; name: string; text: string; imageUrl: string; params: string[] }>;
}

interface HostContext {
  header: string;
  host: string;
  profile: string;
  system: string;
  firmware: string;
  nic: string;
  mac: string;
  cmdlineSetting: string;
  imageScript: string;
  args: string[];
  bootScript: string;
}

const template = (name: string) => readFileSync(packageFile(`templates/${name}.hbs`), 'utf8');
const renderBoot = compileTemplate<BootContext>('boot.ipxe', template('boot.ipxe'));
const renderHost = compileTemplate<HostContext>('host.ipxe', template('host.ipxe'));

/** boot.ipxe: shared by every host. */
export const emitIpxe: Emitter = (fleet) => {
  // A known host only meets the menu when its own script fails: its part of boot.ipxe is the chain logic.
  const chainOnly = renderBootScript(fleet, false);
  const boot: Artifact = {
    path: BOOT_SCRIPT_PATH,
    kind: 'ipxe',
    contents: renderBootScript(fleet, true),
    fragmentBase: chainOnly,
    fragments: Object.fromEntries(fleet.hosts.map((host) => [host.name, ''])),
  };
  return [boot];
};

/**
 * emitIpxe after only some hosts changed (fleetc watch): boot.ipxe reads the profiles and the boot
 * settings, and names the hosts only (each with an empty part), so with the same names and the same
 * text it is the same artifact.
 */
emitIpxe.patch = (previous, fleet) => {
  const [boot] = previous;
  if (!boot || previous.length !== 1 || !boot.fragments || boot.contents !== renderBootScript(fleet, true) || boot.fragmentBase !== renderBootScript(fleet, false)) return undefined;
  const fragments = boot.fragments;
  return Object.keys(fragments).length === fleet.hosts.length && fleet.hosts.every((h) => fragments[h.name] === '') ? [boot] : undefined;
};

/** ipxe/hosts/<mac>.ipxe: one per host (a separate emitter, so a rebuild renders only the hosts that changed). */
export const emitIpxeHosts: Emitter = (fleet) => fleet.hosts.map((host) => hostScript(fleet, host));
emitIpxeHosts.perHost = true;

function renderBootScript(fleet: Fleet, withProfiles: boolean): string {
  const profiles = withProfiles ? Object.values(fleet.profiles) : [];
  return renderBoot({
    header: GENERATED_HEADER,
    fleet: fleet.name,
    hostsUrl: `${fleet.boot.http}/hosts`,
    timeoutSeconds: fleet.boot.menuTimeoutSeconds,
    timeoutMilliseconds: fleet.boot.menuTimeoutSeconds * 1000,
    cmdlineSetting: IMAGE_CMDLINE_SETTING,
    imageScript: IMAGE_SCRIPT,
    profiles: profiles.map((profile) => ({
      label: `profile-${profile.name}`,
      name: profile.name,
      text: profile.description !== undefined ? `${profile.name}: ${profile.description}` : profile.name,
      imageUrl: profileImagesUrl(fleet, profile.name),
      params: profile.kernel.params,
    })),
  });
}

function hostScript(fleet: Fleet, host: Host): Artifact {
  const nic = bootInterface(host);
  return {
    path: `${IPXE_DIR}/${hostScriptPath(nic.mac)}`,
    kind: 'ipxe',
    host: host.name,
    contents: renderHost({
      header: GENERATED_HEADER,
      host: host.name,
      profile: host.profile,
      system: host.system,
      firmware: host.firmware,
      nic: nic.name,
      mac: nic.mac,
      cmdlineSetting: IMAGE_CMDLINE_SETTING,
      imageScript: `${imageUrl(fleet, host.profile, host.system)}/${IMAGE_SCRIPT}`,
      args: hostKernelArguments(host),
      bootScript: bootScriptUrl(fleet),
    }),
  };
}
