{% raw %}
/* content-audit report: sort and filter the pages table, open a page's detail.
   Page text is only ever put in the document with textContent / text nodes, never as HTML. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var table = document.getElementById("pages");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows).map(function (tr) {
    return {
      tr: tr,
      text: (tr.cells[0].textContent || "").toLowerCase(),
      kind: tr.getAttribute("data-kind"),
      missing: (tr.getAttribute("data-missing") || "").split(" ").filter(Boolean),
      unclear: (tr.getAttribute("data-unclear") || "").split(" ").filter(Boolean),
      sev: (tr.getAttribute("data-sev") || "").split(" ").filter(Boolean),
      trend: tr.getAttribute("data-trend") || ""
    };
  });

  /* ---------------------------------------------------------------- sorting */
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var button = th.querySelector("button.sort");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var current = th.getAttribute("aria-sort");
      var direction = current === "ascending" ? "descending" : "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction);
      sortBy(column, th.getAttribute("data-type") === "num", direction === "ascending" ? 1 : -1);
    });
  });

  function sortBy(column, numeric, sign) {
    var keyed = rows.map(function (row, i) {
      var cell = row.tr.cells[column];
      var raw = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") :
        (cell.querySelector("a.open") || cell).textContent.trim();
      return { row: row, key: numeric ? parseFloat(raw.replace(/,/g, "")) || 0 : raw.toLowerCase(), i: i };
    });
    keyed.sort(function (a, b) {
      if (a.key < b.key) { return -sign; }
      if (a.key > b.key) { return sign; }
      return a.i - b.i;
    });
    var fragment = document.createDocumentFragment();
    rows = keyed.map(function (k) { fragment.appendChild(k.row.tr); return k.row; });
    tbody.appendChild(fragment);
  }

  /* ---------------------------------------------------------------- filtering */
  var form = document.getElementById("filters");
  var fields = {
    text: document.getElementById("f-text"),
    kind: document.getElementById("f-kind"),
    missing: document.getElementById("f-missing"),
    severity: document.getElementById("f-severity"),
    trend: document.getElementById("f-trend")
  };
  var count = document.getElementById("f-count");
  var empty = document.getElementById("f-empty");

  function value(field) { return field ? field.value : ""; }

  function applyFilters() {
    var text = value(fields.text).trim().toLowerCase();
    var kind = value(fields.kind);
    var missing = value(fields.missing);
    var severity = value(fields.severity);
    var trend = value(fields.trend);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!text || row.text.indexOf(text) !== -1) &&
        (!kind || row.kind === kind) &&
        (!missing || (missing === "*" ? row.missing.length > 0 :
          missing === "?" ? row.unclear.length > 0 :
          missing === "-" ? row.kind === "article" && row.missing.length === 0 && row.unclear.length === 0 :
          row.missing.indexOf(missing) !== -1)) &&
        (!severity || (severity === "-" ? row.sev.length === 0 : row.sev.indexOf(severity) !== -1)) &&
        (!trend || row.trend === trend);
      row.tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown === rows.length ? rows.length + " pages" :
      shown + " of " + rows.length + " pages";
    empty.hidden = shown !== 0;
  }

  form.addEventListener("input", applyFilters);
  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(applyFilters, 0); });

  /* ---------------------------------------------------------------- page detail */
  var dialog = document.getElementById("detail");
  var body = document.getElementById("detail-body");
  var pages = null;
  var opener = null;

  /* The page details: a gzip'd JSON array in base64, inflated once, on first use. */
  function data() {
    if (pages === null) {
      var binary = window.atob(document.getElementById("page-data").textContent.replace(/\s+/g, ""));
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      pages = new Response(stream).text().then(JSON.parse);
    }
    return pages;
  }

  /* el("p", {class: "x"}, "text", child, ...): strings become text nodes, never markup. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) { node.setAttribute(name, attrs[name]); }
    });
    for (var i = 2; i < arguments.length; i += 1) {
      var child = arguments[i];
      if (child === null || child === undefined || child === "") { continue; }
      node.appendChild(typeof child === "string" || typeof child === "number" ?
        document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(url, className) {
    var href = safeHref(url);
    return href ? el("a", { href: href, rel: "noopener noreferrer", class: className }, url) :
      el("span", { class: className }, url);
  }

  function num(x, digits) {
    if (x === null || x === undefined || x === "") { return "-"; }
    return Number(x).toLocaleString("en", {
      minimumFractionDigits: digits === undefined ? 1 : digits,
      maximumFractionDigits: digits === undefined ? 1 : digits
    });
  }

  function duration(s) {
    return s < 60 ? Math.round(s) + " s" : Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
  }

  function panel(title, id) {
    var section = el("section", { class: "panel", "aria-labelledby": id });
    section.appendChild(el("h3", { id: id }, title));
    return section;
  }

  function badge(cls, text) { return el("span", { class: "badge " + cls }, text); }

  function renderDetail(page) {
    var frag = document.createDocumentFragment();
    var target = config.gradeTarget;
    var grade = page.readability.flesch_kincaid_grade;
    var counts = { error: 0, warning: 0, info: 0 };
    page.findings.forEach(function (f) { if (!f.decision) { counts[f.severity] = (counts[f.severity] || 0) + 1; } });

    frag.appendChild(el("h2", { id: "detail-title", tabindex: "-1" },
      page.title || (page.h1 && page.h1[0]) || "(untitled page)"));
    frag.appendChild(el("p", { class: "lede url" }, link(page.url, "url")));
    var head = el("p", { class: "detail-head" },
      badge("kind", page.kind),
      el("span", { class: "score " + (page.score < 50 ? "low" : page.score < 75 ? "mid" : "high") },
        "Score " + page.score + "/100"),
      badge(grade > target ? "error" : "better", "Grade " + num(grade) + " (target " + num(target) + ")"));
    ["error", "warning", "info"].forEach(function (sev) {
      if (counts[sev]) {
        head.appendChild(document.createTextNode(" "));
        head.appendChild(badge(sev, counts[sev] + " " + sev + (counts[sev] !== 1 && sev !== "info" ? "s" : "")));
      }
    });
    frag.appendChild(head);

    if (page.changes && page.changes.length) {
      var changed = panel("Since the last run", "d-changes");
      var list = el("ul", { class: "plain" });
      page.changes.forEach(function (c) {
        var extra = c.before || c.after ? " (" + (c.before || "–") + " → " + (c.after || "–") + ")" : "";
        list.appendChild(el("li", null, el("strong", null, c.label), ": " + c.detail + extra));
      });
      changed.appendChild(list);
      frag.appendChild(changed);
    }

    var elements = panel("Required elements", "d-elements");
    if (page.kind !== "article") {
      elements.appendChild(el("p", { class: "muted small" },
        "This page is a " + page.kind + ": the elements are only required of articles."));
    }
    var cards = el("ul", { class: "elements" });
    config.elementNames.forEach(function (name) {
      var e = page.elements[name] || { present: false };
      var status = e.status || (e.present ? "found" : "missing");
      var cls = config.statusClasses[status] || "absent";
      var card = el("li", { class: "element " + cls },
        el("h4", null, config.elementLabels[name], badge(cls, config.statusBadges[status] || status)),
        el("p", { class: "muted" }, config.elementQuestions[name]));
      if (status === "found") {
        var found = el("p", null, config.viaLabels[e.via] || "Found");
        if (e.heading) { found.appendChild(document.createTextNode(" ")); found.appendChild(el("strong", null, e.heading)); }
        card.appendChild(found);
        if (e.evidence) { card.appendChild(el("blockquote", null, e.evidence)); }
      } else if (status === "unclear") {
        var sure = typeof e.confidence === "number" ? " (confidence " + e.confidence.toFixed(2) + ")" : "";
        var check = el("p", { class: "candidate" }, "Unclear" + sure + ": check whether " +
          (e.evidence ? "this sentence " : "the article ") + (config.unclearChecks[name] || ""));
        if (e.heading) { check.appendChild(document.createTextNode(", under ")); check.appendChild(el("strong", null, e.heading)); }
        card.appendChild(check);
        if (e.evidence) { card.appendChild(el("blockquote", { class: "candidate" }, e.evidence)); }
      }
      cards.appendChild(card);
    });
    elements.appendChild(cards);
    frag.appendChild(elements);

    var r = page.readability;
    var figures = panel("Readability", "d-readability");
    var dl = el("dl", { class: "figures" });
    [["Flesch-Kincaid grade", num(r.flesch_kincaid_grade), grade > target ? "over" : null],
     ["Reading ease", num(r.flesch_reading_ease)], ["SMOG", num(r.smog_index)],
     ["Coleman-Liau", num(r.coleman_liau_index)], ["ARI", num(r.automated_readability_index)],
     ["Words", num(r.words, 0)], ["Sentences", num(r.sentences, 0)],
     ["Reading time", duration(r.reading_time_s || 0)]].forEach(function (f) {
      dl.appendChild(el("div", null, el("dt", null, f[0]), el("dd", { class: f[2] || null }, f[1])));
    });
    figures.appendChild(dl);
    frag.appendChild(figures);
    if (page.article) { frag.appendChild(articlePanel(page.article)); }

    var sections = panel("Sections", "d-sections");
    if (page.sections.length) {
      var outline = el("ol", { class: "outline" });
      page.sections.forEach(function (s) {
        outline.appendChild(el("li", { class: "lvl-" + s.level },
          el("span", { class: "lvl" }, s.level ? "H" + s.level : "intro"), " ",
          s.heading || "(text before the first heading)", " ",
          el("span", { class: "muted small" }, "· " + s.words + " words",
            s.grade === null || s.grade === undefined ? null : " · ",
            s.grade === null || s.grade === undefined ? null :
              el("span", { class: s.grade > target ? "over" : null }, "grade " + num(s.grade)))));
      });
      sections.appendChild(outline);
    } else {
      sections.appendChild(el("p", { class: "muted" }, "No article text was found."));
    }
    frag.appendChild(sections);

    var teasers = panel("Teasers", "d-teasers");
    if (page.teasers.length) {
      var tl = el("ul", { class: "plain" });
      page.teasers.forEach(function (t) {
        tl.appendChild(el("li", null, t.text, t.truncated ? " " : "", t.truncated ? badge("kind", "cut") : null,
          el("br"), el("span", { class: "small" }, "→ ", link(t.href, "url"))));
      });
      teasers.appendChild(tl);
    } else {
      teasers.appendChild(el("p", { class: "muted" }, "No teasers of other posts on this page."));
    }
    frag.appendChild(teasers);

    var findings = panel("Findings", "d-findings");
    var open = page.findings.filter(function (f) { return !f.decision; });
    var accepted = page.findings.filter(function (f) { return f.decision; });
    function findingItem(f) {
      var copy = el("button", { type: "button", class: "copy-toml" }, "Copy");
      var pre = el("pre", { class: "toml" }, f.toml || "");
      copy.addEventListener("click", function () {
        var done = function () { copy.textContent = "Copied"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(pre.textContent).then(done, done);
        } else { done(); }
      });
      return el("li", { class: "finding" + (f.decision ? " accepted" : "") },
        badge(f.decision ? "accepted" : f.severity, f.decision ? "accepted" : f.severity),
        el("span", { class: "msg" }, el("code", null, f.code), " ", f.message,
          f.decision ? el("span", { class: "muted" }, " (" + f.decision + ")") : null),
        f.evidence ? el("span", { class: "ev" }, f.evidence) : null,
        f.decision ? null : el("details", { class: "accept" },
          el("summary", null, "Accept: TOML for audit-decisions.toml"), pre, copy));
    }
    if (page.findings.length) {
      var fl = el("ul", { class: "plain" });
      open.forEach(function (f) { fl.appendChild(findingItem(f)); });
      findings.appendChild(fl);
      if (accepted.length) {
        findings.appendChild(el("p", { class: "muted" }, "accepted: " + accepted.length));
        var al = el("ul", { class: "plain accepted-list" });
        accepted.forEach(function (f) { al.appendChild(findingItem(f)); });
        findings.appendChild(al);
      }
    } else {
      findings.appendChild(el("p", { class: "muted" }, "No findings: nothing to fix on this page."));
    }
    frag.appendChild(findings);
    return frag;
  }

  /* The article, marked up (report/article.py, _article.html): page text as text nodes. */
  function articlePanel(view) {
    var box = panel("The article, marked up", "d-article");
    box.classList.add("article-markup");
    box.appendChild(el("p", { class: "muted small legend" }, "Sentences shaded by their own grade ",
      el("span", { class: "s d1" }, "a little over the target"), ", ",
      el("span", { class: "s d2" }, "2+ grades over"), ", ", el("span", { class: "s d3" }, "4+ grades over"),
      "; ", el("span", { class: "s passive" }, "passive voice"), "; ",
      el("abbr", { class: "term" }, "unexplained term"), " (plainer words on hover and in print); ",
      el("mark", { class: "el-label" }, "element"), " labels each element's evidence sentence."));
    var text = view.text, offset = 0;
    text.split("\n").forEach(function (line) {
      var endLine = offset + line.length, cursor = offset, p = el("p", { class: "art" });
      view.sentences.forEach(function (s) {
        var start = s[0], end = s[1];
        if (start < offset || end > endLine) { return; }
        if (start > cursor) { p.appendChild(document.createTextNode(text.slice(cursor, start))); }
        var span = el("span", { class: "s d" + s[2] + (s[3] ? " passive" : ""), title: s[5] || null });
        if (s[4]) { span.appendChild(el("mark", { class: "el-label" }, s[4])); span.appendChild(document.createTextNode(" ")); }
        var at = start;
        view.terms.forEach(function (t) {
          if (t[0] < start || t[1] > end) { return; }
          if (t[0] > at) { span.appendChild(document.createTextNode(text.slice(at, t[0]))); }
          span.appendChild(el("abbr", { class: "term", title: t[2] }, text.slice(t[0], t[1])));
          span.appendChild(el("span", { class: "alt-print" }, " [" + t[2] + "]"));
          at = t[1];
        });
        if (at < end) { span.appendChild(document.createTextNode(text.slice(at, end))); }
        p.appendChild(span);
        cursor = end;
      });
      if (cursor < endLine) { p.appendChild(document.createTextNode(text.slice(cursor, endLine))); }
      if (line.trim()) { box.appendChild(p); }
      offset = endLine + 1;
    });
    return box;
  }

  function openDetail(index) {
    var loaded = typeof DecompressionStream === "undefined" ?
      Promise.reject(new Error("this browser cannot read the page details (it needs DecompressionStream)")) :
      data();
    return loaded.then(function (all) {
      var page = all[index];
      if (!page) { return; }
      body.replaceChildren(renderDetail(page));
      dialog.setAttribute("aria-labelledby", "detail-title");
      if (!dialog.open) { dialog.showModal(); }
      body.parentNode.scrollTop = 0;
      document.getElementById("detail-title").focus();
    }).catch(function (error) {
      body.replaceChildren(el("p", { class: "panel" }, "The page detail cannot be shown: " + error.message));
      if (!dialog.open) { dialog.showModal(); }
    });
  }

  function fromHash() {
    var match = /^#page-(\d+)$/.exec(window.location.hash);
    if (match) { openDetail(parseInt(match[1], 10)); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a[data-page]") : null;
    if (!target) { return; }
    event.preventDefault();
    opener = target;
    if (window.location.hash !== "#page-" + target.getAttribute("data-page")) {
      window.history.pushState(null, "", "#page-" + target.getAttribute("data-page"));
    }
    openDetail(parseInt(target.getAttribute("data-page"), 10));
  });
  window.addEventListener("hashchange", fromHash);
  window.addEventListener("popstate", function () {
    if (/^#page-\d+$/.test(window.location.hash)) { fromHash(); } else if (dialog.open) { dialog.close(); }
  });
  dialog.addEventListener("close", function () {
    if (/^#page-\d+$/.test(window.location.hash)) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    if (opener) { opener.focus(); opener = null; }
  });
  document.getElementById("detail-close").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) { dialog.close(); }  /* a click on the backdrop */
  });

  applyFilters();
  fromHash();
})();
{% endraw %}
