"""The atlas as KML 2.2 for Google Earth, drawn in the maps' colours.

One ``Document`` with a shared ``Style`` per rule of :mod:`corridors.export.symbols` (lines by
mode and status, places by kind, zones, shipment legs by mode) and four folders: Corridors,
Places, Zones and Shipment legs (empty ones left out). KML colours are ``aabbggrr``; KML has
no dashed lines, so a status other than operating shows as the maps' lighter shade and in the
description. Lines are ``tessellate``d (they follow the globe's surface).

Untrusted text stays data: every value is an XML text node written by :mod:`xml.etree`
(escaped), and the ``description`` Google Earth renders as HTML is built from values that were
HTML-escaped first, so a name such as ``<script>`` shows as those characters. Each style's
balloon shows only the description (whose title is the escaped name), never the raw name as
HTML. Values are also in ``ExtendedData`` (GDAL reads them as fields).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corridors.export._text import xml_text
from corridors.export.records import Row
from corridors.export.symbols import Rule, Symbol, layer_rules, rgba, rule_for
from corridors.network.index import Network

KML_NS = "http://www.opengis.net/kml/2.2"
FOLDERS = {
    "corridors": "Corridors",
    "places": "Places",
    "zones": "Zones",
    "shipment_legs": "Shipment legs",
}
"""GeoPackage layer name to the KML folder holding its placemarks."""
ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
_ICON_PX = 32.0  # the icon's size at scale 1
_TITLE = {"corridors": "name", "places": "name", "zones": "name", "shipment_legs": "shipment"}


def kml_color(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` and an opacity as KML's ``aabbggrr`` (hex, alpha first, blue before red)."""
    red, green, blue, alpha = rgba(color, opacity)
    return f"{alpha:02x}{blue:02x}{green:02x}{red:02x}"


def _sub(parent: ET.Element, tag: str, text: object | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = xml_text(text)
    return element


def _style(document: ET.Element, style_id: str, symbol: Symbol) -> None:
    element = _sub(document, "Style", id=style_id)
    if symbol.geometry == "point":
        icon_style = _sub(element, "IconStyle")
        _sub(icon_style, "color", kml_color(symbol.fill or symbol.stroke, symbol.fill_opacity))
        _sub(icon_style, "scale", f"{symbol.size / _ICON_PX * 2:.3g}")
        _sub(_sub(icon_style, "Icon"), "href", ICON)
        _sub(_sub(element, "LabelStyle"), "scale", "0.8")
    else:
        line_style = _sub(element, "LineStyle")
        _sub(line_style, "color", kml_color(symbol.stroke, symbol.stroke_opacity))
        _sub(line_style, "width", f"{symbol.width:g}")
    if symbol.geometry == "polygon":
        poly_style = _sub(element, "PolyStyle")
        _sub(poly_style, "color", kml_color(symbol.fill or symbol.stroke, symbol.fill_opacity))
    _sub(_sub(element, "BalloonStyle"), "text", "$[description]")


def _description(title: str, row: Row) -> str:
    """An HTML table of the row's values, every value HTML-escaped (then XML-escaped by etree)."""
    cells = "".join(
        f"<tr><th align='left'>{html.escape(str(key))}</th><td>{html.escape(str(value))}</td></tr>"
        for key, value in row.items()
        if key != "geometry" and value not in (None, "")
    )
    return f"<h3>{html.escape(title)}</h3><table>{cells}</table>"


def _coordinates(coords: Sequence[Sequence[float]]) -> str:
    return " ".join(f"{x!r},{y!r}" for x, y, *_ in coords)


def _geometry(parent: ET.Element, geometry: Any) -> None:
    kind = geometry.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coordinates(geometry.coords))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(geometry.coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        _sub(polygon, "tessellate", "1")
        rings = [("outerBoundaryIs", geometry.exterior)]
        rings += [("innerBoundaryIs", ring) for ring in geometry.interiors]
        for tag, ring in rings:
            linear = _sub(_sub(polygon, tag), "LinearRing")
            _sub(linear, "coordinates", _coordinates(ring.coords))
    else:  # MultiPolygon, MultiLineString...
        multi = _sub(parent, "MultiGeometry")
        for part in geometry.geoms:
            _geometry(multi, part)


def _placemark(folder: ET.Element, layer: str, row: Row, rules: Sequence[Rule]) -> None:
    placemark = _sub(folder, "Placemark")
    title = str(row.get(_TITLE[layer]) or "")
    if layer == "shipment_legs":
        title = f"{title} leg {row['leg']}: {row['from_place']} - {row['to_place']}"
    _sub(placemark, "name", title)
    _sub(placemark, "description", _description(title, row))
    rule = rule_for(rules, row)
    _sub(placemark, "styleUrl", f"#{layer}-{list(rules).index(rule)}")
    data = _sub(placemark, "ExtendedData")
    for key, value in row.items():
        if key != "geometry" and value is not None:
            _sub(_sub(data, "Data", name=key), "value", value)
    _geometry(placemark, row["geometry"])


def kml_document(network: Network) -> ET.Element:
    """The KML root element of the atlas (see the module).

    Parameters
    ----------
    network : Network

    Returns
    -------
    xml.etree.ElementTree.Element
        ``<kml>`` with one ``<Document>``.
    """
    from corridors.export.records import corridor_rows, leg_rows, place_rows, zone_rows

    atlas = network.atlas
    layers = {
        "corridors": corridor_rows(network),
        "places": place_rows(atlas),
        "zones": zone_rows(atlas),
        "shipment_legs": leg_rows(network),
    }
    # The namespace as a plain xmlns attribute, every tag unprefixed, as Google Earth writes
    # it (ElementTree's namespace registry is global, so another module's default namespace
    # would turn these into ns0: tags).
    root = ET.Element("kml", xmlns=KML_NS)
    document = _sub(root, "Document")
    _sub(document, "name", "corridors atlas")
    rules = {layer: layer_rules(layer, rows) for layer, rows in layers.items() if rows}
    for layer, layer_rule_list in rules.items():
        for number, rule in enumerate(layer_rule_list):
            _style(document, f"{layer}-{number}", rule.symbol)
    for layer, layer_rule_list in rules.items():
        folder = _sub(document, "Folder")
        _sub(folder, "name", FOLDERS[layer])
        for row in layers[layer]:
            _placemark(folder, layer, row, layer_rule_list)
    return root


def write_kml(network: Network, path: Path) -> None:
    """Write :func:`kml_document` to ``path`` (UTF-8, with an XML declaration).

    Writes ``path`` directly (a new file; :func:`corridors.export.export_file` gives a
    temporary one).
    """
    tree = ET.ElementTree(kml_document(network))
    ET.indent(tree, space=" ")
    tree.write(path, encoding="utf-8", xml_declaration=True)
