// Latency lab through Janus's videoroom, over its plain REST API.
// publish(janusUrl, room): creates the room if needed, joins as publisher with a clock stream,
//   resolves with { feedId }.
// subscribe(janusUrl, room, feedId): joins as subscriber to that feed, renders it and reads the
//   painted clock into lab.samples.
// The page can also start itself: janus.html?role=publisher|subscriber&janus=URL&room=N&feed=ID.
import { createClockStream } from './timecode.js';
import { JanusSession } from './janus-rest.js';
import { createLab, showLocal, renderAndWatch, candidateSink } from './lab-common.js';

const VIDEOROOM = 'janus.plugin.videoroom';
const lab = createLab();
window.lab = lab;

lab.publish = async (janusUrl, room, { fps = 30, bitrate = 0 } = {}) => {
  room = Number(room);
  const session = await JanusSession.create(janusUrl, lab.log);
  const handle = await session.attach(VIDEOROOM);
  await ensureRoom(handle, room, bitrate);

  const clock = createClockStream(fps);
  showLocal(clock.stream);
  const pc = new RTCPeerConnection();
  pc.addTransceiver(clock.track, { direction: 'sendonly', streams: [clock.stream] });
  wireIce(pc, handle, 'publisher');

  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const ev = await handle.request(
    { request: 'joinandconfigure', ptype: 'publisher', room, display: 'clock', audio: false, video: true },
    pc.localDescription,
    (e) => e.janus === 'event' && (e.jsep || e.plugindata?.data?.error));
  await pc.setRemoteDescription(ev.jsep);
  handle.sink.flush();

  const feedId = ev.plugindata.data.id;
  Object.assign(lab, { publisher: { session, handle, pc, clock }, feedId, state: 'publishing' });
  lab.log(`published feed ${feedId} in room ${room}`);
  return { feedId };
};

lab.subscribe = async (janusUrl, room, feedId) => {
  room = Number(room);
  const session = await JanusSession.create(janusUrl, lab.log);
  const handle = await session.attach(VIDEOROOM);
  const pc = new RTCPeerConnection();
  wireIce(pc, handle, 'subscriber');
  const remote = new Promise((resolve) => { pc.ontrack = (e) => resolve(e.streams[0] || new MediaStream([e.track])); });

  const ev = await handle.request(
    { request: 'join', ptype: 'subscriber', room, streams: [{ feed: Number(feedId) }] },
    null,
    (e) => e.janus === 'event' && (e.jsep || e.plugindata?.data?.error));
  await pc.setRemoteDescription(ev.jsep);
  handle.sink.flush();
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  await handle.request({ request: 'start', room }, pc.localDescription);

  const stream = await remote;
  const watcher = renderAndWatch(lab, stream);
  Object.assign(lab, { subscriber: { session, handle, pc, watcher }, state: 'subscribed' });
  lab.log(`subscribed to feed ${feedId} in room ${room}`);
  return {};
};

lab.stop = async () => {
  for (const side of [lab.subscriber, lab.publisher]) {
    if (!side) continue;
    side.watcher?.stop();
    side.clock?.stop();
    side.pc.close();
    await side.session.destroy();
  }
  lab.state = 'stopped';
};

async function ensureRoom(handle, room, bitrate) {
  const reply = await handle.message({
    request: 'create', room, publishers: 4, videocodec: 'vp8', audiocodec: 'opus',
    bitrate, fir_freq: 10, notify_joining: false, description: `latency lab ${room}`,
  });
  const data = reply.plugindata?.data;
  if (data?.error_code && data.error_code !== 427) // 427: room already exists
    throw new Error(`create room: ${data.error_code} ${data.error}`);
}

function wireIce(pc, handle, name) {
  handle.sink = candidateSink(pc);
  handle.onTrickle = (c) => handle.sink.add(c);
  handle.onEvent = (ev) => lab.log(`${name} event: ${JSON.stringify(ev.plugindata?.data ?? ev.janus)}`);
  pc.onicecandidate = (e) => handle.trickle(e.candidate).catch((err) => lab.log('trickle: ' + err.message));
  pc.onconnectionstatechange = () => lab.log(`${name} pc: ${pc.connectionState}`);
}

const params = new URLSearchParams(location.search);
if (params.get('janus')) {
  const url = params.get('janus'), room = params.get('room') || '1234';
  if (params.get('role') === 'subscriber') lab.subscribe(url, room, params.get('feed')).catch((e) => lab.log(e.message));
  else lab.publish(url, room).then((r) => lab.log('feed ' + r.feedId)).catch((e) => lab.log(e.message));
}
