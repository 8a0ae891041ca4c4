// Vite config for the admin SPA. Paths resolve from this file's directory, so the config works the
// same whether it is run from the workspace root (Nx targets) or from apps/web.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const projectRoot = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(projectRoot, '../..');

// The NestJS api (default port 3000) owns these prefixes; in dev and preview they are forwarded to it.
const API_TARGET = 'http://127.0.0.1:3000';
const API_PREFIXES = ['/api', '/v1', '/health', '/ready'];
const proxy: Record<string, ProxyOptions> = Object.fromEntries(
  API_PREFIXES.map((prefix) => [prefix, { target: API_TARGET }]),
);

export default defineConfig({
  root: projectRoot,
  base: '/',
  cacheDir: resolve(workspaceRoot, 'node_modules/.vite/apps/web'),
  plugins: [react()],
  // The pure, DOM-free modules of the shared libs the console runs (tsconfig.base.json's paths, which
  // Vite does not read); @gateway/contracts is types only and needs none.
  resolve: {
    alias: {
      '@gateway/common/time-zone-names': resolve(workspaceRoot, 'libs/common/src/time/time-zone-names.ts'),
    },
  },
  build: {
    outDir: resolve(workspaceRoot, 'dist/apps/web'),
    emptyOutDir: true,
    // The component library is most of the bundle: its own chunk, cached across releases of the
    // pages. An operator console loads it once: ~1.3 MB minified (~400 kB gzipped) is accepted.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router', '@tanstack/react-query'],
          antd: ['antd', '@ant-design/icons'],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 4200,
    proxy,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    proxy,
  },
});
