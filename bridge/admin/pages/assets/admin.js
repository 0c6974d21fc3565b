// carebridge admin UI: what every page shares (the session, API calls,
// building the page). Everything shown from the server goes through
// textContent, never HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let csrfToken = ""; // the session's, sent with every call that changes something

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function link(href, text) {
  const a = el("a", text);
  a.href = href;
  return a;
}

function badge(text, cls) { return el("span", text, "badge " + cls); }

// toSignIn leaves for the sign-in page, which brings the admin back here.
function toSignIn() {
  location.replace("/admin/signin?next=" + encodeURIComponent(location.pathname + location.search));
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// call makes one API call with the session cookie (and the CSRF token when
// it changes something). When carebridge is busy (503 with Retry-After) it
// tries again, up to three times; without a session it goes to sign-in.
async function call(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  let resp;
  for (let attempt = 0; ; attempt++) {
    try {
      resp = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { ok: false, status: 0, data: { error: "carebridge did not answer: " + e.message } };
    }
    const wait = Number(resp.headers.get("Retry-After"));
    if (resp.status !== 503 || !wait || attempt >= 3) break;
    await pause(wait * 1000);
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = { error: "carebridge answered HTTP " + resp.status }; }
  if (resp.status === 401) toSignIn();
  return { ok: resp.ok, status: resp.status, data };
}

function say(id, text, cls) {
  const e = $(id);
  e.textContent = text;
  e.className = "say " + (cls || "");
}

// problemBox says what went wrong in plain words, with the raw text behind
// a disclosure.
function problemBox(plain, raw, cls) {
  const box = el("div", null, "problem-box");
  box.append(el("p", plain, cls || "bad"));
  if (raw && raw !== plain) {
    const d = el("details");
    d.append(el("summary", "Details"), el("pre", raw));
    box.append(d);
  }
  return box;
}

// when formats a time as local time and how long ago it was.
function when(iso) {
  if (!iso) return "never";
  const t = new Date(iso);
  if (isNaN(t.getTime()) || t.getFullYear() < 2000) return "never";
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  let ago;
  if (s < -1) ago = "in " + human(-s);
  else if (s < 2) ago = "just now";
  else ago = human(s) + " ago";
  return t.toLocaleString() + " (" + ago + ")";
}

function human(s) {
  if (s < 60) return s + " s";
  if (s < 3600) return Math.round(s / 60) + " min";
  if (s < 86400) return Math.round(s / 3600) + " h";
  return Math.round(s / 86400) + " days";
}

function cell(c) {
  const td = el("td");
  if (c instanceof Node) td.append(c); else td.textContent = c === undefined || c === null ? "" : String(c);
  return td;
}

function row(tbody, cells, cls) {
  const tr = el("tr", null, cls);
  for (const c of cells) tr.append(cell(c));
  tbody.append(tr);
  return tr;
}

function emptyRow(tbody, cols, text) {
  const tr = el("tr");
  const td = el("td", text, "muted");
  td.colSpan = cols;
  tr.append(td);
  tbody.append(tr);
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) {
    dl.append(el("dt", k));
    const dd = el("dd");
    if (v instanceof Node) dd.append(v); else dd.textContent = v === undefined || v === null ? "" : String(v);
    dl.append(dd);
  }
}

// who is a name with an id (or address) in small print under it.
function who(name, id, extra) {
  const s = el("span");
  s.append(el("span", name || id));
  if (name && id) s.append(el("span", id + (extra || ""), "sub"));
  return s;
}

async function signOut() {
  await call("DELETE", "/admin/api/session");
  location.replace("/admin/signin?signed_out=1");
}

// boot starts a page: without a session it goes to sign-in before showing
// anything; with one it says who is signed in and loads the page (again
// every refresh ms, when given).
async function boot(load, refresh) {
  let r, s = null;
  try {
    r = await fetch("/admin/api/session", { credentials: "same-origin" });
    s = await r.json();
  } catch (e) {
    s = null;
  }
  if (r && r.status === 401) { toSignIn(); return; }
  document.body.classList.remove("signing-in");
  if (!r || !r.ok || !s) {
    say("conn", (s && s.error) || "carebridge did not answer.", "bad");
    return;
  }
  csrfToken = s.csrf_token;
  $("sessionSay").textContent = "Signed in until " + new Date(s.expires).toLocaleString();
  $("signOut").addEventListener("click", signOut);
  await load();
  if (refresh) setInterval(load, refresh);
}
