"""Issue 9, item 5: no SQL is built from strings that carry values.

Every f-string, ``%`` or ``+`` expression and ``"...".format(...)`` call in src/eventscope whose
literal text looks like SQL, and every argument of ``execute``/``sql`` that is built in place,
may interpolate only *constant* pieces: literals, module constants (``_FROM``, ``_KEYS[by]``:
an entry of a fixed table), schema names (``table.name``, ``table.column_names``), quoted
identifiers (``quote(...)``), and local names and same-module functions that are themselves
built only from those. A value (a function's parameter, anything read at run time) must
travel as a ``?``/``$name`` parameter. The check is a small taint analysis on the AST; the
first tests show what it catches.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import eventscope

SRC = Path(eventscope.__file__).parent
SQL = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE|DROP|ALTER TABLE|WHERE|ORDER BY|"
    r"GROUP BY|LIMIT|VALUES)\b"
)
CONSTANT = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
# Of store.schema.Table, whose every instance is a constant of that module.
SCHEMA_ATTRIBUTES = {"name", "column_names", "column_types", "columns", "constraints"}
SCHEMA_METHODS = {"ddl"}
STRING_METHODS = {"join", "format", "strip", "lower", "upper", "replace", "get"}
SAFE_FUNCTIONS = {"quote", "int", "len", "float"}  # identifier quoting, numbers
EXECUTORS = {"execute", "sql", "executemany"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


_MODULES: dict[str, Module] = {}


def _module(name: str) -> Module | None:
    """The analysis of an eventscope module by dotted name (for imported functions)."""
    if name not in _MODULES:
        parts = name.split(".")[1:]
        path = SRC.joinpath(*parts).with_suffix(".py")
        if not path.is_file():
            path = SRC.joinpath(*parts, "__init__.py")
        if not path.is_file():
            return None
        _MODULES[name] = Module(ast.parse(path.read_text(encoding="utf-8")))
    return _MODULES[name]


class Module:
    """Taint analysis of one module: which expressions are built from constants only."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions: dict[str, Function] = {
            node.name: node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        # Functions imported from other eventscope modules: analysed there.
        self.imported: dict[str, tuple[str, str]] = {
            alias.asname or alias.name: (node.module, alias.name)
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eventscope")
            for alias in node.names
        }
        self._returns: dict[str, list[list[bool]] | None] = {}
        self._envs: dict[int, dict[str, bool]] = {}

    # -- safety of one expression ------------------------------------------------------------

    def safe(self, node: ast.expr | None, env: dict[str, bool]) -> bool:
        match node:
            case None | ast.Constant():
                return True
            case ast.Name(id=name):
                return bool(CONSTANT.match(name)) or env.get(name, False)
            case ast.Attribute(attr=attr, value=value):
                return attr in SCHEMA_ATTRIBUTES or (
                    bool(CONSTANT.match(attr)) and self.safe(value, env)
                )
            case ast.Subscript(value=value):
                return self.safe(value, env)  # an entry of a constant table
            case ast.JoinedStr(values=values):
                return all(self.safe(v, env) for v in values)
            case ast.FormattedValue(value=value):
                return self.safe(value, env)
            case ast.BinOp(left=left, right=right):
                return self.safe(left, env) and self.safe(right, env)
            case ast.IfExp(body=body, orelse=orelse):
                return self.safe(body, env) and self.safe(orelse, env)
            case ast.BoolOp(values=values) | ast.Tuple(elts=values) | ast.List(elts=values):
                return all(self.safe(v, env) for v in values)
            case ast.GeneratorExp() | ast.ListComp():
                inner = dict(env)
                for comp in node.generators:
                    self._bind(comp.target, self.safe(comp.iter, inner), inner)
                return self.safe(node.elt, inner)
            case ast.Call(func=func, args=args, keywords=keywords):
                arguments = [*args, *(k.value for k in keywords)]
                if isinstance(func, ast.Attribute) and func.attr in SCHEMA_METHODS:
                    return True
                if isinstance(func, ast.Attribute) and func.attr in STRING_METHODS:
                    if func.attr == "get":  # an entry of a constant table, whatever the key
                        return self.safe(func.value, env)
                    return self.safe(func.value, env) and all(self.safe(a, env) for a in arguments)
                if isinstance(func, ast.Name):
                    if func.id in SAFE_FUNCTIONS or CONSTANT.match(func.id):
                        return True
                    returns = self.returns(func.id)
                    return returns is not None and all(all(r) for r in returns)
                return False
        return False

    @staticmethod
    def _bind(target: ast.expr, safe: bool, env: dict[str, bool]) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                env[name.id] = safe

    # -- local names ---------------------------------------------------------------------------

    def env(self, function: Function) -> dict[str, bool]:
        """Local names of ``function`` that hold only constant-built values."""
        if id(function) in self._envs:
            return self._envs[id(function)]
        assigned: list[tuple[ast.expr, ast.expr | None, int | None, bool]] = []
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Tuple):
                        for i, element in enumerate(target.elts):
                            assigned.append((element, node.value, i, False))
                    else:
                        assigned.append((target, node.value, None, False))
            elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
                assigned.append((node.target, node.value, None, isinstance(node, ast.AugAssign)))
            elif isinstance(node, ast.For):
                assigned.append((node.target, node.iter, None, False))
            elif (  # parts.append(x), parts.extend(xs): x joins what ``parts`` holds
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend", "insert")
                and isinstance(node.func.value, ast.Name)
                and node.args
            ):
                assigned.append((node.func.value, node.args[-1], None, True))
        names = {
            n.id for target, *_ in assigned for n in ast.walk(target) if isinstance(n, ast.Name)
        }
        env = dict.fromkeys(names, True)  # optimistic, then refuted until nothing changes
        self._envs[id(function)] = env
        changed = True
        while changed:
            changed = False
            for target, value, index, _augmented in assigned:
                ok = self._element_safe(value, index, env)
                for name in (n for n in ast.walk(target) if isinstance(n, ast.Name)):
                    if env.get(name.id) and not ok:
                        env[name.id] = False
                        changed = True
        return env

    def _element_safe(
        self, value: ast.expr | None, index: int | None, env: dict[str, bool]
    ) -> bool:
        if index is None:
            return self.safe(value, env)
        if isinstance(value, ast.Tuple) and index < len(value.elts):
            return self.safe(value.elts[index], env)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            returns = self.returns(value.func.id)
            return returns is not None and all(index < len(r) and r[index] for r in returns)
        return False

    def returns(self, name: str) -> list[list[bool]] | None:
        """Per return statement of a same-module function, the safety of each element."""
        if name in self._returns:
            return self._returns[name]
        function = self.functions.get(name)
        if function is None:
            if name in self.imported:
                module_name, original = self.imported[name]
                other = _module(module_name)
                return other.returns(original) if other is not None else None
            return None
        self._returns[name] = None  # recursion: unknown, so unsafe
        env = self.env(function)
        found = []
        for node in ast.walk(function):
            if isinstance(node, ast.Return):
                elements = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                found.append([self.safe(e, env) for e in elements])
        self._returns[name] = found
        return found


def _looks_like_sql(node: ast.expr) -> bool:
    return any(
        isinstance(c, ast.Constant) and isinstance(c.value, str) and SQL.search(c.value)
        for c in ast.walk(node)
    )


def violations(source: str, filename: str = "<test>") -> Iterator[str]:
    tree = ast.parse(source, filename)
    module = Module(tree)
    scopes: list[tuple[ast.AST, dict[str, bool], set[str]]] = [(tree, {}, set())]
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            scopes.append((node, module.env(node), params))
    seen: set[int] = set()
    for scope, env, params in reversed(scopes):  # innermost function first
        for node in ast.walk(scope):
            if id(node) in seen:
                continue
            built = (
                isinstance(node, ast.JoinedStr)
                or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod))
                or (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"
                    and isinstance(node.func.value, ast.Constant)
                )
            )
            if built and _looks_like_sql(node):
                seen.update(id(n) for n in ast.walk(node))
                if not module.safe(node, env):  # type: ignore[arg-type]
                    yield f"{filename}:{node.lineno}: SQL built from a value: {ast.unparse(node)}"
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in EXECUTORS
                and node.args
            ):
                sql = node.args[0]
                # A bare parameter is the caller's SQL (Store.query): checked where it is built.
                if isinstance(sql, ast.Name) and sql.id in params:
                    continue
                if not module.safe(sql, env):
                    yield f"{filename}:{node.lineno}: SQL from a value: {ast.unparse(sql)}"
        seen.update(id(n) for n in ast.walk(scope))  # judged here, not again in outer scopes


@pytest.mark.parametrize(
    "code",
    [
        "def f(con, user):\n    con.execute(f\"SELECT * FROM t WHERE id = '{user}'\")",
        'def f(con, user):\n    con.execute("SELECT * FROM t WHERE id = \'" + user + "\'")',
        "def f(con, user):\n    con.execute(\"SELECT * FROM t WHERE id = '%s'\" % user)",
        "def f(con, user):\n    con.execute(\"SELECT * FROM t WHERE id = '{}'\".format(user))",
        "def f(con, user):\n    sql = 'SELECT * FROM t'\n    sql += f\" WHERE id = '{user}'\"\n"
        "    con.execute(sql)",
        "def f(con, user):\n    q = user.strip()\n    con.execute(q)",
        "def f(con, user):\n    parts = ['a = ?']\n    parts.append(user)\n"
        "    con.execute('SELECT 1 WHERE ' + ' AND '.join(parts))",
        "def g(x):\n    return f' WHERE a = {x}', []\n"
        "def f(con, user):\n    clause, params = g(user)\n    con.execute('SELECT 1' + clause)",
    ],
)
def test_the_check_catches_values_in_sql(code: str) -> None:
    assert list(violations(code)), code


@pytest.mark.parametrize(
    "code",
    [
        "_COLS = 'a, b'\ndef f(con, user):\n    con.execute(f'SELECT {_COLS} FROM t WHERE id = ?', "
        "[user])",
        "_KEYS = {'a': 'x'}\ndef f(con, by):\n    con.execute(f'SELECT {_KEYS[by]} FROM t')",
        "def f(con, table, rows):\n    cols = ', '.join(quote(c) for c in table.column_names)\n"
        "    con.execute(f'INSERT INTO {table.name} ({cols}) VALUES (?)', rows)",
        "_C = (('a', 'a = ?'),)\ndef w(v):\n    cs = [s for n, s in _C if v.get(n)]\n"
        "    return (' WHERE ' + ' AND '.join(cs)) if cs else '', [v]\n"
        "def f(con, v):\n    clause, params = w(v)\n    con.execute(f'SELECT 1{clause}', params)",
    ],
)
def test_the_check_allows_constant_pieces(code: str) -> None:
    assert not list(violations(code)), list(violations(code))


def test_no_sql_in_eventscope_is_built_from_values() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found.extend(violations(path.read_text(encoding="utf-8"), str(path.relative_to(SRC))))
    assert not found, "\n".join(found)
