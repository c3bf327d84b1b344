// First: configures zod before any schema (the protocol's) is built.
import './lib/zod-config';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { HomePage } from './app/HomePage';
import { RoomRoute } from './app/RoomRoute';

// Pages load on demand: a headset opening /watch never downloads the camera page, and the home page is tiny.
const CameraPage = lazy(() => import('./camera/CameraPage').then((m) => ({ default: m.CameraPage })));
const WatchPage = lazy(() => import('./viewer/WatchPage').then((m) => ({ default: m.WatchPage })));
const ReplayRoute = lazy(() => import('./replay/ReplayRoute').then((m) => ({ default: m.ReplayRoute })));
const LoadTestPage = lazy(() => import('./loadtest/LoadTestPage').then((m) => ({ default: m.LoadTestPage })));
const DashboardPage = lazy(() =>
  import('./dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })),
);
import './styles.css';

// The installed app (PWA) opens offline; not in development, where Vite serves modules that change.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/sw.js')
    .catch((e: unknown) => console.warn('service worker not registered', e));
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<p className="page">Loading…</p>}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route
            path="/camera/:room"
            element={<RoomRoute>{(room) => <CameraPage key={room} room={room} />}</RoomRoute>}
          />
          <Route
            path="/watch/:room"
            element={<RoomRoute>{(room) => <WatchPage key={room} room={room} />}</RoomRoute>}
          />
          <Route path="/replay/:id" element={<ReplayRoute />} />
          <Route
            path="/loadtest/:room"
            element={<RoomRoute>{(room) => <LoadTestPage key={room} room={room} />}</RoomRoute>}
          />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
