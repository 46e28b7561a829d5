"""Labels of the written summary shown on the overview (paragraphs plus a copy facility)."""
LABELS = {
    "sumtext_copy": ("复制全文", "Copy the full text"),
}
