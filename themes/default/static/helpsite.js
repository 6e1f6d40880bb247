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
})();
