"""Labels by area, merged into lib.i18n.LABELS: one module per page or feature, each a dict LABELS."""
