import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard is built into the package's dist/web, which ships in the tarball (`files`), so a
// user needs no build step. Relative asset URLs keep it working behind a path prefix.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
    sourcemap: false,
  },
});
