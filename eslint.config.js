import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['**/dist/**', '.run/**', '**/coverage/**', '.tools/**', 'e2e/test-results/**', 'e2e/playwright-report/**', '**/static/vendor/**'] }),
]
