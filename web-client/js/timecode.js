// Paints the current time into video frames as black/white blocks, and reads it back from
// rendered frames, so capture-to-render latency can be measured as a person sees it.
// Layout: one row of 32 blocks = 24-bit time (ms, mod 2^24) + 8-bit check (value mod 251).
export const BITS = 32;
const W = 640, H = 480, BLOCK = W / BITS, ROW_Y = 40, ROW_H = 40;

export const nowMs = () => performance.timeOrigin + performance.now();

function encode(value) {
  const v = value & 0xffffff;
  return (BigInt(v) << 8n) | BigInt(v % 251);
}

export function createClockStream(fps = 30) {
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  const ctx = canvas.getContext('2d');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  let hue = 0;
  const paint = () => {
    const t = Math.floor(nowMs()) & 0xffffff;
    hue = (hue + 3) % 360;
    ctx.fillStyle = `hsl(${hue} 60% 40%)`;           // moving background keeps the encoder honest
    ctx.fillRect(0, 0, W, H);
    const code = encode(t);
    for (let i = 0; i < BITS; i++) {
      const bit = (code >> BigInt(BITS - 1 - i)) & 1n;
      ctx.fillStyle = bit ? '#fff' : '#000';
      ctx.fillRect(i * BLOCK, ROW_Y, BLOCK, ROW_H);
    }
    track.requestFrame();
  };
  const timer = setInterval(paint, 1000 / fps);
  paint();
  track.addEventListener('ended', () => clearInterval(timer));
  return { stream, track, canvas, stop: () => { clearInterval(timer); track.stop(); } };
}

// Reads the painted time from the frames a <video> renders; calls onSample(latencyMs).
export function watchClock(video, onSample) {
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  const onFrame = (now, meta) => {
    if (stopped) return;
    const seen = nowMs();
    if (video.videoWidth > 0) {
      ctx.drawImage(video, 0, 0, W, H);
      const data = ctx.getImageData(0, ROW_Y, W, ROW_H).data;
      let code = 0n;
      for (let i = 0; i < BITS; i++) {
        const x = Math.floor(i * BLOCK + BLOCK / 2), y = Math.floor(ROW_H / 2);
        const o = (y * W + x) * 4;
        const lum = (data[o] + data[o + 1] + data[o + 2]) / 3;
        code = (code << 1n) | (lum > 128 ? 1n : 0n);
      }
      const value = Number(code >> 8n), check = Number(code & 0xffn);
      if (value % 251 === check) {
        let latency = (Math.floor(seen) & 0xffffff) - value;
        if (latency < 0) latency += 0x1000000;
        if (latency < 10000) onSample(latency);
      }
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return () => { stopped = true; };
}
