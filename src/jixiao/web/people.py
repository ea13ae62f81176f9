"""Users and their units imported from a sheet (用户名、显示名称、角色、单位、密码), for
``jixiao user import`` and the admin page alike.

The whole sheet is checked first — roles, units (a name the database does not hold is refused with
the closest ones unless new units are allowed), the password policy, names repeated in the sheet or
already taken — and every problem is listed by row with nothing imported. A blank password gets an
initial one, returned so that it can be handed over once.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import openpyxl

from jixiao.errors import JixiaoError
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.web.security import hash_password
from jixiao.web.security import new_password
from jixiao.web.security import password_problem

COLUMNS = {"用户名": "username", "显示名称": "name", "角色": "role", "单位": "unit", "密码": "password"}
ROLE_WORDS = {
    "admin": "admin", "管理员": "admin",
    "reviewer": "reviewer", "审核人员": "reviewer", "审核": "reviewer",
    "unit": "unit", "单位用户": "unit", "单位": "unit", "": "unit",
}  # fmt: skip


def read_people(data: bytes, name: str) -> list[dict[str, str]]:
    """The rows of the first sheet under a header naming 用户名 (and 显示名称、角色、单位、密码 as
    wanted), as text; a Chinese error naming the file and the place otherwise."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise JixiaoError(f"{name}：无法作为 .xlsx 工作簿打开（{type(exc).__name__}）") from None
    try:
        ws = book.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows or "用户名" not in rows[0]:
        raise JixiaoError(
            f"{name}：第一个工作表的第 1 行应是表头，含“用户名”（可另有显示名称、角色、单位、密码）"
        )
    keys = [COLUMNS.get(h, "") for h in rows[0]]
    people = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        person = {k: v for k, v in zip(keys, row, strict=False) if k}
        person["row"] = str(n)
        people.append(person)
    return people


def unknown_unit(accounts: Accounts, unit: str, flag: str) -> str | None:
    """Why ``unit`` cannot be used when the database does not hold it (the closest names named, so
    that a typo does not create a second unit), or None when it is held."""
    if accounts.unit_id(unit) is not None:
        return None
    names = [u.name for u in accounts.units()]
    wanted = unit.strip()
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    close += [n for n in names if (wanted in n or n in wanted) and n not in close][: 5 - len(close)]
    hint = f"最接近的有：{'、'.join(close)}。" if close else ("库中还没有单位。" if not names else "")
    return f"库中没有名为“{wanted}”的单位。{hint}请改用库中的名称，或确要新建该单位时{flag}。"


def import_people(
    accounts: Accounts, data: bytes, name: str, *, create_units: bool, flag: str = "加 --create-units"
) -> tuple[int, list[tuple[str, str]]]:
    """Check the whole sheet, then add every user in it: (users added, initial passwords given).
    Any problem raises a JixiaoError listing every one by row, and nothing is added."""
    people = read_people(data, name)
    problems: list[str] = []
    seen: set[str] = set()
    for p in people:
        where = f"{name} 第{p['row']}行"
        username = p.get("username", "")
        role = ROLE_WORDS.get(p.get("role", "").lower())
        if not username:
            problems.append(f"{where}：缺少用户名")
        elif username in seen:
            problems.append(f"{where}：用户名“{username}”在表中重复")
        elif accounts.by_username(username) is not None:
            problems.append(f"{where}：用户名“{username}”已存在")
        seen.add(username)
        if role is None:
            problems.append(f"{where}：角色“{p.get('role')}”无效，应为 管理员、审核人员 或 单位用户")
        elif role == "unit" and not p.get("unit"):
            problems.append(f"{where}：单位用户须写所属单位")
        if p.get("password") and (problem := password_problem(p["password"], username)):
            problems.append(f"{where}：{problem}")
        p["role"] = role or ""
    if not people:
        problems.append(f"{name}：表中没有用户")
    if not create_units:
        for unit in sorted({p["unit"] for p in people if p["role"] == "unit" and p.get("unit")}):
            rows = "、".join(p["row"] for p in people if p.get("unit") == unit)
            if (why := unknown_unit(accounts, unit, flag)) is not None:
                problems.append(f"{name} 第{rows}行：{why}")
    if problems:
        raise JixiaoError("未导入任何用户：\n" + "\n".join(problems))
    made: list[tuple[str, str]] = []
    for p in people:
        password = p.get("password") or new_password()
        accounts.add_user(
            p["username"],
            hash_password(password),
            Role(p["role"]),
            unit=p.get("unit") if p["role"] == "unit" else None,
            display_name=p.get("name") or None,
        )
        if not p.get("password"):
            made.append((p["username"], password))
    return len(people), made


def import_people_file(
    accounts: Accounts, path: Path, *, create_units: bool
) -> tuple[int, list[tuple[str, str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JixiaoError(f"{path}：无法读取（{exc.strerror}）") from None
    return import_people(accounts, data, path.name, create_units=create_units)
