import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the SFU runs on :3000 and Vite proxies signaling to it.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/ws': { target: 'ws://localhost:3000', ws: true }, '/healthz': 'http://localhost:3000' },
  },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
});
