import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Our sources live at src-main/ and src-renderer/, off electron-vite's default src/main,
// so every entry point is named here (style.md §1). Dependencies stay external in main and
// preload (electron-vite's `build.externalizeDeps`, on by default since 5): main loads them from
// node_modules, and the preload imports nothing but 'electron'.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        // A sandboxed preload can only require('electron'): one CommonJS file, nothing split out.
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; a minified bundle is a third of the size.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
})
