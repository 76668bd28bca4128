"""The route panel of ``atlas.html``: the route graph as compact data and a Dijkstra in the page.

The page routes by itself, offline: :func:`route_graph` embeds exactly the edges of the
network's routing index (corridor pieces, rail <-> sea transfers, open-sea lanes) with their
lengths in metres as written by Python (so the page adds the same doubles in the same order),
each corridor's history as (day ordinal, status) change points, and each edge's line
(simplified like the corridor features, delta-coded integers of 1e-5 degrees). The JavaScript
below is :mod:`corridors.routing.search` and :mod:`corridors.routing.route` again: the same edge
costs, the same binary-heap Dijkstra on (cost, node) pairs scanning each node's edges in edge-id
order, the same leg merging, warnings and no-route messages; ``tests/test_map_routing.py``
compares it with :func:`corridors.routing.route.route` through Chromium.

The URL fragment ``#from=<place>&to=<place>`` with the CLI's flags as keys (``modes``,
``include-proposed``, ``include-closed``, ``in-service``, ``as-of``, ``by``) opens with that route;
the total goes into the ``data-route-km`` attribute (km, 1 decimal; empty when there is none).
Data reaches the page only as JSON (:func:`corridors.maps.controls.js_string`) and the DOM
only through ``textContent``.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from corridors.maps.controls import _js_name, js_string
from corridors.maps.route_graph import route_graph
from corridors.maps.safe_render import HeadStyle
from corridors.network.index import Network

__all__ = ["RoutePanel", "add_route_panel", "route_graph"]

_CSS = """<style>
.corridors-route-finder{background:#fff;padding:6px 8px;font:12px/1.35 sans-serif;
  border:2px solid rgba(0,0,0,0.2);border-radius:4px;background-clip:padding-box;
  width:290px;max-height:max(200px,calc(100vh - 440px));overflow:auto;}
.corridors-route-finder summary{font-weight:bold;cursor:pointer;}
.corridors-route-form{display:grid;grid-template-columns:1fr 1fr;gap:3px 6px;margin-top:3px;}
.corridors-route-form label{display:block;color:#444;}
.corridors-route-form .wide{grid-column:1 / 3;}
.corridors-route-form input,.corridors-route-form select,.corridors-route-form button{
  width:100%;box-sizing:border-box;font:12px sans-serif;}
.corridors-route-field{position:relative;}
.corridors-route-suggest{position:absolute;z-index:1000;left:0;right:0;background:#fff;
  border:1px solid #999;max-height:160px;overflow:auto;}
.corridors-route-suggest button{display:block;width:100%;text-align:left;border:0;
  background:#fff;padding:2px 4px;font:12px sans-serif;cursor:pointer;}
.corridors-route-suggest button:hover,.corridors-route-suggest button.active{
  background:#e8eef4;}
.corridors-route-alias{color:#666;}
.corridors-route-go,.corridors-route-clear{margin-top:3px;}
.corridors-route-total{font-weight:bold;margin-top:5px;}
.corridors-route-legs{border-collapse:collapse;margin-top:3px;width:100%;}
.corridors-route-legs td,.corridors-route-legs th{padding:1px 3px;vertical-align:top;
  text-align:left;border-top:1px solid #eee;}
.corridors-route-legs td.num{text-align:right;white-space:nowrap;}
.corridors-route-legs .how{color:#555;}
.corridors-route-warnings{margin:4px 0 0 0;padding-left:16px;color:#7b241c;}
.corridors-route-message{margin-top:5px;color:#7b241c;}
</style>"""

# Kept as one string (no Jinja syntax inside): the router, the panel and the fragment handling.
_JS = r"""
(function () {
  var G = JSON.parse(document.getElementById(__GRAPH_ID__).textContent);
  var map = __MAP__;
  var S = __SHARED__;  // the atlas's tables (maps/atlas_layers.py), or null
  var MODES = G.modes, TRANSFER = MODES.indexOf("transfer");
  var sharedLine = null, nodePlace, nodeMode, placeNodes, adj, labels, ready = false;
  function norm(text) {  // as corridors.atlas.scripts.fold: case, Latin accents, scripts
    var t = String(text).normalize("NFKC").toLowerCase().normalize("NFD")
      .replace(/([a-z])[\u0300-\u036f]+/g, "$1").normalize("NFC").replace(/\u0451/g, "\u0435")
      .replace(/['\u2018\u2019\u02bc\u02bb\u02b9`\u00b4]/g, "")
      .replace(/[\s_\-\u2010-\u2015\u2212]+/g, " ").trim();
    return /[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]/.test(t) ? t.replace(/ /g, "") : t;
  }
  // The graph is made ready the first time a route or a place is looked for, not on load.
  function init() {
    if (ready) { return; }
    ready = true;
    if (S) {
      G.places = S.data.places.map(function (p, k) {
        var hint = G.hints[String(k)];
        // aliases, then native names (maps/atlas_data.py: p[10])
        return [p[0], p[1], (p[7] || []).concat(p[10] || []), hint === undefined ? null : hint];
      });
      G.u = S.ints(G.u, true);
      G.v = S.ints(G.v, false).map(function (d, e) { return G.u[e] + d; });
      G.c = S.ints(G.c, true);
      G.nodes = S.ints(G.nodes, true);
      G.m = S.ints(G.m, false);
      G.s = S.ints(G.s, false);
      G.corridors = S.data.corridors.map(function (c, k) {
        var own = G.timed[String(k)];  // [status, events] of a corridor with a history
        return own ? [c[0], c[1], own[0], own[1]] : [c[0], c[1], c[3], []];
      });
      // a corridor edge's line: the next slice of its corridor's line
      var at = {}, slices = G.geom.map(function (g, e) {
        if (typeof g !== "number") { return g; }
        var c = G.c[e], from = at[c] || 0;
        at[c] = from + g - 1;
        return [c, from, from + g];
      });
      sharedLine = function (e) {
        var g = slices[e];
        return typeof g === "string" ? S.decode(g) : S.line(g[0]).slice(g[1], g[2]);
      };
    }
    nodePlace = G.nodes.map(function (k) { return k >> 3; });
    nodeMode = G.nodes.map(function (k) { return k & 7; });
    placeNodes = G.places.map(function () { return []; });
    nodePlace.forEach(function (p, n) { placeNodes[p].push(n); });
    // Adjacency: each node's edges in edge-id order, a self-loop once (as the Python index).
    adj = G.nodes.map(function () { return []; });
    G.u.forEach(function (u, e) {
      var v = G.v[e];
      adj[u].push([v, e]);
      if (v !== u) { adj[v].push([u, e]); }
    });
    labels = {};
    G.places.forEach(function (p, k) {
      [p[0], p[1]].concat(p[2]).forEach(function (t) {
        var key = norm(t);
        if (!Object.prototype.hasOwnProperty.call(labels, key)) { labels[key] = k; }
      });
    });
  }
  function placeName(k) { return G.places[k][1]; }

  // --- options (corridors.routing.options.make_options) ---
  function dayOrdinal(text) {
    var m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(String(text).trim());
    if (!m) { return null; }
    var y = +m[1], mo = +m[2], d = +m[3];
    var date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d);
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d ||
        y < 1) { return null; }
    return Math.round(date.getTime() / 86400000) + 719163;
  }
  function today() {
    var t = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate());
  }
  function fail(message) { var e = new Error(message); e.usage = true; throw e; }
  function makeOptions(q) {
    var modes = q.modes && q.modes.length ? q.modes.filter(function (m, i) {
      return q.modes.indexOf(m) === i;
    }) : G.freight.slice();
    modes.forEach(function (m) {
      if (MODES.indexOf(m) < 0 || m === "transfer") {
        fail("unknown mode '" + m + "' in --modes; use one or more of " +
             MODES.slice(0, TRANSFER).join(", "));
      }
    });
    var solo = modes.filter(function (m) { return G.solo.indexOf(m) >= 0; });
    if (solo.length && modes.length > 1) {
      fail("freight routes never run along power lines, pipelines or roads: give --modes " +
           "rail,sea, or one other mode alone (power, pipeline or road)");
    }
    var by = q.by || "distance";
    if (by !== "distance" && by !== "time") {
      fail("--by must be 'distance' or 'time', not '" + by + "'");
    }
    if (by === "time" && solo.length) {
      fail("--by time applies to freight (rail, sea); route power, pipeline and road by distance");
    }
    if (q.inService && (q.includeProposed || q.includeClosed)) {
      fail("--in-service refuses every corridor not in service, which " +
           (q.includeProposed ? "--include-proposed" : "--include-closed") +
           " would add: give one of them");
    }
    var asOf = q.asOf || today();
    var day = dayOrdinal(asOf);
    if (day === null) {
      var shown = asOf.length <= 40 ? asOf : asOf.slice(0, 40) + "...";
      fail("--as-of '" + shown + "' is not a real day: write YYYY-MM-DD, e.g. 2015-05-01");
    }
    var wanted = (q.inService ? G.in_service : G.in_service.concat(["suspended"])).slice();
    if (q.includeProposed) { wanted = wanted.concat(G.planned); }
    if (q.includeClosed) { wanted.push("closed"); }
    var statuses = G.statuses.filter(function (s) { return wanted.indexOf(s) >= 0; });
    var freight = modes.every(function (m) { return G.freight.indexOf(m) >= 0; });
    return {
      modes: modes, statuses: statuses, by: by, asOf: asOf, day: day, freight: freight,
      transfers: freight && G.freight.every(function (m) { return modes.indexOf(m) >= 0; }),
      inService: !!q.inService, includeProposed: !!q.includeProposed,
      includeClosed: !!q.includeClosed
    };
  }

  // --- status in time (corridors.atlas.timeline) ---
  function eventOn(c, day) {
    var events = G.corridors[c][3], found = null;
    for (var i = 0; i < events.length && events[i][0] <= day; i += 1) { found = events[i]; }
    return found;
  }
  function isBuilt(status, built) { return G.built.indexOf(status) >= 0 && built !== false; }

  // --- the search (corridors.routing.search) ---
  function edgeCosts(o) {
    var transfer = !o.transfers ? Infinity : (o.by === "time" ? G.transfer_hours : 0.0);
    var allowed = G.statuses.map(function (s) { return o.statuses.indexOf(s) >= 0; });
    var usable = G.corridors.map(function (c, k) {
      if (!c[3].length) { return null; }
      var ev = eventOn(k, o.day);
      return ev !== null && allowed[ev[1]];
    });
    var modeOk = MODES.map(function (m) { return o.modes.indexOf(m) >= 0; });
    var costs = new Array(G.u.length);
    for (var e = 0; e < G.u.length; e += 1) {
      var mode = G.m[e];
      if (mode === TRANSFER) { costs[e] = transfer; continue; }
      var ok = G.c[e] >= 0 ? usable[G.c[e]] : null;
      if (modeOk[mode] && (ok === null ? allowed[G.s[e]] : ok)) {
        var km = G.len[e] / 1000.0;
        costs[e] = o.by === "time" ? km / G.speeds[MODES[mode]] : km;
      } else {
        costs[e] = Infinity;
      }
    }
    return costs;
  }
  function less(a, b) { return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]); }
  function push(heap, item) {
    heap.push(item);
    var i = heap.length - 1;
    while (i > 0) {
      var up = (i - 1) >> 1;
      if (!less(heap[i], heap[up])) { break; }
      var t = heap[i]; heap[i] = heap[up]; heap[up] = t; i = up;
    }
  }
  function pop(heap) {
    var top = heap[0], last = heap.pop();
    if (heap.length) {
      heap[0] = last;
      var i = 0, n = heap.length;
      for (;;) {
        var l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && less(heap[l], heap[m])) { m = l; }
        if (r < n && less(heap[r], heap[m])) { m = r; }
        if (m === i) { break; }
        var t = heap[i]; heap[i] = heap[m]; heap[m] = t; i = m;
      }
    }
    return top;
  }
  function nodesOf(place, modes) {
    return placeNodes[place].filter(function (n) {
      return modes.indexOf(MODES[nodeMode[n]]) >= 0;
    });
  }
  function shortestPath(start, end, o) {
    var sources = nodesOf(start, o.modes), targets = nodesOf(end, o.modes);
    if (!sources.length || !targets.length) { return null; }
    var costs = edgeCosts(o), best = {}, done = {}, cameBy = {}, heap = [];
    sources.forEach(function (s) { best[s] = 0.0; push(heap, [0.0, s]); });
    while (heap.length) {
      var top = pop(heap), cost = top[0], node = top[1];
      if (Object.prototype.hasOwnProperty.call(done, node)) { continue; }
      done[node] = cost;
      if (targets.indexOf(node) >= 0) {
        var path = [], at = node;
        while (Object.prototype.hasOwnProperty.call(cameBy, at)) {
          path.push(cameBy[at][1]); at = cameBy[at][0];
        }
        return [cost, path.reverse()];
      }
      adj[node].forEach(function (pair) {
        var candidate = cost + costs[pair[1]];
        var known = Object.prototype.hasOwnProperty.call(best, pair[0]) ? best[pair[0]] : Infinity;
        if (candidate < known) {
          best[pair[0]] = candidate;
          cameBy[pair[0]] = [node, pair[1]];
          push(heap, [candidate, pair[0]]);
        }
      });
    }
    return null;
  }

  // --- legs, warnings, messages (corridors.routing.route) ---
  function edgeLine(e) {
    if (sharedLine) { return sharedLine(e); }
    var code = G.geom[e], out = [], x = 0, y = 0;
    for (var i = 0; i < code.length; i += 2) {
      x += code[i]; y += code[i + 1];
      out.push([y / 1e5, x / 1e5]);
    }
    return out;
  }
  function legState(e, o) {
    var c = G.c[e], ev = c >= 0 ? (G.corridors[c][3].length ? eventOn(c, o.day) : undefined) :
      null;
    if (ev === undefined) {  // a corridor without history: its status on every day
      var s0 = G.statuses[G.corridors[c][2]];
      return {status: s0, built: isBuilt(s0), inService: G.in_service.indexOf(s0) >= 0,
              since: null};
    }
    if (ev === null) {  // a synthetic edge: its own status
      var s1 = G.statuses[G.s[e]];
      return {status: s1, built: isBuilt(s1), inService: G.in_service.indexOf(s1) >= 0,
              since: null};
    }
    var s2 = G.statuses[ev[1]];
    return {status: s2, built: isBuilt(s2, ev[2]), inService: G.in_service.indexOf(s2) >= 0,
            since: ev[3]};
  }
  function assemble(start, end, edges, o) {
    var legs = [], transfers = [], place = start, totalKm = 0.0, totalHours = 0.0;
    edges.forEach(function (e) {
      var mode = MODES[G.m[e]];
      var here = nodePlace[G.u[e]], there = nodePlace[G.v[e]];
      var following = place === here ? there : here;
      if (G.m[e] === TRANSFER) {
        transfers.push(place);
        totalHours += G.transfer_hours;
        return;
      }
      var km = G.len[e] / 1000.0;
      var hours = o.freight ? km / G.speeds[mode] : null;
      totalKm += km;
      totalHours += hours || 0.0;
      var openSea = G.c[e] < 0;
      var corridor = openSea ? G.open_sea : G.corridors[G.c[e]][0];
      var line = edgeLine(e);
      if (place !== here) { line.reverse(); }
      var last = legs[legs.length - 1];
      if (last && !openSea && last.corridor === corridor && last.end === place) {
        legs.pop();
        km += last.km;
        hours = hours === null ? null : hours + (last.hours || 0.0);
        line = last.line.concat(line.slice(1));
        place = last.start;
      }
      var st = legState(e, o);
      legs.push({start: place, end: following, mode: mode, corridor: corridor,
                 c: G.c[e], status: st.status, km: km, hours: hours, line: line,
                 built: st.built, inService: st.inService, since: st.since, openSea: openSea});
      place = following;
    });
    var warnings = [];
    legs.forEach(function (leg) {
      if (!leg.inService) {
        warnings.push(legLabel(leg) + ", not in service on " + o.asOf + " (leg " +
                      placeName(leg.start) + " \u2192 " + placeName(leg.end) + ")");
      }
    });
    for (var i = 0; i + 1 < legs.length; i += 1) {
      var a = legs[i], b = legs[i + 1];
      if (a.mode === "sea" && b.mode === "sea" && (a.openSea || b.openSea)) {
        warnings.push("two voyages: the cargo changes ship at " + placeName(a.end) + " (" +
                      placeName(a.start) + " \u2192 " + placeName(a.end) + " \u2192 " +
                      placeName(b.end) + "), a port call no named service makes");
      }
    }
    return {origin: start, destination: end, legs: legs, transfers: transfers,
            km: totalKm, hours: o.freight ? totalHours : null, warnings: warnings};
  }
  function legLabel(leg) {
    var name = leg.c >= 0 ? G.corridors[leg.c][1] : (leg.corridor || leg.mode);
    var label = name + " is " + leg.status.replace(/_/g, " ");
    label += leg.since ? " since " + leg.since : "";
    return label + (leg.built || leg.status !== "closed" ? "" : " (the line is gone)");
  }
  function relaxed(q, extra) {
    var r = {modes: q.modes, by: q.by, asOf: q.asOf, inService: false,
             includeProposed: q.includeProposed, includeClosed: q.includeClosed};
    Object.keys(extra || {}).forEach(function (k) { r[k] = extra[k]; });
    return makeOptions(r);
  }
  function noRouteMessage(start, end, o) {
    var hint = G.places[start][3] || G.places[end][3];
    if (hint) { return hint; }
    var message = "no route from " + placeName(start) + " to " + placeName(end) + " on " +
      o.asOf + " over " + o.modes.join("/") + " corridors with status " + o.statuses.join("/");
    if (o.inService) {
      var r = relaxed(o), found = shortestPath(start, end, r);
      if (found) {
        var idle = assemble(start, end, found[1], r).legs.filter(function (l) {
          return !l.inService;
        });
        return message + ": the route needs legs not in service that day (" +
          idle.map(legLabel).join("; ") + "); drop --in-service to use them (they are " +
          "then marked and warned about)";
      }
      return message;
    }
    var missing = [["include-proposed", "includeProposed"], ["include-closed", "includeClosed"]]
      .filter(function (f) { return !o[f[1]]; });
    var tries = missing.map(function (f) { return [f]; });
    if (missing.length > 1) { tries.push(missing); }
    for (var i = 0; i < tries.length; i += 1) {
      var extra = {};
      tries[i].forEach(function (f) { extra[f[1]] = true; });
      if (shortestPath(start, end, relaxed(o, extra))) {
        return message + "; one exists that day: set " +
          tries[i].map(function (f) { return "--" + f[0]; }).join(" and ");
      }
    }
    return message;
  }
  function resolve(text) {
    var k = labels[norm(text)];
    if (k === undefined) { fail("unknown place '" + text + "'"); }
    return k;
  }
  function findRoute(q) {
    init();
    var o = makeOptions(q);
    if (!q.from || !q.to) { fail("give a place to route from and a place to route to"); }
    var start = resolve(q.from), end = resolve(q.to);
    if (start === end) {
      fail("'" + q.from + "' and '" + q.to + "' are the same place (" + G.places[start][0] + ")");
    }
    var found = shortestPath(start, end, o);
    if (!found) { return {error: noRouteMessage(start, end, o), options: o}; }
    var r = assemble(start, end, found[1], o);
    r.options = o;
    return r;
  }

  // --- the fragment: #from=..&to=..&modes=rail,sea&include-proposed=1&as-of=... ---
  function parseHash(hash) {
    var q = {};
    String(hash).replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) { return; }
      var at = part.indexOf("=");
      var key = decodeURIComponent(at < 0 ? part : part.slice(0, at));
      var value = at < 0 ? "1" : decodeURIComponent(part.slice(at + 1).replace(/\+/g, " "));
      q[key] = value;
    });
    function flag(v) { return v !== undefined && v !== "" && v !== "0" && v !== "false"; }
    return {
      from: q.from, to: q.to, by: q.by, asOf: q["as-of"],
      modes: q.modes ? q.modes.split(",").map(function (m) { return m.trim(); }) : null,
      includeProposed: flag(q["include-proposed"]), includeClosed: flag(q["include-closed"]),
      inService: flag(q["in-service"])
    };
  }
  function makeHash(q) {
    var parts = ["from=" + encodeURIComponent(q.from), "to=" + encodeURIComponent(q.to)];
    if (q.modes) { parts.push("modes=" + q.modes.join(",")); }
    if (q.inService) { parts.push("in-service=1"); }
    if (q.includeProposed) { parts.push("include-proposed=1"); }
    if (q.includeClosed) { parts.push("include-closed=1"); }
    if (q.asOf) { parts.push("as-of=" + encodeURIComponent(q.asOf)); }
    if (q.by && q.by !== "distance") { parts.push("by=" + q.by); }
    return "#" + parts.join("&");
  }

  // --- the panel ---
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fmt(x, digits) {
    return x.toLocaleString("en-US", {minimumFractionDigits: digits,
                                      maximumFractionDigits: digits});
  }
  var ui = {}, drawn = L.layerGroup().addTo(map);
  function placeField(box, title, cls) {
    var field = el("div", "corridors-route-field wide");
    var label = el("label", null, title);
    var input = el("input", cls);
    input.type = "text"; input.autocomplete = "off"; input.spellcheck = false;
    input.setAttribute("aria-label", title);
    var list = el("div", "corridors-route-suggest");
    list.hidden = true;
    label.appendChild(input);
    field.appendChild(label);
    field.appendChild(list);
    box.appendChild(field);
    function choose(k) {
      input.value = placeName(k);
      input.setAttribute("data-place-id", G.places[k][0]);
      list.hidden = true;
    }
    function suggest() {
      init();
      var text = norm(input.value);
      input.removeAttribute("data-place-id");
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!text) { list.hidden = true; return; }
      var found = [];
      G.places.forEach(function (p, k) {
        var rank = null, via = null;
        [p[1], p[0]].concat(p[2]).forEach(function (t, i) {
          var n = norm(t), at = n.indexOf(text);
          if (at < 0) { return; }
          var r = (n === text ? 0 : at === 0 ? 1 : 2) * 3 + Math.min(i, 2);
          if (rank === null || r < rank) { rank = r; via = i >= 2 ? t : null; }
        });
        if (rank !== null) { found.push([rank, p[1], k, via]); }
      });
      found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1]); });
      found.slice(0, 8).forEach(function (f) {
        var b = el("button", "corridors-route-option", placeName(f[2]));
        b.type = "button";
        b.setAttribute("data-place-id", G.places[f[2]][0]);
        b.setAttribute("data-place", String(f[2]));
        if (f[3] !== null && norm(f[3]) !== norm(placeName(f[2]))) {
          b.appendChild(el("span", "corridors-route-alias", " (" + f[3] + ")"));
        }
        b.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        b.addEventListener("click", function () { choose(f[2]); });
        list.appendChild(b);
      });
      list.hidden = !found.length;
    }
    input.addEventListener("input", suggest);
    input.addEventListener("blur", function () { list.hidden = true; });
    input.addEventListener("keydown", function (ev) {
      var items = list.hidden ? [] : Array.prototype.slice.call(list.children);
      var at = items.findIndex(function (b) { return b.classList.contains("active"); });
      if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && items.length) {
        ev.preventDefault();
        if (at >= 0) { items[at].classList.remove("active"); }
        at = (at + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items[at].classList.add("active");
        items[at].scrollIntoView({block: "nearest"});
      } else if (ev.key === "Enter" && items.length) {
        ev.preventDefault();
        choose(parseInt(items[Math.max(at, 0)].getAttribute("data-place"), 10));
      } else if (ev.key === "Escape") { list.hidden = true; }
    });
    return {input: input, choose: choose};
  }
  function select(box, title, cls, options) {
    var label = el("label", null, title), s = el("select", cls);
    s.setAttribute("aria-label", title);
    options.forEach(function (o) {
      var opt = el("option", null, o[1]);
      opt.value = o[0];
      s.appendChild(opt);
    });
    label.appendChild(s);
    box.appendChild(label);
    return s;
  }
  var STATUS_CHOICES = [
    ["in-service", "In service only"], ["default", "+ suspended (default)"],
    ["proposed", "+ proposed"], ["closed", "+ closed"], ["proposed,closed", "+ proposed and closed"]
  ];
  function placeText(field) {
    return field.input.getAttribute("data-place-id") || field.input.value;
  }
  function formQuery() {
    var status = ui.statuses.value;
    return {
      from: placeText(ui.from), to: placeText(ui.to),
      modes: ui.modes.value === "rail,sea" ? null : ui.modes.value.split(","),
      inService: status === "in-service",
      includeProposed: status.indexOf("proposed") >= 0,
      includeClosed: status.indexOf("closed") >= 0,
      asOf: ui.asOf.value && ui.asOf.value !== today() ? ui.asOf.value : null,
      by: ui.by.value
    };
  }
  function fillForm(q) {
    init();
    [[ui.from, q.from], [ui.to, q.to]].forEach(function (pair) {
      var k = pair[1] === undefined ? undefined : labels[norm(pair[1])];
      if (k !== undefined) { pair[0].choose(k); } else { pair[0].input.value = pair[1] || ""; }
    });
    ui.modes.value = q.modes ? q.modes.join(",") : "rail,sea";
    if (ui.modes.selectedIndex < 0) { ui.modes.value = "rail,sea"; }
    ui.statuses.value = q.inService ? "in-service" : q.includeProposed && q.includeClosed ?
      "proposed,closed" : q.includeProposed ? "proposed" : q.includeClosed ? "closed" :
      "default";
    ui.asOf.value = q.asOf && dayOrdinal(q.asOf) !== null ? q.asOf : today();
    ui.by.value = q.by === "time" ? "time" : "distance";
  }
  function show(q, key) {
    var out = ui.result;
    while (out.firstChild) { out.removeChild(out.firstChild); }
    drawn.clearLayers();
    var r;
    try {
      r = findRoute(q);
    } catch (err) {
      if (!err.usage) { throw err; }
      r = {error: err.message};
    }
    out.setAttribute("data-route-for", key);
    if (r.error) {
      out.setAttribute("data-route-km", "");
      out.appendChild(el("div", "corridors-route-message", r.error));
      return;
    }
    out.setAttribute("data-route-km", r.km.toFixed(1));
    out.setAttribute("data-route-km-exact", String(r.km));
    out.setAttribute("data-route-hours", r.hours === null ? "" : String(r.hours));
    out.appendChild(el("div", "corridors-route-title",
                       placeName(r.origin) + " \u2192 " + placeName(r.destination) +
                       " on " + r.options.asOf));
    var total = fmt(r.km, 1) + " km \u00b7 " + fmt(r.km / 1.852, 1) + " nmi";
    if (r.hours !== null) { total += " \u00b7 " + fmt(r.hours, 1) + " h"; }
    out.appendChild(el("div", "corridors-route-total", total));
    var table = el("table", "corridors-route-legs"), head = el("tr");
    ["#", "Leg", "Along", "km"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    var bounds = [];
    r.legs.forEach(function (leg, i) {
      var tr = el("tr", "corridors-route-leg");
      var name = leg.c >= 0 ? G.corridors[leg.c][1] : leg.corridor;
      tr.setAttribute("data-from", G.places[leg.start][0]);
      tr.setAttribute("data-to", G.places[leg.end][0]);
      tr.setAttribute("data-corridor", leg.corridor);
      tr.setAttribute("data-status", leg.status);
      tr.appendChild(el("td", "num", String(i + 1)));
      tr.appendChild(el("td", null, placeName(leg.start) + " \u2192 " + placeName(leg.end)));
      var along = el("td", null, name);
      along.appendChild(el("div", "how", (G.mode_labels[leg.mode] || leg.mode) + " \u00b7 " +
        (G.status_labels[leg.status] || leg.status) + (leg.inService ? "" : " (not in service)")));
      tr.appendChild(along);
      tr.appendChild(el("td", "num", fmt(leg.km, 1)));
      table.appendChild(tr);
      var style = {color: G.mode_colors[leg.mode] || "#000", weight: 5, opacity: 1,
                   pane: G.pane, className: "corridors-route-found",
                   dashArray: leg.inService ? null : "10 8"};
      var line = L.polyline(leg.line, style);
      line.bindTooltip(el("span", null, (i + 1) + ". " + name + ": " + fmt(leg.km, 1) + " km"),
                       {sticky: true});
      // A dark edge and a white band under the mode colour: unlike any corridor line.
      drawn.addLayer(L.polyline(leg.line, {color: "#000", weight: 12, opacity: 0.45,
                                           pane: G.pane, interactive: false}));
      drawn.addLayer(L.polyline(leg.line, {color: "#fff", weight: 9, opacity: 0.95,
                                           pane: G.pane, interactive: false}));
      drawn.addLayer(line);
      bounds = bounds.concat(leg.line);
    });
    out.appendChild(table);
    if (r.transfers.length) {
      out.appendChild(el("div", "corridors-route-transfers", "Transfers (rail \u2194 sea): " +
                         r.transfers.map(placeName).join(", ")));
    }
    if (r.warnings.length) {
      var list = el("ul", "corridors-route-warnings");
      r.warnings.forEach(function (w) { list.appendChild(el("li", null, w)); });
      out.appendChild(list);
    }
    if (bounds.length && ui.fit) { map.fitBounds(bounds, {padding: [30, 30], animate: false}); }
  }
  function fromHash() {
    var hash = window.location.hash;
    if (!/(^#|&)from=/.test(hash)) { return; }
    var q = parseHash(hash);
    fillForm(q);
    show(q, hash);
  }
  var ctl = L.control({position: "topleft"});
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-route-finder");
    var details = el("details");
    details.open = true;
    details.appendChild(el("summary", null, "Route"));
    var form = el("form", "corridors-route-form");
    form.setAttribute("novalidate", "");
    ui.from = placeField(form, "From", "corridors-route-from");
    ui.to = placeField(form, "To", "corridors-route-to");
    ui.modes = select(form, "Modes", "corridors-route-modes", [
      ["rail,sea", "Rail and sea"], ["rail", "Rail"], ["sea", "Sea"], ["power", "Power alone"],
      ["pipeline", "Pipeline alone"], ["road", "Road alone"]]);
    ui.statuses = select(form, "Statuses", "corridors-route-statuses", STATUS_CHOICES);
    ui.statuses.value = "default";
    var dateLabel = el("label", null, "As of");
    ui.asOf = el("input", "corridors-route-as-of");
    ui.asOf.type = "date";
    ui.asOf.value = today();
    dateLabel.appendChild(ui.asOf);
    form.appendChild(dateLabel);
    ui.by = select(form, "Shortest by", "corridors-route-by",
                   [["distance", "Distance"], ["time", "Time"]]);
    var go = el("button", "corridors-route-go", "Find route");
    go.type = "submit";
    form.appendChild(go);
    var clear = el("button", "corridors-route-clear", "Clear");
    clear.type = "button";
    clear.addEventListener("click", function () {
      drawn.clearLayers();
      while (ui.result.firstChild) { ui.result.removeChild(ui.result.firstChild); }
      ["data-route-for", "data-route-km", "data-route-km-exact", "data-route-hours"].forEach(
        function (a) { ui.result.removeAttribute(a); });
      if (window.location.hash) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
    });
    form.appendChild(clear);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = formQuery(), hash = makeHash(q);
      ui.fit = true;
      if (window.location.hash === hash) { show(q, hash); } else { window.location.hash = hash; }
    });
    details.appendChild(form);
    ui.result = el("div", "corridors-route-result");
    ui.result.setAttribute("aria-live", "polite");
    details.appendChild(ui.result);
    div.appendChild(details);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
  window.addEventListener("hashchange", fromHash);
  // The atlas's month control moves the as-of date to the end of the month shown (today in
  // the build month) and routes again on that date if a route is shown.
  map.on("corridorsmonth", function (e) {
    var m = /^([0-9]{4})-([0-9]{2})$/.exec(e.name);
    var day = today();
    if (e.month !== null && m) {
      var last = new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate();
      day = m[1] + "-" + m[2] + "-" + (last < 10 ? "0" : "") + last;
    }
    if (ui.asOf.value === day) { return; }
    ui.asOf.value = day;
    if (ui.result.hasAttribute("data-route-for")) {
      var q = formQuery(), hash = makeHash(q);
      ui.fit = false;
      if (window.location.hash === hash) { show(q, hash); } else { window.location.hash = hash; }
    }
  });
  ui.fit = true;
  fromHash();
})();
"""


class RoutePanel(MacroElement):
    """The route panel and its router; the graph enters as one JSON block
    (``<script type="application/json">``) that the script parses."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}">{{ this.graph_js }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.script_js(this._parent.get_name()) }}
{% endmacro %}
"""
    )

    def __init__(self, graph: dict[str, Any], data: Element | None = None) -> None:
        super().__init__()
        self._name = "RoutePanel"
        self.graph_js = js_string(graph)
        self.data = data

    def script_js(self, map_name: str) -> str:
        """The panel's script for the map ``map_name`` (a JS variable), the graph inlined."""
        if not map_name.isidentifier():
            raise ValueError(f"not a JS variable name: {map_name!r}")
        shared = "null" if self.data is None else _js_name(self.data)
        return (
            _JS.replace("__MAP__", map_name)
            .replace("__SHARED__", shared)
            .replace("__GRAPH_ID__", js_string(self.get_name()))
        )


def add_route_panel(m: folium.Map, network: Network, *, data: Element | None = None) -> RoutePanel:
    """Add the route panel (From, To, modes, statuses, date, by) and its router to ``m``.

    Parameters
    ----------
    m : folium.Map
        The atlas map (made by :func:`corridors.maps.base.new_map`: it has the route pane).
    network : Network
        The network whose route graph the page embeds.
    data : corridors.maps.atlas_layers.AtlasData, optional
        The page's atlas tables: the panel reads places, corridor names and lines there
        (``route_graph(..., shared=True)``).

    Returns
    -------
    RoutePanel
        The control, already added to ``m``.
    """
    m.add_child(HeadStyle(_CSS, name="CorridorsRouteCss", key="corridors_route_css"))
    panel = RoutePanel(route_graph(network, shared=data is not None), data)
    m.add_child(panel)
    return panel
