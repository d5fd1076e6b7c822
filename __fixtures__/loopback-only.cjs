// Preloaded into every end-to-end run of the bundle: a request to any host but this machine's
// loopback ends the process before it is sent, so a test that points the action at a real service
// (a GITHUB_API_URL that is not read, say) fails at once with this message, and nothing leaves the
// machine. E2E_ALSO_ALLOWED names more hosts, comma-separated (a name reached through a proxy).
const diagnostics = require('node:diagnostics_channel')
const { URL } = require('node:url')

const allowed = new Set([
  '127.0.0.1',
  'localhost',
  '[::1]',
  ...(process.env.E2E_ALSO_ALLOWED ?? '').split(',').filter(Boolean)
])

// Both Node's own fetch and the undici package the bundle carries publish here.
diagnostics.subscribe('undici:request:create', ({ request }) => {
  const origin = String(request.origin)
  if (!allowed.has(new URL(origin).hostname)) {
    process.stderr.write(`loopback-only: the action tried to reach ${origin}${request.path}\n`)
    process.exit(86)
  }
})
