/**
 * The services n8n's queue mode needs, for the queue-mode tests: Redis (Debian's `redis-server`)
 * and PostgreSQL (Debian's `postgresql`), each on a free loopback port with a throwaway data folder,
 * run in its own process group and stopped (folder removed) afterwards.
 *
 * PostgreSQL refuses to run as root (CI runs as root): then initdb and postgres run as the
 * `postgres` OS user (Debian's package creates it) through `setpriv`, in a folder that user owns.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { capture, run, spawnGroup, stopGroup } from './processes';

export interface Service {
	port: number;
	stop(): Promise<void>;
}

export interface Postgres extends Service {
	user: string;
	database: string;
	/** Runs one SQL statement with psql; rows as arrays of column texts. */
	query(sql: string): Promise<string[][]>;
}

const POSTGRES_USER = 'n8n';
const POSTGRES_DATABASE = 'postgres';

/** Keeps a service's last output lines, for the error when it does not come up. */
function tailOf(child: ChildProcess): () => string {
	let tail = '';
	const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-3000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => tail;
}

async function waitUntil(what: string, child: ChildProcess, tail: () => string, ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${what} exited (code ${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`);
		}
		if (await ready()) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} was not ready within ${timeoutMs / 1000}s:\n${tail()}`);
}

/** Whether Redis on the port answers PING. */
async function redisAnswers(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
	});
}

/** Redis on a free loopback port, nothing persisted. */
export async function startRedis(): Promise<Service> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'record-links-redis-'));
	const child = spawnGroup('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		cwd: dir,
	});
	const tail = tailOf(child);
	const stop = async () => {
		await stopGroup(child);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitUntil('redis-server', child, tail, async () => await redisAnswers(port));
	} catch (error) {
		await stop();
		throw error;
	}
	return { port, stop };
}

/** The newest PostgreSQL server binaries Debian installed (`/usr/lib/postgresql/<major>/bin`). */
function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const majors = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))) : [];
	const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
	return join(root, newest, 'bin');
}

/** How to run a PostgreSQL binary: as root, as the `postgres` OS user; otherwise as we are. */
function asPostgresUser(bin: string, args: string[]): [string, string[]] {
	return userInfo().uid === 0 ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', bin, ...args]] : [bin, args];
}

/** The uid and gid of the `postgres` OS user (for the data folder when we are root). */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
	const id = async (flag: string) => {
		const { code, output } = await capture('id', [flag, 'postgres']);
		if (code !== 0) throw new Error('There is no "postgres" OS user to run PostgreSQL as (we are root)');
		return Number(output.trim());
	};
	return { uid: await id('-u'), gid: await id('-g') };
}

/** PostgreSQL on a free loopback port in a throwaway cluster; user `n8n` (trust auth on loopback). */
export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBin();
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'record-links-postgres-'));
	const dataDir = join(dir, 'data');
	mkdirSync(dataDir, { mode: 0o700 });
	if (userInfo().uid === 0) {
		const { uid, gid } = await postgresIds();
		chmodSync(dir, 0o755);
		chownSync(dataDir, uid, gid);
	}
	const [initdb, initdbArgs] = asPostgresUser(join(bin, 'initdb'), ['-D', dataDir, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--no-sync']);
	await run(initdb, initdbArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
	// TCP on loopback only, no Unix socket, no fsync (throwaway data).
	const [postgres, postgresArgs] = asPostgresUser(join(bin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
	]);
	const child = spawnGroup(postgres, postgresArgs, { cwd: dir });
	const tail = tailOf(child);
	const psql = async (sql: string) =>
		await capture('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', POSTGRES_DATABASE, '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
	// Fast shutdown (SIGINT): ends the clients' sessions instead of waiting for them.
	const stop = async () => {
		await stopGroup(child, 15_000, 'SIGINT');
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitUntil('postgres', child, tail, async () => (await psql('SELECT 1')).code === 0);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		port,
		user: POSTGRES_USER,
		database: POSTGRES_DATABASE,
		stop,
		async query(sql) {
			const { code, output } = await psql(sql);
			if (code !== 0) throw new Error(`psql failed: ${output}`);
			return output
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => line.split('\t'));
		},
	};
}
