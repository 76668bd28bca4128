from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = l_0_html = l_0_script = missing
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
    pass
    yield '\n        '
    def macro(l_1_this, l_1_kwargs):
        t_3 = []
        if l_1_this is missing:
            l_1_this = undefined("parameter 'this' was not provided", name='this')
        if l_1_kwargs is missing:
            l_1_kwargs = undefined("parameter 'kwargs' was not provided", name='kwargs')
        pass
        t_3.extend((
            '\n            <meta name="viewport" content="width=device-width,\n                initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />\n            <style>\n                #',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            ' {\n                    position: ',
            str(environment.getattr(l_1_this, 'position')),
            ';\n                    width: ',
            str(environment.getitem(environment.getattr(l_1_this, 'width'), 0)),
            str(environment.getitem(environment.getattr(l_1_this, 'width'), 1)),
            ';\n                    height: ',
            str(environment.getitem(environment.getattr(l_1_this, 'height'), 0)),
            str(environment.getitem(environment.getattr(l_1_this, 'height'), 1)),
            ';\n                    left: ',
            str(environment.getitem(environment.getattr(l_1_this, 'left'), 0)),
            str(environment.getitem(environment.getattr(l_1_this, 'left'), 1)),
            ';\n                    top: ',
            str(environment.getitem(environment.getattr(l_1_this, 'top'), 0)),
            str(environment.getitem(environment.getattr(l_1_this, 'top'), 1)),
            ';\n                }\n                .leaflet-container { font-size: ',
            str(environment.getattr(l_1_this, 'font_size')),
            '; }\n            </style>\n\n            <style>html, body {\n                width: 100%;\n                height: 100%;\n                margin: 0;\n                padding: 0;\n            }\n            </style>\n\n            <style>#map {\n                position:absolute;\n                top:0;\n                bottom:0;\n                right:0;\n                left:0;\n                }\n            </style>\n\n            <script>\n                L_NO_TOUCH = ',
            str(t_2(context.eval_ctx, environment.getattr(environment.getattr(l_1_this, 'global_switches'), 'no_touch'))),
            ';\n                L_DISABLE_3D = ',
            str(t_2(context.eval_ctx, environment.getattr(environment.getattr(l_1_this, 'global_switches'), 'disable_3d'))),
            ';\n            </script>\n\n        ',
        ))
        return concat(t_3)
    context.exported_vars.add('header')
    context.vars['header'] = l_0_header = Macro(environment, macro, 'header', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)
    yield '\n\n        '
    def macro(l_1_this, l_1_kwargs):
        t_4 = []
        if l_1_this is missing:
            l_1_this = undefined("parameter 'this' was not provided", name='this')
        if l_1_kwargs is missing:
            l_1_kwargs = undefined("parameter 'kwargs' was not provided", name='kwargs')
        pass
        t_4.extend((
            '\n            <div class="folium-map" id=',
            str(t_2(context.eval_ctx, context.call(environment.getattr(l_1_this, 'get_name')))),
            ' ></div>\n        ',
        ))
        return concat(t_4)
    context.exported_vars.add('html')
    context.vars['html'] = l_0_html = Macro(environment, macro, 'html', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)
    yield '\n\n        '
    def macro(l_1_this, l_1_kwargs):
        t_5 = []
        if l_1_this is missing:
            l_1_this = undefined("parameter 'this' was not provided", name='this')
        if l_1_kwargs is missing:
            l_1_kwargs = undefined("parameter 'kwargs' was not provided", name='kwargs')
        pass
        t_5.extend((
            '\n            var ',
            str(context.call(environment.getattr(l_1_this, 'get_name'))),
            ' = L.map(\n                ',
            str(t_2(context.eval_ctx, context.call(environment.getattr(l_1_this, 'get_name')))),
            ',\n                {\n                    center: ',
            str(t_2(context.eval_ctx, environment.getattr(l_1_this, 'location'))),
            ',\n                    crs: L.CRS.',
            str(environment.getattr(l_1_this, 'crs')),
            ',\n                    ...',
            str(t_1(environment.getattr(l_1_this, 'options'))),
            '\n\n                }\n            );',
        ))
        if environment.getattr(l_1_this, 'control_scale'):
            pass
            t_5.extend((
                '\n            L.control.scale().addTo(',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                ');',
            ))
        if environment.getattr(l_1_this, 'zoom_control_position'):
            pass
            t_5.extend((
                '\n            L.control.zoom( { position: ',
                str(t_2(context.eval_ctx, environment.getattr(l_1_this, 'zoom_control'))),
                ' } ).addTo(',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                ');',
            ))
        t_5.append(
            '\n\n            ',
        )
        if environment.getattr(l_1_this, 'objects_to_stay_in_front'):
            pass
            t_5.append(
                '\n            function objects_in_front() {',
            )
            for l_2_obj in environment.getattr(l_1_this, 'objects_to_stay_in_front'):
                _loop_vars = {}
                pass
                t_5.extend((
                    '\n                    ',
                    str(context.call(environment.getattr(l_2_obj, 'get_name'), _loop_vars=_loop_vars)),
                    '.bringToFront();',
                ))
            l_2_obj = missing
            t_5.extend((
                '\n            };\n            ',
                str(context.call(environment.getattr(l_1_this, 'get_name'))),
                '.on("overlayadd", objects_in_front);\n            $(document).ready(objects_in_front);',
            ))
        t_5.append(
            '\n\n        ',
        )
        return concat(t_5)
    context.exported_vars.add('script')
    context.vars['script'] = l_0_script = Macro(environment, macro, 'script', ('this', 'kwargs'), False, False, False, context.eval_ctx.autoescape)
    yield '\n        '

blocks = {}
debug_info = '2=25&6=34&7=36&8=38&9=41&10=44&11=47&13=50&34=52&35=54&40=61&41=70&44=77&45=86&46=88&48=90&49=92&50=94&55=97&56=101&59=104&60=108&63=116&65=121&66=126&69=132'


# Generated by tools/make_templates.py from a folium.template.Template template: do not edit.
