"""Vietnamese for msgids added by the lead while integrating (menus)."""

VI: dict[str, str | list[str]] = {
    "Satisfaction": "Mức độ hài lòng",
    "Switch": "Đổi",
}
