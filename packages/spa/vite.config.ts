import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // Workspace packages are bundled from their TypeScript sources.
  resolve: { conditions: ['@gatehouse/source', ...defaultClientConditions] },
  // No source maps: a production build ships the app, not its original source (the API would serve them).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
