// @ts-check
// The ceiling for a JSON service: node:http answering every request with the same bytes the real service
// sends (the harness reads them from the service and passes them in BARE_BODY). Plain JavaScript, so Node
// starts it exactly as it starts a built service (no type stripping).
import { createServer } from 'node:http'

const body = Buffer.from(process.env.BARE_BODY ?? '{}', 'utf8')
const headers = { 'content-type': process.env.BARE_CONTENT_TYPE ?? 'application/json', 'content-length': body.length }
const health = Buffer.from('{"status":"ok"}')

createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': health.length }).end(health)
    return
  }
  res.writeHead(200, headers).end(body)
}).listen(Number(process.env.PORT ?? 9080), process.env.HOST ?? '127.0.0.1')

process.on('SIGTERM', () => process.exit(0))
