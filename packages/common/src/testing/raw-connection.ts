import { connect, type Socket } from 'node:net';

/** A raw client connection, with what it received so far and whether it is closed. */
export interface RawConnection {
  readonly socket: Socket;
  received(): string;
  closed(): boolean;
}

/**
 * Opens a TCP connection to `host:port` from `localAddress` (on Linux any of 127.0.0.0/8 is this machine, so one
 * test plays many clients) and writes `send` as is: half a request, to hold a connection as a slow or hostile
 * client does. A connection the server resets counts as closed.
 *
 * @example
 * const idle = await openRawConnection(port, '127.0.0.2', 'GET / HTTP/1.1\r\nHost: x\r\n');
 */
export function openRawConnection(
  port: number,
  localAddress: string,
  send: string,
  host = '127.0.0.1',
): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    let received = '';
    let closed = false;
    const socket = connect({ host, port, localAddress });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
    });
    socket.once('connect', () => {
      if (send !== '') socket.write(send);
      resolve({ socket, received: () => received, closed: () => closed });
    });
    socket.once('error', reject);
  });
}
