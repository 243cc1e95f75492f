"""The resolver maps every written form seen in the recueils to one reference key, and never guesses."""

import pytest

from generator.lieux import places
from generator.lieux.places import Reference, find_communes, normalise, reference, resolve, resolve_list, slug


@pytest.mark.parametrize(
    "written, insee",
    [
        ("COMMUNE DE BAINCTHUN", "62075"),
        ("commune d'Aire-sur-la-Lys", "62014"),
        ("commune d’Aire-sur-la-Lys", "62014"),
        ("commune de Le Portel", "62667"),
        ("Commune du Touquet-Paris-Plage", "62826"),
        ("ville du Touquet Paris-Plage", "62826"),
        ("commune de Le Touquet-Paris-Plage", "62826"),
        ("Pernes-en-Artois", "62652"),
        ("Biache St Vaast", "62128"),
        ("Ste Marie Kerque", "62756"),
        ("Saint Laurent Blangy", "62753"),
        ("BAYENGHEM-LES-SENINGHEM", "62088"),
        ("BAYENGHEM-LES- SENINGHEM", "62088"),
        ("BAYENGHEM-LÈS-SENINGHE", "62088"),
        ("COMMUNE DE NEUVILLE-SOUS-MONTREUI", "62610"),
        ("LOOS EN GOHELLE", "62528"),
        ("Epinoy", "62298"),
        ("COMMUNE D'ACHIET-LE-PETIT", "62006"),
        ("COMMUNE DE ACHIET-LE-PETIT", "62006"),
        ("Wancourt", "62873"),
        ("Saint-Omer", "62765"),
        ("Béthune", "62119"),
        ("SAINT ETIENNE AU MONT", "62746"),
        ("Fouquières-Lez-Lens", "62351"),
        ("Ville d'Ardres", "62038"),
        ("commune d'Houdain", "62457"),
        ("commune de Houdain", "62457"),
        # former communes still named by older recueils
        ("Hesdin", "62447"),
        ("Marconne", "62447"),
        ("Tatinghem", "62757"),
    ],
)
def test_commune(written, insee):
    ref = resolve("commune", written)
    assert (ref.status, ref.code) == ("resolu", insee)
    assert ref.name == reference().communes[insee]["nom"]


def test_commune_unknown_and_typo_stay_unresolved():
    assert resolve("commune", "Atlantis").status == "non-resolu"
    assert resolve("commune", "Atlantis").candidates == []
    assert resolve("commune", "Gonchem").status in ("non-resolu", "ambigu")  # Gonnehem mistyped: no rule guesses it
    # a typo becomes resolvable only by an explicit, reviewed entry of alias.json
    assert (resolve("commune", "Fouqieres-les-Bethune").status, resolve("commune", "Fouqieres-les-Bethune").code) == ("resolu", "62350")


def test_close_names_are_suggested_never_resolved():
    """What the control report suggests for a name it cannot place (the publisher confirms it in
    site_data/corrections.yaml): the real misprints of the corpus."""
    from generator.lieux.places import noms_proches

    assert noms_proches("commune", "Gonchem") == (("62376", "Gonnehem"),)
    assert noms_proches("commune", "Montcarvel") == (("62585", "Montcavrel"),)
    assert noms_proches("commune", "La Madeleine-sous-Montreuil") == (("62535", "La Madelaine-sous-Montreuil"),)
    assert [c for c, _ in noms_proches("commune", "Havelinghen")] == ["62402", "62444"]  # Halinghen, Hervelinghen: two
    assert noms_proches("commune", "Atlantis") == ()
    assert resolve("commune", "Montcarvel").status == "non-resolu"


def test_two_communes_written_as_one_are_split_only_into_exact_names():
    """The April 2019 sommaire lost two commas: « Coyecques Delettes », « Pihen-les-Guines Saint-Inglevert »."""
    from generator.lieux.places import deux_noms

    assert [r.code for r in deux_noms("commune", "Coyecques Delettes")] == ["62254", "62265"]
    assert [r.name for r in deux_noms("commune", "Pihen-les-Guines Saint-Inglevert")] == ["Pihen-lès-Guînes", "Saint-Inglevert"]
    assert deux_noms("commune", "Arras Centre") is None  # one half is no commune
    assert deux_noms("commune", "Montcarvel Frencq") is None  # a misprint is not split around
    assert deux_noms("commune", "Wancourt") is None


def test_short_truncation_is_not_guessed():
    # 'Neuville-' is the start of several communes: never resolve a short prefix
    ref = resolve("commune", "NEUVILLE")
    assert ref.status in ("non-resolu", "ambigu") and ref.code is None


def test_normalise():
    assert normalise("Sainte-Marie-Kerque") == normalise("Ste Marie Kerque")
    assert normalise("Fouquières-lès-Lens") == normalise("FOUQUIERES LEZ LENS")
    assert normalise("Nœux-les-Mines") == "noeux les mines"
    assert normalise("L’Écluse") == normalise("l'ecluse")


@pytest.mark.parametrize(
    "written, code",
    [
        ("BRUAY-LABUISSIERE", "6216"),
        ("HENIN-BEAUMONT-1", "6227"),
        ("HENIN- BEAUMONT-1", "6227"),
        ("NOEUX-LES-MINES", "6235"),
        ("ARRAS-2", "6203"),
        ("Arras 3", "6204"),
        (" Arras 2", "6203"),
        ("DESVRES", "6222"),
        ("AVION", "6208"),
    ],
)
def test_canton(written, code):
    ref = resolve("canton", written)
    assert (ref.status, ref.code) == ("resolu", code)


def test_canton_ambiguous_city():
    ref = resolve("canton", "Arras")
    assert ref.status == "ambigu"
    assert ref.candidates == ["6202", "6203", "6204"]


@pytest.mark.parametrize(
    "written, siren",
    [
        ("C. d'Agglo. de Béthune Bruay Artois Lys, Romane", "200072460"),
        ("C. de Com. Desvres Samer", "200018083"),
        ("C. Urbaine d'Arras", "200033579"),
        ("CUA", "200033579"),
        ("CABBALR", "200072460"),
        ("CABALLR", "200072460"),
        ("CAPSO", "200069037"),
        ("CA2BM", "200069029"),
        ("COM COMMUNES SUD ARTOIS", "200035442"),
        ("COM DE COM CAMPAGNES ARTOIS", "200069482"),
        ("COM COMMUNES PAYS DE LUMBRES", "246201016"),
        ("Communauté d'agglomération de Lens-Liévin (CALL)", "246200364"),
        ("Communauté d'Agglomération de Béthune-Bruay, Artois-Lys Romane", "200072460"),
        ("C. d'Agglo. d'Hénin Carvin", "246200299"),
        ("C. d'Agglo. de Lens - Liévin", "246200364"),
        ("C. de Com. de la Terre des Deux Caps", "246200380"),
        ("Communauté de communes de la Terre des 2 Caps", "246200380"),
        ("C. d'Agglo. des Deux Baies en Montreuillois", "200069029"),
        ("C. de Com. du Haut Pays du Montreuillois", "200069235"),
        ("C. de Com. des 7 Vallées", "200044030"),
        ("C. de Com. du Ternois", "200069672"),
        ("C. de Com. Osartis Marquion", "200044048"),
        ("C. d'Agglo. du Boulonnais", "246200729"),
        ("C. de Com. de la Région d'Audruicq", "246200844"),
        ("C. de Com. Pays d'Opale", "200072478"),
        ("Communauté de communes Flandre Lys", "245900758"),
        ("Communauté d'agglomération Grand Calais Terres et Mers", "200090751"),
    ],
)
def test_epci(written, siren):
    ref = resolve("epci", written)
    assert (ref.status, ref.code) == ("resolu", siren)


def test_epci_not_fiscalite_propre():
    assert resolve("epci", "SYND INTERCOM DU RPC MORINIE").status == "non-resolu"


@pytest.mark.parametrize(
    "written, code",
    [
        ("Lens-Hénin", "lens-henin"),
        ("Lens Hénin", "lens-henin"),
        ("LENS-HENIN", "lens-henin"),
        ("Lens / Hénin", "lens-henin"),
        ("Montreuillois - Ternois", "montreuillois-ternois"),
        ("Montreuillois- Ternois", "montreuillois-ternois"),
        ("ARRAGEOIS", "arrageois"),
        ("l'Arrageois", "arrageois"),
        ("Lens-Liévin", "lens-lievin"),
        ("HENIN-CARVIN", "henin-carvin"),
        ("Henin / Carvin", "henin-carvin"),
        ("TERNOIS", "ternois"),
    ],
)
def test_territoire(written, code):
    ref = resolve("territoire", written)
    assert (ref.status, ref.code) == ("resolu", code)


@pytest.mark.parametrize(
    "kind, written",
    [
        ("territoire", "Tous les territoires"),
        ("territoire", "Tous les territoires "),
        ("canton", "Tous les cantons"),
        ("canton", "Tous les cantons (des territoires)"),
        ("canton", "Tous les cantons des territoires"),
        ("epci", "Tous les EPCI"),
        ("epci", "Tous les EPCI (du territoire)"),
        ("epci", "Tous les EPCI (des territoires)"),
    ],
)
def test_sentinels(kind, written):
    assert resolve(kind, written).status == "tous"


def test_resolve_list_epci_with_comma_inside_a_name():
    refs = resolve_list("epci", "C. d'Agglo. de Béthune Bruay Artois Lys, Romane, C. d'Agglo. d'Hénin Carvin, C. d'Agglo. de Lens - Liévin")
    assert [r.code for r in refs] == ["200072460", "246200299", "246200364"]
    assert all(r.status == "resolu" for r in refs)


def test_resolve_list_epci_wrapped_over_lines():
    text = (
        "C. de Com. Osartis Marquion, C. Urbaine d'Arras, C. d'Agglo. de Béthune Bruay \n"
        "Artois Lys, Romane, C. d'Agglo. du Boulonnais, C. de Com. de la Terre des Deux Caps, C. \n"
        "de Com. de la Région d'Audruicq, C. de Com. Pays d'Opale, C. d'Agglo. des Deux Baies en \n"
        "Montreuillois, C. de Com. du Haut Pays du Montreuillois, C. de Com. des 7 Vallées, C. de \n"
        "Com. du Ternois "
    )
    refs = resolve_list("epci", text)
    assert [r.code for r in refs] == [
        "200044048",
        "200033579",
        "200072460",
        "246200729",
        "246200380",
        "246200844",
        "200072478",
        "200069029",
        "200069235",
        "200044030",
        "200069672",
    ]


def test_resolve_list_cantons():
    refs = resolve_list("canton", "BRUAY-LABUISSIERE, AVION, CARVIN, DOUVRIN, HARNES, HENIN-\nBEAUMONT-1, LIEVIN, NOEUX-LES-MINES, WINGLES")
    assert [r.code for r in refs] == ["6216", "6208", "6221", "6223", "6226", "6227", "6230", "6235", "6239"]


def test_resolve_list_sentinels():
    refs = resolve_list("territoire", "Tous les territoires")
    assert len(refs) == 1 and refs[0].status == "tous"
    refs = resolve_list("territoire", "Tous les territoires, Arrageois")
    assert [(r.status, r.code) for r in refs] == [("tous", None), ("resolu", "arrageois")]
    refs = resolve_list("territoire", "Artois, Boulonnais, Arrageois, Calaisis, Montreuillois-Ternois")
    assert [r.code for r in refs] == ["artois", "boulonnais", "arrageois", "calaisis", "montreuillois-ternois"]


def test_resolve_list_keeps_unknown_pieces():
    refs = resolve_list("commune", "Arras, Atlantis")
    assert [(r.status, r.code) for r in refs] == [("resolu", "62041"), ("non-resolu", None)]


def test_find_communes_voirie_titles():
    refs = find_communes("RD D128 au territoire de la commune de Hucqueliers – Travaux de réfection")
    assert [(r.written, r.code) for r in refs] == [("Hucqueliers", "62463")]
    refs = find_communes("RD 901 au territoire des communes de Carly, Hesdin-L-Abbe et Samer – Manifestation")
    assert [r.code for r in refs] == ["62214", "62448", "62773"]
    refs = find_communes("RD 940 au territoire de la commune du Touquet-Paris-Plage - Travaux")
    assert [r.code for r in refs] == ["62826"]
    refs = find_communes("RD D939 au territoire de la commune de Etaples – Travaux de nuit")
    assert [r.code for r in refs] == ["62318"]
    assert find_communes("RD 939 – Travaux de réfection de chaussée") == []


def test_context_settles_an_ambiguity_only_when_unique():
    ambiguous = resolve("canton", "Arras")
    assert ambiguous.status == "ambigu"
    assert resolve("canton", "Arras", context={"territoire": "arrageois"}).status == "ambigu"


def test_slugs():
    ref = reference()
    assert slug("Le Touquet-Paris-Plage") == "le-touquet-paris-plage"
    assert ref.communes["62873"]["slug"] == "wancourt"
    assert ref.communes["62826"]["slug"] == "le-touquet-paris-plage"
    assert ref.cantons["6202"]["slug"] == "arras-1"
    assert ref.epci["200033579"]["slug"] == "cu-d-arras"
    assert ref.territoires["lens-henin"]["slug"] == "lens-henin"
    for kind in ("commune", "canton", "epci", "territoire"):
        slugs = [e["slug"] for e in ref.entities(kind).values()]
        assert len(slugs) == len(set(slugs)), kind


def test_every_official_name_resolves_to_itself():
    ref = reference()
    for kind in ("commune", "canton", "epci", "territoire"):
        for code, ent in ref.entities(kind).items():
            got = resolve(kind, ent["nom"])
            assert (got.status, got.code) == ("resolu", code), (kind, ent["nom"], got)


def test_the_digest_of_the_geography_follows_every_field_and_the_order():
    """`Reference.empreinte`, what every key of pages, feeds and files of grants reads of the geography: the same
    for the geography loaded again; another when a commune's name changes, or when the communes come in another
    order (lists follow the dicts' order: the digest is not loosened to a sorted one)."""
    ref, autre = Reference.load(), Reference.load()
    assert ref.empreinte() == autre.empreinte() and len(ref.empreinte()) == 64
    nom = Reference.load()
    nom.communes["62329"]["nom"] = "Ferques-la-Neuve"  # Ferques
    ordre = Reference.load()
    ordre.communes = dict(reversed(ordre.communes.items()))
    assert len({ref.empreinte(), nom.empreinte(), ordre.empreinte()}) == 3
    assert ordre.communes.keys() == ref.communes.keys()


def test_a_name_looked_up_again_gives_the_same_codes_in_a_list_of_its_own():
    """`_lookup` is cached: the list of codes it gives is the caller's to change."""
    status, codes, exact = places._lookup("commune", "Fouqieres-les-Bethune")
    assert (status, codes, exact) == ("resolu", ["62350"], True)
    codes.append("62041")
    assert places._lookup("commune", "Fouqieres-les-Bethune") == ("resolu", ["62350"], True)
    assert places._lookup("commune", "Atlantis") == ("non-resolu", [], False)
