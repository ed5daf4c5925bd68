"""The validation report an officer reads in the terminal."""
from __future__ import annotations

from collections import Counter

from .problems import Problems, Severity

_HEADINGS = {
    Severity.ERROR: "LỖI (phải sửa trước khi công bố)",
    Severity.WARNING: "CẢNH BÁO (trang vẫn được tạo; nên kiểm tra)",
    Severity.INFO: "GHI CHÚ",
}


def render(problems: Problems) -> str:
    lines: list[str] = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        items = [p for p in problems.items if p.severity is severity]
        if not items:
            continue
        lines.append(f"{_HEADINGS[severity]}: {len(items)}")
        lines.extend(f"  - {p.render()}" for p in items)
        lines.append("")
    lines.append(summary(problems))
    return "\n".join(lines)


def summary(problems: Problems) -> str:
    counts = Counter(p.severity for p in problems.items)
    return f"{counts[Severity.ERROR]} lỗi, {counts[Severity.WARNING]} cảnh báo."
