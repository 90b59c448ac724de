// The docker-compose stack as a user runs it (scripts/test-compose.sh starts it first): one name for three
// reviews deployments, a stopped backend is a message on the page, sessions live in Redis only, and a
// taken port is named.
import { Agent, setGlobalDispatcher } from 'undici'
import { beforeAll, describe, expect, it } from 'vitest'
import { OidcBrowser } from '../../packages/test-helpers/src/oidc-browser.ts'
import { baseUrl, compose, composeResult, docker, eventually } from './stack.ts'

// The bundled IdP's documented dev persona (dev/idp/README.md).
const MODERATOR = { username: 'mod@bookinfo.com', password: 'mod-password' }

async function signedIn (): Promise<OidcBrowser> {
  const browser = new OidcBrowser()
  const { page } = await browser.signIn(`${baseUrl()}/login`, MODERATOR)
  if (page.url.pathname !== '/productpage') throw new Error(`sign-in ended at ${page.status} ${page.url.href}`)
  return browser
}

async function productpage (browser: OidcBrowser): Promise<{ status: number, body: string }> {
  const page = await browser.request(`${baseUrl()}/productpage`)
  return { status: page.status, body: page.body }
}

const fullPage = async (browser: OidcBrowser) => {
  const { status, body } = await productpage(browser)
  return status === 200 && body.includes('Book Details') && body.includes('Book Reviews')
}

function containerIp (service: string): string {
  const id = compose('ps', '-q', service).trim()
  return docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id)
}

describe('docker-compose stack', () => {
  beforeAll(() => {
    // A new connection per request, as a browser after a pause: a kept-alive socket that productpage closes
    // (5 s idle) while a slow `docker-compose stop` runs would otherwise fail the next request in the client.
    setGlobalDispatcher(new Agent({ pipelining: 0 }))
  })

  it('answers `reviews` with the three reviews containers, as a Kubernetes Service would', () => {
    const expected = ['reviews-v1', 'reviews-v2', 'reviews-v3'].map(containerIp).sort()
    const script = "require('node:dns').lookup('reviews', { all: true }, (err, a) => { if (err) throw err; console.log(a.map((x) => x.address).sort().join(' ')) })"
    const resolved = compose('exec', '-T', 'productpage', 'node', '-e', script).trim().split(' ')
    expect(resolved).toEqual(expected)
  })

  it('shows the page\'s error text, not a 5xx, while a backend container is stopped', async () => {
    const browser = await signedIn()
    expect(await fullPage(browser)).toBe(true)
    try {
      compose('stop', '-t', '15', 'details')
      const noDetails = await productpage(browser)
      expect(noDetails.status).toBe(200)
      expect(noDetails.body).toContain('Error fetching product details!')
      expect(noDetails.body).toContain('Sorry, product details are currently unavailable for this book.')
      expect(noDetails.body).toContain('Book Reviews')

      compose('stop', '-t', '15', 'reviews-v1', 'reviews-v2', 'reviews-v3')
      const noReviews = await productpage(browser)
      expect(noReviews.status).toBe(200)
      expect(noReviews.body).toContain('Error fetching product reviews!')
      expect(noReviews.body).toContain('Sorry, product reviews are currently unavailable for this book.')
    } finally {
      compose('start', 'details', 'reviews-v1', 'reviews-v2', 'reviews-v3')
    }
    await eventually('the full page once the backends are back', () => fullPage(browser), 90_000)
    // Stopping and starting four containers takes a while on a busy machine.
  }, 150_000)

  it('keeps sessions in Redis: a productpage restart keeps the login, a Redis restart ends it', async () => {
    const browser = await signedIn()
    compose('restart', '-t', '15', 'productpage')
    await eventually('productpage back after its restart', async () => (await productpage(browser)).status === 200)
    expect(await fullPage(browser), 'still signed in after productpage restarted').toBe(true)

    compose('restart', '-t', '15', 'redis')
    await eventually('an anonymous page after Redis restarted (sessions are not persisted)', async () => {
      const { status, body } = await productpage(browser)
      return status === 200 && body.includes('Sign in') && !body.includes('Book Details')
    })
  }, 120_000)

  it('fails `up` with a message that names a port already taken', () => {
    // A second project with the same file: its IdP wants 127.0.0.1:9090, which the running stack holds.
    const other = ['-p', 'bookinfo-portcheck']
    try {
      const up = composeResult(...other, 'up', '-d', '--no-deps', 'idp')
      expect(up.status).not.toBe(0)
      expect(up.output).toMatch(/127\.0\.0\.1:9090\b.*(already allocated|address already in use)|(already allocated|address already in use).*\b9090\b/)
    } finally {
      composeResult(...other, 'down', '--remove-orphans')
    }
  })
})
