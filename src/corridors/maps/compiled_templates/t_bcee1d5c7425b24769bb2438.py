from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_script = missing
    pass
    yield '\n'
    def macro(l_1_this, l_1_kwargs):
        t_1 = []
        if l_1_this is missing:
            l_1_this = undefined("parameter 'this' was not provided", name='this')
        if l_1_kwargs is missing:
            l_1_kwargs = undefined("parameter 'kwargs' was not provided", name='kwargs')
        pass
        t_1.extend((
            '\n(function () {\n  var map = ',
            str(context.call(environment.getattr(environment.getattr(l_1_this, '_parent'), 'get_name'))),
            ';\n  var spec = ',
            str(environment.getattr(l_1_this, 'spec_js')),
            ';\n  var markers = ',
            str(context.call(environment.getattr(l_1_this, 'layer_var'))),
            ';  // place labels show while this layer is on the map\n  var shared = ',
            str(context.call(environment.getattr(l_1_this, 'data_var'))),
            ';  // the atlas\'s place table, if the map has one\n  if (shared) { spec.places = shared.labelPlaces(spec.from_data); }\n  var pane = map.getPane(spec.pane) || map.createPane(spec.pane);\n  pane.style.zIndex = "460";\n  pane.style.pointerEvents = "none";\n  pane.classList.add("corridors-labels");\n  var labels = [];\n  // A label\'s element is made the first time it may show (its zoom, in view): a map of\n  // thousands of places makes only the few it shows.\n  function add(item, cls) {\n    labels.push({item: item, el: null, cls: cls, local: null, w: 0, ws: 0, h: 0,\n                 latlng: L.latLng(item.lat, item.lon)});\n  }\n  function make(l) {\n    var div = document.createElement("div");\n    div.className = "corridors-label " + l.cls;\n    div.textContent = l.item.text;\n    div.style.visibility = "hidden";\n    if (l.item.id !== undefined) { div.setAttribute("data-place", l.item.id); }\n    if (l.item.local) {  // the local-script name beside the English, dropped where no room\n      l.local = document.createElement("span");\n      l.local.className = "corridors-label-local";\n      l.local.textContent = " · " + l.item.local;\n      div.appendChild(l.local);\n    }\n    pane.appendChild(div);\n    l.el = div;\n  }\n  function hide(l) { if (l.el) { l.el.style.visibility = "hidden"; } }\n  spec.regions.forEach(function (r) { add(r, "corridors-label-" + r.kind); });\n  spec.places.forEach(function (p) {\n    add(p, "corridors-label-place corridors-label-rank" + p.rank);\n  });\n  function overlaps(a, b) {\n    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;\n  }\n  function place() {\n    var z = map.getZoom(), size = map.getSize(), kept = [], shown = 0;\n    var origin = map.containerPointToLayerPoint([0, 0]);\n    var frame = map.getContainer().getBoundingClientRect();\n    // Obstacles first: the map\'s controls and every place marker in view.\n    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {\n      var b = c.getBoundingClientRect();\n      if (b.width && b.height) {\n        kept.push({x: b.left - frame.left, y: b.top - frame.top, w: b.width, h: b.height});\n      }\n    });\n    var view = map.getBounds().pad(0.05), shows = [];\n    labels.forEach(function (l) {  // markers drawn in view (mz: the zoom they show from)\n      if (l.item.r && z >= (l.item.mz || 0) && view.contains(l.latlng)) {\n        var c = map.latLngToContainerPoint(l.latlng), r = l.item.r + 1;\n        kept.push({x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r});\n      }\n    });\n    // The kept boxes in cells of 64 px, so a label is tested against its neighbours only.\n    var cells = {};\n    function cellKeys(b) {\n      var out = [];\n      for (var i = Math.floor(b.x / 64); i <= Math.floor((b.x + b.w) / 64); i++) {\n        for (var j = Math.floor(b.y / 64); j <= Math.floor((b.y + b.h) / 64); j++) {\n          out.push(i + "," + j);\n        }\n      }\n      return out;\n    }\n    function keep(b) {\n      cellKeys(b).forEach(function (key) { (cells[key] = cells[key] || []).push(b); });\n    }\n    function free(b) {\n      return cellKeys(b).every(function (key) {\n        return !(cells[key] || []).some(function (k) { return overlaps(b, k); });\n      });\n    }\n    kept.forEach(keep);\n    labels.forEach(function (l) {\n      var it = l.item, show = z >= it.min && (it.max === undefined || z <= it.max);\n      if (it.r !== undefined && markers && !map.hasLayer(markers)) { show = false; }\n      show = show && view.contains(l.latlng);\n      shows.push(show);\n      if (show && !l.el) { make(l); }\n    });\n    labels.forEach(function (l, n) {  // all reads before any write: one layout, not one each\n      if (shows[n] && !l.w) {\n        l.w = l.el.offsetWidth; l.h = l.el.offsetHeight;\n        l.ws = l.local ? l.w - l.local.offsetWidth : l.w;  // without the local name\n      }\n    });\n    labels.forEach(function (l, n) {\n      var it = l.item, show = shows[n];\n      var best = null, widths = l.local ? [l.w, l.ws] : [l.w], fit = 0;\n      for (var j = 0; show && j < widths.length && best === null; j++) {\n        var w = widths[j], c = map.latLngToContainerPoint(l.latlng), gap = (it.r || 0) + 3;\n        var tries = it.r === undefined\n          ? [[-w / 2, -l.h / 2]]\n          : [[gap, -l.h / 2], [-gap - w, -l.h / 2], [-w / 2, -gap - l.h], [-w / 2, gap]];\n        for (var i = 0; i < tries.length && best === null; i++) {\n          var box = {x: c.x + tries[i][0], y: c.y + tries[i][1], w: w, h: l.h};\n          if (box.x < 0 || box.y < 0 || box.x + box.w > size.x || box.y + box.h > size.y) {\n            continue;\n          }\n          if (free(box)) { best = box; fit = j; }\n        }\n      }\n      if (l.local) { l.local.style.display = fit === 0 ? "" : "none"; }\n      if (best === null) {\n        hide(l);\n        return;\n      }\n      keep(best);\n      shown += 1;\n      L.DomUtil.setPosition(l.el, L.point(best.x + origin.x, best.y + origin.y));\n      l.el.style.visibility = "visible";\n    });\n    pane.setAttribute("data-shown", String(shown));\n  }\n  map.on("zoomstart", function () { pane.style.display = "none"; });\n  map.on("zoomend moveend viewreset resize overlayadd overlayremove", function () {\n    pane.style.display = "";\n    place();\n  });\n  // First pass once every script of the page has run: the controls added after this one\n  // (legends, panels) are obstacles too.\n  map.whenReady(function () { setTimeout(place, 0); });\n})();\n',
        ))
        return concat(t_1)
    context.exported_vars.add('script')
    context.vars['script'] = l_0_script = Macro(environment, macro, 'script', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=13&4=22&5=24&6=26&7=28'


# Generated by tools/make_templates.py from a jinja2.environment.Template template: do not edit.
