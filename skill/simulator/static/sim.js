// Hip Coach simulator page: the browser is the device. It speaks each response's rendered
// audio in order (progressive pieces first), plays AudioPlayer tracks in an <audio> element
// and reports their real offsets back, and previews the screen from the APL datasource.
"use strict";
const $ = (id) => document.getElementById(id);
const NEARLY_S = 10; // PlaybackNearlyFinished this long before a track's end (our choice)
const voiceEl = $("voice"), trackEl = $("track");
const track = { token: null, url: null, offset: 0, activity: "IDLE", queued: null,
                started: false, nearly: false };
let requests = Promise.resolve(); // one request to the skill at a time, in order
let voices = Promise.resolve();   // speech and the directives that wait for it, in order
let current = null;               // the spoken response now playing (its silences)
let turn = 0;                     // bumped when the user speaks: what was queued before is cut
let cut = null;                   // ends the speech now playing (barge-in)
const preview = { payload: null, origin: 0, byTrack: false, trackStart: 0 };

function line(cls, text) {
  const div = document.createElement("div");
  div.className = cls; div.textContent = text;
  $("transcript").appendChild(div);
  $("transcript").scrollTop = $("transcript").scrollHeight;
}

function report() {
  if (!track.token) return { activity: "IDLE" };
  const offset = track.url && trackEl.src ? Math.round(trackEl.currentTime * 1000) : track.offset;
  return { activity: track.activity, token: track.token, offset };
}

async function post(path, body) {
  const reply = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                                    body: JSON.stringify(body || {}) });
  return reply.json();
}

function call(path, body) {
  const done = requests.then(() => post(path, typeof body === "function" ? body() : body))
    .then(show).catch((err) => line("note", `(simulator error: ${err})`));
  requests = done;
  return done;
}

function show(result) {
  if (result.error) { line("note", `! ${result.error}`); return; }
  for (const x of result.exchanges || []) {
    if (x.kind.startsWith("AudioPlayer.") || x.kind.startsWith("PlaybackController.")) {
      const said = x.directives.map((d) => d.type.replace("AudioPlayer.", "") +
        (d.playBehavior ? ` ${d.playBehavior}` : "")).join(", ");
      line("event", `◦ ${x.kind}${said ? " → " + said : ""}`);
    }
    for (const note of x.notes) line("note", `(${note})`);
    for (const piece of x.progressive) speak(piece, "Alexa (progressive): ");
    if (x.speech) speak(x.speech, "Alexa: ", x.screen, x.directives);
    else if (x.screen) showScreen(x.screen, x.directives);
    if (x.kind === "SessionEndedRequest") voices = voices.then(() => line("note", "(session ended)"));
    for (const d of x.directives) {
      if (d.type === "AudioPlayer.Play" && x.speech) {
        const mine = turn;  // a track after speech the user talked over is not started
        voices = voices.then(() => { if (mine === turn) directive(d); });
      } else directive(d);
    }
    $("request").textContent = JSON.stringify(x.request, null, 2);
    $("response").textContent = JSON.stringify(x.response, null, 2);
  }
  if (result.state) $("state").textContent = JSON.stringify(result.state, null, 2);
  if (result.days !== undefined) $("clock").textContent = result.days ? `simulated day +${result.days}` : "";
}

// Each line enters the transcript as it begins to be heard, not when it arrives, so the
// text never runs ahead of the voice (a turn's pieces all arrive at once).
function speak(spoken, who, screen, directives) {
  const mine = turn;
  voices = voices.then(() => new Promise((resolve) => {
    if (mine !== turn) { resolve(); return; }  // talked over before it began
    line("alexa", who + (spoken.text || "(no words)"));
    if (screen) showScreen(screen, directives || []);
    if (!spoken.url) { resolve(); return; }
    current = spoken;
    const finish = () => {
      current = cut = null; voiceEl.onended = voiceEl.onerror = null; resolve();
    };
    cut = () => { voiceEl.pause(); finish(); };
    voiceEl.onended = finish; voiceEl.onerror = finish;
    voiceEl.src = spoken.url;
    voiceEl.play().catch(finish);
  }));
}

// The user speaks (or presses a button): as on a speaker, Alexa stops talking at once and
// what it had still to say is dropped, so "that hurts" during a hold is answered now, not
// after the hold's silence.
function bargeIn() {
  turn += 1;
  if (cut) { cut(); line("note", "(Alexa stops talking)"); }
  if (preview.payload && !preview.byTrack) preview.payload = { ...preview.payload, holds: [] };
}

function skipSilence() {
  if (!current || voiceEl.paused) return;
  const at = voiceEl.currentTime * 1000;
  const gap = current.silences.find(([start, end]) => end > at + 50);
  if (!gap) return;
  const to = Math.max(at, gap[0]);
  voiceEl.currentTime = gap[1] / 1000;
  if (!preview.byTrack) preview.origin -= gap[1] - to; // the screen skips with the voice
}

// ---- the player: AudioPlayer directives, and the events a device sends ----------------
function event(kind, offset) {
  const token = track.token;
  call("/api/event", () => ({ kind, token, offset: Math.round(offset), player: report() }));
}

function start(stream) {
  Object.assign(track, { token: stream.token, url: stream.url, offset: stream.offsetInMilliseconds || 0,
                         activity: "PLAYING", started: false, nearly: false });
  $("now-playing").textContent = `▶ ${stream.title || stream.token}`;
  trackEl.src = stream.url;
  trackEl.currentTime = track.offset / 1000;
  preview.trackStart = track.offset;
  trackEl.play().catch((err) => line("note", `(track did not play: ${err})`));
}

function stopTrack() {
  if (track.activity !== "PLAYING") return;
  trackEl.pause();
  track.activity = "STOPPED";
  track.offset = Math.round(trackEl.currentTime * 1000);
  $("now-playing").textContent = `⏸ stopped at ${(track.offset / 1000).toFixed(1)} s`;
  event("PlaybackStopped", track.offset);
}

function directive(d) {
  const stream = (d.audioItem || {}).stream || {};
  stream.title = ((d.audioItem || {}).metadata || {}).subtitle;
  if (d.type === "AudioPlayer.Play") {
    if (d.playBehavior === "ENQUEUE") {
      if (stream.expectedPreviousToken === track.token) track.queued = stream;
    } else if (d.playBehavior === "REPLACE_ENQUEUED") {
      track.queued = stream;
    } else {
      stopTrack();
      track.queued = null;
      start(stream);
    }
  } else if (d.type === "AudioPlayer.Stop") {
    stopTrack();
  } else if (d.type === "AudioPlayer.ClearQueue") {
    track.queued = null;
    if (d.clearBehavior === "CLEAR_ALL") stopTrack();
  }
}

trackEl.addEventListener("playing", () => {
  if (track.started) return;
  track.started = true;
  event("PlaybackStarted", trackEl.currentTime * 1000);
});
trackEl.addEventListener("timeupdate", () => {
  const left = trackEl.duration - trackEl.currentTime;
  if (!track.nearly && track.started && isFinite(left) && left < NEARLY_S) {
    track.nearly = true;
    event("PlaybackNearlyFinished", trackEl.currentTime * 1000);
  }
});
trackEl.addEventListener("ended", () => {
  track.activity = "FINISHED";
  event("PlaybackFinished", trackEl.duration * 1000);
  requests.then(() => {
    const next = track.queued;
    track.queued = null;
    if (next) start(next); else $("now-playing").textContent = "■ end of the queue";
  });
});

// ---- the screen preview, from the RenderDocument's datasource ---------------------------
function showScreen(payload, directives) {
  $("screen").hidden = false;
  preview.payload = payload;
  preview.byTrack = directives.some((d) => d.type === "AudioPlayer.Play");
  preview.origin = performance.now();
  if (payload.kind === "step" || payload.kind === "end") {
    $("screen-title").textContent = `${payload.routine}: step ${payload.number} of ${payload.count}, ${payload.title}`;
    $("screen-side").textContent = payload.side ? `${payload.side} side` : "";
    $("screen-text").textContent = payload.instruction;
  } else {
    $("screen-title").textContent = payload.title || "";
    $("screen-side").textContent = "";
    $("screen-text").textContent = payload.text || payload.hint || "";
  }
}

function clock(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function tick() {
  const p = preview.payload;
  const holds = (p && p.holds) || [];
  const t = preview.byTrack ? trackEl.currentTime * 1000 - preview.trackStart
                            : performance.now() - preview.origin;
  const hold = holds.find((h) => t >= h.start && t < h.start + h.ms);
  const next = holds.find((h) => h.start > t);
  if (hold) {
    $("countdown").textContent = clock(hold.start + hold.ms - t);
    const phase = (t - hold.start) % (hold.in + hold.out);
    const inhale = phase < hold.in;
    $("breath-label").textContent = inhale ? "Breathe in" : "Breathe out";
    const f = inhale ? phase / hold.in : 1 - (phase - hold.in) / hold.out;
    $("breath").style.transform = `scale(${0.5 + 0.5 * f})`;
    if (hold.side) $("screen-side").textContent = `${hold.side} side`;
  } else {
    $("countdown").textContent = next ? `hold in ${clock(next.start - t)}` : "";
    $("breath-label").textContent = p && p.done && t >= p.done.at ? p.done.text : "";
    $("breath").style.transform = "scale(.5)";
  }
  requestAnimationFrame(tick);
}

// ---- wiring -----------------------------------------------------------------------------
function say(text) {
  if (!text.trim()) return;
  line("you", `you> ${text}`);
  bargeIn();
  call("/api/say", () => ({ text, player: report() }));
}

function setup(result) {
  $("chips").replaceChildren(...result.chips.map((phrase) => {
    const chip = document.createElement("button");
    chip.type = "button"; chip.textContent = phrase;
    chip.onclick = () => say(phrase);
    return chip;
  }));
  applied(result);
}

function applied(result) {
  $("profile").value = result.profile;
  $("player").hidden = result.profile === "speaker";
  $("screen").hidden = true;
  preview.payload = null;
  $("state").textContent = JSON.stringify(result.state, null, 2);
  $("clock").textContent = result.days ? `simulated day +${result.days}` : "";
}

function reset() {
  trackEl.pause(); bargeIn();
  Object.assign(track, { token: null, url: null, offset: 0, activity: "IDLE", queued: null });
  $("now-playing").textContent = "Nothing playing";
}

$("form").addEventListener("submit", (e) => { e.preventDefault(); say($("say").value); $("say").value = ""; });
$("skip").onclick = skipSilence;
$("profile").onchange = () => { reset(); requests = requests.then(() => post("/api/profile", { profile: $("profile").value }).then(applied)); };
$("new-user").onclick = () => { reset(); line("note", "(a new user)"); requests = requests.then(() => post("/api/new-user").then(applied)); };
$("tomorrow").onclick = () => { reset(); line("note", "(a day later)"); requests = requests.then(() => post("/api/tomorrow").then(applied)); };
for (const [id, command] of [["btn-pause", "Pause"], ["btn-play", "Play"], ["btn-next", "Next"], ["btn-previous", "Previous"]]) {
  $(id).onclick = () => { line("event", `(button: ${command})`); bargeIn(); call("/api/button", () => ({ command, player: report() })); };
}
const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
if (Recognition) {
  $("mic").hidden = false;
  $("mic").onclick = () => {
    bargeIn();  // as the wake word does
    const rec = new Recognition();
    rec.lang = "en-US";
    rec.onresult = (e) => say(e.results[0][0].transcript);
    rec.onerror = (e) => line("note", `(microphone: ${e.error})`);
    rec.start();
  };
}
fetch("/api/setup").then((r) => r.json()).then(setup);
requestAnimationFrame(tick);
