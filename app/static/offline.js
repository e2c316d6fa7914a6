// Auyl DigitAll: lessons saved on the phone and answers given without the network (issue #13).
// site.js loads it after the page is usable, only where it has work; every page works without it.
// - The outbox: answers wait in IndexedDB, each with an id made here, until the server has
//   acknowledged them; a re-send is stored once (the server keeps one event per id). An answer
//   belongs to the learner who gave it: it is sent only while that learner is signed in.
// - A saved lesson: answers are checked here from its feedback (practice questions only) and
//   queued; a test answered offline is queued whole and graded by the server when it arrives.
// - A saved lesson's practice exercise (issue #15): offline, it plays from the saved key and the
//   whole attempt is queued as one entry; the server replays its moves through the online check.
// - The level page: "Save this level for offline use" puts its pages into the cache "auyl-saved",
//   which the service worker (/sw.js) serves when there is no network.
(function () {
  "use strict";
  var box = document.getElementById("outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.JSON) return;
  var text = JSON.parse(document.getElementById("offline-text").textContent);
  var pageLearner = box.getAttribute("data-learner");
  var statusUrl = box.getAttribute("data-url");
  var lang = document.documentElement.lang;
  var SAVED = "auyl-saved";
  var signedIn = null; // the learner the server says is signed in here, once asked

  // ---- IndexedDB: one store, entries keyed by their id ----
  var dbPromise = null;
  function store(mode, work) {
    dbPromise = dbPromise || new Promise(function (ok, fail) {
      var open = indexedDB.open("auyl", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("outbox", { keyPath: "id" }); };
      open.onsuccess = function () { ok(open.result); };
      open.onerror = function () { fail(open.error); };
    });
    return dbPromise.then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction("outbox", mode), request = work(t.objectStore("outbox"));
        t.oncomplete = function () { ok(request && request.result); };
        t.onerror = t.onabort = function () { fail(t.error); };
      });
    });
  }
  function entries() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).sort(function (a, b) { return a.at - b.at || (a.id < b.id ? -1 : 1); });
    });
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }
  function queue(entry) {
    entry.id = entry.id || newId(); entry.learner = pageLearner; entry.lang = lang; entry.at = Date.now();
    return store("readwrite", function (s) { return s.add(entry); }).then(function () { return entry; });
  }
  function fields(form, skip) {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (skip.indexOf(name) >= 0 || typeof value !== "string") return;
      (out[name] = out[name] || []).push(value);
    });
    return out;
  }

  // ---- The outbox line: "3 answers waiting to be sent" ----
  var notes = [];
  function plural(forms, n) {
    var rule = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang).select(n) : (n === 1 ? "one" : "other");
    return (forms[rule] || forms.other || forms.many).replace("{n}", n);
  }
  function render() {
    return entries().then(function (all) {
      var me = signedIn || pageLearner;
      var mine = all.filter(function (e) { return e.learner === me; }).length;
      var others = all.length - mine, lines = notes.slice();
      if (mine) {
        lines.unshift(plural(text.waiting, mine) + " " +
          (!navigator.onLine ? text.offline : signedIn === false ? text.signin : ""));
      }
      if (others) lines.push(plural(text.other, others));
      box.textContent = "";
      lines.forEach(function (line) {
        var p = document.createElement("span");
        if (typeof line === "string") p.textContent = line; else p.appendChild(line);
        box.appendChild(p);
      });
      box.hidden = !lines.length;
    }).catch(function () {});
  }

  // ---- Sending: one entry at a time, oldest first, only the signed-in learner's ----
  var flushing = null, retryIn = 2000, retry = null;
  function flush() {
    if (flushing) return flushing;
    clearTimeout(retry);
    var left = false;
    flushing = entries().then(function (all) {
      if (!all.length || !navigator.onLine) return;
      left = true; // until the server has acknowledged them all
      return fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
          return r.ok && !r.redirected && json ? r.json() : null;
        })
        .then(function (who) {
          signedIn = who ? who.learner : false;
          if (!who) return;
          var mine = all.filter(function (e) { return e.learner === who.learner; });
          return sendEach(mine, who.csrf).then(function () { left = false; });
        });
    }).catch(function () {}).then(function () {
      flushing = null;
      // A weak signal: try again a little later, then less and less often (at most every minute).
      if (left && signedIn !== false) { retry = setTimeout(flush, retryIn); retryIn = Math.min(retryIn * 2, 60000); }
      else retryIn = 2000;
      return render();
    });
    return flushing;
  }
  function sendEach(list, csrf) {
    if (!list.length) return Promise.resolve();
    var entry = list[0];
    var body = { id: entry.id, learner: entry.learner, kind: entry.kind, level: entry.level, item: entry.item,
                 question: entry.question || "", fields: entry.fields, moves: entry.moves, lang: entry.lang };
    return fetch(statusUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" }
    }).then(function (r) {
      // Only our own receipt removes an entry; a sign-in page, a proxy's error or a lost
      // answer keeps it for the next try.
      if ((r.headers.get("Content-Type") || "").indexOf("json") < 0 || r.status === 409) return null;
      return r.json().then(function (receipt) { return receipt.status ? receipt : null; });
    }).then(function (receipt) {
      if (!receipt) throw new Error("kept");
      return store("readwrite", function (s) { return s.delete(entry.id); }).then(function () {
        acknowledged(entry, receipt);
        return sendEach(list.slice(1), csrf);
      });
    });
  }
  var reloadTo = null;
  function acknowledged(entry, receipt) {
    if (receipt.status === "refused" && receipt.message) notes.push(receipt.message);
    if (entry.kind === "test" && receipt.result) {
      var link = document.createElement("a");
      link.href = receipt.result; link.textContent = text.see_result;
      var span = document.createElement("span");
      span.textContent = text.test_sent + " ";
      span.appendChild(link);
      var here = testParts && entry.item === testParts[2] && document.querySelector(".fb-queued");
      if (here) { here.textContent = ""; here.appendChild(span); } else notes.push(span);
    }
    if (receipt.finished && lesson && entry.item === lesson.item) reloadTo = location.pathname;
  }

  // ---- A lesson page: answer from the saved feedback, queue, send ----
  var lesson = null, key = null;
  var anyForm = document.querySelector("form.q-form");
  var parts = anyForm && anyForm.getAttribute("action").match(/^\/learn\/([^/]+)\/([^/]+)\/answer\//);
  if (parts) {
    lesson = { level: parts[1], item: parts[2] };
    lesson.key = "/learn/offline/" + lesson.level + "/" + lesson.item + "/key";
    if (window.caches) {
      caches.open(SAVED).then(function (c) { return c.match(lesson.key); })
        .then(function (r) { return r ? r.json() : null; })
        .then(function (k) { key = k && k.lang === lang ? k : null; return key && replay(); })
        .catch(function () {});
    }
  }
  function grade(q, f) {
    var n = q.feedback.length, answer = [], i;
    if (q.type === "order" || q.type === "match") {
      var placed = {};
      for (var d = 0; d < n; d++) {
        var v = (f[(q.type === "order" ? "pos-" : "pair-") + d] || [""])[0];
        if (v === "") return { missing: q.type === "order" ? "number-steps" : "match-all" };
        if (q.type === "order") {
          if (placed[v - 1] !== undefined) return { missing: "numbers-once" };
          placed[v - 1] = q.shown[d];
        } else { answer.push(q.shown[+v]); }
      }
      if (q.type === "order") for (i = 0; i < n; i++) answer.push(placed[i]);
      var st = [];
      for (i = 0; i < n; i++) st.push((q.type === "order" ? answer.indexOf(i) === i : answer[i] === i) ? "right" : "wrong");
      return { status: st, correct: st.indexOf("wrong") < 0 };
    }
    var chosen = (f.choice || []).map(Number);
    if (!chosen.length) return { missing: "choose" };
    var status = [], ok = true;
    for (i = 0; i < n; i++) {
      var right = q.correct.indexOf(i) >= 0, picked = chosen.indexOf(i) >= 0;
      status.push(picked ? (right ? "right" : "wrong") : (right && q.type === "multiple" ? "missed" : ""));
      if ((picked && !right) || (!picked && right && q.type === "multiple")) ok = false;
    }
    return { status: status, correct: ok };
  }
  function html(tag, cls, lead, more) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (lead) { var strong = document.createElement("strong"); strong.textContent = lead; el.appendChild(strong); }
    if (more) el.insertAdjacentHTML("beforeend", " " + more); // the lesson's own feedback, from our server
    return el;
  }
  function show(section, q, result, queued) {
    Array.prototype.forEach.call(section.querySelectorAll(".fb, .fb-line, .fb-missing, .fb-queued"), function (el) {
      el.parentNode.removeChild(el);
    });
    var button = section.querySelector("form button");
    if (result.missing) {
      var note = html("p", "flash error fb-missing", "", "");
      note.setAttribute("role", "alert");
      note.textContent = key.text.incomplete[result.missing];
      section.querySelector("form").appendChild(note);
      return;
    }
    section.classList.remove("is-right", "is-wrong");
    section.classList.add(result.correct ? "is-right" : "is-wrong");
    var items = section.querySelectorAll("li.choice, li.step, li.pair");
    Array.prototype.forEach.call(items, function (li, d) {
      var input = li.querySelector("input"), i = input ? +input.value : q.type === "order" ? q.shown[d] : d;
      var st = result.status[i];
      li.className = li.className.split(" ")[0] + (st ? " " + st : "");
      if (!st || (q.type !== "single" && q.type !== "truefalse" && q.type !== "multiple" && st !== "wrong")) return;
      var lead = q.type === "order" ? key.text.step_wrong : q.type === "match" ? key.text.pair_wrong :
        st === "right" ? key.text.choice_right : st === "wrong" ? key.text.choice_wrong : key.text.also;
      li.appendChild(html("p", "fb-line " + st, q.type === "order" || q.type === "match" ? "" : lead,
                          (q.type === "order" || q.type === "match" ? lead + " " : "") + q.feedback[i]));
    });
    var fb = html("div", "fb", "", "");
    fb.setAttribute("role", "status");
    var verdict = html("p", "verdict", "", "");
    verdict.textContent = result.correct ? key.text.right : key.text.wrong;
    fb.appendChild(verdict);
    if (q.explain) fb.appendChild(html("p", "", "", q.explain));
    if (queued) { var small = html("p", "small fb-queued", "", ""); small.textContent = key.text.queued; fb.appendChild(small); }
    button.parentNode.parentNode.insertBefore(fb, button.parentNode);
    button.textContent = key.text.again;
    verdict.setAttribute("tabindex", "-1");
  }
  function replay() { // a saved page shows what was answered here and not yet sent
    return entries().then(function (all) {
      all.forEach(function (e) {
        if (e.kind !== "answer" || e.learner !== pageLearner || e.item !== lesson.item || !key.questions[e.question]) return;
        var section = document.getElementById("q-" + e.question);
        if (!section) return;
        Object.keys(e.fields).forEach(function (name) {
          Array.prototype.forEach.call(section.querySelectorAll('[name="' + name + '"]'), function (el) {
            if (el.type === "radio" || el.type === "checkbox") el.checked = e.fields[name].indexOf(el.value) >= 0;
            else el.value = e.fields[name][0];
          });
        });
        show(section, key.questions[e.question], grade(key.questions[e.question], e.fields), true);
      });
    });
  }
  function answerHere(event, form) {
    var q = key && key.questions[form.getAttribute("data-question")];
    if (!q && navigator.onLine) return; // not saved: site.js sends it as always
    event.preventDefault();
    event.stopImmediatePropagation();
    var f = fields(form, ["csrf_token"]);
    var section = form.closest(".q");
    var result = q ? grade(q, f) : null;
    if (result && result.missing) { show(section, q, result, false); return; }
    queue({ kind: "answer", level: lesson.level, item: lesson.item, question: form.getAttribute("data-question"),
            fields: f }).then(function () {
      if (q) {
        show(section, q, result, !navigator.onLine);
        section.querySelector(".verdict").focus();
      } else {
        notes = [text.offline];
      }
      return flush();
    }).then(function () { if (reloadTo && navigator.onLine) location.replace(reloadTo); })
      .catch(function () { notes = [text.full]; render(); });
  }

  // ---- A test page: offline, the whole test waits in the outbox; the server grades it ----
  var testForm = document.getElementById("test-form");
  var testParts = testForm && testForm.getAttribute("action").match(/^\/learn\/([^/]+)\/([^/]+)\/test$/);
  function testQueued(form) {
    var done = html("p", "flash fb-queued", "", "");
    done.setAttribute("role", "status");
    done.textContent = text.test_queued;
    form.parentNode.replaceChild(done, form);
  }
  if (testParts) {
    entries().then(function (all) {
      if (all.some(function (e) { return e.kind === "test" && e.item === testParts[2] && e.learner === pageLearner; })) {
        testQueued(testForm);
      }
    }).catch(function () {});
  }
  function testHere(event, form) {
    if (navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var by = event.submitter;
    if (by && by.name && !(by.name === "go" && by.value === "finish")) {
      notes = [text.no_network_here]; render(); return;
    }
    queue({ kind: "test", level: testParts[1], item: testParts[2], question: "",
            fields: fields(form, ["csrf_token", "page", "go", "switch_lang"]) })
      .then(function () { testQueued(form); return render(); })
      .catch(function () { notes = [text.full]; render(); });
  }

  // ---- A practice page (issue #15): offline, the exercise plays from the saved lesson's key
  // (its screens and feedback, cut by the server from this page as it shows them online); the
  // whole attempt waits in the outbox as one entry and the server replays its moves. ----
  var practice = location.pathname.match(/^\/learn\/([^/]+)\/([^/]+)\/practice\/([^/]+)$/);
  var drill = null, played = null, attemptId = null, codes = {}; // the key; this attempt's moves, id, SMS codes
  if (practice && window.caches) {
    caches.open(SAVED).then(function (c) { return c.match("/learn/offline/" + practice[1] + "/" + practice[2] + "/key"); })
      .then(function (r) { return r ? r.json() : null; })
      .then(function (k) {
        drill = k && k.lang === lang && k.exercises && k.exercises[practice[3]] || null;
        if (drill) { drill.queued = k.text.queued; box.setAttribute("data-practice", "saved"); } // playable here
        if (drill && !navigator.onLine) return begin().then(function () { showScreen(0, ""); });
      }).catch(function () {});
  }
  function smsCode(attempt, screen) { // as exercise.sms_code: the same code the server checks
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(attempt + "/" + screen)).then(function (d) {
      var hex = Array.prototype.map.call(new Uint8Array(d, 0, 6), function (b) { return (b + 256).toString(16).slice(1); });
      return ("00000" + parseInt(hex.join(""), 16) % 1e6).slice(-6);
    });
  }
  function begin(hex) { // a new attempt: its id (the outbox entry's; the server's attempt id) and SMS codes
    attemptId = hex ? hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-") : newId();
    played = []; codes = {};
    return Promise.all(drill.screens.filter(function (s) { return s.code_from === s.id; }).map(function (s) {
      return smsCode(attemptId.replace(/-/g, ""), s.id).then(function (c) { codes[s.id] = c; });
    }));
  }
  function swapIn(feedback, section) { // the page as the server would show it
    if (feedback !== null) {
      Array.prototype.forEach.call(document.querySelectorAll(played && played.length ? ".ex-fb, .ex-intro" : ".ex-fb"),
                                    function (el) { el.parentNode.removeChild(el); }); // the intro: before the first move only
      document.getElementById("screen").insertAdjacentHTML("beforebegin", feedback);
    }
    document.getElementById("screen").outerHTML = section;
    var focus = document.querySelector("#screen [aria-invalid]") || document.querySelector(".ex-fb .verdict") ||
      document.querySelector("#screen h2");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
  }
  function showScreen(step, feedback, slip) {
    var s = drill.screens[step];
    swapIn(feedback, (slip ? s.slips[slip] : s.html).split(drill.code_slot).join(codes[s.code_from] || ""));
  }
  function typedRight(name, wanted, typed, code) { // as exercise._typed_right
    var digits = function (t) { return t.replace(/\D/g, ""); };
    if (name === "chat") return true;
    if (name === "code") return !!code && digits(typed) === code;
    if (name === "iin") return !!digits(wanted) && digits(typed) === digits(wanted);
    if (name === "query") return typed.split(/\s+/).filter(Boolean).join(" ").toLowerCase().indexOf(wanted.toLowerCase()) >= 0;
    return typed.trim() === wanted;
  }
  function moveHere(event, form) {
    var by = event.submitter;
    if (!played && navigator.onLine) return; // online: the server's forms, as without this script
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!drill || (!played && form.elements.step.value !== "0")) { notes = [text.no_network_here]; render(); return; }
    var typed = {};
    Array.prototype.forEach.call(form.querySelectorAll('[name^="field-"]'), function (el) { typed[el.name.slice(6)] = el.value; });
    // The network went while a fresh attempt's first screen was open: it carries on here.
    (played ? Promise.resolve() : begin(form.elements.attempt.value)).then(function () {
      var step = played.length, screen = drill.screens[step], move = by && screen.moves[by.value], kept = {};
      if (!move) return;
      if (move.mark === "right") {
        for (var i = 0; i < screen.fields.length; i++) {
          var name = screen.fields[i][0];
          if (!typedRight(name, screen.fields[i][1], typed[name] || "", codes[screen.code_from])) return showScreen(step, null, name);
          if (name !== "chat") kept[name] = typed[name];
        }
      }
      played.push([screen.id, by.value, kept]);
      if (played.length < drill.screens.length) return showScreen(played.length, move.feedback);
      finish(move);
    }).catch(function () { notes = [text.no_network_here]; render(); });
  }
  function finish(last) {
    var n = { right: 0, hits: 0, false_alarms: 0, critical: 0 }, review = [];
    played.forEach(function (m, i) { // as exercise.score counts
      var s = drill.screens[i], chosen = s.moves[m[1]];
      n.right += chosen.mark === "right";
      n.critical += chosen.mark === "critical";
      n[s.scam ? "hits" : "false_alarms"] += chosen.flag;
      review.push(chosen.review);
    });
    // derive.exercise_counts: no critical mistake and the level's pass mark reached (80: a key
    // saved before keys carried the mark, when every level had 80)
    var passed = !n.critical && Math.round(n.right / played.length * 1e4) / 1e4 * 100 >= (drill.pass_mark || 80) - 1e-9;
    var result = drill.result[passed ? "passed" : n.critical ? "critical" : "almost"];
    Object.keys(drill.slots).forEach(function (name) { result = result.split(String(drill.slots[name])).join(n[name]); });
    var entry = { id: attemptId, kind: "exercise", level: practice[1], item: practice[2], question: practice[3],
                  fields: {}, moves: played };
    played = null;
    queue(entry).then(function () {
      swapIn(last.feedback, result);
      document.querySelector(".ex-review").innerHTML = review.join("");
      var note = html("p", "small fb-queued", "", "");
      note.textContent = drill.queued;
      document.querySelector(".ex-figures").insertAdjacentElement("afterend", note);
      return flush();
    }).catch(function () { notes = [text.full]; render(); });
  }
  document.addEventListener("click", function (event) { // "Try again", on the phone
    var again = drill && event.target.closest && event.target.closest('.ex-result a[href$="?new=1"]');
    if (again && !navigator.onLine) { // not saved as a page: a fresh attempt here
      event.preventDefault();
      begin().then(function () { showScreen(0, ""); });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (lesson && form.classList.contains("q-form")) answerHere(event, form);
    else if (testParts && form === testForm) testHere(event, form);
    else if (practice && form.closest("#screen")) moveHere(event, form);
    else if (form.id === "signout" && window.caches) {
      // A shared phone: the saved pages of this learner go with them; unsent answers stay.
      event.preventDefault();
      forgetSaved().then(function () { form.submit(); }, function () { form.submit(); });
    }
  }, true);

  // ---- The level page: save for offline use ----
  var saver = document.getElementById("offline-save");
  function sizeText(bytes) {
    var mb = bytes >= 1e6, num = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(mb ? bytes / 1e6 : Math.max(1, Math.round(bytes / 1e3)));
    return (mb ? saverText.mb : saverText.kb).replace("{n}", num);
  }
  var saverText = saver ? JSON.parse(saver.querySelector("script").textContent) : null;
  function recordKey() { return "auyl-saved:" + pageLearner + ":" + saver.getAttribute("data-level"); }
  function savedRecord() { try { return JSON.parse(localStorage.getItem(recordKey()) || "null"); } catch (e) { return null; } }
  function forgetSaved() {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf("auyl-saved:") === 0) localStorage.removeItem(k); });
    return caches.delete(SAVED);
  }
  function say(message) { saver.querySelector(".offline-state").textContent = message; }
  function saverState() {
    var saved = savedRecord(), save = saver.querySelector("[data-save]"), remove = saver.querySelector("[data-remove]");
    if (!saved) {
      remove.hidden = true; save.textContent = saverText.save;
      return fetch(saver.getAttribute("data-pack"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (pack) { say(saverText.before.replace("{size}", sizeText(pack.bytes))); })
        .catch(function () { say(""); });
    }
    return caches.open(SAVED).then(function (cache) {
      return Promise.all(saved.urls.map(function (u) { return cache.match(u); }));
    }).then(function (found) {
      remove.hidden = false; save.textContent = saverText.again;
      if (found.some(function (r) { return !r; })) { say(saverText.cleared); return; }
      say(saverText.saved.replace("{size}", sizeText(saved.bytes)) + " " +
          (saved.lang !== lang ? saverText.other_lang : "") + " " + (saved.kept ? saverText.kept : saverText.may_clear));
    });
  }
  function save() {
    var button = saver.querySelector("[data-save]"), done = [], bytes = 0, kept = false;
    button.disabled = true;
    var statics = Array.prototype.map.call(document.querySelectorAll('link[rel="stylesheet"], script[src]'), function (el) {
      return el.getAttribute("href") || el.getAttribute("src");
    });
    return navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.storage && navigator.storage.persist ? navigator.storage.persist() : false;
    }).then(function (persisted) {
      kept = !!persisted;
      return fetch(saver.getAttribute("data-pack"), { credentials: "same-origin" }).then(function (r) { return r.json(); });
    }).then(function (pack) {
      var list = pack.pages.map(function (u) { return [u, true]; })
        .concat(pack.keys.concat(pack.files, statics).map(function (u) { return [u, false]; }));
      return caches.open(SAVED).then(function (cache) {
        var chain = Promise.resolve();
        list.forEach(function (pair) {
          chain = chain.then(function () {
            return fetch(pair[0], { credentials: "same-origin", headers: pair[1] ? { "X-Offline-Save": "1" } : {} });
          }).then(function (r) {
            if (!r.ok || r.redirected) throw new Error("network");
            return r.clone().blob().then(function (b) { bytes += b.size; return cache.put(pair[0], r); });
          }).then(function () {
            done.push(pair[0]);
            say(saverText.saving.replace("{done}", done.length).replace("{total}", list.length));
          });
        });
        return chain.then(function () { return navigator.serviceWorker.ready; });
      });
    }).then(function () {
      localStorage.setItem(recordKey(), JSON.stringify({ urls: done, bytes: bytes, lang: lang, kept: kept }));
      return saverState();
    }).catch(function (error) {
      // Nothing is claimed as saved that is not: what this try put in the cache goes again.
      var full = error && (error.name === "QuotaExceededError" || error.code === 22);
      return caches.open(SAVED).then(function (cache) {
        return Promise.all(done.map(function (u) { return cache.delete(u); }));
      }).catch(function () {}).then(function () {
        localStorage.removeItem(recordKey());
        say(full ? saverText.full : saverText.failed);
      });
    }).then(function () { button.disabled = false; });
  }
  if (saver) {
    saver.hidden = false;
    if (!("serviceWorker" in navigator) || !window.caches || !window.isSecureContext) {
      saver.querySelector("[data-save]").hidden = true;
      say(saverText.insecure);
    } else {
      saver.querySelector("[data-save]").addEventListener("click", save);
      saver.querySelector("[data-remove]").addEventListener("click", function () {
        var saved = savedRecord();
        caches.open(SAVED).then(function (cache) {
          return Promise.all((saved ? saved.urls : []).map(function (u) { return cache.delete(u); }));
        }).then(function () { localStorage.removeItem(recordKey()); return saverState(); });
      });
      saverState().catch(function () {});
    }
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  flush();
})();
