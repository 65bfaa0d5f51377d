// Latency lab through the CoStream SFU: window.lab.publish(room) sends the painted clock as an
// anchor; window.lab.subscribe(room) joins as audience and reads the clock from each rendered frame.
import { CoStreamClient } from './costream.js';
import { createLab } from './lab-common.js';

const lab = createLab();
const client = new CoStreamClient({
  localContainer: document.getElementById('local'),
  remoteContainer: document.getElementById('remote'),
  log: lab.log,
});
lab.samples = client.latencySamples;   // the same array: Playwright reads and clears it in place
lab.publish = async (room) => {
  await client.join({ room, participant: 'clock-' + Math.floor(Math.random() * 1e6), role: 'anchor', clock: true, audio: false });   // video only, like the Janus and p2p labs
  lab.state = 'publishing';
};
lab.subscribe = async (room) => {
  await client.join({ room, participant: 'viewer-' + Math.floor(Math.random() * 1e6), role: 'audience' });
  lab.state = 'subscribed';
};
lab.stop = () => client.leave();
window.lab = lab;
window.costream = client;
