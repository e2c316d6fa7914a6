// Auyl DigitAll: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var body = document.body;

  // Answer a lesson question without reloading the page; the server returns the question again
  // with its feedback. Without JavaScript the form posts and the page reloads at the question.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("q-form") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.redirected || response.status === 401) { window.location = response.url; return null; }
        return response.text().then(function (text) { return { response: response, text: text }; });
      })
      .then(function (result) {
        if (!result) return;
        var section = form.closest(".q");
        if (result.response.status === 422) {
          var note = section.querySelector(".fb-missing") || document.createElement("p");
          note.className = "flash error fb-missing"; note.setAttribute("role", "alert"); note.textContent = result.text;
          form.appendChild(note);
          if (button) button.disabled = false;
          return;
        }
        var finished = result.response.headers.get("X-Lesson-Finished");
        if (finished) { window.location.href = finished; return; } // show the finished lesson
        if (!result.response.ok) { form.submit(); return; } // let the server's page explain
        section.outerHTML = result.text;
        var fresh = document.getElementById(section.id);
        var verdict = fresh && fresh.querySelector(".verdict");
        if (verdict) { verdict.setAttribute("tabindex", "-1"); verdict.focus(); }
      })
      .catch(function () { form.submit(); });
  });

  // Sign-in sheets: a print button (shown only when this script runs; Ctrl+P works anyway).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The trainer's class grid: fetch the page again now and then and swap in the fresh part,
  // unless the trainer is typing in a form. Without JavaScript, the "Update now" link does it.
  var live = document.querySelector("[data-refresh]");
  if (live && window.fetch && window.DOMParser) {
    setInterval(function () {
      var active = document.activeElement;
      if (active && active.form) return;
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (!text) return;
          var fresh = new DOMParser().parseFromString(text, "text/html").getElementById(live.id);
          if (fresh) { live.innerHTML = fresh.innerHTML; }
        })
        .catch(function () {});
    }, Math.max(5, parseInt(live.getAttribute("data-refresh"), 10) || 30) * 1000);
  }

  // Phones at home (issue #13): static/offline.js loads only where it has work, after the page is
  // usable: on a level page (to save it for offline use) and on a phone that saved a level (its
  // service worker controls the page; answers given offline may be waiting there).
  var outbox = document.getElementById("outbox");
  if (outbox && (document.getElementById("offline-save") ||
                 (navigator.serviceWorker && navigator.serviceWorker.controller))) {
    var script = document.createElement("script");
    script.src = outbox.getAttribute("data-script");
    document.body.appendChild(script);
  }

  // Shared computers: sign out after a quiet spell; keep the session alive while someone reads.
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (!idle) return;
  var lastActive = Date.now(), lastPing = Date.now();
  function active() {
    lastActive = Date.now();
    if (Date.now() - lastPing > 120000) {
      lastPing = Date.now();
      fetch(body.getAttribute("data-ping"), { credentials: "same-origin" }).catch(function () {});
    }
  }
  ["keydown", "pointerdown", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, active, { passive: true });
  });
  setInterval(function () {
    // a minute early, so that the sign-out arrives while the server session still lives
    if (Date.now() - lastActive > Math.max(idle - 60, 30) * 1000) {
      var form = document.getElementById("signout");
      if (form) form.submit();
    }
  }, 15000);
})();
