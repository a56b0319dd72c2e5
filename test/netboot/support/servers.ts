// The boot server's daemons, started in a lab from generated/ output: dhcpd or Kea, dnsmasq for
// TFTP only, and the request-logging HTTP server. Only paths that belong to the machine running a
// server (lease files, pid and lock directories) are changed; what the fleet decides is used as is.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor, type Lab, type LabProcess } from './lab.ts';

export const HTTP_SERVER = fileURLToPath(new URL('./http-server.mjs', import.meta.url));
export const DHCP_PROBE = fileURLToPath(new URL('./dhcp-probe.py', import.meta.url));

export type DhcpServer = 'dhcpd' | 'kea';

/** dhcpd from generated/dhcp/dhcpd.conf; `ping-check false` only saves a second per offer in tests. */
export async function startDhcpd(lab: Lab, generated: string, workDir: string): Promise<LabProcess> {
  mkdirSync(workDir, { recursive: true });
  const conf = `${workDir}/dhcpd.conf`;
  writeFileSync(conf, `${readFileSync(`${generated}/dhcp/dhcpd.conf`, 'utf8')}\n# test only\nping-check false;\n`);
  writeFileSync(`${workDir}/dhcpd.leases`, '');
  const dhcpd = lab.start('dhcpd', ['dhcpd', '-4', '-f', '-d', '-cf', conf, '-lf', `${workDir}/dhcpd.leases`, '-pf', `${workDir}/dhcpd.pid`, lab.options.bridge]);
  await waitFor('dhcpd to start', () => lab.log('dhcpd').includes('Server starting service.') || dhcpd.child.exitCode !== null, 10_000);
  if (dhcpd.child.exitCode !== null) throw new Error(`dhcpd exited:\n${lab.log('dhcpd')}`);
  return dhcpd;
}

/** Kea from generated/dhcp/kea-dhcp4.json, with its lease file, pid and lock files in the work directory. */
export async function startKea(lab: Lab, generated: string, workDir: string): Promise<LabProcess> {
  mkdirSync(workDir, { recursive: true });
  const config = JSON.parse(readFileSync(`${generated}/dhcp/kea-dhcp4.json`, 'utf8')) as { Dhcp4: Record<string, unknown> };
  config.Dhcp4['lease-database'] = { type: 'memfile', persist: true, name: `${workDir}/kea-leases4.csv`, 'lfc-interval': 0 };
  const file = `${workDir}/kea-dhcp4.json`;
  writeFileSync(file, JSON.stringify(config, null, 2));
  const kea = lab.start('kea', ['kea-dhcp4', '-c', file], { KEA_PIDFILE_DIR: workDir, KEA_LOCKFILE_DIR: workDir });
  await waitFor('Kea to start', () => /DHCP4_STARTED|DHCPSRV_CFGMGR_ALL_IFACES_ACTIVE|DHCP4_CONFIG_COMPLETE/.test(lab.log('kea')) || kea.child.exitCode !== null, 10_000);
  if (kea.child.exitCode !== null) throw new Error(`kea-dhcp4 exited:\n${lab.log('kea')}`);
  return kea;
}

export async function startDhcp(server: DhcpServer, lab: Lab, generated: string, workDir: string): Promise<LabProcess> {
  return server === 'dhcpd' ? startDhcpd(lab, generated, workDir) : startKea(lab, generated, workDir);
}

/** TFTP only (port=0 turns DNS off, no DHCP range is configured): serves the iPXE binaries. */
export async function startTftp(lab: Lab, address: string, files: Record<string, string>, workDir: string): Promise<LabProcess> {
  const root = `${workDir}/tftp`;
  mkdirSync(root, { recursive: true });
  for (const [name, source] of Object.entries(files)) copyFileSync(source, `${root}/${name}`);
  const tftp = lab.start('tftp', ['dnsmasq', '--port=0', '--enable-tftp', `--tftp-root=${root}`, '--keep-in-foreground', '--user=root', `--listen-address=${address}`, '--bind-interfaces', '--log-facility=-', `--pid-file=${workDir}/dnsmasq.pid`]);
  await waitFor('dnsmasq to start', () => lab.log('tftp').includes('TFTP root is') || tftp.child.exitCode !== null, 10_000);
  if (tftp.child.exitCode !== null) throw new Error(`dnsmasq exited:\n${lab.log('tftp')}`);
  return tftp;
}

export interface HttpRequest {
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

export async function startHttp(lab: Lab, address: string, port: number, root: string, failFirst: string[] = []): Promise<LabProcess> {
  const http = lab.start('http', [process.execPath, HTTP_SERVER, '--root', root, '--host', address, '--port', String(port), ...failFirst.flatMap((p) => ['--fail-first', p])]);
  await waitFor('the HTTP server to listen', () => lab.log('http').includes('"listening"') || http.child.exitCode !== null, 10_000);
  if (http.child.exitCode !== null) throw new Error(`HTTP server exited:\n${lab.log('http')}`);
  return http;
}

export function httpRequests(lab: Lab): HttpRequest[] {
  return lab
    .log('http')
    .split('\n')
    .filter((line) => line.startsWith('{"method"'))
    .map((line) => JSON.parse(line) as HttpRequest);
}

export interface Offer {
  yiaddr: string;
  siaddr: string;
  file: string;
  hostName: string | null;
  serverId: string | null;
  routers: string | null;
}

export interface ProbeOptions {
  mac: string;
  /** DHCP option 93; undefined sends none. */
  arch?: number;
  userClass?: string;
  ipxeEncap?: boolean;
}

/** One DISCOVER from the client namespace; the OFFER it got, or null. */
export function probe(lab: Lab, options: ProbeOptions): Offer | null {
  const args = ['python3', DHCP_PROBE, '--iface', lab.clientIface, '--mac', options.mac, '--timeout', '4'];
  if (options.arch !== undefined) args.push('--arch', String(options.arch));
  if (options.userClass !== undefined) args.push('--user-class', options.userClass);
  if (options.ipxeEncap) args.push('--ipxe-encap');
  return (JSON.parse(lab.run(args, 'client')) as { offer: Offer | null }).offer;
}
