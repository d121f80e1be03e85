"""A Universal Dependencies parse (spaCy's French pipeline) put in the shape the English rules read.

The rules of ``_attribution``, ``_clauses`` and ``_certainty`` read the English pipeline's labels
(ClearNLP: ``dobj``, ``nsubjpass``, ``neg``, ``prep`` heading ``pobj``, the verb "be" heading its
``attr``) and its Penn Treebank tags (``VBN``, ``VBD``). spaCy's French pipeline gives UD: ``obj``,
``nsubj:pass``, negation as ``advmod``, a preposition as the ``case`` child of its noun, the
predicate heading its copula. Two components added to the French pipeline close the gap once, at
parse time, so every rule reads one scheme:

- ``crosswire_quote_starts`` (before the parser): no sentence starts right after an opening
  quotation mark (the small French model makes "«" a sentence of its own), nor at a word in lower
  case right after a word;
- ``crosswire_ud_to_clear`` (last): labels renamed, prepositions and copulas turned round, Penn
  tags from the morphology, inverted subject clitics ("a-t-il dit") made subjects, entity labels
  renamed (PER -> PERSON, LOC -> GPE; MISC, a catch-all of the French NER, dropped).

What a UD parse cannot say in ClearNLP terms stays as it is (``fixed``, ``flat:foreign``); the rules
ignore labels they do not know.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

from crosswire.lexicons import ATTRIBUTION_VERBS, BELIEVED, REPORTING_VERBS, words

QUOTE_STARTS = "crosswire_quote_starts"
UD_TO_CLEAR = "crosswire_ud_to_clear"

_OPENING = {"«", "“", "‹", '"', "„"}
_QUOTE_MARKS = _OPENING | {"»", "”", "›"}
_RENAMED = {
    "obj": "dobj",
    "iobj": "dative",
    "nsubj:pass": "nsubjpass",
    "aux:pass": "auxpass",
    "aux:tense": "aux",
    "aux:caus": "aux",
    "acl:relcl": "relcl",
    "expl:subj": "expl",
    "expl:pass": "expl",
    "expl:comp": "expl",
    "flat:name": "compound",
    "csubj:pass": "csubjpass",
    "vocative": "intj",
}
# A noun under a preposition: UD hangs the preposition on the noun ("case"); ClearNLP hangs the noun
# on the preposition ("pobj"), the preposition on what the phrase modifies ("prep", "agent").
_PREPOSITIONAL = {"obl": "prep", "obl:mod": "prep", "obl:arg": "prep", "nmod": "prep", "obl:agent": "agent"}
_WITHOUT_PREPOSITION = {"obl": "npadvmod", "obl:mod": "npadvmod", "obl:arg": "dobj", "obl:agent": "agent"}
# What moves from a predicate to its copula when the copula becomes the head ("Il n'est pas ministre").
_CLAUSE_DEPENDENTS = {
    "nsubj",
    "nsubjpass",
    "csubj",
    "aux",
    "auxpass",
    "neg",
    "mark",
    "advmod",
    "punct",
    "ccomp",
    "advcl",
    "parataxis",
    "expl",
    "cc",
    "npadvmod",
    "dep",
}
_AUXILIARIES = {"avoir", "être"}
# A pronominal verb is a verb of its own ("se déclarer", to break out; "se rendre", to go or to
# surrender): its lemma says so, and no word list of plain verbs takes it for one of them.
_REFLEXIVE = {"se", "s'", "s’"}
# Verbs that take an infinitive as English takes a modal: "doivent reprendre" (are to resume), "pourrait
# fermer" (could close), "va annoncer" (will announce).
_MODALS = {"devoir", "pouvoir", "aller"}
_IMPERFECT_ENDINGS = ("aient", "ait", "ais", "ions", "iez")
_IRREGULAR_FUTURE_STEMS = {
    "avoir": ("aur",), "être": ("ser",), "pouvoir": ("pourr",), "faire": ("fer",), "aller": ("ir",),
    "venir": ("viendr",), "devoir": ("devr",), "vouloir": ("voudr",), "savoir": ("saur",), "falloir": ("faudr",),
    "valoir": ("vaudr",), "voir": ("verr",), "envoyer": ("enverr",), "tenir": ("tiendr",), "mourir": ("mourr",),
    "courir": ("courr",), "recevoir": ("recevr",), "obtenir": ("obtiendr",), "devenir": ("deviendr",),
    "revenir": ("reviendr",), "prévoir": ("prévoir",), "appeler": ("appeller",), "jeter": ("jetter",),
}  # fmt: skip
_CLAUSE_LABELS = {"xcomp", "ccomp", "conj", "parataxis", "advcl"}
_SPEAKER_NOUNS = frozenset(words("fr_speaker_nouns"))
_LISTED_VERBS = REPORTING_VERBS.french | ATTRIBUTION_VERBS.french | BELIEVED.french
_ENTITY_LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}
_CLITIC_SUBJECTS = {"-il", "-elle", "-ils", "-elles", "-on", "-je", "-tu", "-nous", "-vous"}
_SIMPLE_TAGS = {
    "ADJ": "JJ",
    "ADV": "RB",
    "ADP": "IN",
    "DET": "DT",
    "PRON": "PRP",
    "NUM": "CD",
    "CCONJ": "CC",
    "SCONJ": "IN",
    "PART": "RP",
    "INTJ": "UH",
    "SYM": "SYM",
    "X": "XX",
    "SPACE": "_SP",
}


@Language.component(QUOTE_STARTS)
def quote_starts(doc: Any) -> Any:
    """No sentence starts right after an opening quotation mark (the quote and its words are one), at
    a closing one, nor at a word in lower case after a word ("... neuf cents employés": the small
    French model cut there). A straight quote opens when an even number of them comes before it."""
    straight = 0
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.text == '"':
            straight += 1
        opening = before.text in _OPENING - {'"'} or before.text == '"' and straight % 2 == 1
        closing = token.text in _QUOTE_MARKS - _OPENING
        if opening or closing or token.text[:1].islower() and not before.is_punct:
            token.is_sent_start = False
    return doc


@Language.component(UD_TO_CLEAR)
def ud_to_clear(doc: Any) -> Any:
    """The parse, tags and entities of ``doc`` in the English pipeline's scheme (see the module)."""
    for token in doc:
        _retag(token)
        if token.pos_ == "VERB" and token.lemma_ == token.lower_:
            token.lemma_ = _infinitive(token.lower_)
    for token in doc:
        _relabel(token)
    for token in doc:
        if token.pos_ in ("VERB", "AUX") and any(c.lower_ in _REFLEXIVE for c in token.children):
            token.lemma_ = f"se {token.lemma_}"  # "un incendie s'est déclaré": to break out, not to declare
    for sent in doc.sents:
        if sent.root.pos_ == "PUNCT":
            _punctuation_steps_down(sent.root)
    for token in doc:
        if token.pos_ == "VERB" and any(
            c.dep_ in ("aux", "auxpass") and c.lemma_ in _AUXILIARIES for c in token.children
        ):
            token.tag_ = "VBN"  # "a-t-il dit": a compound tense's verb is its participle, whatever the tagger said
    for token in list(doc):
        if token.dep_ == "case" and token.head.i != token.i:
            _preposition_heads(token)
    for token in list(doc):
        if token.lemma_ in _MODALS and token.pos_ in ("VERB", "AUX"):
            _modal_steps_down(token)
    for token in list(doc):
        if token.dep_ == "cop":
            _copula_heads(token)
    for token in list(doc):
        if token.lemma_ in REPORTING_VERBS.french and token.pos_ == "VERB":
            _reporting_after_its_words(token)
            _reporting_in_the_middle(token)
    for token in list(doc):
        if token.dep_ == "compound" and token.head.i < token.i:
            _name_ends_head(token.head)
    doc.ents = [_entity(span) for span in doc.ents if span.label_ in _ENTITY_LABELS]
    return doc


def _retag(token: Any) -> None:
    if _conditional_read_as_imperfect(token):
        token.set_morph(str(token.morph).replace("Mood=Ind", "Mood=Cnd").replace("Tense=Imp", "Tense=Pres"))
    if token.text in _QUOTE_MARKS or token.is_punct:
        token.pos_ = "PUNCT"
        token.tag_ = "``" if token.text in _OPENING else ("''" if token.text in _QUOTE_MARKS else token.text[:1])
        return
    token.tag_ = _penn_tag(token)


def _conditional_read_as_imperfect(token: Any) -> bool:
    """'servirait' tagged as an imperfect: the conditional is the future's stem (the infinitive, less
    the e of -re verbs, or an irregular one) with the imperfect's ending; 'courait' is no 'courirait'."""
    if token.pos_ not in ("VERB", "AUX") or "Imp" not in token.morph.get("Tense"):
        return False
    word, lemma = token.lower_, token.lemma_.lower()
    ending = next((e for e in _IMPERFECT_ENDINGS if word.endswith(e)), None)
    if ending is None:
        return False
    stem = word[: -len(ending)]
    regular = lemma[:-1] if lemma.endswith("re") else lemma
    return stem == regular or stem in _IRREGULAR_FUTURE_STEMS.get(lemma, ())


def _infinitive(word: str) -> str:
    """'estime', 'indiquent', 'considère', 'rappelle' left unlemmatised by the French model: the -er
    infinitive when it is a verb of the word lists (reporting, attributing, believing), else the word
    as it was."""
    for ending in ("ent", "es", "e"):
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        # "considèr-" -> "considér-", "rappell-" -> "rappel-": the stem changes under the ending's stress
        for candidate in (stem, stem.replace("è", "é"), re.sub(r"(ll|tt)$", lambda m: m.group(0)[0], stem)):
            if candidate + "er" in _LISTED_VERBS:
                return candidate + "er"
    return word


def _penn_tag(token: Any) -> str:
    pos, morph = token.pos_, token.morph
    if pos in ("VERB", "AUX"):
        form, tense = morph.get("VerbForm"), morph.get("Tense")
        if "Inf" in form:
            return "VB"
        if "Part" in form:
            return "VBG" if "Pres" in tense else "VBN"
        if "Past" in tense or "Imp" in tense or "Cnd" in morph.get("Mood"):
            return "VBD"
        return "VBZ" if "3" in morph.get("Person") and "Sing" in morph.get("Number") else "VBP"
    plural = "Plur" in morph.get("Number")
    if pos == "NOUN":
        return "NNS" if plural else "NN"
    if pos == "PROPN":
        return "NNPS" if plural else "NNP"
    return _SIMPLE_TAGS.get(pos, "XX")


def _relabel(token: Any) -> None:
    dep = token.dep_
    if token.text.lower() in _CLITIC_SUBJECTS and dep in ("nsubj", "expl:subj", "expl", "dep"):
        token.dep_ = "nsubj"  # "a-t-il dit": the clitic is the subject
    elif token.text.lower() == "-t" and token.pos_ == "PRON":
        token.dep_, token.pos_, token.tag_ = "punct", "PUNCT", "HYPH"  # the euphonic t of "a-t-il"
    elif dep == "det" and (token.pos_ == "NUM" or token.text[:1].isdigit()):
        token.dep_, token.pos_, token.tag_ = "nummod", "NUM", "CD"  # "3 000 dockers": a count, not an article
    elif dep == "advmod" and "Neg" in token.morph.get("Polarity"):
        token.dep_ = "neg"
    elif dep in _RENAMED:
        token.dep_ = _RENAMED[dep]
    elif dep in _WITHOUT_PREPOSITION and not any(c.dep_ == "case" for c in token.children):
        token.dep_ = _WITHOUT_PREPOSITION[dep]


def _punctuation_steps_down(mark: Any) -> None:
    """A quotation mark the parser made the root ("« Nous ne céderons pas », a-t-il dit"): its first
    verb (else word) child heads the sentence instead."""
    words = [c for c in mark.children if c.pos_ != "PUNCT"]
    if not words:
        return
    root = next((c for c in words if c.pos_ in ("VERB", "AUX")), words[0])
    root.head, root.dep_ = root, "ROOT"
    for child in list(mark.children):
        if child.i != root.i:
            child.head = root
    mark.head, mark.dep_ = root, "punct"


def _preposition_heads(case: Any) -> None:
    """'à une grève' (grève <-case- à) becomes à -pobj-> grève, à hanging where grève hung."""
    noun = case.head
    if noun.dep_ not in _PREPOSITIONAL or case.pos_ != "ADP":
        case.dep_ = "prep" if case.pos_ == "ADP" else case.dep_
        return
    if any(c.dep_ == "case" and c.i < case.i and c.pos_ == "ADP" for c in noun.children):
        return  # "jusqu'à" and the like: the first preposition heads the phrase
    is_root = noun.head.i == noun.i
    case.head = case if is_root else noun.head
    case.dep_ = "ROOT" if is_root else _PREPOSITIONAL[noun.dep_]
    noun.head, noun.dep_ = case, "pobj"


def _modal_steps_down(modal: Any) -> None:
    """'Les négociations doivent reprendre' (doivent -xcomp-> reprendre) becomes reprendre -aux->
    doivent, as 'must resume': the event's verb heads its clause, the modal is its auxiliary."""
    verb = next((c for c in modal.children if c.dep_ == "xcomp" and "Inf" in c.morph.get("VerbForm")), None)
    if verb is None:
        return
    is_root = modal.head.i == modal.i
    verb.head = verb if is_root else modal.head
    verb.dep_ = "ROOT" if is_root else modal.dep_
    for child in list(modal.children):
        if child.i != verb.i:
            child.head = verb
    modal.head, modal.dep_, modal.tag_ = verb, "aux", "MD"


def _reporting_after_its_words(verb: Any) -> None:
    """'Un incendie s'est déclaré lundi, a annoncé la préfecture': the reporting verb after its words,
    its subject after it. The parser reads the subject as an object, and the words as an adverbial
    clause of the verb or the verb as one of theirs; as in English ('..., the prefecture said') the
    subject becomes ``nsubj``, the words ``ccomp`` of the verb."""
    after = [c for c in verb.children if c.i > verb.i and c.dep_ == "dobj" and _can_speak(c)]
    if any(c.dep_ == "conj" and c.i > verb.i for c in verb.children):
        return  # "..., a annoncé des mesures et a promis une aide": a series of acts, not a speaker
    # The words may even be read as the subject: "Le bilan est de quatre morts, a annoncé la préfecture".
    before = [
        c
        for c in verb.children
        if c.i < verb.i and c.dep_ in ("advcl", "parataxis", "ccomp", "conj", "nsubj") and c.pos_ in ("VERB", "AUX")
    ]
    if any(c.dep_ in ("nsubj", "nsubjpass") and c not in before for c in verb.children):
        return
    hung = verb.dep_ in ("advcl", "parataxis", "conj") and verb.head.i < verb.i and verb.head.pos_ in ("VERB", "AUX")
    words = before[-1] if before else verb.head if hung else None
    if words is None or not after or _between(words, verb).strip(" ") not in (",", "»,", "”,", '",'):
        return
    if words.i == verb.head.i:  # the verb hangs on its words: it takes their place in the sentence
        is_root = words.head.i == words.i
        verb.head = verb if is_root else words.head
        verb.dep_ = "ROOT" if is_root else words.dep_
        words.head = verb
        for child in list(words.children):
            if child.dep_ == "punct" and child.i > verb.i:
                child.head = verb  # the full stop ends the verb's sentence
    words.dep_ = "ccomp"
    after[0].dep_ = "nsubj"


def _reporting_in_the_middle(verb: Any) -> None:
    """'Le port, a précisé la préfecture, restera fermé': a reporting verb set off by commas inside the
    words it reports. The parser hangs the words' subject on it, reads its subject as an object, and
    makes it either a clause of the main verb or the main verb's head; as in English ('The port, the
    prefecture said, will stay shut') the main verb heads, the subject goes back to it, the speaker is
    the reporting verb's subject, and the reporting verb is a parenthesis."""
    doc = verb.doc
    start = min([verb.i, *(c.i for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i)])
    own = [c for c in verb.children if c.i > verb.i and not c.is_punct and c.dep_ not in _CLAUSE_LABELS]
    end = max((t.i for c in own for t in c.subtree), default=verb.i) + 1
    if not (start > 0 and doc[start - 1].text == "," and end < len(doc) and doc[end].text == ","):
        return
    main = _main_verb(verb, end)
    speakers = [
        c
        for c in verb.children
        if verb.i < c.i < end
        and (c.dep_ == "nsubj" or c.dep_ == "dobj" and _can_speak(c))
        or start < c.i < verb.i
        and c.lower_ in _CLITIC_SUBJECTS  # "a-t-il précisé"
    ]
    if main is None or not speakers:
        return
    if main.head.i == verb.i:  # the main verb hangs on the reporting verb: it takes its place
        is_root = verb.head.i == verb.i
        main.head = main if is_root else verb.head
        main.dep_ = "ROOT" if is_root else verb.dep_
        verb.head = main
        for child in list(verb.children):
            if child.i > end:
                child.head = main  # the rest of the sentence, its full stop
    for child in list(verb.children):
        if child.dep_ in ("nsubj", "nsubjpass") and child.i < start - 1:
            child.head = main  # "Le port": the subject of what is reported
            child.dep_ = "nsubjpass" if any(c.dep_ == "auxpass" for c in main.children) else "nsubj"
    if doc[start - 1].head.i == verb.i:
        doc[start - 1].head = main  # the comma after the subject stays with it: "Les grévistes, reprendront"
    speakers[0].dep_ = "nsubj"
    verb.dep_ = "parataxis"


def _main_verb(verb: Any, end: int) -> Any | None:
    """The verb of the words a reporting verb interrupts: its head after it, or its verb child there."""
    if verb.dep_ in ("advcl", "parataxis", "conj") and verb.head.i > end and verb.head.pos_ in ("VERB", "AUX"):
        return verb.head
    return next(
        (c for c in verb.children if c.i > end and c.dep_ in _CLAUSE_LABELS and c.pos_ in ("VERB", "AUX")), None
    )


def _can_speak(noun: Any) -> bool:
    """Whether the noun after a reporting verb can be who speaks ("la préfecture", "le maire", "Le
    Monde", "-il") rather than what is announced ("des mesures", "la fermeture du site"), and ends the
    sentence or the incise."""
    end = max(t.i for t in noun.subtree) + 1
    closes = end >= noun.sent.end or noun.doc[end].is_punct
    named = noun.ent_type_ in ("PER", "ORG", "LOC", "PERSON", "GPE") or noun.pos_ in ("PROPN", "PRON")
    return closes and (named or noun.pos_ == "NOUN" and noun.lemma_.lower() in _SPEAKER_NOUNS)


def _between(first: Any, verb: Any) -> str:
    """The punctuation between the words reported (ending at the end of ``first``'s subtree) and ``verb``'s
    phrase (its auxiliaries included)."""
    doc = verb.doc
    own = {verb.i} | {t.i for c in verb.children if c.i != first.i for t in c.subtree}
    words = [t.i for t in first.subtree if t.i < verb.i and t.i not in own and not t.is_punct]
    start = max(words, default=verb.i) + 1
    end = min([verb.i, *(c.i for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i)])
    return "".join(t.text for t in doc[start:end])


def _copula_heads(copula: Any) -> None:
    """'Il est ministre' (ministre heads est and Il) becomes est -nsubj-> Il, est -attr-> ministre."""
    predicate = copula.head
    if predicate.i == copula.i:
        return
    is_root = predicate.head.i == predicate.i
    copula.head = copula if is_root else predicate.head
    copula.dep_ = "ROOT" if is_root else predicate.dep_
    for child in list(predicate.children):
        if child.i != copula.i and (child.dep_ in _CLAUSE_DEPENDENTS or child.dep_ == "conj" and child.pos_ == "VERB"):
            child.head = copula
    predicate.head = copula
    predicate.dep_ = "attr" if predicate.pos_ in ("NOUN", "PROPN", "PRON", "NUM") else "acomp"
    if copula.pos_ == "AUX":
        copula.pos_ = "VERB"  # "be" heading its clause is a verb in the English scheme


def _name_ends_head(first: Any) -> None:
    """'Anna Reiter' (Anna -flat-> Reiter) becomes Anna <-compound- Reiter: the surname heads, as in
    English, so a name's head word is its last."""
    parts = [first, *(c for c in first.children if c.dep_ == "compound" and c.i > first.i)]
    last = parts[-1]
    if last.i - first.i != len(parts) - 1:
        return  # not one run of words
    is_root = first.head.i == first.i
    last.head = last if is_root else first.head
    last.dep_ = "ROOT" if is_root else first.dep_
    for child in list(first.children):
        if child.i not in {p.i for p in parts}:
            child.head = last
    for part in parts[:-1]:
        part.head, part.dep_ = last, "compound"


def _entity(span: Any) -> Any:
    return Span(span.doc, span.start, span.end, label=_ENTITY_LABELS[span.label_])


def add_to(nlp: Any) -> Any:
    """``nlp`` (a UD pipeline with a parser) with the two components added."""
    if QUOTE_STARTS not in nlp.pipe_names:
        nlp.add_pipe(QUOTE_STARTS, before="parser")
    if UD_TO_CLEAR not in nlp.pipe_names:
        nlp.add_pipe(UD_TO_CLEAR, last=True)
    return nlp
