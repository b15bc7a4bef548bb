"""The agent console page: plain HTML and a small script polling `/api/agent/calls`, no build step."""

from bot.web.signin import FETCH_SCRIPT, SIGNIN_FORM, SIGNIN_SCRIPT

AGENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Concierge Pro: intercom calls</title>
<style>
[hidden]{display:none!important}
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.8rem 1.2rem;display:flex;justify-content:space-between;align-items:center}
main{max-width:72rem;margin:auto;padding:1rem}
.call{background:#fff;border-radius:8px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 2px #0002;display:grid;
 grid-template-columns:320px 1fr;gap:1rem}
.call.mine{outline:3px solid #3159d6}.state{font-weight:bold;text-transform:uppercase;font-size:.8rem;padding:.1rem .4rem;
 border-radius:4px;background:#eef0f3}.queued .state{background:#ffe8b3}.answered .state{background:#dbe7ff}
img{width:320px;height:240px;background:#2b3140;border-radius:6px}
button{cursor:pointer;border:0;border-radius:6px;padding:.35rem .8rem;background:#3159d6;color:#fff;margin:.15rem}
button.open{background:#1f8a4c}button.cancel{background:#888}
ol{font-size:.85rem;color:#555;max-height:10rem;overflow-y:auto}.msg{min-height:1.2rem}.msg.error{color:#a11}
input,select{padding:.35rem}#signin{max-width:30rem;margin:3rem auto}
#signin section{background:#fff;padding:1rem;border-radius:8px}.error{color:#a11}
</style></head>
<body>
<header><strong>Concierge Pro: intercom calls</strong><span id="who"></span></header>
""" + SIGNIN_FORM + """
<main id="app" hidden><p id="status" class="msg" aria-live="polite"></p><div id="calls"></div></main>
<script>
""" + FETCH_SCRIPT + """
function el(tag, text, cls) { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
function button(label, action, cls) {
  const b = el("button", label, cls);
  b.onclick = async () => {
    try { const r = await action(); $("#status").className = "msg"; $("#status").textContent = r.message || ""; }
    catch (e) { $("#status").className = "msg error"; $("#status").textContent = e.message; }
    refresh();
  };
  return b;
}
function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : "-"; }
function card(c) {
  const div = el("div", null, "call " + c.state + (c.mine ? " mine" : ""));
  const img = el("img"); img.alt = "Intercom camera"; if (c.snapshot) img.src = c.snapshot; div.append(img);
  const info = el("div"); div.append(info);
  const head = el("h3"); head.append(el("span", c.state, "state"), " #" + c.id + " " + c.property + ", " + (c.intercom || "intercom"));
  info.append(head);
  const purpose = c.purpose === "visit" ? "Visiting " + (c.visiting ? c.visiting.name : "(not recognised)") : (c.purpose || "greeting");
  info.append(el("p", purpose + (c.heard ? ': "' + c.heard + '"' : "") + " from " + (c.caller || "unknown")
    + (c.caller_left ? " (caller hung up)" : "")));
  info.append(el("p", "Rang " + time(c.ringing_at) + ", queued " + time(c.queued_at)
    + (c.answered_at ? ", answered " + time(c.answered_at) + " by " + c.agent.name + " (" + Math.round(c.seconds_to_answer) + " s)"
       : c.seconds_waiting != null ? ", waiting " + c.seconds_waiting + " s" : "")));
  const actions = el("div"); info.append(actions);
  const api = (what, body) => call("POST", "/api/agent/calls/" + c.id + "/" + what, body || {});
  if (c.state === "queued") actions.append(button("Answer", () => api("answer")));
  if (c.mine && c.state === "answered") {
    const who = el("select"); who.setAttribute("aria-label", "resident");
    for (const r of c.residents) { const o = el("option", r.name); o.value = r.handle; who.append(o); }
    if (c.visiting) who.value = c.visiting.handle;
    actions.append(who, button("Ring resident", () => api("ring", {person: who.value || null})));
    for (const d of c.delivery_doors) actions.append(button("Unlock " + d, () => api("unlock", {door: d}), "open"));
    const note = el("input"); note.placeholder = "Note"; note.setAttribute("aria-label", "note");
    actions.append(note, button("Resolve", () => api("resolve", {note: note.value}), "cancel"));
  }
  const log = el("ol");
  for (const e of c.log) log.append(el("li", time(e.at) + " " + e.kind + (e.by ? " by " + e.by : "") + (e.door ? ": " + e.door : "")
    + (e.detail.rule ? " refused (" + e.detail.rule + ")" : "")));
  info.append(log);
  return div;
}
async function refresh() {
  try {
    const data = await call("GET", "/api/agent/calls");
    const list = $("#calls"); list.replaceChildren(...data.calls.map(card));
    if (!data.calls.length) list.append(el("p", "No calls right now."));
  } catch (e) { $("#status").textContent = e.message; }
}
function showApp(person) {
  $("#signin").hidden = true; $("#app").hidden = false; $("#who").textContent = person + " ";
  refresh(); setInterval(refresh, 3000);
}
""" + SIGNIN_SCRIPT + """</script>
</body></html>
"""
