"""The Markdown report of article_extraction.py and the reading of its figures."""

from __future__ import annotations

ROWS = (
    ("trafilatura", "trafilatura.extract(html), installed {version}"),
    ("trafilatura_no_title", "  same, leading title line dropped"),
    ("trafilatura_as_called", "trafilatura as crosswire calls it (no comments), before cleaning"),
    ("crosswire", "crosswire clean(): body paragraphs"),
    ("crosswire_with_title", "  crosswire title + body"),
)


def markdown(r: dict) -> str:
    s, ref, an = r["systems"], r["reference_outputs_rescored"], r["clean_analysis"]
    version = r["trafilatura_version"]
    lines = [
        "## Article body extraction (Zyte article-extraction-benchmark)",
        "",
        "```",
        r["command"],
        "```",
        "",
        f"{r['pages']} news pages with hand-made article bodies (no headline in the gold text). Metric: the "
        "benchmark's own word-4-gram shingle precision and recall, averaged over pages, F1 from the averages; "
        "accuracy is the share of pages whose words match exactly. ± is the bootstrap standard deviation of F1 "
        f"(1,000 resamples). Run took {r['seconds']['total']:.0f} s on one process.",
        "",
        "| system | F1 | precision | recall | accuracy | published F1 / P / R |",
        "|---|---|---|---|---|---|",
    ]
    pub = r["published"]
    for name, label in ROWS:
        x = s[name]
        label = label.format(version=version).strip()
        ref_col = ""
        if name == "trafilatura":
            p = pub["trafilatura"]
            ref_col = f"{p['f1']:.3f} / {p['precision']:.3f} / {p['recall']:.3f} (2.0.0)"
        lines.append(
            f"| {label} | **{x['f1']:.3f}** ±{x['bootstrap_sd']['f1']:.3f} | {x['precision']:.3f} | "
            f"{x['recall']:.3f} | {x['accuracy']:.3f} | {ref_col} |"
        )
    for key in ("trafilatura", "readability", "newspaper", "html-text"):
        x, p = ref[key], pub[key]
        lines.append(
            f"| published output of {p['name']} {p['version']}, re-scored here | {x['f1']:.3f} | "
            f"{x['precision']:.3f} | {x['recall']:.3f} | {x['accuracy']:.3f} | "
            f"{p['f1']:.3f} / {p['precision']:.3f} / {p['recall']:.3f} |"
        )
    reproduced = [k for k, v in ref.items() if v.get("reproduced")]
    lines += [
        "",
        f"Metric check: re-scoring the {len(ref)} prediction files shipped with the benchmark reproduces the "
        f"published F1/P/R/accuracy to three decimals for {len(reproduced)} of {len(ref)} systems"
        + ("" if len(reproduced) == len(ref) else f" (not: {', '.join(k for k in ref if k not in reproduced)})")
        + ".",
        "",
        "What clean() does to trafilatura's text (corpus F1 change caused by each kind of removal, measured by "
        "putting that kind back; words = words removed, of which in gold = words that are article body):",
        "",
        "| removal | pages | words | in gold | ΔF1 | ΔR |",
        "|---|---|---|---|---|---|",
    ]
    for label, k in sorted(an["by_kind"].items(), key=lambda kv: kv[1]["corpus_f1_change_from_this_removal"]):
        lines.append(
            f"| {label} | {k['pages']} | {k['tokens_removed']} | {k['tokens_removed_that_are_article_body']} | "
            f"{k['corpus_f1_change_from_this_removal']:+.4f} | {k['corpus_recall_change_from_this_removal']:+.4f} |"
        )
    lines += ["", "Reading (generated from the figures above; the causes were diagnosed on this run's pages):", ""]
    lines += [f"- {line}" for line in _reading(r)]
    lines += ["", "Costliest losses (see `loss_examples` and `per_page` in results/article_extraction.json):", ""]
    for ex in r["loss_examples"]:
        lines.append(
            f"- {ex['label']}: {ex['url']}: {ex['article_tokens_lost']} article words removed"
            f"{' in ' + str(ex['items']) + ' items (joined by //)' if ex.get('items', 1) > 1 else ''}, page recall "
            f"{ex['recall_before_clean']:.2f} → {ex['recall_after_clean']:.2f}; "
            f"removed: “{' / '.join(ex['removed'][:140].splitlines())}…”"
        )
    return "\n".join(lines) + "\n"


def _reading(r: dict) -> list[str]:
    s, an = r["systems"], r["clean_analysis"]
    kinds = an["by_kind"]
    pre, cw = s["trafilatura_as_called"], s["crosswire"]
    out = [
        f"crosswire's body scores F1 {cw['f1']:.3f} against {pre['f1']:.3f} for the trafilatura text it starts "
        f"from ({s['trafilatura']['f1']:.3f} for `trafilatura.extract` with its defaults, which keep comments): "
        f"cleaning moves precision {cw['precision'] - pre['precision']:+.3f} and recall "
        f"{cw['recall'] - pre['recall']:+.3f}; it changed {an['pages_changed_by_clean']} pages, "
        f"{an['pages_improved']} for the better and {an['pages_worsened']} for the worse."
    ]
    pages = {p["id"]: p for p in r["per_page"]}
    comments = kinds.get("comments")
    if comments and comments["corpus_f1_change_from_this_removal"] < 0:
        right = sum(1 for p in r["per_page"] for i in p["removals"] if i["label"] == "comments" and i["in_gold"] < 0.5)
        share = comments["tokens_removed_that_are_article_body"] / max(1, comments["tokens_removed"])
        out.append(
            f"The main loss is reader-comment detection: it fired on {comments['pages']} pages, {right} of them real "
            f"comments, and removed {comments['tokens_removed']:,} words of which {share:.0%} are article body "
            f"(F1 {comments['corpus_f1_change_from_this_removal']:+.3f}). On HTML trafilatura has already left comment "
            "sections out; the chat heuristic (`_chat.comment_start`) counts a paragraph as chat on a single "
            "“you” or “I” (chat_score ≥ 1), so reviews, first-person blogs and service pieces lose their second half."
        )
    errors = an["errors"]
    if errors:
        cjk = sum(1 for e in errors if pages[e["id"]].get("cjk_share", 0) > 0.5)
        out.append(
            f"{len(errors)} page(s) raise InputError and score recall 0"
            + (
                f"; {cjk} of them are Japanese, Chinese or Korean text, where no paragraph has 8 space-separated "
                "words and "
                "“。” is not sentence-final punctuation for `_TERMINAL`, so every paragraph is dropped as a subheading."
                if cjk
                else "."
            )
        )
    sub = kinds.get("subheading")
    if sub:
        share = sub["tokens_removed_that_are_article_body"] / max(1, sub["tokens_removed"])
        out.append(
            f"Subheading removal (lines under 8 words without final punctuation) fired on {sub['pages']} pages and "
            f"removed {sub['tokens_removed']:,} words, {share:.0%} of them in the gold body, which keeps subheadings "
            "and "
            f"list items; being short they cost little (F1 {sub['corpus_f1_change_from_this_removal']:+.4f})."
        )
    gains = [(k, v) for k, v in kinds.items() if v["corpus_f1_change_from_this_removal"] > 0.0005]
    if gains:
        out.append(
            "Gains: "
            + ", ".join(f"{k} on {v['pages']} pages ({v['corpus_f1_change_from_this_removal']:+.4f})" for k, v in gains)
            + ". The gold never contains the headline, so both systems are scored on the body alone; putting "
            f"crosswire's title back gives {s['crosswire_with_title']['f1']:.3f}, and dropping a leading title line "
            f"from plain trafilatura ({r['title_lines_dropped_from_trafilatura']} pages) gives "
            f"{s['trafilatura_no_title']['f1']:.3f}. The published trafilatura 2.0.0 output starts with the headline "
            "on "
            f"{r['reference_trafilatura_pages_starting_with_title']} of 181 pages."
        )
    return out
