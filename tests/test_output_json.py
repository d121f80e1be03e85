"""The dossier's JSON reads back into the same types: what the store keeps, the web page shows and the
diff compares is a Dossier, and a stored version draws the same page as a fresh analysis."""

from __future__ import annotations

import json

import pytest

from crosswire.errors import InputError
from crosswire.output.html import to_html
from crosswire.output.json import from_dict, to_dict
from crosswire.output.markdown import to_markdown


def _round_trip(dossier) -> None:
    data = json.loads(json.dumps(to_dict(dossier, "test")))  # as the store keeps it: through JSON text
    back = from_dict(data)
    assert to_dict(back, "test") == data
    assert to_markdown(back) == to_markdown(dossier)
    assert to_html(back, "test") == to_html(dossier, "test")


def test_output_json_sample_reads_back_to_the_same_outputs(sample_dossier):
    _round_trip(sample_dossier)


def test_output_json_reference_reads_back_to_the_same_outputs(reference_dossier):
    _round_trip(reference_dossier)


def test_output_json_refuses_what_is_not_a_dossier():
    with pytest.raises(InputError, match=r"stored v3: not a crosswire dossier of schema version 1 \(found '9'\)"):
        from_dict({"schema_version": "9"}, "stored v3")
    with pytest.raises(InputError, match="stored v4: not a crosswire dossier"):
        from_dict([], "stored v4")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="stored v5: a dossier field is missing or malformed.*documents"):
        from_dict({"schema_version": "1", "brief": {"headline": "x", "summary": []}}, "stored v5")


def test_output_json_an_older_version_without_the_optional_fields_still_draws(sample_dossier):
    """A version stored before the extra fields existed (events, a conflict's verdict, a mention's date
    and clause) reads back with defaults and still renders."""
    data = json.loads(json.dumps(to_dict(sample_dossier, "test")))
    data.pop("events")
    for conflict in data["conflicts"]:
        conflict.pop("disputes")
    for claim in data["claims"]:
        claim.pop("normalisation")
        for mention in claim["mentions"]:
            for key in ("when", "clause", "kind", "span", "tense", "future", "negated"):
                mention.pop(key)
    for document in data["documents"]:
        document.pop("outlet_evidence")
        document.pop("story_block")
    back = from_dict(data)
    assert back.events == () and all(k.disputes for k in back.conflicts)
    assert all(m.kind == "news" and m.when is None for c in back.claims for m in c.mentions)
    page = to_html(back)
    assert sample_dossier.brief.headline.split()[0] in page and 'id="matrix"' in page


def test_output_json_kept_json_writes_what_to_dict_gives_version_after_version(sample_dossier):
    # A desk writes each version's documents, entities and claims once and reuses them: every
    # version must still be the dossier's own JSON, when a claim or an entity changed, when a
    # sentence they cite reads differently, and when a file name was not UTF-8 (text orjson cannot
    # write).
    from dataclasses import replace

    import orjson

    from crosswire.output.json import KeptJSON

    def expected(dossier) -> object:
        text = json.dumps(to_dict(dossier, "t"), ensure_ascii=False)
        return json.loads(text.encode("utf-8", "surrogatepass"))

    # The same bytes as writing the dossier's JSON in one go.
    assert KeptJSON().dumps(sample_dossier, "t") == orjson.dumps(to_dict(sample_dossier, "t"))

    kept = KeptJSON()
    assert json.loads(kept.dumps(sample_dossier, "t")) == expected(sample_dossier)
    first = sample_dossier.claims[0]
    claims = (replace(first, status="disputed"), *sample_dossier.claims[1:])
    changed = replace(sample_dossier, claims=claims)
    assert json.loads(kept.dumps(changed, "t")) == expected(changed)
    cited = first.mentions[0]

    def updated(sentence):  # type: ignore[no-untyped-def]
        if sentence.id != cited.sentence:
            return sentence
        return replace(sentence, text=sentence.text + " (updated)")

    documents = tuple(
        replace(d, sentences=tuple(map(updated, d.sentences))) if d.id == cited.doc else d
        for d in sample_dossier.documents
    )
    reworded = replace(sample_dossier, documents=documents)
    assert json.loads(kept.dumps(reworded, "t")) == expected(reworded)
    where = (cited.doc, cited.sentence)
    # (an entity cites the reworded sentence too)
    assert any((m.doc, m.sentence) == where for e in reworded.entities for m in e.mentions)
    first_entity, *others = sample_dossier.entities
    someone = replace(first_entity, name="Someone Else")
    renamed_entity = replace(reworded, entities=(someone, *others))
    assert json.loads(kept.dumps(renamed_entity, "t")) == expected(renamed_entity)
    two = (first_entity, *others[:1])
    fewer = replace(sample_dossier, claims=sample_dossier.claims[:3], entities=two)
    assert json.loads(kept.dumps(fewer, "t")) == expected(fewer)
    # (what the last version did not hold is let go)
    assert len(kept._kept) == 3 + 2 + len(sample_dossier.documents)
    renamed = (replace(documents[0], source="a\udcff.txt"), *documents[1:])
    odd = replace(sample_dossier, documents=renamed)
    assert json.loads(kept.dumps(odd, "t").decode("utf-8", "surrogatepass")) == expected(odd)
    plain = json.dumps(to_dict(odd, "t"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert kept.dumps(odd, "t") == plain  # (the json module's bytes, as the store wrote before)
