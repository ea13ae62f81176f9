"""Reading scans: page images (from PDFs without a text layer, or image files) through OCR into
the same neutral :class:`~jixiao.intake.document.Document` the other readers produce."""

# How many threads a process's OCR engine may use: set by the batch for each worker it starts
# (its share of the CPUs); unset, the engine uses them all.
THREADS_ENV = "JIXIAO_OCR_THREADS"
