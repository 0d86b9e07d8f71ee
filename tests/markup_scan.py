"""A static scan: which values reach Markdown or HTML without escaping (issue 22).

A value is safe when it is a literal, an escaped value (anything from ``htmlsafe``,
``html.escape``), a number (``len``, ``int`` ...), the words of ``tr(zh, en)``, or built only
from safe values: an f-string, a ``+``, a ``join``, a list, a dict, a name whose every
assignment (and ``append``) in its function or module is safe, a loop variable over a safe
container, a call of a function of the scanned modules whose every ``return`` is safe. Any
other value (a parameter, an attribute, a table's cell) is data until shown otherwise.
Sinks are ``Markdown(...)``/``HTML(...)`` calls and f-strings that hold an HTML tag.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

TAG = re.compile(
    r"<(/?(a|b|i|p|br|div|span|table|tr|td|th|thead|tbody|ul|ol|li|h[1-6]|small|code|section|article|style|script|select|option|label|input|html|head|body|meta|title|link|svg|img|nav|strong|em|figure|header|footer|main|button|details|summary)\b|!--|!DOCTYPE)",
    re.I,
)
SINKS = {"Markdown", "HTML", "_markdown", "display_markdown", "display_html"}
ESCAPERS = {"escape", "markdown_text"}
NUMERIC = {"len", "int", "round", "min", "max", "sum", "float", "abs"}


def _names(t):
    if isinstance(t, ast.Name):
        yield t.id
    elif isinstance(t, (ast.Tuple, ast.List, ast.Starred)):
        for e in getattr(t, "elts", [getattr(t, "value", None)]):
            if e is not None:
                yield from _names(e)


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return _callee(func.value) + "." + func.attr
    return "?"


class Scope:
    """What each name of a function (or module) is bound to."""

    def __init__(self, node, parent=None):
        self.parent = parent
        self.values: dict[str, list] = {}  # name -> expressions; None: unknown
        self.loops: dict[str, ast.expr] = {}
        self.params: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            self.params = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
            if a.vararg:
                self.params.add(a.vararg.arg)
            if a.kwarg:
                self.params.add(a.kwarg.arg)
        nodes = ast.walk(node) if parent is not None else ast.iter_child_nodes(node)
        for n in nodes:
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    pairs = [(t, n.value)]
                    if (
                        isinstance(t, ast.Tuple)
                        and isinstance(n.value, ast.Tuple)
                        and len(t.elts) == len(n.value.elts)
                    ):
                        pairs = list(zip(t.elts, n.value.elts, strict=True))
                    for target, value in pairs:
                        simple = isinstance(target, ast.Name)
                        for name in _names(target):
                            self.values.setdefault(name, []).append(value if simple else None)
            elif (
                isinstance(n, (ast.AugAssign, ast.AnnAssign))
                and isinstance(n.target, ast.Name)
                and n.value
            ):
                self.values.setdefault(n.target.id, []).append(n.value)
            elif isinstance(n, (ast.For, ast.comprehension)):
                for name in _names(n.target):  # parts of what is iterated
                    self.loops[name] = n.iter
            elif (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("append", "extend", "insert")
                and isinstance(n.func.value, ast.Name)
            ):
                args = n.args[1:] if n.func.attr == "insert" else n.args
                self.values.setdefault(n.func.value.id, []).extend(args)
            elif isinstance(n, (ast.With,)):
                for item in n.items:
                    if item.optional_vars is not None:
                        for name in _names(item.optional_vars):
                            self.values.setdefault(name, []).append(None)


class Module:
    """One source file: its functions and module-level names."""

    def __init__(self, tree, modules):
        self.tree, self.modules = tree, modules
        self.scope = Scope(tree)
        self.funcs = {
            n.name: n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.imported = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.ImportFrom) and n.level:
                for a in n.names:
                    self.imported[a.asname or a.name] = a.name
        self.returns: dict[str, bool] = {}

    def returns_safe(self, name: str) -> bool:
        if name not in self.funcs:
            return False
        if name not in self.returns:
            self.returns[name] = True  # while checking it (recursion)
            f = self.funcs[name]
            scope = Scope(f, self.scope)
            self.returns[name] = all(
                r.value is None or self.safe(r.value, scope, frozenset())
                for r in ast.walk(f)
                if isinstance(r, ast.Return)
            )
        return self.returns[name]

    def name_safe(self, name: str, scope: Scope, seen) -> bool:
        if name in seen:
            return True
        seen = seen | {name}
        while scope is not None:
            if name in scope.params:
                return False
            if name in scope.loops:
                it = scope.loops[name]
                return it is not None and self.safe(it, scope, seen)
            if name in scope.values:
                vs = scope.values[name]
                return all(v is not None and self.safe(v, scope, seen) for v in vs)
            scope = scope.parent
        return False  # a builtin or an import: not text we know

    def safe(self, node, scope: Scope, seen) -> bool:
        s = lambda n: self.safe(n, scope, seen)  # noqa: E731
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(s(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp):
            return (
                s(node.left) and s(node.right)
                if not isinstance(node.op, ast.Mult)
                else any(isinstance(x, ast.Constant) for x in (node.left, node.right))
            )
        if isinstance(node, ast.Compare):
            return True  # True or False
        if isinstance(node, ast.UnaryOp):
            return s(node.operand)
        if isinstance(node, ast.BoolOp):
            return all(s(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return s(node.body) and s(node.orelse)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(s(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(s(v) for v in node.values)
        if isinstance(node, ast.DictComp):
            return self.safe(node.value, Scope(node, scope), seen)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            return self.safe(node.elt, Scope(node, scope), seen)  # loop variables: their iter
        if isinstance(node, ast.Subscript):
            return s(node.value)
        if isinstance(node, ast.Name):
            return self.name_safe(node.id, scope, seen)
        if isinstance(node, ast.Call):
            name = _callee(node.func)
            last = name.rsplit(".", 1)[-1]
            args = [*node.args, *(k.value for k in node.keywords)]
            if name.startswith("htmlsafe.") or last in ESCAPERS or last in NUMERIC:
                return True
            if self.imported.get(last) in ESCAPERS or self.imported.get(name) == "escape":
                return True
            if name == "e" and self.name_safe_escaper(scope):
                return True
            if any(
                k.arg == "escape" and _callee(k.value).startswith("htmlsafe.")
                for k in node.keywords
            ):
                return True  # a template with every value escaped (Page.text)
            if last.lstrip("_") == "tr":  # tr([lang,] zh, en): words in two languages
                return all(s(a) for a in node.args[-2:])
            if isinstance(node.func, ast.Attribute) and not name.startswith("self."):
                head = name.split(".")[0]
                mod = self.modules.get(self.imported[head]) if head in self.imported else None
                if mod is not None and name.count(".") == 1:
                    return mod.returns_safe(last)
                return s(node.func.value) and all(s(a) for a in args)  # a method of safe text
            if "." not in name or (name.startswith("self.") and name.count(".") == 1):
                return self.returns_safe(last)
            return False
        return False

    def name_safe_escaper(self, scope) -> bool:
        """``e`` bound to html.escape (as the writers abbreviate it)."""
        while scope is not None:
            if "e" in scope.values:
                return all(
                    v is not None and _callee(v).endswith("escape") for v in scope.values["e"]
                )
            scope = scope.parent
        return False


def _sink_args(node) -> list:
    if isinstance(node, ast.Call) and _callee(node.func).rsplit(".", 1)[-1] in SINKS:
        return [*node.args, *(k.value for k in node.keywords if k.arg == "value")]
    return []


def _unsafe_parts(mod: Module, nodes, scope: Scope) -> list[tuple[int, str]]:
    """(line, expression) of each value that reaches Markdown or HTML unescaped."""
    found = []
    for node in nodes:
        for arg in _sink_args(node):
            if not mod.safe(arg, scope, frozenset()):
                found.append((node.lineno, ast.unparse(arg)))
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if TAG.search(literal):
                for v in node.values:
                    if isinstance(v, ast.FormattedValue) and not mod.safe(
                        v.value, scope, frozenset()
                    ):
                        found.append((node.lineno, ast.unparse(v.value)))
    return found


def _outside_functions(tree) -> list:
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.append(child)
                stack.append(child)
    return out


def unsafe_markup(sources: dict[str, str]) -> list[tuple[str, int, str]]:
    """Return ``(name, line, expression)`` for each value that reaches Markdown or HTML (a
    ``Markdown``/``HTML`` call, an f-string with a tag) and is neither a literal, nor
    escaped (``htmlsafe``, ``html.escape``), nor built only from those, in any of
    ``sources`` (file name -> Python source; a module is found by its file's stem, or its
    folder's name for an ``__init__.py``)."""
    by_stem: dict[str, Module] = {}
    modules = {}
    for name, text in sources.items():
        path = PurePosixPath(name)
        stem = (path.parent.name or path.stem) if path.stem == "__init__" else path.stem
        modules[name] = by_stem[stem] = Module(ast.parse(text), by_stem)
    found = []
    for name, mod in modules.items():
        for f in mod.funcs.values():
            if f.name not in SINKS:  # a wrapper of a sink: its callers are checked
                found += [(name, *p) for p in _unsafe_parts(mod, ast.walk(f), Scope(f, mod.scope))]
        found += [(name, *p) for p in _unsafe_parts(mod, _outside_functions(mod.tree), mod.scope)]
    return sorted(set(found))
