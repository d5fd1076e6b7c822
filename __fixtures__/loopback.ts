// Every server a test starts listens on 127.0.0.1 only, on a port the system picks.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts `server` on 127.0.0.1; resolves to its `http://127.0.0.1:<port>` URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
}
