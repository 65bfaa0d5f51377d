// Wires the demo page's buttons to the CoStream client. Tests drive window.costream directly.
import { CoStreamClient } from './costream.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
for (const k of ['room', 'participant', 'role']) if (params.get(k)) $(k).value = params.get(k);
if (!$('participant').value) $('participant').value = 'p' + Math.floor(Math.random() * 1e6);
if (params.get('clock') === '1') $('clock').checked = true;

const client = new CoStreamClient({
  localContainer: $('local'),
  remoteContainer: $('remote'),
  log: (line) => { $('log').textContent += line + '\n'; },
});
window.costream = client;

const opts = () => ({ room: $('room').value, participant: $('participant').value, role: $('role').value, clock: $('clock').checked });
$('join').onclick = async () => { await client.join(opts()); };
$('whip').onclick = async () => { await client.whipPublish(opts()); };
$('whep').onclick = async () => { await client.whepPlay(opts()); };
$('leave').onclick = async () => { await client.leave(); };
