from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_script = missing
    try:
        t_1 = environment.filters['tojavascript']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'tojavascript' found.")
    try:
        t_2 = environment.filters['tojson']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'tojson' found.")
    try:
        t_3 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '\n        '
    def macro(l_1_this, l_1_kwargs):
        t_4 = []
        if l_1_this is missing:
            l_1_this = undefined("parameter 'this' was not provided", name='this')
        if l_1_kwargs is missing:
            l_1_kwargs = undefined("parameter 'kwargs' was not provided", name='kwargs')
        pass
        if environment.getattr(l_1_this, 'style'):
            pass
            t_4.extend((
                '\n        function ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_styler(feature) {\n            switch(',
                str(environment.getattr(l_1_this, 'feature_identifier')),
                ') {',
            ))
            def t_5(fiter):
                for (l_2_style, l_2_ids_list) in fiter:
                    if (not (l_2_style == 'default')):
                        yield (l_2_style, l_2_ids_list)
            for (l_2_style, l_2_ids_list) in t_5(context.call(environment.getattr(environment.getattr(l_1_this, 'style_map'), 'items'))):
                _loop_vars = {}
                pass
                t_4.append(
                    '\n                ',
                )
                for l_3_id_val in l_2_ids_list:
                    _loop_vars = {}
                    pass
                    t_4.extend((
                        'case ',
                        str(t_2(context.eval_ctx, l_3_id_val)),
                        ': ',
                    ))
                l_3_id_val = missing
                t_4.extend((
                    '\n                    return ',
                    str(l_2_style),
                    ';',
                ))
            l_2_style = l_2_ids_list = missing
            t_4.extend((
                '\n                default:\n                    return ',
                str(environment.getitem(environment.getattr(l_1_this, 'style_map'), 'default')),
                ';\n            }\n        }',
            ))
        if environment.getattr(l_1_this, 'highlight'):
            pass
            t_4.extend((
                '\n        function ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_highlighter(feature) {\n            switch(',
                str(environment.getattr(l_1_this, 'feature_identifier')),
                ') {',
            ))
            def t_6(fiter):
                for (l_2_style, l_2_ids_list) in fiter:
                    if (not (l_2_style == 'default')):
                        yield (l_2_style, l_2_ids_list)
            for (l_2_style, l_2_ids_list) in t_6(context.call(environment.getattr(environment.getattr(l_1_this, 'highlight_map'), 'items'))):
                _loop_vars = {}
                pass
                t_4.append(
                    '\n                ',
                )
                for l_3_id_val in l_2_ids_list:
                    _loop_vars = {}
                    pass
                    t_4.extend((
                        'case ',
                        str(t_2(context.eval_ctx, l_3_id_val)),
                        ': ',
                    ))
                l_3_id_val = missing
                t_4.extend((
                    '\n                    return ',
                    str(l_2_style),
                    ';',
                ))
            l_2_style = l_2_ids_list = missing
            t_4.extend((
                '\n                default:\n                    return ',
                str(environment.getitem(environment.getattr(l_1_this, 'highlight_map'), 'default')),
                ';\n            }\n        }',
            ))
        if environment.getattr(l_1_this, 'marker'):
            pass
            t_4.extend((
                '\n        function ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_pointToLayer(feature, latlng) {\n            var opts = ',
                str(t_1(environment.getattr(environment.getattr(l_1_this, 'marker'), 'options'))),
                ';\n            ',
            ))
            if ((environment.getattr(environment.getattr(l_1_this, 'marker'), '_name') == 'Marker') and environment.getattr(environment.getattr(l_1_this, 'marker'), 'icon')):
                pass
                t_4.extend((
                    '\n            const iconOptions = ',
                    str(t_1(environment.getattr(environment.getattr(environment.getattr(l_1_this, 'marker'), 'icon'), 'options'))),
                    '\n            const iconRootAlias = L',
                ))
                if (environment.getattr(environment.getattr(environment.getattr(l_1_this, 'marker'), 'icon'), '_name') == 'Icon'):
                    pass
                    t_4.append(
                        '.AwesomeMarkers',
                    )
                t_4.extend((
                    '\n            opts.icon = new iconRootAlias.',
                    str(environment.getattr(environment.getattr(environment.getattr(l_1_this, 'marker'), 'icon'), '_name')),
                    '(iconOptions)\n            ',
                ))
            if environment.getattr(l_1_this, 'style_function'):
                pass
                t_4.extend((
                    '\n            let style = ',
                    str(context.call(environment.getattr(l_1_this, 'get_name'))),
                    '_styler(feature)\n            Object.assign(',
                ))
                if environment.getattr(environment.getattr(l_1_this, 'marker'), 'icon'):
                    pass
                    t_4.append(
                        'opts.icon.options',
                    )
                else:
                    pass
                    t_4.append(
                        'opts',
                    )
                t_4.append(
                    ', style)\n            ',
                )
            t_4.extend((
                '\n            return new L.',
                str(environment.getattr(environment.getattr(l_1_this, 'marker'), '_name')),
                '(latlng, opts)\n        }',
            ))
        t_4.extend((
            '\n\n        function ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            '_onEachFeature(feature, layer) {',
        ))
        if environment.getattr(l_1_this, 'on_each_feature'):
            pass
            t_4.extend((
                '\n            (',
                str(environment.getattr(l_1_this, 'on_each_feature')),
                ')(feature, layer);',
            ))
        t_4.append(
            '\n\n            layer.on({',
        )
        if environment.getattr(l_1_this, 'highlight'):
            pass
            t_4.append(
                '\n                mouseout: function(e) {\n                    if(typeof e.target.setStyle === "function"){',
            )
            if environment.getattr(l_1_this, 'popup_keep_highlighted'):
                pass
                t_4.append(
                    '\n                        if (!e.target.isPopupOpen())',
                )
            t_4.extend((
                '\n                            ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '.resetStyle(e.target);\n                    }\n                },\n                mouseover: function(e) {\n                    if(typeof e.target.setStyle === "function"){\n                        const highlightStyle = ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_highlighter(e.target.feature)\n                        e.target.setStyle(highlightStyle);\n                    }\n                },',
            ))
            if environment.getattr(l_1_this, 'popup_keep_highlighted'):
                pass
                t_4.extend((
                    '\n                popupopen: function(e) {\n                    if(typeof e.target.setStyle === "function"){\n                        const highlightStyle = ',
                    str(context.call(environment.getattr(l_1_this, 'get_name'))),
                    '_highlighter(e.target.feature)\n                        e.target.setStyle(highlightStyle);\n                        e.target.bindPopup(e.popup)\n                    }\n                },\n                popupclose: function(e) {\n                    if(typeof e.target.setStyle === "function"){\n                        ',
                    str(context.call(environment.getattr(l_1_this, 'get_name'))),
                    '.resetStyle(e.target);\n                        e.target.unbindPopup()\n                    }\n                },',
                ))
        if environment.getattr(l_1_this, 'zoom_on_click'):
            pass
            t_4.extend((
                "\n                click: function(e) {\n                    if (typeof e.target.getBounds === 'function') {\n                        ",
                str(context.call(environment.getattr(environment.getattr(l_1_this, 'parent_map'), 'get_name'))),
                ".fitBounds(e.target.getBounds());\n                    }\n                    else if (typeof e.target.getLatLng === 'function'){\n                        let zoom = ",
                str(context.call(environment.getattr(environment.getattr(l_1_this, 'parent_map'), 'get_name'))),
                '.getZoom()\n                        zoom = zoom > 12 ? zoom : zoom + 1\n                        ',
                str(context.call(environment.getattr(environment.getattr(l_1_this, 'parent_map'), 'get_name'))),
                '.flyTo(e.target.getLatLng(), zoom)\n                    }\n                }',
            ))
        t_4.extend((
            '\n            });\n        };\n        var ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            ' = L.geoJson(null, {',
        ))
        if (not t_3(environment.getattr(l_1_this, 'smooth_factor'))):
            pass
            t_4.extend((
                '\n                smoothFactor: ',
                str(t_2(context.eval_ctx, environment.getattr(l_1_this, 'smooth_factor'))),
                ',',
            ))
        t_4.extend((
            '\n                onEachFeature: ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            '_onEachFeature,\n            ',
        ))
        if environment.getattr(l_1_this, 'style'):
            pass
            t_4.extend((
                '\n                style: ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_styler,',
            ))
        if environment.getattr(l_1_this, 'marker'):
            pass
            t_4.extend((
                '\n                pointToLayer: ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_pointToLayer,',
            ))
        t_4.extend((
            '\n            ...',
            str(t_1(environment.getattr(l_1_this, 'options'))),
            '\n        });\n\n        function ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            '_add (data) {\n            ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            '\n                .addData(data);\n        }',
        ))
        if environment.getattr(l_1_this, 'embed'):
            pass
            t_4.extend((
                '\n            ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_add(',
                str(t_2(context.eval_ctx, environment.getattr(l_1_this, 'data'))),
                ');',
            ))
        else:
            pass
            t_4.extend((
                '\n            $.ajax(',
                str(t_2(context.eval_ctx, environment.getattr(l_1_this, 'embed_link'))),
                ", {dataType: 'json', async: false})\n                .done(",
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '_add);',
            ))
        if (not environment.getattr(l_1_this, 'style')):
            pass
            t_4.extend((
                '\n        ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '.setStyle(function(feature) {return feature.properties.style;});',
            ))
        t_4.append(
            '\n\n        ',
        )
        return concat(t_4)
    context.exported_vars.add('script')
    context.vars['script'] = l_0_script = Macro(environment, macro, 'script', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)
    yield '\n        '

blocks = {}
debug_info = '2=31&3=38&4=42&5=44&6=47&7=57&8=68&11=74&15=77&16=81&17=83&18=86&19=96&20=107&23=113&28=116&29=120&30=122&31=125&32=129&33=132&34=139&36=142&37=146&38=149&40=164&44=169&45=172&46=176&50=182&53=187&56=194&61=196&65=199&68=203&75=205&81=208&84=212&87=214&89=216&95=221&96=224&97=228&99=233&100=236&101=240&103=243&104=247&106=252&109=254&110=256&113=259&114=263&116=272&117=274&120=277&121=281'


# Generated by tools/make_templates.py from a folium.template.Template template: do not edit.
