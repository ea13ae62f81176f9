"""Settings: one declarative table, read from defaults < config file < environment < command line.

Every setting jixiao reads is a row of :data:`SETTINGS`: its name, type, default, environment
variable and a Chinese description (``docs/settings.md`` is generated from this table and a test
keeps it equal). The config file is TOML with the setting names as keys, found at
``$JIXIAO_CONFIG``, else ``./jixiao.toml``, else ``$XDG_CONFIG_HOME/jixiao/config.toml``
(``~/.config/jixiao/config.toml``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.limits import MB
from jixiao.limits import Limits


def _data_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jixiao"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: how it is named everywhere, what it is, and its default."""

    name: str
    kind: type
    default: Callable[[dict[str, object], Mapping[str, str]], object]
    env: str
    help: str
    flag: str | None = None

    @property
    def default_text(self) -> str:
        return _DEFAULT_TEXT.get(self.name, "")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        Path,
        lambda _, env: _data_home(env),
        "JIXIAO_DATA_DIR",
        "数据目录：默认的 SQLite 数据库（jixiao.db）与报送原件存档（documents/，按内容哈希存放）",
        "--data-dir",
    ),
    Setting(
        "database_url",
        str,
        lambda s, _: f"sqlite:///{Path(str(s['data_dir'])) / 'jixiao.db'}",
        "JIXIAO_DATABASE_URL",
        "数据库地址：sqlite:///路径 或 postgresql+psycopg://用户:密码@主机:端口/库名",
        "--database",
    ),
    Setting(
        "workers",
        int,
        lambda _, __: os.cpu_count() or 1,
        "JIXIAO_WORKERS",
        "批量导入与复核时的并行进程数",
        "--workers",
    ),
    Setting(
        "max_file_mb",
        float,
        lambda _, __: Limits().max_file_bytes / MB,
        "JIXIAO_MAX_FILE_MB",
        "单个报送文件的大小上限（MB），超过即报告“文件过大”",
        "--max-size",
    ),
    Setting(
        "file_timeout",
        float,
        lambda _, __: Limits().file_timeout,
        "JIXIAO_FILE_TIMEOUT",
        "单个文件的处理时限（秒），超时的进程被终止并报告“处理超时”",
        "--timeout",
    ),
    Setting(
        "convert_timeout",
        float,
        lambda _, __: Limits().convert_timeout,
        "JIXIAO_CONVERT_TIMEOUT",
        "LibreOffice 转换（.doc/.wps/.et/.xls 读取、PDF 导出）的时限（秒）",
    ),
    Setting(
        "max_pages",
        int,
        lambda _, __: Limits().max_pages,
        "JIXIAO_MAX_PAGES",
        "PDF 页数上限",
    ),
    Setting(
        "max_worker_mb",
        float,
        lambda _, __: Limits().max_worker_bytes / MB,
        "JIXIAO_MAX_WORKER_MB",
        "每个处理进程（读取报送文件的进程）可用的内存上限（MB，地址空间），超过即报告该文件无法读取；0 为不限",
    ),
    Setting(
        "ocr_min_confidence",
        float,
        lambda _, __: Limits().ocr_min_confidence,
        "JIXIAO_OCR_MIN_CONFIDENCE",
        "扫描件识别（OCR）的置信度下限（0～1）：低于此值识别出的数字不采用（该格按未能读取报告），"
        "除非金额、执行率、得分之间的勾稽关系能确定其读法",
    ),
    Setting(
        "ocr_max_pages",
        int,
        lambda _, __: Limits().ocr_max_pages,
        "JIXIAO_OCR_MAX_PAGES",
        "扫描件（图片、无文字层的 PDF 页）每个文件最多识别的页数，其后各页不识别并报告",
    ),
    Setting(
        "ocr_max_pixels",
        int,
        lambda _, __: Limits().ocr_max_pixels,
        "JIXIAO_OCR_MAX_PIXELS",
        "扫描件每页图像的像素上限（宽×高），超过的页不识别并报告（防范解压炸弹）",
    ),
    Setting(
        "ocr_page_seconds",
        float,
        lambda _, __: Limits().ocr_page_seconds,
        "JIXIAO_OCR_PAGE_SECONDS",
        "扫描件每页识别的时限（秒）：某页用时超过此值，其后各页不再识别并报告",
    ),
    Setting(
        "host",
        str,
        lambda _, __: "127.0.0.1",
        "JIXIAO_HOST",
        "jixiao serve 监听的地址；供局域网访问时设为 0.0.0.0",
        "--host",
    ),
    Setting(
        "port",
        int,
        lambda _, __: 8000,
        "JIXIAO_PORT",
        "jixiao serve 监听的端口",
        "--port",
    ),
    Setting(
        "session_hours",
        float,
        lambda _, __: 12.0,
        "JIXIAO_SESSION_HOURS",
        "网页登录的有效时长（小时），过期后需重新登录",
    ),
    Setting(
        "upload_max_files",
        int,
        lambda _, __: 1000,
        "JIXIAO_UPLOAD_MAX_FILES",
        "网页一次上传的文件个数上限（单个文件大小上限见 max_file_mb）",
    ),
    Setting(
        "max_request_kb",
        int,
        lambda _, __: 1024,
        "JIXIAO_MAX_REQUEST_KB",
        "网页除上传外每个请求（登录、表单、接口）的内容大小上限（KB），超过即拒绝（413）",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}
_DEFAULT_TEXT = {
    "data_dir": "`$XDG_DATA_HOME/jixiao`（`~/.local/share/jixiao`）",
    "database_url": "数据目录下的 `jixiao.db`（SQLite）",
    "workers": "CPU 核数",
    "max_file_mb": "100",
    "file_timeout": "300",
    "convert_timeout": "120",
    "max_pages": "500",
    "max_worker_mb": "2048",
    "ocr_min_confidence": "0.8",
    "ocr_max_pages": "50",
    "ocr_max_pixels": "60000000（6000 万）",
    "ocr_page_seconds": "60",
    "host": "127.0.0.1",
    "port": "8000",
    "session_hours": "12",
    "upload_max_files": "1000",
    "max_request_kb": "1024",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved settings (see the module docstring for the order)."""

    data_dir: Path
    database_url: str
    workers: int
    max_file_mb: float
    file_timeout: float
    convert_timeout: float
    max_pages: int
    max_worker_mb: float
    ocr_min_confidence: float
    ocr_max_pages: int
    ocr_max_pixels: int
    ocr_page_seconds: float
    host: str
    port: int
    session_hours: float
    upload_max_files: int
    max_request_kb: int
    sources: Mapping[str, str]  # setting → where its value came from (默认/配置文件/环境变量/命令行)

    def limits(self) -> Limits:
        return Limits(
            max_file_bytes=int(self.max_file_mb * MB),
            file_timeout=self.file_timeout,
            convert_timeout=self.convert_timeout,
            max_pages=self.max_pages,
            max_worker_bytes=int(self.max_worker_mb * MB),
            ocr_min_confidence=self.ocr_min_confidence,
            ocr_max_pages=self.ocr_max_pages,
            ocr_max_pixels=self.ocr_max_pixels,
            ocr_page_seconds=self.ocr_page_seconds,
        )


def config_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The config file in use, if any."""
    env = os.environ if env is None else env
    if env.get("JIXIAO_CONFIG"):
        return Path(env["JIXIAO_CONFIG"])
    local = Path("jixiao.toml")
    if local.is_file():
        return local
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(base) / "jixiao" / "config.toml"
    return user if user.is_file() else None


def _convert(setting: Setting, value: object, where: str) -> object:
    try:
        if setting.kind is Path:
            return Path(str(value)).expanduser()
        if setting.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return int(str(value)) if not isinstance(value, int | float) else int(value)
        if setting.kind is float:
            return float(str(value))
        return str(value)
    except (TypeError, ValueError):
        raise JixiaoError(
            f"设置 {setting.name} 的值“{value}”无效（来自{where}），应为{_KIND_NAME[setting.kind]}"
        ) from None


_KIND_NAME = {Path: "路径", int: "整数", float: "数字", str: "文本"}


def load_settings(cli: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Resolve every setting: defaults < config file < ``JIXIAO_*`` environment < ``cli``."""
    env = os.environ if env is None else env
    chosen: dict[str, object] = {}
    sources: dict[str, str] = {}
    path = config_path(env)
    file_values: dict[str, object] = {}
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise JixiaoError(f"找不到配置文件 {path}（JIXIAO_CONFIG 所指）") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise JixiaoError(f"配置文件 {path} 格式错误：{exc}") from None
        unknown = sorted(set(file_values) - set(BY_NAME))
        if unknown:
            raise JixiaoError(
                f"配置文件 {path} 中有未知的设置：{'、'.join(unknown)}；可用的有：{'、'.join(BY_NAME)}"
            )
    for setting in SETTINGS:
        value: object = None
        where = "默认"
        if setting.name in file_values:
            value, where = file_values[setting.name], f"配置文件 {path}"
        if env.get(setting.env):
            value, where = env[setting.env], f"环境变量 {setting.env}"
        if cli and cli.get(setting.name) is not None:
            value, where = cli[setting.name], f"命令行 {setting.flag or setting.name}"
        value = setting.default(chosen, env) if value is None else _convert(setting, value, where)
        chosen[setting.name] = value
        sources[setting.name] = where
    if int(str(chosen["workers"])) < 1:
        raise JixiaoError("设置 workers 至少为 1")
    if not 0.0 <= float(str(chosen["ocr_min_confidence"])) <= 1.0:
        raise JixiaoError("设置 ocr_min_confidence 应在 0 与 1 之间")
    for name in ("ocr_max_pages", "ocr_max_pixels", "ocr_page_seconds"):
        if float(str(chosen[name])) <= 0:
            raise JixiaoError(f"设置 {name} 应大于 0")
    return Settings(**chosen, sources=sources)  # type: ignore[arg-type]


def settings_markdown() -> str:
    """The settings table as Markdown (``docs/settings.md``)."""
    lines = [
        "# 设置 / Settings",
        "",
        "优先级：默认值 < 配置文件 < 环境变量 < 命令行选项。配置文件为 TOML，键名即下表“名称”，位置依次为",
        "`$JIXIAO_CONFIG`、当前目录的 `jixiao.toml`、`$XDG_CONFIG_HOME/jixiao/config.toml`"
        "（`~/.config/jixiao/config.toml`）。`jixiao settings` 显示当前生效的值及其来源。",
        "",
        "Precedence: defaults < config file < environment < command line. This page is generated from",
        "`jixiao.settings.SETTINGS` (`jixiao settings --markdown`).",
        "",
        "| 名称 | 环境变量 | 命令行 | 默认 | 含义 |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        flag = f"`{s.flag}`" if s.flag else "—"
        lines.append(f"| `{s.name}` | `{s.env}` | {flag} | {s.default_text} | {s.help} |")
    lines += [
        "",
        "```toml",
        "# jixiao.toml 示例",
        'database_url = "postgresql+psycopg://jixiao@db.example/jixiao"',
        "workers = 4",
        "max_file_mb = 200",
        "```",
        "",
    ]
    return "\n".join(lines)
