// carebridge admin sign-in: the admin token, or the one-time code of a
// sign-in link (in the address's #fragment, which never reaches a server
// log), is exchanged for a session cookie.
"use strict";

const params = new URLSearchParams(location.search);

function say(text, cls) {
  const e = document.getElementById("say");
  e.textContent = text;
  e.className = "say " + (cls || "");
}

async function exchange(body) {
  body.next = params.get("next") || "";
  let r;
  try {
    r = await fetch("/admin/api/session", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  } catch (e) {
    say("carebridge did not answer: " + e.message, "bad");
    return;
  }
  let d = {};
  try { d = await r.json(); } catch (e) { d = { error: "carebridge answered HTTP " + r.status }; }
  if (r.ok) {
    location.replace(d.next || "/admin/");
    return;
  }
  say(d.error, "bad");
  document.getElementById("token").focus();
}

document.getElementById("signinForm").addEventListener("submit", (e) => {
  e.preventDefault();
  say("Signing in…", "muted");
  exchange({ token: document.getElementById("token").value });
});

if (params.get("signed_out")) say("You are signed out.", "ok");

const code = new URLSearchParams(location.hash.slice(1)).get("code");
if (code) {
  // The code is good once: it leaves the address bar (and the history) now.
  history.replaceState(null, "", location.pathname + location.search);
  say("Signing in with the link…", "muted");
  exchange({ code });
}
