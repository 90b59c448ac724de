import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './documents.ts'

export interface Row { service: string, method: string, path: string, peer?: string, expect: Record<string, number> }

/** The table under "## Authorization" in the root README, as rows. */
export function readmeMatrix (): { personas: string[], rows: Row[] } {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n')
  const start = lines.findIndex((line) => line.startsWith('| service | request | source principal |'))
  if (start < 0) throw new Error('README.md has no authorization matrix')
  const cells = (line: string): string[] => line.split('|').slice(1, -1).map((cell) => cell.trim())
  const personas = cells(lines[start] ?? '').slice(3)
  const rows: Row[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    const [service = '', request = '', peer = '', ...statuses] = cells(line)
    const [method = '', path = ''] = request.replaceAll('`', '').split(' ')
    rows.push({ service, method, path, peer: peer === 'none' ? undefined : peer.replaceAll('`', ''), expect: Object.fromEntries(personas.map((p, i) => [p, Number(statuses[i])])) })
  }
  return { personas, rows }
}
