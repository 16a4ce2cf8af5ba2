/* Progressive enhancement only: the timeline filters, the search box and a tap on a glossary term.
   Every page works without this file; the first two say so when it is off, and a tap on a
   term then opens the term's page. */
(function () {
  "use strict";

  /* The page's words come from its HTML, in its language: "{count} pages match" with the numbers put in. */
  function say(words, values) {
    return words.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function timelineFilters(form) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var status = form.querySelector("[role=status]");
    var items = Array.prototype.slice.call(document.querySelectorAll(".tl-item"));
    var days = document.querySelectorAll(".tl-day");
    var groups = document.querySelectorAll(".tl-group");
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
    });
    function matches(item) {
      return selects.every(function (s) {
        return !s.value || (item.getAttribute("data-" + s.dataset.key) || "").split(" ").indexOf(s.value) >= 0;
      });
    }
    function apply() {
      var shown = 0, query = new URLSearchParams();
      items.forEach(function (item) { item.hidden = !matches(item); if (!item.hidden) shown += 1; });
      Array.prototype.forEach.call(days, function (day) { day.hidden = !day.querySelector(".tl-item:not([hidden])"); });
      Array.prototype.forEach.call(groups, function (group) { group.hidden = !group.querySelector(".tl-item:not([hidden])"); });
      status.textContent = say(shown === items.length ? form.dataset.all : form.dataset.some,
                               {count: shown, total: items.length});
      selects.forEach(function (s) { if (s.value) query.set(s.name, s.value); });
      history.replaceState(null, "", query.toString() ? "?" + query : location.pathname);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.querySelector("fieldset").disabled = false;
    apply();
  }

  function siteSearch(form) {
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var loading = null, latest = 0, timer = 0, rest = [];
    var PAGE = 20, RERANK = 40;
    var hint = form.dataset.hint;
    status.textContent = hint;
    function engine() {
      if (!loading) loading = import(form.dataset.pagefind);
      return loading;
    }
    function words(text) { return (text || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
    /* Pagefind favours short pages, so a source titled with a name outranks the page about it.
       Among the best results, a page whose title has every word of the query comes first, the
       the people and issues (rank 0), then meetings and events (1), glossary terms (2) and sources (3), the title the query fills most first
       (small words such as "the" not counted), then the title that names it earliest. */
    var SMALL = ["the", "a", "an", "of", "and", "in", "on", "to", "for", "with"];
    function rerank(query, data) {
      var asked = words(query);
      return data.map(function (d, i) {
        var title = words(d.meta.title), hit = asked.every(function (w) { return title.indexOf(w) >= 0; });
        var counted = title.filter(function (w) { return SMALL.indexOf(w) < 0; }).length || title.length;
        var first = hit ? Math.min.apply(null, asked.map(function (w) {
          return title.filter(function (t) { return SMALL.indexOf(t) < 0; }).indexOf(w); })) : 0;
        return {d: d, key: [hit ? 0 : 1, hit ? Number(d.meta.rank || 3) : 0, hit ? -asked.length / counted : 0,
                            hit ? first : 0, i]};
      }).sort(function (a, b) {
        for (var k = 0; k < 5; k++) if (a.key[k] !== b.key[k]) return a.key[k] - b.key[k];
        return 0;
      }).map(function (x) { return x.d; });
    }
    function result(data) {
      var li = document.createElement("li"), link = document.createElement("a"), excerpt = document.createElement("p");
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      if (data.meta.kind) {
        var kind = document.createElement("span");
        kind.className = "meta";
        kind.textContent = data.meta.kind + " · ";
        li.appendChild(kind);
      }
      excerpt.innerHTML = data.excerpt;  /* Pagefind's excerpt: page text with <mark> around matches */
      li.append(link, excerpt);
      return li;
    }
    async function showMore() {
      var next = rest.splice(0, PAGE), mine = latest;
      var data = await Promise.all(next.map(function (r) { return r.data ? r.data() : r; }));
      if (mine !== latest) return;
      data.forEach(function (d) { list.appendChild(result(d)); });
      more.hidden = rest.length === 0;
      if (!more.hidden) more.textContent = say(form.dataset.more, {count: Math.min(PAGE, rest.length), total: rest.length});
    }
    async function run(raw) {
      var query = raw.trim(), mine = ++latest;
      history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
      if (!query) { list.replaceChildren(); rest = []; more.hidden = true; status.textContent = hint; return; }
      try {
        var pagefind = await engine();
        var found = await pagefind.search(query);
        var data = await Promise.all(found.results.slice(0, RERANK).map(function (r) { return r.data(); }));
        if (mine !== latest) return;
        rest = rerank(query, data).concat(found.results.slice(RERANK));
        list.replaceChildren();
        await showMore();
        status.textContent = say(found.results.length === 0 ? form.dataset.none
                                 : found.results.length === 1 ? form.dataset.one : form.dataset.many,
                                 {count: found.results.length, query: query});
      } catch (error) {
        status.textContent = form.dataset.failed;
      }
    }
    more.addEventListener("click", showMore);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(input.value); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(input.value); }, 200); });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; run(initial); }
  }

  /* A glossary term's definition opens on hover and keyboard focus by style.css alone. Here a
     tap (touch or pen) opens it too, a second tap follows the link, and Escape closes it. */
  function glossary() {
    var touched = false;
    function term(node) { return node && node.closest ? node.closest(".gloss") : null; }
    function each(selector, action) { Array.prototype.forEach.call(document.querySelectorAll(selector), action); }
    document.addEventListener("pointerdown", function (event) { touched = event.pointerType !== "mouse"; }, true);
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".gloss > a") : null, box = term(link);
      each(".gloss-open", function (open) { if (open !== box) open.classList.remove("gloss-open"); });
      if (!box || !touched || box.classList.contains("gloss-open")) return;
      event.preventDefault();
      box.classList.remove("gloss-closed");
      box.classList.add("gloss-open");
      link.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") each(".gloss", function (box) {
        if (box.matches(":hover, :focus-within, .gloss-open")) { box.classList.remove("gloss-open"); box.classList.add("gloss-closed"); }
      });
    });
    document.addEventListener("focusout", function (event) {
      var box = term(event.target);
      if (box && !box.contains(event.relatedTarget)) box.classList.remove("gloss-open", "gloss-closed");
    });
    document.addEventListener("mouseover", function (event) {
      var box = term(event.target);
      if (box && !box.contains(event.relatedTarget)) box.classList.remove("gloss-closed");
    });
  }

  if (document.querySelector(".gloss")) glossary();
  var filters = document.querySelector("form[data-filters]");
  if (filters) timelineFilters(filters);
  var search = document.querySelector("form[data-pagefind]");
  if (search) siteSearch(search);
})();
