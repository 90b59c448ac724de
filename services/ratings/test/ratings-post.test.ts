import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POST_BODY_LIMIT } from '../src/routes/ratings.ts'
import { RatingsStore } from '../src/store.ts'
import { appWith, DEFAULT_BODY } from './build.ts'

const BAD_JSON = '{"error":"please provide valid ratings JSON"}'

describe('POST /ratings/<id> (v1)', () => {
  let app: FastifyInstance
  beforeAll(async () => { app = await appWith() })
  afterAll(async () => { await app.close() })

  const post = (url: string, payload?: string, contentType?: string) =>
    app.inject({ method: 'POST', url, payload, headers: contentType ? { 'content-type': contentType } : {} })

  it('stores the ratings, returns them, and later GETs for that id return them', async () => {
    const res = await post('/ratings/5', '{"Reviewer1":1,"Reviewer2":0}', 'application/json')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"id":5,"ratings":{"Reviewer1":1,"Reviewer2":0}}')
    expect((await app.inject('/ratings/5')).body).toBe('{"id":5,"ratings":{"Reviewer1":1,"Reviewer2":0}}')
    // Other ids keep the defaults.
    expect((await app.inject('/ratings/1')).body).toBe(DEFAULT_BODY)
  })

  it('replaces an earlier POST for the same id', async () => {
    await post('/ratings/6', '{"a":1}', 'application/json')
    await post('/ratings/6', '{"b":2}', 'application/json')
    expect((await app.inject('/ratings/6')).body).toBe('{"id":6,"ratings":{"b":2}}')
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/json; charset=utf-8'])(
    'parses the body as JSON whatever the content type (%s), as upstream', async (type) => {
      const res = await post('/ratings/7', '{"Reviewer1":3}', type)
      expect(res.statusCode).toBe(200)
      expect(res.body).toBe('{"id":7,"ratings":{"Reviewer1":3}}')
    })

  it.each(['invalid', ';;'])('a malformed Content-Type header (%s) → 415, not a 5xx', async (type) => {
    const res = await post('/ratings/7', '{"Reviewer1":3}', type)
    expect(res.statusCode).toBe(415)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual({ error: expect.any(String) })
  })

  it('accepts an empty object', async () => {
    const res = await post('/ratings/8', '{}', 'application/json')
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('{"id":8,"ratings":{}}')
  })

  it('keeps a reviewer named __proto__ as a plain key', async () => {
    const res = await post('/ratings/9', '{"__proto__":3}', 'application/json')
    expect(res.body).toBe('{"id":9,"ratings":{"__proto__":3}}')
    expect((await app.inject('/ratings/9')).body).toBe('{"id":9,"ratings":{"__proto__":3}}')
  })

  it.each([
    ['not JSON', 'not json'],
    ['truncated JSON', '{"Reviewer1":'],
    ['an empty body', ''],
    ['null', 'null'],
    ['a number', '5'],
    ['a string', '"5"'],
    ['an array', '[5,4]'],
    ['a fractional star count', '{"Reviewer1":4.5}'],
    ['stars above 5', '{"Reviewer1":6}'],
    ['negative stars', '{"Reviewer1":-1}'],
    ['stars as a string', '{"Reviewer1":"5"}'],
    ['a nested object', '{"Reviewer1":{"stars":5}}'],
    ['an empty reviewer name', '{"":5}'],
    ['a reviewer name over 100 characters', `{"${'r'.repeat(101)}":5}`],
    ['21 reviewers', JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`r${i}`, 1])))],
  ])('400 for %s', async (_what, body) => {
    const res = await post('/ratings/10', body, 'application/json')
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(BAD_JSON)
  })

  it('does not store a rejected body', async () => {
    await post('/ratings/11', '{"Reviewer1":9}', 'application/json')
    expect((await app.inject('/ratings/11')).body).toBe('{"id":11,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
  })

  it('accepts 20 reviewers', async () => {
    const ratings = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`r${i}`, i % 6]))
    const res = await post('/ratings/12', JSON.stringify(ratings), 'application/json')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: 12, ratings })
  })

  it('400 for a POST without any body', async () => {
    const res = await app.inject({ method: 'POST', url: '/ratings/13' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe(BAD_JSON)
  })

  it.each([
    ['application/json', 'application/json'],
    ['text/plain', 'text/plain'],
  ])('413 for a body over %s bytes (%s)', async (_what, type) => {
    const res = await post('/ratings/14', `{"a":"${'x'.repeat(POST_BODY_LIMIT)}"}`, type)
    expect(res.statusCode).toBe(413)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual({ error: expect.any(String) })
  })

  it.each(['/ratings/abc', '/ratings/', '/ratings/1/2', '/ratings/1e3', '/ratings/%E4%B8%80', '/ratings/99999999999999999999'])(
    '%s → 400 numeric product ID, checked before the body', async (url) => {
      const res = await post(url, 'not json', 'application/json')
      expect(res.statusCode).toBe(400)
      expect(res.body).toBe('{"error":"please provide numeric product ID"}')
    })
})

describe('POST /ratings over a real socket', () => {
  it('takes a body sent with no content type at all', async () => {
    const app = await appWith()
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as AddressInfo
    // fetch sends a Uint8Array body without a Content-Type header.
    const res = await fetch(`http://127.0.0.1:${port}/ratings/3`, { method: 'POST', body: new TextEncoder().encode('{"Reviewer1":2}') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe('{"id":3,"ratings":{"Reviewer1":2}}')
    await app.close()
  })
})

describe('the in-memory store', () => {
  it('keeps at most storeMaxIds ids, evicting the oldest write', async () => {
    const app = await appWith({}, { storeMaxIds: 3 })
    const post = (id: number, stars: number) =>
      app.inject({ method: 'POST', url: `/ratings/${id}`, payload: `{"R":${stars}}`, headers: { 'content-type': 'application/json' } })
    await post(1, 1)
    await post(2, 2)
    await post(3, 3)
    await post(1, 0) // rewriting id 1 makes it the newest
    await post(4, 4) // evicts id 2, now the oldest
    expect((await app.inject('/ratings/2')).body).toBe('{"id":2,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
    for (const [id, stars] of [[1, 0], [3, 3], [4, 4]]) {
      expect((await app.inject(`/ratings/${id}`)).body).toBe(`{"id":${id},"ratings":{"R":${stars}}}`)
    }
    await app.close()
  })

  it('stays bounded under many distinct ids', () => {
    const store = new RatingsStore(100)
    for (let id = 0; id < 1_000; id++) store.set(id, { R: 1 })
    expect(store.size).toBe(100)
    expect(store.get(899)).toBeUndefined()
    expect(store.get(900)).toEqual({ R: 1 })
  })
})
