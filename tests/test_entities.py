from __future__ import annotations

import pytest

from crosswire.stages.entities import translit_key


def _entity(dossier, alias):
    return next(e for e in dossier.entities if alias in e.aliases)


@pytest.mark.parametrize(
    "a, b", [("yevgeny", "evgeny"), ("sergei", "sergey"), ("yulia", "julia"), ("yuliya", "yulia"), ("dmitry", "dmitri")]
)
def test_entities_transliteration_variants_fold(a, b):
    assert translit_key(a) == translit_key(b)


def test_entities_reference_prigozhin_variants_merge(reference_dossier):
    prigozhin = _entity(reference_dossier, "Yevgeny Prigozhin")
    assert {"Evgeny Prigozhin", "Prigozhin"} <= set(prigozhin.aliases)
    assert prigozhin.type == "PERSON"
    assert prigozhin.merges  # the reason for each merge is kept


def test_entities_reference_alexanders_stay_apart(reference_dossier):
    ids = {
        _entity(reference_dossier, n).id for n in ("Alexander Lukashenko", "Alexander Bortnikov", "Alexander Bastrykin")
    }
    assert len(ids) == 3
    assert (
        _entity(reference_dossier, "Aleksandr Lukashenko").id == _entity(reference_dossier, "Alexander Lukashenko").id
    )


def test_entities_reference_first_name_only_is_not_merged(reference_dossier):
    assert _entity(reference_dossier, "Dmitry").id != _entity(reference_dossier, "Dmitry Peskov").id


def test_entities_sample_marchenko_variants_merge_and_tomases_stay_apart(sample_dossier):
    marchenko = _entity(sample_dossier, "Yuliya Marchenko")
    assert {"Yulia Marchenko", "Julia Marchenko", "Marchenko"} <= set(marchenko.aliases)
    assert _entity(sample_dossier, "Tomas Reiter").id != _entity(sample_dossier, "Tomas Vidal").id
    assert _entity(sample_dossier, "Aleksandr Dorin").id == _entity(sample_dossier, "Alexander Dorin").id
