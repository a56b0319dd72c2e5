// A small Redfish service for tests: ServiceRoot, the Systems collection, one ComputerSystem with
// PowerState and Boot override, and ComputerSystem.Reset — the calls fleetc uses — over HTTPS with
// a certificate from a throwaway CA, behind HTTP Basic authentication. It records every request.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface RedfishRequest {
  method: string;
  path: string;
  body?: unknown;
  user?: string;
}

export interface RedfishServer {
  port: number;
  caFile: string;
  requests: RedfishRequest[];
  system: { PowerState: 'On' | 'Off'; Boot: Record<string, unknown> };
  close(): Promise<void>;
}

const SYSTEM = '/redfish/v1/Systems/1';
const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'PowerCycle'];

/** A CA and a server certificate for 127.0.0.1, made with openssl in dir. */
export function makeCertificates(dir: string): { caFile: string; keyFile: string; certFile: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=fleetc test BMC CA');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'bmc.key', '-out', 'bmc.csr', '-subj', '/CN=127.0.0.1');
  require_ext(dir);
  run('x509', '-req', '-in', 'bmc.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'bmc.pem', '-days', '2', '-extfile', 'san.ext');
  return { caFile: path.join(dir, 'ca.pem'), keyFile: path.join(dir, 'bmc.key'), certFile: path.join(dir, 'bmc.pem') };
}

function require_ext(dir: string): void {
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n" > san.ext'], { cwd: dir });
}

export async function startRedfishServer(dir: string, credentials: { user: string; password: string }): Promise<RedfishServer> {
  const certs = makeCertificates(dir);
  const requests: RedfishRequest[] = [];
  const system = { PowerState: 'Off' as 'On' | 'Off', Boot: { BootSourceOverrideTarget: 'None', BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideMode: 'UEFI' } as Record<string, unknown> };
  const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  const server = https.createServer({ key: readFileSync(certs.keyFile), cert: readFileSync(certs.certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(400, { error: { code: 'Base.1.0.MalformedJSON', message: 'body is not JSON' } });
      }
      const url = (req.url ?? '').replace(/\/$/, '');
      const auth = req.headers.authorization;
      requests.push({ method: req.method ?? '', path: url, ...(body !== undefined ? { body } : {}), ...(auth?.startsWith('Basic ') ? { user: Buffer.from(auth.slice(6), 'base64').toString().split(':')[0] } : {}) });
      if (url === '/redfish' && req.method === 'GET') return send(200, { v1: '/redfish/v1/' });
      if (url !== '/redfish/v1' && auth !== expected) return send(401, { error: { code: 'Base.1.0.GeneralError', message: 'authentication required' } });
      if (req.method === 'GET' && url === '/redfish/v1') {
        return send(200, { '@odata.id': '/redfish/v1', '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot', Id: 'RootService', Name: 'Root Service', RedfishVersion: '1.6.0', UUID: '92384634-2938-2342-8820-489239905423', Systems: { '@odata.id': '/redfish/v1/Systems' }, Chassis: { '@odata.id': '/redfish/v1/Chassis' }, Managers: { '@odata.id': '/redfish/v1/Managers' }, SessionService: { '@odata.id': '/redfish/v1/SessionService' }, Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } } });
      }
      if (req.method === 'GET' && url === '/redfish/v1/Systems') {
        return send(200, { '@odata.id': '/redfish/v1/Systems', '@odata.type': '#ComputerSystemCollection.ComputerSystemCollection', Name: 'Computer System Collection', Members: [{ '@odata.id': SYSTEM }], 'Members@odata.count': 1 });
      }
      if (req.method === 'GET' && url === SYSTEM) {
        return send(200, {
          '@odata.id': SYSTEM, '@odata.type': '#ComputerSystem.v1_10_0.ComputerSystem', Id: '1', Name: 'fleetc test system', SystemType: 'Physical', PowerState: system.PowerState,
          Boot: { ...system.Boot, 'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup'] },
          Actions: { '#ComputerSystem.Reset': { target: `${SYSTEM}/Actions/ComputerSystem.Reset`, 'ResetType@Redfish.AllowableValues': RESET_TYPES } },
        });
      }
      if (req.method === 'PATCH' && url === SYSTEM) {
        const boot = (body as { Boot?: Record<string, unknown> } | undefined)?.Boot;
        if (!boot) return send(400, { error: { code: 'Base.1.0.PropertyMissing', message: 'Boot' } });
        Object.assign(system.Boot, boot);
        return send(204);
      }
      if (req.method === 'POST' && url === `${SYSTEM}/Actions/ComputerSystem.Reset`) {
        const type = (body as { ResetType?: string } | undefined)?.ResetType;
        if (!type || !RESET_TYPES.includes(type)) return send(400, { error: { code: 'Base.1.0.ActionParameterValueNotInList', message: String(type) } });
        system.PowerState = type === 'ForceOff' || type === 'GracefulShutdown' ? 'Off' : 'On';
        return send(204);
      }
      return send(404, { error: { code: 'Base.1.0.ResourceMissingAtURI', message: url } });
    });
    function send(status: number, json?: unknown): void {
      res.writeHead(status, { 'Content-Type': 'application/json', 'OData-Version': '4.0' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caFile: certs.caFile,
    requests,
    system,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
