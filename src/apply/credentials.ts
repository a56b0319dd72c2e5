// First-boot secrets delivered by apply: read on the deployer from their { file } or { env } reference,
// written on the host to /var/lib/fleetc/credentials/<name> (0400 root, directory 0700), where the
// first-boot units load them with LoadCredential=. At provisioning they travel in nixos-anywhere's
// --extra-files tree (copied into the installed system's root); to a running host over SSH, the value
// on stdin. Values stay in memory, a staging directory of the machine's temporary directory (0700,
// removed after the install) and the host; never in logs, state or a command line.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firstBootConfigs } from '../emit/first-boot.ts';
import type { Fleet } from '../model/fleet.ts';
import { CREDENTIALS_DIR } from '../model/secrets.ts';
import { readSecret, SecretUnavailable } from './secrets.ts';

export interface Credential {
  name: string;
  value: string;
}

/** The secret names each host's first boot loads that apply delivers (not those kept by another tool). */
export function deliveredSecrets(fleet: Fleet): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const [host, config] of firstBootConfigs(fleet)) {
    names.set(host, Object.entries(config.secrets).filter(([, source]) => source.delivery === 'fleetc-apply').map(([name]) => name));
  }
  return names;
}

/** Reads the values, or says which secret cannot be read and why (never the value). */
export async function readCredentials(fleet: Fleet, names: readonly string[]): Promise<{ credentials: Credential[]; problems: string[] }> {
  const credentials: Credential[] = [];
  const problems: string[] = [];
  for (const name of names) {
    try {
      credentials.push({ name, value: await readSecret(fleet.secrets[name]!) });
    } catch (error) {
      if (!(error instanceof SecretUnavailable)) throw error;
      problems.push(`secret ${name}: ${error.message}`);
    }
  }
  return { credentials, problems };
}

/** Where the installed system's sshd finds its ed25519 host key (nixpkgs nixos/modules/services/networking/ssh/sshd.nix, services.openssh.hostKeys). */
export const HOST_KEY_PATH = '/etc/ssh/ssh_host_ed25519_key';

/**
 * The tree for nixos-anywhere --extra-files: <dir>/var/lib/fleetc/credentials/<name>, and with
 * hostKeyFor a new ed25519 host key pair at <dir>/etc/ssh/ (made by ssh-keygen, so the installed
 * system's key is known before anyone connects to it). Remove it with cleanup().
 */
export async function stageExtraFiles(credentials: readonly Credential[], hostKeyFor?: string): Promise<{ dir: string; publicKey?: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fleetc-extra-files-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // nixos-anywhere extracts the tree into the new root keeping modes (tar -p), so the parents
    // must be 0755 and the credential directory 0700 here already.
    const parents = async (of: string) => {
      let parent = dir;
      for (const part of of.split('/').filter(Boolean)) {
        parent = path.join(parent, part);
        await mkdir(parent, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
        await chmod(parent, 0o755);
      }
    };
    if (credentials.length > 0) {
      await parents(path.dirname(CREDENTIALS_DIR));
      const target = path.join(dir, CREDENTIALS_DIR);
      await mkdir(target, { mode: 0o700 });
      for (const { name, value } of credentials) await writeFile(path.join(target, name), value, { mode: 0o400 });
    }
    let publicKey: string | undefined;
    if (hostKeyFor !== undefined) {
      await parents(path.dirname(HOST_KEY_PATH));
      const file = path.join(dir, HOST_KEY_PATH);
      await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${hostKeyFor}`, '-f', file]);
      await chmod(file, 0o600);
      await chmod(`${file}.pub`, 0o644);
      publicKey = (await readFile(`${file}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    }
    await chmod(dir, 0o755);
    return { dir, ...(publicKey ? { publicKey } : {}), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * The remote command that stores one credential from stdin: created 0400 under umask 077, in a 0700
 * directory, renamed into place so a reader never sees half a secret. The name is a fleet secret
 * name (letters, digits, - and _), safe in a shell word.
 */
export function installCredentialCommand(name: string): string {
  const file = `${CREDENTIALS_DIR}/${name}`;
  return `umask 077 && mkdir -p ${CREDENTIALS_DIR} && chmod 0700 ${CREDENTIALS_DIR} && cat > ${file}.tmp && chmod 0400 ${file}.tmp && mv -f ${file}.tmp ${file}`;
}
