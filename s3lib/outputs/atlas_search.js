// The atlas's offline search (s3lib.outputs.atlas): accents and case folded, main names before alternate
// names, exact before prefix; a "did you mean" of the closest names when nothing matches.
(function () {
  var data = window.S3LIB_ATLAS, q = document.getElementById("q"), hits = document.getElementById("hits");
  var TR = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h",
            "ŀ": "l", "ß": "ss"};
  function fold(t) {
    t = String(t).toLowerCase().replace(/[łøæœđðþıħŀß]/g, function (c) { return TR[c]; });
    t = t.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return t.replace(/[\s\-\u2010\u2011\u2013\u2014_\/.,;:'\u2019\u2018`\u00b4()\[\]"]+/g, " ").trim();
  }
  var entries = data.entries.map(function (e) {
    return {label: e[0], keys: e[1].split(";"), code: e[2], rank: e[3], alt: e[4] ? e[4].split(";") : []};
  });
  function starts(k) { return k.lastIndexOf(this, 0) === 0; }
  function find(text) {  // a main name beats an alternate name ("porto" is Porto, not Bordeaux), exact beats prefix
    var key = fold(text), out = [];
    if (!key) return out;
    entries.forEach(function (e) {
      var score = e.keys.indexOf(key) >= 0 ? 0 : e.alt.indexOf(key) >= 0 ? 1 : e.keys.some(starts, key) ? 2 :
                  e.alt.some(starts, key) ? 3 : -1;
      if (score >= 0) out.push({e: e, score: score});
    });
    out.sort(function (a, b) { return a.score - b.score || b.e.rank - a.e.rank || (a.e.label < b.e.label ? -1 : 1); });
    return out.slice(0, 15).map(function (h) { return h.e; });
  }
  function hit(e) {  // one result: a link to the region's page
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = "regions/" + e.code + ".html";
    a.textContent = e.label + " \u2192 " + e.code + " " + data.regions[e.code];
    li.appendChild(a);
    hits.appendChild(li);
  }
  function show() {
    var found = find(q.value);
    hits.innerHTML = "";
    found.forEach(hit);
    if (q.value && !found.length) {
      var close = near(q.value);
      hits.innerHTML = '<li class="muted">no city, region or code found' + (close.length ? '; did you mean:' : '') +
                       '</li>';
      close.forEach(hit);
    }
    return found;
  }
  function distance(a, b) {  // Levenshtein, cut off early: names further than 3 edits are not suggested
    if (Math.abs(a.length - b.length) > 3) return 99;
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }
  function near(text) {  // "did you mean": the closest main names, then the largest places
    var key = fold(text), out = [];
    if (key.length < 3) return out;
    entries.forEach(function (e) {
      var d = Math.min.apply(null, e.keys.map(function (k) { return distance(key, k); }));
      if (d <= Math.max(1, Math.floor(key.length / 4))) out.push({e: e, d: d});
    });
    out.sort(function (a, b) { return a.d - b.d || b.e.rank - a.e.rank; });
    return out.slice(0, 3).map(function (h) { return h.e; });
  }
  q.addEventListener("input", show);
  q.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var found = show();
    if (found.length) window.location.href = "regions/" + found[0].code + ".html";
  });
  if (q.value) show();
})();
