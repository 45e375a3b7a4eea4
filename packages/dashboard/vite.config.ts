import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @laurel/dashboard` serves the dashboard with hot reload and forwards API calls to a
// Laurel server on :8080 (`npm start`), so cookies and CSRF behave as in production (same origin).
const api = process.env.LAUREL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  // The manifest lets a test check which chunks each page pulls in (test/build/chunks.test.ts).
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, manifest: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/admin': api, '/v1': api, '/console': api } },
});
