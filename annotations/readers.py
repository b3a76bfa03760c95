"""Turn files (txt, json, jsonl, html) into raw article records for services.article_import.

Used by the `import_articles` command and the admin's upload page. A reader never raises for bad
input: it yields a Record with `error` set, so one bad file or line never stops the others.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = {".txt", ".json", ".jsonl", ".html", ".htm"}
# A title line is followed by a blank line (any line-ending style).
_TITLE_RE = re.compile(r"\A[ \t]*([^\r\n]+?)[ \t]*(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)")


_TOO_DEEP = "malformed JSON: nested too deeply"


@dataclass(frozen=True)
class Record:
    origin: str  # where it came from, for messages: "news/a.jsonl:3"
    data: dict[str, Any] | None = None
    error: str | None = None
    # The records of one exported article, for services.article_restore (see group_exported).
    restore: tuple[dict[str, Any], ...] | None = None


def _title_from_name(name: str) -> str:
    # A file name with bytes that are not UTF-8 arrives with lone surrogates (surrogateescape);
    # a title must be valid text, so those bytes become U+FFFD.
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"[-_]+", " ", Path(name).stem).strip() or Path(name).name


def _decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 text (byte 0x{content[exc.start]:02x} at position {exc.start}); "
            "convert it to UTF-8 first"
        ) from None


def _text_record(
    name: str, text: str, title: str | None, default_title: str | None = None
) -> dict[str, Any]:
    match = _TITLE_RE.match(text)
    if title:
        return {"title": title, "body": text}
    if match:
        rest = text[match.end() :]
        # Further blank lines between the title and the text belong to neither.
        rest = rest.lstrip("\r\n")
        return {"title": match.group(1), "body": rest}
    return {"title": default_title or _title_from_name(name), "body": text}


def _html_record(
    name: str, html: str, title: str | None, default_title: str | None = None
) -> dict[str, Any]:
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
    )
    text = (getattr(doc, "text", None) or "").strip()
    page_title = (getattr(doc, "title", None) or "").strip()
    # The extracted text often starts with the headline, which is the title, not a claim.
    first_line, _, rest = text.partition("\n")
    if page_title and first_line.strip() == page_title and rest.strip():
        text = rest.strip()
    if not text:
        raise ValueError("no article text found in the HTML")
    record: dict[str, Any] = {
        "title": title or page_title or default_title or _title_from_name(name),
        "body": text,
        "source": getattr(doc, "sitename", None) or "",
        "url": getattr(doc, "url", None) or "",
        "published_at": getattr(doc, "date", None) or None,
    }
    return record


def read_file(
    name: str, content: bytes, *, title: str | None = None, default_title: str | None = None
) -> Iterator[Record]:
    """Yield the article records in one file's content; `name` gives the format and messages.

    A .txt or .html file's title is `title` if given, else its own (a first line followed by a
    blank line; the page's title), else `default_title`, else the file name.
    """
    suffix = Path(name).suffix.lower()
    try:
        text = _decode(name, content)
        if suffix == ".txt":
            yield Record(name, data=_text_record(name, text, title, default_title))
        elif suffix in (".html", ".htm"):
            yield Record(name, data=_html_record(name, text, title, default_title))
        elif suffix == ".json":
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"malformed JSON: {exc.msg} (line {exc.lineno})") from None
            except RecursionError:
                raise ValueError(_TOO_DEEP) from None
            items = parsed if isinstance(parsed, list) else [parsed]
            for number, item in enumerate(items, start=1):
                origin = f"{name}[{number}]" if isinstance(parsed, list) else name
                if isinstance(item, dict):
                    yield Record(origin, data=item)
                else:
                    yield Record(origin, error="expected an object with title and body")
        elif suffix == ".jsonl":
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                origin = f"{name}:{number}"
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Record(origin, error=f"malformed JSON: {exc.msg}")
                    continue
                except RecursionError:
                    yield Record(origin, error=_TOO_DEEP)
                    continue
                if isinstance(item, dict):
                    yield Record(origin, data=item)
                else:
                    yield Record(origin, error="expected an object with title and body")
        else:
            known = ", ".join(sorted(SUFFIXES))
            yield Record(name, error=f"unsupported file type {suffix or '(none)'}; use {known}")
    except ValueError as exc:
        yield Record(name, error=str(exc))


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, error) for each path; folders are walked recursively for known suffixes."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not found:
                yield path, "folder holds no .txt, .json, .jsonl or .html files"
            for file in found:
                yield file, None
        elif path.is_file():
            yield path, None
        elif path.exists():
            yield path, "not a regular file"
        else:
            yield path, "no such file or folder"


def read_paths(paths: Iterable[str | os.PathLike], *, title: str | None = None) -> Iterator[Record]:
    """Yield the records of every file under `paths`, with an error record per unreadable file."""
    for path, error in iter_files(paths):
        if error:
            yield Record(str(path), error=error)
            continue
        try:
            content = path.read_bytes()
        except OSError as exc:
            yield Record(str(path), error=f"cannot read: {exc.strerror or exc}")
            continue
        yield from read_file(str(path), content, title=title)


def _exported_article(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The "article" of a record of an export (annotations/exports/); None for other records."""
    if isinstance(data, dict) and "article" in data and "sentence" in data:
        return data["article"] if isinstance(data["article"], dict) else {}
    return None


def group_exported(records: Iterable[Record]) -> Iterator[Record]:
    """Gather consecutive export records of one article into one Record with `restore` set.

    An export has one record per sentence, in article order, with the article's body in the
    first record of each article; a record with a body or another article id starts a new group.
    Other records pass through unchanged.
    """
    group: list[Record] = []
    for record in records:
        article = _exported_article(record.data)
        if group and (
            article is None
            or "body" in article
            or article.get("id") != _exported_article(group[0].data).get("id")
        ):
            yield Record(group[0].origin, restore=tuple(r.data for r in group))
            group = []
        if article is None:
            yield record
        else:
            group.append(record)
    if group:
        yield Record(group[0].origin, restore=tuple(r.data for r in group))
