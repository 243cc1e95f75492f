import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"  # the real documents, as the tests know them (never the inbox)
SOURCES = ROOT / "site_data" / "sources"  # the inbox: tests must not read it (being moved to CORPUS)
