// A synthetic microphone: a short beep each second, so sound can be checked without a microphone.
export interface TestTone {
  track: MediaStreamTrack;
  stop(): void;
}

export function createTestTone(): TestTone {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  const out = ctx.createMediaStreamDestination();
  osc.frequency.value = 880;
  gain.gain.value = 0;
  osc.connect(gain).connect(out);
  osc.start();
  const schedule = (): void => {
    const t = Math.ceil(ctx.currentTime);
    gain.gain.setValueAtTime(0.25, t);
    gain.gain.setValueAtTime(0, t + 0.12);
  };
  schedule();
  const timer = setInterval(schedule, 1000);
  const [track] = out.stream.getAudioTracks();
  if (!track) throw new Error('audio context produced no track');
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
      ctx.close().catch((e: unknown) => console.warn('closing the test tone failed', e));
    },
  };
}
