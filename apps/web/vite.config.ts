// The workbench's build: `npm run build` runs it through scripts/build-web.mjs (no dev server is
// needed to use it); the api serves dist/web at `/` (apps/api/src/web/web.module.ts).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** recharts needs react-is; until it is installed, a one-function stand-in (src/shims/react-is.ts). */
function reactIsAlias(): Record<string, string> {
  try {
    createRequire(path.join(here, '../../node_modules/recharts/package.json')).resolve('react-is');
    return {};
  } catch {
    return { 'react-is': path.join(here, 'src/shims/react-is.ts') };
  }
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: path.join(here, 'public'),
  plugins: [react()],
  resolve: { alias: reactIsAlias() },
  build: {
    outDir: path.resolve(here, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    // no inline <script> or modulepreload polyfill: the page's CSP allows only its own files
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
});
