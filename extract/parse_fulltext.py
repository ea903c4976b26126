"""Full text from XML: JATS (PLOS, PMC, eLife, bioRxiv) and GROBID TEI, into one PaperText.

Title, abstract, sections with their headings (nested headings joined with " / "),
paragraphs, and figure and table captions in the section where they stand. Sections in the
back matter count too (bioRxiv and Cell-style papers put their methods there, and appendices
live there); references, acknowledgements and footnotes are dropped. Pure functions over bytes.
"""

import re
from dataclasses import dataclass

from lxml import etree

from extract.errors import InputRejected
from extract.records import PaperText, Section

_TEI = "{http://www.tei-c.org/ns/1.0}"
# Errors after which recover=True may have dropped content: everything libxml2 reports but a
# named entity left undefined (JATS without its DTD: one character lost, never a section)
# and bytes that are not UTF-8 (each becomes U+FFFD; nothing after them is lost).
_HARMLESS = frozenset({"ERR_UNDECLARED_ENTITY", "WAR_UNDECLARED_ENTITY", "ERR_INVALID_ENCODING"})


def _parser() -> etree.XMLParser:
    """A parser per document (parsers hold their error log; texts are parsed in threads).
    No entity is resolved, no DTD or network read, libxml2's limits (10 MB text node,
    depth 256) kept on."""
    return etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


@dataclass(frozen=True)
class ParsedText:
    """What an XML file says of itself, before it is matched to a work."""

    doi: str | None
    article_type: str | None
    text: PaperText
    lost: str | None = None  # why the text may be cut short (a parser error), if it may


def _clean(element: etree._Element | None) -> str:
    if element is None:
        return ""
    # str.split() splits on exactly the whitespace `\s` matches, at a fraction of re.sub's
    # cost (half of a paper's parse time went to the regular expression)
    return " ".join("".join(element.itertext()).split())


def _blocks(element: etree._Element | None, skip: frozenset[str] = frozenset()) -> str:
    """Text of an element made of blocks (title, p, sec...), one space between blocks."""
    if element is None:
        return ""
    parts = [
        _blocks(child) if _local(child) in {"sec", "div"} else _clean(child)
        for child in element
        if _local(child) not in skip
    ]
    if not parts:
        return _clean(element)
    return " ".join(p for p in parts if p)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _root(xml: bytes) -> tuple[etree._Element, str | None]:
    """The root element, and why recovering may have lost content (None when nothing was)."""
    parser = _parser()
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise InputRejected(f"not XML: {error}") from error
    if root is None:
        raise InputRejected("not XML: the document is empty or unreadable")
    errors = [e for e in parser.error_log if e.type_name not in _HARMLESS and e.level >= 2]
    first = errors[0] if errors else None
    lost = f"line {first.line}: {first.message.strip()}" if first else None
    return root, lost


def normalise_doi(doi: str) -> str:
    """Bare lower-case DOI from any of its written forms (URL, doi: prefix, spaces)."""
    cleaned = "".join(doi.split()).lower()
    cleaned = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", cleaned)
    return cleaned.removeprefix("doi:")


# --- JATS ---------------------------------------------------------------------------------


def _jats_section(sec: etree._Element, parent: str, out: list[Section]) -> None:
    own = _clean(sec.find("title")) or _clean(sec.find("label"))
    heading = f"{parent} / {own}" if parent and own else (own or parent or "Body")
    paragraphs: list[str] = []
    for child in sec:
        kind = _local(child)
        if kind == "p":
            paragraphs.append(_clean(child))
        elif kind in {"fig", "table-wrap", "fig-group", "table-wrap-group"}:
            paragraphs.extend(_blocks(c) for c in child.iter("caption"))
        elif kind == "list":
            paragraphs.extend(_clean(item) for item in child.iter("list-item"))
    if any(paragraphs):
        out.append(Section(heading=heading, paragraphs=tuple(p for p in paragraphs if p)))
    for child in sec.findall("sec"):
        _jats_section(child, heading, out)


def _jats_abstract(meta: etree._Element | None) -> str | None:
    if meta is None:
        return None
    abstracts = meta.findall("abstract")
    plain = [a for a in abstracts if a.get("abstract-type") in (None, "abstract")]
    chosen = (plain or abstracts or [None])[0]
    return _blocks(chosen, skip=frozenset({"title"})) or None


def parse_jats(xml: bytes, work_id: str = "") -> ParsedText:
    root, lost = _root(xml)
    if _local(root) != "article":
        raise InputRejected(f"not a JATS article: the root element is <{_local(root)}>")
    meta = root.find("front/article-meta")
    doi_el = meta.find("article-id[@pub-id-type='doi']") if meta is not None else None
    title = _clean(meta.find("title-group/article-title")) if meta is not None else ""
    sections: list[Section] = []
    body = root.find("body")
    if body is not None:
        loose = tuple(_clean(p) for p in body.findall("p") if _clean(p))
        if loose:
            sections.append(Section(heading="Body", paragraphs=loose))
        for sec in body.findall("sec"):
            _jats_section(sec, "", sections)
    back = root.find("back")
    if back is not None:  # bioRxiv and Cell-style papers put their methods here
        for sec in [*back.findall("sec"), *back.findall("app-group/app")]:
            _jats_section(sec, "", sections)
    text = PaperText(
        work_id=work_id,
        title=title,
        abstract=_jats_abstract(meta),
        sections=tuple(sections),
        source="jats",
        article_type=root.get("article-type"),
    )
    doi = normalise_doi(doi_el.text) if doi_el is not None and doi_el.text else None
    return ParsedText(doi=doi, article_type=root.get("article-type"), text=text, lost=lost)


# --- GROBID TEI ---------------------------------------------------------------------------


def _tei_div(div: etree._Element, out: list[Section]) -> None:
    heading = _clean(div.find(f"{_TEI}head")) or "Body"
    paragraphs = [_clean(p) for p in div.findall(f"{_TEI}p")]
    paragraphs += [_clean(f.find(f"{_TEI}figDesc")) for f in div.iter(f"{_TEI}figure")]
    kept = tuple(p for p in paragraphs if p)
    if kept:
        out.append(Section(heading=heading, paragraphs=kept))


def parse_tei(xml: bytes, work_id: str = "") -> ParsedText:
    root, lost = _root(xml)
    if _local(root) != "TEI":
        raise InputRejected(f"not a TEI document: the root element is <{_local(root)}>")
    header = root.find(f"{_TEI}teiHeader")
    title = _clean(root.find(f".//{_TEI}titleStmt/{_TEI}title"))
    abstract = _clean(root.find(f".//{_TEI}profileDesc/{_TEI}abstract")) or None
    doi_el = header.find(f".//{_TEI}idno[@type='DOI']") if header is not None else None
    sections: list[Section] = []
    body = root.find(f"{_TEI}text/{_TEI}body")
    if body is not None:
        for div in body.findall(f"{_TEI}div"):
            _tei_div(div, sections)
    text = PaperText(
        work_id=work_id, title=title, abstract=abstract, sections=tuple(sections), source="tei"
    )
    doi = normalise_doi(doi_el.text) if doi_el is not None and doi_el.text else None
    return ParsedText(doi=doi, article_type=None, text=text, lost=lost)


def parse_xml(xml: bytes, work_id: str = "") -> ParsedText:
    """JATS or TEI, told apart by the root element. Any failure to read it, whatever raised
    it (a lone surrogate such as `&#xD800;` fails when its text is decoded), is
    InputRejected with the reason: a bad file is one work's failure, never a crash."""
    head = xml[:4096]
    try:
        return parse_tei(xml, work_id) if b"<TEI" in head else parse_jats(xml, work_id)
    except InputRejected:
        raise
    except Exception as error:  # lxml and the codecs raise many kinds; all mean "unreadable"
        raise InputRejected(f"unreadable XML ({type(error).__name__}: {error})") from error


def full_text_of(parsed: ParsedText, doi: str | None) -> PaperText:
    """The parsed text, if it can stand as this work's full text; else InputRejected saying
    why: content lost to a parser error, no body (only an abstract), or another work's DOI."""
    if parsed.lost:
        raise InputRejected(f"damaged XML, its text may be cut short ({parsed.lost})")
    if parsed.doi and doi and parsed.doi != normalise_doi(doi):
        raise InputRejected(f"the file is the paper {parsed.doi}, not this work's {doi}")
    if not parsed.text.sections:
        raise InputRejected("the XML has no body (abstract only)")
    return parsed.text
