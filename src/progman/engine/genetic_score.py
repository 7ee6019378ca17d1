"""The genetic search's call of a problem's scoring kernel, in compiled code (numba only).

:func:`progman.engine.genetic.generations` calls ``score(order, context, best, counter)``;
numba resolves it at compile time, by the class of ``context``, to a direct call of the
kernel registered with :func:`progman.engine.genetic.scorer`. This is a
``numba.extending.intrinsic``, so it lives apart from :mod:`progman.engine.genetic`: a
process whose kernels all come from the ahead-of-time module (:mod:`progman.engine.aot`)
never imports numba, and :mod:`progman.engine.jit` imports this module only when the
engine switches to numba.
"""

from __future__ import annotations

from typing import Any

from numba import types
from numba.extending import intrinsic

from progman.engine import jit
from progman.engine.genetic import SCORERS


@intrinsic
def _score(typingctx: Any, order: Any, context: Any, best: Any, counter: Any) -> Any:
    """``score(order, context, best, counter)``: the fitness of the list ``order`` (lower is
    better), decoded by the problem whose ``context`` it is: a call of the kernel
    registered with :func:`~progman.engine.genetic.scorer` for the context's class. It may
    improve ``order`` in place (Lamarckian), keeps the best schedule and its fitness in
    ``best[0]``, and adds the decoder passes it made to ``counter[0]``.

    Compiled code only: the call is the registered kernel's own, with no function between
    (an ``overload`` would compile one more, as large as the decoder)."""
    if not isinstance(context, types.BaseNamedTuple):
        return None
    registered = SCORERS.get(getattr(context, "instance_class", type(None)))
    if registered is None:
        return None
    kernel_ = jit.dispatcher_of(registered)  # a kernel declared before the switch to numba
    arguments = (order, context, best, counter)
    kernel_.compile(arguments)  # or loads it from the cache
    compiled = kernel_.overloads[arguments]

    def codegen(target: Any, builder: Any, sig: Any, args: Any) -> Any:
        target.add_linking_libs([compiled.library])
        return target.call_internal(builder, compiled.fndesc, compiled.signature, args)

    return compiled.signature, codegen


#: :func:`_score` as compiled code calls it (without the typing context numba passes).
score: Any = _score
