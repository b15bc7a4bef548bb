"""The concierge page: plain HTML and a small hand-written script, no build step."""

from bot.web.signin import FETCH_SCRIPT, SIGNIN_FORM, SIGNIN_SCRIPT

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Concierge</title>
<style>
[hidden]{display:none!important}
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.8rem 1.2rem;display:flex;justify-content:space-between;align-items:center}
main{display:grid;grid-template-columns:1fr 24rem;gap:1rem;padding:1rem;max-width:72rem;margin:auto}
section{background:#fff;border-radius:8px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 2px #0002}
h2{margin:.2rem 0 .6rem;font-size:1.1rem} li{margin:.3rem 0}
#log{height:24rem;overflow-y:auto;display:flex;flex-direction:column;gap:.4rem}
.msg{padding:.45rem .7rem;border-radius:10px;max-width:85%;white-space:pre-wrap}
.you{align-self:flex-end;background:#dbe7ff}.bot{align-self:flex-start;background:#eef0f3}
.refused{background:#fde2e2}.done{background:#dff5e3}
button{cursor:pointer;border:0;border-radius:6px;padding:.35rem .8rem;background:#3159d6;color:#fff}
button.cancel{background:#888} form{display:flex;gap:.4rem;margin-top:.6rem} input,select{flex:1;padding:.4rem}
#signin{max-width:30rem;margin:3rem auto}.error{color:#a11}
</style></head>
<body>
<header><strong>Concierge</strong><span id="who"></span></header>
""" + SIGNIN_FORM + """
<main id="app" hidden>
<div>
<section id="help"><h2>Help</h2><ul></ul></section>
<section id="highlights"><h2>Feature highlights</h2><ul></ul></section>
<section id="upgrades"><h2>Upgrades</h2><ul></ul></section>
</div>
<section id="chat"><h2>Chat</h2><div id="log" aria-live="polite"></div>
<form id="chat-form"><input id="message" autocomplete="off" placeholder="Ask the concierge" aria-label="message">
<button type="submit">Send</button></form></section>
</main>
<script>
""" + FETCH_SCRIPT + """
function item(list, text, button) {
  const li = document.createElement("li"); li.textContent = text;
  if (button) { li.append(" "); li.append(button); }
  $(list).append(li);
}
function say(text, cls) {
  const div = document.createElement("div"); div.className = "msg " + cls; div.textContent = text;
  $("#log").append(div); $("#log").scrollTop = 1e9; return div;
}
async function send(text) {
  say(text, "you");
  try {
    const turn = await call("POST", "/api/chat", {message: text});
    const div = say(turn.reply, "bot " + turn.status);
    div.dataset.status = turn.status;
    if (turn.status === "confirm") {
      const row = document.createElement("div");
      for (const [label, answer, cls] of [["Confirm", "yes", "confirm"], ["Cancel", "no", "cancel"]]) {
        const b = document.createElement("button"); b.textContent = label; b.className = cls;
        b.onclick = () => { row.remove(); send(answer); }; row.append(b, " ");
      }
      div.append(document.createElement("br"), row);
    }
  } catch (e) { say("Error: " + e.message, "bot refused"); }
}
async function showApp(person) {
  $("#signin").hidden = true; $("#app").hidden = false; $("#who").textContent = person + " ";
  const out = document.createElement("button"); out.textContent = "Sign out"; out.className = "cancel";
  out.onclick = async () => { await call("DELETE", "/api/session"); location.reload(); }; $("#who").append(out);
  const c = await call("GET", "/api/concierge");
  c.help.forEach((s) => item("#help ul", s.name + ": " + s.steps.join(" ")));
  c.highlights.forEach((h) => item("#highlights ul", h.feature.replace(/_/g, " ") + ": " + h.why + " " + h.how));
  if (!c.highlights.length) item("#highlights ul", "You are using every feature you have.");
  c.upgrades.forEach((u) => {
    const b = document.createElement("button"); b.textContent = "Submit a Request";
    b.onclick = () => send("submit a request for " + u.replace(/_/g, " "));
    item("#upgrades ul", u.replace(/_/g, " "), b);
  });
  say("Hello! Ask me to give or revoke access, send a guest code, show activity, or say 'help'.", "bot");
}
$("#chat-form").onsubmit = (e) => {
  e.preventDefault(); const text = $("#message").value.trim(); if (text) { $("#message").value = ""; send(text); }
};
""" + SIGNIN_SCRIPT + """</script>
</body></html>
"""
