import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server `npm run dev` proxies to (start it with `npm start` in another terminal). */
const api = 'http://127.0.0.1:8000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The county map's topology (us-atlas) is an asset file, never inlined.
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/docs', '/health', '/ready', '/metrics'].map((p) => [p, api]),
    ),
  },
});
