// Shared by the latency lab pages (janus.html, p2p.html): rendering a received stream into a
// <video>, reading its painted clock, and the window.lab sample buffer Playwright reads.
import { watchClock } from './timecode.js';

export function createLab() {
  const lab = {
    samples: [],          // capture-to-render latency in ms, one per rendered frame read
    errors: [],
    state: 'idle',
    log: (line) => {
      const el = document.getElementById('log');
      if (el) el.textContent += line + '\n';
      console.log(line);
    },
  };
  window.addEventListener('error', (e) => lab.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => lab.errors.push(String(e.reason?.message || e.reason)));
  return lab;
}

/** Shows a local stream (muted) in #local. */
export function showLocal(stream) {
  const v = makeVideo(stream, true);
  (document.getElementById('local') || document.body).appendChild(v);
  return v;
}

/** Plays a received stream in #remote and pushes each frame's latency into lab.samples. */
export function renderAndWatch(lab, stream) {
  const v = makeVideo(stream, true);
  (document.getElementById('remote') || document.body).appendChild(v);
  v.play().catch((e) => lab.log('play: ' + e.message));
  const stop = watchClock(v, (ms) => lab.samples.push(ms));
  return { video: v, stop };
}

/** Adds remote ICE candidates once the remote description is set; queues them before that. */
export function candidateSink(pc) {
  const queued = [];
  let ready = false;
  return {
    add(c) {
      if (!c) return;
      if (ready) pc.addIceCandidate(c).catch(() => {});
      else queued.push(c);
    },
    flush() {
      ready = true;
      for (const c of queued.splice(0)) pc.addIceCandidate(c).catch(() => {});
    },
  };
}

function makeVideo(stream, muted) {
  const v = document.createElement('video');
  v.muted = muted; v.autoplay = true; v.playsInline = true; v.srcObject = stream;
  return v;
}
