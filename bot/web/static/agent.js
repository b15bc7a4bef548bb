// The agent console: open calls pushed by the server (server-sent events), actions posted as JSON.
// A call's card is built once and then updated in place: the resident choice and the note the agent is
// typing are never re-rendered (their controls are rebuilt only when the call changes state).
"use strict";
(() => {
  const root = document.getElementById("console");
  if (!root) return;
  const tz = root.dataset.tz || "UTC";
  const clock = new Intl.DateTimeFormat("en-GB", {timeZone: tz, weekday: "short", day: "numeric", month: "short",
    year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  const list = document.getElementById("calls");
  const none = document.getElementById("no-calls");
  const history = document.getElementById("history");
  const status = document.getElementById("status");
  const connection = document.getElementById("connection");
  const cards = new Map();

  const time = (iso) => iso ? clock.format(new Date(iso)).replace(/,/g, "") : "-";
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function say(text, kind) {
    status.hidden = !text;
    status.className = "notice " + kind;
    status.textContent = text;
  }
  const badge = (state) => el("span", "badge " + (state === "resolved" ? "ok" : state === "abandoned" ? "bad" : "live"), state);
  const fact = (name, value) => { const d = el("div"); d.append(el("dt", null, name), el("dd", null, value)); return d; };
  const purpose = (c) => c.purpose === "visit" ? "Visit for " + (c.visiting ? c.visiting.name : "(not recognised)")
    : (c.purpose === "delivery" ? "Delivery" + (c.visiting ? " for " + c.visiting.name : "") : (c.purpose || "Greeting"));

  const csrfToken = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  async function act(id, what, body) {
    let data = {};
    let response;
    try {
      response = await fetch("/api/agent/calls/" + id + "/" + what, {method: "POST",
        headers: {"content-type": "application/json", "x-csrf-token": csrfToken()}, body: JSON.stringify(body || {})});
      data = await response.json();
    } catch (e) {
      say("The request failed: " + e.message, "error");
      return null;
    }
    const detail = data.detail && typeof data.detail === "object" ? data.detail.message : data.detail;
    const message = data.message || detail || response.statusText;
    if (!response.ok || data.ok === false) { say("Failed: " + message, "error"); return null; }
    say(message, "done");
    return data;
  }
  function button(label, cls, run) {
    const b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", async () => { b.disabled = true; await run(); b.disabled = false; });
    return b;
  }
  function logLine(e, names) {
    const d = e.detail || {};
    const by = e.by ? " by " + e.by : "";
    let text = e.kind.replace(/_/g, " ") + by;
    let failed = false;
    if (e.kind === "ring_resident") {
      failed = d.ok === false;
      const who = names.get(d.person) || d.person;
      text = failed ? "Ringing " + who + " FAILED" + (d.error ? ": " + d.error : "") : "Rang " + who + by;
    } else if (e.kind === "unlock") text = "Unlocked " + e.door + by;
    else if (e.kind === "unlock_refused") { failed = true; text = "Unlock of " + e.door + " refused: " + (d.reason || d.rule); }
    const li = el("li", failed ? "failed" : null);
    li.append(el("time", null, time(e.at)), " " + text);
    return li;
  }
  function controls(entry, c) {
    const box = entry.actions;
    box.replaceChildren();
    if (c.state === "queued") box.append(button("Answer call #" + c.id, "primary", () => act(c.id, "answer")));
    if (!(c.mine && c.state === "answered")) return;
    const pick = el("div", "field");
    const select = el("select");
    select.id = "resident-" + c.id;
    const label = el("label", null, "Resident to ring");
    label.htmlFor = select.id;
    for (const r of c.residents) { const o = el("option", null, r.name); o.value = r.handle; select.append(o); }
    if (c.visiting) select.value = c.visiting.handle;
    pick.append(label, select);
    const ring = button("Ring resident", "primary", () => act(c.id, "ring", {person: select.value || null}));
    const doors = el("div", "doors");
    for (const d of c.delivery_doors) doors.append(button("Unlock " + d, "secondary", () => act(c.id, "unlock", {door: d})));
    const noteBox = el("div", "field");
    const note = el("textarea");
    note.id = "note-" + c.id;
    note.rows = 2;
    note.maxLength = 1000;
    const noteLabel = el("label", null, "Note for the call summary");
    noteLabel.htmlFor = note.id;
    noteBox.append(noteLabel, note);
    const resolve = button("Resolve call #" + c.id, "primary", () => act(c.id, "resolve", {note: note.value}));
    box.append(pick, ring, doors, noteBox, resolve);
  }
  function build(c) {
    const li = el("li", "card call");
    li.id = "call-" + c.id;
    const entry = {li, head: el("h3"), img: el("img", "snapshot"), facts: el("dl", "facts"), actions: el("div", "call-actions"),
      log: el("ol", "call-log"), key: null};
    entry.img.alt = "Intercom camera picture of call #" + c.id;
    entry.img.width = 320;
    entry.img.height = 240;
    li.append(entry.head, entry.img, entry.facts, entry.actions, el("h4", null, "What happened"), entry.log);
    return entry;
  }
  function update(entry, c) {
    entry.head.replaceChildren("Call #" + c.id + " ", badge(c.state));
    entry.img.hidden = !c.snapshot;
    if (c.snapshot && entry.img.getAttribute("src") !== c.snapshot) entry.img.src = c.snapshot;
    const answered = c.answered_at ? time(c.answered_at) + (c.agent ? " by " + c.agent.name : "") : "-";
    entry.facts.replaceChildren(fact("Purpose", purpose(c) + (c.heard ? ": “" + c.heard + "”" : "")),
      fact("Caller", (c.caller || "unknown") + (c.caller_left ? " (hung up)" : "")), fact("Intercom", c.intercom || "-"),
      fact("Rang", time(c.ringing_at)), fact("Answered", answered));
    const names = new Map(c.residents.map((r) => [r.handle, r.name]));
    if (c.visiting) names.set(c.visiting.handle, c.visiting.name);
    entry.log.replaceChildren(...c.log.map((e) => logLine(e, names)));
    const key = c.state + "/" + c.mine;
    if (entry.key !== key) { entry.key = key; controls(entry, c); }
  }
  function ended(h) {
    const li = el("li", "card ended-call");
    const head = el("h3", null, "Call #" + h.id + " ");
    head.append(badge(h.state));
    const facts = el("dl", "facts");
    facts.append(fact("Purpose", (h.purpose ? h.purpose[0].toUpperCase() + h.purpose.slice(1) : "Greeting")
      + (h.visiting ? " for " + h.visiting : "")), fact("Rang", time(h.ringing_at)), fact("Ended", time(h.ended_at)),
      fact("Answered by", h.agent || "-"));
    if (h.note) facts.append(fact("Note", h.note));
    li.append(head, facts);
    return li;
  }
  function render(data) {
    const seen = new Set();
    data.calls.forEach((c, i) => {
      seen.add(c.id);
      let entry = cards.get(c.id);
      if (!entry) { entry = build(c); cards.set(c.id, entry); connection.textContent = "New call #" + c.id + "."; }
      update(entry, c);
      if (list.children[i] !== entry.li) list.insertBefore(entry.li, list.children[i] || null);
    });
    for (const [id, entry] of cards) if (!seen.has(id)) { entry.li.remove(); cards.delete(id); }
    none.hidden = data.calls.length > 0;
    if (data.history.length) history.replaceChildren(...data.history.map(ended));
  }

  const source = new EventSource("/api/agent/events");
  source.addEventListener("calls", (event) => { connection.dataset.live = "true"; render(JSON.parse(event.data)); });
  source.addEventListener("error", () => { connection.textContent = "Connection lost; reconnecting…"; });
})();
