/**
 * Vite builds the web lab into web/dist: a static site with relative asset paths (so it
 * works from any folder of any static host, and offline), the simulation bundled into a
 * module Web Worker, and the example scenarios bundled as text.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  // The app imports the simulator from ../src and the examples from ../examples.
  server: { fs: { allow: ['..'] } },
});
