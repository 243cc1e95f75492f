"""The « Lexique »: the acronyms of the recueils, defined from what the recueils themselves say,
and the first occurrence of each on every page linked to its definition (`lier`).

Every definition rests on the words of a deliberation of the corpus (`citation`, quoted on the
page with a link to it) or, for the site's own words (SCDL), on what the site publishes. The page
shows a citation only when that deliberation is published and its text holds those words
(`Lexique.verifier`), so that no quotation is ever shown that a reader could not find; the tests
check that every citation is found in the real corpus. Schemes (dispositifs) get one plain sentence
on what they fund, taken from the deliberation that grants them (`DISPOSITIFS`).

The links are put in at render time, on the escaped HTML of each page (`render.write_pages`):
only in text, never inside a link, a heading, a table header, a summary, an attribute, SVG or code,
and only the first occurrence of each term on a page.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from itertools import accumulate

from generator.records.corpus import Corpus, DeliberationPubliee


@dataclass(frozen=True)
class Terme:
    sigle: str  # as printed: « FARDA »
    developpe: str  # what it stands for, as the recueils write it
    definition: str  # one or two plain sentences
    source: str | None = None  # the deliberation whose text says it
    citation: str | None = None  # its words (blanks and apostrophes as `_norme` makes them)
    cadre: str | None = None  # the deliberation that created or set the scheme, as `source` cites it
    variantes: tuple[str, ...] = ()  # other printed forms linked to the same entry

    @property
    def ancre(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.sigle.lower()).strip("-")


TERMES: tuple[Terme, ...] = (
    Terme(
        "ACI",
        "Ateliers et chantiers d'insertion",
        "Structures qui emploient en contrat à durée déterminée d'insertion (CDDI) des personnes éloignées de l'emploi ; "
        "chacun de ces postes reçoit une aide cofinancée par le Département et l'État.",
        "2021-251",
        "la convention 2021 de gestion financière des Contrats à Durée Déterminée d'Insertion (CDDI) en faveur des Ateliers et "
        "Chantiers d'Insertion (ACI)",
    ),
    Terme(
        "AVC",
        "Aide à la voirie communale",
        "Volet du FARDA qui subventionne les travaux de voirie des communes ; « AVC » est le type de demande inscrit dans le tableau "
        "des projets retenus.",
        "2021-239",
        "D'attribuer les subventions aux communes, au titre du FARDA – Aide à la Voirie Communale",
    ),
    Terme(
        "CDDI",
        "Contrat à durée déterminée d'insertion",
        "Contrat de travail des salariés en insertion des ateliers et chantiers d'insertion (ACI) ; le Département en cofinance "
        "l'aide au poste, versée par l'Agence de services et de paiement (ASP).",
        "2021-251",
        "Le contrat à durée déterminée d'insertion (CDDI) est le support contractuel associé à l'aide au poste d'insertion.",
    ),
    Terme(
        "CNSA",
        "Caisse nationale de solidarité pour l'autonomie",
        "Caisse nationale qui finance avec le Département la modernisation et la professionnalisation des services d'aide à domicile.",
        "2021-247",
        "avec la Caisse Nationale de Solidarité pour l'Autonomie (CNSA), la convention pluriannuelle 2021-2023",
    ),
    Terme(
        "CP",
        "Commission permanente, ou crédits de paiement",
        "Deux sens selon le contexte. Dans le texte (« la CP du 2 mars 2020 »), la Commission permanente : les élus à qui le "
        "Conseil départemental délègue une partie de ses décisions. Dans les tableaux budgétaires "
        "(colonnes « AP/AE », « CP »), les crédits de paiement : ce que le Département peut dépenser dans l'année sur une "
        "autorisation de programme.",
        "2021-245",
        "de modifier la délibération n°2020-100 de la CP du 2 mars 2020",
    ),
    Terme(
        "DECI",
        "Défense extérieure contre l'incendie",
        "Les équipements qui fournissent l'eau aux pompiers (poteaux incendie, prises d'eau) ; « DECI » est aussi un type de "
        "demande du FARDA aménagement.",
        "2019-117",
        "Porte une étude prospective sur la prise de compétence Eau et Assainissement, et Défense Extérieure Contre l'Incendie (DECI).",
    ),
    Terme(
        "EPCI",
        "Établissement public de coopération intercommunale",
        "Regroupement de communes (communauté de communes, d'agglomération ou urbaine) qui exerce pour elles certaines "
        "compétences ; on dit aussi « intercommunalité ».",
        "2022-317",
        "avec les Etablissements Publics de Coopération Intercommunale (EPCI)",
    ),
    Terme(
        "EPDEF",
        "Établissement public départemental de l'enfance et de la famille",
        "Établissement du Département qui accueille des enfants confiés à l'aide sociale à l'enfance.",
        "2021-248",
        "D'attribuer à l'Etablissement Public Départemental de l'Enfance et de la Famille (EPDEF) une subvention de 2 997 000 €",
    ),
    Terme(
        "ESMS",
        "Établissements et services sociaux et médico-sociaux",
        "Les établissements et services d'accueil et d'accompagnement, comme ceux de la protection de l'enfance ; le Département "
        "leur accorde des subventions d'équipement.",
        "2021-248",
        "au titre des subventions d'équipement aux Etablissements Sociaux et Médicaux Sociaux (ESMS) concourant à la protection de l'Enfance",
    ),
    Terme(
        "ESS",
        "Économie sociale et solidaire",
        "Une autre façon d'entreprendre, de produire et de répartir les richesses, les services et les biens, « en replaçant "
        "l'homme et les territoires au cœur des priorités » : associations, coopératives…",
        "2021-233",
        "L'Économie Sociale et Solidaire (ESS), fortement ancrée dans le Pas-de-Calais, se traduit par une autre façon d'entreprendre",
    ),
    Terme(
        "FARDA",
        "Fonds d'aménagement rural et de développement agricole",
        "Programme d'aide du Département aux projets d'investissement des communes, des intercommunalités et des syndicats. Il est "
        "attribué par volets : l'aide à la voirie communale (« FARDA voirie ») et l'aménagement (« FARDA aménagement » : bâtiments "
        "publics, espaces publics, défense contre l'incendie, abribus, bourgs-centres…).",
        "2019-117",
        "via le Fonds d'aménagement rural et de développement agricole (FARDA)",
        "délibération n°9 du Conseil départemental du 14 novembre 2016, « Soutien à l'investissement dans les territoires ruraux – "
        "nouveaux critères et modalités du FARDA » (citée par la délibération 2021-242)",
    ),
    Terme(
        "FIEET",
        "Fonds d'intervention en faveur des enjeux écologiques territoriaux",
        "Subventions aux projets écologiques des communes, des intercommunalités et des syndicats : plantation de haies et de "
        "vergers, mares, écopâturage, renaturation…",
        "2021-236",
        "au titre du Fonds d'Intervention pour les Enjeux Ecologiques Territoriaux (FIEET ci-après) pour les projets déposés par "
        "les communes, EPCI et Syndicats",
    ),
    Terme(
        "FIEN",
        "Fonds d'initiative pour l'environnement",
        "Subventions aux projets des associations en faveur de l'environnement ; le rapport de la même délibération l'appelle "
        "« Fonds d'Initiatives pour les Espaces Naturels ».",
        "2021-236",
        "au titre du Fonds d'Initiatives pour les Espaces Naturels (FIEN ci-après) pour les projets déposés par les associations",
    ),
    Terme(
        "MDADT",
        "Maison du Département Aménagement et Développement Territorial",
        "Services locaux du Département qui conseillent les porteurs de projets et suivent leurs travaux.",
        "2021-242",
        "Les porteurs de projets sont invités à prendre contact avec les Maisons du Département Aménagement et Développement "
        "Territorial (MDADT)",
    ),
    Terme(
        "RSA",
        "Revenu de solidarité active",
        "Allocation versée par le Département aux personnes sans ressources suffisantes, avec un accompagnement vers l'emploi.",
        "2021-250",
        "Depuis la mise en place du Revenu de Solidarité Active (RSA), le Département du Pas-de-Calais promeut une politique "
        "volontariste en faveur des bénéficiaires du RSA",
    ),
    Terme(
        "SCDL",
        "Socle commun des données locales",
        "Formats de données ouvertes communs aux collectivités françaises, publiés sur schema.data.gouv.fr ; ce site publie ses "
        "délibérations et ses subventions dans ces formats (page « Données »).",
    ),
    Terme(
        "SCIC",
        "Société coopérative d'intérêt collectif",
        "Entreprise coopérative qui associe salariés, usagers, bénévoles et collectivités autour d'un projet d'utilité sociale.",
        "2021-233",
        "Participation du Département du Pas-de-Calais au capital des Sociétés Coopératives d'Intérêt Collectif (SCIC)",
    ),
    Terme(
        "SPIE",
        "Service public de l'insertion et de l'emploi",
        "Démarche de l'État et du Département pour accompagner vers l'emploi les personnes qui en sont éloignées, mise en œuvre "
        "par un avenant à leur convention de lutte contre la pauvreté.",
        "2021-250",
        "MISE EN OEUVRE DU SERVICE PUBLIC DE L'INSERTION ET DE L'EMPLOI (SPIE)",
    ),
)


@dataclass(frozen=True)
class Dispositif:
    phrase: str  # what it funds, one plain sentence
    source: str | None = None
    citation: str | None = None
    cadre: str | None = None  # the deliberation that created it, as `source` cites it


DISPOSITIFS: dict[str, Dispositif] = {
    "FARDA voirie": Dispositif(
        "Subventions aux communes pour leurs travaux de voirie (réfection de rues et de chemins, ponts et berges), au titre du "
        "Fonds d'aménagement rural et de développement agricole.",
        "2021-239",
        "D'attribuer les subventions aux communes, au titre du FARDA – Aide à la Voirie Communale",
    ),
    "FARDA aménagement": Dispositif(
        "Subventions aux projets d'aménagement des communes, des intercommunalités et des syndicats : gros travaux dans les "
        "bâtiments publics, espaces publics, défense contre l'incendie, abribus, patrimoine, bourgs-centres.",
        "2021-243",
        "Le présent rapport propose d'attribuer les subventions FARDA AMENAGEMENT aux projets déposés par les communes, EPCI et Syndicats",
    ),
    "FIEET": Dispositif(
        "Subventions aux projets écologiques des communes, des intercommunalités et des syndicats (haies, vergers, mares, "
        "écopâturage, renaturation).",
        "2021-236",
        "au titre du Fonds d'Intervention pour les Enjeux Ecologiques Territoriaux (FIEET ci-après) pour les projets déposés par "
        "les communes, EPCI et Syndicats",
    ),
    "FIEN": Dispositif(
        "Subventions aux projets des associations en faveur de l'environnement et des espaces naturels.",
        "2021-236",
        "au titre du Fonds d'Initiatives pour les Espaces Naturels (FIEN ci-après) pour les projets déposés par les associations",
    ),
    "Monuments historiques": Dispositif(
        "Subventions à la restauration d'édifices protégés au titre des monuments historiques (classés ou inscrits) et d'édifices "
        "non protégés d'intérêt départemental.",
        "2021-245",
        "La programmation des opérations de restauration des Monuments Historiques et des édifices non protégés du titre du Plan "
        "d'Intérêt Départemental",
    ),
    "Équipements d'animation sportive locale": Dispositif(
        "Subventions pour des équipements sportifs de proximité : city stades, terrains multisports, skateparcs, terrains synthétiques.",
        "2021-234",
        "Le tableau joint en annexe 1 présente les projets d'équipements d'animation sportive locale",
    ),
    "Soutenons la vie des étudiants du Pas-de-Calais": Dispositif(
        "Appel à projets de 2021 : subventions aux associations, communes et coopératives pour des actions en faveur des "
        "étudiants (aide alimentaire d'urgence, accès aux droits et aux aides, reprise du lien social).",
        "2021-237",
        "D'attribuer, dans le cadre de l'Appel à projets 2021 « Soutenons la vie étudiante du Pas-de-Calais », les subventions aux "
        "porteurs de projet repris en annexe 1",
        "délibération n°2021-58 du Conseil départemental du 22 mars 2021, « Imaginons un Monde Meilleur - Réorientation "
        "exceptionnelle du dispositif vers les initiatives de soutien aux étudiants » (citée par la délibération 2021-237)",
    ),
    "Bourse Initiatives Jeunes": Dispositif(
        "Coup de pouce aux projets des jeunes de 16 à 25 ans (citoyens, solidaires, culturels, sportifs…) : jusqu'à 500 € pour "
        "un projet individuel et 2 500 € pour un projet collectif, sans dépasser la moitié du budget.",
        "2021-232",
        "le montant de la bourse est plafonné à 500 € pour les projets individuels et à 2.500 € pour les projets collectifs",
        "délibération n°23 du Conseil départemental du 20 juin 2016, « Evolution des mesures et dispositifs de la Politique "
        "jeunesse - La Bourse Initiative Jeunes… », et délibération n°2018-603 du 17 décembre 2018 (citées par la délibération 2021-232)",
    ),
    "subventions d'équipement aux Etablissements Sociaux et Médicaux Sociaux (ESMS)": Dispositif(
        "Subventions d'investissement (travaux, achats d'immeubles, équipements) aux établissements sociaux et médico-sociaux.",
        "2021-248",
        "au titre des subventions d'équipement aux Etablissements Sociaux et Médicaux Sociaux (ESMS) concourant à la protection de l'Enfance",
    ),
    "Autres subventions": Dispositif(
        "Subventions qu'aucun dispositif nommé ne rattache : partenariats, conventions et aides décidées une à une par leur délibération."
    ),
}


def dispositif(nom: str) -> Dispositif:
    """What a scheme funds; for a scheme this module does not know, a sentence true of any scheme."""
    return DISPOSITIFS.get(nom) or Dispositif(f"Subventions que les délibérations accordent au titre du dispositif « {nom} ».")


def _norme(texte: str) -> str:
    return " ".join(texte.replace("’", "'").split())


def textes(corpus: Corpus, d: DeliberationPubliee) -> str:
    """The words of a deliberation where a citation may be: title, visas, articles, rapport (not its annexes;
    visas and rapport read back by `corpus` when the build left them out)."""
    r = d.rapport
    lus = corpus.textes(d)
    parts = [d.titre or "", *lus.visas, *(a.texte or "" for a in d.articles)]
    if r is not None:
        parts += [r.titre or "", lus.rapport]
    else:
        parts += ["", ""]
    return _norme("\n".join(parts))


def verifier(corpus: Corpus, source: str | None, citation: str | None) -> str | None:
    """Where deliberation `source`, when published, holds `citation`: « texte » (title, visas, articles,
    rapport) or « annexe N »; None when it is not published or does not hold those words."""
    d = corpus.deliberations.get(source or "")
    if not d or not citation:
        return None
    mots = _norme(citation)
    if mots in textes(corpus, d):
        return "texte"
    for i in range(len(d.annexes)):
        if mots in _norme(corpus.texte_annexe(d, i)):
            return f"annexe {i + 1}"
    return None


# ---------------------------------------------------------------- links at render time

# where a link must not go: links, headings and what reads as one, table headers, code, SVG, form controls
_INTERDITS = "a h1 h2 h3 h4 h5 h6 summary caption th title script style svg button label option select textarea code pre abbr nav".split()


def _arbre(mots: Iterable[str]) -> str:
    """A regular expression of the alternatives `mots` as the tree of their letters (« a(?:bbr)?|c(?:aption|ode) »):
    at each position the scan tries the first letters once, not every word (Python's `re` does not factor
    an alternation: the tags of `_INTERDITS` through a page of the July build, 0,58 ms as an alternation,
    0,38 as a tree). It matches where the alternation of the words longest first matches, the same words:
    at each branch the longer word is tried first."""
    suites: dict[str, list[str]] = {}
    for mot in sorted(set(mots)):
        suites.setdefault(mot[0], []).append(mot[1:])
    branches = []
    for lettre, restes in suites.items():
        plus = [r for r in restes if r]
        if not plus:
            branches.append(re.escape(lettre))
            continue
        suite, court = _arbre(plus), len(plus) < len(restes)  # court: a word ends here, the longer tried first
        if court or len({r[0] for r in plus}) > 1:
            suite = f"(?:{suite})"
        branches.append(re.escape(lettre) + suite + ("?" if court else ""))
    return "|".join(branches)


_BALISE_INTERDITE = re.compile(r"<(/?)(?:" + _arbre(_INTERDITS) + r")(?=[\s>])", re.I)
_PAS = {"": 1, "/": -1}  # what an opening and a closing tag of `_BALISE_INTERDITE` (its group) do to the depth


_LETTRES = bytes(c if 65 <= c <= 90 else 32 for c in range(256))  # for bytes.translate: every byte but A–Z a space


class _Formes:
    """The printed forms of the terms (each sigle and its variants) and what `lier` needs of them, made once."""

    def __init__(self, termes: Iterable[Terme]):
        self.terme = {v: t for t in termes for v in (t.sigle, *t.variantes)}
        self.lien = {v: (t.ancre, escape(t.developpe)) for v, t in self.terme.items()}  # anchor and title of its link
        self.capitales = {v.encode(): v for v in self.terme if re.fullmatch("[A-Z]+", v)}  # every form today
        self.autres = {v for v in self.terme if v.encode() not in self.capitales}

    def presentes(self, html: str) -> set[str]:
        """The forms that may stand in `html` as words: every one that does (and some that stand only
        inside a longer word), with all those not made of capitals.

        The page's runs of capitals are its UTF-8 with every byte but A–Z made a space, split (in C); a
        form of capitals standing as a word is one of them, whole: the characters around it are not
        letters, so bytes made spaces (those of a character beyond ASCII too). One pass through the page
        instead of a `str.find` through it for each form that it does not hold (most of them, on most
        pages): 0,23–0,25 ms a page of the July build against 0,60–0,62 (a regular expression of the forms
        as a tree of their letters, `_arbre`: 0,35–0,37; the least of five runs of each page)."""
        runs = html.encode("utf-8", "surrogatepass").translate(_LETTRES).split()
        return {self.capitales[m] for m in self.capitales.keys() & runs} | self.autres


_FORMES = _Formes(TERMES)


def _suivante(html: str, sigle: str, debut: int) -> int:
    """The next occurrence of `sigle` from `debut` that is a word of its own (not « EPCIs », « CP20210607 »,
    an entity or part of a path), or -1."""
    i = html.find(sigle, debut)
    while i != -1:
        j = i + len(sigle)
        avant = html[i - 1] if i else " "
        apres = html[j] if j < len(html) else " "
        if not (avant.isalnum() or avant in "_&#/-") and not (apres.isalnum() or apres in "_-"):
            return i
        i = html.find(sigle, j)
    return -1


class _Enclos:
    """Whether a position of the page is inside an element of `_INTERDITS`, the positions asked never
    going back (`lier` takes them in page order): the tags of those elements are read once, from the start
    of the page up to the furthest position asked, by `findall` and their depth told by `accumulate`
    (both in C; a loop over them in Python cost 1,4 s for the 2 468 pages that January renders again,
    a grants table holding a link on each row). The depth never goes below zero: a closing tag with none
    open is not counted, as a browser ignores it."""

    def __init__(self, html: str):
        self.html, self.lu, self.profondeur = html, 0, 0
        self.sans_commentaire: int | None = 0  # html[:n] holds no « <!-- » (None: one was seen before a position asked)

    def interdit(self, i: int) -> bool:
        html = self.html
        if i > self.lu:
            signes = _BALISE_INTERDITE.findall(html, self.lu, i)  # "" opens, "/" closes
            fermees = signes.count("/")
            if fermees <= self.profondeur:  # depth never below zero on the way: opened minus closed
                self.profondeur += len(signes) - 2 * fermees
            else:  # once below zero, the depth is counted from there: minus the lowest it went (reflected walk)
                sommes = list(accumulate(map(_PAS.__getitem__, signes), initial=self.profondeur))
                self.profondeur = sommes[-1] - min(0, min(sommes))
            self.lu = i
        if self.profondeur:
            return True  # inside a link, a heading…
        if html.rfind("<", 0, i) > html.rfind(">", 0, i):
            return True  # inside a tag: an attribute's value
        return self._commentaire(i)

    def _commentaire(self, i: int) -> bool:
        """Whether `i` is inside a comment. Most pages hold none: the page is searched for one only up to
        the furthest position asked (a search of the whole page for each: 0,08 ms of a page of the July build,
        of the 0,6 that `lier` takes), and never back to its start."""
        html, vu = self.html, self.sans_commentaire
        if vu is not None:
            if html.find("<!--", max(0, vu - 3), i) == -1:
                self.sans_commentaire = max(vu, i)
                return False
            self.sans_commentaire = None
        return html.rfind("<!--", 0, i) > html.rfind("-->", 0, i)


def lier(html: str, root: str) -> str:
    """`html` with the first occurrence of each term of the lexique linked to its entry (`root`: the
    page's relative prefix to the site's root). Text only: tags, attributes, comments and what
    `_INTERDITS` encloses are left as they are.

    Each form that the page may hold (`_Formes.presentes`) is looked for with `str.find` (a regular
    expression of all the terms with their borders tries them at every position: 3 ms for a deliberation
    of 180 grants, against a tenth of that), its occurrences taken in page order until one stands in text
    (`_Enclos`). The 2 468 pages that January renders again on ten years: 1,03–1,15 ms a page (the least
    of five runs of each), then 0,44–0,53 since the forms a page does not hold are told by one pass and
    the depth of the tags in C; in the build, 3,36 s of processor, then 1,53–1,62."""
    file = []
    formes = _FORMES
    for sigle in formes.presentes(html):
        i = _suivante(html, sigle, 0)
        if i != -1:
            file.append((i, sigle))
    if not file:
        return html
    heapq.heapify(file)
    enclos = _Enclos(html)
    choisis: dict[str, tuple[int, str]] = {}
    while file:
        i, sigle = heapq.heappop(file)
        t = formes.terme[sigle]
        if t.sigle in choisis:
            continue
        if enclos.interdit(i):
            j = _suivante(html, sigle, i + len(sigle))
            if j != -1:
                heapq.heappush(file, (j, sigle))
            continue
        choisis[t.sigle] = (i, sigle)
    morceaux, pos = [], 0
    for i, sigle in sorted(choisis.values()):
        ancre, titre = formes.lien[sigle]
        morceaux += [html[pos:i], f'<a class="rpc-terme" href="{root}lexique/#{ancre}" title="{titre}">{sigle}</a>']
        pos = i + len(sigle)
    morceaux.append(html[pos:])
    return "".join(morceaux)
