// SSH public keys read by a real parser (sshpk, Joyent's OpenSSH key library, pure JavaScript): the
// type named on the line must be the type inside the base64 blob, the blob must decode completely,
// and two spellings of one key (another comment, say) are the same key.
import type Sshpk from 'sshpk';
import { sshpk } from '../util/lazy-modules.ts';

export interface ParsedPublicKey {
  /** "<type> <base64 blob>": the key without its comment, as known_hosts holds it. */
  canonical: string;
  /** SHA256:… as ssh-keygen -l prints it. */
  fingerprint: string;
}

export type KeyParse = { ok: true; key: ParsedPublicKey } | { ok: false; problem: string };

export function parsePublicKey(line: string): KeyParse {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) return { ok: false, problem: 'it is not "<type> <base64 key>"' };
  const inner = blobType(blob);
  if (inner !== undefined && inner !== type) return { ok: false, problem: `the line names ${type}, but the key inside is ${/^[\x21-\x7e]{1,64}$/.test(inner) ? inner : 'of no known type'}` };
  let key: Sshpk.Key;
  try {
    key = sshpk().parseKey(`${type} ${blob}`, 'ssh');
  } catch (error) {
    return { ok: false, problem: `the key does not parse (${(error as Error).message.replace(/^Failed to parse \(unnamed\) as a valid ssh format key: /, '')})` };
  }
  const canonical = key.toString('ssh').split(' ').slice(0, 2).join(' ');
  if (canonical !== `${type} ${blob}`) return { ok: false, problem: `the line says ${type}, but the key inside is ${canonical.split(' ')[0]} (or its base64 is not canonical)` };
  return { ok: true, key: { canonical, fingerprint: key.fingerprint('sha256').toString() } };
}

/** The key as known_hosts and the comparison want it: without a comment; unchanged when it does not parse. */
export function canonicalPublicKey(line: string): string {
  const parsed = parsePublicKey(line);
  return parsed.ok ? parsed.key.canonical : line;
}

export function fingerprintOf(line: string): string | undefined {
  const parsed = parsePublicKey(line);
  return parsed.ok ? parsed.key.fingerprint : undefined;
}

/** The key type the blob itself names (its first SSH string), if the blob is long enough to say. */
function blobType(blob: string): string | undefined {
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  return length <= bytes.length - 4 ? bytes.subarray(4, 4 + length).toString('latin1') : undefined;
}
