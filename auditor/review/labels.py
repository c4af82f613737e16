"""The review states as a person reads them, in each output's language."""

from __future__ import annotations

STATE_LABELS = {
    "zh": {"awaiting": "待审核", "confirmed": "已确认", "dismissed": "已排除（误报）", "waived": "已豁免",
           "known": "基线已有"},
    "en": {"awaiting": "awaiting review", "confirmed": "confirmed", "dismissed": "dismissed (false positive)",
           "waived": "waived", "known": "known (baseline)"},
}
SCOPE_LABELS = {
    "zh": {"report": "本报告", "agency": "本机关各年度报告", "all": "所有报告"},
    "en": {"report": "this report", "agency": "every report of this body", "all": "every report"},
}
