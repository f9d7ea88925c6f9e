"""The rules ("add an op"): what a row of the derivative table is, every row, and what rules may call.

* :mod:`.vocabulary`: the functions a rule may call on ``F``, declared once;
* :mod:`.op`: :class:`Op`, one row, and the plain numbers a ``dot`` folds (:class:`DotConst`);
* :mod:`.table`: every row, the Value operators made from them, and :data:`TABLE`;
* the readings of a rule: :mod:`.floats` (floats and IEEE results), :mod:`.source`
  (an expression tree) with its printers :mod:`.print_python`, :mod:`.print_c` and
  :mod:`.print_javascript` (the explorer page runs graphs with it); on Values, ``autograd.value_math``.
"""

from .op import VARIADIC, DotConst, Op, Reading, TestSpec
from .print_python import NAMESPACE, python_text
from .source import Expr, Name, SourceMath, as_expr
from .table import TABLE
from .vocabulary import VOCABULARY, Function

__all__ = [
    "NAMESPACE", "TABLE", "VARIADIC", "VOCABULARY", "DotConst", "Expr", "Function", "Name", "Op",
    "Reading", "SourceMath", "TestSpec", "as_expr", "python_text",
]
