import { Writable } from 'node:stream'
import Fastify from 'fastify'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { hygienePlugin } from '../src/hygiene.ts'
import { registerJsonHealth } from '../src/health.ts'
import { loggerOptions } from '../src/logger.ts'
import { serverOptions } from '../src/server-options.ts'

/** An app whose process logger writes JSON lines into `lines`. */
async function build (level = 'info') {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const app = Fastify(serverOptions(pino(loggerOptions({ level, pretty: false, name: 'svc' }), sink)))
  await app.register(hygienePlugin)
  registerJsonHealth(app, { service: 'Svc' })
  app.get('/items/:id', async (request) => {
    request.log.info({ headers: request.headers }, 'handler saw the headers')
    return { ok: true }
  })
  app.get('/boom', async () => { throw new Error('internals') })
  app.get('/tokens', async (request) => {
    request.log.info({ tokens, access_token: 'top-level-token', list: ['kept'] }, 'got tokens')
    return { ok: true }
  })
  return { app, lines }
}

const tokens = { access_token: 'nested-access', id_token: 'nested-id', refresh_token: 'nested-refresh', token_type: 'Bearer' }
const SECRET_HEADERS = { authorization: 'Bearer secret-token-value', cookie: 'session=secret-cookie-value', 'x-request-id': 'rid-42' }

describe('access log', () => {
  it('writes one line per request, when it is done, with request, status and time', async () => {
    const { app, lines } = await build()
    await app.inject({ url: '/nope', headers: { 'x-request-id': 'rid-1' } })
    const access = lines.filter((l) => l.reqId === 'rid-1')
    expect(access).toHaveLength(1)
    expect(access[0]).toMatchObject({
      level: 30,
      name: 'svc',
      msg: 'request completed',
      req: { method: 'GET', url: '/nope', host: 'localhost', remoteAddress: '127.0.0.1' },
      res: { statusCode: 404 },
    })
    expect(typeof access[0]?.responseTime).toBe('number')
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false)
  })

  it('masks one-time credentials in the URL and never carries a header', async () => {
    const { app, lines } = await build()
    await app.inject({ url: '/items/1?code=one-time-code&state=s1&page=2', headers: SECRET_HEADERS })
    const access = lines.find((l) => l.msg === 'request completed')
    expect(access?.req).toEqual({ method: 'GET', url: '/items/1?code=[Redacted]&state=[Redacted]&page=2', host: 'localhost', remoteAddress: '127.0.0.1' })
    const all = JSON.stringify(lines)
    for (const secret of ['secret-token-value', 'secret-cookie-value', 'one-time-code']) expect(all).not.toContain(secret)
    // Other lines keep the redaction: the handler's headers are censored, not dropped.
    expect(lines.find((l) => l.msg === 'handler saw the headers')?.headers).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]' })
  })

  it('follows the route\'s log level (health checks at warn write nothing) and the process level', async () => {
    const quiet = await build()
    await quiet.app.inject('/health')
    expect(quiet.lines.filter((l) => l.msg === 'request completed')).toEqual([])
    const warn = await build('warn')
    await warn.app.inject('/nope')
    expect(warn.lines).toEqual([])
  })

  it('still logs a failed request at error, with the error, and its access line', async () => {
    const { app, lines } = await build()
    expect((await app.inject({ url: '/boom', headers: SECRET_HEADERS })).statusCode).toBe(500)
    expect(lines.find((l) => l.msg === 'request failed')).toMatchObject({ level: 50, reqId: 'rid-42', err: { message: 'internals' } })
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ reqId: 'rid-42', res: { statusCode: 500 } })
  })

  it('censors credential fields at the top and one level below any key, leaving the logged object intact', async () => {
    const { app, lines } = await build()
    await app.inject('/tokens')
    expect(lines.find((l) => l.msg === 'got tokens')).toMatchObject({
      access_token: '[Redacted]',
      tokens: { access_token: '[Redacted]', id_token: '[Redacted]', refresh_token: '[Redacted]', token_type: 'Bearer' },
      list: ['kept'],
    })
    expect(JSON.stringify(lines)).not.toMatch(/nested-|top-level-token/)
    expect(tokens.access_token).toBe('nested-access')
  })
})
