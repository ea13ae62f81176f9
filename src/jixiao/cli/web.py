"""``jixiao serve`` (the web app) and ``jixiao user`` (its accounts)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated

import typer

from jixiao.cli import _console
from jixiao.cli import app
from jixiao.cli import friendly
from jixiao.cli.database import DatabaseOption
from jixiao.cli.database import DataDirOption
from jixiao.errors import JixiaoError
from jixiao.settings import Settings

if TYPE_CHECKING:
    from jixiao.storage.accounts import Accounts

user_app = typer.Typer(help="管理网页的用户账号。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")

ROLE_HELP = "角色：admin（管理员）、reviewer（审核人员，财政局）、unit（单位用户，只能看本单位）"


def _settings(**cli: object) -> Settings:
    from jixiao.settings import load_settings

    return load_settings(cli=cli)


def first_admin(settings: Settings) -> tuple[str, str] | None:
    """Create the first admin (``admin`` with a random password) in a database without users."""
    from jixiao.storage.accounts import Accounts
    from jixiao.storage.accounts import Role
    from jixiao.storage.db import open_database
    from jixiao.web.security import hash_password
    from jixiao.web.security import new_password

    db = open_database(settings.database_url)
    try:
        accounts = Accounts(db)
        if accounts.count_users():
            return None
        password = new_password()
        accounts.add_user("admin", hash_password(password), Role.ADMIN, display_name="管理员")
        return "admin", password
    finally:
        db.close()


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option("--host", help="监听地址（默认 127.0.0.1，仅本机）")] = None,
    port: Annotated[int | None, typer.Option("--port", "-p", help="端口（默认 8000）")] = None,
    database: DatabaseOption = None,
    data_dir: DataDirOption = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", help="服务进程数（默认 CPU 核数；每个进程各自连接数据库）"),
    ] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies", help="仅通过 HTTPS 发送登录 Cookie（经 HTTPS 反向代理提供服务时使用）"
        ),
    ] = False,
) -> None:
    """启动网页：上传复核、编写评价、汇总看板。首次运行时创建管理员 admin 并显示其密码（仅显示一次）。"""
    import os

    import uvicorn

    from jixiao.web import workers as workers_module
    from jixiao.web.protocol import NoDelayHttpToolsProtocol

    settings = _settings(host=host, port=port, database_url=database, data_dir=data_dir, workers=workers)
    created = first_admin(settings)
    console = _console()
    if created:
        console.print(
            f"已创建管理员账号 {created[0]}，初始密码：{created[1]}\n"
            "（仅显示这一次；请登录后在“用户与单位”中修改，或运行 jixiao user passwd admin）",
            highlight=False,
        )
    # The server processes import jixiao.web.asgi, which reads its settings from the environment:
    # hand this command's resolved settings down that way.
    os.environ["JIXIAO_DATA_DIR"] = str(settings.data_dir)
    os.environ["JIXIAO_DATABASE_URL"] = settings.database_url
    os.environ["JIXIAO_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    started = f"jixiao 网页：http://{settings.host}:{settings.port}/  （{settings.workers} 个服务进程；Ctrl-C 停止）"
    if settings.workers > 1 and workers_module.supported():
        # Each process listens on a socket of its own (see jixiao.web.workers).
        sockets = workers_module.bind(settings.host, settings.port, settings.workers)
        console.print(started, highlight=False)
        console_err = _console(stderr=True)
        code = workers_module.Workers(
            sockets, workers_module.serve_app, report=lambda text: console_err.print(text, highlight=False)
        ).run()
        if code:
            raise typer.Exit(code)
        return
    console.print(started, highlight=False)
    uvicorn.run(
        "jixiao.web.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        proxy_headers=True,
        http=NoDelayHttpToolsProtocol,
    )


def _password(given: str | None, *, stdin: bool, username: str) -> str:
    from jixiao.web.security import password_problem

    if stdin:
        given = sys.stdin.readline().rstrip("\n")
    if given is None:
        given = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != given:
            raise JixiaoError("两次输入的密码不一致")
    problem = password_problem(given, username)
    if problem:
        raise JixiaoError(problem)
    return given


@user_app.command("add")
@friendly
def user_add(
    username: Annotated[str, typer.Argument(help="登录用户名")],
    role: Annotated[str, typer.Option("--role", "-r", help=ROLE_HELP)] = "unit",
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="单位用户所属单位（须是库中已有的单位；新单位加 --create-unit）"),
    ] = None,
    create_unit: Annotated[
        bool, typer.Option("--create-unit", help="--unit 所写的单位库中没有时新建它")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="显示名称（默认同用户名）")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码（供脚本使用）")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """新增用户。密码交互输入，或用 --password-stdin 从标准输入读取。

    单位用户的 --unit 须与库中单位名称完全一致；写错一个字不会悄悄新建一个单位，而是列出
    最接近的名称。确要新建单位时加 --create-unit。"""
    from jixiao.storage.accounts import Accounts
    from jixiao.storage.accounts import Role
    from jixiao.storage.db import open_database
    from jixiao.web.security import hash_password

    try:
        chosen = Role(role)
    except ValueError:
        raise JixiaoError(f"角色“{role}”无效；{ROLE_HELP}") from None
    if chosen is not Role.UNIT and unit:
        raise JixiaoError("只有单位用户（--role unit）才指定 --unit")
    db = open_database(_settings(database_url=database).database_url)
    try:
        if unit and not create_unit:
            _known_unit(Accounts(db), unit)
    except BaseException:
        db.close()
        raise
    password = _password(None, stdin=password_stdin, username=username)
    try:
        user = Accounts(db).add_user(username, hash_password(password), chosen, unit=unit, display_name=name)
    finally:
        db.close()
    _console().print(
        f"已新增用户 {user.username}（{user.role.label}{'，' + user.unit_name if user.unit_name else ''}）",
        highlight=False,
    )


def _known_unit(accounts: Accounts, unit: str) -> None:
    """Refuse a unit name the database does not hold, naming the closest ones (a typo must not
    create a second unit whose user then sees none of the first one's evaluations)."""
    from jixiao.web.people import unknown_unit

    why = unknown_unit(accounts, unit, "加 --create-unit")
    if why is not None:
        raise JixiaoError(why)


@user_app.command("passwd")
@friendly
def user_passwd(
    username: Annotated[str, typer.Argument(help="登录用户名")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")] = False,
    database: DatabaseOption = None,
) -> None:
    """修改用户密码（该用户已登录的会话随之失效）。"""
    from jixiao.storage.accounts import Accounts
    from jixiao.storage.db import open_database
    from jixiao.web.security import hash_password

    db = open_database(_settings(database_url=database).database_url)
    try:
        accounts = Accounts(db)
        user = accounts.by_username(username)
        if user is None:
            raise JixiaoError(f"没有用户名为“{username}”的用户")
        accounts.update_user(
            user.id,
            password_hash=hash_password(_password(None, stdin=password_stdin, username=user.username)),
        )
    finally:
        db.close()
    _console().print(f"已修改用户 {username} 的密码", highlight=False)


unit_app = typer.Typer(
    help="管理单位：改名、合并（均记入各项目的修改记录）。", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(unit_app, name="unit")


@unit_app.command("rename")
@friendly
def unit_rename(
    old: Annotated[str, typer.Argument(help="单位现在的名称")],
    new: Annotated[str, typer.Argument(help="新名称")],
    database: DatabaseOption = None,
) -> None:
    """给单位改名（如更正错字）；其用户与评价都随之改名。"""
    from jixiao.storage.db import open_database
    from jixiao.storage.units import rename_unit

    db = open_database(_settings(database_url=database).database_url)
    try:
        done = rename_unit(db, old, new, actor="命令行")
    finally:
        db.close()
    _console().print(
        f"已将单位“{old.strip()}”改名为“{done.unit}”（{done.projects} 个项目的修改记录已记下，{done.users} 个用户）",
        highlight=False,
    )


@unit_app.command("merge")
@friendly
def unit_merge(
    source: Annotated[str, typer.Argument(help="要并入的单位（合并后不再存在）")],
    target: Annotated[str, typer.Argument(help="保留的单位")],
    database: DatabaseOption = None,
) -> None:
    """把一个单位的项目、评价、文件与用户并入另一个单位，并删去前者；两单位有同名项目或相同文件时不合并。"""
    from jixiao.storage.db import open_database
    from jixiao.storage.units import merge_units

    db = open_database(_settings(database_url=database).database_url)
    try:
        done = merge_units(db, source, target, actor="命令行")
    finally:
        db.close()
    _console().print(
        f"已将单位“{source.strip()}”并入“{done.unit}”（{done.projects} 个项目的修改记录已记下，现有 {done.users} 个用户）",
        highlight=False,
    )


@user_app.command("import")
@friendly
def user_import(
    file: Annotated[
        Path, typer.Argument(help=".xlsx：表头含 用户名、显示名称、角色、单位、密码", show_default=False)
    ],
    create_units: Annotated[
        bool, typer.Option("--create-units", help="表中写的单位库中没有时新建（否则列出最接近的名称并停止）")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """从 Excel 表批量导入用户与单位。先检查整张表（角色、单位、密码规则、用户名重复），有任何问题
    就逐行列出、一个也不导入；密码一栏留空的，生成初始密码并在此列出。"""
    from jixiao.storage.accounts import Accounts
    from jixiao.storage.db import open_database
    from jixiao.web.people import import_people_file

    db = open_database(_settings(database_url=database).database_url)
    try:
        added, made = import_people_file(Accounts(db), file, create_units=create_units)
    finally:
        db.close()
    _console().print(f"已导入 {added} 个用户", highlight=False)
    for username, password in made:
        _console().print(f"  {username} 的初始密码：{password}", highlight=False)


@user_app.command("list")
@friendly
def user_list(database: DatabaseOption = None) -> None:
    """列出全部用户。"""
    from rich.table import Table

    from jixiao.storage.accounts import Accounts
    from jixiao.storage.db import open_database

    db = open_database(_settings(database_url=database).database_url)
    try:
        users = Accounts(db).users()
    finally:
        db.close()
    table = Table("用户名", "显示名称", "角色", "单位", "状态")
    for u in users:
        table.add_row(
            u.username, u.display_name, u.role.label, u.unit_name or "", "启用" if u.active else "停用"
        )
    _console().print(table)
