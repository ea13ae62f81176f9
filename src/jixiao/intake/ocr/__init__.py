"""Reading scans: page images (from PDFs without a text layer, or image files) through OCR into
the same neutral :class:`~jixiao.intake.document.Document` the other readers produce."""
