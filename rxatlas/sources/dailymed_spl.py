"""DailyMed SPL establishments: the sites a label or registration names, with DUNS, operations and NDCs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import kind_of, open_binary, zip_members

V3 = "{urn:hl7-org:v3}"
DUNS_ROOT = "1.3.6.1.4.1.519.1"
FEI_ROOT = "2.16.840.1.113883.4.82"
MAX_DOCUMENT_BYTES = 256 << 20
# A business operation: NCI code, display name and the product NDCs it is performed for.
Operation = tuple[str | None, str | None, tuple[str, ...]]
DOCUMENT_COLUMNS = (
    Column("member", doc="the document's path inside the zip (empty for a single XML file)"),
    Column("document_id", required=True, doc="SPL document id (one version of a set)"),
    Column("set_id", required=True, doc="SPL set id, stable across versions"),
    Column("version", "BIGINT", doc="version number of the set"),
    Column("effective_date", "DATE", formats=("%Y%m%d",), doc="effective date of the document"),
    Column("document_type", doc="LOINC document type, e.g. HUMAN PRESCRIPTION DRUG LABEL"),
)


class DailymedSpl(Source):
    id = "dailymed_spl"
    title = "DailyMed SPL establishments"
    publisher = "US National Library of Medicine (DailyMed), from FDA Structured Product Labeling"
    homepage = "https://dailymed.nlm.nih.gov/dailymed/spl-resources-all-drug-labels.cfm"
    licence = "US Government work, public domain"
    refresh_days = 30
    files = (
        FileSpec(
            name="spl",
            url="https://dailymed-data.nlm.nih.gov/public-release-files/dm_spl_release_human_rx_part1.zip",
            mirror_glob="dailymed_spl/*",
            format="zip of per-label zips of SPL XML (official release), a zip of SPL XML, or one XML file",
        ),
    )
    tables = (
        Table(
            "establishment",
            (
                *DOCUMENT_COLUMNS,
                Column("labeler_duns", doc="DUNS of the author organisation: the labeler (or the registrant "
                                           "of a registration document)"),
                Column("labeler_name", doc="name of the author organisation"),
                Column("registrant_duns", doc="DUNS of the organisation the establishment is listed under"),
                Column("registrant_name", doc="name of the organisation the establishment is listed under"),
                Column("duns", doc="establishment DUNS"),
                Column("fei", doc="establishment FEI, when the document states it"),
                Column("name", required=True, doc="establishment name"),
                Column("city", doc="city of the establishment address, when stated"),
                Column("country_code", doc="ISO 3166-1 alpha-3 code of the address country, when stated"),
                Column("country_name", doc="address country as written, when stated"),
                Column("operation_codes", "VARCHAR[]", doc="NCI codes of the business operations"),
                Column("operations", "VARCHAR[]", doc="business operations, e.g. API MANUFACTURE, ANALYSIS"),
                Column("ndcs", "VARCHAR[]", doc="product NDCs the operations are performed for"),
            ),
            doc="one row per establishment named in an SPL document (located at its assignedEntity element)",
        ),
        Table(
            "operation",
            (
                *DOCUMENT_COLUMNS,
                Column("duns", doc="establishment DUNS"),
                Column("name", required=True, doc="establishment name"),
                Column("operation_code", doc="NCI code of the business operation"),
                Column("operation", doc="business operation, e.g. API MANUFACTURE"),
                Column("ndc", doc="product NDC the operation is performed for (empty when none is named)"),
            ),
            doc="one row per establishment, operation and product NDC",
        ),
    )
    facts = (
        Fact("documents", "SELECT count(DISTINCT document_id) FROM latest.dailymed_spl__establishment"),
        Fact("establishments", "SELECT count(*) FROM latest.dailymed_spl__establishment"),
    )
    quirks = (
        "Establishments are the organisations listed with business operations (performance elements) in "
        "the document's author section; organisations without operations are not establishments.",
        "Drug labels nest labeler > registrant > establishment; registration documents nest registrant > "
        "establishment, so there the labeler and registrant columns both hold the registrant.",
        "Older labels give no establishment address; newer ones and registrations give city and country.",
        "Official bulk releases are zips of per-label zips (XML plus images); only the XML is read.",
        "Documents with a DOCTYPE are refused: SPL never needs one and it could expand entities.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield establishments and their operations from every SPL document in the file."""
        file = files["spl"]
        for member, stream in _documents(file):
            root, lines = _parse_xml(file, member, stream)
            document = _document_values(root, member)
            for entity, org, chain in _establishments(root):
                line = lines.get(id(entity), 1)
                site = {**document, "duns": _id(org, DUNS_ROOT), "name": _text(org, "name")}
                performances = entity.findall(f"{V3}performance")
                operations = [_operation(p) for p in performances]
                yield Row("establishment", file, line, {**site, **_site_values(org, chain, operations)})
                for performance, (code, name, ndcs) in zip(performances, operations, strict=True):
                    for ndc in ndcs or (None,):
                        yield Row("operation", file, lines.get(id(performance), line),
                                  {**site, "operation_code": code, "operation": name, "ndc": ndc})


def _fail(file: LocalFile, member: str | None, message: str, line: int | None = None,
          field: str | None = None) -> SourceError:
    where = f"{file.path}!{member}" if member else str(file.path)
    return SourceError(DailymedSpl.id, Problem(message, where, line, field))


def _documents(file: LocalFile) -> Iterator[tuple[str | None, IO[bytes]]]:
    """Every SPL XML document in the file: itself, its XML members, or the XML inside nested zips."""
    if kind_of(file) != "zip":
        if file.size > MAX_DOCUMENT_BYTES:
            raise _fail(file, None, f"the document is {file.size} bytes, over the {MAX_DOCUMENT_BYTES} limit")
        with open_binary(file) as stream:
            yield None, stream
        return
    names = zip_members(file)
    with zipfile.ZipFile(file.path) as outer:
        for name in sorted(names):
            lower = name.lower()
            if lower.endswith(".xml"):
                yield name, io.BytesIO(_read_member(file, outer, name, name))
            elif lower.endswith(".zip"):
                try:
                    inner = zipfile.ZipFile(io.BytesIO(_read_member(file, outer, name, name)))
                except zipfile.BadZipFile as exc:
                    raise _fail(file, name, f"the nested zip is not readable ({exc}); download it again") \
                        from exc
                with inner:
                    for inner_name in sorted(n for n in inner.namelist() if n.lower().endswith(".xml")):
                        path = f"{name}!{inner_name}"
                        yield path, io.BytesIO(_read_member(file, inner, inner_name, path))


def _read_member(file: LocalFile, archive: zipfile.ZipFile, name: str, path: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_DOCUMENT_BYTES:
        raise _fail(file, path, f"unpacks to {info.file_size} bytes, over the {MAX_DOCUMENT_BYTES} limit")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _fail(file, path, f"the archive member is corrupt ({exc}); download it again") from exc


def _parse_xml(file: LocalFile, member: str | None, stream: IO[bytes]) -> tuple[Element, dict[int, int]]:
    """Parse one document into an element tree, noting each element's source line; refuse any DTD."""
    parser = expat.ParserCreate(namespace_separator=" ")
    builder = TreeBuilder()
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(_clark(tag), {_clark(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def refuse(*_: Any) -> None:
        raise _fail(file, member, "the document declares a DOCTYPE; SPL documents have none, and its "
                    "entities are not expanded", parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_clark(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise _fail(file, member, f"not well-formed XML ({expat.errors.messages[exc.code]}); the file may "
                    "be cut short: download it again", exc.lineno) from exc
    except (EOFError, OSError, zipfile.BadZipFile) as exc:
        raise _fail(file, member, f"the file is truncated or corrupt ({exc}); download it again",
                    parser.CurrentLineNumber) from exc
    return builder.close(), lines


def _clark(name: str) -> str:
    uri, _, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if uri else local


def _document_values(root: Element, member: str | None) -> dict[str, Any]:
    effective = _attr(root.find(f"{V3}effectiveTime"), "value")
    return {
        "member": member,
        "document_id": _attr(root.find(f"{V3}id"), "root"),
        "set_id": _attr(root.find(f"{V3}setId"), "root"),
        "version": _attr(root.find(f"{V3}versionNumber"), "value"),
        "effective_date": effective[:8] if effective else None,
        "document_type": _attr(root.find(f"{V3}code"), "displayName"),
    }


def _establishments(root: Element) -> Iterator[tuple[Element, Element, list[Element]]]:
    """(assignedEntity, its organisation, the organisations above it) for each one with operations."""
    def walk(org: Element, chain: list[Element]) -> Iterator[tuple[Element, Element, list[Element]]]:
        for entity in org.findall(f"{V3}assignedEntity"):
            child = entity.find(f"{V3}assignedOrganization")
            if child is None:
                continue
            if entity.find(f"{V3}performance") is not None:
                yield entity, child, chain
            yield from walk(child, [*chain, child])

    for top in root.findall(f"{V3}author/{V3}assignedEntity/{V3}representedOrganization"):
        yield from walk(top, [top])


def _site_values(org: Element, chain: list[Element], operations: list[Operation]) -> dict[str, Any]:
    """What the document says about one establishment beyond its DUNS and name."""
    return {
        "labeler_duns": _id(chain[0], DUNS_ROOT),
        "labeler_name": _text(chain[0], "name"),
        "registrant_duns": _id(chain[-1], DUNS_ROOT),
        "registrant_name": _text(chain[-1], "name"),
        "fei": _id(org, FEI_ROOT),
        "city": _text(org, "addr/city"),
        "country_code": _attr(org.find(f"{V3}addr/{V3}country"), "code"),
        "country_name": _text(org, "addr/country"),
        "operation_codes": _unique(code for code, _, _ in operations),
        "operations": _unique(name for _, name, _ in operations),
        "ndcs": _unique(ndc for _, _, ndcs in operations for ndc in ndcs),
    }


def _operation(performance: Element) -> Operation:
    """The code, name and product NDCs of one business operation."""
    act = performance.find(f"{V3}actDefinition")
    if act is None:
        return None, None, ()
    code = act.find(f"{V3}code")
    ndcs = [
        c.get("code", "").strip()
        for c in act.findall(f"{V3}product/{V3}manufacturedProduct/{V3}manufacturedMaterialKind/{V3}code")
    ]
    return _attr(code, "code"), _attr(code, "displayName"), tuple(n for n in ndcs if n)


def _id(org: Element, root: str) -> str | None:
    for element in org.findall(f"{V3}id"):
        if element.get("root") == root and element.get("extension"):
            return element.get("extension")
    return None


def _text(element: Element, path: str) -> str | None:
    found = element.find("/".join(V3 + step for step in path.split("/")))
    if found is None:
        return None
    return " ".join("".join(found.itertext()).split()) or None


def _attr(element: Element | None, name: str) -> str | None:
    return element.get(name) if element is not None else None


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
