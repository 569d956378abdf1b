"""Interface text of printing, in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

TEXT: dict[str, Bilingual] = {
}
