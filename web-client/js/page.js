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

const opts = () => ({ room: $('room').value, participant: $('participant').value, role: $('role').value, clock: $('clock').checked,
  audioOnly: $('audioOnly').checked, autoAccept: $('autoAccept').checked });
$('join').onclick = async () => { await client.join(opts()); };
$('whip').onclick = async () => { await client.whipPublish(opts()); };
$('whep').onclick = async () => { await client.whepPlay(opts()); };
$('leave').onclick = async () => { await client.leave(); };

// Stage and PK: every room event is logged; the stage line shows the state kept from them.
const showStage = () => {
  const st = client.room?.state;
  if (!st) return;
  const g = (st.stage?.guests || []).map(x => x.participant + (x.audioOnly ? ' (audio)' : '') + (x.away ? ' (away)' : ''));
  const r = (st.stage?.requests || []).map(x => x.participant);
  const pk = st.pk ? `${st.pk.status} ${st.pk.fromRoom}/${st.pk.fromAnchor} vs ${st.pk.toRoom}/${st.pk.toAnchor || '?'}` : 'none';
  $('stage').textContent = `on stage: ${g.join(', ') || '-'} | requests: ${r.join(', ') || '-'} | PK: ${pk}`;
};
client.onEvent((e) => { client.log(`#${e.seq} ${e.kind} ${JSON.stringify(e.data)}`); showStage(); });
const call = (f) => async () => { try { await f(); showStage(); } catch (e) { client.log('refused: ' + e.message); } };
$('request').onclick = call(() => client.room.requestToJoin($('audioOnly').checked));
$('leaveStage').onclick = call(() => client.room.leaveStage());
$('invite').onclick = call(() => client.room.invite($('guest').value, $('audioOnly').checked));
$('acceptInvite').onclick = call(async () => { await client.room.acceptInvite(); await client.publish(opts()); });
$('remove').onclick = call(() => client.room.removeGuest($('guest').value));
$('invitePk').onclick = call(() => client.room.invitePk($('pkRoom').value));
$('acceptPk').onclick = call(() => client.room.acceptPk($('pkRoom').value));
$('endPk').onclick = call(() => client.room.endPk());
