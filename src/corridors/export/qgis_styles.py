"""QGIS layer styles stored in the GeoPackage, so QGIS opens every layer styled like the maps.

QGIS keeps a layer's default style in the GeoPackage table ``layer_styles`` (its convention,
the one QGIS itself creates when you save a style "in the datasource database"): one row per
style with ``f_table_catalog`` and ``f_table_schema`` empty, ``f_table_name`` the layer,
``f_geometry_column`` its geometry column, ``styleName``, the style as QGIS XML
(``styleQML``) and as OGC SLD 1.1 (``styleSLD``), ``useAsDefault``, ``description``,
``owner``, ``ui`` and ``update_time``. QGIS loads the default row's QML when the layer is
added. Each style is a rule-based renderer made from :mod:`corridors.export.symbols` (sizes
in pixels, as on the maps). Both XML texts are built with :mod:`xml.etree`, which escapes
every value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from corridors.export.symbols import LINE, POINT, Rule, Symbol, rgba

STYLE_NAME = "corridors"
"""The ``styleName`` of every style written (one per layer, the default)."""
_GEOMETRY_TYPE = {POINT: "0", LINE: "1", "polygon": "2"}
_QML_CAP = {"round": "round", "butt": "flat", "square": "square"}
_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"


def _number(value: float) -> str:
    return f"{value:g}"


def _qgis_color(color: str, opacity: float = 1.0) -> str:
    return ",".join(str(part) for part in rgba(color, opacity))


def _quote(field: str, value: str) -> str:
    """A QGIS expression ``"field" = 'value'``, quotes doubled inside."""
    return "\"{}\" = '{}'".format(field.replace('"', '""'), value.replace("'", "''"))


def _options(parent: ET.Element, props: Mapping[str, str]) -> None:
    """Symbol layer properties twice, as QGIS 3.10 to 3.24 wrote them: an ``Option`` map of
    strings (what QGIS 3.26 and later write) and ``prop`` elements (what older QGIS 3 reads)."""
    option_map = ET.SubElement(parent, "Option", type="Map")
    for name, value in props.items():
        ET.SubElement(option_map, "Option", name=name, type="QString", value=value)
    for name, value in props.items():
        ET.SubElement(parent, "prop", k=name, v=value)


def _line_props(symbol: Symbol) -> dict[str, str]:
    return {
        "line_color": _qgis_color(symbol.stroke, symbol.stroke_opacity),
        "line_width": _number(symbol.width),
        "line_width_unit": "Pixel",
        "line_style": "solid",
        "use_custom_dash": "1" if symbol.dash else "0",
        "customdash": ";".join(_number(d) for d in symbol.dash or (5.0, 2.0)),
        "customdash_unit": "Pixel",
        "capstyle": _QML_CAP.get(symbol.cap, "round"),
        "joinstyle": "round",
    }


def _symbol_element(parent: ET.Element, name: str, symbol: Symbol) -> None:
    kind = {POINT: "marker", LINE: "line"}.get(symbol.geometry, "fill")
    element = ET.SubElement(
        parent, "symbol", name=name, type=kind, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    attributes = {"enabled": "1", "locked": "0", "pass": "0"}
    if symbol.geometry == POINT:
        layer = ET.SubElement(element, "layer", {"class": "SimpleMarker", **attributes})
        _options(
            layer,
            {
                "name": "circle",
                "color": _qgis_color(symbol.fill or symbol.stroke, symbol.fill_opacity),
                "outline_color": _qgis_color(symbol.stroke, symbol.stroke_opacity),
                "outline_style": "solid",
                "outline_width": _number(symbol.width),
                "outline_width_unit": "Pixel",
                "size": _number(symbol.size),
                "size_unit": "Pixel",
            },
        )
    elif symbol.geometry == LINE:
        layer = ET.SubElement(element, "layer", {"class": "SimpleLine", **attributes})
        _options(layer, _line_props(symbol))
    else:  # a fill without outline, then the (dashed) outline as a line
        fill = ET.SubElement(element, "layer", {"class": "SimpleFill", **attributes})
        _options(
            fill,
            {
                "color": _qgis_color(symbol.fill or symbol.stroke, symbol.fill_opacity),
                "style": "solid",
                "outline_style": "no",
            },
        )
        outline = ET.SubElement(element, "layer", {"class": "SimpleLine", **attributes})
        _options(outline, _line_props(symbol))


def qml(rules: Sequence[Rule], *, geometry: str) -> str:
    """The QGIS style (QML) of a rule-based renderer drawing ``rules``.

    Parameters
    ----------
    rules : sequence of Rule
        In drawing-priority order; a rule with no ``where`` is the ``ELSE`` rule.
    geometry : str
        The layer's geometry: ``"point"``, ``"line"`` or ``"polygon"``.

    Returns
    -------
    str
        The XML document, as QGIS writes it for a layer style (``<qgis>`` root).
    """
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="RuleRenderer",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    tree = ET.SubElement(renderer, "rules", key="root")
    symbols = ET.SubElement(renderer, "symbols")
    for number, rule in enumerate(rules):
        expression = " AND ".join(_quote(f, v) for f, v in rule.where) or "ELSE"
        ET.SubElement(
            tree,
            "rule",
            key=f"rule-{number}",
            symbol=str(number),
            label=rule.label,
            filter=expression,
        )
        _symbol_element(symbols, str(number), rule.symbol)
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[geometry]
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def _svg(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "se:SvgParameter", name=name).text = value


def _stroke(parent: ET.Element, symbol: Symbol) -> None:
    stroke = ET.SubElement(parent, "se:Stroke")
    _svg(stroke, "stroke", symbol.stroke)
    _svg(stroke, "stroke-opacity", _number(symbol.stroke_opacity))
    _svg(stroke, "stroke-width", _number(symbol.width))
    _svg(stroke, "stroke-linejoin", "round")
    _svg(stroke, "stroke-linecap", symbol.cap)
    if symbol.dash:
        _svg(stroke, "stroke-dasharray", " ".join(_number(d) for d in symbol.dash))


def _fill(parent: ET.Element, symbol: Symbol) -> None:
    fill = ET.SubElement(parent, "se:Fill")
    _svg(fill, "fill", symbol.fill or symbol.stroke)
    _svg(fill, "fill-opacity", _number(symbol.fill_opacity))


def _symbolizer(parent: ET.Element, symbol: Symbol) -> None:
    if symbol.geometry == POINT:
        point = ET.SubElement(parent, "se:PointSymbolizer")
        graphic = ET.SubElement(point, "se:Graphic")
        mark = ET.SubElement(graphic, "se:Mark")
        ET.SubElement(mark, "se:WellKnownName").text = "circle"
        _fill(mark, symbol)
        _stroke(mark, symbol)
        ET.SubElement(graphic, "se:Size").text = _number(symbol.size)
    elif symbol.geometry == LINE:
        _stroke(ET.SubElement(parent, "se:LineSymbolizer"), symbol)
    else:
        polygon = ET.SubElement(parent, "se:PolygonSymbolizer")
        _fill(polygon, symbol)
        _stroke(polygon, symbol)


def sld(layer: str, rules: Sequence[Rule]) -> str:
    """The same rules as an OGC Styled Layer Descriptor 1.1 (for GeoServer, MapServer...).

    Parameters
    ----------
    layer : str
        The layer's name (``NamedLayer``).
    rules : sequence of Rule
        A rule with no ``where`` becomes ``se:ElseFilter``.

    Returns
    -------
    str
        The XML document.
    """
    # Namespaces as plain xmlns attributes and prefixed tag names: ElementTree's namespace
    # registry is global (another module's default namespace would turn these into ns0:).
    namespaces = {"xmlns": _SLD, "xmlns:se": _SE, "xmlns:ogc": _OGC}
    root = ET.Element("StyledLayerDescriptor", {**namespaces, "version": "1.1.0"})
    named = ET.SubElement(root, "NamedLayer")
    ET.SubElement(named, "se:Name").text = layer
    user = ET.SubElement(named, "UserStyle")
    ET.SubElement(user, "se:Name").text = layer
    feature_style = ET.SubElement(user, "se:FeatureTypeStyle")
    for rule in rules:
        element = ET.SubElement(feature_style, "se:Rule")
        ET.SubElement(element, "se:Name").text = rule.label
        if not rule.where:
            ET.SubElement(element, "se:ElseFilter")
        else:
            condition = ET.SubElement(element, "ogc:Filter")
            if len(rule.where) > 1:
                condition = ET.SubElement(condition, "ogc:And")
            for field, value in rule.where:
                equal = ET.SubElement(condition, "ogc:PropertyIsEqualTo")
                ET.SubElement(equal, "ogc:PropertyName").text = field
                ET.SubElement(equal, "ogc:Literal").text = value
        _symbolizer(element, rule.symbol)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def write_layer_styles(path: Path, styles: Mapping[str, Sequence[Rule]]) -> None:
    """Add the ``layer_styles`` table to the GeoPackage ``path``: one default style per layer.

    Parameters
    ----------
    path : pathlib.Path
        A GeoPackage that already holds every layer named in ``styles``.
    styles : mapping of str to sequence of Rule
        Layer name to its rules (:func:`corridors.export.symbols.layer_rules`).
    """
    import pandas as pd
    import pyogrio

    rows = []
    now = pd.Timestamp(datetime.now(UTC).replace(microsecond=0))
    for layer, rules in styles.items():
        info = pyogrio.read_info(path, layer=layer)
        geometry = rules[-1].symbol.geometry
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": layer,
                "f_geometry_column": info["geometry_name"],
                "styleName": STYLE_NAME,
                "styleQML": qml(rules, geometry=geometry),
                "styleSLD": sld(layer, rules),
                "useAsDefault": True,
                "description": f"{layer} as drawn on the corridors maps",
                "owner": "",
                "ui": "",
                "update_time": now,
            }
        )
    pyogrio.write_dataframe(
        pd.DataFrame(rows),
        path,
        layer="layer_styles",
        driver="GPKG",
        append=False,
        layer_options={"FID": "id"},
    )
