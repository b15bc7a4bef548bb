// Mission Control's only hand-written script: focus after sign-in and after a change, and the docked concierge chat.
// The chat stays open across pages: its messages and open state live in sessionStorage, and each page re-renders them.
(function () {
  "use strict";
  const $ = (selector, root) => (root || document).querySelector(selector);

  function focusNewContent() {
    const plan = $("#plan[data-focus]");
    const main = $("main[data-focus]");
    const target = plan || $("#problem") || (main && ($("#flash") || $("main h1")));
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  const dataNode = $("#chat-data");
  if (!dataNode) { focusNewContent(); return; }
  const data = JSON.parse(dataNode.textContent || "{}");
  const storeKey = "concierge-chat:" + (data.me || "") + ":" + (data.property || "");
  const body = document.body, panel = $("#chat-panel"), log = $("#chat-log"), toggle = $("#chat-toggle");
  const input = $("#message"), typing = $("#chat-typing");
  const wide = window.matchMedia("(min-width: 60rem)").matches;
  let state = { open: wide, messages: [] };
  try { state = Object.assign(state, JSON.parse(sessionStorage.getItem(storeKey) || "{}")); } catch (e) { /* a fresh chat */ }
  const save = () => sessionStorage.setItem(storeKey, JSON.stringify({ open: state.open, messages: state.messages.slice(-60) }));

  const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // A CONTRACT time carries the property's offset: show its wall-clock time there, never the browser's zone.
  function local(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || "");
    if (!m) return iso || "";
    const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
    return DAYS[day] + " " + (+m[3]) + " " + MONTHS[+m[2] - 1] + " " + m[1] + (m[4] ? " " + m[4] + ":" + m[5] : "");
  }
  function clock(ms) {
    try { return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone: data.tz }); }
    catch (e) { return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
  }

  function facts(op) {
    const rows = [];
    const who = op.person || op.guest;
    if (who) rows.push(["For", who === data.handle ? data.me + " (you)" : typeof who === "string" ? who : (who.name || who.email || who.phone)]);
    if (op.key) rows.push(["Key", op.key]);
    if (op.door) rows.push(["Door", op.door]);
    if (op.amenity) rows.push(["Amenity", op.amenity]);
    if (op.service) rows.push(["Service", op.service]);
    if (op.experience) rows.push(["Experience", op.experience]);
    if (op.schedule !== undefined && op.op === "set_schedule") rows.push(["Schedule", op.schedule || "always"]);
    if (op.starts_at) rows.push(["From", local(op.starts_at)]);
    if (op.ends_at) rows.push(["Until", local(op.ends_at)]);
    else if (op.op === "grant_key") rows.push(["Until", "no end"]);
    if (op.at) rows.push(["When", local(op.at)]);
    if (op.date) rows.push(["Date", local(op.date)]);
    const item = op.service || op.experience;
    if (item && data.prices[item]) rows.push(["Price", data.prices[item] + (op.quantity > 1 ? " × " + op.quantity : "")]);
    else if (op.amenity && op.op === "reserve_amenity") rows.push(["Price", "free"]);
    if (data.tz && (op.starts_at || op.ends_at || op.at)) rows.push(["Time zone", data.tz]);
    return rows;
  }

  function planTitle(reply) {
    const sentence = reply.replace(/\s*\(yes\/no\)\s*$/i, "").replace(/\?\s*$/, "");
    const short = sentence.split(/ (?:from|starting|until|on|for) (?=[A-Z0-9])/)[0];
    return short.charAt(0).toLowerCase() + short.slice(1);
  }

  function render(message, index) {
    const node = $("#tpl-message").content.firstElementChild.cloneNode(true);
    node.classList.add(message.who === "you" ? "you" : "bot");
    if (message.status) node.classList.add(message.status);
    $(".sender", node).textContent = message.who === "you" ? "You" : "Concierge";
    const time = $("time", node);
    time.textContent = clock(message.at); time.dateTime = new Date(message.at).toISOString();
    const planned = message.status === "confirm" && message.operations && message.operations.length;
    $(".text", node).textContent = planned ? message.text.replace(/\s*\(yes\/no\)\s*$/i, "") : message.text;
    if (planned) {
      node.append(planCard(message, index));
    }
    return node;
  }

  function planCard(message, index) {
    const card = $("#tpl-plan").content.firstElementChild.cloneNode(true);
    const title = planTitle(message.text);
    $(".plan-what", card).textContent = "Planned: " + title;
    const list = $(".facts", card);
    for (const op of message.operations) {
      for (const [label, value] of facts(op)) {
        const row = document.createElement("div"), dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = label; dd.textContent = value; row.append(dt, dd); list.append(row);
      }
    }
    const yes = $(".confirm", card), no = $(".cancel", card);
    yes.textContent = "Confirm: " + title; no.textContent = "Cancel: " + title;
    if (message.answered) { yes.disabled = true; no.disabled = true; }
    const answer = (text) => { message.answered = true; save(); yes.disabled = true; no.disabled = true; send(text, true); };
    yes.addEventListener("click", () => answer("yes"));
    no.addEventListener("click", () => answer("no"));
    return card;
  }

  function add(message, focus) {
    state.messages.push(message); save();
    const node = render(message, state.messages.length - 1);
    log.append(node); log.scrollTop = log.scrollHeight;
    if (focus) { node.setAttribute("tabindex", "-1"); node.focus(); }
  }

  async function send(text, focusReply) {
    add({ who: "you", text: text, at: Date.now() });
    typing.hidden = false;
    try {
      const response = await fetch("/api/chat", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: text }) });
      const turn = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((turn && typeof turn.detail === "string" && turn.detail) || response.statusText);
      add({ who: "bot", text: turn.reply, status: turn.status, operations: turn.operations, at: Date.now() }, focusReply);
    } catch (error) {
      add({ who: "bot", text: "That message did not go through: " + error.message, status: "refused", at: Date.now() }, focusReply);
    } finally {
      typing.hidden = true;
    }
  }

  function setOpen(open, focus) {
    state.open = open; save();
    panel.hidden = !open; body.classList.toggle("chat-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open && focus) input.focus();
    if (!open && focus) toggle.focus();
  }

  for (const text of data.suggestions || []) {
    const button = document.createElement("button");
    button.type = "button"; button.textContent = text;
    button.addEventListener("click", () => send(text));
    $("#chat-suggestions").append(button);
  }
  if (!state.messages.length) {
    state.messages.push({ who: "bot", text: "Hello " + (data.me || "") + "! Ask me to give or revoke access, share a guest pass, book an amenity, or say 'help'.", at: Date.now() });
  }
  state.messages.forEach((m, i) => log.append(render(m, i)));
  toggle.addEventListener("click", () => setOpen(true, true));
  $("#chat-close").addEventListener("click", () => setOpen(false, true));
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") setOpen(false, true); });
  $("#chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) { input.value = ""; send(text); }
  });
  setOpen(state.open, false);
  log.scrollTop = log.scrollHeight;
  focusNewContent();
})();
