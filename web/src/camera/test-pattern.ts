// A synthetic 360 camera: an equirectangular grid with compass labels and a running clock, drawn on a canvas
// and captured as a video track. Lets anyone try the system (and the tests run) without a 360 camera.
// Longitude 0 (the camera's "front", label N) is the centre of the frame; east is to the right.

export interface TestPattern {
  track: MediaStreamTrack;
  stop(): void;
}

const labels: [lon: number, text: string][] = [
  [0, 'N · FRONT'],
  [90, 'E · RIGHT'],
  [180, 'S · BACK'],
  [-90, 'W · LEFT'],
];

function drawBackground(ctx: CanvasRenderingContext2D, w: number, h: number): void {
  const x = (lon: number) => ((lon + 180) / 360) * w;
  const y = (lat: number) => ((90 - lat) / 180) * h;
  // Sky above the horizon, ground below, each 30° of longitude in its own hue so direction is visible.
  for (let lon = -180; lon < 180; lon += 30) {
    const hue = (lon + 180) % 360;
    ctx.fillStyle = `hsl(${hue} 55% 62%)`;
    ctx.fillRect(x(lon), 0, w / 12 + 1, h / 2);
    ctx.fillStyle = `hsl(${hue} 35% 28%)`;
    ctx.fillRect(x(lon), h / 2, w / 12 + 1, h / 2);
  }
  ctx.strokeStyle = 'rgba(255,255,255,0.7)';
  ctx.lineWidth = Math.max(1, w / 1920);
  for (let lon = -180; lon <= 180; lon += 15) {
    ctx.beginPath();
    ctx.moveTo(x(lon), 0);
    ctx.lineTo(x(lon), h);
    ctx.stroke();
  }
  for (let lat = -75; lat <= 75; lat += 15) {
    ctx.beginPath();
    ctx.moveTo(0, y(lat));
    ctx.lineTo(w, y(lat));
    ctx.stroke();
  }
  ctx.lineWidth = Math.max(2, w / 640);
  ctx.strokeStyle = '#fff';
  ctx.beginPath();
  ctx.moveTo(0, h / 2);
  ctx.lineTo(w, h / 2);
  ctx.stroke();

  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#000';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `bold ${Math.round(h / 20)}px sans-serif`;
  ctx.lineWidth = Math.max(2, h / 240);
  for (const [lon, text] of labels) {
    for (const at of lon === 180 ? [x(-180) + w / 16, x(180) - w / 16] : [x(lon)]) {
      ctx.strokeText(text, at, y(12));
      ctx.fillText(text, at, y(12));
    }
  }
  ctx.font = `${Math.round(h / 40)}px sans-serif`;
  for (let lat = -60; lat <= 60; lat += 30)
    if (lat) ctx.fillText(`${lat > 0 ? '+' : ''}${lat}°`, x(0) + w / 48, y(lat) - h / 80);
}

export function createTestPattern(width: number, height: number, fps = 30): TestPattern {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('2D canvas is not available');

  // The grid is drawn once; each frame only copies it and draws the clock.
  const background = document.createElement('canvas');
  background.width = width;
  background.height = height;
  const bg = background.getContext('2d');
  if (!bg) throw new Error('2D canvas is not available');
  drawBackground(bg, width, height);

  const clockFont = `bold ${Math.round(height / 18)}px monospace`;
  let frame = 0;
  const draw = (): void => {
    ctx.drawImage(background, 0, 0);
    const now = new Date();
    const clock = `${now.toLocaleTimeString('en-GB')}.${String(now.getMilliseconds()).padStart(3, '0')}`;
    ctx.font = clockFont;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#000';
    ctx.fillRect(width / 2 - height / 3.2, height * 0.62, height / 1.6, height / 12);
    ctx.fillStyle = '#ffeb3b';
    ctx.fillText(clock, width / 2, height * 0.62 + height / 24);
    // A dot that travels along the horizon: motion that any frame comparison sees.
    ctx.fillStyle = '#ff1744';
    ctx.beginPath();
    ctx.arc(((frame * 4) % width) + 0.5, height / 2, height / 60, 0, Math.PI * 2);
    ctx.fill();
    frame++;
  };
  draw();
  const timer = setInterval(draw, 1000 / fps);
  const [track] = canvas.captureStream(fps).getVideoTracks();
  if (!track) throw new Error('canvas capture produced no track');
  track.contentHint = 'detail';
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}
