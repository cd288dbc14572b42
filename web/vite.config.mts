import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The pages are served by the Nest app under /app (src/web); everything is bundled here, no CDN at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  resolve: {
    alias: [{ find: /^twitter-text$/, replacement: fileURLToPath(new URL('./src/twitter-text-shim.ts', import.meta.url)) }],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
  },
});
