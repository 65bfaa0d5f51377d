// Latency lab over a direct RTCPeerConnection: pc1 sends a clock stream, pc2 (in the same page)
// receives and renders it. Same window.lab shape as janus-lab.js; the URL and room arguments
// are ignored (there is no server), feedId is always 'pc1'.
import { createClockStream } from './timecode.js';
import { createLab, showLocal, renderAndWatch, candidateSink } from './lab-common.js';

const lab = createLab();
window.lab = lab;

lab.publish = async (_url, _room, { fps = 30 } = {}) => {
  const clock = createClockStream(fps);
  showLocal(clock.stream);
  const pc1 = new RTCPeerConnection();
  pc1.addTransceiver(clock.track, { direction: 'sendonly', streams: [clock.stream] });
  pc1.onconnectionstatechange = () => lab.log(`pc1: ${pc1.connectionState}`);
  Object.assign(lab, { publisher: { pc: pc1, clock }, feedId: 'pc1', state: 'publishing' });
  return { feedId: 'pc1' };
};

lab.subscribe = async () => {
  if (!lab.publisher) throw new Error('publish first');
  const pc1 = lab.publisher.pc;
  const pc2 = new RTCPeerConnection();
  pc2.onconnectionstatechange = () => lab.log(`pc2: ${pc2.connectionState}`);
  const sink1 = candidateSink(pc1), sink2 = candidateSink(pc2);
  pc1.onicecandidate = (e) => sink2.add(e.candidate);
  pc2.onicecandidate = (e) => sink1.add(e.candidate);
  const remote = new Promise((resolve) => { pc2.ontrack = (e) => resolve(e.streams[0] || new MediaStream([e.track])); });

  await pc1.setLocalDescription(await pc1.createOffer());
  await pc2.setRemoteDescription(pc1.localDescription);
  sink2.flush();
  await pc2.setLocalDescription(await pc2.createAnswer());
  await pc1.setRemoteDescription(pc2.localDescription);
  sink1.flush();

  const watcher = renderAndWatch(lab, await remote);
  Object.assign(lab, { subscriber: { pc: pc2, watcher }, state: 'subscribed' });
  return {};
};

lab.stop = async () => {
  lab.subscriber?.watcher.stop();
  lab.subscriber?.pc.close();
  lab.publisher?.clock.stop();
  lab.publisher?.pc.close();
  lab.state = 'stopped';
};

if (new URLSearchParams(location.search).get('auto') === '1') {
  lab.publish().then(() => lab.subscribe()).catch((e) => lab.log(e.message));
}
