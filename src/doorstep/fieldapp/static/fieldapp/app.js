/* Doorstep field app: the due list, household cards and forms, offline first.
   Data comes from GET /api/v1/field/sync (store.js keeps it); every write goes to the
   outbox first and is sent, in order, to its ordinary API endpoint with the entry's
   UUID as Idempotency-Key. Strings come translated from the shell (#field-strings). */
"use strict";
(function () {
  const S = window.FieldStore;
  const body = document.body;
  const API = body.dataset.api;
  const CATALOGUE = JSON.parse(document.getElementById("field-strings").textContent);
  const LANG = document.documentElement.lang || "en";
  const LOCALE = LANG === "zh-hans" ? "zh-Hans" : LANG;
  const view = document.getElementById("view");
  const MAX_BACKOFF = 300;
  const PERIODIC_MS = 60000;

  let syncing = false;
  let retryTimer = null;
  let failures = 0;
  let csrf = body.dataset.csrf;

  // --- strings --------------------------------------------------------------------
  function t(key, values) {
    let text = CATALOGUE.text[key] || key;
    Object.entries(values || {}).forEach(([k, v]) => {
      text = text.split("%(" + k + ")s").join(String(v));
    });
    return text;
  }
  function choice(group, value) {
    return (CATALOGUE.choices[group] || {})[value] || value;
  }

  // --- DOM ------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    children.flat().forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return el;
  }
  function fmtDate(iso) {
    if (!iso) return t("no_date");
    const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
    return d.toLocaleDateString(LOCALE);
  }
  function fmtDateTime(iso) {
    return iso ? new Date(iso).toLocaleString(LOCALE) : t("no_date");
  }
  function localInput(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function today() {
    const d = new Date();
    d.setHours(0, 0, 0, 0);
    return d;
  }
  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const x = Array.from(b, (n) => n.toString(16).padStart(2, "0")).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }
  function callLink(phone) {
    return phone ? h("a", { class: "button call", href: "tel:" + phone }, t("call")) : null;
  }
  function mapLink(card) {
    if (card.lat === null || card.lon === null) return null;
    const q = encodeURIComponent(card.address || card.no);
    return h("a", { class: "button map", href: "geo:" + card.lat + "," + card.lon + "?q=" + card.lat + "," + card.lon + "(" + q + ")" }, t("map"));
  }
  function head(card) {
    const member = card.members.find((m) => m.relationship === "head") || card.members[0];
    return member ? member.name : "";
  }

  // --- the outbox -----------------------------------------------------------------
  async function enqueue(entry) {
    entry.key = uuid();
    entry.state = "waiting";
    entry.created = new Date().toISOString();
    entry.attempts = 0;
    await S.add("outbox", entry);
    await refreshStatus();
    if (navigator.onLine) sync();
  }

  async function overlay() {
    const items = await S.all("outbox");
    const byHousehold = {};
    items.forEach((item) => {
      (byHousehold[item.household] = byHousehold[item.household] || []).push(item);
    });
    return byHousehold;
  }

  async function send(item) {
    const response = await fetch(API + item.path, {
      method: item.method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": item.key,
        "X-CSRFToken": csrf,
        Accept: "application/json",
      },
      body: JSON.stringify(item.body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { status: response.status, data: data };
  }

  class Retry extends Error {}

  async function drainOutbox() {
    const items = (await S.all("outbox")).sort((a, b) => a.seq - b.seq);
    for (const item of items) {
      if (item.state !== "waiting") continue;
      let answer;
      try {
        answer = await send(item);
      } catch (e) {
        throw new Retry("network");
      }
      const status = answer.status;
      if (status >= 200 && status < 300) {
        await S.remove("outbox", item.seq);
      } else if (status === 409) {
        item.state = "conflict";
        item.message = answer.data.detail || "";
        item.conflict = { current: answer.data.current || {}, fields: answer.data.changed_fields || [] };
        await S.put("outbox", item);
      } else if (status === 401 || status === 429 || status >= 500) {
        item.attempts += 1;
        await S.put("outbox", item);
        throw new Retry(String(status));
      } else {
        item.state = "refused";
        item.message = answer.data.detail || String(status);
        item.errors = answer.data.errors || [];
        await S.put("outbox", item);
      }
      await refreshStatus();
    }
  }

  // --- the delta sync ---------------------------------------------------------------
  async function pull() {
    let cursor = await S.meta("cursor");
    let first = true;
    for (;;) {
      const url = API + "/field/sync" + (cursor ? "?cursor=" + encodeURIComponent(cursor) : "");
      let response;
      try {
        response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      } catch (e) {
        throw new Retry("network");
      }
      if (response.status === 422 && cursor) {
        cursor = null; // the server no longer knows it: start again with everything
        first = true;
        continue;
      }
      if (!response.ok) throw new Retry(String(response.status));
      const page = await response.json();
      await S.putMany("cards", page.cards, page.removed, page.full && first);
      first = false;
      cursor = page.cursor;
      if (!page.more) break;
    }
    await S.setMeta("cursor", cursor);
  }

  async function checkSession() {
    let response;
    try {
      response = await fetch(API + "/field/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (e) {
      throw new Retry("network");
    }
    if (response.status === 401 || response.status === 403) {
      showSignIn();
      throw new Retry("auth");
    }
    if (!response.ok) throw new Retry(String(response.status));
    const me = await response.json();
    const known = await S.meta("user");
    if (known !== undefined && known !== me.id) {
      await S.wipe(); // another person signed in on this phone
    }
    csrf = me.csrf_token;
    await S.setMeta("user", me.id);
    await S.setMeta("lastAuth", Date.now());
    await S.setMeta("wipeDays", me.wipe_days);
  }

  async function sync() {
    if (syncing) return;
    syncing = true;
    clearTimeout(retryTimer);
    setNet(t("syncing"));
    try {
      await checkSession();
      await drainOutbox();
      await pull();
      await S.setMeta("lastSync", new Date().toISOString());
      failures = 0;
      body.dataset.synced = String(Date.now());
    } catch (e) {
      failures += 1;
      const wait = Math.min(MAX_BACKOFF, 2 ** Math.min(failures, 9));
      if (e instanceof Retry && e.message !== "auth") {
        retryTimer = setTimeout(sync, wait * 1000);
        setNet(navigator.onLine ? t("sync_failed", { s: wait }) : t("offline"));
      } else if (!(e instanceof Retry)) {
        console.error(e);
        retryTimer = setTimeout(sync, wait * 1000);
      }
    } finally {
      syncing = false;
      await refreshStatus();
      if (!onForm()) render(); // never redraw a form the worker is filling in
    }
  }

  // --- status bar -----------------------------------------------------------------
  function setNet(text) {
    document.getElementById("net").textContent = text;
  }
  async function refreshStatus() {
    const items = await S.all("outbox");
    const waiting = items.filter((i) => i.state === "waiting").length;
    const count = document.getElementById("outbox-count");
    count.textContent = String(items.length);
    count.dataset.waiting = String(waiting);
    count.title = t("waiting", { n: waiting });
    const last = await S.meta("lastSync");
    document.getElementById("last-sync").textContent =
      (last ? t("last_sync", { when: fmtDateTime(last) }) : t("never_synced")) + " · " + t("waiting", { n: waiting });
    if (!syncing) setNet(navigator.onLine ? t("online") : t("offline"));
    body.classList.toggle("is-offline", !navigator.onLine);
  }
  function showSignIn() {
    setNet(t("sign_in_again"));
    const link = h("a", { href: body.dataset.login, class: "button" }, t("sign_in_again"));
    document.getElementById("status").append(link);
  }

  // --- the due list -----------------------------------------------------------------
  function dueBucket(card, pending) {
    let next = card.schedule && card.schedule.next_due_on ? new Date(card.schedule.next_due_on + "T00:00:00") : null;
    const visit = pending.filter((p) => p.kind === "contact").map((p) => new Date(p.body.occurred_at));
    if (visit.length && card.schedule) {
      const lastVisit = new Date(Math.max(...visit));
      lastVisit.setHours(0, 0, 0, 0);
      const moved = new Date(lastVisit.getTime() + card.schedule.interval_days * 86400000);
      if (!next || moved > next) next = moved;
    }
    if (!next) return ["later", null];
    const days = Math.round((next - today()) / 86400000);
    return [days < 0 ? "overdue" : days <= 7 ? "this_week" : "later", next];
  }

  function householdRow(card, extra) {
    return h("li", { class: "item", "data-household": card.id },
      h("a", { href: "#/h/" + card.id, class: "item-main" },
        h("strong", null, head(card) || card.no), " ", h("span", { class: "muted" }, card.no),
        h("div", { class: "muted" }, card.address),
        extra ? h("div", null, extra) : null),
      h("div", { class: "actions" }, callLink(card.phone), mapLink(card)));
  }

  async function renderDue() {
    const cards = await S.all("cards");
    const pendingBy = await overlay();
    const pinned = [];
    const buckets = { overdue: [], this_week: [], later: [] };
    cards.forEach((card) => {
      const pending = pendingBy[card.id] || [];
      const doneChecks = new Set(pending.filter((p) => p.kind === "check" && p.body.outcome === "done").map((p) => p.ref));
      const doneFollowUps = new Set(pending.filter((p) => p.kind === "follow_up").map((p) => p.ref));
      card.checks.filter((c) => !doneChecks.has(c.id)).forEach((c) => pinned.push({ card: card, date: c.deadline, node: h("a", { href: "#/c/" + card.id + "/" + c.id, class: "pin check" }, t("welfare_check"), ": ", c.resident, " · ", t("deadline", { date: fmtDate(c.deadline) })) }));
      card.follow_ups.filter((f) => !doneFollowUps.has(f.id)).forEach((f) => pinned.push({ card: card, date: f.due_on, node: h("a", { href: "#/f/" + card.id + "/" + f.id, class: "pin follow-up" }, t("follow_up", { months: f.month }), ": ", f.resident, " · ", t("due_on", { date: fmtDate(f.due_on) })) }));
      const [bucket, next] = dueBucket(card, pending);
      buckets[bucket].push({ card: card, next: next });
    });
    pinned.sort((a, b) => (a.date || "").localeCompare(b.date || ""));
    const sections = [h("h1", null, t("due"))];
    if (pinned.length) {
      sections.push(h("section", { id: "pinned" }, h("h2", null, t("pinned")),
        h("ul", { class: "list" }, pinned.map((p) => householdRow(p.card, p.node)))));
    }
    ["overdue", "this_week", "later"].forEach((name) => {
      const rows = buckets[name].sort((a, b) => (a.next || 0) - (b.next || 0));
      sections.push(h("section", { id: name.replace("_", "-") }, h("h2", null, t(name), " ", h("span", { class: "badge" }, rows.length)),
        rows.length ? h("ul", { class: "list" }, rows.map((r) => householdRow(r.card, r.next ? t("due_on", { date: r.next.toLocaleDateString(LOCALE) }) : null))) : h("p", { class: "muted" }, t("none"))));
    });
    if (!cards.length) sections.push(h("p", { class: "muted" }, t("nothing_due")));
    view.replaceChildren(...sections);
  }

  // --- a household's card ---------------------------------------------------------------
  async function renderCard(id) {
    const card = await S.get("cards", id);
    if (!card) return renderDue();
    const pending = (await overlay())[id] || [];
    const needEdits = {};
    pending.filter((p) => p.kind === "need_edit").forEach((p) => { needEdits[p.ref] = p; });
    const doneChecks = new Set(pending.filter((p) => p.kind === "check" && p.body.outcome === "done").map((p) => p.ref));
    const doneFollowUps = new Set(pending.filter((p) => p.kind === "follow_up").map((p) => p.ref));
    const contacts = pending.filter((p) => p.kind === "contact").map((p) => ({
      kind: p.body.kind, at: p.body.occurred_at, until: p.body.ended_at, minutes: p.body.duration_minutes,
      met_with: p.body.met_with, notes: p.body.notes, by: "", pending: true,
    })).concat(card.contacts);
    const needs = card.needs.map((n) => Object.assign({}, n, needEdits[n.id] ? needEdits[n.id].body : {}, { pending: !!needEdits[n.id] }))
      .concat(pending.filter((p) => p.kind === "need").map((p) => Object.assign({ id: null, status: "open", timeline: [], pending: true }, p.body)));
    view.replaceChildren(
      h("a", { href: "#/", class: "back" }, t("back")),
      h("h1", null, head(card) || card.no),
      h("p", { class: "muted" }, card.no, " · ", card.area),
      h("p", null, card.address),
      h("div", { class: "actions" }, callLink(card.phone), mapLink(card),
        h("a", { class: "button primary", href: "#/h/" + id + "/visit" }, t("log_visit")),
        h("a", { class: "button", href: "#/h/" + id + "/need" }, t("new_need"))),
      card.vulnerabilities.length ? h("p", null, card.vulnerabilities.map((v) => choice("vulnerability", v)).join(" · ")) : null,
      h("section", { id: "checks" }, h("h2", null, t("checks")),
        list(card.checks.filter((c) => !doneChecks.has(c.id)), (c) => h("li", { class: "item" },
          h("a", { href: "#/c/" + id + "/" + c.id, class: "item-main" }, c.resident, " · ", c.round, " · ", t("deadline", { date: fmtDate(c.deadline) }), c.attempts ? " · " + t("attempts", { n: c.attempts }) : "")))),
      h("section", { id: "follow-ups" }, h("h2", null, t("follow_ups")),
        list(card.follow_ups.filter((f) => !doneFollowUps.has(f.id)), (f) => h("li", { class: "item" },
          h("a", { href: "#/f/" + id + "/" + f.id, class: "item-main" }, t("follow_up", { months: f.month }), ": ", f.resident, " · ", f.employer, " · ", f.job, " · ", t("due_on", { date: fmtDate(f.due_on) }))))),
      h("section", { id: "members" }, h("h2", null, t("members")),
        list(card.members, (m) => h("li", { class: "item" },
          h("div", { class: "item-main" }, h("strong", null, m.name), " · ", choice("relationship", m.relationship),
            m.birth_year ? " · " + t("born", { year: m.birth_year }) : "",
            m.id_tail ? " · " + t("id_tail", { tail: m.id_tail }) : ""),
          h("div", { class: "actions" }, callLink(m.phone))))),
      h("section", { id: "needs" }, h("h2", null, t("needs")),
        list(needs, (n) => h("li", { class: "item need" + (n.pending ? " pending" : ""), "data-need": n.id || "" },
          h("div", { class: "item-main" },
            h("strong", null, n.title), " · ", choice("status", n.status), " · ", choice("urgency", n.urgency), " · ", choice("category", n.category),
            n.pending ? h("span", { class: "badge" }, t("pending_new")) : null,
            n.description ? h("div", null, n.description) : null,
            n.resolve_due_at ? h("div", { class: "muted" }, t("due_on", { date: fmtDate(n.resolve_due_at) })) : null,
            n.timeline && n.timeline.length ? h("ol", { class: "timeline" }, n.timeline.map((e) => h("li", null, fmtDate(e.at), " ", e.to ? choice("status", e.to) : e.kind, e.note ? " — " + e.note : ""))) : null),
          n.id ? h("div", { class: "actions" }, h("a", { class: "button", href: "#/n/" + id + "/" + n.id }, t("edit_need"))) : null))),
      h("section", { id: "contacts" }, h("h2", null, t("contacts")),
        list(contacts, (c) => h("li", { class: "item contact" + (c.pending ? " pending" : "") },
          h("div", { class: "item-main" }, choice("kind", c.kind), " · ", fmtDateTime(c.at),
            c.until ? " · " + t("stay", { date: fmtDate(c.until) }) : "",
            c.by ? " · " + t("by", { name: c.by }) : "",
            c.pending ? h("span", { class: "badge" }, t("waiting_item")) : null,
            c.notes ? h("div", null, c.notes) : null)))),
    );
  }

  function list(items, row) {
    return items.length ? h("ul", { class: "list" }, items.map(row)) : h("p", { class: "muted" }, t("none"));
  }

  // --- forms ------------------------------------------------------------------------------
  function field(label, input, name) {
    return h("label", { class: "field", "data-field": name }, h("span", null, label), input, h("span", { class: "error" }));
  }
  function select(name, group, value, blank) {
    const options = Object.entries(CATALOGUE.choices[group]).map(([k, v]) => h("option", { value: k, selected: k === value }, v));
    if (blank) options.unshift(h("option", { value: "" }, "—"));
    return h("select", { name: name }, options);
  }
  function showErrors(form, errors) {
    form.querySelectorAll(".error").forEach((e) => { e.textContent = ""; });
    Object.entries(errors).forEach(([name, message]) => {
      const slot = form.querySelector('[data-field="' + name + '"] .error');
      if (slot) slot.textContent = message;
    });
    return Object.keys(errors).length === 0;
  }
  function formPage(title, cardId, fields, onSubmit) {
    const form = h("form", { class: "form", novalidate: true }, fields,
      h("button", { type: "submit", class: "button primary" }, t("save")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const done = await onSubmit(form, new FormData(form));
      if (done) {
        location.hash = "#/h/" + cardId;
        flash(t("saved_offline"));
      }
    });
    view.replaceChildren(h("a", { href: "#/h/" + cardId, class: "back" }, t("back")), h("h1", null, title), form);
  }
  // A message for the next page drawn (saving a form changes the page).
  let pendingFlash = null;
  function flash(text) {
    pendingFlash = text;
  }
  function showFlash() {
    if (!pendingFlash) return;
    const note = h("p", { class: "flash", role: "status" }, pendingFlash);
    pendingFlash = null;
    setTimeout(() => note.remove(), 6000);
    view.prepend(note);
  }

  function visitForm(card, initial, replace) {
    const v = initial || {};
    const now = new Date();
    formPage(t("log_visit"), card.id, [
      h("fieldset", { class: "field", "data-field": "kind" }, h("legend", null, t("kind")),
        Object.entries(CATALOGUE.choices.kind).map(([k, label]) => h("label", { class: "radio" },
          h("input", { type: "radio", name: "kind", value: k, checked: (v.kind || "visit") === k }), label))),
      field(t("when"), h("input", { type: "datetime-local", name: "occurred_at", value: v.occurred_at ? localInput(new Date(v.occurred_at)) : localInput(now), max: localInput(now), required: true }), "occurred_at"),
      field(t("until"), h("input", { type: "datetime-local", name: "ended_at", value: v.ended_at ? localInput(new Date(v.ended_at)) : "" }), "ended_at"),
      field(t("minutes"), h("input", { type: "number", name: "duration_minutes", min: 0, max: 1440, value: v.duration_minutes !== undefined ? v.duration_minutes : 20 }), "duration_minutes"),
      field(t("met_with"), h("input", { type: "text", name: "met_with", maxlength: 200, value: v.met_with || "" }), "met_with"),
      field(t("notes"), h("textarea", { name: "notes", rows: 3 }, v.notes || ""), "notes"),
      field(t("needs_found"), h("textarea", { name: "needs_found", rows: 2 }, v.needs_found || ""), "needs_found"),
    ], async (form, data) => {
      const errors = {};
      const at = data.get("occurred_at") ? new Date(data.get("occurred_at")) : null;
      const until = data.get("ended_at") ? new Date(data.get("ended_at")) : null;
      if (!at) errors.occurred_at = t("required");
      else if (at > new Date(Date.now() + 600000)) errors.occurred_at = t("future");
      if (at && until && until < at) errors.ended_at = t("end_before_start");
      if (!showErrors(form, errors)) return false;
      const payload = {
        household: card.id,
        kind: data.get("kind"),
        occurred_at: at.toISOString(),
        ended_at: until ? until.toISOString() : null,
        duration_minutes: until ? 0 : Math.max(0, parseInt(data.get("duration_minutes") || "0", 10)),
        met_with: data.get("met_with"),
        notes: data.get("notes"),
        needs_found: data.get("needs_found"),
      };
      const entry = { kind: "contact", household: card.id, method: "POST", path: "/casework/contacts", body: payload, base_version: card.version, label: t("log_visit") + " · " + (head(card) || card.no) };
      await save(entry, replace);
      return true;
    });
  }

  function needForm(card, initial, replace) {
    const v = initial || {};
    formPage(t("new_need"), card.id, [
      field(t("category"), select("category", "category", v.category), "category"),
      field(t("urgency"), select("urgency", "urgency", v.urgency || "normal"), "urgency"),
      field(t("title"), h("input", { type: "text", name: "title", maxlength: 200, value: v.title || "", required: true }), "title"),
      field(t("description"), h("textarea", { name: "description", rows: 3 }, v.description || ""), "description"),
    ], async (form, data) => {
      const title = (data.get("title") || "").trim();
      if (!showErrors(form, title ? {} : { title: t("required") })) return false;
      const payload = { household: card.id, category: data.get("category"), urgency: data.get("urgency"), title: title, description: data.get("description") };
      await save({ kind: "need", household: card.id, method: "POST", path: "/casework/needs", body: payload, base_version: card.version, label: t("new_need") + " · " + title }, replace);
      return true;
    });
  }

  function needEditForm(card, need, replace) {
    const base = replace ? replace.base : need;
    const v = replace ? Object.assign({}, need, replace.body) : need;
    formPage(t("edit_need"), card.id, [
      h("p", { class: "muted" }, t("version", { n: base.version })),
      field(t("title"), h("input", { type: "text", name: "title", maxlength: 200, value: v.title, required: true }), "title"),
      field(t("urgency"), select("urgency", "urgency", v.urgency), "urgency"),
      field(t("category"), select("category", "category", v.category), "category"),
      field(t("description"), h("textarea", { name: "description", rows: 3 }, v.description || ""), "description"),
    ], async (form, data) => {
      const title = (data.get("title") || "").trim();
      if (!showErrors(form, title ? {} : { title: t("required") })) return false;
      const changed = { version: base.version };
      const values = { title: title, urgency: data.get("urgency"), category: data.get("category"), description: data.get("description") };
      // Only the fields the worker changed travel: the server merges them with what
      // others changed since `version`, field by field.
      Object.entries(values).forEach(([k, value]) => { if (value !== base[k]) changed[k] = value; });
      if (Object.keys(changed).length === 1) return true;
      await save({ kind: "need_edit", ref: need.id, household: card.id, method: "PATCH", path: "/casework/needs/" + need.id, body: changed, base_version: base.version, base: pick(base, ["title", "urgency", "category", "description", "version"]), label: t("edit_need") + " · " + base.title }, replace);
      return true;
    });
  }

  function pick(obj, keys) {
    const out = {};
    keys.forEach((k) => { out[k] = obj[k]; });
    return out;
  }

  function checkForm(card, check, replace) {
    const v = replace ? replace.body : {};
    formPage(t("welfare_check") + " · " + check.resident, card.id, [
      h("p", { class: "muted" }, check.round, " · ", t("deadline", { date: fmtDate(check.deadline) })),
      check.questions.map((q) => h("fieldset", { class: "field question", "data-field": "answers." + q.key }, h("legend", null, q.label),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "q:" + q.key, value: "yes", checked: !v.answers || v.answers[q.key] !== false }), t("answer_yes")),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "q:" + q.key, value: "no", checked: v.answers && v.answers[q.key] === false }), t("answer_no")),
        h("span", { class: "error" }))),
      field(t("notes"), h("textarea", { name: "note", rows: 3 }, v.note || ""), "note"),
      h("label", { class: "radio" }, h("input", { type: "radio", name: "outcome", value: "done", checked: (v.outcome || "done") === "done" }), t("check_done")),
      h("label", { class: "radio" }, h("input", { type: "radio", name: "outcome", value: "not_reached", checked: v.outcome === "not_reached" }), t("check_not_reached")),
    ], async (form, data) => {
      const outcome = data.get("outcome");
      const answers = {};
      if (outcome === "done") check.questions.forEach((q) => { answers[q.key] = data.get("q:" + q.key) !== "no"; });
      // When the check happened on the phone, not when the outbox reaches the server.
      const payload = { outcome: outcome, version: check.version, answers: answers, note: data.get("note") || "", kind: "visit", occurred_at: v.occurred_at || new Date().toISOString() };
      await save({ kind: "check", ref: check.id, household: card.id, method: "POST", path: "/casework/welfare/checks/" + check.id + "/record", body: payload, base_version: check.version, label: t("welfare_check") + " · " + check.resident }, replace);
      return true;
    });
  }

  function followUpForm(card, followUp, replace) {
    const v = replace ? replace.body : {};
    formPage(t("follow_up", { months: followUp.month }), card.id, [
      h("p", { class: "muted" }, followUp.resident, " · ", followUp.employer, " · ", followUp.job),
      h("label", { class: "radio" }, h("input", { type: "checkbox", name: "still_employed", checked: v.still_employed !== false }), t("still_employed")),
      field(t("wage"), h("input", { type: "number", name: "wage_monthly", min: 0, step: "0.01", value: v.wage_monthly || "" }), "wage_monthly"),
      field(t("notes"), h("textarea", { name: "notes", rows: 3 }, v.notes || ""), "notes"),
    ], async (form, data) => {
      const payload = { still_employed: data.get("still_employed") === "on", wage_monthly: data.get("wage_monthly") || null, notes: data.get("notes") || "", done_on: localInput(new Date()).slice(0, 10) };
      await save({ kind: "follow_up", ref: followUp.id, household: card.id, method: "POST", path: "/livelihoods/follow-ups/" + followUp.id, body: payload, base_version: null, label: t("follow_up", { months: followUp.month }) + " · " + followUp.resident }, replace);
      return true;
    });
  }

  async function save(entry, replace) {
    if (replace) {
      // A refused write, fixed: it keeps its place in the order, with a new key.
      Object.assign(replace, entry, { key: uuid(), state: "waiting", message: "", errors: [], conflict: null });
      await S.put("outbox", replace);
      await refreshStatus();
      if (navigator.onLine) sync();
      return;
    }
    await enqueue(entry);
  }

  // --- the outbox page --------------------------------------------------------------------
  async function renderOutbox() {
    const items = (await S.all("outbox")).sort((a, b) => a.seq - b.seq);
    view.replaceChildren(h("h1", null, t("outbox")),
      items.length ? h("ul", { class: "list" }, items.map(outboxRow)) : h("p", { class: "muted" }, t("outbox_empty")));
  }

  function outboxRow(item) {
    const state = { waiting: t("waiting_item"), refused: t("refused"), conflict: t("conflict") }[item.state];
    const row = h("li", { class: "item outbox-item state-" + item.state, "data-seq": item.seq },
      h("div", { class: "item-main" }, h("strong", null, item.label), " · ", state,
        h("div", { class: "muted" }, fmtDateTime(item.created)),
        item.message ? h("div", { class: "server-message" }, item.message) : null,
        (item.errors || []).map((e) => h("div", { class: "server-message" }, (e.field ? e.field + ": " : "") + e.message))));
    const actions = h("div", { class: "actions" });
    if (item.state === "refused") {
      if (["contact", "need", "need_edit", "check", "follow_up"].includes(item.kind)) {
        actions.append(h("a", { class: "button", href: "#/fix/" + item.seq }, t("fix")));
      }
      actions.append(h("button", { type: "button", class: "button", onclick: () => retry(item) }, t("retry")));
    }
    if (item.state === "conflict") row.append(conflictChooser(item));
    actions.append(h("button", { type: "button", class: "button danger", onclick: () => discard(item) }, t("discard")));
    row.append(actions);
    return row;
  }

  function conflictChooser(item) {
    const current = item.conflict.current || {};
    const fields = Object.keys(item.body).filter((k) => k !== "version" && item.conflict.fields.includes(k) && current[k] !== item.body[k]);
    const box = h("div", { class: "conflict" }, h("p", null, t("choose_value")));
    const chosen = {};
    fields.forEach((name) => {
      const label = { title: t("title"), description: t("description"), urgency: t("urgency"), category: t("category") }[name] || name;
      const shown = (value) => (name === "urgency" || name === "category") ? choice(name, value) : value;
      box.append(h("fieldset", { class: "field", "data-field": name }, h("legend", null, label),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "pick-" + item.seq + "-" + name, value: "mine", onchange: () => { chosen[name] = "mine"; } }), t("mine", { value: shown(item.body[name]) })),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "pick-" + item.seq + "-" + name, value: "theirs", onchange: () => { chosen[name] = "theirs"; } }), t("theirs", { value: shown(current[name]) }))));
    });
    box.append(h("button", { type: "button", class: "button primary", onclick: async () => {
      if (fields.some((f) => !chosen[f])) return;
      const bodyNext = { version: current.version };
      Object.entries(item.body).forEach(([k, value]) => {
        if (k !== "version" && chosen[k] !== "theirs") bodyNext[k] = value;
      });
      if (Object.keys(bodyNext).length === 1) return discard(item);
      Object.assign(item, { body: bodyNext, base_version: current.version, base: pick(current, ["title", "urgency", "category", "description", "version"]), key: uuid(), state: "waiting", conflict: null, message: "" });
      await S.put("outbox", item);
      await refreshStatus();
      sync();
      render();
    } }, t("save")));
    return box;
  }

  async function retry(item) {
    item.state = "waiting";
    item.key = uuid();
    await S.put("outbox", item);
    sync();
  }
  async function discard(item) {
    await S.remove("outbox", item.seq);
    await refreshStatus();
    render();
  }

  async function renderFix(seq) {
    const item = await S.get("outbox", seq);
    if (!item) return renderOutbox();
    const card = await S.get("cards", item.household);
    if (!card) return renderOutbox();
    if (item.kind === "contact") return visitForm(card, item.body, item);
    if (item.kind === "need") return needForm(card, item.body, item);
    if (item.kind === "need_edit") return needEditForm(card, Object.assign({ id: item.ref }, item.base), item);
    if (item.kind === "check") {
      const check = card.checks.find((c) => c.id === item.ref);
      return check ? checkForm(card, check, item) : renderOutbox();
    }
    const followUp = card.follow_ups.find((f) => f.id === item.ref);
    return followUp ? followUpForm(card, followUp, item) : renderOutbox();
  }

  // --- routing ------------------------------------------------------------------------------
  // Renders run one after another (each reads IndexedDB before drawing), so a slow one
  // never draws over a newer page.
  let rendering = Promise.resolve();
  function render() {
    rendering = rendering.then(route).then(showFlash).catch((e) => console.error(e));
    return rendering;
  }
  function onForm() {
    return /^#\/(h\/\d+\/(visit|need)|n\/|c\/|f\/|fix\/)/.test(location.hash);
  }

  async function route() {
    const parts = (location.hash || "#/").slice(2).split("/");
    const [what, a, b] = parts;
    const id = parseInt(a, 10);
    const card = id ? await S.get("cards", id) : null;
    document.getElementById("tab-outbox").classList.toggle("current", what === "outbox");
    document.getElementById("tab-due").classList.toggle("current", !what);
    if (what === "outbox") return renderOutbox();
    if (what === "fix") return renderFix(id);
    if (!card) return renderDue();
    if (what === "h" && b === "visit") return visitForm(card);
    if (what === "h" && b === "need") return needForm(card);
    if (what === "h") return renderCard(id);
    const ref = parseInt(b, 10);
    if (what === "n") {
      const need = card.needs.find((n) => n.id === ref);
      return need ? needEditForm(card, need) : renderCard(id);
    }
    if (what === "c") {
      const check = card.checks.find((c) => c.id === ref);
      return check ? checkForm(card, check) : renderCard(id);
    }
    if (what === "f") {
      const followUp = card.follow_ups.find((f) => f.id === ref);
      return followUp ? followUpForm(card, followUp) : renderCard(id);
    }
    return renderDue();
  }

  // --- start ----------------------------------------------------------------------------------
  async function wipeIfStale() {
    const lastAuth = await S.meta("lastAuth");
    const days = (await S.meta("wipeDays")) || 14;
    const user = await S.meta("user");
    const shellUser = parseInt(body.dataset.user, 10);
    if (user !== undefined && user !== shellUser) {
      await S.wipe();
      return;
    }
    if (lastAuth && Date.now() - lastAuth > days * 86400000) {
      await S.wipe();
      flash(t("wiped", { days: days }));
    }
  }

  async function start() {
    await wipeIfStale();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch((e) => console.error(e));
    }
    document.getElementById("signout-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const unsent = await S.count("outbox");
      if (unsent && !window.confirm(t("unsent_sign_out", { n: unsent }))) return;
      await S.wipe();
      if ("serviceWorker" in navigator) {
        const regs = await navigator.serviceWorker.getRegistrations();
        await Promise.all(regs.map((r) => r.unregister()));
      }
      event.target.submit();
    });
    document.getElementById("sync-now").addEventListener("click", () => { failures = 0; sync(); });
    window.addEventListener("hashchange", render);
    window.addEventListener("online", () => { failures = 0; refreshStatus(); sync(); });
    window.addEventListener("offline", refreshStatus);
    setInterval(() => { if (navigator.onLine && !syncing) sync(); }, PERIODIC_MS);
    await refreshStatus();
    await render();
    body.dataset.ready = "1";
    if (navigator.onLine) sync();
  }

  window.fieldApp = { sync: sync };
  start();
})();
