"""Why the history store cannot be opened or used, in words a supervisory office can act on.

Every failure of the store reaches its caller as one StoreError whose `kind` names the cause (a catalog, as
auditor.problems is for a document's problems): the command line prints `message(lang)` and exits 2. `str()` is the
English message, for library callers and logs. SQLite's own error is classified by its result code
(`sqlite_errorcode`, Python ≥ 3.11), and by its fixed message text when an error carries no code; PostgreSQL's
(auditor.store.postgres) by its SQLSTATE, and by libpq's message when the connection itself failed.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_HINT_RERUN = {"zh": "本次运行中已完整记入的文档保持不变，重新运行即可补全其余部分",
               "en": "documents recorded whole before this stay as they are; running again completes the rest"}

# kind → language → message template. Every template may use {path}; the others name their values.
MESSAGES: dict[str, dict[str, str]] = {
    "folder_missing": {
        "zh": "无法创建历史库 {path}：没有文件夹 {folder}；请先建立该文件夹，或换一个路径",
        "en": "cannot create the history store {path}: there is no folder {folder}; create it first or choose "
              "another path"},
    "is_directory": {
        "zh": "历史库路径 {path} 是一个文件夹，不是文件；请给出数据库文件的路径（例如 {path}/history.db）",
        "en": "the history store path {path} is a folder, not a file; give the path of a database file (e.g. "
              "{path}/history.db)"},
    "permission": {
        "zh": "无法打开历史库 {path}：没有访问权限（{reason}）；请检查该文件及其所在文件夹的权限",
        "en": "cannot open the history store {path}: permission denied ({reason}); check the permissions of the "
              "file and its folder"},
    "read_only": {
        "zh": "历史库 {path} 不可写（文件或其所在文件夹只读：{reason}），本次结果未能记入；"
              "请检查权限，或换一个可写的位置",
        "en": "the history store {path} cannot be written (the file or its folder is read-only: {reason}); this "
              "run's results were not recorded; check the permissions or choose a writable place"},
    "cannot_open": {
        "zh": "无法打开历史库 {path}（{reason}）",
        "en": "cannot open the history store {path} ({reason})"},
    "not_a_database": {
        "zh": "{path} 不是 SQLite 数据库，也就不是 auditor 的历史库，未作改动；请给出 `auditor audit --db` 写出的文件，"
              "或换一个新文件名",
        "en": "{path} is not an SQLite database, so not an auditor history store; it was left untouched; give a file "
              "written by `auditor audit --db`, or a new file name"},
    "newer": {
        "zh": "历史库 {path} 的结构版本为 {found}，新于本版 auditor 所知的 {known}，未作改动；"
              "请使用更新版本的 auditor，或另用一个历史库文件",
        "en": "the history store {path} is at schema version {found}, newer than this auditor knows ({known}); it "
              "was left untouched; use a newer auditor or another database file"},
    "migration_failed": {
        "zh": "历史库 {path} 升级到结构版本 {number} 失败（{reason}），已回滚，保持原版本",
        "en": "migration {number} failed on the history store {path} ({reason}); it was rolled back, the store "
              "keeps its earlier version"},
    "locked": {
        "zh": "历史库 {path} 正被另一个进程占用，等待 {timeout:g} 秒仍未释放；请待另一次运行结束后重试",
        "en": "the history store {path} is locked by another process and was not released within {timeout:g} s; "
              "try again when the other run has finished"},
    "full": {
        "zh": "历史库 {path} 写入失败：磁盘已满或数据库达到大小上限（SQLite：{reason}），正在写入的记录已回滚；"
              "请腾出空间后重新运行，" + _HINT_RERUN["zh"],
        "en": "the history store {path} could not be written: the disk is full or the database reached its size "
              "limit (SQLite: {reason}); the records being written were rolled back; free some space and run again: "
              + _HINT_RERUN["en"]},
    "corrupt": {
        "zh": "历史库 {path} 已损坏（SQLite 完整性检查：{detail}），未作任何写入；请从备份恢复该文件，或另用一个新文件"
              "重新核查（`sqlite3 {path} .recover` 可导出其中尚可读取的记录）",
        "en": "the history store {path} is corrupt (SQLite integrity check: {detail}); nothing was written to it; "
              "restore the file from a backup or audit into a new file (`sqlite3 {path} .recover` exports the "
              "records that can still be read)"},
    "io": {
        "zh": "读写历史库 {path} 时发生磁盘 I/O 错误（{reason}）；" + _HINT_RERUN["zh"],
        "en": "a disk I/O error on the history store {path} ({reason}); " + _HINT_RERUN["en"]},
    "failed": {
        "zh": "历史库 {path} 出错（{reason}）",
        "en": "the history store {path} failed ({reason})"},
    # A store on a PostgreSQL server (auditor.store.postgres); {path} is the URL without its password.
    "unreachable": {
        "zh": "无法连接历史库服务器 {path}（{reason}）；请检查服务器是否已启动、主机名和端口是否正确",
        "en": "cannot reach the history store's server {path} ({reason}); check that the server is running and "
              "the host and port are right"},
    "auth_failed": {
        "zh": "历史库服务器 {path} 拒绝登录（{reason}）；请检查用户名和密码（密码可写在 ~/.pgpass 或 PGPASSWORD 中）",
        "en": "the history store's server {path} refused the login ({reason}); check the user name and the "
              "password (~/.pgpass or PGPASSWORD can hold it)"},
    "database_missing": {
        "zh": "历史库服务器上没有数据库 {path}（{reason}）；请先建立该数据库（`createdb`），auditor 会在其中建表",
        "en": "the server has no database {path} ({reason}); create it first (`createdb`): auditor creates its "
              "tables in it"},
    "conflict": {
        "zh": "历史库 {path} 上另一个同时进行的写入与本次冲突（{reason}），正在写入的记录已回滚；" + _HINT_RERUN["zh"],
        "en": "another writer on the history store {path} conflicted with this one ({reason}); the records being "
              "written were rolled back; " + _HINT_RERUN["en"]},
    "connection_lost": {
        "zh": "与历史库服务器 {path} 的连接中断（{reason}）；" + _HINT_RERUN["zh"],
        "en": "the connection to the history store's server {path} was lost ({reason}); " + _HINT_RERUN["en"]},
    "bad_url": {
        "zh": "历史库地址 {path} 无法解析（{reason}）；应写作 postgresql://用户@主机:端口/数据库名",
        "en": "the history store URL {path} cannot be read ({reason}); write it as "
              "postgresql://user@host:port/dbname"},
    "driver_missing": {
        "zh": "要使用 PostgreSQL 历史库 {path}，需要安装 psycopg：pip install 'auditor[postgres]'",
        "en": "a PostgreSQL history store ({path}) needs psycopg: pip install 'auditor[postgres]'"},
}

# SQLite's primary result codes (the low byte of an extended code) → kind. CANTOPEN is looked at more closely.
_BY_CODE = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "not_a_database",
    sqlite3.SQLITE_BUSY: "locked",
    sqlite3.SQLITE_LOCKED: "locked",
    sqlite3.SQLITE_READONLY: "read_only",
    sqlite3.SQLITE_PERM: "permission",
    sqlite3.SQLITE_AUTH: "permission",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "cannot_open",
}
# The same, by the fixed text SQLite gives each code (sqlite3_errstr), for an error raised without a code.
_BY_TEXT = (("disk is full", "full"), ("malformed", "corrupt"), ("not a database", "not_a_database"),
            ("locked", "locked"), ("readonly", "read_only"), ("unable to open", "cannot_open"),
            ("disk i/o error", "io"), ("access permission denied", "permission"))


class StoreError(Exception):
    """The history store cannot be opened or used: `kind` is a key of MESSAGES, `values` fill its template."""

    def __init__(self, kind: str, path: Path | str | None = None, **values: object) -> None:
        self.kind = kind
        self.path = str(path) if path is not None else "?"
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        templates = MESSAGES[self.kind]
        return templates.get(lang, templates["en"]).format(path=self.path, **self.values)

    def at(self, path: Path | str) -> StoreError:
        """The same error naming `path` (raised below Store, e.g. by a migration, which does not know the file)."""
        return StoreError(self.kind, path, **self.values)


def classify(exc: sqlite3.Error, path: Path | str, timeout: float = 0.0) -> StoreError:
    """The StoreError for SQLite's error `exc` on the store at `path` (`timeout`: the busy timeout waited)."""
    reason = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _BY_CODE.get(code & 0xFF) if isinstance(code, int) else None
    if kind is None:
        lowered = reason.lower()
        kind = next((k for text, k in _BY_TEXT if text in lowered), "failed")
    if kind == "cannot_open":
        return cannot_open(path, reason)
    if kind == "corrupt":
        return StoreError(kind, path, detail=reason)
    if kind == "locked":
        return StoreError(kind, path, timeout=timeout)
    return StoreError(kind, path, reason=reason)


def cannot_open(path: Path | str, reason: str) -> StoreError:
    """Why SQLite could not open (or create) the file at `path`, from what the file system says about it: SQLite
    itself only says "unable to open database file"."""
    where = Path(path)
    if where.is_dir():
        return StoreError("is_directory", path)
    if not where.parent.is_dir():
        return StoreError("folder_missing", path, folder=where.parent)
    try:  # the file (or, for a new store, its folder) refusing us is a permission problem, named as the OS names it
        if where.exists():
            where.open("rb").close()
        else:
            probe = where.with_name(f".{where.name}.probe")
            probe.touch()
            probe.unlink()
    except PermissionError as exc:
        return StoreError("permission", path, reason=exc.strerror or str(exc))
    except OSError as exc:
        kind = "read_only" if exc.errno == errno.EROFS else "cannot_open"
        return StoreError(kind, path, reason=exc.strerror or str(exc))
    return StoreError("cannot_open", path, reason=reason)
