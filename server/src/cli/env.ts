import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Environment } from '../core/environment/environment';
import { removeStaleUploads } from '../core/environment/packages';
import { isPlatformVersion } from '../core/packaging/cardCheck';
import { createHandler } from '../env/http';
import { allowedHostName, hostGuard } from '../env/hostCheck';
import { tool } from './envArgs';
import { ExitCode, Io, UsageError } from './usage';
import { withoutPassword } from '../core/environment/db/redact';

const USAGE = 'usage: isola env serve [--data DIR] [--port N] [--host ADDR] [--allowed-host NAME]... [--database URL] [--name NAME] [--platform VERSION]';

/** `isola env serve`: the environment service over HTTP (loopback unless --host says otherwise). */
export async function runEnv(args: string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub !== 'serve') throw new UsageError(USAGE);
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: {
      data: { type: 'string' }, port: { type: 'string', default: '7700' }, host: { type: 'string', default: '127.0.0.1' },
      database: { type: 'string' }, name: { type: 'string' }, platform: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
    },
  });
  if (positionals.length) throw new UsageError(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${values.port}")`);
  if (values.platform !== undefined && !isPlatformVersion(values.platform)) throw new UsageError(`--platform must be a platform version such as 2024.4 (got ${JSON.stringify(values.platform).slice(0, 80)})`);
  const allowed = (values['allowed-host'] ?? []).map((n) => allowedHostName(n) ?? badHostName(n));
  const dataDir = path.resolve(io.cwd, values.data ?? path.join(os.homedir(), '.local', 'share', 'isola', 'environment'));
  const databaseUrl = values.database ?? process.env.ISOLA_DATABASE_URL;
  let env: Environment;
  try {
    // A crash of the embedded database fails every request from then on (503): said here once.
    const onDatabaseStop = (e: Error) => io.err(`isola env: ${e.message}\n`);
    env = await Environment.open({ dataDir, databaseUrl, name: values.name, tool: tool(), onDatabaseStop });
  } catch (e) {
    // Whatever the database driver quotes of the URL, never its password.
    throw new UsageError(`cannot open the environment's database: ${withoutPassword((e as Error).message, databaseUrl)}`);
  }
  if (values.platform) await env.updateSettings(Environment.localCaller('isola'), { platform: values.platform });
  // An editor that runs the embedded environment as its own service passes a token this way
  // (never on the command line, where other users could read it).
  if (process.env.ISOLA_ADMIN_TOKEN) await env.setAdminToken(process.env.ISOLA_ADMIN_USER ?? 'editor', process.env.ISOLA_ADMIN_TOKEN);
  // An upload or export cut off by a kill leaves its partial file behind; nothing can finish it now.
  const stale = await removeStaleUploads(path.join(dataDir, 'packages'));
  if (stale.length) io.out(`Removed ${stale.length} unfinished upload(s) or export(s) left by an earlier run\n`);
  // Exports no client downloaded within a day (a client that died before its download): now and every hour.
  const forgetExports = async () => {
    const n = await env.forgetUndownloadedExports().catch(() => 0);
    if (n) io.out(`Removed ${n} export(s) no client downloaded within a day\n`);
  };
  await forgetExports();
  const hourly = setInterval(() => void forgetExports(), 60 * 60 * 1000);
  hourly.unref();
  const server = createServer(createHandler(env, tool().version, { hostAllowed: hostGuard(values.host!, allowed) }));
  server.requestTimeout = 0; // uploads of large packages take as long as they take
  // Idle keep-alive connections live longer than clients keep them (undici: 4 s, proxies: 60 s):
  // with Node's 5 s, a busy client can send on a socket the service is just closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new UsageError(`cannot listen on ${values.host}:${port}: ${(e as Error).message}`)));
      server.listen(port, values.host, resolve);
    });
  } catch (e) {
    clearInterval(hourly);
    await env.close().catch(() => undefined);
    throw e;
  }
  // Only once the port is ours: the administrator is made once and its token shown only then,
  // so a run that cannot listen (a busy port) must not make one nobody will ever see.
  const token = await env.ensureAdmin();
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const info = await env.info();
  io.out(`Isola environment "${info.name}" listening on http://${values.host}:${actual} (database: ${databaseUrl ? 'PostgreSQL' : `embedded, in ${dataDir}`})\n`);
  if (token) io.out(`Administrator token (shown once; keep it in a secret store): ${token}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close();
      server.closeAllConnections();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(hourly);
  await env.close();
  return 0;
}

function badHostName(name: string): never {
  throw new UsageError(`--allowed-host must be a host name such as isola.example.com, without a port (got ${JSON.stringify(name).slice(0, 80)})`);
}
