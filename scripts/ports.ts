import { createServer } from 'node:net';

/**
 * Ports handed to another process (n8n, its task broker, Redis, PostgreSQL, Verdaccio) are free when
 * chosen but taken only later, when that process binds them. `npm run test:all` runs legs side by
 * side and gives each its own block, `RECORD_LINKS_PORTS=<first>-<last>`, below Linux's ephemeral
 * range (32768 on), so that neither another leg nor an outgoing connection can take a port in
 * between. Within a leg, each jest worker (and the process that starts them, as 0) has its own lane
 * of the block.
 */
const LANE_SIZE = 100;
const block = /^(\d+)-(\d+)$/.exec(process.env.RECORD_LINKS_PORTS ?? '');
const lane = Number(process.env.JEST_WORKER_ID ?? 0);
const first = block ? Number(block[1]) + lane * LANE_SIZE : 0;
const size = block && first + LANE_SIZE - 1 <= Number(block[2]) ? LANE_SIZE : 0;
let next = 0;

async function canListen(port: number): Promise<number | undefined> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(undefined));
		server.listen(port, '127.0.0.1', () => {
			const { port: bound } = server.address() as { port: number };
			server.close(() => resolve(bound));
		});
	});
}

/** A free TCP port on loopback: from this leg's block when it has one, else any the system gives. */
export async function freePort(): Promise<number> {
	for (let tries = 0; tries < size; tries++) {
		const port = first + (next++ % size);
		if ((await canListen(port)) !== undefined) return port;
	}
	const port = await canListen(0);
	if (port === undefined) throw new Error('No free port on 127.0.0.1');
	return port;
}
