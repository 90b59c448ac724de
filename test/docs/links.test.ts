// Every relative link and every "contract §" reference in the repository resolves in a clone.
import { existsSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO, anchorsOf, markdownFiles, proseOf, read, repoFiles, slugOf } from './repo-files.ts'

interface Link { file: string, target: string }

function relativeLinks (): Link[] {
  const links: Link[] = []
  for (const file of markdownFiles()) {
    for (const match of proseOf(read(file)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? ''
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      links.push({ file, target })
    }
  }
  return links
}

/** Why a link does not resolve, or undefined when it does. */
function brokenBecause ({ file, target }: Link): string | undefined {
  const [path = '', anchor] = target.split('#')
  const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)))
  if (resolved.startsWith('..')) return 'points outside the repository'
  if (!existsSync(join(REPO, resolved))) return `${resolved} does not exist`
  if (anchor === undefined) return undefined
  if (!resolved.endsWith('.md') || statSync(join(REPO, resolved)).isDirectory()) return `#${anchor} on a file that is not Markdown`
  return anchorsOf(read(resolved)).has(anchor) ? undefined : `${resolved} has no heading #${anchor}`
}

describe('Markdown links', () => {
  const links = relativeLinks()

  it('finds the links it checks (the READMEs link to each other)', () => {
    expect(links.length).toBeGreaterThan(30)
    expect(links).toContainEqual({ file: 'README.md', target: 'docs/contract.md' })
  })

  it('every relative link names a file or folder of the repository, and its #anchor a heading there', () => {
    const broken = links.map((l) => ({ ...l, why: brokenBecause(l) })).filter((l) => l.why !== undefined)
    expect(broken).toEqual([])
  })

  it('the checker itself tells a broken link and a missing anchor from good ones', () => {
    expect(brokenBecause({ file: 'README.md', target: 'docs/nothing-here.md' })).toMatch(/does not exist/)
    expect(brokenBecause({ file: 'README.md', target: 'docs/contract.md#no-such-heading' })).toMatch(/no heading/)
    expect(brokenBecause({ file: 'docs/architecture.md', target: '../services/productpage/README.md#routes' })).toBeUndefined()
    expect(slugOf('§11 Quirks and our decisions')).toBe('11-quirks-and-our-decisions')
  })
})

describe('contract references', () => {
  const contract = read('docs/contract.md')
  const sections = new Set([...contract.matchAll(/^#{2,3} §(\d+(?:\.\d+)?) /gm)].map((m) => m[1]))
  const quirks = new Set([...contract.matchAll(/^\| #(\d+) \|/gm)].map((m) => m[1]))
  const files = repoFiles().filter((f) => f !== 'docs/contract.md' && /\.(ts|md|ya?ml|sh|hbs|json|example)$/.test(f))

  it('docs/contract.md has the numbered sections and the quirk table the references use', () => {
    for (const s of ['1', '1.1', '3.3', '5.2', '5.3', '6.4', '7.1', '8.1', '11']) expect(sections).toContain(s)
    expect([...quirks].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1)))
  })

  it('every "§N" and "§11 #N" in the repository names a section or quirk of docs/contract.md', () => {
    const unresolved: string[] = []
    for (const file of files) {
      // Sections of other documents ("RFC 3986 §2.3") are not ours.
      for (const m of read(file).matchAll(/(?<!RFC \d+ )§(\d+(?:\.\d+)?)(?: #(\d+))?/g)) {
        const [ref, section = '', quirk] = m
        if (!sections.has(section) || (quirk !== undefined && (section !== '11' || !quirks.has(quirk)))) unresolved.push(`${file}: ${ref}`)
      }
    }
    expect(unresolved).toEqual([])
  })

  it('nothing cites the notes that stay outside a clone', () => {
    const outside = ['shared' + '/', 'DESIGN' + '.md', 'bookinfo-' + 'contract']
    const citing = repoFiles().filter((f) => !f.endsWith('.png') && outside.some((word) => read(f).includes(word)))
    expect(citing).toEqual([])
  })
})
