/* 榜样 theme: the /search/ page. A small UI on Pagefind's own pagefind.js,
   loaded from this site (data-bundle, so it works under a sub-path). The
   query and the chosen filters live in the address (?q=雷锋&类型=先进典型),
   so a search can be bookmarked, shared and reached from the header box. */
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app) { return; }
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  var more = document.getElementById("search-more");
  var filtersPanel = document.getElementById("search-filters");
  var filtersBox = document.getElementById("search-filter-groups");

  // Opened from disk, the browser lets no script read the index (file:// has no
  // origin): say so, with the sections to browse instead, rather than fail.
  if (window.location.protocol === "file:") {
    var note = document.getElementById("search-offline");
    if (note) { note.hidden = false; } else { statusBox.textContent = "搜索需要通过网站服务器访问。"; }
    form.hidden = !!note;
    var body = app.querySelector(".search-body");
    if (body && note) { body.hidden = true; }
    input.disabled = true;
    return;
  }

  var PAGE = 10;
  var FILTERS = ["类型", "分类", "年份"];  // shown in this order; values of 类型 in TYPE_ORDER
  var TYPE_ORDER = ["先进典型", "主题活动", "标语", "页面"];
  var KIND = { "先进典型": "profile", "主题活动": "activity", "标语": "slogan", "页面": "page" };

  var pagefind = null;
  var loading = null;
  var results = [];
  var shown = 0;
  var generation = 0;  // a newer search makes older answers stale
  var chosen = {};     // filter name → array of chosen values
  var hidden = null;   // the filter that leaves out superseded versions of pages (see load)

  function load() {
    if (!loading) {
      // The page writes them relative to itself; import() would take them relative to this script.
      var bundle = new URL(app.getAttribute("data-bundle"), window.location.href).pathname;
      var base = new URL(app.getAttribute("data-base"), window.location.href).pathname;
      loading = import(bundle + "pagefind.js").then(function (module) {
        pagefind = module;
        return pagefind.options({ bundlePath: bundle, baseUrl: base, excerptLength: 36 });
      }).then(function () {
        // A big site is indexed in several parts (pagefind/1/, pagefind/2/, …): search them as one.
        // Fetched afresh every time (a few hundred bytes): after an edit it names the
        // changed pages' old versions, and a copy revalidated by date alone can miss a
        // change made within the same second.
        return fetch(bundle + "shards.json", { cache: "no-store" }).then(function (response) {
          return response.ok ? response.json() : { shards: [] };
        }).catch(function () { return { shards: [] }; });
      }).then(function (list) {
        var names = (list.shards || []).slice();
        // Pages changed since the parts were made are in recent/; their old
        // versions, still in the parts, are left out of every search by a hidden filter.
        if (list.recent) { names.push(list.recent); }
        if (list.filter && list.stale && list.stale.length) {
          hidden = {};
          hidden[list.filter] = { none: list.stale };
        }
        return Promise.all(names.map(function (name) {
          return pagefind.mergeIndex(bundle + name, { baseUrl: base, excerptLength: 36 });
        }));
      }).then(function () {
        return pagefind.init();
      }).then(function () {
        return pagefind.filters();
      }).then(function (filters) {
        if (!hidden) { return filters; }
        // filters() counts the old versions too: count what a search for everything finds.
        return pagefind.search(null, { filters: hidden }).then(function (all) {
          return (all && all.filters) || filters;
        });
      }).then(function (filters) {
        buildFilters(filters || {});
        return pagefind;
      });
    }
    return loading;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    chosen = {};
    FILTERS.forEach(function (name) {
      var values = params.getAll(name).filter(Boolean);
      if (values.length) { chosen[name] = values; }
    });
  }

  function writeAddress() {
    var params = new URLSearchParams();
    var q = input.value.trim();
    if (q) { params.set("q", q); }
    FILTERS.forEach(function (name) {
      (chosen[name] || []).forEach(function (value) { params.append(name, value); });
    });
    var query = params.toString();
    var address = window.location.pathname + (query ? "?" + query : "");
    if (address !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", address);
    }
  }

  function sortValues(name, counts) {
    var values = Object.keys(counts);
    if (name === "类型") {
      return values.sort(function (a, b) { return rank(a) - rank(b); });
    }
    if (name === "年份") {
      return values.sort(function (a, b) { return Number(b) - Number(a); });
    }
    return values.sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b, "zh-CN"); });
  }

  function rank(type) {
    var i = TYPE_ORDER.indexOf(type);
    return i < 0 ? TYPE_ORDER.length : i;
  }

  function buildFilters(filters) {
    filtersBox.textContent = "";
    var any = false;
    FILTERS.forEach(function (name, index) {
      var counts = filters[name];
      if (!counts || !Object.keys(counts).length) { return; }
      any = true;
      var fieldset = el("fieldset", "search-filter");
      fieldset.appendChild(el("legend", "", name));
      var ul = el("ul");
      sortValues(name, counts).forEach(function (value, i) {
        // A value no page has (now): only an old version of a changed page had it.
        if (!counts[value] && (chosen[name] || []).indexOf(value) < 0) { return; }
        var li = el("li");
        var id = "filter-" + index + "-" + i;
        var box = el("input");
        box.type = "checkbox";
        box.id = id;
        box.name = name;
        box.value = value;
        box.checked = (chosen[name] || []).indexOf(value) >= 0;
        box.addEventListener("change", onFilterChange);
        var label = el("label");
        label.htmlFor = id;
        label.appendChild(document.createTextNode(value + " "));
        var count = el("span", "count", String(counts[value]));
        count.setAttribute("data-filter-count", "");
        count.setAttribute("data-total", String(counts[value]));
        label.appendChild(count);
        li.appendChild(box);
        li.appendChild(label);
        ul.appendChild(li);
      });
      fieldset.appendChild(ul);
      filtersBox.appendChild(fieldset);
    });
    var clear = el("button", "search-clear", "清除筛选");
    clear.type = "button";
    clear.addEventListener("click", function () {
      chosen = {};
      Array.prototype.forEach.call(filtersBox.querySelectorAll("input[type=checkbox]"), function (box) { box.checked = false; });
      run();
    });
    filtersBox.appendChild(clear);
    filtersPanel.hidden = !any;
    // Open beside the results on wide screens; on phones a tap opens it, so the results come first.
    filtersPanel.open = Object.keys(chosen).length > 0 || !window.matchMedia || window.matchMedia("(min-width: 48em)").matches;
  }

  function onFilterChange() {
    chosen = {};
    Array.prototype.forEach.call(filtersBox.querySelectorAll("input[type=checkbox]:checked"), function (box) {
      (chosen[box.name] = chosen[box.name] || []).push(box.value);
    });
    run();
  }

  function filterOption() {
    var filters = {};
    Object.keys(chosen).forEach(function (name) {
      if (chosen[name].length) { filters[name] = { any: chosen[name] }; }  // OR within a group, AND across groups
    });
    return filters;
  }

  /* Counts follow the current search; a value with no result is hidden (unless chosen). */
  function updateCounts(search) {
    var counts = search && search.filters;
    Array.prototype.forEach.call(filtersBox.querySelectorAll("input[type=checkbox]"), function (box) {
      var label = filtersBox.querySelector("label[for='" + box.id + "'] [data-filter-count]");
      var n = counts ? (counts[box.name] || {})[box.value] || 0 : Number(label.getAttribute("data-total"));
      label.textContent = String(n);
      box.parentNode.hidden = n === 0 && !box.checked;
    });
    Array.prototype.forEach.call(filtersBox.querySelectorAll("fieldset"), function (fieldset) {
      fieldset.hidden = !fieldset.querySelector("li:not([hidden])");
    });
  }

  /* The index holds every Han character as its own word (see generator/search.py),
     so a Chinese search word becomes an exact phrase of its characters:
     养护 → "养 护" matches every page that contains 养护. Several words (雷锋 志愿)
     must all occur. The order comes from a plain search for the same characters
     (Pagefind's ranking: how often, and in the title or the text); the excerpt
     from the phrase search, so it shows the place where the phrase stands. */
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var PIECES = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;  // one Han character, or a run of anything else
  var ZWSP = /\u200b/g;

  function pieces(word) {
    return HAN.test(word) ? word.match(PIECES).join(" ") : word;
  }

  function searchAll(q, chosenFilters) {
    var filters = chosenFilters;
    if (hidden) {
      filters = {};
      Object.keys(chosenFilters).forEach(function (name) { filters[name] = chosenFilters[name]; });
      Object.keys(hidden).forEach(function (name) { filters[name] = hidden[name]; });
    }
    var words = q.split(/\s+/).filter(Boolean);
    if (!words.length) { return pagefind.search(null, { filters: filters }); }
    var ranking = pagefind.search(words.map(pieces).join(" "), { filters: filters });
    var phrases = words.map(function (word) {
      return HAN.test(word) ? pagefind.search("\"" + pieces(word) + "\"", { filters: filters }) : null;
    });
    return Promise.all([ranking].concat(phrases)).then(function (all) {
      var ranked = all[0];
      var exact = all.slice(1).filter(Boolean);
      if (!ranked || !exact.length) { return ranked; }
      var found = exact.map(function (search) {
        var byId = {};
        search.results.forEach(function (r) { byId[r.id] = r; });
        return byId;
      });
      var results = [];
      ranked.results.forEach(function (r) {
        if (found.every(function (byId) { return byId[r.id]; })) { results.push(found[0][r.id]); }
      });
      return { results: results, filters: words.length === 1 ? exact[0].filters : null };
    });
  }

  /* Pagefind marks each character on its own and keeps the zero width spaces: join them again. */
  function tidy(html) {
    return String(html || "").replace(ZWSP, "").replace(/(\s+)<\/mark>/g, "</mark>$1").replace(/<\/mark>(\s*)<mark>/g, "$1");
  }

  function say(text) {
    statusBox.textContent = text;
  }

  function run() {
    var q = input.value.trim();
    var filters = filterOption();
    var filtering = Object.keys(filters).length > 0;
    writeAddress();
    var mine = ++generation;
    if (!q && !filtering) {
      results = [];
      if (pagefind) { updateCounts(null); }
      list.textContent = "";
      more.hidden = true;
      say("请输入关键词，例如：雷锋、养护、读书。");
      return;
    }
    say("正在搜索…");
    load().then(function () {
      return searchAll(q, filters);
    }).then(function (search) {
      if (mine !== generation) { return; }
      results = search ? search.results : [];
      shown = 0;
      list.textContent = "";
      updateCounts(search && search.filters ? search : null);
      if (!results.length) {
        more.hidden = true;
        say(q ? "没有找到与“" + q + "”相关的内容。请换一个词，或减少筛选条件。" : "没有符合筛选条件的内容。");
        return;
      }
      return showMore().then(function () {
        if (mine !== generation) { return; }
        say((q ? "“" + q + "”" : "筛选") + "共找到 " + results.length + " 条结果。");
      });
    }).catch(function () {
      if (mine !== generation) { return; }
      say("搜索暂时不可用，请稍后再试，或从栏目浏览。");
    });
  }

  function showMore() {
    var mine = generation;
    var slice = results.slice(shown, shown + PAGE);
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (pages) {
      if (mine !== generation) { return; }
      var first = null;
      pages.forEach(function (page) {
        var item = renderHit(page);
        list.appendChild(item);
        first = first || item;
      });
      shown += slice.length;
      more.hidden = shown >= results.length;
      return first;
    });
  }

  function renderHit(page) {
    var meta = page.meta || {};
    var li = el("li", "search-hit");
    var line = el("p", "search-hit-meta");
    var titleText = tidy(meta.title || page.url);
    if (meta.type) {
      line.appendChild(el("span", "hit-kind kind-" + (KIND[meta.type] || "page"), meta.type));
    }
    if (meta.date) {
      line.appendChild(el("span", "meta", meta.date));
    }
    li.appendChild(line);
    var title = el("h2", "search-hit-title");
    var link = el("a", "", titleText);
    link.href = page.url;
    title.appendChild(link);
    li.appendChild(title);
    var excerpt = el("p", "search-excerpt");
    excerpt.innerHTML = tidy(page.excerpt);  // Pagefind escapes the text and adds only <mark>
    li.appendChild(excerpt);
    var subs = (page.sub_results || []).filter(function (s) { return s.url.indexOf("#") > 0 && tidy(s.title) !== titleText; }).slice(0, 3);
    if (subs.length) {
      var ul = el("ul", "search-subs");
      subs.forEach(function (s) {
        var sli = el("li");
        var a = el("a", "", tidy(s.title));
        a.href = s.url;
        sli.appendChild(a);
        ul.appendChild(sli);
      });
      li.appendChild(ul);
    }
    return li;
  }

  var typing = null;
  input.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(run, 300);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typing);
    run();
  });
  more.addEventListener("click", function () {
    var before = shown;
    showMore().then(function () {
      // Keyboard users land on the first new result, not back at the top.
      var next = list.children[before] && list.children[before].querySelector("a");
      if (next) { next.focus(); }
    });
  });
  window.addEventListener("popstate", function () { readAddress(); run(); });

  readAddress();
  if (input.value || Object.keys(chosen).length) {
    run();
    load().catch(function () {});
  } else {
    say("请输入关键词，例如：雷锋、养护、读书。");
    load().catch(function () {});
  }
})();
