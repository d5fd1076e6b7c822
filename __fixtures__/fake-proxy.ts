// A forward proxy on 127.0.0.1, like the one a company puts in front of its self-hosted runners. It
// answers `CONNECT host:443`, records what was asked, and, holding a certificate for `hostname`
// made for the test, opens the TLS itself and hands the decrypted requests to a local server: a
// request can be followed through it end to end. Clients trust the certificate through
// NODE_EXTRA_CA_CERTS=`caFile`. Needs the `openssl` command (Debian's openssl package).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TLSSocket } from 'node:tls'

export interface FakeProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string
  /** The `host:port` of every CONNECT, in order. */
  connects: string[]
  /** The certificate to trust (PEM). */
  caFile: string
  close(): Promise<void>
}

export async function startFakeProxy(options: {
  hostname: string
  /** Where decrypted requests go: `http://127.0.0.1:PORT`. */
  upstream: string
}): Promise<FakeProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-proxy-'))
  const keyFile = join(dir, 'key.pem')
  const caFile = join(dir, 'cert.pem')
  // A self-signed certificate for the hostname, valid for a day.
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-keyout', keyFile, '-out', caFile, '-subj', `/CN=${options.hostname}`],
      ...['-addext', `subjectAltName=DNS:${options.hostname}`]
    ],
    { stdio: 'ignore' }
  )
  const key = readFileSync(keyFile)
  const cert = readFileSync(caFile)
  const upstream = new URL(options.upstream)
  const connects: string[] = []
  const sockets = new Set<Socket>()

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    let head = ''
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      const [method, target = ''] = head.split(' ')
      connects.push(target)
      const [host] = target.split(':')
      if (method !== 'CONNECT' || host !== options.hostname) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
        return
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      const tls = new TLSSocket(socket, { isServer: true, key, cert })
      const inner = connect(Number(upstream.port), upstream.hostname)
      sockets.add(inner)
      inner.on('close', () => sockets.delete(inner))
      tls.on('error', () => inner.destroy())
      inner.on('error', () => tls.destroy())
      tls.pipe(inner).pipe(tls)
    }
    socket.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no proxy address')
  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    connects,
    caFile,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        })
      )
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
