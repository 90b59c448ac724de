import ts from 'typescript'
import { join } from 'node:path'
import { REPO_ROOT } from './documents.ts'
import type { SourcedManifest } from './documents.ts'
import { modelFor } from './schemas.ts'

// The models' JSON schemas accept unknown fields, so a typo (`labelz`, a probe one level too high) would pass
// them and be silently dropped by the API server. Their TypeScript interfaces are exact, though: each document
// is type-checked as an object literal of its `I<Kind>` type, and TypeScript's excess-property check reports
// every field the API does not define (like `kubectl apply --validate=strict` would).
const VIRTUAL_FILE = join(REPO_ROOT, 'test', 'manifests', '__strict_fields__.ts')

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
}

/** Returns one message per field (or type) that the API's types reject; documents of unknown kinds are skipped. */
export function strictFieldProblems (documents: readonly SourcedManifest[]): string[] {
  const modules = new Map<string, Set<string>>()
  const lines: string[] = []
  const owners: string[] = [] // owners[line] = which document that generated line belongs to
  const emit = (line: string, owner: string): void => {
    for (const part of line.split('\n')) {
      lines.push(part)
      owners.push(owner)
    }
  }
  documents.forEach(({ source, manifest }, index) => {
    const entry = modelFor(manifest)
    if (entry === undefined) return
    // Aliased per module: two APIs may both export the same interface name (Istio's and the Gateway API's IGateway).
    const modulePrefix = `M${[...modules.keys(), entry.module].indexOf(entry.module)}_`
    const typeName = `I${entry.model.kind}`
    const names = modules.get(entry.module) ?? new Set<string>()
    modules.set(entry.module, names.add(typeName))
    emit(`export const doc${index}: ${modulePrefix}${typeName} = ${JSON.stringify(manifest, null, 2)}`, `${source} ${manifest.kind}/${manifest.metadata.name}`)
  })
  const imports = [...modules].map(([module, names], i) => `import type { ${[...names].map((name) => `${name} as M${i}_${name}`).join(', ')} } from '${module}'`)
  const text = [...imports, ...lines].join('\n')
  const lineOwner = (line: number): string => owners[line - imports.length] ?? 'imports'

  const host = ts.createCompilerHost(OPTIONS)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.fileExists = (name) => name === VIRTUAL_FILE || ts.sys.fileExists(name)
  host.readFile = (name) => name === VIRTUAL_FILE ? text : readFile(name)
  host.getSourceFile = (name, language, onError, create) => name === VIRTUAL_FILE
    ? ts.createSourceFile(name, text, language)
    : getSourceFile(name, language, onError, create)
  const program = ts.createProgram([VIRTUAL_FILE], OPTIONS, host)
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    return `${lineOwner(line)}: ${message}`
  })
}
