// helpsite search client: reads the locale's index files (`<locale>/_search/`, format in
// docs/search-format.md) and shows results in the header's search box (ARIA 1.2 combobox) and on
// the results page (`<locale>/search/?q=`). Loaded by helpsite.js on first focus of the box.
// Everything shown is built from text nodes: nothing from the index is parsed as HTML.
(function () {
  "use strict";

  // The spec's tokens: dotted digit groups, then single Han/Hiragana/Katakana characters, then
  // runs of letters, marks and digits (other than those characters).
  var CJK = "\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}";
  var TOKEN = "\\p{N}+(?:\\.\\p{N}+)+|[" + CJK + "]|(?:(?![" + CJK + "])[\\p{L}\\p{M}\\p{N}])+";
  var PREFIX_FORMS = 32;
  var PREFIX_WEIGHT = 0.1;
  // Results shown at a time: while typing (each fetches its record file), and a page of the
  // results page.
  var POPUP = 6;
  var SHOWN = 10;

  function norm(s) {
    return s.normalize("NFKC").toLowerCase();
  }
  function words(text) {
    return norm(text).match(new RegExp(TOKEN, "gu")) || [];
  }
  function own(o, k) {
    return Object.prototype.hasOwnProperty.call(o, k);
  }
  // A postings string decoded to [doc, weight, section, ...] (docs/search-format.md, "Chunk
  // file"): varint triples (doc delta, weight, section + 1) of a word's best pages; for a word
  // on more pages then ".", the weight of the others, and the others as "~" and a bitmap (6
  // docs a character) or "!" and doc deltas. Varints are base64url digits, 5 bits a character,
  // lowest first, the 6th bit set when more follow. Damaged input ends the list where it is
  // damaged (as in the Rust lookup).
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function postings(s) {
    var out = [];
    if (typeof s !== "string") return out;
    var at = 0;
    function next() {
      var v = 0, shift = 0;
      while (at < s.length) {
        var c = DIGITS.indexOf(s.charAt(at));
        if (c < 0) return -1;
        at++;
        v += (c & 31) * Math.pow(2, shift);
        if (!(c & 32)) return v;
        shift += 5;
        if (shift > 30) return -1;
      }
      return -1;
    }
    var doc = 0;
    for (;;) {
      var start = at, d = next(), w = d < 0 ? -1 : next(), h = w < 0 ? -1 : next();
      if (h < 0) { at = start; break; }
      doc += d;
      out.push(doc, w, h - 1);
    }
    if (s.charAt(at) !== ".") return out;
    at++;
    var rest = next();
    if (rest < 0) return out;
    var mode = s.charAt(at++);
    if (mode === "~") {
      for (var j = 0; at < s.length; j++, at++) {
        var c = DIGITS.indexOf(s.charAt(at));
        if (c < 0) break;
        for (var i = 0; i < 6; i++) if (c & (1 << i)) out.push(j * 6 + i, rest, -1);
      }
    } else if (mode === "!") {
      for (var dd = 0, x; (x = next()) >= 0;) {
        dd += x;
        out.push(dd, rest, -1);
      }
    }
    return out;
  }
  function starts(s, prefix) {
    return s.lastIndexOf(prefix, 0) === 0;
  }

  // Every file fetched once per page view (the hashed names never change; meta.json is
  // revalidated by the browser on the next page).
  var files = {};
  function get(url) {
    if (!own(files, url)) {
      files[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + ": " + url);
        return r.json();
      });
      files[url].catch(function () { delete files[url]; });
    }
    return files[url];
  }

  // The query (docs/search-format.md, "Query"): every word but the last exact, the last a
  // prefix (its 32 forms with the most postings, from at most 2 chunks); a word on no page falls
  // back to its longest prefix that is a stem; AND; score = sum of idf x weight (a word's best
  // posting per doc); ties by doc id. Resolves to { hits: [{ doc, score, heading }], marks,
  // stems, meta }.
  function search(base, text) {
    var ws = words(text);
    if (!ws.length) return Promise.resolve({ hits: [], marks: Object.create(null), stems: [], meta: null });
    return get(base + "meta.json").then(function (meta) {
      var chunks = Object.create(null);
      function fetchChunks(names) {
        return Promise.all(names.map(function (n) {
          return get(base + n).then(function (c) { chunks[n] = c; });
        }));
      }
      var last = ws.length - 1;
      var first = [];
      ws.forEach(function (w, i) { first = first.concat(chunksFor(meta, w, i === last)); });
      return fetchChunks(first).then(function () {
        var matched = ws.map(function (w, i) { return formsOf(meta, chunks, w, i === last); });
        // Words on no page: the chunks of their candidate stems.
        var more = [];
        ws.forEach(function (w, i) {
          if (!matched[i].length) stemCandidates(w).forEach(function (p) { more = more.concat(chunksFor(meta, p, false)); });
        });
        return fetchChunks(more).then(function () {
          var stems = [];
          ws.forEach(function (w, i) {
            if (matched[i].length) return;
            var cands = stemCandidates(w);
            for (var j = 0; j < cands.length; j++) {
              var m = formsOf(meta, chunks, cands[j], false);
              if (m.some(function (f) { return f.terms.indexOf(cands[j]) >= 0; })) {
                stems.push(cands[j]);
                matched[i] = m;
                break;
              }
            }
          });
          return rank(meta, ws, matched, stems);
        });
      });
    });
  }

  // The chunk files that can hold word `w` (one), or words starting with `w` (at most two).
  function chunksFor(meta, w, prefix) {
    var out = [];
    for (var i = 0; i < meta.chunks.length && out.length < (prefix ? 2 : 1); i++) {
      var c = meta.chunks[i];
      if (prefix ? c[1] >= w && (c[0] <= w || starts(c[0], w)) : c[0] <= w && w <= c[1]) out.push(c[2]);
    }
    return out;
  }

  // The prefixes a word on no page may fall back to, longest first: at least max(3, n/2
  // rounded up) of its n code points, and shorter than the word.
  function stemCandidates(w) {
    var cs = Array.from(w);
    var out = [];
    for (var n = cs.length - 1; n >= Math.max(3, Math.ceil(cs.length / 2)); n--) out.push(cs.slice(0, n).join(""));
    return out;
  }

  // The forms word `w` matches (or, for a prefix, the 32 starting with it that have the most
  // postings; ties in word order), in word order, each with its terms' postings.
  function formsOf(meta, chunks, w, prefix) {
    var seen = Object.create(null);
    var out = [];
    chunksFor(meta, w, prefix).forEach(function (n) {
      var chunk = chunks[n];
      if (!chunk) return;
      for (var f in chunk.forms) {
        if (!own(chunk.forms, f) || seen[f] || !(prefix ? starts(f, w) : f === w)) continue;
        seen[f] = true;
        var t = chunk.forms[f];
        // A term key, several, or 0: the form is its own term.
        var terms = t === 0 ? [f] : typeof t === "string" ? [t] : Array.isArray(t) ? t : [];
        var lists = terms.filter(function (k) { return own(chunk.terms, k); }).map(function (k) { return postings(chunk.terms[k]); });
        var count = lists.reduce(function (a, l) { return a + Math.floor(l.length / 3); }, 0);
        out.push({ form: f, terms: terms, lists: lists, count: count });
      }
    });
    var order = function (a, b) { return a.form < b.form ? -1 : a.form > b.form ? 1 : 0; };
    out.sort(order);
    if (out.length > PREFIX_FORMS) {
      out = out.slice().sort(function (a, b) { return b.count - a.count || order(a, b); }).slice(0, PREFIX_FORMS).sort(order);
    }
    return out;
  }

  function rank(meta, ws, matched, stems) {
    // Per word: doc -> [idf x weight, heading] of its best posting (the first of equals).
    var perWord = matched.map(function (forms, i) {
      var best = new Map();
      // A word typed in full is what the reader means: its completions weigh PREFIX_WEIGHT,
      // unless they share a term with it.
      var whole = [];
      forms.forEach(function (f) { if (f.form === ws[i]) whole = f.terms; });
      forms.forEach(function (f) {
        var factor = !whole.length || f.terms.some(function (t) { return whole.indexOf(t) >= 0; }) ? 1 : PREFIX_WEIGHT;
        // A form's idf counts the pages of all its terms (a word of two languages is one word).
        var df = f.count;
        var idf = Math.log(1 + (meta.docs - df + 0.5) / (df + 0.5)) * factor;
        f.lists.forEach(function (p) {
          for (var j = 0; j + 2 < p.length; j += 3) {
            var doc = p[j];
            var s = idf * p[j + 1];
            var had = best.get(doc);
            if (!had || s > had[0]) best.set(doc, [s, p[j + 2]]);
          }
        });
      });
      return best;
    });
    var smallest = perWord.reduce(function (a, m, i) { return m.size < perWord[a].size ? i : a; }, 0);
    var hits = [];
    perWord[smallest].forEach(function (_, doc) {
      var score = 0, heads = new Map();
      // Summed in word order, as the Rust lookup does (the same floating-point result).
      for (var i = 0; i < perWord.length; i++) {
        var e = perWord[i].get(doc);
        if (!e) return;
        score += e[0];
        heads.set(e[1], (heads.get(e[1]) || 0) + e[0]);
      }
      var heading = -1, top = -Infinity;
      heads.forEach(function (w, h) {
        if (w > top || (w === top && h < heading)) { top = w; heading = h; }
      });
      hits.push({ doc: doc, score: score, heading: heading });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    // Words marked in snippets: the matched forms, and words starting with a stem fallen back to.
    var marks = Object.create(null);
    matched.forEach(function (forms) { forms.forEach(function (f) { marks[f.form] = true; }); });
    stems.forEach(function (s) { delete marks[s]; });
    return { hits: hits, marks: marks, stems: stems, meta: meta };
  }

  function record(base, meta, doc) {
    return get(base + meta.records[Math.floor(doc / meta.k)]).then(function (r) { return r[doc % meta.k]; });
  }

  // A record's section: its text alone when its id is the text's short id, else [id, text].
  function section(s) {
    if (typeof s === "string") {
      var id = shortId(s);
      return id === null ? null : { id: id, text: s };
    }
    if (Array.isArray(s) && typeof s[0] === "string") return { id: s[0], text: String(s[1] || "") };
    return null;
  }
  // What helpsite's heading ids are for ASCII text: trimmed, lower-cased, letters, digits, "_"
  // and "-" kept, white space to "-", the rest dropped; null for other text.
  function shortId(text) {
    if (!/^[\x00-\x7f]*$/.test(text)) return null;
    return text.trim().toLowerCase().replace(/[\t\n\v\f\r ]/g, "-").replace(/[^a-z0-9_-]/g, "");
  }

  // The records of `hits` (in order), each with where its link goes.
  function records(base, result, hits) {
    return Promise.all(hits.map(function (h) {
      return record(base, result.meta, h.doc).then(function (rec) {
        var u = rec && typeof rec.u === "string" ? rec.u : "";
        // The index's URLs are site-absolute paths; anything else is not followed.
        if (u.charAt(0) !== "/" || u.charAt(1) === "/" || u.charAt(1) === "\\") return null;
        var head = section(h.heading >= 0 && Array.isArray(rec.h) ? rec.h[h.heading] : null);
        return { rec: rec, head: head, href: head ? u + "#" + head.id : u };
      });
    })).then(function (rs) { return rs.filter(Boolean); });
  }

  function el(name, cls, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function bdi(text) {
    return el("bdi", null, text);
  }

  // `template` with `{name}` replaced by `values[name]` (a node or text); other text as is.
  function fill(template, values) {
    var frag = document.createDocumentFragment();
    String(template || "").split(/(\{[a-z]+\})/).forEach(function (part) {
      var key = part.slice(1, -1);
      if (/^\{[a-z]+\}$/.test(part) && own(values, key)) {
        var v = values[key];
        frag.appendChild(typeof v === "string" ? document.createTextNode(v) : v);
      } else if (part) {
        frag.appendChild(document.createTextNode(part));
      }
    });
    return frag;
  }
  function fillText(template, values) {
    return fill(template, values).textContent;
  }

  // The snippet with each word whose form is in `marks`, or starts with one of `stems`, inside
  // <mark>.
  function snippet(text, marks, stems) {
    var frag = document.createDocumentFragment();
    var re = new RegExp(TOKEN, "gu");
    var at = 0, m;
    while ((m = re.exec(text))) {
      var n = norm(m[0]);
      if (!marks[n] && !stems.some(function (st) { return starts(n, st); })) continue;
      if (m.index > at) frag.appendChild(document.createTextNode(text.slice(at, m.index)));
      frag.appendChild(el("mark", null, m[0]));
      at = m.index + m[0].length;
    }
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function languageName(code) {
    var lang = String(code).split("-")[0];
    try {
      return new Intl.DisplayNames([document.documentElement.lang], { type: "language" }).of(lang) || code;
    } catch (e) {
      return code;
    }
  }

  // The parts of one result, inside `into`: title, breadcrumb trail (with the heading), snippet,
  // and for a page written in another language, which one. Mixed-direction text is isolated.
  function describe(into, r, result, strings, titleWrap) {
    var rec = r.rec;
    // The title, isolated, with the matched words marked as in the snippet.
    var title = el("bdi");
    title.appendChild(snippet(String(rec.t || rec.u), result.marks, result.stems));
    var holder = titleWrap ? titleWrap(title) : el("span", "search-title");
    if (!titleWrap) holder.appendChild(title);
    into.appendChild(holder);
    var trail = (Array.isArray(rec.b) ? rec.b : []).map(function (c) { return bdi(String(c)); });
    if (r.head && r.head.text) {
      // The section linked to, with the matched words marked.
      var head = el("bdi");
      head.appendChild(snippet(r.head.text, result.marks, result.stems));
      trail.push(head);
    }
    if (trail.length) {
      var crumbs = el("span", "search-crumbs");
      trail.forEach(function (c, i) {
        if (i) crumbs.appendChild(document.createTextNode(" › "));
        crumbs.appendChild(c);
      });
      into.appendChild(crumbs);
    }
    var text = String(rec.d || "");
    if (text) {
      var s = el("span", "search-snippet");
      s.setAttribute("dir", "auto");
      s.appendChild(snippet(text, result.marks, result.stems));
      into.appendChild(s);
    }
    if (rec.l) {
      into.setAttribute("lang", rec.l);
      var note = el("span", "search-lang");
      note.setAttribute("lang", document.documentElement.lang);
      note.appendChild(fill(strings.writtenIn, { language: languageName(rec.l) }));
      into.appendChild(note);
    }
  }

  function stringsOf(node) {
    return {
      loading: node.getAttribute("data-loading"),
      none: node.getAttribute("data-none"),
      count: node.getAttribute("data-count"),
      error: node.getAttribute("data-error"),
      writtenIn: node.getAttribute("data-written-in"),
    };
  }
  function countText(strings, n) {
    var digits = new Intl.NumberFormat(document.documentElement.lang).format(n);
    return fillText(strings.count, { count: digits });
  }

  // The header box: ARIA 1.2 combobox with a listbox popup.
  function combobox(input) {
    var form = input.form;
    var base = form.getAttribute("data-search");
    var strings = stringsOf(input);
    var popup = el("div", "search-popup");
    popup.hidden = true;
    var list = el("ul", "search-options");
    list.id = input.id + "-listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-results") || "");
    var note = el("p", "search-note");
    var all = el("a", "search-all", input.getAttribute("data-all") || "");
    var status = el("p", "visually-hidden");
    status.setAttribute("role", "status");
    popup.appendChild(note);
    popup.appendChild(list);
    popup.appendChild(all);
    form.appendChild(popup);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var options = [], active = -1, timer = 0, asked = 0, shown = null, ready = false;

    function open(on) {
      popup.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) activate(-1);
    }
    function activate(i) {
      if (options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function go(href) {
      open(false);
      location.href = href;
    }
    function show(text, result, rs) {
      list.textContent = "";
      options = rs.map(function (r, i) {
        var li = el("li", "search-option");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-href", r.href);
        describe(li, r, result, strings);
        li.addEventListener("click", function () { go(r.href); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var n = result.hits.length;
      note.textContent = "";
      if (!n) note.appendChild(fill(strings.none, { query: bdi(text) }));
      note.hidden = n > 0;
      list.hidden = n === 0;
      all.href = form.getAttribute("action") + "?q=" + encodeURIComponent(text);
      all.hidden = n === 0;
      status.textContent = n ? countText(strings, n) : fillText(strings.none, { query: text });
      shown = text;
      // Which query the popup shows (for tests and themes' styles).
      popup.setAttribute("data-query", text);
      open(true);
    }
    function fail(text) {
      popup.setAttribute("data-query", text);
      shown = null;
      list.textContent = "";
      options = [];
      list.hidden = true;
      all.hidden = true;
      note.hidden = false;
      note.textContent = strings.error;
      status.textContent = strings.error;
      open(true);
    }
    function run() {
      var text = input.value;
      var mine = ++asked;
      if (!words(text).length) {
        shown = null;
        open(false);
        status.textContent = "";
        return;
      }
      if (!ready) {
        // The first query fetches the index: say so meanwhile.
        note.textContent = strings.loading;
        note.hidden = false;
        list.hidden = true;
        all.hidden = true;
        open(true);
      }
      search(base, text)
        .then(function (result) {
          ready = true;
          return records(base, result, result.hits.slice(0, POPUP)).then(function (rs) {
            if (mine === asked) show(text, result, rs);
          });
        })
        .catch(function () { if (mine === asked) fail(text); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.isComposing) return;
      var expanded = !popup.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!expanded) {
          if (shown === input.value && options.length) {
            open(true);
            activate(e.key === "ArrowDown" ? 0 : options.length - 1);
          } else {
            run();
          }
          return;
        }
        if (!options.length) return;
        var step = e.key === "ArrowDown" ? 1 : -1;
        activate(active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length);
      } else if (e.key === "Enter") {
        if (expanded && options[active]) {
          e.preventDefault();
          go(options[active].getAttribute("data-href"));
        } else if (!words(input.value).length) {
          e.preventDefault();
        }
        // Otherwise the form goes to the results page (`?q=`).
      } else if (e.key === "Escape") {
        if (expanded) {
          e.preventDefault();
          open(false);
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
          shown = null;
          status.textContent = "";
        }
      }
    });
    // A click in the popup keeps the focus in the box; leaving the form closes the popup.
    popup.addEventListener("mousedown", function (e) {
      if (e.target !== all) e.preventDefault();
    });
    form.addEventListener("focusout", function (e) {
      if (!form.contains(e.relatedTarget)) open(false);
    });
    input.addEventListener("focus", function () {
      if (shown !== null && shown === input.value && words(shown).length) open(true);
    });
    if (words(input.value).length) run();
  }

  // The results page: every match, ten at a time.
  function resultsPage(main) {
    var form = main.querySelector(".search-page-form");
    var input = form.querySelector("input");
    var status = main.querySelector(".search-status");
    var ol = main.querySelector(".search-results");
    var more = main.querySelector(".search-more");
    var base = form.getAttribute("data-search");
    var strings = stringsOf(status);
    var text = "";
    try { text = new URLSearchParams(location.search).get("q") || ""; } catch (e) { /* no query */ }
    input.value = text;
    if (!words(text).length) return;
    document.title = text + " | " + document.title;
    status.textContent = strings.loading;
    search(base, text)
      .then(function (result) {
        var next = 0;
        function page() {
          var hits = result.hits.slice(next, next + SHOWN);
          next += hits.length;
          return records(base, result, hits).then(function (rs) {
            var first = null;
            rs.forEach(function (r) {
              var li = el("li", "search-result");
              describe(li, r, result, strings, function (title) {
                var a = el("a", "search-title");
                a.href = r.href;
                a.appendChild(title);
                first = first || a;
                return a;
              });
              ol.appendChild(li);
            });
            ol.hidden = false;
            more.hidden = next >= result.hits.length;
            return first;
          });
        }
        status.textContent = "";
        var n = result.hits.length;
        if (!n) {
          status.appendChild(fill(strings.none, { query: bdi(text) }));
          return;
        }
        status.textContent = countText(strings, n);
        more.addEventListener("click", function () {
          page().then(function (first) { if (first) first.focus(); });
        });
        return page();
      })
      .catch(function () { status.textContent = strings.error; });
  }

  var box = document.getElementById("search-input");
  if (box && box.form && box.form.getAttribute("data-search")) combobox(box);
  var main = document.querySelector("main.search-page");
  if (main) resultsPage(main);
})();
