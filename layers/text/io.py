"""Interface text of io, in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

TEXT: dict[str, Bilingual] = {
}
