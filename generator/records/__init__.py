"""Typed records passed between pipeline stages, one module per record type.

Every record is a dataclass; `to_dict` turns any of them into JSON-ready data
(Decimal → "1234.50" string, date → ISO string) so site_data/ is deterministic.
"""

from generator.records.common import Chiffres, Constat, JsonObject, Line, Problem, to_dict
from generator.records.deliberation import (
    ID_DELIBERATION,
    ID_SUBVENTION,
    Annexe,
    Article,
    Attendance,
    Deliberation,
    Interest,
    Procuration,
    Rapport,
    Session,
    Signature,
    Vote,
    numero_sequence,
    plage_numeros,
)
from generator.records.elu import Elu, Presence
from generator.records.place import PlaceRef
from generator.records.recueil import ExecutiveAct, Part, Recueil, recueil_slug
from generator.records.source import SourceDocument
from generator.records.subvention import Subvention, SubventionsSource, TotalCheck

__all__ = [
    "JsonObject",
    "Line",
    "Problem",
    "Constat",
    "Chiffres",
    "to_dict",
    "PlaceRef",
    "Article",
    "Attendance",
    "Deliberation",
    "Interest",
    "Procuration",
    "Rapport",
    "Annexe",
    "Session",
    "Signature",
    "Vote",
    "ExecutiveAct",
    "Part",
    "Recueil",
    "recueil_slug",
    "Subvention",
    "SubventionsSource",
    "TotalCheck",
    "SourceDocument",
    "Elu",
    "Presence",
    "numero_sequence",
    "plage_numeros",
    "ID_DELIBERATION",
    "ID_SUBVENTION",
]
