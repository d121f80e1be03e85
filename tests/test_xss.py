"""No article string is ever live markup: a corpus of XSS payloads goes into every field an article
controls (title, outlet, byline, body text, and so claims, quotes, entities, timeline, brief and
removed parts; the file name; the story name; a JSON Lines item's url and published date), through
the real pipeline, and out through the HTML file, the Markdown and every page of the web app. Each
output is parsed (stdlib html.parser and lxml) and must hold only our own elements, our own script,
no event handler, no URL that leaves the page, and a Content-Security-Policy; and the payloads must
be there, as text, so the test cannot pass by losing them."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import SETTINGS
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt

from crosswire.analysis.pipeline import analyze, version
from crosswire.output.html import SCRIPT, to_html
from crosswire.output.json import to_dict
from crosswire.output.markdown import to_markdown
from crosswire.stories.store import open_store
from crosswire.web.app import create_app
from crosswire.web.pages import url

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(\'img\')">',
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert('svg')>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">spaced</a>',
    '<a href="jav&#x09;ascript:alert(1)">tabbed</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus=alert(1) x="',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '{"a":"</script><script>alert(1)</script>"}',
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="width:expression(alert(1))">css</div>',
    '<div style="background-image:url(javascript:alert(1))">bg</div>',
    "<link rel=stylesheet href=http://xss.example/x.css>",
    '<base href="http://xss.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg link</text></a></svg>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "{{7*7}}",
    "{{ config.items() }}",
    "{% for x in range(3) %}boom{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "[x](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[a](data:text/html;base64,PHNjcmlwdD4=) **bold** `code` | cell |",
    "<x onclick=alert(1)>click me</x>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="#" onclick="alert(1)">hash</a>',
    '\\"><img src=x onerror=alert(1)>',
    "<img src=x onerror=alert&#40;1&#41;>",
    "<svg><script>alert&#40;1&#41;</script></svg>",
    "<isindex type=image src=1 onerror=alert(1)>",
]
# Payloads that are also valid file names (no "/"), used as the names of files on disk.
FILE_NAMES = [p for p in PAYLOADS if "/" not in p and len(p) < 60][:6]
GROUPS = 6
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc", "background"}
_OUR_TAGS = (
    "html head meta title style body nav a header h1 h2 h3 p main section ol ul li span button div table thead "
    "tbody tr th td svg line text g circle strong blockquote br dl dt dd details summary pre script form label "
    "input code em mark select option"
)
ALLOWED_TAGS = set(_OUR_TAGS.split())


class Audit(HTMLParser):
    """Everything in a page that could run or leave it, and its text (data and attribute values)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.scripts: list[str] = []
        self.bad: list[str] = []
        self.text: list[str] = []
        self.csp = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv"):
            if values["http-equiv"].lower() == "content-security-policy":
                self.csp = "default-src 'none'" in (values.get("content") or "")
            else:
                self.bad.append(f"meta http-equiv={values['http-equiv']}")
        for name, value in attrs:
            value = value or ""
            self.text.append(value)
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES:
                plain = "".join(c for c in value if c > " ").lower()
                if not (plain.startswith("#") or (plain.startswith("/") and not plain.startswith("//"))):
                    self.bad.append(f"<{tag} {name}={value!r}>")  # every link stays on the page or the site
            if name == "style" and re.search(r"expression|url\s*\(|javascript|@import|behavior", value, re.I):
                self.bad.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def audit(page: str, scripts: list[str], csp: bool = True) -> str:
    """Assert the page is inert apart from ``scripts``; return its text (as a reader sees it)."""
    found = Audit()
    found.feed(page)
    found.close()
    assert found.bad == []
    assert found.scripts == scripts
    assert set(found.tags) <= ALLOWED_TAGS, set(found.tags) - ALLOWED_TAGS
    assert found.csp == csp
    tree = lxml.html.fromstring(page)  # a second, different parser must agree
    assert len(tree.xpath("//script")) == len(scripts)
    assert tree.xpath("//@*[starts-with(name(), 'on')]") == []
    assert tree.xpath("//iframe|//object|//embed|//base|//frame|//applet|//link|//img|//video|//math") == []
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in page  # never verbatim, always escaped
    return " ".join(found.text)


def _group(i: int) -> list[str]:
    return PAYLOADS[i::GROUPS]


def _body(payloads: list[str], day: str, cost: int) -> str:
    lines = [
        f"The transport ministry said on {day}, 17 March 2025, that the old river bridge would reopen next week.",
        "Engineers found cracks in the deck on 3 March 2025 and closed the bridge to all vehicles.",
    ]
    for p in payloads:
        lines += [
            f"On 14 March 2025 officials said that {p} was written on the barrier.",
            f'"{p} is not our message," said transport minister Anna Kovacs on Tuesday.',
            f"Officials at {p} Holdings said the protest group {p} Front had claimed it.",
            f"Related: {p}",
        ]
    lines.append(f"The repairs cost {cost} million euros, said {payloads[0]} and the council.")
    return "\n\n".join(lines)


def build_corpus(folder: Path) -> tuple[list[str], Path]:
    """A JSON Lines feed with payloads in every field, a hostile HTML page and hostile file names.
    Returns (three small text files, the whole folder)."""
    items = []
    for i in range(GROUPS):
        group = _group(i)
        items.append(
            {
                "text": _body(group, ["Monday", "Friday"][i % 2], 4 + 2 * (i % 2)),
                "title": " ".join(group),
                "outlet": " ".join(reversed(group)),
                "author": " ".join(group[1:] + group[:1]),
                "url": group[0],
                "published": group[1],
            }
        )
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    escaped = [html.escape(p) for p in PAYLOADS]
    page = (
        f"<html><head><title>{escaped[0]} {escaped[3]}</title>"
        f'<meta name="author" content="{escaped[21]}"><meta property="og:site_name" content="{escaped[7]}">'
        f"</head><body><article><h1>{escaped[0]} {escaped[3]}</h1>"
        + "".join(
            f"<p>Officials said on Monday that {e} was written on the barrier. {raw}</p>"
            for e, raw in zip(escaped, PAYLOADS, strict=True)
        )
        + "</article></body></html>"
    )
    (folder / f"{FILE_NAMES[0]}.html").write_text(page, encoding="utf-8")
    small = []
    for name in FILE_NAMES[1:4]:
        (folder / f"{name}.txt").write_text(_body(PAYLOADS[:3], "Monday", 4), encoding="utf-8")
        small.append(str(folder / f"{name}.txt"))
    (folder / f"{FILE_NAMES[4]}.txt").write_text("", encoding="utf-8")  # skipped: lands in the errors
    return small, folder


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory, nlp) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Two analyses: three small files (version 1) and the whole hostile folder (version 2)."""
    small, folder = build_corpus(tmp_path_factory.mktemp("xss"))
    first = analyze(small, SETTINGS, nlp=nlp)
    full = analyze([str(folder)], SETTINGS, nlp=nlp)
    return to_dict(first, version()), to_dict(full, version()), full


@pytest.fixture(scope="module")
def client(tmp_path_factory, dossiers) -> TestClient:
    """Every payload is also a story name, each with two versions (so the history shows a diff)."""
    first, full, _ = dossiers
    db = tmp_path_factory.mktemp("xss-web") / "x.db"
    store = open_store(db)
    for name in PAYLOADS:
        store.add_documents(name, [(f"{FILE_NAMES[1]}.txt", name.encode("utf-8"))])
        store.save_version(name, first)
        store.save_version(name, full)
    store.close()
    return TestClient(create_app(db, SETTINGS), base_url="http://127.0.0.1")


CHECKED: Counter[str] = Counter()  # what was audited, for the closing count


def _check(page: str, scripts: list[str], kind: str, csp: bool = True) -> str:
    text = audit(page, scripts, csp)
    CHECKED[kind] += 1
    return text


def test_xss_html_file_is_inert(dossiers):
    _, _, full = dossiers
    for nav in ((), (("All stories", "/"), ("JSON", url(PAYLOADS[0]) + ".json"))):
        text = _check(to_html(full, nav=nav, title_suffix=" · " + PAYLOADS[0]), [SCRIPT], "html file")
        assert [p for p in PAYLOADS if p not in text] == []  # every payload is shown, as text


def test_xss_markdown_is_inert(dossiers):
    _, _, full = dossiers
    markdown = to_markdown(full)
    for preset in ("commonmark", "gfm-like"):
        renderer = MarkdownIt(preset, {"html": True, "linkify": False}).enable("table")
        text = _check(f"<html><body>{renderer.render(markdown)}</body></html>", [], "markdown", csp=False)
        assert "<a " not in renderer.render(markdown)  # no link of any kind: brackets are escaped
        assert [p for p in PAYLOADS if p not in text] == []


def test_xss_web_pages_are_inert(client):
    index = client.get("/")
    text = _check(index.text, [], "web index")
    assert [p for p in PAYLOADS if p not in text] == []  # the story names
    for number, name in enumerate(PAYLOADS):
        pages = [(url(name, "versions", "1"), [SCRIPT]), (url(name, "versions"), []), (url(name, "upload"), [])]
        if number % 10 == 0:  # the full dossier is the same under every name: render it under a few
            pages.append((url(name), [SCRIPT]))
        for path, scripts in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "default-src 'none'" in response.headers["content-security-policy"]
            text = _check(response.text, scripts, "web " + ("dossier" if scripts else path.rsplit("/", 1)[-1]))
            assert name in text
            if path == url(name):
                assert [p for p in PAYLOADS if p not in text] == []
        data = client.get(url(name) + ".json")
        assert data.headers["content-type"] == "application/json"
        assert data.headers["x-content-type-options"] == "nosniff" and data.json()["documents"]
        CHECKED["web json"] += 1


def test_xss_web_error_pages_are_inert(client):
    for name in PAYLOADS:
        ascii_name = name.isascii()
        cases = [
            client.get(url(name + " missing")),
            client.get("/" + name.replace("#", "%23").replace("?", "%3F")),
            client.get(url(name, "versions", "99")),
            client.post(url(name)),
            client.post(url(name, "upload"), files=[("files", (name + ".exe", b"MZ", "application/octet-stream"))]),
            client.post(
                "/upload", data={"story": name + "\x00"}, files=[("files", ("a.txt", b"text " * 30, "text/plain"))]
            ),
        ]
        if ascii_name:
            cases.append(client.post(url(name, "upload"), headers={"origin": name}, files=[("files", ("a.txt", b"t"))]))
        for response in cases:
            assert 400 <= response.status_code < 500, (name, response.status_code)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            _check(response.text, [], f"web error {response.status_code}")


def test_xss_counts(dossiers):
    """The payloads reach every field they were placed in; the count of pages audited (printed) is
    complete only when the module runs in order, so it is reported, not asserted."""
    _, full, _ = dossiers
    fields = {
        "title": [d["title"] for d in full["documents"]],
        "outlet": [d["outlet"] for d in full["documents"]],
        "byline": [d["byline"] for d in full["documents"]],
        "sentences": [s["text"] for d in full["documents"] for s in d["sentences"]],
        "claims": [m["text"] for c in full["claims"] for m in c["mentions"]],
        "quotes": [q["text"] for q in full["quotes"]],
        "entities": [e["name"] for e in full["entities"]],
        "timeline": [t["text"] for t in full["timeline"]],
        "conflicts": [k["explanation"] for k in full["conflicts"]],
        "brief": [s["text"] for s in full["brief"]["summary"]] + [full["brief"]["headline"]],
        "removed": [r["text"] for d in full["documents"] for r in d["removed"]],
        "file name": [d["id"] for d in full["documents"]] + [e["source"] for e in full["errors"]],
    }
    reached = {field: sum(any(p in str(v) for v in values) for p in PAYLOADS) for field, values in fields.items()}
    print(f"\n{len(PAYLOADS)} payloads; reached the dossier per field: {reached}; pages audited: {dict(CHECKED)}")
    assert reached["title"] == reached["outlet"] == len(PAYLOADS) and reached["sentences"] > 0.9 * len(PAYLOADS)
    assert min(reached.values()) > 0
