// Measures slide i of the deck; returns {problems: [...], texts: n}.
// minPx is the smallest font size allowed, in CSS pixels.
(function (i, minPx) {
  var tol = 1.5;
  var problems = [];
  var s = document.querySelectorAll(".slide")[i];
  if (!s) return { problems: ["slide " + (i + 1) + " does not exist"], texts: 0 };
  var r = s.getBoundingClientRect();
  if (getComputedStyle(s).display === "none" || r.width < 10 || r.height < 10) {
    return { problems: ["the slide is not displayed"], texts: 0 };
  }
  function name(el) {
    var t = (el.textContent || "").trim().replace(/\s+/g, " ");
    if (t.length > 40) t = t.slice(0, 40) + "…";
    return "<" + el.tagName.toLowerCase() + (el.getAttribute("class") ? "." + el.getAttribute("class").split(" ")[0] : "") + ">" + (t ? " \"" + t + "\"" : "");
  }
  function hidden(el) {
    for (var e = el; e && e !== s; e = e.parentElement) {
      var cs = getComputedStyle(e);
      if (cs.display === "none" || cs.visibility === "hidden") return true;
    }
    return false;
  }
  var h1 = s.querySelector("h1");
  if (!h1 || !h1.textContent.trim()) problems.push("no title");
  var footer = s.querySelector("footer");
  var fTop = footer ? footer.getBoundingClientRect().top : r.bottom;
  var all = s.querySelectorAll("*");
  for (var k = 0; k < all.length; k++) {
    var el = all[k];
    if (el.closest(".notes") || el.closest("defs") || el.closest("title") || hidden(el)) continue;
    var b = el.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    if (b.left < r.left - tol || b.right > r.right + tol || b.top < r.top - tol || b.bottom > r.bottom + tol) {
      problems.push(name(el) + " overflows the slide");
    } else if (!el.closest("footer") && el !== footer && b.bottom > fTop + tol && b.top < fTop) {
      problems.push(name(el) + " runs into the footer");
    }
  }
  // Type sizes: every visible text node, SVG text scaled to the screen.
  var texts = 0;
  var walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (var n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.nodeValue.trim()) continue;
    var p = n.parentElement;
    if (!p || p.closest(".notes") || p.closest("title") || p.closest("style") || p.closest("script") || hidden(p)) continue;
    texts++;
    var px = parseFloat(getComputedStyle(p).fontSize);
    if (p instanceof SVGElement && p.getScreenCTM) {
      var m = p.getScreenCTM();
      px *= Math.sqrt(m.a * m.a + m.b * m.b);
    }
    if (px < minPx - 0.05) problems.push(name(p) + " is " + px.toFixed(1) + " px, below " + minPx + " px");
  }
  // Charts: a title and both axis labels, non-empty and inside the chart.
  var charts = s.querySelectorAll("svg.chart");
  for (var c = 0; c < charts.length; c++) {
    var cr = charts[c].getBoundingClientRect();
    ["title", "xlabel", "ylabel"].forEach(function (cls) {
      var t = charts[c].querySelector("text." + cls);
      if (!t || !t.textContent.trim()) { problems.push("chart " + (c + 1) + " has no " + cls); return; }
      var tb = t.getBoundingClientRect();
      if (tb.width < 1 || tb.left < cr.left - tol || tb.right > cr.right + tol || tb.top < cr.top - tol || tb.bottom > cr.bottom + tol) {
        problems.push("chart " + (c + 1) + ": its " + cls + " is not visible inside the chart");
      }
    });
  }
  // Chart text must not overlap other chart text.
  for (var c2 = 0; c2 < charts.length; c2++) {
    var ts = charts[c2].querySelectorAll("text");
    var boxes = [];
    for (var q = 0; q < ts.length; q++) boxes.push(ts[q].getBoundingClientRect());
    for (var a = 0; a < ts.length; a++) {
      for (var z = a + 1; z < ts.length; z++) {
        var A = boxes[a], Z = boxes[z];
        var w = Math.min(A.right, Z.right) - Math.max(A.left, Z.left);
        var h = Math.min(A.bottom, Z.bottom) - Math.max(A.top, Z.top);
        if (w > 2 && h > 2) problems.push("chart " + (c2 + 1) + ": " + name(ts[a]) + " overlaps " + name(ts[z]));
      }
    }
  }
  return { problems: problems, texts: texts };
})
