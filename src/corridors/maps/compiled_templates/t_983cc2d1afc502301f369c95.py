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
            ';\n  var A = ',
            str(context.call(environment.getattr(l_1_this, 'data_var'))),
            ', D = A.data;\n  var spec = ',
            str(environment.getattr(l_1_this, 'spec_js')),
            ';\n  var layers = {};\n  [',
            str(context.call(environment.getattr(l_1_this, 'layer_vars'))),
            '].forEach(function (layer, n) {\n    var key = spec.layers[n];\n    layers[key[0] + "/" + key[1]] = {layer: layer, style: key[2]};\n  });\n  function timeBar(map, spec, show, name, mode) {\n    var ctl = L.control({position: spec.position});\n    var st = {i: spec.open, timer: null, speed: spec.speeds[0]};\n    var bar = {div: null};\n    function mk(tag, cls, parent, text) {\n      var e = L.DomUtil.create(tag, cls, parent);\n      if (text !== undefined) { e.textContent = String(text); }\n      return e;\n    }\n    var button, input, label;\n    function go(i) {\n      st.i = Math.max(0, Math.min(spec.count - 1, i));\n      input.value = String(st.i);\n      show(st.i, bar.div);\n      label.textContent = name(st.i);\n      bar.div.setAttribute("data-date", name(st.i));\n      bar.div.setAttribute("data-index", String(st.i));\n    }\n    function stop() {\n      if (st.timer !== null) { clearInterval(st.timer); st.timer = null; }\n      button.textContent = "\\u25B6"; button.title = "Play";\n      bar.div.setAttribute("data-playing", "0");\n    }\n    function tick() {\n      if (st.i >= spec.count - 1) { stop(); return; }\n      go(st.i + st.speed);\n    }\n    function play() {\n      stop();\n      if (st.i >= spec.count - 1) { go(0); }\n      st.timer = setInterval(tick, spec.tick_ms);\n      button.textContent = "\\u23F8"; button.title = "Pause";\n      bar.div.setAttribute("data-playing", "1");\n    }\n    ctl.onAdd = function () {\n      var div = L.DomUtil.create("div", spec.css + " corridors-bar leaflet-bar");\n      bar.div = div;\n      div.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;" +\n                          "display:flex;align-items:center;gap:6px;flex-wrap:wrap;";\n      button = mk("button", spec.css + "-play", div);\n      button.type = "button";\n      mk("span", spec.css + "-start", div, name(0));\n      input = mk("input", spec.css + "-range", div);\n      input.type = "range"; input.min = "0"; input.max = String(spec.count - 1);\n      input.step = "1";\n      input.style.width = String(spec.width_px) + "px";\n      mk("span", spec.css + "-end", div, name(spec.count - 1));\n      label = mk("b", spec.css + "-label", div, "");\n      var speed = mk("select", spec.css + "-speed", div);\n      speed.title = "Speed";\n      spec.speeds.forEach(function (s) {\n        var o = mk("option", null, speed, String(s) + "\\u00D7");\n        o.value = String(s);\n      });\n      speed.addEventListener("change", function () { st.speed = parseInt(speed.value, 10); });\n      if (mode && spec.modes) {\n        var pick = mk("select", spec.css + "-mode", div);\n        pick.title = "Show";\n        spec.modes.forEach(function (m) {\n          var o = mk("option", null, pick, m[1]);\n          o.value = m[0];\n        });\n        pick.value = mode.value;\n        pick.addEventListener("change", function () { mode.value = pick.value; go(st.i); });\n      }\n      L.DomEvent.disableClickPropagation(div);\n      L.DomEvent.disableScrollPropagation(div);\n      button.addEventListener("click", function () {\n        if (st.timer === null) { play(); } else { stop(); }\n      });\n      input.addEventListener("input", function () { stop(); go(parseInt(input.value, 10)); });\n      return div;\n    };\n    ctl.addTo(map);\n    stop();\n    go(spec.open);\n    bar.refresh = function () { go(st.i); };\n    return bar;\n  }\n\n  function monthName(i) {\n    var n = spec.first[0] * 12 + spec.first[1] - 1 + i;\n    var m = n % 12 + 1;\n    return String(Math.floor(n / 12)) + "-" + (m < 10 ? "0" : "") + String(m);\n  }\n  var timed = [];  // corridors with a history: the only ones a month changes\n  D.corridors.forEach(function (c, k) { if (c[10] && A.items[k]) { timed.push(k); } });\n  function show(i, div) {\n    A.month = i === spec.count - 1 ? null : i;\n    timed.forEach(function (k) {\n      var it = A.items[k], st = A.state(k, A.month);\n      var target = st ? layers[it.mode + "/" + st[0]] : null;\n      if (!target) {\n        if (it.layer.hasLayer(it.l)) { it.layer.removeLayer(it.l); }\n        return;\n      }\n      if (target.layer !== it.layer || !it.layer.hasLayer(it.l)) {\n        var open = it.l._popup && it.l.isPopupOpen() ? it.l._popup.getLatLng() : null;\n        it.layer.removeLayer(it.l);  // closes its popup: opened again below\n        it.layer = target.layer;\n        it.layer.addLayer(it.l);\n        if (open && map.hasLayer(it.l)) { it.l.openPopup(open); }\n      }\n      it.l.feature.properties.status = st[0];\n      it.l.setStyle(target.style);\n      var e = it.l.getElement && it.l.getElement();\n      if (e) { e.setAttribute("data-status", st[0]); }\n    });\n    var n = 0;\n    Object.keys(layers).forEach(function (key) {\n      n += layers[key].layer.getLayers().length;\n    });\n    div.setAttribute("data-visible", String(n));\n    var popup = map._popup;  // an open popup says the state of the month shown\n    if (popup && map.hasLayer(popup) && popup._source && popup._source.feature) {\n      popup.update();\n    }\n    map.fire("corridorsmonth", {month: A.month, index: i, name: monthName(i)});\n  }\n  timeBar(map, spec, show, monthName);\n})();\n',
        ))
        return concat(t_1)
    context.exported_vars.add('script')
    context.vars['script'] = l_0_script = Macro(environment, macro, 'script', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=13&4=22&5=24&6=26&8=28'


# Generated by tools/make_templates.py from a jinja2.environment.Template template: do not edit.
