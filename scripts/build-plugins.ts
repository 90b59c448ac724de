// esbuild plugins for scripts/build-app.ts. Each removes a start-up cost that a dependency pays on import
// for something the app rarely or never uses; the image-memory benchmark (scripts/bench-images.ts) shows
// the difference, and the build fails when a dependency changes so that a plugin no longer applies.
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

/**
 * `import ... from 'node:http'` makes Node build an ES module facade of http, which reads every export, the
 * lazy WebSocket and MessageEvent included, and so loads Node's own copy of undici: about 3 MB of heap the
 * IdP (oidc-provider imports http this way) never uses. Through require(), exports are read when used.
 * http is the one builtin whose facade does this in Node 24.
 */
export const httpThroughRequire: Plugin = {
  name: 'http-through-require',
  setup (b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === 'import-statement' ? { path: 'http', namespace: 'http-through-require' } : undefined)
    b.onLoad({ filter: /.*/, namespace: 'http-through-require' }, () => ({ contents: "module.exports = require('node:http')", loader: 'js' }))
  },
}

// `const conjunction = new Intl.ListFormat('en', { type: 'conjunction' });`, at the top of a module.
const LIST_FORMAT_AT_LOAD = /^const (\w+) = (new Intl\.ListFormat\([^;\n]*\));$/gm

/**
 * oidc-provider makes two Intl.ListFormat when it is imported, for the wording of configuration and client
 * errors. The first Intl object makes V8 read about 4 MB of ICU locale data, which then stays resident in
 * every IdP process. Made on first use instead, the data is read only when such an error is worded.
 */
export const lazyListFormat: Plugin = {
  name: 'lazy-list-format',
  setup (b) {
    b.onLoad({ filter: /[\\/]oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const contents = source.replace(LIST_FORMAT_AT_LOAD,
        (_all, name: string, create: string) => `let ${name}Made;\nconst ${name} = { format: (list) => (${name}Made ??= ${create}).format(list) };`)
      if (contents === source) throw new Error(`lazy-list-format: no top-level Intl.ListFormat left in ${args.path}; drop the plugin or update its pattern`)
      return { contents, loader: 'js' }
    })
  },
}
