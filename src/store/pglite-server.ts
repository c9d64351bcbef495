import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

// PGlite over the PostgreSQL wire protocol on loopback, so `npm start` can run the API and the
// worker as separate processes on the embedded store: each connects with an ordinary
// postgres:// URL, as it would to PostgreSQL. PGlite has one session, so connections take turns:
// one holds it from its first message until the session is idle again (ReadyForQuery "I"), which
// keeps a transaction's statements together. A connection that drops inside a transaction has it
// rolled back before the next one goes.

const PROTOCOL_3 = 196_608;
const SSL_REQUEST = 80_877_103;
const GSS_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const ROLLBACK = queryMessage('ROLLBACK');

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  /** Complete messages waiting for their turn. */
  pending: Buffer[];
  closed: boolean;
}

export interface PgliteServer {
  /** A postgres:// URL for it (no password: it listens on loopback only). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `db` on 127.0.0.1 (`port` 0 picks a free one). */
export async function servePglite(db: PGlite, port = 0): Promise<PgliteServer> {
  const connections: Connection[] = [];
  let owner: Connection | undefined;
  /** The session's state after the owner's last exchange: I idle, T in a transaction, E failed one. */
  let status: 'I' | 'T' | 'E' = 'I';
  let running = false;

  const drive = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        if (owner && owner.closed) {
          if (status !== 'I') await db.execProtocolRaw(ROLLBACK);
          status = 'I';
          owner = undefined;
        }
        if (owner && owner.pending.length === 0 && status === 'I') owner = undefined;
        if (!owner) owner = connections.find((connection) => !connection.closed && connection.pending.length > 0);
        if (!owner || owner.pending.length === 0) return;
        const message = Buffer.concat(owner.pending.splice(0));
        const answer = Buffer.from(await db.execProtocolRaw(message));
        const last = lastReadyStatus(answer);
        // No ReadyForQuery yet (an extended-protocol batch before its Sync): the turn goes on.
        status = last ?? (status === 'I' ? 'T' : status);
        if (!owner.closed) owner.socket.write(answer);
      }
    } finally {
      running = false;
    }
  };
  const kick = () => {
    void drive().catch((error: unknown) => {
      // The embedded database itself failed: nothing a client can retry on this server.
      for (const connection of connections) connection.socket.destroy(error as Error);
    });
  };

  const server: Server = createServer((socket) => {
    const connection: Connection = { socket, buffer: Buffer.alloc(0), started: false, pending: [], closed: false };
    connections.push(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      connection.buffer = Buffer.concat([connection.buffer, chunk]);
      if (readMessages(connection)) kick();
    });
    const close = () => {
      connection.closed = true;
      connections.splice(connections.indexOf(connection), 1);
      kick();
    };
    socket.on('close', close);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `postgres://postgres@127.0.0.1:${actualPort}/postgres`,
    port: actualPort,
    close: () => new Promise((resolve) => {
      for (const connection of connections) connection.socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Moves complete messages from the connection's buffer to its queue; true when some were queued. */
function readMessages(connection: Connection): boolean {
  let queued = false;
  for (;;) {
    const { buffer, socket } = connection;
    if (!connection.started) {
      if (buffer.length < 8) return queued;
      const length = buffer.readInt32BE(0);
      if (buffer.length < length) return queued;
      const code = buffer.readInt32BE(4);
      connection.buffer = buffer.subarray(length);
      if (code === SSL_REQUEST || code === GSS_REQUEST) {
        socket.write('N');
        continue;
      }
      if (code === CANCEL_REQUEST || code !== PROTOCOL_3) {
        socket.end();
        return queued;
      }
      connection.started = true;
      socket.write(startupAnswer());
      continue;
    }
    if (buffer.length < 5) return queued;
    const length = buffer.readInt32BE(1);
    if (buffer.length < length + 1) return queued;
    const message = buffer.subarray(0, length + 1);
    connection.buffer = buffer.subarray(length + 1);
    if (message[0] === 0x58 /* X: Terminate */) {
      socket.end();
      return queued;
    }
    connection.pending.push(Buffer.from(message));
    queued = true;
  }
}

/** The status byte of the last ReadyForQuery in a stream of backend messages, if any. */
function lastReadyStatus(answer: Buffer): 'I' | 'T' | 'E' | undefined {
  let status: 'I' | 'T' | 'E' | undefined;
  for (let offset = 0; offset + 5 <= answer.length;) {
    const type = answer[offset];
    const length = answer.readInt32BE(offset + 1);
    if (type === 0x5a /* Z */ && offset + 5 < answer.length) status = String.fromCharCode(answer[offset + 5]!) as 'I' | 'T' | 'E';
    offset += 1 + length;
  }
  return status;
}

function startupAnswer(): Buffer {
  const parameters: Array<[string, string]> = [
    ['server_version', '17.4'], ['server_encoding', 'UTF8'], ['client_encoding', 'UTF8'], ['DateStyle', 'ISO, MDY'],
    ['integer_datetimes', 'on'], ['standard_conforming_strings', 'on'], ['TimeZone', 'UTC'],
  ];
  const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
  const statuses = parameters.map(([name, value]) => message(0x53, Buffer.concat([cstring(name), cstring(value)])));
  const keyData = message(0x4b, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1]));
  const ready = message(0x5a, Buffer.from('I'));
  return Buffer.concat([authOk, ...statuses, keyData, ready]);
}

function queryMessage(sql: string): Buffer {
  return message(0x51, cstring(sql));
}

function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}
