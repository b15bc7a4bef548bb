"""The sign-in shared by the web pages: the form, and the script that signs in (demo chooser or token) and
then calls the page's own ``showApp(person)``; plus the small fetch helper every page script uses."""

SIGNIN_FORM = """<div id="signin" hidden><section><h2>Sign in</h2>
<form id="demo-form" hidden><select id="people" aria-label="person"></select><button type="submit">Sign in</button></form>
<form id="token-form"><input id="token" placeholder="Access token (concierge token --as you)" aria-label="token">
<button type="submit">Sign in</button></form><p id="signin-error" class="error"></p></section></div>"""

FETCH_SCRIPT = """const $ = (s) => document.querySelector(s);
async function call(method, url, body) {
  const r = await fetch(url, {method, headers: {"content-type": "application/json"}, body: body && JSON.stringify(body)});
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    const d = data.detail || data;
    throw new Error(typeof d === "string" ? d : (d && d.message) || data.message || r.statusText);
  }
  return data;
}
"""

SIGNIN_SCRIPT = """async function signIn(body) {
  try { const s = await call("POST", "/api/session", body); showApp(s.person); }
  catch (e) { $("#signin-error").textContent = e.message; }
}
$("#demo-form").onsubmit = (e) => { e.preventDefault(); signIn({as: $("#people").value}); };
$("#token-form").onsubmit = (e) => { e.preventDefault(); signIn({token: $("#token").value}); };
(async () => {
  const s = await call("GET", "/api/session");
  if (s.person) return showApp(s.person);
  $("#signin").hidden = false;
  if (s.demo) {
    $("#demo-form").hidden = false;
    for (const p of s.people) {
      const o = document.createElement("option"); o.value = p.handle; o.textContent = p.name + " (" + p.handle + ")";
      $("#people").append(o);
    }
  }
})();
"""
