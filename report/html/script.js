"use strict";
// The page is whole without this script: it only sorts the targets, copies fixes, fills
// the rule documentation where it is opened and opens the sections a link lands in.
(function () {
  var doc = document;

  function reveal(el) {
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
  }

  function land(hash) {
    if (!hash || hash.length < 2) return;
    var el = doc.getElementById(decodeURIComponent(hash.slice(1)));
    if (!el) return;
    reveal(el);
    var old = doc.querySelectorAll(".landed");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("landed");
    el.classList.add("landed");
    el.scrollIntoView({block: "center"});
  }

  // Sortable fleet table: a click on a header sorts by that column; numbers descending
  // first (worst first), text ascending.
  var table = doc.getElementById("fleet-table");
  if (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var type = th.getAttribute("data-type");
      if (!type) return;
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      var sort = function () {
        var asc = th.getAttribute("aria-sort") === "descending" || (!th.getAttribute("aria-sort") && type === "text");
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (r) {
          var c = r.cells[Math.min(col, r.cells.length - 1)];
          var v = c ? c.getAttribute("data-v") : "";
          return type === "num" ? Number(v || 0) : (v || "").toLowerCase();
        };
        rows.sort(function (a, b) {
          // Input errors stay on top: they are the worst.
          var ea = a.classList.contains("input-error"), eb = b.classList.contains("input-error");
          if (ea !== eb) return ea ? -1 : 1;
          var ka = key(a), kb = key(b);
          var c = ka < kb ? -1 : ka > kb ? 1 : 0;
          return asc ? c : -c;
        });
        var frag = doc.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  // Copy buttons: shown only when the script runs.
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }
  function legacyCopy(text) {
    var ta = doc.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    doc.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    doc.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  doc.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.copy") : null;
    if (!b) return;
    var pre = b.parentElement.querySelector("pre");
    if (!pre) return;
    copyText(pre.textContent).then(function () {
      b.textContent = "Copied";
      b.classList.add("copied");
    }, function () {
      b.textContent = "Select and copy";
      reveal(pre);
      var r = doc.createRange();
      r.selectNodeContents(pre);
      var s = window.getSelection();
      s.removeAllRanges();
      s.addRange(r);
    });
  });
  var copies = doc.querySelectorAll("button.copy");
  for (var i = 0; i < copies.length; i++) copies[i].hidden = false;

  // Rule documentation is on the page once, under Rules (the rule's ID links there). Each
  // rule group gets an "About" fold when it is first shown, filled when opened: thousands
  // of closed folds made in the markup would slow a fleet's page down to seconds.
  function addAbout(root) {
    var heads = root.querySelectorAll("section.rule > h4");
    for (var i = 0; i < heads.length; i++) {
      var h = heads[i], link = h.querySelector("a.rid");
      if (!link || (h.nextElementSibling && h.nextElementSibling.classList.contains("ruledoc"))) continue;
      var d = doc.createElement("details"), s = doc.createElement("summary");
      d.className = "ruledoc";
      d.setAttribute("data-doc", link.getAttribute("href").slice(1));
      s.textContent = "About " + link.textContent;
      d.appendChild(s);
      h.insertAdjacentElement("afterend", d);
    }
  }
  Array.prototype.forEach.call(doc.querySelectorAll("details.target[open], #introduced"), addAbout);
  doc.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.classList || !d.open) return;
    if (d.classList.contains("target")) { addAbout(d); return; }
    if (!d.classList.contains("ruledoc") || d.getAttribute("data-filled")) return;
    var src = doc.getElementById(d.getAttribute("data-doc"));
    var body = src && src.querySelector(".docbody");
    if (!body) return;
    d.appendChild(body.cloneNode(true));
    d.setAttribute("data-filled", "1");
  }, true);

  // Links to configuration lines open the sections they land in.
  doc.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a) return;
    var id = a.getAttribute("href");
    if (id === location.hash) { e.preventDefault(); land(id); }
  });
  window.addEventListener("hashchange", function () { land(location.hash); });
  land(location.hash);

  function setAll(open) {
    var ds = doc.querySelectorAll("details.target");
    for (var i = 0; i < ds.length; i++) ds[i].open = open;
  }
  var ex = doc.getElementById("expand-all"), co = doc.getElementById("collapse-all");
  if (ex && co) {
    ex.hidden = co.hidden = false;
    ex.addEventListener("click", function () { setAll(true); });
    co.addEventListener("click", function () { setAll(false); });
  }

  // Printing shows everything.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(doc.querySelectorAll("details:not([open])"), function (d) { return !d.classList.contains("ruledoc"); });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
