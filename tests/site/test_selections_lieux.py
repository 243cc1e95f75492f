"""The grants of each place as the corpus selects them once per build (`Corpus.grants_in`,
`total_in`, `subventions_du_lieu`, `totaux_par_commune`), checked against the grants themselves on
the real corpus: a commune's are those that name it, a canton's, an EPCI's and a territoire's the
union of their communes'."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from generator.lieux import places
from generator.records.corpus import Corpus, SubventionPubliee


@pytest.fixture(scope="module")
def corpus(donnees):
    return Corpus.load(donnees, places.reference())


def _nomment(s: SubventionPubliee) -> set[str]:
    """The communes a grant is located in: its beneficiary's and its project's, when resolved to a commune."""
    return {q.code for q in (s.beneficiaire_ref, s.commune_projet) if q and q.kind == "commune" and q.status == "resolu" and q.code}


def _ordre(subs: list[SubventionPubliee]) -> list[SubventionPubliee]:
    return sorted(subs, key=lambda s: (s.date, s.deliberation, s.id), reverse=True)


def test_a_communes_grants_and_total_are_those_of_the_grants_that_name_it(corpus):
    par_commune = defaultdict(list)
    for s in corpus.subventions:
        for c in _nomment(s):
            par_commune[c].append(s)
    assert len(par_commune) > 300  # the real corpus: grants in a few hundred communes
    for c in corpus.ref.communes:
        attendues = _ordre(par_commune.get(c, []))
        assert [s.id for s in corpus.grants_in([c])] == [s.id for s in attendues]
        assert corpus.total_in([c]) == sum((s.montant for s in attendues), Decimal(0))
        if attendues:
            assert corpus.totaux_par_commune()[c] == corpus.total_in([c])
    wancourt = corpus.grants_in(["62873"])
    assert wancourt and corpus.total_in(["62873"]) > 0


@pytest.mark.parametrize("kind", ["canton", "epci", "territoire"])
def test_a_places_grants_are_the_union_of_its_communes(corpus, kind):
    avec = 0
    for code in corpus.ref.entities(kind):
        communes = corpus.ref.communes_comptees(kind, code)
        union = {s.id: s for c in communes for s in corpus.grants_in([c])}
        subs = corpus.grants_in(communes)
        assert [s.id for s in subs] == [s.id for s in _ordre(list(union.values()))]
        assert len(subs) == len({s.id for s in corpus.subventions if _nomment(s) & set(communes)})
        assert corpus.total_in(communes) == sum((s.montant for s in union.values()), Decimal(0))
        propres = corpus.par_epci.get(code, []) if kind == "epci" else []
        du_lieu = corpus.subventions_du_lieu(kind, code)
        assert [s.id for s in du_lieu] == list(dict.fromkeys(s.id for s in [*propres, *subs]))
        avec += bool(subs)
    assert avec > 0


def test_a_selection_is_a_copy(corpus):
    code = next(c for c in corpus.par_commune if corpus.par_commune[c])
    subs = corpus.grants_in([code])
    subs.clear()
    assert corpus.grants_in([code]) == corpus.par_commune[code]
    lieu = corpus.subventions_du_lieu("commune", code)
    lieu.pop()
    assert len(corpus.subventions_du_lieu("commune", code)) == len(lieu) + 1


def test_the_figures_by_year_sum_each_years_grants(corpus):
    subs = corpus.grants_in(corpus.ref.communes)
    par_an = defaultdict(list)
    for s in subs:
        par_an[int(s.date[:4])].append(s)
    attendu = [(y, sum((s.montant for s in v), Decimal(0)), len(v)) for y, v in sorted(par_an.items())]
    assert corpus.by_year(subs) == attendu and sum(n for _, _, n in attendu) == len(subs) > 0
