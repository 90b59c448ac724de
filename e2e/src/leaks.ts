// Token leak checks: what the browser can see and what the services logged must hold no token.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'

/** Any JWT (access token, ID token, the mesh's peer assertion): base64url JSON header, payload, signature. */
export const JWT_PATTERN = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g

export interface Leak {
  /** Where it was found, e.g. `page HTML` or `log productpage.log`. */
  where: string
  /** What it is, described without repeating the secret. */
  what: string
}

function decodeSegment (segment: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** A JWT's kind from its header and claims, so a failure says what leaked without printing it. */
export function describeJwt (jwt: string): string {
  const [header, payload] = jwt.split('.')
  const typ = decodeSegment(header)?.typ
  const claims = decodeSegment(payload)
  let kind = 'a JWT'
  if (typ === 'at+jwt' || Array.isArray(claims?.permissions)) kind = 'an access token'
  else if (claims !== undefined && 'nonce' in claims) kind = 'an ID token'
  else if (typeof typ === 'string') kind = `a JWT (typ ${typ})`
  return `${kind} (${jwt.slice(0, 6)}…, ${jwt.length} chars)`
}

/** Pieces of the captured tokens worth searching for on their own (a log line may hold only a part). */
function needles (captured: readonly string[]): Array<{ text: string, what: string }> {
  const out: Array<{ text: string, what: string }> = []
  for (const token of captured) {
    out.push({ text: token, what: `a token productpage received (${token.length} chars)` })
    const parts = token.split('.')
    if (parts.length === 3) {
      const signature = parts[2] ?? ''
      if (signature.length >= 16) out.push({ text: signature, what: 'the signature of a token productpage received' })
    }
  }
  return out
}

/** Every JWT in `text`, and every captured token (or its signature) found verbatim. */
export function findLeaks (where: string, text: string, captured: readonly string[]): Leak[] {
  const leaks: Leak[] = []
  for (const match of text.matchAll(JWT_PATTERN)) leaks.push({ where, what: describeJwt(match[0]) })
  for (const needle of needles(captured)) {
    if (text.includes(needle.text)) leaks.push({ where, what: needle.what })
  }
  return leaks
}

export function formatLeaks (leaks: readonly Leak[]): string {
  return leaks.map((l) => `  - ${l.where}: ${l.what}`).join('\n')
}

/** document.cookie and both storages, as a script of the page would read them. */
async function readScriptVisible (page: Page): Promise<{ cookie: string, local: string, session: string }> {
  return page.evaluate(() => {
    const dump = (storage: Storage): string => {
      const entries: string[] = []
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? ''
        entries.push(`${key}=${storage.getItem(key) ?? ''}`)
      }
      return entries.join('\n')
    }
    return { cookie: document.cookie, local: dump(localStorage), session: dump(sessionStorage) }
  })
}

/** What the browser holds for the page's origin: HTML, document.cookie, both storages, every cookie. */
export async function browserSurfaces (page: Page): Promise<Array<{ where: string, text: string }>> {
  // about:blank and error pages have no origin whose cookies or storage could be read.
  const readable = /^https?:/.test(page.url())
  const seen = readable ? await readScriptVisible(page) : { cookie: '', local: '', session: '' }
  // HttpOnly cookies too: a cookie that carries a token is a leak even if scripts cannot read it.
  const jar = await page.context().cookies()
  return [
    { where: `page HTML (${page.url()})`, text: await page.content() },
    { where: 'document.cookie', text: seen.cookie },
    { where: 'localStorage', text: seen.local },
    { where: 'sessionStorage', text: seen.session },
    { where: 'cookie jar (HttpOnly included)', text: jar.map((c) => `${c.domain} ${c.name}=${c.value}`).join('\n') },
  ]
}

export async function findLeaksInBrowser (page: Page, captured: readonly string[]): Promise<Leak[]> {
  return (await browserSurfaces(page)).flatMap((s) => findLeaks(s.where, s.text, captured))
}

/** Every `*.log` in the local stack's log folder. */
export async function findLeaksInLogs (logDir: string, captured: readonly string[]): Promise<Leak[]> {
  const files = (await readdir(logDir)).filter((f) => f.endsWith('.log')).sort()
  const leaks: Leak[] = []
  for (const file of files) {
    leaks.push(...findLeaks(`log ${file}`, await readFile(join(logDir, file), 'utf8'), captured))
  }
  return leaks
}
