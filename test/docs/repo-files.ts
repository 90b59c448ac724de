// The repository's own files (tracked and new, never ignored ones such as node_modules/ or .tools/).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))

export function repoFiles (): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' })
  return out.split('\0').filter((f) => f !== '' && !f.startsWith('pnpm-lock'))
}

export function markdownFiles (): string[] {
  return repoFiles().filter((f) => f.endsWith('.md'))
}

export function read (file: string): string {
  return readFileSync(join(REPO, file), 'utf8')
}

/** Markdown without fenced code blocks and inline code spans (links inside them are not links). */
export function proseOf (markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf (heading: string): string {
  return heading.trim().toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors a Markdown file offers (duplicates numbered as GitHub does). */
export function anchorsOf (markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const match of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugOf(match[1] ?? '')
    const n = seen.get(slug) ?? 0
    anchors.add(n === 0 ? slug : `${slug}-${n}`)
    seen.set(slug, n + 1)
  }
  return anchors
}
