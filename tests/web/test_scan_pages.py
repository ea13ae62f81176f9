"""The in-memory record of the scans a batch reads, page by page (``jixiao.web.scan_pages``)."""

from __future__ import annotations

from jixiao.web.scan_pages import Reading
from jixiao.web.scan_pages import ScanPages


def test_scans_in_flight_per_batch_until_their_outcome() -> None:
    pages = ScanPages()
    pages.page(1, 10, "报告.pdf", 1, 12)
    pages.page(1, 11, "照片.jpg", 1, 1)
    pages.page(2, 20, "别批.tif", 2, 3)
    pages.page(1, 10, "报告.pdf", 3, 12)
    assert pages.of(1) == (Reading("报告.pdf", 3, 12), Reading("照片.jpg", 1, 1))
    assert pages.of(1)[0].text == "正在识别 报告.pdf，已识别 3/12 页"
    assert pages.of(1)[0].percent == 25
    pages.finished(1, 11)
    assert pages.of(1) == (Reading("报告.pdf", 3, 12),)
    pages.stopped(1)
    pages.finished(1, 10)  # an outcome after the runner stopped: nothing to drop
    assert pages.of(1) == () and pages.of(2) == (Reading("别批.tif", 2, 3),)
    assert pages.of(3) == ()
