"""Scanned test material: evaluations printed to PDF, rasterised, and degraded like real scans.

Each source evaluation (the two hand-copied examples and seeded generated ones with other
wording and values) is exported with ``jixiao export … --to x.pdf`` — that PDF, with its text
layer, is the ground truth — then rasterised with ``pdftoppm`` and degraded per condition:

=========  ================================================================  =====================
condition  what is done to the page images                                    container
=========  ================================================================  =====================
300dpi     clean 300 dpi scan                                                 image-only .pdf / .png
150dpi     clean 150 dpi grey scan                                            multi-page .tif
rotated    200 dpi, turned a few degrees (alternating sign per page)          image-only .pdf
turned90   200 dpi, page fed sideways (90°; 180° on odd pages)                .pdf / .png
jpeg       150 dpi, JPEG quality 30                                           .pdf / .jpg
noise      200 dpi grey, Gaussian noise and specks                            .pdf / .png
seal       200 dpi colour, red 公章 (circle, star, arc text) over the amounts image-only .pdf
photo      phone photo: perspective, uneven light, blur, on a desk, JPEG       .pdf / .jpg
=========  ================================================================  =====================

Single-page evaluations go into single images where the container says so; evaluations of several
pages into a PDF of images (no text layer) or a multi-page TIFF. ``manifest.json`` lists every scan
with its truth PDF and condition; ``bench/ocr_accuracy.py`` and ``tests/intake/test_scans.py``
read it.

    uv run python tests/data/scans/make.py                 # the full set, into out/scans (ignored)
    uv run python tests/data/scans/make.py --committed     # the small committed set, here

Everything is seeded: the same arguments give the same images. Needs LibreOffice (export) and
poppler-utils (pdftoppm); only Pillow in Python.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pdfplumber
from PIL import Image
from PIL import ImageChops
from PIL import ImageDraw
from PIL import ImageFilter
from PIL import ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXAMPLES = ROOT / "examples"
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"

CONDITIONS = ("300dpi", "150dpi", "rotated", "turned90", "jpeg", "noise", "seal", "photo")

# the committed set: (source, condition) — few pages, so the tests stay quick
COMMITTED = (
    ("gen-01", "300dpi"),
    ("gen-01", "150dpi"),
    ("gen-01", "photo"),
    ("gen-01", "seal"),
    ("002", "seal"),
    ("002", "150dpi"),  # two small pages: the web's page progress (tests/e2e/test_scan_pages.py)
)
EXAMPLE_SOURCES = {
    "002": "002-基层政权和社区建设-2018.yaml",
    "004": "004-社会保障专项-2020.yaml",
}

# --------------------------------------------------------------------------- generated evaluations

UNITS = (
    "襄阳市樊城区民政局",
    "宜昌市西陵区住房和城乡建设局",
    "十堰市茅箭区教育局",
    "黄石市下陆区卫生健康局",
    "荆州市沙市区农业农村局",
    "孝感市孝南区文化和旅游局",
    "咸宁市咸安区人力资源和社会保障局",
    "随州市曾都区城市管理执法局",
)
PROJECTS = (
    "社区养老服务补助",
    "老旧小区改造",
    "义务教育薄弱学校改善",
    "基本公共卫生服务",
    "高标准农田建设",
    "公共文化场馆免费开放",
    "就业创业补贴",
    "城市道路维护",
)
# (name, unit, low, high, direction): a quantity target drawn between low and high
QUANTITIES = (
    ("培训人次", "人次", 200, 1500, ">="),
    ("新建设施数量", "个", 5, 60, ">="),
    ("改造面积", "平方米", 1000, 9000, ">="),
    ("服务对象覆盖率", "%", 85, 98, ">="),
    ("资金拨付及时率", "%", 90, 100, ">="),
    ("项目验收合格率", "%", 95, 100, "="),
    ("人均服务成本", "元/人", 80, 400, "<="),
    ("受益群众满意度", "%", 85, 95, ">="),
    ("投诉办结率", "%", 90, 100, ">="),
    ("巡查次数", "次", 12, 48, ">="),
    ("安全事故发生次数", "次", 0, 2, "<="),
    ("群众知晓率", "%", 80, 95, ">="),
)
PROBLEMS = (
    "部分子项目开工较晚，资金支付进度滞后于计划。",
    "绩效目标设置不够细化，个别指标难以量化考核。",
    "项目宣传不够深入，群众知晓程度有待提高。",
)
SIGN = {">=": "≥", "<=": "≤", "=": ""}


def _amount(rng: random.Random) -> tuple[str, str, str]:
    """(预算数, 执行数, 执行率) in 万元 with a printed rate that is executed ÷ planned."""
    planned = rng.randint(5_000, 900_000) / 100
    executed = planned if rng.random() < 0.4 else round(planned * rng.uniform(0.82, 0.999), 2)
    rate = executed / planned * 100
    return f"{planned:.2f}万元", f"{executed:.2f}万元", f"{rate:.2f}%"


def _row(rng: random.Random, spec: tuple[str, str, int, int, str], weight: int) -> str:
    name, unit, low, high, op = spec
    target = rng.randint(low, high)
    met = rng.random() < 0.75
    if op == "<=":
        actual = target if met else target + rng.randint(1, 3)
    elif unit == "%":
        actual = (
            min(100.0, target + rng.choice((0, 0.5, 1.2, 2))) if met else target - rng.choice((1.5, 3, 4.2))
        )
    else:
        actual = target + rng.randint(0, 40) if met else max(0, target - rng.randint(1, max(1, target // 5)))
    score = weight if met else max(0, weight - rng.randint(1, max(1, weight // 2)))
    actual_text = f"{actual:g}{unit}"
    return (
        f"          - 名称: {name}\n"
        f"            权重: {weight}\n"
        f"            年初目标值: {SIGN[op]}{target}{unit}\n"
        f"            实际完成值: {actual_text}\n"
        f"            自评得分: {score}\n"
    )


def generated_yaml(number: int) -> str:
    """A valid evaluation in the authoring format, drawn from seed ``number``: one page of rows for
    odd numbers (so it can be scanned into a single image), more rows over two pages for even."""
    rng = random.Random(number)
    scheme = "mof-2020" if number % 2 else "hubei-2019"
    weights = (
        {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
        if scheme == "mof-2020"
        else {"产出指标": 40, "效益指标": 40}
    )
    budget_weight = 10 if scheme == "mof-2020" else 20
    per_group = 2 if number % 2 else rng.randint(4, 6)
    planned, executed, rate = _amount(rng)
    specs = list(QUANTITIES)
    rng.shuffle(specs)
    groups, scores = [], []
    for level1, total in weights.items():
        level2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标"}[
            level1
        ]
        count = 1 if level1 == "满意度指标" else per_group
        parts = [total // count] * count
        parts[0] += total - sum(parts)
        rows = "".join(_row(rng, specs.pop(), w) for w in parts)
        scores += [int(line.split(": ")[1]) for line in rows.splitlines() if "自评得分" in line]
        groups.append(
            f"  - 名称: {level1}\n    权重: {total}\n    二级指标:\n"
            f"      - 名称: {level2}\n        权重: {total}\n        三级指标:\n{rows}"
        )
    budget_score = budget_weight if rate == "100.00%" else round(budget_weight * float(rate[:-1]) / 100, 2)
    total_score = sum(scores) + budget_score
    year = rng.randint(2019, 2025)
    return (
        f"方案: {scheme}\n\n项目:\n"
        f"  项目名称: {rng.choice(PROJECTS)}\n  年度: {year}\n  单位名称: {rng.choice(UNITS)}\n"
        f"  填报日期: {year + 1}-0{rng.randint(3, 6)}-1{rng.randint(0, 9)}\n\n"
        f"预算:\n  权重: {budget_weight}\n  预算数: {planned}\n  执行数: {executed}\n  执行率: {rate}\n\n"
        "指标:\n" + "".join(groups) + f"\n自评:\n  预算执行得分: {budget_score:g}\n  总分: {total_score:g}\n"
        f"\n存在的问题: {rng.choice(PROBLEMS)}\n"
    )


# --------------------------------------------------------------------------- printing and scanning


def export_pdf(source: Path, target: Path) -> None:
    """The evaluation printed by jixiao itself: the text-layer PDF that is the ground truth."""
    run = subprocess.run(
        [sys.executable, "-m", "jixiao", "export", str(source), "--to", str(target), "--force"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0 or not target.is_file():
        raise SystemExit(f"jixiao export {source} failed: {run.stdout}{run.stderr}")


def rasterise(pdf: Path, dpi: int, grey: bool = False) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        args = ["pdftoppm", "-r", str(dpi), "-png", *(["-gray"] if grey else []), str(pdf), f"{tmp}/p"]
        subprocess.run(args, check=True)
        return [Image.open(path).copy() for path in sorted(Path(tmp).glob("p-*.png"))]


def seal_spots(pdf: Path, dpi: int) -> list[list[tuple[float, float]]]:
    """Per page, where the seals go (pixels at ``dpi``): over the budget amounts (the row of
    执行数) and over the total score, where a unit's 公章 lands on a printed form."""
    scale = dpi / 72
    spots: list[list[tuple[float, float]]] = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            here = []
            for word in page.extract_words():
                if word["text"].startswith(("年度财政资金", "年度资金总额", "总分")):
                    x = page.width * (0.45 if word["text"].startswith("总分") else 0.52)
                    here.append((x * scale, (word["top"] + word["bottom"]) / 2 * scale))
            spots.append(here)
    return spots


def draw_seal(
    page: Image.Image, centre: tuple[float, float], radius: float, rng: random.Random
) -> Image.Image:
    """A red 公章 multiplied over the page (ink over toner: black stays black)."""
    size = int(radius * 2.3)
    layer = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(layer)
    red = (rng.randint(200, 235), rng.randint(20, 60), rng.randint(30, 60))
    c = size / 2
    width = max(2, int(radius / 14))
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=red, width=width)
    star = [
        (
            c + radius * 0.32 * (1 if i % 2 == 0 else 0.4) * math.sin(i * math.pi / 5),
            c - radius * 0.32 * (1 if i % 2 == 0 else 0.4) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(FONT, int(radius * 0.22))
    text = rng.choice(UNITS)
    span = math.radians(240)
    for i, char in enumerate(text):
        angle = -span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("L", (int(radius * 0.3), int(radius * 0.3)), 0)
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), char, font=font, fill=255, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle), expand=True)
        x = c + radius * 0.75 * math.sin(angle) - glyph.width / 2
        y = c - radius * 0.75 * math.cos(angle) - glyph.height / 2
        layer.paste(Image.new("RGB", glyph.size, red), (int(x), int(y)), glyph)
    draw.text(
        (c, c + radius * 0.55),
        "财务专用章",
        font=ImageFont.truetype(FONT, int(radius * 0.16)),
        fill=red,
        anchor="mm",
    )
    layer = layer.rotate(rng.uniform(-25, 25), fillcolor="white").filter(ImageFilter.GaussianBlur(0.6))
    page = page.convert("RGB")
    box = (int(centre[0] - size / 2), int(centre[1] - size / 2))
    region = page.crop((box[0], box[1], box[0] + size, box[1] + size))
    page.paste(ImageChops.multiply(region, layer), box)
    return page


def _perspective_coefficients(
    source: list[tuple[float, float]], target: list[tuple[float, float]]
) -> list[float]:
    """The 8 coefficients Pillow's PERSPECTIVE transform takes (output → input mapping), solved
    from four point pairs by Gaussian elimination."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for col in range(8):
        pivot = max(range(col, 8), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(8):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][8] / rows[i][i] for i in range(8)]


def photograph(page: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the page lying on a desk: tilted quadrilateral, light falling off to
    one side, slight blur, JPEG."""
    w, h = page.size
    margin = 0.06
    out_w, out_h = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    jitter = lambda: rng.uniform(-0.035, 0.035) * w  # noqa: E731
    corners = [
        (margin * w + jitter(), margin * h + jitter()),
        (out_w - margin * w + jitter(), margin * h + jitter()),
        (out_w - margin * w + jitter(), out_h - margin * h + jitter()),
        (margin * w + jitter(), out_h - margin * h + jitter()),
    ]
    coefficients = _perspective_coefficients([(0, 0), (w, 0), (w, h), (0, h)], corners)
    mask = Image.new("L", page.size, 255).transform((out_w, out_h), Image.Transform.PERSPECTIVE, coefficients)
    warped = page.convert("RGB").transform(
        (out_w, out_h), Image.Transform.PERSPECTIVE, coefficients, resample=Image.Resampling.BICUBIC
    )
    photo = Image.new("RGB", (out_w, out_h), (96, 84, 70))
    photo.paste(warped, (0, 0), mask)
    light = Image.linear_gradient("L").rotate(rng.choice((90, -90, 0, 180))).resize((out_w, out_h))
    light = light.point(lambda v: 150 + v * 105 // 255).convert("RGB")
    return ImageChops.multiply(photo, light).filter(ImageFilter.GaussianBlur(0.8))


def add_noise(page: Image.Image, rng: random.Random) -> Image.Image:
    grey = page.convert("L")
    noise = Image.effect_noise(grey.size, 28)
    noisy = ImageChops.add(grey, noise, 1.0, -128)
    draw = ImageDraw.Draw(noisy)
    for _ in range(grey.width * grey.height // 4000):
        x, y = rng.randrange(grey.width), rng.randrange(grey.height)
        draw.point((x, y), fill=rng.choice((0, 40, 255)))
    return noisy


def jpeg(page: Image.Image, quality: int) -> Image.Image:
    data = io.BytesIO()
    page.convert("RGB").save(data, "JPEG", quality=quality)
    return Image.open(io.BytesIO(data.getvalue())).copy()


def condition_pages(pdf: Path, condition: str, rng: random.Random) -> tuple[list[Image.Image], int]:
    """The page images of ``pdf`` scanned under ``condition``, and their resolution."""
    if condition == "300dpi":
        return [p.convert("L") for p in rasterise(pdf, 300, grey=True)], 300
    if condition == "150dpi":
        return rasterise(pdf, 150, grey=True), 150
    if condition == "jpeg":
        return [jpeg(p, 30) for p in rasterise(pdf, 150)], 150
    pages = rasterise(pdf, 200, grey=condition in {"rotated", "turned90", "noise"})
    if condition == "rotated":
        return [
            p.rotate(
                (1 if i % 2 == 0 else -1) * rng.uniform(1.5, 3.5),
                expand=True,
                fillcolor=255,
                resample=Image.Resampling.BICUBIC,
            )
            for i, p in enumerate(pages)
        ], 200
    if condition == "turned90":
        return [p.rotate(90 if i % 2 == 0 else 180, expand=True) for i, p in enumerate(pages)], 200
    if condition == "noise":
        return [add_noise(p, rng) for p in pages], 200
    if condition == "seal":
        spots = seal_spots(pdf, 200)
        for i, here in enumerate(spots):
            for centre in here:
                pages[i] = draw_seal(pages[i], centre, 200 * 0.8, rng)  # a 4 cm seal
        return pages, 200
    if condition == "photo":
        return [jpeg(photograph(p, rng), 80) for p in pages], 200
    raise ValueError(condition)


SINGLE = {"300dpi": ".png", "turned90": ".png", "jpeg": ".jpg", "noise": ".png", "photo": ".jpg"}


def write_scan(pages: list[Image.Image], dpi: int, condition: str, stem: Path) -> Path:
    """The pages in the container a unit would send for this condition."""
    if condition == "150dpi":
        target = stem.with_suffix(".tif")
        pages[0].save(target, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(dpi, dpi))
    elif len(pages) == 1 and condition in SINGLE:
        target = stem.with_suffix(SINGLE[condition])
        options: dict[str, object] = {"quality": 85} if target.suffix == ".jpg" else {"optimize": True}
        pages[0].save(target, dpi=(dpi, dpi), **options)
    else:
        target = stem.with_suffix(".pdf")
        pages[0].save(target, save_all=True, append_images=pages[1:], resolution=dpi, quality=80)
    return target


def sources(folder: Path, generated: int, examples: bool) -> dict[str, Path]:
    """Source evaluations by name: the examples and ``generated`` drawn ones (written to ``folder``)."""
    found: dict[str, Path] = {}
    if examples:
        found.update({name: EXAMPLES / file for name, file in EXAMPLE_SOURCES.items()})
    for number in range(1, generated + 1):
        path = folder / f"gen-{number:02d}.yaml"
        path.write_text(generated_yaml(number), encoding="utf-8")
        found[f"gen-{number:02d}"] = path
    return found


def make(
    out: Path, pairs: list[tuple[str, str]], generated: int, examples: bool, log: Callable[[str], None]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    truth_dir = out / "truth"
    truth_dir.mkdir(exist_ok=True)
    known = sources(truth_dir, generated, examples)
    manifest = []
    for name in dict.fromkeys(name for name, _ in pairs):
        truth = truth_dir / f"{name}.pdf"
        export_pdf(known[name], truth)
        for source, condition in pairs:
            if source != name:
                continue
            rng = random.Random(f"{name}/{condition}")
            pages, dpi = condition_pages(truth, condition, rng)
            scan = write_scan(pages, dpi, condition, out / f"{name}-{condition}")
            manifest.append(
                {
                    "scan": scan.name,
                    "truth": f"truth/{truth.name}",
                    "condition": condition,
                    "pages": len(pages),
                }
            )
            log(f"{scan.name}: {len(pages)} 页, {scan.stat().st_size // 1024} KB")
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "scans")
    parser.add_argument("--generated", type=int, default=6, help="generated evaluations besides the examples")
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument(
        "--committed", action="store_true", help="the small committed set into tests/data/scans"
    )
    args = parser.parse_args(argv)
    if args.committed:
        make(HERE, list(COMMITTED), 1, True, print)
        return
    conditions = [c for c in args.conditions.split(",") if c]
    unknown = set(conditions) - set(CONDITIONS)
    if unknown:
        raise SystemExit(f"unknown conditions: {', '.join(sorted(unknown))}")
    names = [*EXAMPLE_SOURCES, *(f"gen-{n:02d}" for n in range(1, args.generated + 1))]
    make(args.out, [(n, c) for n in names for c in conditions], args.generated, True, print)


if __name__ == "__main__":
    main()
