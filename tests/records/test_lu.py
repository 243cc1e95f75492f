"""The digest a published record is keyed on (`corpus.empreinte_lue`): of the content of the dict of
site_data/ it was read from, however that dict was built."""

from __future__ import annotations

import json
import marshal

from generator.records.corpus import empreinte_lue


def test_the_digest_is_of_the_content_not_of_the_objects():
    """The same record read from its JSON file or from the build's snapshot (`cache_extraction.releve`,
    marshal) gives one digest: strings shared or not, interned or not; one value changed, another."""
    texte = '{"id": "2021-232-0002", "montant": "750", "beneficiaire": "Association Ferk\'Ados", "lieux": ["62", "62"], "n": 1.5}'
    lu = json.loads(texte)
    partage = dict(lu, lieux=[lu["lieux"][0]] * 2)  # one string object twice: a later marshal format writes a reference
    assert partage["lieux"][0] is partage["lieux"][1] and lu["lieux"][0] is not lu["lieux"][1]
    releve = marshal.loads(marshal.dumps(lu))
    assert empreinte_lue(lu) == empreinte_lue(partage) == empreinte_lue(releve)
    assert marshal.dumps(lu) != marshal.dumps(partage)  # (what format 0 avoids)
    assert empreinte_lue(dict(lu, montant="751")) != empreinte_lue(lu)
    assert empreinte_lue(dict(lu, n=1)) != empreinte_lue(dict(lu, n=True))  # types told apart
