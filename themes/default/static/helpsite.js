// helpsite default theme: small progressive enhancements. Every page reads fine without it.
(function () {
  "use strict";

  // Tabs: turn the stacked panels into an accessible tab set (WAI-ARIA tabs pattern).
  function selectTab(group, index, focus) {
    var tabs = group.querySelectorAll('[role="tab"]');
    var panels = group.querySelectorAll('[role="tabpanel"]');
    for (var i = 0; i < tabs.length; i++) {
      var on = i === index;
      tabs[i].setAttribute("aria-selected", on ? "true" : "false");
      tabs[i].tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    }
    if (focus) tabs[index].focus();
    return tabs[index].getAttribute("data-tab");
  }

  function syncTabs(id) {
    // Dependent tabs: choosing "windows" in one group chooses it in every group on the page.
    document.querySelectorAll(".tabs.tabs-js").forEach(function (g) {
      var tabs = g.querySelectorAll('[role="tab"]');
      for (var i = 0; i < tabs.length; i++) {
        if (tabs[i].getAttribute("data-tab") === id) { selectTab(g, i, false); break; }
      }
    });
  }

  document.querySelectorAll(".tabs").forEach(function (group) {
    var list = group.querySelector('[role="tablist"]');
    if (!list) return;
    list.hidden = false;
    group.classList.add("tabs-js");
    var tabs = Array.prototype.slice.call(group.querySelectorAll('[role="tab"]'));
    selectTab(group, 0, false);
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { syncTabs(selectTab(group, i, false)); });
      tab.addEventListener("keydown", function (e) {
        var rtl = document.documentElement.dir === "rtl";
        var next = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[e.key];
        var target = null;
        if (next) target = (i + next + tabs.length) % tabs.length;
        if (e.key === "Home") target = 0;
        if (e.key === "End") target = tabs.length - 1;
        if (target !== null) { e.preventDefault(); syncTabs(selectTab(group, target, true)); }
      });
    });
  });

  // Version picker: one version at a time. `?view=<moniker>` in the page's address chooses
  // the version (a link can carry it); choosing one writes it back to the address.
  document.querySelectorAll(".moniker-picker").forEach(function (picker) {
    var select = picker.querySelector("select");
    if (!select) return;
    var blocks = document.querySelectorAll(".moniker[data-monikers]");
    function show(name) {
      blocks.forEach(function (b) {
        b.hidden = b.getAttribute("data-monikers").split(" ").indexOf(name) < 0;
      });
    }
    var view = null;
    try { view = new URLSearchParams(location.search).get("view"); } catch (e) { /* old browser */ }
    for (var i = 0; view && i < select.options.length; i++) {
      if (select.options[i].value === view) { select.selectedIndex = i; break; }
    }
    picker.hidden = false;
    document.documentElement.classList.add("monikers-js");
    show(select.value);
    select.addEventListener("change", function () {
      show(select.value);
      try {
        var url = new URL(location.href);
        url.searchParams.set("view", select.value);
        history.replaceState(history.state, "", url.href);
      } catch (e) { /* file: URLs or old browsers: the choice still applies */ }
    });
  });

  // Notices can be dismissed; the choice is remembered per page and kind.
  document.querySelectorAll(".notice").forEach(function (n) {
    var key = "helpsite-dismissed:" + location.pathname + ":" + n.getAttribute("data-notice");
    try { if (localStorage.getItem(key)) { n.hidden = true; return; } } catch (e) { /* storage off */ }
    var b = n.querySelector(".notice-dismiss");
    if (!b) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      n.hidden = true;
      try { localStorage.setItem(key, "1"); } catch (e) { /* storage off */ }
      var main = document.getElementById("main");
      if (main) main.focus();
    });
  });
  // DocFX's `?toc=<toc.json>&bc=<breadcrumb toc.json>` on a link: this page shows the named
  // TOC in its sidebar and the named breadcrumb trail, loaded from the one fragment the build
  // writes per TOC. Without the script (or when a fragment is missing) the page's own TOC shows.
  (function () {
    var sidebar = document.querySelector(".sidebar[data-toc-roots]");
    if (!sidebar || !window.fetch || !window.URLSearchParams) return;
    var params = new URLSearchParams(location.search);
    var toc = params.get("toc"), bc = params.get("bc");
    if (!toc && !bc) return;
    var roots = [];
    try { roots = JSON.parse(sidebar.getAttribute("data-toc-roots")) || []; } catch (e) { return; }
    var base = sidebar.getAttribute("data-toc-base") || "/";
    var here = location.pathname;

    // The fragment a site-root `.../toc.json` URL names: read through the site's root
    // prefixes (longest first), as the build reads site-root links.
    function fragmentUrl(u) {
      if (!u) return null;
      var path = u.split(/[?#]/)[0];
      try { path = decodeURIComponent(path); } catch (e) { return null; }
      if (path.charAt(0) !== "/" || path.charAt(1) === "/" || !/(^|\/)toc\.json$/i.test(path)) return null;
      for (var i = 0; i < roots.length; i++) {
        if (path.toLowerCase().indexOf(String(roots[i]).toLowerCase()) === 0) {
          var rest = path.slice(roots[i].length);
          return rest.split("/").indexOf("..") >= 0 ? null : base + rest;
        }
      }
      return null;
    }
    function load(u) {
      if (!u) return Promise.resolve(null);
      return fetch(u).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }
    function parse(fragment) {
      if (!fragment || typeof fragment.html !== "string") return null;
      var holder = document.createElement("div");
      holder.innerHTML = fragment.html;
      return holder.querySelector("ul");
    }
    function samePage(a) {
      try { return new URL(a.getAttribute("href"), location.href).pathname === here; } catch (e) { return false; }
    }
    // One step of a trail: the entry's name and link.
    function step(li) {
      var label = li.querySelector(":scope > a, :scope > span");
      return label ? { name: label.textContent, href: label.tagName === "A" ? label.getAttribute("href") : null } : null;
    }

    var tocUrl = fragmentUrl(toc);
    var own = sidebar.getAttribute("data-toc");
    Promise.all([tocUrl && tocUrl !== own ? load(tocUrl) : null, load(fragmentUrl(bc))]).then(function (got) {
      var list = parse(got[0]);
      if (list) {
        var links = list.querySelectorAll("a[href]");
        for (var i = 0; i < links.length; i++) {
          var a = links[i];
          if (!samePage(a) || list.querySelector('[aria-current="page"]')) continue;
          a.setAttribute("aria-current", "page");
          a.parentNode.classList.add("current");
          for (var li = a.parentNode.parentNode; li && li !== list; li = li.parentNode) {
            if (li.tagName === "LI") li.classList.add("ancestor");
          }
        }
        // Its links keep `?toc=&bc=`, so the reader stays in this TOC from page to page.
        var keep = "?" + ["toc", "bc"].filter(function (k) { return params.get(k); })
          .map(function (k) { return k + "=" + encodeURIComponent(params.get(k)); }).join("&");
        for (var m = 0; m < links.length; m++) {
          var h = links[m].getAttribute("href");
          if (h.charAt(0) === "/" && h.charAt(1) !== "/" && !/[?#]/.test(h)) links[m].setAttribute("href", h + keep);
        }
        sidebar.textContent = "";
        sidebar.appendChild(list);
        sidebar.classList.add("toc-loaded");
      }
      // Done either way: `loaded`, or `own` when the page keeps its own TOC.
      sidebar.setAttribute("data-toc-state", list ? "loaded" : "own");
      var crumbs = parse(got[1]);
      if (!crumbs) return;
      var trail = [];
      var path = here.indexOf(base) === 0 ? here.slice(base.length).toLowerCase() : null;
      for (var level = crumbs; level && path !== null;) {
        var best = null;
        var items = level.querySelectorAll(":scope > li[data-scope]");
        for (var j = 0; j < items.length; j++) {
          var scope = items[j].getAttribute("data-scope").toLowerCase();
          if (path.indexOf(scope) === 0 && (!best || scope.length > best.getAttribute("data-scope").length)) best = items[j];
        }
        if (!best) break;
        trail.push(step(best));
        level = best.querySelector(":scope > ul");
      }
      var mine = sidebar.querySelectorAll("li.ancestor, li.current");
      for (var k = 0; k < mine.length; k++) {
        var s = step(mine[k]);
        if (s && s.href && trail.length && trail[trail.length - 1].href === s.href) trail.pop();
        if (s) trail.push(s);
      }
      if (trail.length < 2) return;
      var nav = document.createElement("nav");
      nav.className = "breadcrumbs";
      nav.setAttribute("aria-label", sidebar.getAttribute("data-breadcrumb-label") || "Breadcrumb");
      var ol = document.createElement("ol");
      trail.forEach(function (t, n) {
        var item = document.createElement("li");
        var last = n === trail.length - 1;
        var el = document.createElement(last ? "span" : t.href ? "a" : "span");
        if (last) el.setAttribute("aria-current", "page");
        else if (t.href) el.setAttribute("href", t.href);
        var bdi = document.createElement("bdi");
        bdi.textContent = t.name;
        el.appendChild(bdi);
        item.appendChild(el);
        ol.appendChild(item);
      });
      nav.appendChild(ol);
      var main = document.getElementById("main");
      var old = main && main.querySelector(".breadcrumbs");
      if (old) old.parentNode.replaceChild(nav, old);
      else if (main) main.insertBefore(nav, main.firstChild);
    });
  })();

  // ==== Header, phone menu, language menu, code copy (issue 18, items 2 and 4) ====

  // Elements that can take the keyboard focus and are shown.
  function focusables(root) {
    var all = root.querySelectorAll('a[href], button:not([disabled]), summary, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])');
    return Array.prototype.filter.call(all, function (el) {
      // checkVisibility: links inside a closed <details> group still have boxes.
      var shown = el.checkVisibility
        ? el.checkVisibility({ visibilityProperty: true })
        : el.getClientRects().length > 0;
      return shown && !el.closest("[inert]");
    });
  }

  // The phone menu. Without this script the control is a link to the sidebar (`#nav`); here it
  // becomes a button that shows the sidebar as a panel under the header. While it is open the
  // rest of the page is inert, Tab and Shift+Tab go round the control and the panel's entries,
  // and Esc (or the control) closes it and gives the focus back to the control.
  (function () {
    var link = document.querySelector("a.menu-toggle");
    var nav = document.getElementById("nav");
    if (!link || !nav) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "nav");
    while (link.firstChild) button.appendChild(link.firstChild);
    link.parentNode.replaceChild(button, link);
    var root = document.documentElement;
    var phone = window.matchMedia("(max-width: 56rem)");
    var madeInert = [];

    // Everything outside the control and the panel, found from them up to <body>.
    function setInert(on) {
      if (!on) {
        madeInert.forEach(function (el) { el.inert = false; });
        madeInert = [];
        return;
      }
      var keep = [];
      [nav, button].forEach(function (k) {
        for (var n = k; n && n !== document.body; n = n.parentElement) keep.push(n);
      });
      keep.forEach(function (n) {
        Array.prototype.forEach.call(n.parentElement.children, function (sib) {
          if (keep.indexOf(sib) < 0 && !sib.inert && sib.tagName !== "SCRIPT") {
            sib.inert = true;
            madeInert.push(sib);
          }
        });
      });
    }
    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function open() {
      var header = button.closest("header");
      root.style.setProperty("--nav-top", (header ? header.offsetHeight : 0) + "px");
      root.classList.add("nav-open");
      button.setAttribute("aria-expanded", "true");
      setInert(true);
      var here = nav.querySelector('[aria-current="page"]');
      var first = here && focusables(nav).indexOf(here) >= 0 ? here : focusables(nav)[0];
      if (first) first.focus();
    }
    function close(refocus) {
      root.classList.remove("nav-open");
      button.setAttribute("aria-expanded", "false");
      setInert(false);
      if (refocus) button.focus();
    }
    button.addEventListener("click", function () {
      if (isOpen()) close(true);
      else open();
    });
    document.addEventListener("keydown", function (e) {
      if (!isOpen()) return;
      if (e.key === "Escape") {
        e.preventDefault();
        close(true);
      } else if (e.key === "Tab") {
        var ring = [button].concat(focusables(nav));
        var at = ring.indexOf(document.activeElement);
        var to = at < 0 ? 0 : e.shiftKey ? (at === 0 ? ring.length - 1 : -1) : (at === ring.length - 1 ? 0 : -1);
        if (to >= 0) {
          e.preventDefault();
          ring[to].focus();
        }
      }
    });
    // A link in the panel to this same page (a heading) closes it, so its target shows.
    nav.addEventListener("click", function (e) {
      if (isOpen() && e.target.closest && e.target.closest("a[href]")) close(false);
    });
    // Wider than a phone the sidebar is beside the article: nothing to keep open.
    var onChange = function () { if (!phone.matches && isOpen()) close(false); };
    if (phone.addEventListener) phone.addEventListener("change", onChange);
  })();

  // The language menu (a <details>): Esc closes it and puts the focus back on its summary; a
  // click or the focus anywhere else closes it too.
  document.querySelectorAll(".language-switcher details").forEach(function (menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) {
        e.preventDefault();
        menu.open = false;
        if (summary) summary.focus();
      }
    });
    document.addEventListener("click", function (e) {
      if (menu.open && !menu.contains(e.target)) menu.open = false;
    });
    document.addEventListener("focusin", function (e) {
      if (menu.open && !menu.contains(e.target)) menu.open = false;
    });
  });

  // Code blocks: a copy button that copies the code's text exactly (not the title or the
  // language's name, without the newline that ends every fence) and says "Copied" through a
  // status region, which is in the page before anything is written to it so screen readers
  // announce the change.
  (function () {
    var body = document.body;
    var copyText = body.getAttribute("data-copy") || "Copy";
    var copiedText = body.getAttribute("data-copied") || "Copied";
    function copy(text) {
      if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
      // Pages opened from files or plain http: the older way, through a selected text area.
      return new Promise(function (resolve, reject) {
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(area);
        if (ok) resolve(); else reject(new Error("copy refused"));
      });
    }
    document.querySelectorAll(".code-block").forEach(function (block) {
      var pre = block.querySelector("pre");
      var code = pre && pre.querySelector("code");
      if (!code) return;
      var header = block.querySelector(".code-header");
      if (!header) {
        header = document.createElement("div");
        header.className = "code-header";
        block.insertBefore(header, pre);
      }
      var status = document.createElement("span");
      status.className = "code-status";
      status.setAttribute("role", "status");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = copyText;
      header.appendChild(status);
      header.appendChild(button);
      button.addEventListener("click", function () {
        status.textContent = "";
        copy(code.textContent.replace(/\r?\n$/, "")).then(function () {
          status.textContent = copiedText;
        }, function () {
          // Not allowed to copy: select the code, so the reader can copy it with the keyboard.
          var range = document.createRange();
          range.selectNodeContents(code);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        });
      });
      // "Copied" is about the last press: it goes once the reader moves on.
      block.addEventListener("focusout", function (e) {
        if (!block.contains(e.relatedTarget)) status.textContent = "";
      });
    });
  })();
  // ==== end of issue 18 items 2 and 4 ====
  // --- Search (issue #19) ---
  // The search forms (header, results page, 404 pages) stay hidden without JavaScript: no dead
  // control. The client, search.js, loads on the header box's first focus, and at once on the
  // results page.
  (function () {
    var forms = document.querySelectorAll("form.search-form[data-search]");
    if (!forms.length || !window.fetch || !window.Map || !String.prototype.normalize) return;
    for (var i = 0; i < forms.length; i++) forms[i].hidden = false;
    var loaded = false;
    function load(src) {
      if (loaded || !src) return;
      loaded = true;
      var s = document.createElement("script");
      s.src = src;
      document.head.appendChild(s);
    }
    var page = document.querySelector("main.search-page form[data-search-script]");
    var box = document.getElementById("search-input");
    if (page) load(page.getAttribute("data-search-script"));
    else if (box && box.form) {
      box.addEventListener("focus", function () { load(box.form.getAttribute("data-search-script")); }, { once: true });
    }
  })();
})();

// ==== Navigation tree, sticky sidebar, outline rail (#18.1, #18.3) ==============================
(function () {
  "use strict";

  // A group the page does not carry (`<li data-load="2.0.5">`, its position in the TOC) is a
  // link to its page, or to its first page for a group without one: the way on without the
  // script. Here it becomes a disclosure like the others, whose entries come from the TOC's
  // fragment (`data-toc` on its navigation) when it is first opened.
  var fragments = {};
  function fragment(url) {
    if (!fragments[url]) {
      fragments[url] = fetch(url)
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return fragments[url];
  }
  // Makes `li`'s list of entries (`sub`) a disclosure: a `<details>` whose summary is the
  // group's name (a group without a page: its label becomes the summary) or a toggle after its
  // link, named for screen readers.
  function discloseEntry(li, label, sub, open) {
    var details = document.createElement("details");
    details.open = open;
    var summary = document.createElement("summary");
    if (label && label.tagName === "A" && !label.classList.contains("nav-group")) {
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = label.textContent;
      summary.appendChild(name);
    } else if (label) {
      summary.className = "nav-group";
      if (label.hasAttribute("data-display-name")) summary.setAttribute("data-display-name", label.getAttribute("data-display-name"));
      while (label.firstChild) summary.appendChild(label.firstChild);
      li.removeChild(label);
    }
    details.appendChild(summary);
    if (sub) details.appendChild(sub);
    li.appendChild(details);
    return details;
  }
  // The fragment's plain nested lists, with the navigation's disclosures (`expanded` groups open).
  function disclose(ul) {
    var items = ul.querySelectorAll(":scope > li");
    for (var i = 0; i < items.length; i++) {
      var sub = items[i].querySelector(":scope > ul");
      if (!sub) continue;
      disclose(sub);
      discloseEntry(items[i], items[i].querySelector(":scope > a, :scope > span"), sub, items[i].classList.contains("expanded"));
    }
    return ul;
  }
  function load(details, where, url) {
    details.setAttribute("data-load-state", "loading");
    fragment(url).then(function (f) {
      var level = null;
      if (f && typeof f.html === "string") {
        var holder = document.createElement("div");
        holder.innerHTML = f.html;
        level = holder.querySelector("ul");
        for (var i = 0; level && i < where.length; i++) {
          var li = level.querySelectorAll(":scope > li")[Number(where[i])];
          level = li ? li.querySelector(":scope > ul") : null;
        }
      }
      if (!level) {
        // The fragment is missing or from another build: the link stays the way on.
        details.setAttribute("data-load-state", "failed");
        return;
      }
      details.appendChild(disclose(level));
      details.setAttribute("data-load-state", "loaded");
    });
  }
  if (window.fetch) {
    document.querySelectorAll("[data-toc] li[data-load]").forEach(function (li) {
      var url = li.closest("[data-toc]").getAttribute("data-toc");
      var where = li.getAttribute("data-load").split(".");
      var label = li.querySelector(":scope > a, :scope > span");
      var details = discloseEntry(li, label, null, false);
      details.addEventListener("toggle", function once() {
        if (!details.open) return;
        details.removeEventListener("toggle", once);
        load(details, where, url);
      });
    });
  }

  // Wide screens: the sidebar scrolls on its own; the page's entry is scrolled into its view.
  var sidebar = document.querySelector(".sidebar");
  var here = sidebar && sidebar.querySelector('[aria-current="page"]');
  if (here && sidebar.scrollHeight > sidebar.clientHeight + 1) {
    var top = here.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
    if (top < 0 || top + here.offsetHeight > sidebar.clientHeight) {
      sidebar.scrollTop += top - sidebar.clientHeight / 3;
    }
  }

  // The outline: open as a rail on wide screens (closed above the article on narrow ones), and
  // the section being read marked `aria-current="location"` as the reader scrolls.
  var outline = document.querySelector(".in-this-article");
  if (!outline) return;
  var box = outline.querySelector("details");
  var wide = window.matchMedia ? window.matchMedia("(min-width: 75rem)") : null;
  function fit() { if (box && wide) box.open = wide.matches; }
  fit();
  if (wide && wide.addEventListener) wide.addEventListener("change", fit);
  var links = [], targets = [];
  outline.querySelectorAll('a[href^="#"]').forEach(function (a) {
    var id = a.getAttribute("href").slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* a literal `%` */ }
    var t = document.getElementById(id);
    if (t) { links.push(a); targets.push(t); }
  });
  if (!targets.length) return;
  var current = -1;
  function mark() {
    // The last heading above the top third of the window; at the end of the page, the last
    // heading in view (a short last section never reaches the top third).
    var line = window.innerHeight / 3, at = 0;
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].getBoundingClientRect().top <= line) at = i;
    }
    var root = document.documentElement;
    if (window.innerHeight + window.scrollY >= root.scrollHeight - 2) {
      for (var j = targets.length - 1; j > at; j--) {
        if (targets[j].getBoundingClientRect().top < window.innerHeight) { at = j; break; }
      }
    }
    if (at === current) return;
    if (current >= 0) links[current].removeAttribute("aria-current");
    links[at].setAttribute("aria-current", "location");
    current = at;
  }
  mark();
  if ("IntersectionObserver" in window) {
    // Headings crossing the top third, and the end of the page coming into view.
    var io = new IntersectionObserver(mark, { rootMargin: "0px 0px -66% 0px" });
    targets.forEach(function (t) { io.observe(t); });
    var end = document.querySelector(".site-footer");
    if (end) new IntersectionObserver(mark).observe(end);
  }
})();
