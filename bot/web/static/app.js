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
  // Each tab is its own conversation: a "yes" typed here never answers a plan made in another tab.
  const conversation = (function () {
    let id = sessionStorage.getItem("concierge-conversation");
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      const bytes = crypto.getRandomValues(new Uint8Array(18));
      id = btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      sessionStorage.setItem("concierge-conversation", id);
    }
    return id;
  })();
  const csrf = ($('meta[name="csrf-token"]') || {}).content || "";

  function clock(ms) {
    try { return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone: data.tz }); }
    catch (e) { return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
  }

  function planTitle(reply) {
    const sentence = reply.replace(/\s*\(yes\/no\)[\s\S]*$/i, "").replace(/\?\s*$/, "");
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
    $(".text", node).textContent = planned ? message.text.replace(/\s*\(yes\/no\)/i, "") : message.text;
    if (planned) {
      node.append(planCard(message, index));
    }
    return node;
  }

  function planCard(message, index) {
    const card = $("#tpl-plan").content.firstElementChild.cloneNode(true);
    const title = planTitle(message.text);
    card.dataset.plan = message.plan || "";
    $(".plan-what", card).textContent = "Planned: " + title;
    const list = $(".facts", card);
    for (const [label, value] of message.card || []) {
      const row = document.createElement("div"), dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = label; dd.textContent = value; row.append(dt, dd); list.append(row);
    }
    const yes = $(".confirm", card), no = $(".cancel", card);
    yes.textContent = "Confirm: " + title; no.textContent = "Cancel: " + title;
    if (message.answered || !message.plan) close(card, message.answered);
    const answer = (text) => { message.answered = "answered"; save(); close(card, "answered"); send(text, true, message.plan); };
    yes.addEventListener("click", () => answer("yes"));
    no.addEventListener("click", () => answer("no"));
    return card;
  }

  // A plan's buttons work while it is the one waiting; once answered or replaced they are disabled and say so.
  function close(card, why) {
    for (const button of card.querySelectorAll("button")) button.disabled = true;
    let note = $(".plan-closed", card);
    if (!note) { note = document.createElement("p"); note.className = "plan-closed"; card.append(note); }
    note.textContent = why === "answered" ? "Answered." : "No longer waiting: a newer request replaced this plan.";
  }

  function settle(waiting) {
    state.messages.forEach((m) => { if (m.plan && m.plan !== waiting && !m.answered) m.answered = "replaced"; });
    save();
    for (const card of log.querySelectorAll(".chat-plan[data-plan]")) {
      const message = state.messages.find((m) => m.plan === card.dataset.plan);
      if (card.dataset.plan !== waiting && message && message.answered) close(card, message.answered);
    }
  }

  function add(message, focus) {
    state.messages.push(message); save();
    const node = render(message, state.messages.length - 1);
    log.append(node); log.scrollTop = log.scrollHeight;
    if (focus) { node.setAttribute("tabindex", "-1"); node.focus(); }
  }

  async function send(text, focusReply, plan) {
    add({ who: "you", text: text, at: Date.now() });
    typing.hidden = false;
    try {
      const response = await fetch("/chat/turn", { method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify({ message: text, conversation: conversation, plan: plan || null }) });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((answer && typeof answer.detail === "string" && answer.detail) || response.statusText);
      const turn = answer.turn;
      add({ who: "bot", text: turn.reply, status: turn.status, operations: turn.operations, card: answer.card,
        plan: turn.status === "confirm" ? answer.plan : null, at: Date.now() }, focusReply);
      settle(answer.plan);
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
